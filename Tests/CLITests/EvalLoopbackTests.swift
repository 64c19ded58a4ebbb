import Foundation
import TestSupport
import Testing

@Suite("eval against a loopback OpenAI-compatible server")
struct EvalLoopbackTests {
  func repository(server: LoopbackOpenAIServer, _ name: String = #function) throws -> TempRepo {
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
    let server = try LoopbackOpenAIServer()
    let repo = try repository(server: server)
    let first = try await repo.promptopsAsync("eval", environment: environment)
    #expect(first.status == 0, "\(first.stdout)\(first.stderr)")
    #expect(try server.requestCount() == 6)
    let second = try await repo.promptopsAsync("eval", environment: environment)
    #expect(second.status == 0)
    #expect(try server.requestCount() == 6, "a rerun with nothing changed must call no provider")

    try repo.writePrompt("b", text: "Prompt b now says {{word}}.\n", version: "1.0.1", changelog: ["1.0.0", "1.0.1"])
    _ = try repo.commit("edit b")
    #expect(try await repo.promptopsAsync("eval", environment: environment).status == 0)
    #expect(try server.requestCount() == 9, "only b's three tests run again")
    #expect(try await repo.promptopsAsync("eval", "--no-cache", environment: environment).status == 0)
    #expect(try server.requestCount() == 15)
  }

  /// The base URL can come from the environment rather than the suite: answers cached from one
  /// server must not be served for another, and the same server still hits the cache.
  @Test func answersCachedFromOneServerAreNotServedForAnotherNamedByTheEnvironment() async throws {
    let first = try LoopbackOpenAIServer()
    let second = try LoopbackOpenAIServer()
    let repo = try TempRepo("base-url-from-environment")
    try repo.writePrompt("a", text: "Say {{word}}.\n", version: "1.0.0", changelog: ["1.0.0"])
    try repo.write(
      "prompts/a/evalsuite.yml",
      "providers: [openai:chat:echo/environment]\ntests:\n  - vars: {word: one}\n    assert: [{type: contains, value: one}]\n"
    )
    _ = try repo.commit("a suite without a base URL")
    func run(_ server: LoopbackOpenAIServer) async throws -> ProcessResult {
      try await repo.promptopsAsync(
        "eval", environment: environment.merging(["OPENAI_BASE_URL": server.baseURL]) { $1 })
    }
    #expect(try await run(first).status == 0)
    #expect(try first.requestCount() == 1)
    let other = try await run(second)
    #expect(other.status == 0, "\(other.stdout)\(other.stderr)")
    #expect(try second.requestCount() == 1, "the second server was never asked: \(other.stdout)")
    #expect(try await run(first).status == 0)
    #expect(try first.requestCount() == 1, "the first server's answers are still cached")
  }

