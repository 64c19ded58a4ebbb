import Foundation
import TestSupport
import Testing

/// `promptops eval` against a real language model: llama-cpp-python's OpenAI-compatible server
/// with Gemma 3 270M (installed by `ci/install-deps.sh --llm`, which `make test` runs). Missing
/// setup fails with the install command; `PROMPTOPS_SKIP_LLM=1` skips it visibly.
@Suite(
  "eval against a real language model", .serialized,
  .enabled(if: !LlamaServer.skipped, "PROMPTOPS_SKIP_LLM=1 skips the real-model tests"))
struct EvalRealModelTests {
  @Test(.timeLimit(.minutes(10)))
  func promptopsEvalGetsARealAnswerAndCachesIt() throws {
    if let missing = LlamaServer.missingSetup() {
      Issue.record(Comment(rawValue: missing))
      return
    }
    let key = "sk-local-\(UUID().uuidString.prefix(12))"
    let server = try LlamaServer(apiKey: key)
    defer { server.stop() }

    let repo = try TempRepo()
    try repo.writePrompt(
      "sky", text: "Answer in one word: what colour is the {{thing}}?\n", version: "1.0.0", changelog: ["1.0.0"])
    try repo.write(
      "prompts/sky/evalsuite.yml",
      """
      description: a real model answers
      providers:
        - id: openai:chat:\(LlamaServer.modelName)
          config:
            apiBaseUrl: "\(server.baseURL)"
            max_tokens: 8
            temperature: 0
            seed: 1
            timeout: 300000
            maxRetries: 1
      tests:
        - vars: {thing: sky on a clear day}
          assert:
            - type: not-icontains
              value: zq-never-said-zq

      """)
    _ = try repo.commit("a prompt with a suite on a real model")

    let resultsFile = repo.root + "/results.json"
    let environment = ["OPENAI_API_KEY": key]
    let first = try repo.promptops("eval", "--output", resultsFile, environment: environment)
    #expect(first.status == 0, "\(first.stdout)\(first.stderr)\n\(server.log.suffix(2000))")
    let firstResult = try onlyResult(resultsFile)
    let response = try #require(firstResult["response"] as? [String: Any])
    let output = try #require(response["output"] as? String)
    #expect(!output.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty, "the model said nothing")
    #expect(response["cached"] as? Bool == false)
    let usage = try #require(firstResult["tokenUsage"] as? [String: Any])
    #expect((usage["prompt"] as? Int ?? 0) > 0)
    #expect((usage["completion"] as? Int ?? 0) > 0)
    #expect(firstResult["success"] as? Bool == true)

    // Nothing changed: the answer comes from the cache, word for word.
    let second = try repo.promptops("eval", "--output", resultsFile, environment: environment)
    #expect(second.status == 0, "\(second.stdout)\(second.stderr)")
    let secondResponse = try #require(try onlyResult(resultsFile)["response"] as? [String: Any])
    #expect(secondResponse["cached"] as? Bool == true)
    #expect(secondResponse["output"] as? String == output)

    // The key is in none of what promptops wrote.
    let notes = (try? repo.git("log", "--all", "-p", "--notes=promptops")) ?? ""
    let written = try String(contentsOfFile: resultsFile, encoding: .utf8)
    #expect(notes.contains("sky"), "the run is recorded as a note")
    for text in [first.stdout, first.stderr, second.stdout, second.stderr, written, notes] {
      #expect(!text.contains(key))
    }
  }

