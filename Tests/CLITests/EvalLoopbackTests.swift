import Foundation
import Testing
import TestSupport

/// The loopback OpenAI-compatible server (Tests/Fixtures/openai-server), started for one test.
final class LoopbackServer {
  let process = Process()
  let stdin = Pipe()
  let port: Int

  init(latencyMilliseconds: Int = 0) throws {
    let portFile = FileManager.default.temporaryDirectory.appendingPathComponent("loopback-\(UUID().uuidString).port").path
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = [
      "python3", packageRoot + "/Tests/Fixtures/openai-server/server.py", "--port", "0", "--port-file", portFile,
      "--latency-ms", String(latencyMilliseconds), "--watch-stdin",
    ]
    process.standardInput = stdin
    process.standardOutput = FileHandle.nullDevice
    try process.run()
    var found: Int?
    for _ in 0..<200 {
      if let text = try? String(contentsOfFile: portFile, encoding: .utf8), let value = Int(text.trimmingCharacters(in: .whitespacesAndNewlines)) {
        found = value
        break
      }
      Thread.sleep(forTimeInterval: 0.025)
    }
    try? FileManager.default.removeItem(atPath: portFile)
    guard let found else {
      process.terminate()
      throw CocoaError(.fileReadNoSuchFile)
    }
    port = found
  }

  deinit {
    try? stdin.fileHandleForWriting.close()
    process.terminate()
    process.waitUntilExit()
  }

  var baseURL: String { "http://127.0.0.1:\(port)/v1" }

  /// Chat requests the server has answered so far: an oracle outside promptops.
  func requests() throws -> Int {
    let data = try Data(contentsOf: URL(string: "http://127.0.0.1:\(port)/stats")!)
    let stats = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    return try #require(stats["requests"] as? Int)
  }
}

/// True once the binary has the OpenAI chat provider (it is built beside the eval runner).
private let binaryHasOpenAIProvider: Bool = {
  guard let repo = try? TempRepo("probeOpenAIProvider") else { return false }
  try? repo.writePrompt("probe", text: "x\n", version: "1.0.0", changelog: ["1.0.0"])
  try? repo.write("prompts/probe/evalsuite.yml", "providers: [\"openai:chat:probe\"]\ntests:\n  - assert: [{type: contains, value: x}]\n")
  _ = try? repo.commit("probe")
  guard let result = try? repo.promptops("eval", "--no-note", environment: ["OPENAI_BASE_URL": "http://127.0.0.1:9/v1", "OPENAI_API_KEY": "k"]) else { return false }
  return !result.stdout.contains("unknown provider")
}()

@Suite("eval against a loopback OpenAI-compatible server", .enabled(if: binaryHasOpenAIProvider))
struct EvalLoopbackTests {
  func repository(server: LoopbackServer, _ name: String = #function) throws -> TempRepo {
    let repo = try TempRepo(name)
    for id in ["a", "b"] {
      try repo.writePrompt(id, text: "Prompt \(id) says {{word}}.\n", version: "1.0.0", changelog: ["1.0.0"])
      try repo.write(
        "prompts/\(id)/evalsuite.yml",
        """
        providers:
          - id: openai:chat:echo/\(name)
            config: {apiBaseUrl: "\(server.baseURL)"}
        tests:
          - vars: {word: one}
            assert: [{type: contains, value: one}]
          - vars: {word: two}
            assert: [{type: contains, value: two}]
          - vars: {word: three}
            assert: [{type: icontains, value: THREE}]

        """)
    }
    _ = try repo.commit("two prompts, three tests each")
    return repo
  }

  let environment = ["OPENAI_API_KEY": "loopback-test-key"]

  @Test func aSecondIdenticalRunMakesNoRequestsAndOneChangedPromptReRunsOnlyItsTests() async throws {
    let server = try LoopbackServer()
    let repo = try repository(server: server)
    let first = try await repo.promptopsAsync("eval", environment: environment)
    #expect(first.status == 0, "\(first.stdout)\(first.stderr)")
    #expect(try server.requests() == 6)
    let second = try await repo.promptopsAsync("eval", environment: environment)
    #expect(second.status == 0)
    #expect(try server.requests() == 6, "a rerun with nothing changed must call no provider")

    try repo.writePrompt("b", text: "Prompt b now says {{word}}.\n", version: "1.0.1", changelog: ["1.0.0", "1.0.1"])
    _ = try repo.commit("edit b")
    #expect(try await repo.promptopsAsync("eval", environment: environment).status == 0)
    #expect(try server.requests() == 9, "only b's three tests run again")
    #expect(try await repo.promptopsAsync("eval", "--no-cache", environment: environment).status == 0)
    #expect(try server.requests() == 15)
  }

  @Test func aServerThatKeepsFailingMakesTheGateFail() async throws {
    let server = try LoopbackServer()
    let repo = try repository(server: server)
    try repo.git("checkout", "-q", "-b", "topic")
    try repo.write(
      "prompts/a/evalsuite.yml",
      try repo.read("prompts/a/evalsuite.yml").replacingOccurrences(of: "openai:chat:echo/", with: "openai:chat:500/"))
    _ = try repo.commit("provider answers 500")
    let result = try await repo.promptopsAsync("gate", "--base", "main", "--format", "json", environment: environment)
    #expect(result.status == 1)
    #expect(result.stdout.contains("eval-error"))
    #expect(!result.stdout.contains("loopback-test-key"))
  }
}
