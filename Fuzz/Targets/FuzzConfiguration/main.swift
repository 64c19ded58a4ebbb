import FuzzSupport

@testable import PromptChanges
@testable import PromptModel

/// `.promptops.yml`: the input is the file's text. A configuration that parses is also put to
/// the uses its values are checked for (the variable pattern, severities).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ start: UnsafeRawPointer?, _ count: Int) -> CInt {
  let input = FuzzInput(start, count)
  do {
    let configuration = try Configuration.parse(input.text)
    _ = VariableScanner(pattern: configuration.variablePattern).regexVariables(in: "{{a}} {{ b }} {c}")
    for rule in RuleID.allCases { _ = configuration.severity(of: rule) }
  } catch {
    // A clear error is the right answer to a bad configuration.
  }
  return 0
}

runLibFuzzer { data, size in fuzz(data, size) }
