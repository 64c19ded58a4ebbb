/// Compares a suite with its version in the base commit and names every way the change makes it
/// easier to pass: lower thresholds, removed tests or assertions, `equals` loosened to `contains`,
/// a test scoped away from the prompt, an expected value that now accepts more.
public enum SuiteWeakening {
  public struct Weakening: Sendable, Equatable {
    public var file: String
    public var line: Int
    public var message: String
  }

  /// With `promptID`, only the tests that apply to that prompt count (a test's `promptId` can
  /// scope it to another prompt of a shared suite).
  public static func compare(base: EvalSuite, head: EvalSuite, promptID: String? = nil) -> [Weakening] {
    var found: [Weakening] = []
    func applies(_ test: EvalTest) -> Bool { promptID == nil || test.promptID == nil || test.promptID == promptID }
    func report(_ line: Int, _ message: String) { found.append(Weakening(file: head.path, line: max(line, 1), message: message)) }
    if head.thresholds.minPassRate < base.thresholds.minPassRate {
      report(head.thresholds.minPassRateLine, "thresholds.minPassRate lowered from \(base.thresholds.minPassRate) to \(head.thresholds.minPassRate)")
    }
    if head.thresholds.minScore < base.thresholds.minScore {
      report(head.thresholds.minScoreLine, "thresholds.minScore lowered from \(base.thresholds.minScore) to \(head.thresholds.minScore)")
    }
    // A provider is its name and its config: one model at two temperatures is two providers.
    var remainingProviders = head.providers
    for provider in base.providers {
      if let kept = remainingProviders.firstIndex(where: { $0.label == provider.label && $0.id == provider.id && $0.config == provider.config }) {
        remainingProviders.remove(at: kept)
      } else if let kept = remainingProviders.firstIndex(where: { ($0.label ?? $0.id) == (provider.label ?? provider.id) }) {
        remainingProviders.remove(at: kept)  // the same provider with another config: an edit
      } else {
        report(1, "provider '\(provider.label ?? provider.id)' removed")
      }
    }
    var unmatched = head.tests.filter(applies)
    for baseTest in base.tests where applies(baseTest) {
      guard let index = unmatched.firstIndex(where: { identity($0) == identity(baseTest) }) else {
        if let promptID, let scoped = head.tests.first(where: { identity($0) == identity(baseTest) && !applies($0) }) {
          report(scoped.line, "test '\(baseTest.name)' no longer applies to '\(promptID)' (promptId: \(scoped.promptID ?? ""))")
        } else {
          report(1, "test '\(baseTest.name)' removed (\(baseTest.assertions.count) assertion\(baseTest.assertions.count == 1 ? "" : "s"))")
        }
        continue
      }
      let headTest = unmatched.remove(at: index)
      let where_ = headTest.line
      let name = headTest.name
      if let old = baseTest.threshold, let new = headTest.threshold, new < old {
        report(where_, "test '\(name)': threshold lowered from \(old) to \(new)")
      } else if baseTest.threshold == nil, let new = headTest.threshold, new < 1 {
        report(where_, "test '\(name)': threshold \(new) added (before, every assertion had to pass)")
      }
      if Double(headTest.requiredPasses) / Double(headTest.repeatCount) < Double(baseTest.requiredPasses) / Double(baseTest.repeatCount) {
        report(where_, "test '\(name)': minPass lowered from \(baseTest.requiredPasses)/\(baseTest.repeatCount) to \(headTest.requiredPasses)/\(headTest.repeatCount)")
      }
      var remaining = headTest.assertions
      for assertion in baseTest.assertions {
        if let same = remaining.firstIndex(where: { $0.type == assertion.type && $0.negated == assertion.negated && $0.value == assertion.value }) {
          let new = remaining.remove(at: same)
          if let loosened = loosenedThreshold(old: assertion, new: new) { report(new.line, "test '\(name)': \(assertion.fullType) \(loosened)") }
          continue
        }
        if !assertion.negated, let looser = remaining.firstIndex(where: { !$0.negated && $0.value == assertion.value && looserTypes(of: assertion.type).contains($0.type) }) {
          let new = remaining.remove(at: looser)
          report(new.line, "test '\(name)': `\(assertion.type)` loosened to `\(new.type)` for \(assertion.value?.templateText ?? "")")
          continue
        }
        if let edited = remaining.firstIndex(where: { $0.type == assertion.type && $0.negated == assertion.negated }) {
          // The same check with another expected value: an edit, not a removal, unless it widens bounds.
          let new = remaining.remove(at: edited)
          if assertion.type == "word-count", widens(old: assertion.value, new: new.value) {
            report(new.line, "test '\(name)': word-count bounds widened from \(assertion.value?.templateText ?? "") to \(new.value?.templateText ?? "")")
          } else if acceptsMore(old: assertion, new: new) {
            report(new.line, "test '\(name)': `\(assertion.summary)` loosened to `\(new.summary)`")
          }
          continue
        }
        report(where_, "test '\(name)': assertion `\(assertion.summary)` removed")
      }
    }
    return found
  }

