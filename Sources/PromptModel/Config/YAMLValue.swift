import CLibYAML

/// A YAML document composed straight from libyaml's events: scalars as text, sequences, and
/// mappings in file order, each with its 1-based line.
///
/// Cards and eval suites are the YAML on the gate's hot path: two cards per changed prompt,
/// hundreds in a 100-commit range, and a suite of hundreds of tests before the first request of
/// an eval. Composing them into Yams nodes cost about six times libyaml's own scanning
/// (tags and resolvers on every scalar, keys hashed as nodes for the duplicate check), so they
/// are composed here instead, from the same libyaml Yams bundles; configuration and approval
/// records are read the same way, so promptops has one YAML reader, and a test holds it to
/// Yams' trees and errors (`YAMLValueTests`, with Yams as a test dependency only).
package struct YAMLValue: Sendable {
  enum Content: Sendable {
    /// `plain` tells an unquoted `null` or `~` (no value) from a quoted one (text).
    case scalar(String, plain: Bool)
    case sequence([YAMLValue])
    case mapping([(key: YAMLValue, value: YAMLValue)])
  }

  let content: Content
  /// 1-based line in the composed text (without any line offset).
  package let line: Int

  /// Composes a single-document YAML text; nil for an empty document. `lineOffset` shifts the
  /// line of a reported problem, for YAML that starts below the top of its file (front matter).
  /// `aliasBudget` is what its aliases may add, shared by documents read together (a suite's).
  package static func parse(
    _ text: String, lineOffset: Int = 0, aliasBudget: YAMLAliasBudget = YAMLAliasBudget()
  ) throws(YAMLProblem) -> YAMLValue? {
    var bytes = Array(text.utf8)
    // A UTF-8 byte order mark, as some editors write it, is not part of the document.
    if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
    var composer = Composer(lineOffset: lineOffset, aliasBudget: aliasBudget)
    return try bytes.withUnsafeBufferPointer { buffer throws(YAMLProblem) in
      try composer.compose(buffer)
    }
  }
}

// MARK: - Reading a composed value

extension YAMLValue {
  package var mapping: [(key: YAMLValue, value: YAMLValue)]? {
    if case .mapping(let pairs) = content { return pairs }
    return nil
  }

  package var sequence: [YAMLValue]? {
    if case .sequence(let items) = content { return items }
    return nil
  }

  /// Key/value pairs of a mapping, with keys as text, in file order (a key that is itself a
  /// collection is named by its canonical text, which has a bound).
  package var stringPairs: [(key: String, keyLine: Int, value: YAMLValue)]? {
    get throws(YAMLExpansionLimit) {
      guard let pairs = mapping else { return nil }
      var result: [(key: String, keyLine: Int, value: YAMLValue)] = []
      result.reserveCapacity(pairs.count)
      for (key, value) in pairs {
        let name = if let text = key.scalarString { text } else { try key.canonicalText() }
        result.append((key: name, keyLine: key.line, value: value))
      }
      return result
    }
  }

  /// The value of a mapping's key written as `key`; nil when there is none or this is no mapping.
  package subscript(key: String) -> YAMLValue? {
    mapping?.first { $0.key.scalarString == key }?.value
  }

  /// What kind of value this is, for messages.
  var kindName: String {
    switch content {
    case .scalar: "a scalar"
    case .sequence: "a list"
    case .mapping: "a mapping"
    }
  }

  /// A scalar's text, whatever it says.
  package var scalarString: String? {
    if case .scalar(let text, _) = content { return text }
    return nil
  }

  /// Whether this is a scalar written without quotes (where `true` is a boolean, not text).
  package var isPlainScalar: Bool {
    if case .scalar(_, let plain) = content { return plain }
    return false
  }

  /// A scalar's text; nil for mappings, sequences and YAML null.
  package var scalarText: String? {
    guard case .scalar(let text, let plain) = content else { return nil }
    return plain && isYAMLNull(text) ? nil : text
  }
}

// MARK: - Composing from libyaml events

