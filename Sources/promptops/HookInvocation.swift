import ArgumentParser
import PromptChanges

/// The command lines the installed hooks run, recognised before ArgumentParser.
///
/// ArgumentParser builds the command tree and each command's arguments by reflection on every
/// start, and checks each command line for a completion-script request first: about 3–4 ms, a
/// seventh of a staged check on a large repository, paid on every commit and push. These few
/// fixed shapes of argument vector mean exactly what `Check` parses them to (a test holds both
/// paths to the same output and exit status); every other command line, `--help` included, goes
/// through ArgumentParser.
enum HookInvocation {
  /// What a hook command line asks for: its comparison and report settings (`--quiet` at the end
  /// is the only report option a hook line may carry); nil for any other command line.
  static func invocation(for arguments: [String]) -> (comparison: Comparison, settings: ReportSettings)? {
    var line = arguments
    var settings = ReportSettings()
    if line.count > 1 && line.last == "--quiet" {
      line.removeLast()
      settings.quiet = true
    }
    return comparison(for: line).map { ($0, settings) }
  }

  /// The comparison of a hook command line without report options; nil for any other line.
  static func comparison(for arguments: [String]) -> Comparison? {
    switch arguments {
    // pre-commit (`Check.run` lets the commit in progress decide whether it amends); the
    // `--amend` form is what hooks installed by earlier versions run
    case ["check"], ["check", "--staged"]: return .staged
    case ["check", "--staged", "--amend"]: return .stagedAmend
    // pre-push: the pushed range, or the whole pushed tree for a branch with no history below it
    case let line where line.count == 3 && line[0] == "check" && line[1] == "--base" && isRevision(line[2]):
      return .commits(base: line[2], head: nil)
    case let line
    where line.count == 5 && line[0] == "check" && line[1] == "--base" && isRevision(line[2]) && line[3] == "--head"
      && isRevision(line[4]):
      return .commits(base: line[2], head: line[4])
    case let line
    where line.count == 4 && line[0] == "check" && line[1] == "--all" && line[2] == "--head" && isRevision(line[3]):
      return .wholeTree(revision: line[3], staged: false)
    default: return nil
    }
  }

  /// A value ArgumentParser would take as the option's value as it stands: not empty, and not
  /// something it could read as another option (`-…`). Anything else is left to it.
  private static func isRevision(_ value: String) -> Bool {
    !value.isEmpty && !value.hasPrefix("-")
  }

  /// Runs a recognised hook command line as `Check` would, and exits; returns otherwise.
  static func runIfRecognised(_ arguments: [String]) {
    guard let (comparison, settings) = invocation(for: arguments) else { return }
    do {
      try PromptOps.Check.run(comparison, directory: nil, settings: settings)
    } catch {
      PromptOps.fail(error)
    }
    PromptOps.exit()
  }
}
