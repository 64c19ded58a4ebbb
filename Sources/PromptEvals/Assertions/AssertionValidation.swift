import Foundation
import GitKit
import PromptModel

/// What must hold before a prompt's evals spend anything: every model-graded assertion has a
/// grader that can be made, of the kind it needs (a chat model, an embedding model), every
/// script assertion has its interpreter, and the variables an assertion reads are there.
///
/// Called when the plan is made (`EvalPlanner.plan`); each problem names the assertion's file
/// and line, and a prompt with any runs none of its tests. In external mode the team's own tool
/// grades, and none of this applies.
enum AssertionValidation {
  static func problems(_ units: [EvalUnit], settings: EvalSettings, environment: [String: String]) -> [SuiteProblem] {
    guard settings.mode == .builtin else { return [] }
    var found: [SuiteProblem] = []
    var seen = Set<String>()
    func report(_ unit: EvalUnit, _ assertion: EvalAssertion, _ message: String) {
      let problem = SuiteProblem(
        file: unit.test.file, line: assertion.line,
        message: "test '\(unit.test.name)': `\(assertion.fullType)` \(message)")
      if seen.insert(problem.description).inserted { found.append(problem) }
    }
    for unit in units {
      for assertion in unit.test.assertions.flatMap(\.leaves) {
        if let interpreter = AssertionCatalog.scripts[assertion.type],
          ExecutableSearch.find(interpreter, path: environment["PATH"]) == nil
        {
          report(unit, assertion, "needs `\(interpreter)` on PATH, and it is not there")
        }
        if ["latency", "cost"].contains(assertion.type), assertion.threshold == nil,
          assertion.metric == nil || assertion.negated
        {
          report(unit, assertion, "needs a `threshold` (or a `metric` to record the number under)")
        }
        if assertion.type == "context-faithfulness" || assertion.type == "context-relevance" {
          for name in ["query", "context"] where unit.test.vars[name]?.stringValue == nil {
            report(unit, assertion, "needs a text variable `\(name)`")
          }
        }
        guard assertion.isModelGraded else { continue }
        guard let spec = unit.grader(for: assertion) else {
          report(
            unit, assertion,
            "needs a grader: set `evals.grader`, `defaultTest.options.provider`, the test's `options.provider` or the assertion's `provider`"
          )
          continue
        }
        var roles: [GraderRole] = []
        if AssertionCatalog.modelGraded.contains(assertion.type)
          || AssertionCatalog.textAndEmbeddingGraded.contains(assertion.type)
        {
          roles.append(.text)
        }
        if AssertionCatalog.embeddingGraded.contains(assertion.type)
          || AssertionCatalog.textAndEmbeddingGraded.contains(assertion.type)
        {
          roles.append(.embedding)
        }
        for role in roles {
          guard let part = spec.grader(for: role) else {
            switch role {
            case .text:
              report(unit, assertion, "needs a chat model as its grader, and \(spec.id) is not one")
            case .embedding:
              report(
                unit, assertion,
                "needs an embedding model as its grader (`openai:embedding:<model>`, `azure:embedding:<deployment>`, or `provider: {embedding: …}`); \(spec.id) is not one, and promptfoo would fall back to its own default embedding model"
              )
            }
            continue
          }
          do {
            _ = try ProviderFactory.make(
              part, environment: ProviderEnvironment(variables: environment, workingDirectory: unit.workingDirectory))
          } catch let error as ProviderError {
            report(unit, assertion, "has a grader that cannot be made: \(error.description)")
          } catch {
            report(unit, assertion, "has a grader that cannot be made: \(part.id): \(error)")
          }
        }
      }
    }
    return found
  }
}