  /// Whether an edited expected value provably accepts every answer the old one did, and more:
  /// a shorter piece of the old text to contain (or begin with), fewer items that must all be
  /// present, more items of which any will do, a JSON schema dropped. Other edits (an `equals`
  /// with a new answer, a new regex) cannot be ranked and are left alone.
  private static func acceptsMore(old: EvalAssertion, new: EvalAssertion) -> Bool {
    guard old.type == new.type, old.negated == new.negated, old.value != new.value else { return false }
    if old.type == "is-json" || old.type == "contains-json" { return !old.negated && old.value != nil && new.value == nil }
    // Both values as text, or both as sets of texts, folded where the type ignores case.
    let caseless = ["icontains", "icontains-any", "icontains-all"].contains(old.type)
    func fold(_ text: String) -> String { caseless ? text.lowercased() : text }
    func text(_ value: JSONValue?) -> String? { value.flatMap { if case .string(let text) = $0 { return fold(text) } else { return nil } } }
    func items(_ value: JSONValue?) -> Set<String>? {
      guard case .array(let values)? = value else { return nil }
      let texts = values.compactMap(\.stringValue)
      return texts.count == values.count ? Set(texts.map(fold)) : nil
    }
    if let before = text(old.value), let after = text(new.value) {
      switch (old.type, old.negated) {
      case ("contains", false), ("icontains", false): return before.contains(after)
      case ("starts-with", false): return before.hasPrefix(after)
      // Must not contain: a longer text is found in fewer answers, so it forbids less.
      case ("contains", true), ("icontains", true): return after.contains(before)
      default: return false
      }
    }
    if let before = items(old.value), let after = items(new.value) {
      switch (old.type, old.negated) {
      // All must be present, or none may be: fewer items ask less.
      case ("contains-all", false), ("icontains-all", false), ("contains-any", true), ("icontains-any", true):
        return after.isStrictSubset(of: before)
      // Any one will do, or not all may be present: more items ask less.
      case ("contains-any", false), ("icontains-any", false), ("contains-all", true), ("icontains-all", true):
        return after.isStrictSuperset(of: before)
      default: return false
      }
    }
    return false
  }

  private static func identity(_ test: EvalTest) -> String {
    test.description ?? JSONValue.object(test.vars).canonicalJSON
  }

  /// Assertion types that accept everything the given type accepts, and more.
  private static func looserTypes(of type: String) -> Set<String> {
    switch type {
    case "equals": return ["contains", "icontains", "starts-with", "contains-any", "icontains-any", "levenshtein"]
    case "contains": return ["icontains", "contains-any", "icontains-any"]
    case "contains-all": return ["contains-any", "icontains-all", "icontains-any"]
    case "icontains-all": return ["icontains-any"]
    case "starts-with": return ["contains", "icontains"]
    case "is-json": return ["contains-json"]
    default: return []
    }
  }

  private static func widens(old: JSONValue?, new: JSONValue?) -> Bool {
    func bounds(_ value: JSONValue?) -> (Double, Double) {
      if let exact = value?.doubleValue { return (exact, exact) }
      return (value?["min"]?.doubleValue ?? 0, value?["max"]?.doubleValue ?? .infinity)
    }
    let (oldLow, oldHigh) = bounds(old)
    let (newLow, newHigh) = bounds(new)
    return newLow < oldLow || newHigh > oldHigh
  }

  /// For limits (latency, cost, levenshtein) a higher threshold is looser; for scores a lower one.
  private static func loosenedThreshold(old: EvalAssertion, new: EvalAssertion) -> String? {
    guard let before = old.threshold else { return nil }
    guard let after = new.threshold else { return "threshold \(before) removed" }
    let upperBound = ["latency", "cost", "levenshtein"].contains(old.type)
    if upperBound ? after > before : after < before { return "threshold loosened from \(before) to \(after)" }
    return nil
  }
}
