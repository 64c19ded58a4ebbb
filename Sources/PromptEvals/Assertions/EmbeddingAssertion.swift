import Foundation
import PromptModel

/// promptfoo's embedding-graded assertions (`src/assertions/similar.ts` with
/// `matchesSimilarity`, `src/assertions/answerRelevance.ts` with `matchesAnswerRelevance`): the
/// cosine similarity of embeddings from the grader's embedding model.
///
/// The embedding model is an `EvalProvider` whose answer to a text is the vector as JSON (see
/// `OpenAIEmbeddingProvider`), so its answers are cached like any other.
struct EmbeddingAssertion {
  let assertion: EvalAssertion
  let embedder: any EvalProvider
  /// The chat model `answer-relevance` asks for questions.
  let grader: (any EvalProvider)?
  let context: AssertionContext

  func check(output: String) async throws -> Verdict {
    assertion.type == "answer-relevance" ? try await answerRelevance(output) : try await similar(output)
  }

  private func embedding(_ text: String) async throws -> [Double] {
    let answer = try await embedder.complete(ProviderRequest(prompt: text)).output
    guard case .array(let items)? = try? JSONValue.parse(Data(answer.utf8)), !items.isEmpty else {
      throw AssertionError("\(assertion.type): \(embedder.id) gave no embedding")
    }
    return try items.map { item in
      guard let number = item.doubleValue, number.isFinite else {
        throw AssertionError("\(assertion.type): \(embedder.id) gave an embedding that is not numbers")
      }
      return number
    }
  }

  static func cosine(_ a: [Double], _ b: [Double]) throws -> Double {
    guard a.count == b.count else {
      throw AssertionError("embeddings of different lengths (\(a.count) and \(b.count)) cannot be compared")
    }
    let dot = zip(a, b).reduce(0) { $0 + $1.0 * $1.1 }
    let magnitudes = (a.reduce(0) { $0 + $1 * $1 }).squareRoot() * (b.reduce(0) { $0 + $1 * $1 }).squareRoot()
    guard magnitudes > 0 else { throw AssertionError("an embedding of length zero has no direction to compare") }
    return dot / magnitudes
  }

  // MARK: - similar

  /// Passes when the output is similar enough to one of the values (`not-similar`: to none),
  /// with promptfoo's default threshold of 0.75.
  private func similar(_ output: String) async throws -> Verdict {
    let expected: [String]
    switch assertion.value {
    case .string(let text)?: expected = [text]
    case .array(let items)? where !items.isEmpty && items.allSatisfy({ $0.stringValue != nil }):
      expected = items.compactMap(\.stringValue)
    default: throw AssertionError("similar needs a string or a non-empty list of strings as its value")
    }
    let threshold = assertion.threshold ?? 0.75
    let inverse = assertion.negated
    func match(_ value: String) async throws -> Verdict {
      let similarity = try Self.cosine(try await embedding(value), try await embedding(output))
      let pass = inverse ? similarity <= threshold + Double.ulpOfOne : similarity >= threshold - Double.ulpOfOne
      let above = "Similarity \(String(format: "%.2f", similarity)) is greater than threshold \(threshold)"
      let below = "Similarity \(String(format: "%.2f", similarity)) is less than threshold \(threshold)"
      return Verdict(
        pass: pass, score: inverse ? 1 - similarity : similarity, reason: pass == inverse ? below : above,
        inverted: true)
    }
    if inverse {
      var closest: Verdict?
      for value in expected {
        let result = try await match(value)
        if !result.pass { return result }
        if closest == nil || result.score < closest!.score { closest = result }
      }
      return closest!
    }
    var best = -Double.infinity
    for value in expected {
      let result = try await match(value)
      if result.pass || expected.count == 1 { return result }
      best = max(best, result.score)
    }
    return Verdict(
      pass: false, score: best, reason: "None of the provided values met the similarity threshold", inverted: true)
  }

  // MARK: - answer-relevance

  /// The grader writes three questions the output answers; their mean similarity to the
  /// question asked (the `query` variable, else the prompt) is the score (default threshold 0.7).
  private func answerRelevance(_ output: String) async throws -> Verdict {
    guard let grader else { throw AssertionError("answer-relevance needs a chat grader") }
    let input = context.vars["query"]?.stringValue ?? context.prompt
    let threshold = assertion.threshold ?? 0.7
    let prompt = GradingPrompts.render(
      GradingPrompts.answerRelevancyGenerate, ["answer": .text(GradingPrompts.templateValue(ofOutput: output))])
    var questions: [String] = []
    for _ in 0..<3 {
      let answer = try await grader.complete(ProviderRequest(prompt: prompt)).output
      guard !answer.isEmpty else { throw AssertionError("answer-relevance: the grader \(grader.id) answered nothing") }
      questions.append(answer)
    }
    let inputEmbedding = try await embedding(input)
    var similarities: [Double] = []
    for question in questions { similarities.append(try Self.cosine(inputEmbedding, try await embedding(question))) }
    let similarity = similarities.reduce(0, +) / Double(similarities.count)
    let pass = similarity >= threshold - Double.ulpOfOne
    return Verdict(
      pass: pass, score: similarity,
      reason:
        "Relevance \(String(format: "%.2f", similarity)) is \(pass ? "greater" : "less") than threshold \(threshold)")
  }
}
