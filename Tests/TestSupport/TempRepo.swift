import Foundation

/// What a process printed and how it ended.
public struct ProcessResult: Sendable {
  public let status: Int32
  public let stdout: String
  public let stderr: String
}

public struct CommandFailed: Error, CustomStringConvertible {
  public let command: String
  public let result: ProcessResult
  public var description: String {
    "`\(command)` exited \(result.status)\nstdout: \(result.stdout)\nstderr: \(result.stderr)"
  }
}

/// How long a program a test runs may take before it is killed: the bound that holds however
/// busy the machine is (a test's own time limit also counts the time it waits for a thread).
public let processTimeLimit: TimeInterval = 300

/// Runs a program to completion, feeding it no input, and collects its output. A program still
/// running after `timeout` seconds is killed; its status is then -9 and its stderr says why.
public func runProcess(
  _ executable: String, _ arguments: [String], in directory: String, environment: [String: String],
  input: String? = nil, timeout: TimeInterval = processTimeLimit
) throws -> ProcessResult {
  let process = Process()
  process.executableURL = URL(fileURLWithPath: executable)
  process.arguments = arguments
  process.currentDirectoryURL = URL(fileURLWithPath: directory)
  process.environment = environment
  let outPipe = Pipe()
  let errPipe = Pipe()
  let inPipe = Pipe()
  process.standardOutput = outPipe
  process.standardError = errPipe
  process.standardInput = inPipe
  try process.run()
  let pid = process.processIdentifier
  let killer = DispatchWorkItem { kill(pid, SIGKILL) }
  DispatchQueue.global().asyncAfter(deadline: .now() + timeout, execute: killer)
  defer { killer.cancel() }
  if let input { inPipe.fileHandleForWriting.write(Data(input.utf8)) }
  try? inPipe.fileHandleForWriting.close()
  // Read both pipes concurrently so a chatty process never blocks on a full pipe.
  nonisolated(unsafe) var errData = Data()
  let group = DispatchGroup()
  group.enter()
  DispatchQueue.global().async {
    errData = errPipe.fileHandleForReading.readDataToEndOfFile()
    group.leave()
  }
  let outData = outPipe.fileHandleForReading.readDataToEndOfFile()
  group.wait()
  process.waitUntilExit()
  killer.cancel()
  let killed = process.terminationReason == .uncaughtSignal && process.terminationStatus == SIGKILL
  return ProcessResult(
    status: killed ? -9 : process.terminationStatus,
    stdout: String(decoding: outData, as: UTF8.self),
    stderr: String(decoding: errData, as: UTF8.self)
      + (killed ? "\n[killed: \(executable) ran past \(Int(timeout)) s]\n" : ""))
}

/// Finds a program on PATH.
public func which(_ name: String) -> String? {
  let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
  for folder in path.split(separator: ":") {
    let candidate = "\(folder)/\(name)"
    if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
  }
  return nil
}

/// A real git repository in a temporary folder, scripted with the real `git` CLI.
///
/// The environment is hermetic: `HOME` inside the folder, no system or global config, fixed
/// author and dates, and none of the `GIT_DIR` / `GIT_INDEX_FILE` / `GIT_WORK_TREE` a test run
/// from inside a git hook would otherwise inherit.
public final class TempRepo {
  public let root: String
  public let path: String
  public let home: String
  private var tick = 0

