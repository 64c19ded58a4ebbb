import ArgumentParser
import Foundation
import GitKit
import PromptRelease

extension PromptOps {
  struct Promote: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "promote",
      abstract: "Pin a prompt version in an environment and tag its commit.",
      discussion: """
        Checks the version's preconditions (a valid card; where the environment requires evals, \
        its eval suites run now as its commit has them, cached answers reused, and passing; the \
        verified approvals it requires; with promotion.enforce_order, a pin in the previous \
        environment; recorded eval notes are history and never decide), creates the annotated \
        tag prompt/<id>/v<version> on the commit that introduced the version, and pins \
        environment → id → {version, sha256, commit} in the lock file (written atomically under \
        an exclusive lock), after its audit event is written and flushed to disk. A promotion \
        that fails (a full disk, git's index.lock during --commit) is undone: the lock file and \
        audit log are left as they were. One already in place is not made again. The lock file \
        and the audit log are left for you to commit, or committed with --commit. Exit 1 when \
        the promotion is refused, 2 when it could not be evaluated or made.
        """)

    @Argument(help: "The prompt id.")
    var id: String

    @Option(help: "The environment to pin it in (promotion.environments).")
    var env: String

    @Option(help: "Promote this version (from the history of HEAD) instead of the current one.")
    var version: String?

    @Option(help: "Promote the version the prompt has at this revision.")
    var at: String?

    @Flag(help: "Sign the tag as git does (git tag -s: gpg.format, user.signingkey).")
    var sign = false

    @Option(name: .customLong("signing-key"), help: "Sign the tag with this key (git tag -u).")
    var signingKey: String?

    @Flag(help: "Commit the lock file and audit log afterwards.")
    var commit = false

    @Option(name: .customShort("C"), help: ArgumentHelp("Run as if started in <dir>.", valueName: "dir"))
    var directory: String?

    func validate() throws {
      if version != nil && at != nil { throw ValidationError("--version and --at are alternatives; give one") }
    }

    func run() throws {
      let workspace = try ReleaseWorkspace(repository: try openRepository(directory))
      var request = Promoter.Request(id: id, environment: env, version: version, revision: at)
      request.sign = sign || signingKey != nil
      request.signingKey = signingKey
      request.commit = commit
      let outcome = try Promoter(workspace: workspace).promote(request)
      let pin = outcome.pin
      for warning in outcome.warnings { printError("promptops: warning: \(warning)") }
      if case .alreadyInPlace = outcome.result {
        print(
          "\(id) \(pin.version) is already pinned in \(env) (promoted by \(pin.promotedBy) at \(pin.promotedAt)); nothing changed"
        )
        if !commit { print("  commit the lock file and audit log to make the pin part of history") }
        return
      }
      print("promoted \(id) \(pin.version) to \(env) (sha256 \(pin.sha256), commit \(pin.commit.prefix(12)))")
      if case .completed(let event) = outcome.result {
        print(
          "  completed the promotion recorded in the audit log at \(event.at) by \(event.by), whose pin was never written (the run was stopped)"
        )
      }
      if let previous = outcome.previous, previous != pin {
        print("  replaces \(previous.version) (sha256 \(previous.sha256.prefix(12))…)")
      }
      print("  tag \(outcome.tag)\(outcome.tagCreated ? " created" : " already in place")")
      if (sign || signingKey != nil) && !outcome.tagCreated {
        print("  note: the existing tag was kept as it is; --sign signs only tags this promotion creates")
      }
      print("  evals: \(outcome.evals.status.rawValue): \(outcome.evals.summary)")
      if !outcome.approvers.isEmpty { print("  approvers: \(outcome.approvers.joined(separator: ", "))") }
      if !commit { print("  commit the lock file and audit log to make the pin part of history") }
    }
  }
}