extension YAMLValue {
  /// Turns libyaml's event stream into one `YAMLValue`, resolving aliases to their anchors.
  private struct Composer {
    let lineOffset: Int
    let aliasBudget: YAMLAliasBudget
    var parser = yaml_parser_t()
    var anchors: [String: YAMLValue] = [:]
    /// Anchors set on a merge key (`&m <<`), whose aliases merge too.
    var mergeAnchors: Set<String> = []
    /// The sizes of anchored values, which their aliases are charged.
    var tally = AliasTally()

    init(lineOffset: Int, aliasBudget: YAMLAliasBudget) {
      self.lineOffset = lineOffset
      self.aliasBudget = aliasBudget
    }

    mutating func compose(_ buffer: UnsafeBufferPointer<UInt8>) throws(YAMLProblem) -> YAMLValue? {
      guard promptops_yaml_parser_initialize(&parser) == 1 else {
        throw YAMLProblem(line: nil, message: "out of memory reading YAML")
      }
      defer { promptops_yaml_parser_delete(&parser) }
      promptops_yaml_parser_set_encoding(&parser, YAML_UTF8_ENCODING)
      // libyaml reads from the pointer only; an empty text still needs a valid one.
      let empty: [UInt8] = [0]
      if buffer.isEmpty {
        empty.withUnsafeBufferPointer { promptops_yaml_parser_set_input_string(&parser, $0.baseAddress, 0) }
      } else {
        promptops_yaml_parser_set_input_string(&parser, buffer.baseAddress, buffer.count)
      }

      var event = try next()  // stream start
      promptops_yaml_event_delete(&event)
      event = try next()
      if event.type == YAML_STREAM_END_EVENT {
        promptops_yaml_event_delete(&event)
        return nil
      }
      promptops_yaml_event_delete(&event)  // document start
      let root = try value(from: next(), depth: 0)
      event = try next()  // document end
      promptops_yaml_event_delete(&event)
      event = try next()
      defer { promptops_yaml_event_delete(&event) }
      if event.type != YAML_STREAM_END_EVENT {
        throw YAMLProblem(
          line: Int(event.start_mark.line) + 1 + lineOffset,
          message: "invalid YAML: but found another document (expected a single document in the stream)")
      }
      return root
    }

    private mutating func next() throws(YAMLProblem) -> yaml_event_t {
      var event = yaml_event_t()
      guard promptops_yaml_parser_parse(&parser, &event) == 1 else { throw problem() }
      return event
    }

    /// Deeper than any card; a hostile `[[[[…` stops here instead of overflowing the stack.
    static let maximumDepth = 256

    /// Composes the value that starts with `event`, consuming (and freeing) its events.
    private mutating func value(from event: yaml_event_t, depth: Int) throws(YAMLProblem) -> YAMLValue {
      var event = event
      defer { promptops_yaml_event_delete(&event) }
      let line = Int(event.start_mark.line) + 1
      guard depth < Self.maximumDepth else {
        throw YAMLProblem(
          line: line + lineOffset, message: "invalid YAML: nested more than \(Self.maximumDepth) levels deep")
      }
      switch event.type {
      case YAML_SCALAR_EVENT:
        let scalar = event.data.scalar
        let text = String(decoding: UnsafeBufferPointer(start: scalar.value, count: scalar.length), as: UTF8.self)
        let value = YAMLValue(content: .scalar(text, plain: scalar.style == YAML_PLAIN_SCALAR_STYLE), line: line)
        tally.scalar(bytes: scalar.length, anchor: scalar.anchor)
        register(scalar.anchor, value)
        if let anchor = scalar.anchor, Self.isMergeScalar(scalar) { mergeAnchors.insert(String(cString: anchor)) }
        return value
      case YAML_SEQUENCE_START_EVENT:
        tally.open(anchor: event.data.sequence_start.anchor)
        var items: [YAMLValue] = []
        while true {
          let item = try next()
          if item.type == YAML_SEQUENCE_END_EVENT {
            var end = item
            promptops_yaml_event_delete(&end)
            break
          }
          items.append(try value(from: item, depth: depth + 1))
        }
        tally.close()
        let value = YAMLValue(content: .sequence(items), line: line)
        register(event.data.sequence_start.anchor, value)
        return value
      case YAML_MAPPING_START_EVENT:
        tally.open(anchor: event.data.mapping_start.anchor)
        var pairs: [(key: YAMLValue, value: YAMLValue)] = []
        var mergeIndex: Int?
        while true {
          let keyEvent = try next()
          if keyEvent.type == YAML_MAPPING_END_EVENT {
            var end = keyEvent
            promptops_yaml_event_delete(&end)
            break
          }
          if isMergeKey(keyEvent) { mergeIndex = pairs.count }
          let key = try value(from: keyEvent, depth: depth + 1)
          pairs.append((key, try value(from: next(), depth: depth + 1)))
        }
        tally.close()
        // Two `<<` keys are a duplicate too: YAML 1.1 readers disagree on which one wins.
        try checkDuplicates(pairs)
        if let mergeIndex { pairs = try merging(pairs, at: mergeIndex) }
        let value = YAMLValue(content: .mapping(pairs), line: line)
        register(event.data.mapping_start.anchor, value)
        return value
      case YAML_ALIAS_EVENT:
        let name = String(cString: event.data.alias.anchor)
        guard let anchored = anchors[name] else {
          throw YAMLProblem(line: line + lineOffset, message: "invalid YAML: found undefined alias")
        }
        try aliasBudget.charge(tally.alias(event.data.alias.anchor), line: line + lineOffset)
        return anchored
      default:
        throw YAMLProblem(line: line + lineOffset, message: "invalid YAML: unexpected event")
      }
    }

