import Foundation

/// `evals.mode: external`: runs the team's own eval command (promptfoo, usually) once per suite
/// of each prompt, and reads its JSON results.
///
/// The command is an argv template, never a shell string: `{suite}` (the suite file),
/// `{output}` (where the command must write promptfoo's JSON results), `{prompt}` (the prompt
/// text file) and `{id}` are filled in per prompt.
struct ExternalEval {
  let command: [String]
  let workingDirectory: String

  func run(_ plans: [PromptEvalPlan], commit: String?) throws -> EvalRun {
    var prompts: [PromptEvalResult] = []
    for plan in plans {
      var header = PromptEvalHeader(plan: plan)
      var verdicts: [UnitVerdict] = []
      var unitCount = 0
      for suite in plan.suitePaths {
        do {
          let results = try runCommand(suite: suite, plan: plan)
          for (index, result) in results.enumerated() {
            let name = result["testCase"]?["description"]?.stringValue ?? result["description"]?.stringValue ?? "\(suite) test \(index + 1)"
            let error = result["error"]?.stringValue
            verdicts.append(
              UnitVerdict(
                key: "\(plan.promptID)|\(suite)|\(index)", testName: name, passed: error == nil && result["success"] == .bool(true),
                score: result["score"]?.doubleValue ?? (result["success"] == .bool(true) ? 1 : 0), error: error.map { "\(name): \($0)" }))
          }
          unitCount += results.count
        } catch {
          header.errors.append("\(suite): \(error)")
        }
      }
      header.unitCount = unitCount
      prompts.append(PromptEvalResult(header: header, units: verdicts))
    }
    return EvalRun(commit: commit, shard: nil, plans: plans, unitResults: [], prompts: prompts, statistics: .init(), timestamp: Date())
  }

  private func runCommand(suite: String, plan: PromptEvalPlan) throws -> [JSONValue] {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("promptops-eval-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    let output = folder.appendingPathComponent("results.json").path
    let promptFile = plan.path.hasSuffix("/") ? plan.path : (plan.inputs.keys.first { $0.hasPrefix(plan.path) && !$0.hasSuffix(".yml") } ?? plan.path)
    let argv = command.map {
      $0.replacingOccurrences(of: "{suite}", with: workingDirectory + "/" + suite)
        .replacingOccurrences(of: "{output}", with: output)
        .replacingOccurrences(of: "{prompt}", with: workingDirectory + "/" + promptFile)
        .replacingOccurrences(of: "{id}", with: plan.promptID)
    }
    guard let executable = argv.first else { throw ExternalEvalError("`evals.external_command` is empty") }
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable.contains("/") ? executable : "/usr/bin/env")
    process.arguments = executable.contains("/") ? Array(argv.dropFirst()) : argv
    process.currentDirectoryURL = URL(fileURLWithPath: workingDirectory)
    let errors = Pipe()
    process.standardError = errors
    process.standardOutput = FileHandle.nullDevice
    do {
      try process.run()
    } catch {
      throw ExternalEvalError("cannot run \(executable): \(error.localizedDescription)")
    }
    let stderr = errors.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    guard let data = FileManager.default.contents(atPath: output) else {
      let detail = String(decoding: stderr.suffix(500), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
      throw ExternalEvalError("\(argv.joined(separator: " ")) exited \(process.terminationStatus) without writing results\(detail.isEmpty ? "" : ": \(detail)")")
    }
    guard let document = try? JSONValue.parse(data) else { throw ExternalEvalError("the eval command's output is not JSON") }
    if case .array(let results)? = document["results"]?["results"] { return results }
    if case .array(let results)? = document["results"] { return results }
    throw ExternalEvalError("the eval command's output has no promptfoo `results`")
  }
}

struct ExternalEvalError: Error, CustomStringConvertible {
  let description: String
  init(_ description: String) { self.description = description }
}
