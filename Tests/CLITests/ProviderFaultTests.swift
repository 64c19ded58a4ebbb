import Foundation
import TestSupport
import Testing

/// Every fault of an OpenAI-compatible server ends, within the configured timeout and retries, in
/// a retried success or an `eval-error`, and nothing a fault produced is cached: real HTTP to a
/// real server on loopback (Tests/Fixtures/openai-server/server.py) through the binary.
///
/// One fault at a time: the time bounds are about promptops, not about a machine running eleven
/// servers and binaries at once.
@Suite("eval against a misbehaving OpenAI-compatible server", .serialized)
struct ProviderFaultTests {
  struct Fault: Sendable, CustomTestStringConvertible {
    /// The server behaviour (the model name's first part).
    let behaviour: String
    var serverArguments: [String] = []
    /// nil: the evals pass after retries; else the text of the eval-error.
    let error: String?
    /// Requests the first run makes (retries included).
    let requests: Int
    /// The least the first run takes (a Retry-After honoured).
    var atLeast: Double = 0
    /// Per attempt (the huge answer takes the server a while to build on a busy machine).
    var timeoutMs = 1500
    var testDescription: String { behaviour }
  }

  /// Per attempt 1500 ms unless said otherwise, three attempts, 10 ms backoff: a run ends within
  /// attempts × timeout of provider time (plus a Retry-After), whatever the server does.
  static let attempts = 3

  static let faults: [Fault] = [
    Fault(behaviour: "500x2", error: nil, requests: 3),
    Fault(behaviour: "500", error: "HTTP 500: scripted 500 (gave up after 3 attempts)", requests: 3),
    Fault(behaviour: "429x1", serverArguments: ["--retry-after", "1"], error: nil, requests: 2, atLeast: 0.95),
    Fault(behaviour: "cutx1", error: nil, requests: 2),
    Fault(
      behaviour: "cut", error: "the connection was closed in the middle of the answer (gave up after 3 attempts)",
      requests: 3),
    Fault(behaviour: "dropx2", error: nil, requests: 3),
    Fault(behaviour: "not-json", error: "answer is not valid JSON", requests: 1),
    Fault(behaviour: "malformed", error: "answer is not valid JSON", requests: 1),
    Fault(behaviour: "huge50", error: "the answer is larger than 16 MiB", requests: 1, timeoutMs: 20_000),
    Fault(behaviour: "stall", error: "timed out after 1500 ms (gave up after 3 attempts)", requests: 3),
    Fault(behaviour: "trickle", error: "timed out after 1500 ms (gave up after 3 attempts)", requests: 3),
  ]

  @Test(.timeLimit(.minutes(5)), arguments: faults)
  func endsInARetriedSuccessOrAnEvalErrorAndCachesNothingBad(_ fault: Fault) async throws {
    let server = try LoopbackOpenAIServer(fault.serverArguments)
    let repo = try TempRepo("providerFault")
    let model = "\(fault.behaviour)/\(UUID().uuidString.prefix(8))"
    // `a` asks the faulty model; `healthy` the same server's echo, to time a run without a fault.
    for (id, name) in [("a", model), ("healthy", "echo/\(UUID().uuidString.prefix(8))")] {
      try repo.writePrompt(id, text: "Say {{word}}.\n", version: "1.0.0", changelog: ["1.0.0"])
      try repo.write(
        "prompts/\(id)/evalsuite.yml",
        """
        providers:
          - id: openai:chat:\(name)
            config: {apiBaseUrl: "\(server.baseURL)", timeout: \(fault.timeoutMs), maxRetries: \(Self.attempts - 1), retryBaseDelayMs: 10}
        tests:
          - vars: {word: hello}
            assert: [{type: contains, value: hello}]

        """)
    }
    try repo.commit("a with a suite")
    let environment = ["OPENAI_API_KEY": "loopback-test-key"]

    let baselineStart = Date()
    #expect(try await repo.promptopsAsync("eval", "healthy", environment: environment).status == 0)
    let baseline = Date().timeIntervalSince(baselineStart)
    let started = Date()
    let first = try await repo.promptopsAsync("eval", "a", environment: environment)
    let elapsed = Date().timeIntervalSince(started)
    // The provider's share is bounded by attempts × timeout (+ backoff and Retry-After), far
    // below what the fault would take unbounded (a stalled answer: an hour; a trickled one: a
    // second a byte); the rest is what a run without a fault takes on this machine now, with
    // room for a busy machine's swings.
    let bound = Double(Self.attempts * fault.timeoutMs) / 1000 + fault.atLeast + max(15, 4 * baseline)
    #expect(elapsed < bound, "took \(elapsed) s; a run without a fault took \(baseline) s")
    #expect(elapsed >= fault.atLeast, "took \(elapsed) s")
    #expect(try server.requestCount(model: model) == fault.requests)
    if let error = fault.error {
      #expect(first.status == 1, "\(first.stdout)\(first.stderr)")
      #expect(first.stdout.contains("ERROR a 1.0.0"), "\(first.stdout)")
      #expect(first.stdout.contains(error), "\(first.stdout)")
      // Nothing was cached: the next run asks the server again and fails the same way.
      let second = try await repo.promptopsAsync("eval", "a", environment: environment)
      #expect(second.status == 1, "\(second.stdout)\(second.stderr)")
      #expect(second.stdout.contains(error), "\(second.stdout)")
      #expect(try server.requestCount(model: model) > fault.requests, "an error was served from the cache")
    } else {
      #expect(first.status == 0, "\(first.stdout)\(first.stderr)")
      #expect(first.stdout.contains("PASS a 1.0.0"), "\(first.stdout)")
      // The good answer is cached: the next run asks nothing.
      let second = try await repo.promptopsAsync("eval", "a", environment: environment)
      #expect(second.status == 0, "\(second.stdout)\(second.stderr)")
      #expect(try server.requestCount(model: model) == fault.requests)
    }
  }
}
