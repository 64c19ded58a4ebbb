/// promptfoo's assertion types, as promptops treats each: run with promptfoo's semantics, or
/// refused when the suite is read, with the reason. Nothing in between: a type promptops cannot
/// grade as promptfoo does must never be graded some other way.
///
/// The list follows promptfoo's `src/assertions/index.ts` and its assertion packs
/// (`src/assertions/packs/*.ts`); the compatibility table in docs/evals.md is checked against it.
public enum AssertionCatalog {
  /// Checked by promptops itself from the output (and the provider's latency and cost).
  public static let deterministic: Set<String> = [
    "equals", "contains", "icontains", "contains-any", "contains-all", "icontains-any", "icontains-all", "starts-with",
    "ends-with", "regex", "is-json", "contains-json", "levenshtein", "word-count", "latency", "cost", "is-refusal",
    "rouge-n", "bleu", "is-valid-openai-tools-call", "is-valid-openai-function-call",
  ]

  /// Run by a script the suite holds, with the interpreter on `PATH`.
  public static let scripts: [String: String] = ["python": "python3", "javascript": "node"]

  /// Graded by a model: the grader (a chat model) is asked with promptfoo's grading prompt.
  public static let modelGraded: Set<String> = [
    "llm-rubric", "model-graded-closedqa", "factuality", "model-graded-factuality", "g-eval", "context-faithfulness",
    "context-recall", "context-relevance",
  ]

  /// Graded with embeddings: the grader must be an embedding model (`openai:embedding:<model>`).
  public static let embeddingGraded: Set<String> = ["similar"]

  /// Graded by a chat model and an embedding model at once (`provider: {text: …, embedding: …}`).
  public static let textAndEmbeddingGraded: Set<String> = ["answer-relevance"]

  /// Every type whose verdict comes from a grader.
  public static var needsGrader: Set<String> { modelGraded.union(embeddingGraded).union(textAndEmbeddingGraded) }

  /// `assert-set`: a group of assertions with its own threshold, weight and metric.
  public static let combinators: Set<String> = ["assert-set"]

  /// Every type promptops runs.
  public static var supported: Set<String> {
    deterministic.union(scripts.keys).union(needsGrader).union(combinators)
  }

  /// promptfoo types promptops refuses, and why. Each is an error at its file and line when the
  /// suite is read, before any provider is asked.
  public static let refused: [String: String] = [
    "webhook": "it sends the output to an outside service to be judged",
    "moderation": "it needs a moderation API (OpenAI, Azure Content Safety or Llama Guard)",
    "classifier": "it needs a HuggingFace text-classification model",
    "guardrails": "it reads guardrail results only some providers report",
    "perplexity": "it needs token log-probabilities, which the providers do not report",
    "perplexity-score": "it needs token log-probabilities, which the providers do not report",
    "finish-reason": "the providers do not report why a model stopped",
    "meteor": "it needs WordNet through the `natural` package",
    "gleu": "its tokenizer and n-gram rules are not reproduced",
    "tool-call-f1": "its comparison of tool calls is not reproduced",
    "select-best": "it compares the outputs of several prompts or providers",
    "max-score": "it compares the outputs of several prompts or providers",
    "is-sql": "it needs promptfoo's SQL parser (node-sql-parser)",
    "contains-sql": "it needs promptfoo's SQL parser (node-sql-parser)",
    "is-xml": "its XML parser (fast-xml-parser) and its element checks are not reproduced",
    "contains-xml": "its XML parser (fast-xml-parser) and its element checks are not reproduced",
    "is-html": "its HTML detection heuristics are not reproduced",
    "contains-html": "its HTML detection heuristics are not reproduced",
    "ruby": "Ruby assertions are not run",
    "conversation-relevance": "it grades whole conversations, which promptops does not run",
    "agent-rubric": "it grades agent traces, which promptops does not record",
    "search-rubric": "its grader searches the web",
    "pi": "it is scored by a remote service",
    "similar:dot": "only cosine similarity (`similar`) is implemented",
    "similar:euclidean": "only cosine similarity (`similar`) is implemented",
    "similar:cosine": "write `similar` (the same check)",
    "is-valid-function-call": "write `is-valid-openai-function-call` for OpenAI function calls",
    "trace-span-count": "it needs OpenTelemetry traces",
    "trace-span-duration": "it needs OpenTelemetry traces",
    "trace-error-spans": "it needs OpenTelemetry traces",
    "skill-used": "it needs agent traces",
    "trajectory:goal-success": "it needs agent traces",
    "trajectory:step-count": "it needs agent traces",
    "trajectory:tool-args-match": "it needs agent traces",
    "trajectory:tool-sequence": "it needs agent traces",
    "trajectory:tool-used": "it needs agent traces",
  ]

  /// Types whose `not-` form promptops refuses, and why: promptfoo's handlers for them ignore the
  /// inversion (or its releases disagree on it), so no verdict could be promptfoo's.
  public static let negationRefused: [String: String] = [
    "python": "promptfoo's python assertion ignores `not-`; return the inverted verdict from the script",
    "javascript":
      "promptfoo inverts only boolean results of a javascript assertion; return the inverted verdict instead",
    "model-graded-closedqa": "promptfoo's handler ignores `not-`; state the criterion the other way round",
    "factuality": "promptfoo's handler ignores `not-`",
    "model-graded-factuality": "promptfoo's handler ignores `not-`",
    "g-eval": "promptfoo's handler ignores `not-`",
    "answer-relevance": "promptfoo's handler ignores `not-`",
    "context-faithfulness": "promptfoo's handler ignores `not-`",
    "context-recall": "promptfoo's handler ignores `not-`",
    "context-relevance": "promptfoo's handler ignores `not-`",
    "assert-set": "promptfoo has no `not-assert-set`",
    "is-valid-openai-tools-call": "promptfoo's handler ignores `not-`",
    "is-valid-openai-function-call": "promptfoo's handler ignores `not-`",
  ]

  /// Why a type (without `not-`) cannot be read, or nil when promptops runs it.
  static func refusal(of type: String, negated: Bool) -> String? {
    if let reason = refused[type] {
      return "assertion type `\(negated ? "not-" : "")\(type)` is not supported: \(reason)"
    }
    if type.hasPrefix("promptfoo:redteam:") {
      return "assertion type `\(type)` is not supported: red-team graders are not run"
    }
    guard supported.contains(type) else {
      return
        "unknown assertion type `\(negated ? "not-" : "")\(type)` (supported: \(supported.sorted().joined(separator: ", ")))"
    }
    if negated, let reason = negationRefused[type] { return "`not-\(type)` is not supported: \(reason)" }
    return nil
  }
}
