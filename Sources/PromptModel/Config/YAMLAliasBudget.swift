import CLibYAML

/// How much YAML aliases may add to what one reading composes: a document, or every document a
/// suite load reads (the suite, its test files, each line of a JSON Lines file).
///
/// An alias stands for its whole anchored value, so a few lines of nested anchors (a "billion
/// laughs" file) can stand for billions of values. The per-walk bounds of `YAMLTree` stop one
/// walk, but not many: a mapping with a thousand keys that each name a large anchor, a thousand
/// tests that each use one as `vars`, or Yams' duplicate-key check, which hashes every key in
/// full, cost each key's expansion again. The budget charges each alias the size of what it
/// stands for (a value per node, and one per 64 bytes of text, as `jsonValue` counts), when the
/// document is composed; past it the reading is an error at the alias's line, so every later
/// walk of what was composed is bounded by the file's size plus the budget.
package final class YAMLAliasBudget {
  /// Far above what real cards and suites spend (a shared assertion list in a few hundred
  /// tests), low enough that any number of walks over what it admits stays cheap.
  static let limit = 200_000

  private(set) var remaining: Int

  package init(limit: Int = YAMLAliasBudget.limit) { remaining = limit }

  /// The size a scalar of `byteCount` bytes counts for.
  static func weight(ofScalarBytes byteCount: Int) -> Int { 1 + byteCount / 64 }

  /// Charges an alias that stands for `weight` values; past the budget, a problem at `line`.
  func charge(_ weight: Int, line: Int) throws(YAMLProblem) {
    remaining -= weight
    guard remaining >= 0 else {
      throw YAMLProblem(
        line: line,
        message: "invalid YAML: its aliases expand it past \(Self.limit) values (a \"billion laughs\" file?); "
          + "write the values out, or refer to large anchors less often")
    }
  }
}

/// The sizes of a document's anchored values as libyaml's events go by: `size` counts every
/// value composed so far, aliases expanded, so an anchored value's size is what `size` grew by
/// between its start and its end.
struct AliasTally {
  private(set) var size = 0
  private var anchors: [String: Int] = [:]
  /// Open collections: their anchor (if any) and `size` when they started.
  private var open: [(anchor: String?, start: Int)] = []

  mutating func scalar(bytes: Int, anchor: UnsafeMutablePointer<yaml_char_t>?) {
    let weight = YAMLAliasBudget.weight(ofScalarBytes: bytes)
    size += weight
    if let anchor { anchors[String(cString: anchor)] = weight }
  }

  mutating func open(anchor: UnsafeMutablePointer<yaml_char_t>?) {
    open.append((anchor.map { String(cString: $0) }, size))
    size += 1
  }

  mutating func close() {
    guard let (anchor, start) = open.popLast() else { return }
    if let anchor { anchors[anchor] = size - start }
  }

  /// The size the alias stands for (0 for an unknown anchor, which the composer refuses).
  mutating func alias(_ anchor: UnsafeMutablePointer<yaml_char_t>?) -> Int {
    guard let anchor, let weight = anchors[String(cString: anchor)] else { return 0 }
    size += weight
    return weight
  }
}
