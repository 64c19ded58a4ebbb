import Foundation
import PromptModel

/// The parsed form of a Nunjucks template: the subset promptops renders exactly as Nunjucks does
/// (with `autoescape: false`, as promptfoo configures it in `src/util/templates.ts`).
indirect enum TemplateNode: Sendable {
  case text(String)
  /// `{{ expression }}`; `source` is the expression as written, for messages.
  case output(TemplateExpression, source: String, line: Int)
  /// `{% if %}…{% elif %}…{% else %}…{% endif %}`
  case conditional(branches: [(condition: TemplateExpression, body: [TemplateNode])], otherwise: [TemplateNode])
  /// `{% for x in items %}…{% else %}…{% endfor %}`, or `for key, value in mapping`.
  case loop(names: [String], source: TemplateExpression, body: [TemplateNode], otherwise: [TemplateNode], line: Int)
  /// `{% set name = expression %}`
  case assignment(name: String, value: TemplateExpression, line: Int)
}

indirect enum TemplateExpression: Sendable {
  case literal(TemplateValue)
  case name(String)
  /// `a.b`
  case attribute(TemplateExpression, String)
  /// `a[expression]`
  case index(TemplateExpression, TemplateExpression)
  case filter(name: String, input: TemplateExpression, arguments: [TemplateExpression], line: Int)
  case not(TemplateExpression)
  case negate(TemplateExpression, line: Int)
  case and(TemplateExpression, TemplateExpression)
  case or(TemplateExpression, TemplateExpression)
  case binary(String, TemplateExpression, TemplateExpression, line: Int)
  /// `a if condition else b`; without `else`, an empty string when the condition is false.
  case inlineIf(condition: TemplateExpression, then: TemplateExpression, otherwise: TemplateExpression?)
  case list([TemplateExpression])
  case mapping([(key: String, value: TemplateExpression)])
  /// `a is defined`, `a is not none`, …
  case test(TemplateExpression, name: String, negated: Bool, line: Int)

  /// The dotted name of a chain of attribute lookups on a variable (`user.name`), as the version
  /// rules' default pattern names variables; nil for anything else.
  var dottedName: String? {
    switch self {
    case .name(let name): return name
    case .attribute(let base, let key): return base.dottedName.map { $0 + "." + key }
    default: return nil
    }
  }
}

/// PromptTemplates' error: a template that promptops cannot render as Nunjucks would. The
/// suite that uses the template places it in its file (a test, a prompt) for the message.
public enum TemplateError: Error, Sendable, Equatable, CustomStringConvertible, ClassifiedFailure {
  /// What goes wrong at a line of the template (1 = its first).
  public struct Invalid: Sendable, Equatable {
    public var line: Int
    public var message: String
  }

  /// A construct promptops does not render, or one that fails only with these values (a list
  /// compared with `==`, a mapping printed).
  case invalid(Invalid)
  /// Values the template prints are undefined: Nunjucks would print nothing where the author
  /// meant a value.
  case missing([String])

  package init(line: Int, message: String) {
    self = .invalid(Invalid(line: line, message: message))
  }

  /// What is wrong, without the line: for messages that place the template themselves.
  public var message: String {
    switch self {
    case .invalid(let problem): return problem.message
    case .missing: return description
    }
  }

  public var description: String {
    switch self {
    case .invalid(let problem): return "line \(problem.line): \(problem.message)"
    case .missing(let names): return "no value for " + names.map { "{{\($0)}}" }.joined(separator: ", ")
    }
  }

  public var errorDescription: String? { description }

  public var recoverySuggestion: String? {
    guard case .missing = self else { return nil }
    return "give the test a value for each (`vars:`), or a default in the template (`{{ name | default('') }}`)"
  }

  /// A prompt that cannot be rendered cannot be evaluated.
  public var failureKind: FailureKind { .couldNotEvaluate }
}
