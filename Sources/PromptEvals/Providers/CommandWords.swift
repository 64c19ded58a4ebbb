/// Splits an `exec:` command into argv words, the way promptfoo reads `exec: python "my script.py"`.
///
/// Words are separated by whitespace; single or double quotes group characters (spaces included)
/// into one word and may sit inside a word (`--name="a b"` is the one word `--name=a b`); `""` is
/// an empty word. Outside quotes a backslash takes the next character literally; inside double
/// quotes it escapes only `"` and `\` (the rules of POSIX `sh` and Python's `shlex`). Nothing
/// else is special: there is no shell, so `$VAR`, `*`, `|`, `>` and `;` reach the program as
/// they are written.
enum CommandWords {
  struct Failure: Error, CustomStringConvertible {
    var description: String
  }

  static func split(_ command: String) throws -> [String] {
    var words: [String] = []
    var current = ""
    var inWord = false
    var quote: Character?
    var escaped = false
    for character in command {
      if escaped {
        // Inside double quotes a backslash escapes only `"` and itself, as in POSIX shells.
        if quote == "\"" && character != "\"" && character != "\\" { current.append("\\") }
        current.append(character)
        escaped = false
        continue
      }
      if let open = quote {
        if character == open {
          quote = nil
        } else if character == "\\" && open == "\"" {
          escaped = true
        } else {
          current.append(character)
        }
        continue
      }
      switch character {
      case "'", "\"":
        quote = character
        inWord = true
      case "\\":
        escaped = true
        inWord = true
      case _ where character.isWhitespace:
        if inWord {
          words.append(current)
          current = ""
          inWord = false
        }
      default:
        current.append(character)
        inWord = true
      }
    }
    if let quote {
      throw Failure(description: "unterminated \(quote) quote in command `\(command)`")
    }
    if escaped {
      throw Failure(description: "command `\(command)` ends with a lone backslash")
    }
    if inWord { words.append(current) }
    return words
  }
}
