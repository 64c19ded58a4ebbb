/// Prices a provider's configuration gives, to turn token usage into US dollars.
///
/// Config keys, all optional:
/// - `cost`: dollars per token, for prompt and completion tokens alike (promptfoo's key).
/// - `inputCost`, `outputCost`: dollars per prompt / completion token; each overrides `cost`
///   for its side.
/// - `inputCostPerMillionTokens`, `outputCostPerMillionTokens`: the same per million tokens, as
///   price lists quote them; each overrides the per-token keys for its side.
///
/// Without any price the cost is unknown (`nil`), not zero: a `cost` assertion must not pass on
/// a number nobody knows.
struct ProviderPricing: Sendable, Equatable {
  static let keys: Set<String> = [
    "cost", "inputCost", "outputCost", "inputCostPerMillionTokens", "outputCostPerMillionTokens",
  ]

  var input: Double?
  var output: Double?

  init(input: Double?, output: Double?) {
    self.input = input
    self.output = output
  }

  init(config: ProviderConfig) throws {
    let both = try config.number("cost")
    input = try config.number("inputCostPerMillionTokens").map { $0 / 1_000_000 } ?? config.number("inputCost") ?? both
    output =
      try config.number("outputCostPerMillionTokens").map { $0 / 1_000_000 } ?? config.number("outputCost") ?? both
  }

  /// Dollars for this usage, when every side that was used has a price.
  func cost(of usage: TokenUsage) -> Double? {
    guard input != nil || output != nil else { return nil }
    if usage.prompt > 0 && input == nil { return nil }
    if usage.completion > 0 && output == nil { return nil }
    return Double(usage.prompt) * (input ?? 0) + Double(usage.completion) * (output ?? 0)
  }
}
