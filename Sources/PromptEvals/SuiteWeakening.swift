import PromptModel

/// Compares a suite with its version in the base commit and names every way the change makes it
/// easier to pass: lower thresholds, removed tests or assertions, `equals` loosened to `contains`,
/// a test scoped away from the prompt, an expected value that now accepts more, another grader,
/// an edited provider or grader script, and weights that let an assertion count for less.
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
    func report(_ line: Int, _ message: String) {
      found.append(Weakening(file: head.path, line: max(line, 1), message: message))
    }
    if head.thresholds.minPassRate < base.thresholds.minPassRate {
      report(
        head.thresholds.minPassRateLine,
        "thresholds.minPassRate lowered from \(base.thresholds.minPassRate) to \(head.thresholds.minPassRate)")
    }
    if head.thresholds.minScore < base.thresholds.minScore {
      report(
        head.thresholds.minScoreLine,
        "thresholds.minScore lowered from \(base.thresholds.minScore) to \(head.thresholds.minScore)")
    }
    // Every prompt `prompts:` names counts in the pass rate (as promptfoo counts prompt × test):
    // a prompt added beside the one under change, passing its tests, dilutes that one's failures.
    func promptName(_ prompt: SuitePrompt) -> String { prompt.file ?? "inline prompt '\(prompt.raw.prefix(40))'" }
    if let headPrompts = head.prompts {
      let before = Set((base.prompts ?? []).map(promptName))
      let names = headPrompts.map(promptName).reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } }
      // Without `prompts:` the base evaluated the prompt's own text alone: one name is no addition.
      let added = base.prompts == nil ? (names.count > 1 ? names : []) : names.filter { !before.contains($0) }
      if !added.isEmpty {
        report(
          head.promptsLine,
          "`prompts` now also names \(added.joined(separator: ", ")): its results count in the pass rate, so a passing prompt added "
            + "beside the one under change dilutes its failures; land the suite change on its own")
      }
    }
    // A provider is its name and its config: one model at two temperatures is two providers.
    var remainingProviders = head.providers
    for provider in base.providers {
      if let kept = remainingProviders.firstIndex(where: {
        $0.label == provider.label && $0.id == provider.id && $0.config == provider.config
      }) {
        remainingProviders.remove(at: kept)
      } else if let kept = remainingProviders.firstIndex(where: {
        ($0.label ?? $0.id) == (provider.label ?? provider.id)
      }) {
        // The same name with another model, endpoint, program or settings: the tests see other
        // answers (a label kept over `echo`, or an `apiBaseUrl` pointed at a server of one's
        // own, passes anything), so any change is reported.
        let new = remainingProviders.remove(at: kept)
        if runsAnotherProgram(old: provider, new: new) {
          report(
            1,
            "provider '\(provider.label ?? provider.id)' now runs '\(new.id)'\(new.config["basePath"].map { " in \($0.templateText)" } ?? "") "
              + "instead of '\(provider.id)'\(provider.config["basePath"].map { " in \($0.templateText)" } ?? ""); "
              + "restore it, or land the provider change on its own")
        } else if new.id != provider.id {
          report(
            1,
            "provider '\(provider.label ?? provider.id)' is now '\(new.id)' instead of '\(provider.id)': the tests grade "
              + "another model's answers; restore it, or land the provider change on its own")
        } else {
          report(
            1,
            "provider '\(provider.label ?? provider.id)' changed its config: the tests grade answers got another way; "
              + "restore it, or land the provider change on its own")
        }
      } else {
        report(1, "provider '\(provider.label ?? provider.id)' removed")
      }
    }
    // Every provider runs every test and counts in the pass rate: one added beside the model
    // under test, passing its tests, dilutes that model's failures.
    for provider in remainingProviders {
      report(
        1,
        "provider '\(provider.label ?? provider.id)' added: its results count in the pass rate, so a provider that "
          + "passes dilutes the failures of the others; land the provider change on its own")
    }
    // A script a provider or grader runs (an `exec:` command's file), edited in place: it decides
    // what the tests see or how they are graded (rewritten to print the expected answer, it
    // passes everything). A command naming another script is a provider or grader change.
    for (path, before) in base.providerFiles.sorted(by: { $0.key < $1.key }) {
      guard let after = head.providerFiles[path], after != before else { continue }
      found.append(
        Weakening(
          file: path, line: 1,
          message:
            "provider script \(path), run by \(head.path), changed: it decides what the tests see or how they are graded; "
            + "restore it, or land the script change on its own"))
    }
    var graderReported = Set<String>()
    func reportGrader(_ line: Int, _ message: String) {
      if graderReported.insert("\(line)|\(message)").inserted { report(line, message) }
    }
    var unmatched = head.tests.filter(applies)
    for baseTest in base.tests where applies(baseTest) {
      guard let index = unmatched.firstIndex(where: { identity($0) == identity(baseTest) }) else {
        if let promptID, let scoped = head.tests.first(where: { identity($0) == identity(baseTest) && !applies($0) }) {
          report(
            scoped.line,
            "test '\(baseTest.name)' no longer applies to '\(promptID)' (promptId: \(scoped.promptID ?? ""))")
        } else {
          report(
            1,
            "test '\(baseTest.name)' removed (\(baseTest.assertions.count) assertion\(baseTest.assertions.count == 1 ? "" : "s"))"
          )
        }
        continue
      }
      let headTest = unmatched.remove(at: index)
      let testLine = headTest.line
      let name = headTest.name
      if let old = baseTest.threshold, let new = headTest.threshold, new < old {
        report(testLine, "test '\(name)': threshold lowered from \(old) to \(new)")
      } else if baseTest.threshold == nil, let new = headTest.threshold, new < 1 {
        report(testLine, "test '\(name)': threshold \(new) added (before, every assertion had to pass)")
      }
      if headTest.provider != baseTest.provider {
        report(
          testLine,
          "test '\(name)': its own provider is now \(headTest.provider.map { "'\($0.id)'" } ?? "none (the suite's)") instead of "
            + "\(baseTest.provider.map { "'\($0.id)'" } ?? "the suite's providers"); another provider answering decides what the test sees"
        )
      }
      if let canned = headTest.providerOutput, canned != baseTest.providerOutput {
        report(
          testLine,
          "test '\(name)': its providerOutput \(baseTest.providerOutput == nil ? "added" : "changed"): the written answer is graded "
            + "in place of the model's, so the test no longer checks what the prompt makes the model say")
      }
      for (what, old, new) in [
        ("providers", baseTest.providerFilter, headTest.providerFilter),
        ("prompts", baseTest.promptFilter, headTest.promptFilter),
      ] where new != nil && new != old {
        report(
          testLine,
          "test '\(name)': `\(what)` now limits it to \(new!.joined(separator: ", ")) (before: \(old?.joined(separator: ", ") ?? "all")); "
            + "it runs on fewer of the suite's \(what)")
      }
      if Double(headTest.requiredPasses) / Double(headTest.repeatCount) < Double(baseTest.requiredPasses)
        / Double(baseTest.repeatCount)
      {
        report(
          testLine,
          "test '\(name)': minPass lowered from \(baseTest.requiredPasses)/\(baseTest.repeatCount) to \(headTest.requiredPasses)/\(headTest.repeatCount)"
        )
      }
      var remaining = headTest.assertions
      // Assertions kept (as they were, loosened or edited), for the weights.
      var kept: [(old: EvalAssertion, new: EvalAssertion)] = []
      // Who grades a model-graded assertion: its own provider, its test's, its suite's (the
      // configured `evals.grader` is the base's on both sides). Reported where it changed.
      func compareGraders(_ old: EvalAssertion, _ new: EvalAssertion) {
        guard old.isModelGraded || new.isModelGraded else { return }
        let before = old.provider ?? baseTest.grader ?? base.grader
        let after = new.provider ?? headTest.grader ?? head.grader
        guard !sameGrader(before, after) else { return }
        let fix = "; restore it, or land the grader change on its own"
        if !sameGrader(old.provider, new.provider) {
          reportGrader(new.line, "test '\(name)': the grader of `\(new.summary)` \(graderChange(before, after))\(fix)")
        } else if (baseTest.graderLine != 0 || headTest.graderLine != 0)
          && !sameGrader(baseTest.grader, headTest.grader)
        {
          reportGrader(
            headTest.graderLine != 0 ? headTest.graderLine : headTest.line,
            "test '\(name)': its grader (options.provider) \(graderChange(before, after))\(fix)")
        } else {
          reportGrader(
            head.graderLine, "the suite's grader (defaultTest.options.provider) \(graderChange(before, after))\(fix)")
        }
      }
      for assertion in baseTest.assertions {
        if let same = remaining.firstIndex(where: {
          $0.type == assertion.type && $0.negated == assertion.negated && $0.value == assertion.value
        }) {
          let new = remaining.remove(at: same)
          kept.append((assertion, new))
          compareGraders(assertion, new)
          if let loosened = loosenedThreshold(old: assertion, new: new) {
            report(new.line, "test '\(name)': \(assertion.fullType) \(loosened)")
          }
          // An assert-set's own assertions decide its verdict: any change to them (one removed,
          // loosened, reweighted or regraded) is reported, as it could weaken the set.
          if assertion.type == "assert-set", assertion.children.map(\.unplaced) != new.children.map(\.unplaced) {
            report(new.line, "test '\(name)': the assertions inside an `assert-set` changed")
          }
          continue
        }
        if !assertion.negated,
          let looser = remaining.firstIndex(where: {
            !$0.negated && $0.value == assertion.value && looserTypes(of: assertion.type).contains($0.type)
          })
        {
          let new = remaining.remove(at: looser)
          kept.append((assertion, new))
          report(
            new.line,
            "test '\(name)': `\(assertion.type)` loosened to `\(new.type)` for \(assertion.value?.templateText ?? "")")
          continue
        }
        if let edited = remaining.firstIndex(where: { $0.type == assertion.type && $0.negated == assertion.negated }) {
          // The same check with another expected value: an edit, not a removal, unless it widens bounds.
          let new = remaining.remove(at: edited)
          kept.append((assertion, new))
          compareGraders(assertion, new)
          if assertion.type == "word-count", widens(old: assertion.value, new: new.value) {
            report(
              new.line,
              "test '\(name)': word-count bounds widened from \(assertion.value?.templateText ?? "") to \(new.value?.templateText ?? "")"
            )
          } else if acceptsMore(old: assertion, new: new) {
            report(new.line, "test '\(name)': `\(assertion.summary)` loosened to `\(new.summary)`")
          }
          continue
        }
        report(testLine, "test '\(name)': assertion `\(assertion.summary)` removed")
      }
      // Weight 0 beside weighted assertions makes one score only, never fail its test. Where a
      // score counts, `dilutedWeights` says so; where none does, this is the one weight that
      // decides. (All weights 0 is all or nothing, which asks more.)
      let scoreCounts = headTest.threshold != nil || head.thresholds.minScore > 0
      let headTotal = headTest.assertions.reduce(0) { $0 + $1.weight }
      for (old, new) in kept where !scoreCounts && headTotal > 0 && old.weight > 0 && new.weight == 0 {
        report(
          new.line,
          "test '\(name)': `\(new.summary)` weight lowered from \(format(old.weight)) to 0: it no longer fails the test"
        )
      }
      if let diluted = dilutedWeights(
        baseTest: baseTest, headTest: headTest, kept: kept, added: remaining, minScore: head.thresholds.minScore)
      {
        report(diluted.line, "test '\(name)': \(diluted.message)")
      }
    }
    return found
  }

  /// Whether a provider kept under its name now runs another program: a command (`exec:`,
  /// `file://`) whose text or working folder changed.
  private static func runsAnotherProgram(old: ProviderSpec, new: ProviderSpec) -> Bool {
    let commands = ["exec:", "file://"]
    guard commands.contains(where: { old.id.hasPrefix($0) || new.id.hasPrefix($0) }) else { return false }
    return old.id != new.id || old.config["basePath"] != new.config["basePath"]
  }

  /// Two graders are the same when they are the same model with the same config (a label names
  /// it for people only).
  private static func sameGrader(_ a: ProviderSpec?, _ b: ProviderSpec?) -> Bool {
    a?.id == b?.id && a?.config == b?.config
  }

  private static func graderChange(_ before: ProviderSpec?, _ after: ProviderSpec?) -> String {
    func name(_ spec: ProviderSpec?) -> String { spec.map { "'\($0.id)'" } ?? "none (the configured evals.grader)" }
    if let before, let after, before.id == after.id { return "kept \(name(before)) with another config" }
    return "changed from \(name(before)) to \(name(after))"
  }

  /// Whether the test's weights let a kept assertion count for less of its score.
  ///
  /// The score is the weighted average of the assertions' scores; it decides a test with a
  /// `threshold`, and the prompt's average against `minScore`. An assertion's share of it is its
  /// weight over the test's total: lowering its weight, raising another's, or adding assertions
  /// beside it all lower that share, so an answer that fails it scores higher than before. Any
  /// kept assertion whose share drops is a weakening (when the score counts at all); a test whose
  /// weights were all 0 (all or nothing) that now gives partial credit is one too. Returns the
  /// line of the change that did it (a lowered weight, else a raised one, else an added
  /// assertion) and what to say.
  private static func dilutedWeights(
    baseTest: EvalTest, headTest: EvalTest, kept: [(old: EvalAssertion, new: EvalAssertion)], added: [EvalAssertion],
    minScore: Double
  ) -> (line: Int, message: String)? {
    guard
      let bar = headTest.threshold.map({ "its threshold \(format($0))" })
        ?? (minScore > 0 ? "the suite's minScore \(format(minScore))" : nil)
    else { return nil }
    let baseTotal = baseTest.assertions.reduce(0) { $0 + $1.weight }
    let headTotal = headTest.assertions.reduce(0) { $0 + $1.weight }
    guard headTotal > 0 else { return nil }  // all or nothing: no partial credit
    let lowered = kept.first { $0.new.weight < $0.old.weight }
    let raised = kept.first { $0.new.weight > $0.old.weight }
    let line = lowered?.new.line ?? raised?.new.line ?? added.first?.line ?? headTest.line
    var causes: [String] = []
    if let lowered {
      causes.append(
        "`\(lowered.new.summary)` weight lowered from \(format(lowered.old.weight)) to \(format(lowered.new.weight))")
    }
    if let raised {
      causes.append(
        "`\(raised.new.summary)` weight raised from \(format(raised.old.weight)) to \(format(raised.new.weight))")
    }
    if !added.isEmpty { causes.append("\(added.count) assertion\(added.count == 1 ? "" : "s") added") }
    let fix = "restore the weights, or land the change to them on its own"
    guard baseTotal > 0 else {
      return (
        line, "weights now give partial credit toward \(bar) (before, all were 0: every assertion had to pass); \(fix)"
      )
    }
    let shrunk = kept.filter { $0.new.weight / headTotal < $0.old.weight / baseTotal - 1e-9 }
    guard let first = shrunk.first else { return nil }
    let others = shrunk.count > 1 ? " (and \(shrunk.count - 1) more)" : ""
    return (
      line,
      "\(causes.joined(separator: ", ")), so `\(first.new.summary)`\(others) counts for \(percent(first.new.weight / headTotal)) of the score "
        + "instead of \(percent(first.old.weight / baseTotal)): an answer that fails it reaches \(bar) more easily; \(fix)"
    )
  }

  private static func format(_ value: Double) -> String { String(format: "%g", value) }
  private static func percent(_ value: Double) -> String { String(format: "%.0f%%", value * 100) }

  /// Whether an edited expected value provably accepts every answer the old one did, and more:
  /// a shorter piece of the old text to contain (or begin with), fewer items that must all be
  /// present, more items of which any will do, a JSON schema dropped. Other edits (an `equals`
  /// with a new answer, a new regex) cannot be ranked and are left alone.
  private static func acceptsMore(old: EvalAssertion, new: EvalAssertion) -> Bool {
    guard old.type == new.type, old.negated == new.negated, old.value != new.value else { return false }
    if old.type == "is-json" || old.type == "contains-json" {
      return !old.negated && old.value != nil && new.value == nil
    }
    // Both values as text, or both as sets of texts, folded where the type ignores case.
    let caseless = ["icontains", "icontains-any", "icontains-all"].contains(old.type)
    func fold(_ text: String) -> String { caseless ? text.lowercased() : text }
    func text(_ value: JSONValue?) -> String? {
      value.flatMap { if case .string(let text) = $0 { return fold(text) } else { return nil } }
    }
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

extension EvalAssertion {
  /// The assertion with its lines (and its children's) left out: what it checks, wherever it is written.
  var unplaced: EvalAssertion {
    var copy = self
    copy.line = 0
    copy.children = children.map(\.unplaced)
    return copy
  }
}
