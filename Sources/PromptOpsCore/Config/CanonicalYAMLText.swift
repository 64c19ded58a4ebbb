import Yams

/// A YAML tree that can be written as one stable text: the card composer's `YAMLValue` and
/// Yams' `Node` (suites, configuration) share one writer, and with it one bound.
protocol CanonicalYAMLText {
  var canonicalShape: CanonicalYAMLShape<Self> { get }
}

/// What the canonical text needs of a node.
enum CanonicalYAMLShape<Node> {
  case scalar(String)
  case sequence([Node])
  case mapping([(key: Node, value: Node)])
}

extension CanonicalYAMLText {
  /// A stable text for any value (used to compare values such as `model` across versions, and
  /// to name keys that are not scalars).
  ///
  /// Bounded: YAML aliases can make a few lines stand for an exponentially large value (a
  /// "billion laughs" card), and a gate must not hang on a hostile card.
  var canonicalText: String {
    var budget = 65_536
    return canonicalText(budget: &budget)
  }

  private func canonicalText(budget: inout Int) -> String {
    guard budget > 0 else { return "…" }
    budget -= 1
    switch canonicalShape {
    case .scalar(let text):
      budget -= text.utf8.count
      return text
    case .sequence(let items):
      return "[" + items.map { $0.canonicalText(budget: &budget) }.joined(separator: ",") + "]"
    case .mapping(let pairs):
      let texts = pairs.map { ($0.key.canonicalText(budget: &budget), $0.value.canonicalText(budget: &budget)) }
        .sorted { $0.0 < $1.0 }
      return "{" + texts.map { "\($0.0):\($0.1)" }.joined(separator: ",") + "}"
    }
  }
}

extension YAMLValue: CanonicalYAMLText {
  var canonicalShape: CanonicalYAMLShape<YAMLValue> {
    switch content {
    case .scalar(let text, _): .scalar(text)
    case .sequence(let items): .sequence(items)
    case .mapping(let pairs): .mapping(pairs)
    }
  }
}

extension Node: CanonicalYAMLText {
  var canonicalShape: CanonicalYAMLShape<Node> {
    switch self {
    case .scalar(let scalar): .scalar(scalar.string)
    case .sequence(let sequence): .sequence(Array(sequence))
    case .mapping(let mapping): .mapping(mapping.map { (key: $0.key, value: $0.value) })
    case .alias: .scalar("*alias")
    }
  }
}
