import Foundation
import GitKit
import PromptModel

/// Installs the hook scripts where git runs them: `core.hooksPath` when set, else the shared
/// `hooks/` folder of the repository (linked worktrees included).
public struct HookInstaller {
  public enum Outcome: Equatable, Sendable {
    case installed(path: String)
    case replacedOwn(path: String)
    case chained(path: String, previous: String)
    case replacedForeign(path: String)
  }

  let repository: Repository

  public init(repository: Repository) { self.repository = repository }

  /// The absolute path of this program, which the hooks fall back to when promptops is not on
  /// the PATH a commit runs with. Asked of the system (`/proc/self/exe`), not derived from
  /// `argv[0]`: a program found on PATH is started as plain `promptops`, which names no folder.
  public static func runningBinary() throws -> String {
    if let path = Bundle.main.executablePath, path.hasPrefix("/") {
      return URL(fileURLWithPath: path).resolvingSymlinksInPath().path
    }
    let named = CommandLine.arguments[0]
    if named.contains("/") { return URL(fileURLWithPath: named).standardizedFileURL.path }
    if let found = ExecutableSearch.find(named) { return found }
    throw PromptOpsError.io(
      path: named,
      message: "cannot tell where this promptops is installed; run it by its full path to install the hooks")
  }

  /// The folder git runs hooks from.
  public func hooksDirectory() throws -> String {
    if let configured = try repository.configString("core.hooksPath"), !configured.isEmpty {
      var path = configured
      if path.hasPrefix("~/") { path = (ProcessInfo.processInfo.environment["HOME"] ?? "") + path.dropFirst(1) }
      if !path.hasPrefix("/") {
        // Relative to where hooks run: the top of the working tree.
        let top = repository.workingDirectory ?? repository.commonDirectory
        path = URL(fileURLWithPath: path, relativeTo: URL(fileURLWithPath: top)).standardizedFileURL.path
      }
      return path
    }
    let common = repository.commonDirectory
    return (common.hasSuffix("/") ? common : common + "/") + "hooks"
  }

  /// Writes one hook. A hook that is not promptops's own is left alone unless `force` (replace
  /// it) or `chain` (keep it beside ours, run first); either way nothing is half-written.
  public func install(_ kind: HookScripts.Kind, binary: String, force: Bool, chain: Bool) throws -> Outcome {
    let directory = try hooksDirectory()
    let path = directory + "/" + kind.rawValue
    let fileManager = FileManager.default
    do {
      try fileManager.createDirectory(atPath: directory, withIntermediateDirectories: true)
    } catch {
      throw PromptOpsError.io(path: directory, message: "cannot create the hooks folder: \(error.localizedDescription)")
    }
    var outcome = Outcome.installed(path: path)
    if let existing = fileManager.contents(atPath: path) {
      let text = String(decoding: existing, as: UTF8.self)
      if text.contains(HookScripts.marker) {
        outcome = .replacedOwn(path: path)
      } else if chain {
        let previous = path + HookScripts.chainedSuffix
        guard !fileManager.fileExists(atPath: previous) else {
          throw PromptOpsError.io(
            path: previous, message: "a chained hook is already kept here; remove it or use --force")
        }
        do { try fileManager.moveItem(atPath: path, toPath: previous) } catch {
          throw PromptOpsError.io(
            path: path, message: "cannot move the existing hook aside: \(error.localizedDescription)")
        }
        outcome = .chained(path: path, previous: previous)
      } else if force {
        outcome = .replacedForeign(path: path)
      } else {
        throw PromptOpsError.io(
          path: path,
          message:
            "a \(kind.rawValue) hook that is not promptops's already exists; keep it and run it first with --chain, or replace it with --force"
        )
      }
    }
    let script = HookScripts.script(kind, defaultBinary: binary)
    do {
      try Data(script.utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
      try fileManager.setAttributes([.posixPermissions: 0o755], ofItemAtPath: path)
    } catch {
      throw PromptOpsError.io(path: path, message: "cannot write the hook: \(error.localizedDescription)")
    }
    return outcome
  }
}
