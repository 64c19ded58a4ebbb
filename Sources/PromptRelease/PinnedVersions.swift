import Foundation
import GitKit
import PromptModel

/// Every content hash the lock file has pinned, per environment and prompt: the lock as it
/// stands in the working tree plus every committed state of it. A production log whose
/// `version_hash` is not among its environment's pins ran something nobody promoted there.
public struct PinnedVersions: Sendable {
  /// environment → prompt id → sha256s ever pinned.
  public private(set) var byEnvironment: [String: [String: Set<String>]] = [:]

  public init(byEnvironment: [String: [String: Set<String>]]) { self.byEnvironment = byEnvironment }

  /// Reads the lock of the repository's working tree and its history; nil when the repository
  /// has never had a lock file (nothing was ever promoted, so nothing can be unpinned).
  public static func load(repository: Repository) throws -> PinnedVersions? {
    guard let head = try repository.headCommit() else { return nil }
    let settings = try GateContext.load(from: .commit(head), in: repository).configuration.promotion
    var result = try LockHistory(repository: repository, lockPath: settings.lockFile).everPinned()
    // A bare repository has no working lock file: its committed history is all there is.
    if let top = repository.workingDirectory {
      let path = (top.hasSuffix("/") ? top : top + "/") + settings.lockFile
      if let data = FileManager.default.contents(atPath: path) {
        for (environment, pins) in try LockFile.parse(data, file: settings.lockFile).environments {
          for (id, pin) in pins { result[environment, default: [:]][id, default: []].insert(pin.sha256) }
        }
      }
    }
    return result.isEmpty ? nil : PinnedVersions(byEnvironment: result)
  }

  /// Whether records of `environment` can be judged: the lock has pinned something there.
  public func covers(_ environment: String) -> Bool { byEnvironment[environment] != nil }

  public func isPinned(_ id: String, _ sha256: String, in environment: String) -> Bool {
    byEnvironment[environment]?[id]?.contains(sha256) ?? false
  }
}
