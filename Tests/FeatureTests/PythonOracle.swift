import Foundation
import PromptModel
import TestSupport
import Testing

/// A Python package of the test venv (`ci/install-deps.sh --python`) as an oracle: `script` reads
/// a JSON array from standard input and prints one JSON array, an answer per item. A venv or
/// package that is missing fails the test, naming the install step; it is never a skip.
enum PythonOracle {
  static func answers(of script: String, to input: JSONValue, package: String) throws -> [JSONValue] {
    let python = LlamaServer.pythonPath
    try #require(
      FileManager.default.isExecutableFile(atPath: python),
      "the test venv is missing: run `sh ci/install-deps.sh --python`")
    let result = try runProcess(
      python, ["-c", script], in: FileManager.default.temporaryDirectory.path,
      environment: ProcessInfo.processInfo.environment, input: input.canonicalJSON)
    try #require(
      result.status == 0, "\(package) is missing from the test venv (sh ci/install-deps.sh --python): \(result.stderr)")
    guard case .array(let answers) = try JSONValue.parse(Data(result.stdout.utf8)) else {
      Issue.record("\(package) printed no list: \(result.stdout.prefix(200))")
      return []
    }
    return answers
  }
}
