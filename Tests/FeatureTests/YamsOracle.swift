import CLibYAML
import Yams

@testable import PromptModel

// Yams, the oracle the libyaml event composer (`YAMLValue`) is held to: Yams' own composition of
// the same text into its `Node`s, with the same alias budget charged first and its errors put in
// the composer's words. The product reads every YAML file through `YAMLValue`; Yams is a test
// dependency only.

/// Parses YAML into Yams nodes, keeping line numbers so every complaint can name its line.
enum YAMLSource {
  /// Built once: `Constructor.default` assembles its tables anew on every access.
  nonisolated(unsafe) private static let constructor = Constructor.default  // read-only after creation

  /// Parses one document. `lineOffset` shifts reported lines, for YAML that starts below the top
  /// of its file (front matter).
  ///
  /// The basic resolver leaves every plain scalar a string: cards are read as text (a version
  /// `1.10` must stay `1.10`), and the default resolver's regular expressions cost more than the
  /// rest of the parse.
  static func parse(_ text: String, lineOffset: Int = 0) throws(YAMLProblem) -> Node? {
    // A UTF-8 byte order mark, as some editors write it, is not part of the document.
    let text = text.hasPrefix("\u{FEFF}") ? String(text.dropFirst()) : text
    try YAMLSource.chargeAliases(yaml: text, lineOffset: lineOffset)
    do {
      return try Yams.compose(yaml: text, .basic, constructor, .utf8)
    } catch let error as YamlError {
      throw problem(from: error, lineOffset: lineOffset)
    } catch {
      throw YAMLProblem(line: nil, message: "\(error)")
    }
  }

  private static func problem(from error: YamlError, lineOffset: Int) -> YAMLProblem {
    switch error {
    case .scanner(let context, let problem, let mark, _),
      .parser(let context, let problem, let mark, _),
      .composer(let context, let problem, let mark, _):
      let contextText = context.map { " (\($0.text))" } ?? ""
      return YAMLProblem(line: mark.line + lineOffset, message: "invalid YAML: \(problem)\(contextText)")
    case .duplicatedKeysInMapping(let duplicates, let context):
      return YAMLProblem(
        line: context.mark.line + lineOffset,
        message: "invalid YAML: duplicate key \(duplicates.map { "'\($0)'" }.joined(separator: ", "))")
    case .reader(let problem, _, _, _):
      return YAMLProblem(line: nil, message: "unreadable YAML: \(problem)")
    default:
      return YAMLProblem(line: nil, message: "invalid YAML: \(error)")
    }
  }
}

extension Node {
  /// The 1-based line of this node.
  var line: Int { mark?.line ?? 1 }

  /// Key/value pairs of a mapping, with keys as strings, in file order (a key that is itself a
  /// collection is named by its canonical text, which has a bound: aliases can make it huge).
  var stringPairs: [(key: String, keyLine: Int, value: Node)]? {
    get throws(YAMLExpansionLimit) {
      guard let mapping else { return nil }
      var result: [(key: String, keyLine: Int, value: Node)] = []
      result.reserveCapacity(mapping.count)
      for (key, value) in mapping {
        let name = if let text = key.string { text } else { try key.canonicalText() }
        result.append((key: name, keyLine: key.line, value: value))
      }
      return result
    }
  }

  /// A plain scalar's text; nil for mappings, sequences and YAML null.
  var scalarText: String? {
    guard case .scalar(let scalar) = self else { return nil }
    return scalar.style == .plain && isYAMLNull(scalar.string) ? nil : scalar.string
  }
}

extension Node: YAMLTree {
  public var shape: YAMLTreeShape<Node> {
    switch self {
    case .scalar(let scalar): .scalar(scalar.string, plain: scalar.style == .plain)
    case .sequence(let sequence): .sequence(Array(sequence))
    case .mapping(let mapping): .mapping(mapping.map { (key: $0.key, value: $0.value) })
    case .alias: .scalar("*alias", plain: false)
    }
  }
}

extension YAMLSource {
  /// Charges the aliases of `text` before Yams composes it, as the composer charges them:
  /// Yams resolves aliases by copying and hashes each mapping key in full, so a key that names a
  /// large anchor costs its whole expansion. Syntax errors are left for Yams to report.
  static func chargeAliases(yaml text: String, lineOffset: Int = 0) throws(YAMLProblem) {
    var bytes = Array(text.utf8)
    guard bytes.contains(UInt8(ascii: "*")) else { return }  // no alias, nothing to charge
    bytes.append(0)
    var parser = yaml_parser_t()
    guard promptops_yaml_parser_initialize(&parser) == 1 else { return }
    defer { promptops_yaml_parser_delete(&parser) }
    let budget = YAMLAliasBudget()
    var tally = AliasTally()
    try bytes.withUnsafeBufferPointer { buffer throws(YAMLProblem) in
      promptops_yaml_parser_set_input_string(&parser, buffer.baseAddress, buffer.count - 1)
      promptops_yaml_parser_set_encoding(&parser, YAML_UTF8_ENCODING)
      while true {
        var event = yaml_event_t()
        guard promptops_yaml_parser_parse(&parser, &event) == 1 else { return }
        defer { promptops_yaml_event_delete(&event) }
        let line = Int(event.start_mark.line) + 1 + lineOffset
        switch event.type {
        case YAML_STREAM_END_EVENT:
          return
        case YAML_SCALAR_EVENT:
          tally.scalar(bytes: event.data.scalar.length, anchor: event.data.scalar.anchor)
        case YAML_SEQUENCE_START_EVENT:
          tally.open(anchor: event.data.sequence_start.anchor)
        case YAML_MAPPING_START_EVENT:
          tally.open(anchor: event.data.mapping_start.anchor)
        case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
          tally.close()
        case YAML_ALIAS_EVENT:
          try budget.charge(tally.alias(event.data.alias.anchor), line: line)
        default:
          continue
        }
      }
    }
  }
}
