import Foundation
import PromptModel
import PromptTemplates
import Spawn

/// `exec:<command …>`: runs a program per test and takes what it prints as the model's answer.
///
/// The command is split into argv (see `CommandWords`) and run directly, never through a shell,
/// so a prompt or variable can never become shell syntax. As promptfoo's exec provider does, the
/// program gets three more arguments after its own: the rendered prompt, the provider options as
/// JSON (`{"id": …, "config": {…}}`) and the call context as JSON (`{"vars": {…}}`).
///
/// Config keys (everything else in `config` is passed on in the options JSON, for the program):
/// - `stdin: true`: send the prompt on standard input instead, and add no arguments.
/// - `timeout`: milliseconds before the program and its whole process group are killed
///   (default 120000); a timeout is an error.
/// - `basePath`: the working directory, relative to the suite's folder (default: that folder).
///   Relative executables (`./bin/model`, `scripts/run.py`) resolve against it; bare names
///   (`python3`) are looked up on `PATH`.
///
/// The answer is standard output trimmed at both ends, without ANSI escape sequences (promptfoo's
/// `stdout.trim()`). A non-zero exit, a death by signal, a timeout, an empty standard output with
/// something on standard error, or a standard output longer than `ChildProcess.outputLimit`
/// (16 MiB; the program is stopped there, and a cut answer is never graded) is a `ProviderError`
/// carrying (the end of) standard error.
struct ExecProvider: EvalProvider {
  static let defaultTimeoutMs = 120_000.0

  let id: String
  let words: [String]
  let executable: String
  let workingDirectory: String
  let promptOnStdin: Bool
  let timeoutSeconds: Double
  let environment: [String: String]
  let optionsJSON: String

  init(spec: ProviderSpec, command: String, environment: ProviderEnvironment) throws {
    id = spec.id
    let config = ProviderConfig(spec)
    do {
      words = try CommandWords.split(command)
    } catch let failure as CommandWords.Failure {
      throw config.error(failure.description)
    }
    guard let program = words.first else {
      throw config.error("no command: write `exec: <program> [arguments…]`")
    }
    promptOnStdin = try config.bool("stdin") ?? false
    timeoutSeconds = (try config.number("timeout", atLeast: 1) ?? Self.defaultTimeoutMs) / 1000
    let base = try config.string("basePath")
    workingDirectory = Self.resolve(base ?? ".", against: environment.workingDirectory)
    var isFolder: ObjCBool = false
    guard FileManager.default.fileExists(atPath: workingDirectory, isDirectory: &isFolder), isFolder.boolValue else {
      throw config.error("working directory \(workingDirectory) does not exist")
    }
    self.environment = environment.variables
    executable = try Self.locate(program, in: workingDirectory, path: environment.variables["PATH"], config: config)

    let options: JSONValue = .object(["id": .string(spec.id), "config": .object(spec.config)])
    optionsJSON = Self.json(options)
  }

  func complete(_ request: ProviderRequest) async throws -> ProviderResponse {
    var arguments = Array(words.dropFirst())
    var input: Data?
    if promptOnStdin {
      input = Data(request.prompt.utf8)
    } else {
      let context: JSONValue = .object(["vars": .object(request.vars.mapValues(JSONValue.string))])
      arguments += [request.prompt, optionsJSON, Self.json(context)]
    }
    let started = DispatchTime.now().uptimeNanoseconds
    let outcome = try await runOffCooperativePool(arguments: arguments, input: input)
    let latencyMs = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e6

    let stderr = Self.tail(of: outcome.stderr)
    switch outcome.termination {
    case .timedOut:
      throw ProviderError(
        providerID: id,
        message: "timed out after \(Int(timeoutSeconds * 1000)) ms; the process group was killed"
          + (stderr.isEmpty ? "" : ". stderr: \(stderr)"))
    case .outputTooLarge:
      throw ProviderError(
        providerID: id,
        message:
          "printed more than \(ChildProcess.outputLimit >> 20) MiB on stdout, the most an answer may be; the process group was "
          + "killed and the answer is not graded")
    case .signalled(let signal):
      throw ProviderError(
        providerID: id, message: "killed by signal \(signal)" + (stderr.isEmpty ? "" : ". stderr: \(stderr)"))
    case .exited(let status) where status != 0:
      throw ProviderError(
        providerID: id,
        message: "exited with status \(status)" + (stderr.isEmpty ? " and no stderr" : ". stderr: \(stderr)"))
    case .exited where outcome.stdoutCut:
      // Only a program that ended at the very moment it passed the limit gets here.
      throw ProviderError(
        providerID: id,
        message: "printed more than \(ChildProcess.outputLimit >> 20) MiB on stdout; the answer is not graded")
    case .exited:
      // promptfoo's `scriptCompletion.ts`: `stripText(stdout.trim())`, white space trimmed at
      // both ends (JavaScript's `trim`), then ANSI escape sequences removed.
      let output = Self.strippingANSI(JavaScriptText.trim(String(decoding: outcome.stdout, as: UTF8.self)))
      if output.isEmpty && !stderr.isEmpty {
        throw ProviderError(providerID: id, message: "printed nothing on stdout. stderr: \(stderr)")
      }
      return ProviderResponse(output: output, tokenUsage: nil, cost: nil, latencyMs: latencyMs)
    }
  }

