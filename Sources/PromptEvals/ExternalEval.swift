import Foundation
import PromptModel
import Spawn

/// `evals.mode: external`: runs the team's own eval command (promptfoo, usually) once per suite
/// of each prompt, and reads its JSON results.
///
/// The command is an argv template, never a shell string: `{suite}` (the suite file),
/// `{output}` (where the command must write promptfoo's JSON results), `{prompt}` (the prompt
/// text file) and `{id}` are filled in per prompt.
struct ExternalEval {
  let command: [String]
  /// Seconds one run may take; past it the command's whole process group is killed.
  let timeout: Double
  let workingDirectory: String
  /// The plan's inputs whose working-tree copy is not the evaluated content (the command reads
  /// the working tree).
  let differingInputs: (PromptEvalPlan) -> [String]

  func run(_ plans: [PromptEvalPlan], commit: String?) throws -> EvalRun {
    // Where the command writes its results: a temporary folder that cannot be made is the
    // machine's problem, not the prompts' (exit 2, naming TMPDIR), found before anything runs.
    guard plans.contains(where: { !$0.suitePaths.isEmpty }) else {
      return try runSuites(plans, commit: commit, scratch: "")
    }
    return try TemporaryFolder.with(prefix: "promptops-eval") { try runSuites(plans, commit: commit, scratch: $0) }
  }

  private func runSuites(_ plans: [PromptEvalPlan], commit: String?, scratch: String) throws -> EvalRun {
    var prompts: [PromptEvalResult] = []
    var runs = 0
    for plan in plans {
      var header = PromptEvalHeader(plan: plan)
      var verdicts: [UnitVerdict] = []
      var unitCount = 0
      // The command reads the working tree: it must hold the evaluated content.
      if let problem = WorkingTreeInputs.problem(differingInputs(plan), usedBy: "the external eval command reads") {
        header.errors.append(problem.description)
        prompts.append(PromptEvalResult(header: header, units: []))
        continue
      }
      for suite in plan.suitePaths {
        do {
          runs += 1
          let results = try runCommand(suite: suite, plan: plan, output: scratch + "/results-\(runs).json")
          for (index, result) in results.enumerated() {
            let name =
              result["testCase"]?["description"]?.stringValue ?? result["description"]?.stringValue
              ?? "\(suite) test \(index + 1)"
            let error = result["error"]?.stringValue
            verdicts.append(
              UnitVerdict(
                key: "\(plan.promptID)|\(suite)|\(index)", testName: name,
                passed: error == nil && result["success"] == .bool(true),
                score: result["score"]?.doubleValue ?? (result["success"] == .bool(true) ? 1 : 0),
                error: error.map { "\(name): \($0)" }))
          }
          unitCount += results.count
        } catch {
          header.errors.append("\(suite): \(error)")
        }
      }
      header.unitCount = unitCount
      prompts.append(PromptEvalResult(header: header, units: verdicts))
    }
    return EvalRun(
      commit: commit, shard: nil, plans: plans, unitResults: [], prompts: prompts, statistics: .init(),
      timestamp: Date())
  }

  private func runCommand(suite: String, plan: PromptEvalPlan, output: String) throws -> [JSONValue] {
    defer { unlink(output) }
    let top = workingDirectory.hasSuffix("/") ? String(workingDirectory.dropLast()) : workingDirectory
    let argv = command.map {
      $0.replacingOccurrences(of: "{suite}", with: top + "/" + suite)
        .replacingOccurrences(of: "{output}", with: output)
        .replacingOccurrences(of: "{prompt}", with: top + "/" + plan.textPath)
        .replacingOccurrences(of: "{id}", with: plan.promptID)
    }
    guard let executable = argv.first else { throw ExternalEvalError("`evals.external_command` is empty") }
    // Run in a process group of its own (`npx promptfoo` is several processes), so a timeout
    // kills all of it. A name without a slash is found on PATH by env, as a shell would.
    let outcome: ChildProcessOutcome
    do {
      outcome = try ChildProcess.run(
        executable: executable.contains("/") ? executable : "/usr/bin/env",
        arguments: executable.contains("/") ? Array(argv.dropFirst()) : argv,
        environment: ProcessInfo.processInfo.environment, workingDirectory: workingDirectory, input: nil,
        timeout: timeout)
    } catch {
      throw ExternalEvalError("cannot run \(executable): \(error)")
    }
    let detail = String(decoding: outcome.stderr.suffix(500), as: UTF8.self).trimmingCharacters(
      in: .whitespacesAndNewlines)
    let ending: String
    switch outcome.termination {
    case .timedOut:
      throw ExternalEvalError(
        "\(argv.joined(separator: " ")) did not finish within \(Self.seconds(timeout)) (evals.external_timeout) and was stopped\(detail.isEmpty ? "" : ": \(detail)")"
      )
    case .exited(let code): ending = "exited \(code)"
    case .signalled(let signal): ending = "was killed by signal \(signal)"
    case .outputTooLarge: ending = "printed too much"  // Not asked for: its output is not read.
    }
    guard let data = try Self.readResults(output) else {
      throw ExternalEvalError(
        "\(argv.joined(separator: " ")) \(ending) without writing results\(detail.isEmpty ? "" : ": \(detail)")")
    }
    guard let document = try? JSONValue.parse(data) else {
      throw ExternalEvalError("the eval command's output is not JSON")
    }
    if case .array(let results)? = document["results"]?["results"] { return results }
    if case .array(let results)? = document["results"] { return results }
    throw ExternalEvalError("the eval command's output has no promptfoo `results`")
  }
}

extension ExternalEval {
  /// The most a results file may hold: a verdict is never read from part of one.
  static let resultsLimit = 64 << 20

  /// The results file the command wrote, nil when it wrote none; one that is not a regular file
  /// or is larger than `resultsLimit` is an error, never read in part.
  static func readResults(_ path: String) throws -> Data? {
    let descriptor = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)
    guard descriptor >= 0 else {
      if errno == ENOENT { return nil }
      throw ExternalEvalError("cannot read the results the eval command wrote: \(String(cString: strerror(errno)))")
    }
    let handle = FileHandle(fileDescriptor: descriptor, closeOnDealloc: true)
    var status = stat()
    guard fstat(descriptor, &status) == 0, status.st_mode & S_IFMT == S_IFREG else {
      throw ExternalEvalError("the eval command's results are not a regular file")
    }
    let data = status.st_size <= resultsLimit ? try handle.read(upToCount: resultsLimit + 1) ?? Data() : nil
    guard let data, data.count <= resultsLimit else {
      throw ExternalEvalError(
        "the eval command's results are larger than \(resultsLimit >> 20) MiB, the most promptops reads; a verdict is never read from "
          + "part of them (split the suite)")
    }
    return data
  }

  static func seconds(_ value: Double) -> String {
    value == value.rounded() ? "\(Int(value)) s" : "\(value) s"
  }
}

struct ExternalEvalError: Error, CustomStringConvertible {
  let description: String
  init(_ description: String) { self.description = description }
}
