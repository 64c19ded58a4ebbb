import Yams

/// A YAML problem located at a 1-based line of the file it came from.
package struct YAMLProblem: Error, Sendable {
  package let line: Int?
  package let message: String
}

/// Parses YAML into Yams nodes, keeping line numbers so every complaint can name its line.
package enum YAMLSource {
  /// Built once: `Constructor.default` assembles its tables anew on every access.
  nonisolated(unsafe) private static let constructor = Constructor.default  // read-only after creation

  /// Parses one document. `lineOffset` shifts reported lines, for YAML that starts below the top
  /// of its file (front matter).
  ///
  /// The basic resolver leaves every plain scalar a string: cards are read as text (a version
  /// `1.10` must stay `1.10`), and the default resolver's regular expressions cost more than the
  /// rest of the parse.
  package static func parse(_ text: String, lineOffset: Int = 0) throws(YAMLProblem) -> Node? {
    // A UTF-8 byte order mark, as some editors write it, is not part of the document.
    let text = text.hasPrefix("\u{FEFF}") ? String(text.dropFirst()) : text
    try YAMLAliasBudget.check(yaml: text, lineOffset: lineOffset)
    do {
      return try Yams.compose(yaml: text, .basic, constructor, .utf8)
    } catch let error as YamlError {
      throw problem(from: error, lineOffset: lineOffset)
    } catch {
      throw YAMLProblem(line: nil, message: "\(error)")
    }
  }

  /// The plain scalars YAML reads as null (the core schema's spellings and the empty value).
  static func isNull(_ plainText: String) -> Bool {
    switch plainText {
    case "", "~", "null", "Null", "NULL": return true
    default: return false
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
  package var line: Int { mark?.line ?? 1 }

  /// Key/value pairs of a mapping, with keys as strings, in file order (a key that is itself a
  /// collection is named by its canonical text, which has a bound: aliases can make it huge).
  package var stringPairs: [(key: String, keyLine: Int, value: Node)]? {
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
    return scalar.style == .plain && YAMLSource.isNull(scalar.string) ? nil : scalar.string
  }
}
