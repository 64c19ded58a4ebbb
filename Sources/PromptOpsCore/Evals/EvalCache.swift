import Foundation

/// Test results stored by the SHA-256 of everything that decides them, so a rerun with nothing
/// changed calls no provider.
///
/// One file per result under the git directory (`promptops/eval-cache/ab/abcdef….json`), written
/// to a temporary file and renamed into place: two runs at once never see half a file, and the
/// last writer of identical content wins harmlessly.
public struct EvalCache: Sendable {
  public let directory: String

  public init(directory: String) { self.directory = directory }

  /// The cache of a repository: shared by its worktrees.
  public init(gitCommonDirectory: String) {
    let base = gitCommonDirectory.hasSuffix("/") ? gitCommonDirectory : gitCommonDirectory + "/"
    directory = base + "promptops/eval-cache"
  }

  private func path(for key: String) -> String { "\(directory)/\(key.prefix(2))/\(key).json" }

  /// The stored result, or nil when there is none or it cannot be read (then the test runs).
  public func load(_ key: String) -> RunResult? {
    guard let data = FileManager.default.contents(atPath: path(for: key)) else { return nil }
    return try? JSONDecoder().decode(RunResult.self, from: data)
  }

  public func store(_ result: RunResult, key: String) {
    let target = path(for: key)
    let folder = (target as NSString).deletingLastPathComponent
    guard (try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)) != nil,
      let data = try? JSONEncoder().encode(result)
    else { return }
    let temporary = "\(folder)/.\(key).\(getpid()).\(UUID().uuidString).tmp"
    guard FileManager.default.createFile(atPath: temporary, contents: data) else { return }
    if rename(temporary, target) != 0 { unlink(temporary) }
  }
}

