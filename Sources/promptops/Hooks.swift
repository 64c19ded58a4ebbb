import ArgumentParser
import Foundation
import GitKit
import PromptGate
import PromptModel

extension HookScripts.Kind: ExpressibleByArgument {}

extension PromptOps {
  struct Hooks: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "hooks",
      abstract: "Install the git hooks, or print their scripts.",
      subcommands: [Install.self, Print.self])

    struct Install: ParsableCommand {
      static let configuration = CommandConfiguration(
        commandName: "install",
        abstract: "Install the pre-commit hook (and with --pre-push, the pre-push hook).",
        discussion: """
          Respects core.hooksPath. A hook that is not promptops's is never overwritten: --chain \
          keeps it and runs it first, --force replaces it.
          """)

      @Flag(help: "Also install the pre-push hook.")
      var prePush = false

      @Flag(help: "Replace an existing hook that is not promptops's.")
      var force = false

      @Flag(help: "Keep an existing hook that is not promptops's and run it before promptops.")
      var chain = false

      @OptionGroup var options: GlobalOptions

      func validate() throws {
        if force && chain { throw ValidationError("--force and --chain exclude each other") }
      }

      func run() throws {
        let absolute = try HookInstaller.runningBinary()
        let installer = HookInstaller(repository: try options.openRepository())
        var kinds: [HookScripts.Kind] = [.preCommit]
        if prePush { kinds.append(.prePush) }
        let outcomes = try kinds.map { try installer.install($0, binary: absolute, force: force, chain: chain) }
        for outcome in outcomes {
          switch outcome {
          case .installed(let path): print("installed \(path)")
          case .replacedOwn(let path): print("updated \(path)")
          case .chained(let path, let previous): print("installed \(path) (runs \(previous) first)")
          case .replacedForeign(let path): print("replaced \(path)")
          }
        }
      }
    }

    struct Print: ParsableCommand {
      static let configuration = CommandConfiguration(
        commandName: "print", abstract: "Print a hook script (the repository's hooks/ files are these).")

      @Argument(help: "pre-commit or pre-push.")
      var kind: HookScripts.Kind

      func run() {
        print(HookScripts.script(kind), terminator: "")
      }
    }
  }
}
