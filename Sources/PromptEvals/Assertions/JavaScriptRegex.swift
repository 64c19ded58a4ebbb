import Foundation

/// promptfoo's `regex` assertion (`src/assertions/regex.ts`): `new RegExp(value).test(output)`,
/// a JavaScript regular expression without flags. NSRegularExpression (ICU) reads the same
/// text differently, so the pattern is translated to the ICU pattern that means what
/// JavaScript's does, and what JavaScript refuses is refused:
///
/// - `\d`, `\w`, `\s` (and `\D`, `\W`, `\S`, inside and outside classes) and `\b`, `\B` are ASCII
///   in JavaScript (`\s` its own list of spaces), Unicode-aware in ICU;
/// - `.` stops only at `\n`, `\r`, U+2028 and U+2029 (ICU also at U+0085), `$` only at the end
///   (ICU also before a final line break);
/// - a `[` or `&` inside a class, which ICU reads as set syntax, is itself;
/// - an escaped letter without a meaning (`\p`, `\A`, `\z`, `\Q`, `\h`, …) is the letter itself
///   without the `u` flag, and a `{` or `}` that is not part of a quantifier, a `]` outside a
///   class, and a `[` or `&` inside one are themselves;
/// - groups other than `(?:`, `(?=`, `(?!`, `(?<=`, `(?<!` and `(?<name>` (such as `(?i)`), a
///   quantifier after a quantifier (ICU's possessive `a*+`), a quantifier with nothing to repeat
///   and a `\` at the end are syntax errors.
///
/// Left as ICU has them: a `.` or a class meets a character outside the Basic Multilingual
/// Plane whole, where JavaScript sees its two code units; lookbehinds of unbounded length and
/// a few other forms ICU cannot compile are errors of the test.
enum JavaScriptRegex {
  struct SyntaxError: Error, CustomStringConvertible { let description: String }

  static let word = "A-Za-z0-9_"
  static let digit = "0-9"
  /// JavaScript's `\s`: WhiteSpace and LineTerminator.
  static let space =
    "\\t\\n\\x{0B}\\f\\r \\x{A0}\\x{1680}\\x{2000}-\\x{200A}\\x{2028}\\x{2029}\\x{202F}\\x{205F}\\x{3000}\\x{FEFF}"

  /// `new RegExp(pattern).test(text)`.
  static func test(_ pattern: String, _ text: String) throws -> Bool {
    let regex: NSRegularExpression
    do {
      regex = try NSRegularExpression(pattern: try translate(pattern))
    } catch let error as SyntaxError {
      throw error
    } catch {
      throw SyntaxError(description: "promptops cannot run the regular expression /\(pattern)/ as JavaScript does")
    }
    return regex.firstMatch(in: text, range: NSRange(location: 0, length: (text as NSString).length)) != nil
  }