  /// The child is waited for on a thread of its own: blocking a Swift concurrency thread for
  /// seconds would starve every other test running at the same time.
  private func runOffCooperativePool(arguments: [String], input: Data?) async throws -> ChildProcessOutcome {
    let executable = executable
    let environment = environment
    let workingDirectory = workingDirectory
    let timeoutSeconds = timeoutSeconds
    let id = id
    return try await withCheckedThrowingContinuation { continuation in
      Thread.detachNewThread {
        do {
          let outcome = try ChildProcess.run(
            executable: executable, arguments: arguments, environment: environment,
            workingDirectory: workingDirectory, input: input, timeout: timeoutSeconds, stopPastOutputLimit: true)
          continuation.resume(returning: outcome)
        } catch {
          continuation.resume(throwing: ProviderError(providerID: id, message: "\(error)"))
        }
      }
    }
  }

  /// `/\x1b(?:[@-Z\\-_]|\[[0-?]*[ -/]*[@-~])/g` removed, as promptfoo's `stripText` does.
  static func strippingANSI(_ text: String) -> String {
    guard text.unicodeScalars.contains("\u{1B}") else { return text }
    let scalars = Array(text.unicodeScalars)
    var out = String.UnicodeScalarView()
    var i = 0
    while i < scalars.count {
      guard scalars[i] == "\u{1B}", i + 1 < scalars.count else {
        out.append(scalars[i])
        i += 1
        continue
      }
      let next = scalars[i + 1].value
      if next == 0x5B {  // CSI: parameters 0x30–0x3F, intermediates 0x20–0x2F, a final 0x40–0x7E
        var j = i + 2
        while j < scalars.count, (0x30...0x3F).contains(scalars[j].value) { j += 1 }
        while j < scalars.count, (0x20...0x2F).contains(scalars[j].value) { j += 1 }
        if j < scalars.count, (0x40...0x7E).contains(scalars[j].value) {
          i = j + 1
          continue
        }
      }
      if (0x40...0x5A).contains(next) || (0x5C...0x5F).contains(next) {
        i += 2
        continue
      }
      out.append(scalars[i])
      i += 1
    }
    return String(out)
  }

  /// The last 2000 characters of standard error, trimmed: enough to see why, bounded in reports.
  static func tail(of data: Data) -> String {
    let text = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    return text.count > 2000 ? "…" + String(text.suffix(2000)) : text
  }

  static func resolve(_ path: String, against folder: String) -> String {
    let joined = path.hasPrefix("/") ? path : folder + "/" + path
    return URL(fileURLWithPath: joined).standardizedFileURL.path
  }

  /// A name with a slash is a path (relative to the working directory); a bare name is looked
  /// up on `PATH`, as `execvp` would.
  static func locate(_ program: String, in folder: String, path: String?, config: ProviderConfig) throws -> String {
    let fileManager = FileManager.default
    if program.contains("/") {
      let candidate = resolve(program, against: folder)
      guard fileManager.fileExists(atPath: candidate) else {
        throw config.error("executable \(program) not found (looked for \(candidate))")
      }
      guard fileManager.isExecutableFile(atPath: candidate) else {
        throw config.error("\(candidate) is not executable (chmod +x it, or name its interpreter first)")
      }
      return candidate
    }
    let folders = (path ?? "/usr/local/bin:/usr/bin:/bin").split(separator: ":", omittingEmptySubsequences: false)
    for entry in folders {
      let directory = entry.isEmpty ? folder : resolve(String(entry), against: folder)
      let candidate = directory + "/" + program
      var isFolder: ObjCBool = false
      if fileManager.fileExists(atPath: candidate, isDirectory: &isFolder), !isFolder.boolValue,
        fileManager.isExecutableFile(atPath: candidate)
      {
        return candidate
      }
    }
    throw config.error("executable \(program) not found on PATH")
  }

  static func json(_ value: JSONValue) -> String { value.canonicalJSON }
}