    private mutating func register(_ anchor: UnsafeMutablePointer<yaml_char_t>?, _ value: YAMLValue) {
      guard let anchor else { return }
      anchors[String(cString: anchor)] = value
    }

    /// Whether a key's event is YAML 1.1's merge key, as PyYAML and js-yaml resolve it: a plain
    /// `<<` with no tag (or the non-specific `!`), one tagged `!!merge`, or an alias to either.
    /// A quoted `"<<"` or `!!str <<` is an ordinary key.
    private func isMergeKey(_ event: yaml_event_t) -> Bool {
      switch event.type {
      case YAML_SCALAR_EVENT:
        return Self.isMergeScalar(event.data.scalar)
      case YAML_ALIAS_EVENT:
        guard let anchor = event.data.alias.anchor else { return false }
        return mergeAnchors.contains(String(cString: anchor))
      default:
        return false
      }
    }

    private static func isMergeScalar(_ scalar: yaml_event_t.__Unnamed_union_data.__Unnamed_struct_scalar) -> Bool {
      guard scalar.length == 2, scalar.value[0] == UInt8(ascii: "<"), scalar.value[1] == UInt8(ascii: "<") else {
        return false
      }
      return scalar.plain_implicit == 1
        || scalar.tag.map { String(cString: $0) == "tag:yaml.org,2002:merge" } == true
    }

    /// Applies the merge key at `index` as YAML 1.1 readers do: its value, a mapping (or an alias
    /// to one) or a list of them, lends its pairs to this mapping. Keys written in the mapping win
    /// over merged ones wherever they stand; mappings of a list that disagree on a key are refused
    /// (`checkAgreement`). The merged pairs take the merge key's place and keep their own lines.
    /// The aliases have already been charged to the alias budget, and what they lend is no more.
    private func merging(
      _ pairs: [(key: YAMLValue, value: YAMLValue)], at index: Int
    ) throws(YAMLProblem) -> [(key: YAMLValue, value: YAMLValue)] {
      let source = pairs[index].value
      let lenders: [YAMLValue]
      switch source.content {
      case .mapping: lenders = [source]
      case .sequence(let items):
        if let stray = items.first(where: { $0.mapping == nil }) {
          throw YAMLProblem(
            line: stray.line + lineOffset,
            message: "invalid YAML: a merge key `<<` lists \(stray.kindName), not a mapping (quote \"<<\" for a key)")
        }
        lenders = items
      case .scalar:
        throw YAMLProblem(
          line: source.line + lineOffset,
          message: "invalid YAML: a merge key `<<` needs a mapping, an alias to one, or a list of them, "
            + "not \(source.kindName) (quote \"<<\" for a key)")
      }
      var explicit: Set<String> = []
      for (offset, pair) in pairs.enumerated() where offset != index { explicit.insert(try keyText(pair.key)) }
      var merged: [(key: YAMLValue, value: YAMLValue)] = []
      var lent: [String: Int] = [:]  // where in `merged` each lent key is
      for lender in lenders {
        for pair in lender.mapping ?? [] {
          let name = try keyText(pair.key)
          guard !explicit.contains(name) else { continue }
          guard let earlier = lent[name] else {
            lent[name] = merged.count
            merged.append(pair)
            continue
          }
          try checkAgreement(merged[earlier], pair, name: name)
        }
      }
      var result = pairs
      result.replaceSubrange(index...index, with: merged)
      return result
    }

