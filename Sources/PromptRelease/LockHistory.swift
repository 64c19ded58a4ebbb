import Foundation
import GitKit

/// The lock file as each commit reachable from HEAD recorded it, newest first: where rollback
/// finds the last known good version and history finds past promotions.
public struct LockHistory {
  public struct State {
    public let commit: ObjectID
    public let lock: LockFile
  }

  /// Newest first; only commits that changed the lock file.
  public let states: [State]

  public init(repository: Repository, lockPath: String) throws {
    guard let head = try repository.headCommit() else {
      states = []
      return
    }
    var result: [State] = []
    for commit in try repository.commitsChanging([lockPath], from: head) {
      guard let bytes = try repository.contents(at: lockPath, in: .commit(commit)) else { continue }
      let lock = try LockFile.parse(Data(bytes), file: "\(lockPath) at commit \(commit.hex.prefix(12))")
      result.append(State(commit: commit, lock: lock))
    }
    states = result
  }

  /// The distinct pins (by content hash) `id` had in `environment`, most recent first.
  public func pins(of id: String, in environment: String) -> [LockFile.Pin] {
    var seen = Set<String>()
    var result: [LockFile.Pin] = []
    for state in states {
      guard let pin = state.lock.pin(id, in: environment), !seen.contains(pin.sha256 + pin.version) else { continue }
      seen.insert(pin.sha256 + pin.version)
      result.append(pin)
    }
    return result
  }

  /// Whether any committed state pinned this content of `id` in `environment`.
  public func hasPinned(_ id: String, sha256: String, in environment: String) -> Bool {
    states.contains { $0.lock.pin(id, in: environment)?.sha256 == sha256 }
  }

  /// Every (environment, id, sha256) ever pinned in the committed history.
  public func everPinned() -> [String: [String: Set<String>]] {
    var result: [String: [String: Set<String>]] = [:]
    for state in states {
      for (environment, pins) in state.lock.environments {
        for (id, pin) in pins { result[environment, default: [:]][id, default: []].insert(pin.sha256) }
      }
    }
    return result
  }
}
