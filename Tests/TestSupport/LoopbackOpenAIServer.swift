import Foundation

#if canImport(FoundationNetworking)
  import FoundationNetworking
#endif

/// The loopback OpenAI chat completions server (`Tests/Fixtures/openai-server/server.py`),
/// started on a free port for one test and stopped when the value goes away.
///
/// The server watches its parent, so it also exits if the test process dies.
public final class LoopbackOpenAIServer: @unchecked Sendable {
  public let port: Int
  private let process: Process
  private let stdinPipe: Pipe
  private let folder: String

  /// `http://127.0.0.1:<port>/v1`, the value for `apiBaseUrl` or `OPENAI_BASE_URL`.
  public var baseURL: String { "http://127.0.0.1:\(port)/v1" }

  /// `http://127.0.0.1:<port>`, the base for Azure's and Anthropic's paths (`ANTHROPIC_BASE_URL`,
  /// `AZURE_OPENAI_API_BASE_URL`).
  public var rootURL: String { "http://127.0.0.1:\(port)" }

  /// The server script, found from this source file's location.
  public static var scriptPath: String {
    URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
      .appendingPathComponent("Fixtures/openai-server/server.py").path
  }

  /// Starts the server with extra arguments (`--require-key`, `--latency-ms`, `--script`, …).
  public init(_ arguments: [String] = []) throws {
    folder =
      FileManager.default.temporaryDirectory
      .appendingPathComponent("openai-server-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    let portFile = folder + "/port"
    let logFile = folder + "/server.log"
    _ = FileManager.default.createFile(atPath: logFile, contents: nil)

    process = Process()
    process.executableURL = URL(fileURLWithPath: which("python3") ?? "/usr/bin/python3")
    process.arguments = [Self.scriptPath, "--port-file", portFile, "--exit-with-parent"] + arguments
    stdinPipe = Pipe()
    process.standardInput = stdinPipe
    process.standardOutput = FileHandle(forWritingAtPath: logFile)
    process.standardError = FileHandle(forWritingAtPath: logFile)
    try process.run()

    let deadline = Date().addingTimeInterval(20)
    var found: Int?
    while Date() < deadline {
      if let text = try? String(contentsOfFile: portFile, encoding: .utf8),
        let number = Int(text.trimmingCharacters(in: .whitespacesAndNewlines))
      {
        found = number
        break
      }
      if !process.isRunning { break }
      Thread.sleep(forTimeInterval: 0.02)
    }
    guard let found else {
      let log = (try? String(contentsOfFile: logFile, encoding: .utf8)) ?? ""
      stopChild(process, grace: 2)
      struct ServerDidNotStart: Error, CustomStringConvertible { var description: String }
      throw ServerDidNotStart(description: "the loopback OpenAI server did not start: \(log)")
    }
    port = found
  }

  deinit { stop() }

  /// Stops the server and waits for it to exit.
  public func stop() {
    stopChild(process, grace: 2)
    try? stdinPipe.fileHandleForWriting.close()
    try? FileManager.default.removeItem(atPath: folder)
  }

  /// TCP connections the server accepted so far (this call's own included).
  public func connectionCount() throws -> Int { try stats()["connections"] as? Int ?? 0 }

  /// The server's counters: `requests`, `connections`, `byPath`, `byModel`, `byStatus`.
  public func stats() throws -> [String: Any] {
    let data = try fetch("GET", "/stats")
    return (try JSONSerialization.jsonObject(with: data)) as? [String: Any] ?? [:]
  }

  /// Chat requests received so far, counting every attempt (retries included).
  public func requestCount(model: String? = nil) throws -> Int {
    let stats = try stats()
    if let model { return (stats["byModel"] as? [String: Any])?[model] as? Int ?? 0 }
    return stats["requests"] as? Int ?? 0
  }

  /// The chat request bodies received, oldest first.
  public func requests() throws -> [[String: Any]] {
    let data = try fetch("GET", "/requests")
    return (try JSONSerialization.jsonObject(with: data)) as? [[String: Any]] ?? []
  }

  /// For each request to a model endpoint, oldest first: `path`, `query`, `auth` (the names of
  /// the key headers that came) and `anthropicVersion`.
  public func exchanges() throws -> [[String: Any]] {
    let data = try fetch("GET", "/exchanges")
    return (try JSONSerialization.jsonObject(with: data)) as? [[String: Any]] ?? []
  }

  /// Zeroes the counters and the scripted failure counters.
  public func resetStats() throws { _ = try fetch("POST", "/stats/reset") }

  private func fetch(_ method: String, _ path: String) throws -> Data {
    var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)\(path)")!)
    request.httpMethod = method
    request.timeoutInterval = 10
    let semaphore = DispatchSemaphore(value: 0)
    nonisolated(unsafe) var result: Result<Data, Error> = .failure(URLError(.unknown))
    URLSession.shared.dataTask(with: request) { data, _, error in
      result = error.map { .failure($0) } ?? .success(data ?? Data())
      semaphore.signal()
    }.resume()
    semaphore.wait()
    return try result.get()
  }
}

/// Stops a child: SIGTERM, then SIGKILL if it is still running after `grace` seconds (a child
/// may have inherited a blocked SIGTERM from the thread that spawned it), then waits for it.
func stopChild(_ process: Process, grace: Double) {
  guard process.isRunning else { return }
  process.terminate()
  let deadline = Date().addingTimeInterval(grace)
  while process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.02) }
  if process.isRunning { kill(process.processIdentifier, SIGKILL) }
  process.waitUntilExit()
}