  public init(_ name: String = #function, bare: Bool = false, initialize: Bool = true) throws {
    let safeName = name.filter { $0.isLetter || $0.isNumber }
    let base = FileManager.default.temporaryDirectory.appendingPathComponent(
      "promptops-\(safeName)-\(UUID().uuidString.prefix(8))")
    root = base.path
    path = base.appendingPathComponent("repo").path
    home = base.appendingPathComponent("home").path
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)
    if initialize {
      try git("init", "-q", "-b", "main")
    }
  }

  deinit {
    try? FileManager.default.removeItem(atPath: root)
  }

  /// The environment every process of this repository runs with.
  public var environment: [String: String] {
    var env = ProcessInfo.processInfo.environment
    for key in env.keys where key.hasPrefix("GIT_") || key.hasPrefix("GITHUB_") || key.hasPrefix("PRE_COMMIT") {
      env.removeValue(forKey: key)
    }
    // The suite itself runs in CI; the repositories it makes are a developer's unless a test
    // says otherwise.
    for key in ["PROMPTOPS_SKIP", "PROMPTOPS_BIN", "CI", "NO_COLOR"] { env.removeValue(forKey: key) }
    env["HOME"] = home
    env["XDG_CONFIG_HOME"] = home + "/.config"
    env["GIT_CONFIG_NOSYSTEM"] = "1"
    env["GIT_AUTHOR_NAME"] = "Dev Eloper"
    env["GIT_AUTHOR_EMAIL"] = "dev@example.com"
    env["GIT_COMMITTER_NAME"] = "Dev Eloper"
    env["GIT_COMMITTER_EMAIL"] = "dev@example.com"
    let date = "2026-01-01T00:00:\(String(format: "%02d", tick % 60))Z"
    env["GIT_AUTHOR_DATE"] = date
    env["GIT_COMMITTER_DATE"] = date
    env["NO_COLOR"] = "1"
    return env
  }

  @discardableResult
  public func git(_ arguments: String..., input: String? = nil) throws -> String {
    try git(arguments, input: input)
  }

  @discardableResult
  public func git(_ arguments: [String], input: String? = nil, in directory: String? = nil) throws -> String {
    let result = try runProcess(
      which("git") ?? "/usr/bin/git", arguments, in: directory ?? path, environment: environment, input: input)
    guard result.status == 0 else {
      throw CommandFailed(command: "git " + arguments.joined(separator: " "), result: result)
    }
    return result.stdout
  }

  public func write(_ relativePath: String, _ content: String) throws {
    let url = URL(fileURLWithPath: path).appendingPathComponent(relativePath)
    try FileManager.default.createDirectory(
      at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
    try Data(content.utf8).write(to: url)
  }

  public func read(_ relativePath: String) throws -> String {
    try String(contentsOfFile: path + "/" + relativePath, encoding: .utf8)
  }

  public func stage(_ paths: String...) throws {
    try git(["add", "-A", "--"] + (paths.isEmpty ? ["."] : paths))
  }

  /// Stages everything and commits it; returns the new commit's id.
  @discardableResult
  public func commit(_ message: String = "change", stageAll: Bool = true) throws -> String {
    if stageAll { try git("add", "-A") }
    tick += 1
    try git("commit", "-q", "--allow-empty", "--no-verify", "-m", message)
    return try git("rev-parse", "HEAD").trimmingCharacters(in: .whitespacesAndNewlines)
  }

  public func move(_ from: String, _ to: String) throws {
    let target = URL(fileURLWithPath: path).appendingPathComponent(to)
    try FileManager.default.createDirectory(
      at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
    try git("mv", from, to)
  }

  public func remove(_ relativePath: String) throws {
    try git("rm", "-rq", relativePath)
  }

  public func tag(_ name: String) throws { try git("tag", name) }

  /// A `git clone --depth 1` of this repository next to it.
  public func shallowClone(depth: Int = 1) throws -> String {
    let target = root + "/shallow-\(depth)"
    try git(["clone", "-q", "--depth", "\(depth)", "file://" + path, target], in: root)
    return target
  }

  // MARK: - Prompts in the default layout

  public func writePrompt(
    _ id: String, text: String, version: String, changelog: [String] = [], extraCard: String = "",
    folder: String? = nil
  ) throws {
    let dir = folder ?? "prompts/\(id)"
    try write("\(dir)/prompt.txt", text)
    var card = """
      id: \(id)
      description: The \(id) prompt
      version: \(version)
      created_by: dev@example.com

      """
    card += extraCard
    if !changelog.isEmpty {
      card += "changelog:\n"
      for entry in changelog {
        card +=
          "  - version: \(entry)\n    date: \"2026-01-01\"\n    author: dev@example.com\n    changes: Release \(entry)\n"
      }
    }
    try write("\(dir)/prompt-card.yml", card)
  }

  // MARK: - The promptops binary

  /// Runs the built `promptops` binary in this repository (or a subfolder).
  public func promptops(
    _ arguments: String..., in subfolder: String? = nil, environment extra: [String: String] = [:]
  ) throws -> ProcessResult {
    var env = environment
    for (key, value) in extra { env[key] = value }
    let directory = subfolder.map { path + "/" + $0 } ?? path
    return try runProcess(try promptopsBinary(), arguments, in: directory, environment: env)
  }
}

/// The built `promptops` executable: `PROMPTOPS_BIN`, else the one beside the test bundle.
public func promptopsBinary() throws -> String {
  if let explicit = ProcessInfo.processInfo.environment["PROMPTOPS_BIN"] { return explicit }
  var candidates: [URL] = []
  candidates.append(Bundle.main.bundleURL)
  candidates.append(URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent())
  for bundle in Bundle.allBundles { candidates.append(bundle.bundleURL.deletingLastPathComponent()) }
  for folder in candidates {
    var url = folder
    for _ in 0..<4 {
      let candidate = url.appendingPathComponent("promptops").path
      if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
      url = url.deletingLastPathComponent()
    }
  }
  struct NotBuilt: Error, CustomStringConvertible {
    var description: String { "the promptops binary was not found; run `swift build` or set PROMPTOPS_BIN" }
  }
  throw NotBuilt()
}