  /// promptfoo's `examples/llm-rubric`-style suite (a rubric graded by a model, plus a closed-QA
  /// check) with the small model as both the model under test and the grader. A 270M model is a
  /// poor grader, so the test asserts what must hold whatever it says: the run completes, every
  /// test has a verdict computed from the grader's parsed answer or an eval error saying the
  /// answer could not be read, and nothing unreadable passes. The rubric grader is held to
  /// promptfoo's `{pass, score}` with a JSON schema (llama.cpp constrains its output to it; left
  /// free, this model writes line breaks into strings, which no JSON reader accepts), so that path
  /// yields a verdict, checked against the grader's answer as the cache kept it, read with
  /// Foundation's JSON parser; the closed-QA grader is free to answer anything.
  @Test(.timeLimit(.minutes(20)))
  func modelGradedAssertionsOnARealGraderGiveVerdictsOrErrorsNeverUnreadPasses() throws {
    if let missing = LlamaServer.missingSetup() {
      Issue.record(Comment(rawValue: missing))
      return
    }
    let server = try LlamaServer()
    defer { server.stop() }
    let repo = try TempRepo()
    try repo.writePrompt(
      "capital", text: "In one word, what is the capital of {{country}}?\n", version: "1.0.0", changelog: ["1.0.0"])
    try repo.write(
      "prompts/capital/evalsuite.yml",
      """
      description: model-graded assertions on a real grader
      providers:
        - id: openai:chat:\(LlamaServer.modelName)
          config: {apiBaseUrl: "\(server.baseURL)", apiKeyRequired: false, max_tokens: 8, temperature: 0, seed: 1, timeout: 600000, maxRetries: 1}
      defaultTest:
        options:
          provider:
            id: openai:chat:\(LlamaServer.modelName)
            config:
              apiBaseUrl: "\(server.baseURL)"
              apiKeyRequired: false
              max_tokens: 160
              temperature: 0
              seed: 1
              timeout: 600000
              maxRetries: 1
              response_format:
                type: json_object
                schema:
                  type: object
                  properties:
                    pass: {type: boolean}
                    score: {type: number}
                  required: [pass, score]
                  additionalProperties: false
      tests:
        - description: rubric
          vars: {country: France}
          assert:
            - type: llm-rubric
              value: Names the capital of France
        - description: closed question
          vars: {country: Japan}
          assert:
            - type: model-graded-closedqa
              value: names Tokyo
              provider:
                id: openai:chat:\(LlamaServer.modelName)
                config: {apiBaseUrl: "\(server.baseURL)", apiKeyRequired: false, max_tokens: 24, temperature: 0, seed: 1, timeout: 600000, maxRetries: 1}

      """)
    _ = try repo.commit("a suite graded by a real model")

    let resultsFile = repo.root + "/results.json"
    let first = try repo.promptops("eval", "--output", resultsFile)
    let said = "\(first.stdout)\(first.stderr)\n\(server.log.suffix(2000))"
    #expect(first.status == 0 || first.status == 1, "the run did not complete: \(said)")
    let results = try allResults(resultsFile)
    #expect(results.count == 2, "\(said)")
    var verdicts: [String: Bool] = [:]
    for result in results {
      let name = ((result["testCase"] as? [String: Any])?["description"] as? String) ?? "?"
      let success = result["success"] as? Bool
      if let error = result["error"] as? String {
        // An answer the grader's reader could not use: an error, and never a pass.
        #expect(success == false, "\(name) passed with an error: \(error)")
        #expect(
          ["holds no JSON", "has no boolean `pass`", "ends in neither Y nor N", "answered nothing"].contains {
            error.contains($0)
          },
          "\(name): an error other than an unreadable grader answer: \(error)")
      } else {
        let grading = try #require(
          result["gradingResult"] as? [String: Any], "\(name) has neither a verdict nor an error")
        let component = try #require((grading["componentResults"] as? [[String: Any]])?.first)
        let reason = component["reason"] as? String ?? ""
        #expect(!reason.isEmpty, "\(name): a verdict with no reason")
        if name == "rubric" {
          // The grader's answer, as the cache kept it: the verdict is its `pass`, the score its `score`.
          let answer = try #require(try graderAnswers(repo).first, "no grader answer was kept")
          #expect(success == (answer["pass"] as? Bool), "the verdict is not the grader's: \(answer)")
          #expect(
            (component["score"] as? Double) == (answer["score"] as? NSNumber)?.doubleValue, "\(answer) vs \(component)")
        }
        if name == "closed question" {
          // promptfoo's closed-QA reading: the grader's last letter decides, and is quoted.
          let pass = component["pass"] as? Bool
          #expect(
            reason.hasPrefix(
              pass == true ? "The submission meets the criterion" : "The submission does not meet the criterion"),
            "\(reason)")
        }
        verdicts[name] = success
      }
    }
    #expect(verdicts["rubric"] != nil, "the schema-held rubric grader gave no readable verdict: \(said)")

    // The same answers, from the cache, give the same verdicts: the verdict is the answers'.
    let second = try repo.promptops("eval", "--output", resultsFile)
    #expect(second.status == first.status, "\(second.stdout)\(second.stderr)")
    for result in try allResults(resultsFile) where result["error"] is NSNull {
      let name = ((result["testCase"] as? [String: Any])?["description"] as? String) ?? "?"
      #expect((result["response"] as? [String: Any])?["cached"] as? Bool == true)
      #expect(result["success"] as? Bool == verdicts[name], "\(name): another verdict from the same answers")
    }
  }

  /// The answers kept in the eval cache that are JSON objects with a `pass`: the rubric grader's.
  func graderAnswers(_ repo: TempRepo) throws -> [[String: Any]] {
    let folder = repo.path + "/.git/promptops/eval-cache"
    var answers: [[String: Any]] = []
    for file in FileManager.default.enumerator(atPath: folder)?.compactMap({ $0 as? String }) ?? []
    where file.hasSuffix(".answer") {
      let text = try String(contentsOfFile: "\(folder)/\(file)", encoding: .utf8)
      guard let marker = text.range(of: "\noutput [0-9]+\n", options: .regularExpression) else { continue }
      let output = Data(text[marker.upperBound...].utf8)
      if let object = try? JSONSerialization.jsonObject(with: output) as? [String: Any], object["pass"] != nil {
        answers.append(object)
      }
    }
    return answers
  }

  func allResults(_ path: String) throws -> [[String: Any]] {
    let document = try #require(
      try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as? [String: Any])
    return try #require((document["results"] as? [String: Any])?["results"] as? [[String: Any]])
  }

  /// The single entry of `results.results` in a promptfoo-shaped results file.
  func onlyResult(_ path: String) throws -> [String: Any] {
    let document = try #require(
      try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as? [String: Any])
    let results = try #require((document["results"] as? [String: Any])?["results"] as? [[String: Any]])
    #expect(results.count == 1)
    return try #require(results.first)
  }
}
