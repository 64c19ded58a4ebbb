import ArgumentParser
import Foundation
import PromptRelease

extension PromptOps {
  struct Rollback: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "rollback",
      abstract: "Re-pin an environment to the last known good version, after re-running its evals.",
      discussion: """
        A rollback asks what promote asks: verified approvals where the environment requires \
        them, with promotion.enforce_order a pin in the previous environment, and evals re-run \
        now past the cache that pass (where the environment does not require evals, a version \
        without a suite will do); recorded eval notes do not decide. It goes only to a version \
        the environment had (the lock file's committed history), never back to the one the \
        current pin rolled back from. The target defaults to the most recent earlier pin that \
        meets all of that; --to names one, and anything it lacks refuses the rollback. Who, when, why, from and to go into the audit log and the \
        lock entry. --restore also writes the target's content back as a new version with the \
        changelog entry "Rollback to V: reason", so history stays monotonic and the version \
        gate passes. The audit event is written and flushed before the pin; a rollback that \
        fails leaves the lock file, audit log and restored files as they were, and the same \
        rollback (same --reason) run again once it is in place changes nothing. Exit 1 when \
        refused, 2 when it could not be made.
        """)

    @Argument(help: "The prompt id.")
    var id: String

    @Option(help: "The environment.")
    var env: String

    @Option(help: "Roll back to this version instead of the last known good one.")
    var to: String?

    @Option(help: "Why (recorded in the audit log and the lock file).")
    var reason: String

    @Flag(help: "Also write the target's content back as a new patch version.")
    var restore = false

    @Flag(help: "Commit the lock file, audit log and restored files afterwards.")
    var commit = false

    @Option(name: .customShort("C"), help: ArgumentHelp("Run as if started in <dir>.", valueName: "dir"))
    var directory: String?

    func validate() throws {
      if reason.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
        throw ValidationError("--reason must say why")
      }
    }

    func run() throws {
      let workspace = try ReleaseWorkspace(repository: try openRepository(directory))
      var request = PromptRelease.Rollback.Request(id: id, environment: env, version: to, reason: reason)
      request.restore = restore
      request.commit = commit
      let outcome = try PromptRelease.Rollback(workspace: workspace).rollback(request)
      for warning in outcome.warnings { printError("promptops: warning: \(warning)") }
      if case .alreadyInPlace(let event) = outcome.result {
        print(
          "\(id) in \(env) was already rolled back from \(outcome.from.version) to \(outcome.to.version) for this reason (by \(event.by) at \(event.at)); nothing changed"
        )
        if !commit { print("  commit the lock file and audit log to make it part of history") }
        return
      }
      for skipped in outcome.skipped { print("  passed over \(skipped)") }
      print(
        "rolled back \(id) in \(env): \(outcome.from.version) → \(outcome.to.version) (sha256 \(outcome.to.sha256), commit \(outcome.to.commit.prefix(12)))"
      )
      if case .completed(let event) = outcome.result {
        print(
          "  completed the rollback recorded in the audit log at \(event.at) by \(event.by), whose pin was never written (the run was stopped)"
        )
      }
      print("  revalidation: \(outcome.revalidation.status.rawValue): \(outcome.revalidation.summary)")
      if let restored = outcome.restored {
        print("  restored as \(restored.version): \(restored.files.joined(separator: ", "))")
      }
      if !commit {
        print(
          "  commit the lock file and audit log\(outcome.restored == nil ? "" : " and the restored files") to make it part of history"
        )
      }
    }
  }
}
