/// A `.gitattributes` file, read line by line as git's attr.c reads it.
///
/// Each line is a pattern followed by attributes: `attr` (set), `-attr` (unset), `!attr` (back
/// to unspecified), `attr=value`. Blank lines and `#` comments are skipped; a pattern may be
/// C-quoted (`"a b.txt"`). `[attr]name …` defines a macro, honoured by git only in the file at
/// the top of the repository; `binary` is git's built-in macro (`-diff -merge -text`). Lines git
/// ignores (a negative pattern, an invalid attribute name, a macro outside the top file, a line
/// of 2,048 bytes or more) are left out.
struct GitAttributesFile: Sendable {
  enum State: Sendable, Hashable, CustomStringConvertible {
    case set, unset, unspecified
    case value(String)

    func written(_ name: String) -> String {
      switch self {
      case .set: return name
      case .unset: return "-" + name
      case .unspecified: return "!" + name
      case .value(let value): return name + "=" + value
      }
    }

    var description: String { written("") }
  }

  /// Attributes with their states, in the order a line gives them.
  typealias States = [(name: String, state: State)]

  struct Line: Sendable {
    /// 1-based.
    let number: Int
    /// nil for a macro definition.
    let pattern: AttributePattern?
    /// The macro a `[attr]` line defines.
    let macro: String?
    let states: States
  }

  let path: String
  let lines: [Line]

  /// The states a line gives, each set macro followed by what it expands to where it stands, in
  /// the order they apply (a later state of an attribute wins, as in git, which reads a line's
  /// states last to first and keeps the first it meets). `macros` holds the expansions by name.
  static func expand(_ states: States, macros: [String: States]) -> States {
    var result: States = []
    func apply(_ states: States, depth: Int) {
      for (name, state) in states {
        result.append((name, state))
        // Macros that name each other stop here rather than loop.
        if state == .set, depth < 16, let expansion = macros[name] { apply(expansion, depth: depth + 1) }
      }
    }
    apply(states, depth: 0)
    return result
  }

  /// git's limit: longer lines are ignored, with a warning.
  static let maximumLineLength = 2048

  /// Parses `bytes`, the file at `path`; `isTopLevel` for the one at the top of the repository.
  init(path: String, bytes: [UInt8], isTopLevel: Bool) {
    self.path = path
    let pathBytes = Array(path.utf8)
    let folder = String(decoding: pathBytes[..<(pathBytes.lastIndex(of: 0x2F) ?? 0)], as: UTF8.self)
    var lines: [Line] = []
    // A byte order mark before the first line is skipped, as git skips it.
    let text = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? Array(bytes.dropFirst(3)) : bytes
    for (index, raw) in text.split(separator: 0x0A, omittingEmptySubsequences: false).enumerated() {
      guard raw.count < Self.maximumLineLength,
        let line = Self.parse(Array(raw), number: index + 1, folder: folder, macrosAllowed: isTopLevel)
      else { continue }
      lines.append(line)
    }
    self.lines = lines
  }

  private static func isBlank(_ c: UInt8) -> Bool { c == 0x20 || c == 0x09 || c == 0x0D || c == 0x0A }

  private static func parse(_ bytes: [UInt8], number: Int, folder: String, macrosAllowed: Bool) -> Line? {
    var cursor = bytes.firstIndex(where: { !isBlank($0) }) ?? bytes.count
    guard cursor < bytes.count, bytes[cursor] != 0x23 else { return nil }
    var name: [UInt8]
    if bytes[cursor] == 0x22, let (unquoted, end) = unquoteC(bytes, from: cursor) {
      name = unquoted
      cursor = end
    } else {
      let end = bytes[cursor...].firstIndex(where: isBlank) ?? bytes.count
      name = Array(bytes[cursor..<end])
      cursor = end
    }
    var macro: String?
    let prefix = Array("[attr]".utf8)
    if name.count > prefix.count && name.starts(with: prefix) {
      guard macrosAllowed else { return nil }
      // `[attr]name`: the macro's name follows the prefix (git allows blanks between them only
      // when the pattern was a single word, which it always is here).
      name = Array(name.dropFirst(prefix.count))
      guard isValidName(name[...]) else { return nil }
      macro = String(decoding: name, as: UTF8.self)
    }
    var states: States = []
    while true {
      cursor = bytes[cursor...].firstIndex(where: { !isBlank($0) }) ?? bytes.count
      guard cursor < bytes.count else { break }
      let end = bytes[cursor...].firstIndex(where: isBlank) ?? bytes.count
      let word = bytes[cursor..<end]
      cursor = end
      let equals = word.firstIndex(of: 0x3D)
      var nameStart = word.startIndex
      let state: State
      if word.first == 0x2D || word.first == 0x21 {
        // "-attr=value" is still "-attr", as in git.
        state = word.first == 0x2D ? .unset : .unspecified
        nameStart += 1
      } else if let equals {
        state = .value(String(decoding: word[(equals + 1)...], as: UTF8.self))
      } else {
        state = .set
      }
      let attribute = word[nameStart..<max(nameStart, equals ?? word.endIndex)]
      // One invalid attribute name makes git drop the whole line.
      guard isValidName(attribute), !word[nameStart...].starts(with: Array("builtin_".utf8)) else { return nil }
      states.append((String(decoding: attribute, as: UTF8.self), state))
    }
    if macro != nil { return Line(number: number, pattern: nil, macro: macro, states: states) }
    guard let pattern = AttributePattern(String(decoding: name, as: UTF8.self), folder: folder) else { return nil }
    return Line(number: number, pattern: pattern, macro: nil, states: states)
  }

  /// git's `attr_name_valid`: letters, digits, "-", "_" and ".", not starting with "-".
  private static func isValidName(_ name: ArraySlice<UInt8>) -> Bool {
    guard let first = name.first, first != 0x2D else { return false }
    return name.allSatisfy { c in
      (0x30...0x39).contains(c) || (0x41...0x5A).contains(c) || (0x61...0x7A).contains(c) || c == 0x2D || c == 0x5F
        || c == 0x2E
    }
  }

  /// git's `unquote_c_style`: the string in double quotes at `start`, and where it ends; nil
  /// when it is not a well-formed quoted string (git then reads the word as it is).
  private static func unquoteC(_ bytes: [UInt8], from start: Int) -> ([UInt8], Int)? {
    var result: [UInt8] = []
    var position = start + 1
    while position < bytes.count {
      let c = bytes[position]
      position += 1
      switch c {
      case 0x22: return (result, position)
      case 0x5C:
        guard position < bytes.count else { return nil }
        let escaped = bytes[position]
        position += 1
        switch escaped {
        case 0x61: result.append(0x07)
        case 0x62: result.append(0x08)
        case 0x66: result.append(0x0C)
        case 0x6E: result.append(0x0A)
        case 0x72: result.append(0x0D)
        case 0x74: result.append(0x09)
        case 0x76: result.append(0x0B)
        case 0x5C, 0x22: result.append(escaped)
        case 0x30...0x33:
          // Three octal digits.
          guard position + 1 < bytes.count, (0x30...0x37).contains(bytes[position]),
            (0x30...0x37).contains(bytes[position + 1])
          else {
            return nil
          }
          result.append((escaped - 0x30) << 6 | (bytes[position] - 0x30) << 3 | (bytes[position + 1] - 0x30))
          position += 2
        default: return nil
        }
      default:
        result.append(c)
      }
    }
    return nil
  }
}
