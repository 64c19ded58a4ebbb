/// A composed YAML document, whichever parser built it: the libyaml event composer's
/// `YAMLValue` (every YAML file promptops reads) and, in the tests, Yams' `Node` share one canonical-text writer
/// and one typed reading, and with them one bound against alias bombs.
package protocol YAMLTree {
  var shape: YAMLTreeShape<Self> { get }
}

/// What the readers need of a node.
package enum YAMLTreeShape<Node> {
  /// `plain` tells an unquoted scalar (which YAML's core schema may type: `0.8`, `true`, `null`)
  /// from a quoted or block one (always text).
  case scalar(String, plain: Bool)
  case sequence([Node])
  case mapping([(key: Node, value: Node)])
}

/// A value that, its YAML aliases followed, is larger than promptops reads: a few lines of
/// anchors can stand for billions of nodes (a "billion laughs" file). Such a value is an error,
/// never a truncated reading: two truncated readings would compare equal whatever they hide.
package struct YAMLExpansionLimit: Error, Sendable, CustomStringConvertible {
  let limit: Int
  let unit: String

  /// `canonicalText`: one per node plus one per byte of scalar text, about its length.
  static let canonicalText = YAMLExpansionLimit(limit: 65_536, unit: "characters")
  /// `jsonValue`: one per node plus one per 64 bytes of scalar text.
  static let jsonValue = YAMLExpansionLimit(limit: 200_000, unit: "values")

  package var description: String { "expands past \(limit) \(unit) (YAML aliases?)" }
}

extension YAMLTree {
  /// A stable text for any value (used to compare values such as `model` across versions, and
  /// to name keys that are not scalars).
  ///
  /// Bounded: YAML aliases can make a few lines stand for an exponentially large value, and a
  /// gate must not hang on a hostile card; past the bound the value is an error.
  func canonicalText() throws(YAMLExpansionLimit) -> String {
    var budget = YAMLExpansionLimit.canonicalText.limit
    return try canonicalText(budget: &budget)
  }

  private func canonicalText(budget: inout Int) throws(YAMLExpansionLimit) -> String {
    budget -= 1
    guard budget >= 0 else { throw .canonicalText }
    switch shape {
    case .scalar(let text, _):
      budget -= text.utf8.count
      guard budget >= 0 else { throw .canonicalText }
      return text
    case .sequence(let items):
      var texts: [String] = []
      texts.reserveCapacity(items.count)
      for item in items { texts.append(try item.canonicalText(budget: &budget)) }
      return "[" + texts.joined(separator: ",") + "]"
    case .mapping(let pairs):
      var texts: [(String, String)] = []
      texts.reserveCapacity(pairs.count)
      for (key, value) in pairs {
        texts.append((try key.canonicalText(budget: &budget), try value.canonicalText(budget: &budget)))
      }
      return "{" + texts.sorted { $0.0 < $1.0 }.map { "\($0.0):\($0.1)" }.joined(separator: ",") + "}"
    }
  }

  /// The value as JSON: plain scalars typed as YAML 1.2's core schema types them, quoted ones
  /// kept as strings (promptfoo's reading: `threshold: 0.8` is a number, `value: "0.8"` text).
  /// Bounded like `canonicalText`, so a file of nested aliases cannot blow up into gigabytes;
  /// past the bound the value is an error, never a `null` in its place.
  package func jsonValue() throws(YAMLExpansionLimit) -> JSONValue {
    var budget = YAMLExpansionLimit.jsonValue.limit
    return try jsonValue(budget: &budget)
  }

  private func jsonValue(budget: inout Int) throws(YAMLExpansionLimit) -> JSONValue {
    budget -= 1
    guard budget >= 0 else { throw .jsonValue }
    switch shape {
    case .scalar(let text, let plain):
      budget -= text.utf8.count / 64
      guard budget >= 0 else { throw .jsonValue }
      return plain ? JSONValue(plainYAMLScalar: text) : .string(text)
    case .sequence(let items):
      var values: [JSONValue] = []
      values.reserveCapacity(items.count)
      for item in items { values.append(try item.jsonValue(budget: &budget)) }
      return .array(values)
    case .mapping(let pairs):
      var object: [String: JSONValue] = [:]
      object.reserveCapacity(pairs.count)
      for (key, value) in pairs {
        let name: String
        if case .scalar(let text, _) = key.shape {
          name = text
        } else {
          // A key that is itself a collection is named by its canonical text, paid for here too.
          name = try key.canonicalText()
          budget -= name.utf8.count / 64
        }
        object[name] = try value.jsonValue(budget: &budget)
      }
      return .object(object)
    }
  }
}

extension JSONValue {
  /// An unquoted YAML scalar typed by the core schema: null, booleans, integers, finite numbers;
  /// anything else is text.
  init(plainYAMLScalar text: String) {
    if isYAMLNull(text) {
      self = .null
      return
    }
    switch text {
    case "true", "True", "TRUE":
      self = .bool(true)
      return
    case "false", "False", "FALSE":
      self = .bool(false)
      return
    default: break
    }
    guard let first = text.utf8.first, (0x30...0x39).contains(first) || first == 0x2D || first == 0x2B || first == 0x2E
    else {
      self = .string(text)
      return
    }
    if let integer = Int64(text) {
      self = .integer(integer)
    } else if let double = Double(text), double.isFinite {
      self = .number(double)
    } else {
      self = .string(text)
    }
  }
}

extension YAMLValue: YAMLTree {
  package var shape: YAMLTreeShape<YAMLValue> {
    switch content {
    case .scalar(let text, let plain): .scalar(text, plain: plain)
    case .sequence(let items): .sequence(items)
    case .mapping(let pairs): .mapping(pairs)
    }
  }
}
