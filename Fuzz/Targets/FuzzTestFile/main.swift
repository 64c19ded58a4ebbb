import FuzzSupport

@testable import PromptEvals
@testable import PromptModel

/// Test files a suite names (`tests: file://…`): the first byte picks the kind, `l` JSON Lines,
/// `c` CSV, `y` YAML, anything else JSON; the rest is the file, loaded through a suite that
/// names it, as `promptops eval` reads it.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ start: UnsafeRawPointer?, _ count: Int) -> CInt {
  let input = FuzzInput(start, count)
  guard let kind = input.bytes.first else { return 0 }
  let fileName: String
  switch kind {
  case UInt8(ascii: "l"): fileName = "tests.jsonl"
  case UInt8(ascii: "c"): fileName = "tests.csv"
  case UInt8(ascii: "y"): fileName = "tests.yaml"
  default: fileName = "tests.json"
  }
  let suite = Array("providers: [echo]\ntests: file://\(fileName)\n".utf8)
  let file = Array(input.bytes.dropFirst())
  for mode in [EvalSettings.Mode.builtin, .external] {
    var settings = EvalSettings()
    settings.mode = mode
    let loader = SuiteLoader(
      read: { path in path == "prompts/a/evalsuite.yml" ? suite : path == "prompts/a/\(fileName)" ? file : nil },
      list: { _ in [] },
      settings: settings)
    do {
      _ = try loader.load(path: "prompts/a/evalsuite.yml")
    } catch {
      // A clear error is the right answer to a bad test file.
    }
  }
  return 0
}

runLibFuzzer { data, size in fuzz(data, size) }
