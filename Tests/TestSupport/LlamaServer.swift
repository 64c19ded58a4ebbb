import Foundation

/// llama-cpp-python's OpenAI-compatible server with the small Gemma 3 model that
/// `ci/install-deps.sh --llm` installs, started on a free loopback port by
/// `Tests/Fixtures/llm/start_llama_server.py` and stopped with this value.
public final class LlamaServer: @unchecked Sendable {
  /// The command that installs the server and the model.
  public static let installCommand = "sh ci/install-deps.sh --llm"

  /// The model's name as the server knows it (its alias), for `openai:chat:<model>`.
  public static let modelName = "gemma-3-270m"

  /// `PROMPTOPS_SKIP_LLM=1` skips real-model tests, visibly, for quick local runs.
  public static var skipped: Bool { ProcessInfo.processInfo.environment["PROMPTOPS_SKIP_LLM"] == "1" }

  static var repositoryRoot: URL {
    URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
      .deletingLastPathComponent()
  }

  public static var pythonPath: String { repositoryRoot.appendingPathComponent(".build-tools/venv/bin/python").path }
  public static var modelPath: String {
    repositoryRoot.appendingPathComponent(".build-tools/models/gemma-3-270m-q4_k_m.gguf").path
  }
  static var launcherPath: String {
    repositoryRoot.appendingPathComponent("Tests/Fixtures/llm/start_llama_server.py").path
  }

  /// Why the real model cannot run here, or nil when it can.
  public static func missingSetup() -> String? {
    let fileManager = FileManager.default
    guard fileManager.isExecutableFile(atPath: pythonPath) else {
      return "the test venv \(pythonPath) is missing; run `\(installCommand)`"
    }
    guard fileManager.fileExists(atPath: modelPath) else {
      return "the model \(modelPath) is missing; run `\(installCommand)`"
    }
    return nil
  }

  public struct StartFailure: Error, CustomStringConvertible {
    public let description: String
  }

  public let port: Int
  private let process: Process
  private let stdinPipe: Pipe
  private let logFile: String

  /// `http://127.0.0.1:<port>/v1`.
  public var baseURL: String { "http://127.0.0.1:\(port)/v1" }

  /// Starts the server (the model loads in seconds; generous timeout for busy machines).
  /// `apiKey` makes the server require that bearer key.
  public init(apiKey: String? = nil, startupTimeout: Double = 300) throws {
    if let missing = Self.missingSetup() { throw StartFailure(description: missing) }
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("llama-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    let portFile = folder + "/port"
    logFile = folder + "/server.log"
    _ = FileManager.default.createFile(atPath: logFile, contents: nil)

    process = Process()
    process.executableURL = URL(fileURLWithPath: Self.pythonPath)
    var arguments = [
      Self.launcherPath, "--model", Self.modelPath, "--alias", Self.modelName, "--port-file", portFile,
      "--exit-with-parent", "--startup-timeout", String(Int(startupTimeout)),
    ]
    if let apiKey { arguments += ["--api-key", apiKey] }
    process.arguments = arguments
    stdinPipe = Pipe()
    process.standardInput = stdinPipe
    process.standardOutput = FileHandle(forWritingAtPath: logFile)
    process.standardError = FileHandle(forWritingAtPath: logFile)
    try process.run()

    let deadline = Date().addingTimeInterval(startupTimeout + 30)
    var found: Int?
    while Date() < deadline, process.isRunning {
      if let text = try? String(contentsOfFile: portFile, encoding: .utf8),
        let number = Int(text.trimmingCharacters(in: .whitespacesAndNewlines))
      {
        found = number
        break
      }
      Thread.sleep(forTimeInterval: 0.1)
    }
    guard let found else {
      stopChild(process, grace: 2)
      process.waitUntilExit()
      let log = (try? String(contentsOfFile: logFile, encoding: .utf8)) ?? ""
      throw StartFailure(description: "llama_cpp.server did not start:\n\(log.suffix(4000))")
    }
    port = found
  }

  deinit {
    stop()
    try? FileManager.default.removeItem(atPath: (logFile as NSString).deletingLastPathComponent)
  }

  /// What the server printed so far (for failure messages).
  public var log: String { (try? String(contentsOfFile: logFile, encoding: .utf8)) ?? "" }

  /// Stops the server and waits for it (the launcher stops llama_cpp.server on SIGTERM).
  public func stop() {
    stopChild(process, grace: 15)
    try? stdinPipe.fileHandleForWriting.close()
  }
}