  @Test func aServerThatKeepsFailingMakesTheGateFail() async throws {
    let server = try LoopbackOpenAIServer()
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

  /// A model-graded assertion is graded by its own `provider` first, then the test's
  /// `options.provider`, then `defaultTest.options.provider` (promptfoo's precedence): a lenient
  /// suite grader must not grade what an assertion hands to a strict one.
  @Test(.timeLimit(.minutes(5)), arguments: ["mapping", "string", "test"])
  func anAssertionsOwnGraderGradesIt(form: String) async throws {
    let server = try LoopbackOpenAIServer()
    let repo = try TempRepo("assertion-grader-\(form)")
    try repo.writePrompt("a", text: "Say {{word}}.\n", version: "1.0.0", changelog: ["1.0.0"])
    let strict: String
    switch form {
    case "mapping":
      strict = """
            assert:
              - type: llm-rubric
                value: The answer is exactly right
                provider:
                  id: openai:chat:grade-fail/strict
                  config: {apiBaseUrl: "\(server.baseURL)"}
        """
    case "string":
      strict = """
            assert:
              - type: llm-rubric
                value: The answer is exactly right
                provider: openai:chat:grade-fail/strict
        """
    default:
      strict = """
            options:
              provider: openai:chat:grade-fail/strict
            assert:
              - type: llm-rubric
                value: The answer is exactly right
        """
    }
    try repo.write(
      "prompts/a/evalsuite.yml",
      """
      providers:
        - id: openai:chat:echo/model
          config: {apiBaseUrl: "\(server.baseURL)"}
      defaultTest:
        options:
          provider:
            id: openai:chat:grade-pass/lenient
            config: {apiBaseUrl: "\(server.baseURL)"}
      tests:
        - description: strictly graded
          vars: {word: one}
      \(strict)
        - description: leniently graded
          vars: {word: two}
          assert:
            - type: llm-rubric
              value: The answer is fine

      """)
    _ = try repo.commit("a strict grader for one test")
    let result = try await repo.promptopsAsync(
      "eval", environment: environment.merging(["OPENAI_BASE_URL": server.baseURL]) { $1 })
    #expect(result.status == 1, "\(result.stdout)\(result.stderr)")
    #expect(result.stdout.contains("FAIL a 1.0.0: pass rate 50% (1/2)"), "\(result.stdout)")
    #expect(result.stdout.contains("strictly graded"), "\(result.stdout)")
    #expect(try server.requestCount(model: "grade-fail/strict") == 1)
    #expect(try server.requestCount(model: "grade-pass/lenient") == 1, "the lenient grader grades only the other test")
  }

  /// A grader an assertion names that cannot be made is an error of that test, never a pass by
  /// the suite's grader.
  @Test(.timeLimit(.minutes(5)))
  func anAssertionGraderThatCannotBeMadeIsAnEvalError() async throws {
    let server = try LoopbackOpenAIServer()
    let repo = try TempRepo("unmakeable-assertion-grader")
    try repo.writePrompt("a", text: "Say {{word}}.\n", version: "1.0.0", changelog: ["1.0.0"])
    try repo.write(
      "prompts/a/evalsuite.yml",
      """
      providers:
        - id: openai:chat:echo/model
          config: {apiBaseUrl: "\(server.baseURL)"}
      defaultTest:
        options:
          provider:
            id: openai:chat:grade-pass/lenient
            config: {apiBaseUrl: "\(server.baseURL)"}
      tests:
        - vars: {word: one}
          assert:
            - type: llm-rubric
              value: The answer is exactly right
              provider: anthropic:messages:strict-model

      """)
    _ = try repo.commit("a grader promptops cannot run")
    let result = try await repo.promptopsAsync("eval", environment: environment)
    #expect(result.status == 1, "\(result.stdout)\(result.stderr)")
    #expect(result.stdout.contains("ERROR a"), "\(result.stdout)")
    #expect(result.stdout.contains("anthropic:messages:strict-model"), "\(result.stdout)")
    #expect(!result.stdout.contains("PASS"), "\(result.stdout)")
    #expect(try server.requestCount(model: "grade-pass/lenient") == 0)
  }

  /// A cached answer edited by hand (the model's text changed in the file) does not verify: it is
  /// not served, the model is asked again, and the rejected entry is counted.
  @Test(.timeLimit(.minutes(5)))
  func anEditedCachedAnswerIsNotServed() async throws {
    let server = try LoopbackOpenAIServer()
    let repo = try TempRepo("edited-cached-answer")
    try repo.writePrompt("a", text: "Say {{word}}.\n", version: "1.0.0", changelog: ["1.0.0"])
    try repo.write(
      "prompts/a/evalsuite.yml",
      """
      providers:
        - id: openai:chat:echo/edited
          config: {apiBaseUrl: "\(server.baseURL)"}
      tests:
        - vars: {word: two}
          assert: [{type: contains, value: one}]

      """)
    _ = try repo.commit("a test the model fails")
    let first = try await repo.promptopsAsync("eval", environment: environment)
    #expect(first.status == 1, "\(first.stdout)")
    #expect(try server.requestCount() == 1)
    var edited = 0
    for file in try repo.evalCacheEntries() {
      let text = try String(contentsOfFile: file, encoding: .utf8)
      guard text.contains("Say two.") else { continue }
      try text.replacingOccurrences(of: "Say two.", with: "Say one.").write(
        toFile: file, atomically: true, encoding: .utf8)
      edited += 1
    }
    #expect(edited == 1)
    let second = try await repo.promptopsAsync("eval", environment: environment)
    #expect(second.status == 1, "\(second.stdout)")
    #expect(second.stdout.contains("FAIL a 1.0.0"), "\(second.stdout)")
    #expect(try server.requestCount() == 2, "the edited answer was served")
    #expect(second.stdout.contains("1 provider call, 0 cached, 1 cache entry rejected"), "\(second.stdout)")
  }

  /// Entries are authenticated with `PROMPTOPS_CACHE_KEY` when it is set (no key file is made
  /// then): an entry written under one key is a miss under another.
  @Test(.timeLimit(.minutes(5)))
  func anEntryWrittenUnderOneKeyIsAMissUnderAnother() async throws {
    let server = try LoopbackOpenAIServer()
    let repo = try repository(server: server)
    func run(key: String) async throws -> ProcessResult {
      try await repo.promptopsAsync(
        "eval", "a", "--no-note", environment: environment.merging(["PROMPTOPS_CACHE_KEY": key]) { $1 })
    }
    #expect(try await run(key: "alpha").status == 0)
    #expect(try server.requestCount() == 3)
    let again = try await run(key: "alpha")
    #expect(again.stdout.contains("0 provider calls, 3 cached"), "\(again.stdout)")
    #expect(try server.requestCount() == 3)
    let other = try await run(key: "beta")
    #expect(other.status == 0, "\(other.stdout)\(other.stderr)")
    #expect(try server.requestCount() == 6, "entries written under another key were served")
    #expect(other.stdout.contains("3 provider calls, 0 cached, 3 cache entries rejected"), "\(other.stdout)")
    #expect(!FileManager.default.fileExists(atPath: repo.home + "/.config/promptops/cache.key"))
  }

  /// A rerun grades again from the cached answers (the model's and the graders'): no request
  /// reaches a server, and every test gets the verdict and score it got the first time. Without
  /// `PROMPTOPS_CACHE_KEY`, the key is a per-user file made on first use, readable by its owner only.
  @Test(.timeLimit(.minutes(5)))
  func aCachedRunCallsNoProviderAndGivesTheSameVerdicts() async throws {
    let server = try LoopbackOpenAIServer()
    let repo = try TempRepo("cached-verdicts")
    try repo.writePrompt("a", text: "Say {{word}}.\n", version: "1.0.0", changelog: ["1.0.0"])
    try repo.write(
      "prompts/a/evalsuite.yml",
      """
      providers:
        - id: openai:chat:echo/verdicts
          config: {apiBaseUrl: "\(server.baseURL)"}
      defaultTest:
        options:
          provider:
            id: openai:chat:grade-pass/lenient
            config: {apiBaseUrl: "\(server.baseURL)"}
      tests:
        - description: contains
          vars: {word: one}
          assert: [{type: contains, value: one}, {type: latency, threshold: 600000}]
        - description: misses
          vars: {word: two}
          assert: [{type: contains, value: nope}]
        - description: lenient
          vars: {word: three}
          assert: [{type: llm-rubric, value: fine}]
        - description: strict
          vars: {word: four}
          threshold: 0.4
          assert:
            - {type: contains, value: four, weight: 1}
            - type: llm-rubric
              value: perfect
              weight: 2
              provider: {id: "openai:chat:grade-fail/strict", config: {apiBaseUrl: "\(server.baseURL)"}}

      """)
    _ = try repo.commit("passing and failing tests, two graders")
    let firstOutput = repo.root + "/first.json"
    let first = try await repo.promptopsAsync("eval", "--no-note", "--output", firstOutput, environment: environment)
    #expect(first.status == 1, "\(first.stdout)\(first.stderr)")
    #expect(first.stdout.contains("6 provider calls, 0 cached"), "\(first.stdout)")
    #expect(try server.requestCount() == 6)
    let keyFile = repo.home + "/.config/promptops/cache.key"
    let attributes = try FileManager.default.attributesOfItem(atPath: keyFile)
    #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
    #expect(
      try String(contentsOfFile: keyFile, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines).count == 64)

    let secondOutput = repo.root + "/second.json"
    let second = try await repo.promptopsAsync("eval", "--no-note", "--output", secondOutput, environment: environment)
    #expect(second.status == 1)
    #expect(second.stdout.contains("0 provider calls, 6 cached"), "\(second.stdout)")
    #expect(try server.requestCount() == 6, "a cached run must call no provider")
    func verdicts(_ path: String) throws -> [String: String] {
      let document = try #require(
        try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as? [String: Any])
      let results = try #require((document["results"] as? [String: Any])?["results"] as? [[String: Any]])
      var found: [String: String] = [:]
      for result in results {
        let name = ((result["testCase"] as? [String: Any])?["description"] as? String) ?? "?"
        found[name] = "\(result["success"] as? Bool ?? false) \(result["score"] as? Double ?? -1)"
      }
      return found
    }
    let before = try verdicts(firstOutput)
    #expect(
      before == [
        "contains": "true 1.0", "misses": "false 0.0", "lenient": "true 1.0", "strict": "false 0.3333333333333333",
      ], "\(before)")
    #expect(try verdicts(secondOutput) == before)
  }

  /// With no key to be had (no `PROMPTOPS_CACHE_KEY`, and a home where no key file can be made),
  /// the cache is off for the run and stderr says so once: every provider is asked, and the
  /// verdicts are the same.
  @Test(.timeLimit(.minutes(5)))
  func withoutAKeyTheCacheIsOffAndSaysSoOnce() async throws {
    let server = try LoopbackOpenAIServer()
    let repo = try repository(server: server)
    // A home below a regular file cannot be made, even by root.
    try "".write(toFile: repo.root + "/not-a-folder", atomically: true, encoding: .utf8)
    let homeless = environment.merging(["HOME": repo.root + "/not-a-folder/home", "XDG_CONFIG_HOME": ""]) { $1 }
    for run in 1...2 {
      let result = try await repo.promptopsAsync("eval", "--no-note", environment: homeless)
      #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
      #expect(result.stdout.contains("6 provider calls, 0 cached"), "\(result.stdout)")
      let notices = result.stderr.components(separatedBy: "eval cache off").count - 1
      #expect(notices == 1, "\(result.stderr)")
      #expect(result.stderr.contains("PROMPTOPS_CACHE_KEY"), "\(result.stderr)")
      #expect(try server.requestCount() == 6 * run)
    }
  }

  /// Requests to one server reuse kept-alive connections (as they would a TLS session with a
  /// hosted API) instead of connecting anew each time.
  @Test func requestsReuseConnections() async throws {
    let server = try LoopbackOpenAIServer()
    let repo = try TempRepo("connections")
    try repo.writePrompt("a", text: "Say {{word}}.\n", version: "1.0.0", changelog: ["1.0.0"])
    // Beyond the client's default pool of 8 connections a host: every one must still be reused.
    let tests = (1...64).map { "  - vars: {word: w\($0)}\n    assert: [{type: contains, value: w\($0)}]\n" }.joined()
    try repo.write(
      "prompts/a/evalsuite.yml",
      "providers:\n  - id: openai:chat:echo/connections\n    config: {apiBaseUrl: \"\(server.baseURL)\"}\ntests:\n"
        + tests)
    _ = try repo.commit("64 tests")
    let before = try server.connectionCount()
    let run = try await repo.promptopsAsync("eval", "--concurrency", "16", "--no-cache", environment: environment)
    #expect(run.status == 0, "\(run.stdout)\(run.stderr)")
    #expect(try server.requestCount() == 64)
    // The count includes this call's own connection.
    let used = try server.connectionCount() - before - 1
    #expect(used >= 1 && used <= 20, "64 requests at concurrency 16 opened \(used) connections")
  }

  /// `http_proxy` sends the requests through the proxy it names (a `CONNECT` tunnel to the
  /// server), and `no_proxy` exempts the server from it, as libcurl reads them.
  @Test(.timeLimit(.minutes(5)))
  func requestsGoThroughTheProxyTheEnvironmentNamesUnlessNoProxyListsTheHost() async throws {
    let server = try LoopbackOpenAIServer()
    let proxy = try LoopbackOpenAIServer()
    let repo = try repository(server: server)
    let target = "127.0.0.1:\(server.port)"
    func tunnels() throws -> Int { (try proxy.stats()["tunnels"] as? [String: Any])?[target] as? Int ?? 0 }
    let proxied = environment.merging(["http_proxy": "http://127.0.0.1:\(proxy.port)", "no_proxy": ""]) { $1 }
    let through = try await repo.promptopsAsync("eval", "--no-cache", "--no-note", environment: proxied)
    #expect(through.status == 0, "\(through.stdout)\(through.stderr)")
    #expect(try server.requestCount() == 6)
    let tunnelled = try tunnels()
    let proxyStats = try proxy.stats()
    #expect(tunnelled >= 1, "\(proxyStats)")
    #expect(try proxy.requestCount() == 0, "the proxy only tunnels")

    let exempt = proxied.merging(["no_proxy": "localhost,127.0.0.1"]) { $1 }
    let direct = try await repo.promptopsAsync("eval", "--no-cache", "--no-note", environment: exempt)
    #expect(direct.status == 0, "\(direct.stdout)\(direct.stderr)")
    #expect(try server.requestCount() == 12)
    #expect(try tunnels() == tunnelled, "no_proxy lists the server, yet the proxy was used")
    let unusable = environment.merging(["http_proxy": "socks4://127.0.0.1:\(proxy.port)", "no_proxy": ""]) { $1 }
    let refused = try await repo.promptopsAsync("eval", "--no-cache", "--no-note", environment: unusable)
    #expect(refused.status == 1, "\(refused.stdout)\(refused.stderr)")
    #expect(refused.stdout.contains("socks4:// proxies are not supported"), "\(refused.stdout)")
    #expect(try server.requestCount() == 12, "no request bypassed the proxy the environment named")
  }
}
