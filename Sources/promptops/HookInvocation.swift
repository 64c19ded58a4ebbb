import ArgumentParser
import PromptOpsCore

/// The command lines the installed pre-commit hook runs, recognised before ArgumentParser.
///
/// ArgumentParser builds the command tree and each command's arguments by reflection on every
/// start, and checks each command line for a completion-script request first: about 3 ms, a
/// seventh of a staged check on a large repository, paid on every commit. These few fixed
/// argument vectors mean exactly what `Check` parses them to (a test holds both paths to the
/// same output and exit status); every other command line, `--help` included, goes through
/// ArgumentParser.
enum HookInvocation {
  /// The comparison a hook command line asks for; nil for any other command line.
  static func comparison(for arguments: [String]) -> Comparison? {
    switch arguments {
    case ["check"], ["check", "--staged"]: .staged
    case ["check", "--staged", "--amend"]: .stagedAmend
    default: nil
    }
  }

  /// Runs a recognised hook command line as `Check` would, and exits; returns otherwise.
  static func runIfRecognised(_ arguments: [String]) {
    guard let comparison = comparison(for: arguments) else { return }
    do {
      try PromptOps.Check.run(comparison, directory: nil, settings: ReportSettings())
    } catch {
      PromptOps.exit(withError: error)
    }
    PromptOps.exit()
  }
}