    /// Two mappings of a `<<` list that give one key different values are refused: the merge key's
    /// specification and js-yaml let the earlier one win, PyYAML 6.0.2 and later the later one
    /// (unless the key is a single character), so a card's `model` would depend on the reader.
    /// A key written in the mapping itself wins in every reader.
    private func checkAgreement(
      _ earlier: (key: YAMLValue, value: YAMLValue), _ later: (key: YAMLValue, value: YAMLValue), name: String
    ) throws(YAMLProblem) {
      let agree: Bool
      do {
        let (earlierText, laterText) = (try earlier.value.canonicalText(), try later.value.canonicalText())
        agree = earlierText == laterText && earlier.value.isPlainScalar == later.value.isPlainScalar
      } catch {
        throw YAMLProblem(line: later.key.line + lineOffset, message: "invalid YAML: a merged value \(error)")
      }
      guard !agree else { return }
      throw YAMLProblem(
        line: later.key.line + lineOffset,
        message: "invalid YAML: the mappings merged by `<<` give '\(name)' different values (lines "
          + "\(earlier.key.line + lineOffset) and \(later.key.line + lineOffset)), and YAML readers differ on which "
          + "one wins; write '\(name)' in the mapping itself")
    }

    /// A key as the duplicate check compares it.
    private func keyText(_ key: YAMLValue) throws(YAMLProblem) -> String {
      if let text = key.scalarString { return text }
      do {
        return try key.canonicalText()
      } catch {
        throw YAMLProblem(line: key.line + lineOffset, message: "invalid YAML: a key \(error)")
      }
    }

    /// Keys must be unique; the complaint names them in order, at the first one's first line.
    private func checkDuplicates(_ pairs: [(key: YAMLValue, value: YAMLValue)]) throws(YAMLProblem) {
      guard pairs.count > 1 else { return }
      var keys: [String] = []
      keys.reserveCapacity(pairs.count)
      for (key, _) in pairs { keys.append(try keyText(key)) }
      // Cards have a handful of keys: comparing each with the ones before it beats hashing.
      let anyRepeated =
        keys.count <= 32
        ? keys.indices.contains { index in keys[..<index].contains(keys[index]) }
        : Set(keys).count != keys.count
      guard anyRepeated else { return }
      var firstLine: [String: Int] = [:]
      var duplicated: Set<String> = []
      for (text, pair) in zip(keys, pairs) {
        if firstLine[text] == nil { firstLine[text] = pair.key.line } else { duplicated.insert(text) }
      }
      guard let first = duplicated.min() else { return }
      throw YAMLProblem(
        line: (firstLine[first] ?? 1) + lineOffset,
        message: "invalid YAML: duplicate key \(duplicated.sorted().map { "'\($0)'" }.joined(separator: ", "))")
    }

    private func problem() -> YAMLProblem {
      switch parser.error {
      case YAML_SCANNER_ERROR, YAML_PARSER_ERROR:
        let problem = parser.problem.map { String(cString: $0) } ?? "unknown error"
        let context = parser.context.map { " (\(String(cString: $0)))" } ?? ""
        return YAMLProblem(
          line: Int(parser.problem_mark.line) + 1 + lineOffset, message: "invalid YAML: \(problem)\(context)")
      case YAML_READER_ERROR:
        let problem = parser.problem.map { String(cString: $0) } ?? "unreadable input"
        return YAMLProblem(line: nil, message: "unreadable YAML: \(problem)")
      case YAML_MEMORY_ERROR:
        return YAMLProblem(line: nil, message: "out of memory reading YAML")
      default:
        return YAMLProblem(line: nil, message: "invalid YAML")
      }
    }
  }
}
