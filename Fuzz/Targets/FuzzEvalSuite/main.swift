import FuzzSupport

@testable import PromptEvals
@testable import PromptModel

/// Eval suites: the input is a promptfoo-style `evalsuite.yml`, loaded in both modes (builtin
/// refuses what it cannot run; external reads more). Every file the suite names (test files,
/// provider scripts) holds the same input, so a suite that names itself as a test file is read
/// as one too.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ start: UnsafeRawPointer?, _ count: Int) -> CInt {
  let input = FuzzInput(start, count)
  for mode in [EvalSettings.Mode.builtin, .external] {
    var settings = EvalSettings()
    settings.mode = mode
    let loader = SuiteLoader(
      read: { _ in input.bytes },
      list: { folder in listing.map { folder.isEmpty ? $0 : folder + "/" + $0 } },
      settings: settings)
    do {
      _ = try loader.load(path: "prompts/a/evalsuite.yml")
    } catch {
      // A clear error is the right answer to a bad suite.
    }
  }
  return 0
}

/// What a folder holds, for globs: a few test files, and one deep path, as repositories have.
private let listing = [
  "tests.json", "tests.jsonl", "tests.csv", "cases/a.yaml", "a/b/c/d/e/f/g/h/i/j/k/l/m/n/o/p/q/r/s/t/u/v/w/x/y/z.yaml",
]

runLibFuzzer { data, size in fuzz(data, size) }