  /// The ICU pattern that matches what `pattern` matches in JavaScript without flags.
  static func translate(_ pattern: String) throws -> String {
    let chars = Array(pattern.unicodeScalars)
    let groupCount = countCaptures(chars)
    var out = ""
    var index = 0
    var inClass = false
    // Whether the last thing written can take a quantifier, and whether it was a quantifier.
    var atom = false
    var quantified = false
    func fail(_ message: String) -> SyntaxError {
      SyntaxError(description: "Invalid regular expression: /\(pattern)/: \(message)")
    }
    func quantifierEnd(at start: Int) -> Int? {
      // `{n}`, `{n,}`, `{n,m}`; anything else is a literal brace (Annex B).
      var cursor = start + 1
      var digits = 0
      while cursor < chars.count, ("0"..."9").contains(chars[cursor]) {
        cursor += 1
        digits += 1
      }
      guard digits > 0, cursor < chars.count else { return nil }
      if chars[cursor] == "," {
        cursor += 1
        while cursor < chars.count, ("0"..."9").contains(chars[cursor]) { cursor += 1 }
      }
      return cursor < chars.count && chars[cursor] == "}" ? cursor : nil
    }
    while index < chars.count {
      let c = chars[index]
      if c == "\\" {
        guard index + 1 < chars.count else { throw fail("\\ at end of pattern") }
        let e = chars[index + 1]
        index += 2
        var text: String
        switch e {
        case "d": text = inClass ? digit : "[\(digit)]"
        case "D": text = "[^\(digit)]"
        case "w": text = inClass ? word : "[\(word)]"
        case "W": text = "[^\(word)]"
        case "s": text = inClass ? space : "[\(space)]"
        case "S": text = "[^\(space)]"
        case "b" where inClass: text = "\\x{08}"
        case "b": text = "(?:(?<=[\(word)])(?![\(word)])|(?<![\(word)])(?=[\(word)]))"
        case "B" where !inClass: text = "(?:(?<=[\(word)])(?=[\(word)])|(?<![\(word)])(?![\(word)]))"
        case "n", "r", "t", "f": text = "\\" + String(e)
        case "v": text = "\\x{0B}"
        case "0" where !(index < chars.count && ("0"..."9").contains(chars[index])): text = "\\x{00}"
        case "1"..."9" where !inClass:
          var number = String(e)
          while index < chars.count, ("0"..."9").contains(chars[index]) {
            number.unicodeScalars.append(chars[index])
            index += 1
          }
          guard let value = Int(number), value <= groupCount else {
            throw fail("a reference to a group the pattern does not have, read by JavaScript as an octal escape")
          }
          text = "\\" + number
        case "x", "u":
          let length = e == "x" ? 2 : 4
          let digits = index + length <= chars.count ? chars[index..<index + length] : []
          if digits.count == length, digits.allSatisfy({ $0.properties.isASCIIHexDigit }) {
            text = "\\x{" + String(String.UnicodeScalarView(digits)) + "}"
            index += length
          } else {
            text = String(e)  // `\x` and `\u` without their digits are the letters
          }
        case "c":
          if index < chars.count, chars[index].isASCII, chars[index].properties.isAlphabetic {
            text = String(format: "\\x{%02X}", chars[index].value % 32)
            index += 1
          } else {
            throw fail("a `\\c` without a control letter")
          }
        case "k" where hasNamedGroups(chars):
          text = "\\k"
        default:
          if e.isASCII && (e.properties.isAlphabetic || ("0"..."9").contains(e)) {
            // An escaped letter without a meaning is the letter (Annex B identity escape).
            text = String(e)
          } else {
            text = String(format: "\\x{%X}", e.value)
          }
        }
        out += text
        atom = !inClass && e != "b" && e != "B"
        quantified = false
        continue
      }
      if inClass {
        switch c {
        case "]":
          inClass = false
          out += "]"
          atom = true
          quantified = false
        case "-" where !out.hasSuffix("[") && !out.hasSuffix("[^") && !out.hasSuffix("-"):
          out += "-"  // a range, or a literal ICU reads alike
        default:
          // Every other member written as its code point: ICU gives `[`, `&`, `--` and `-`
          // after a range meanings of their own; a range out of order stays an error.
          out += String(format: "\\x{%X}", c.value)
        }
        index += 1
        continue
      }
      switch c {
      case "[":
        let negated = index + 1 < chars.count && chars[index + 1] == "^"
        let first = index + (negated ? 2 : 1)
        if first < chars.count && chars[first] == "]" {
          // `[]` matches nothing and `[^]` anything in JavaScript; ICU reads that `]` as a member.
          out += negated ? "[\\x{0}-\\x{10FFFF}]" : "(?!)"
          index = first + 1
          atom = true
          quantified = false
          continue
        }
        inClass = true
        out += negated ? "[^" : "["
        index = first
        continue
      case "(":
        if index + 1 < chars.count && chars[index + 1] == "?" {
          let rest = String(String.UnicodeScalarView(chars[(index + 2)...].prefix(3)))
          let allowed =
            rest.hasPrefix(":") || rest.hasPrefix("=") || rest.hasPrefix("!") || rest.hasPrefix("<=")
            || rest.hasPrefix("<!") || (rest.hasPrefix("<") && !rest.hasPrefix("<=") && !rest.hasPrefix("<!"))
          guard allowed else { throw fail("Invalid group") }
          let introducer = rest.hasPrefix("<=") || rest.hasPrefix("<!") ? 2 : 1
          out += "(?" + String(rest.prefix(introducer))
          index += 2 + introducer
          atom = false
          quantified = false
          continue
        }
        out += "("
        atom = false
        quantified = false
        index += 1
        continue
      case ")":
        out += ")"
        atom = true
        quantified = false
        index += 1
        continue
      case "|":
        out += "|"
        atom = false
        quantified = false
        index += 1
        continue
      case ".":
        out += "[^\\n\\r\\x{2028}\\x{2029}]"
      case "$":
        out += "(?![\\s\\S])"
        atom = false
        quantified = false
        index += 1
        continue
      case "^":
        out += "^"
        atom = false
        quantified = false
        index += 1
        continue
      case "*", "+", "?":
        if c == "?" && quantified {
          out += "?"  // lazy
          quantified = false
          atom = false
          index += 1
          continue
        }
        guard atom else { throw fail("Nothing to repeat") }
        out.unicodeScalars.append(c)
        atom = false
        quantified = true
        index += 1
        continue
      case "{":
        if let end = quantifierEnd(at: index) {
          guard atom else { throw fail("Nothing to repeat") }
          out += String(String.UnicodeScalarView(chars[index...end]))
          atom = false
          quantified = true
          index = end + 1
          continue
        }
        out += "\\{"
      case "}": out += "\\}"
      case "]": out += "\\]"
      case "#", " ", "\t", "\n": out += String(format: "\\x{%X}", c.value)
      default:
        out.unicodeScalars.append(c)
      }
      atom = true
      quantified = false
      index += 1
    }
    guard !inClass else { throw fail("Unterminated character class") }
    return out
  }

  /// The capturing groups: `(` not followed by `?`, or `(?<name>`, outside classes.
  private static func countCaptures(_ chars: [Unicode.Scalar]) -> Int {
    var count = 0
    var index = 0
    var inClass = false
    while index < chars.count {
      let c = chars[index]
      if c == "\\" {
        index += 2
        continue
      }
      if inClass {
        if c == "]" { inClass = false }
      } else if c == "[" {
        inClass = true
      } else if c == "(" {
        let next = index + 1 < chars.count ? chars[index + 1] : " "
        let after = index + 2 < chars.count ? chars[index + 2] : " "
        let third = index + 3 < chars.count ? chars[index + 3] : " "
        if next != "?" || (after == "<" && third != "=" && third != "!") { count += 1 }
      }
      index += 1
    }
    return count
  }

  private static func hasNamedGroups(_ chars: [Unicode.Scalar]) -> Bool {
    let text = String(String.UnicodeScalarView(chars))
    return text.range(of: "(?<", options: .literal).map { range in
      let rest = text[range.upperBound...]
      return !rest.hasPrefix("=") && !rest.hasPrefix("!")
    } ?? false
  }
}
