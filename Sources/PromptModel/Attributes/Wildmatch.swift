/// git's `wildmatch()`: the glob matcher behind `.gitignore` and `.gitattributes` patterns,
/// ported from git's wildmatch.c so a pattern matches exactly the paths git says it does.
///
/// With `pathname` (git's `WM_PATHNAME`), `*`, `?` and brackets never match "/", and `**`
/// between slashes (or at either end) matches any number of folders. Bytes are compared as
/// they are: no case folding (git's `core.ignorecase` is off on Linux and is not read here), and
/// the character classes (`[:alpha:]`, …) know only ASCII, as git's do.
enum Wildmatch {
  static func matches(_ pattern: [UInt8], _ text: [UInt8], pathname: Bool) -> Bool {
    // NUL-terminated copies, so the port can read one past the end as git's C does.
    let p = pattern + [0]
    let t = text + [0]
    return dowild(p, 0, t, 0, pathname: pathname) == .match
  }

  private enum Outcome { case match, noMatch, abortAll, abortToStarStar }

  private static func isGlobSpecial(_ c: UInt8) -> Bool { c == 0x2A || c == 0x3F || c == 0x5B || c == 0x5C }

  private static func dowild(_ p: [UInt8], _ start: Int, _ text: [UInt8], _ textStart: Int, pathname: Bool) -> Outcome {
    var pi = start
    var ti = textStart
    let slash: UInt8 = 0x2F
    while p[pi] != 0 {
      var pc = p[pi]
      let tc = text[ti]
      if tc == 0 && pc != 0x2A { return .abortAll }
      switch pc {
      case 0x3F:  // ?
        if pathname && tc == slash { return .noMatch }
      case 0x2A:  // *
        var matchSlash: Bool
        pi += 1
        if p[pi] == 0x2A {
          let previous = pi - 2
          while p[pi] == 0x2A { pi += 1 }
          if (previous < start || p[previous] == slash)
            && (p[pi] == 0 || p[pi] == slash || (p[pi] == 0x5C && p[pi + 1] == slash))
          {
            if p[pi] == slash && dowild(p, pi + 1, text, ti, pathname: pathname) == .match { return .match }
            matchSlash = true
          } else {
            matchSlash = false
          }
        } else {
          matchSlash = !pathname
        }
        if p[pi] == 0 {
          // A trailing "**" matches everything; a trailing "*" only what holds no more slashes.
          if !matchSlash && text[ti...].contains(slash) { return .noMatch }
          return .match
        } else if !matchSlash && p[pi] == slash {
          // One asterisk followed by a slash matches up to the next folder.
          guard let next = text[ti...].firstIndex(of: slash), text[next] != 0 else { return .noMatch }
          ti = next
          break
        }
        var t = text[ti]
        while true {
          if t == 0 { break }
          // A literal after the asterisk: skip ahead to where it occurs.
          if !isGlobSpecial(p[pi]) {
            let literal = p[pi]
            while text[ti] != 0 && (matchSlash || text[ti] != slash) {
              if text[ti] == literal { break }
              ti += 1
            }
            t = text[ti]
            if t != literal { return matchSlash ? .abortAll : .abortToStarStar }
          }
          let matched = dowild(p, pi, text, ti, pathname: pathname)
          if matched != .noMatch {
            if !matchSlash || matched != .abortToStarStar { return matched }
          } else if !matchSlash && t == slash {
            return .abortToStarStar
          }
          ti += 1
          t = text[ti]
        }
        return .abortAll
      case 0x5B:  // [
        pi += 1
        pc = p[pi]
        if pc == 0x5E { pc = 0x21 }  // "^" negates as "!" does
        let negated = pc == 0x21
        if negated {
          pi += 1
          pc = p[pi]
        }
        var previous: UInt8 = 0
        var matched = false
        repeat {
          if pc == 0 { return .abortAll }
          if pc == 0x5C {
            pi += 1
            pc = p[pi]
            if pc == 0 { return .abortAll }
            if tc == pc { matched = true }
          } else if pc == 0x2D && previous != 0 && p[pi + 1] != 0 && p[pi + 1] != 0x5D {
            pi += 1
            pc = p[pi]
            if pc == 0x5C {
              pi += 1
              pc = p[pi]
              if pc == 0 { return .abortAll }
            }
            if tc <= pc && tc >= previous { matched = true }
            pc = 0
          } else if pc == 0x5B && p[pi + 1] == 0x3A {
            pi += 2
            let classStart = pi
            while p[pi] != 0 && p[pi] != 0x5D { pi += 1 }
            if p[pi] == 0 { return .abortAll }
            let length = pi - classStart - 1
            if length < 0 || p[pi - 1] != 0x3A {
              // No ":]": a plain "[" in the set.
              pi = classStart - 2
              pc = 0x5B
              if tc == pc { matched = true }
            } else {
              guard let test = characterClass(String(decoding: p[classStart..<(classStart + length)], as: UTF8.self))
              else {
                return .abortAll
              }
              if test(tc) { matched = true }
              pc = 0
            }
          } else if tc == pc {
            matched = true
          }
          previous = pc
          pi += 1
          pc = p[pi]
        } while pc != 0x5D
        if matched == negated || (pathname && tc == slash) { return .noMatch }
      case 0x5C:  // a backslash: the next character literally
        pi += 1
        pc = p[pi]
        if tc != pc { return .noMatch }
      default:
        if tc != pc { return .noMatch }
      }
      pi += 1
      ti += 1
    }
    return text[ti] != 0 ? .noMatch : .match
  }

  /// git's `[:name:]` classes, ASCII only (git's own ctype table).
  private static func characterClass(_ name: String) -> ((UInt8) -> Bool)? {
    func alpha(_ c: UInt8) -> Bool { (0x41...0x5A).contains(c) || (0x61...0x7A).contains(c) }
    func digit(_ c: UInt8) -> Bool { (0x30...0x39).contains(c) }
    func graph(_ c: UInt8) -> Bool { (0x21...0x7E).contains(c) }
    switch name {
    case "alnum": return { alpha($0) || digit($0) }
    case "alpha": return alpha
    case "blank": return { $0 == 0x20 || $0 == 0x09 }
    case "cntrl": return { $0 < 0x20 || $0 == 0x7F }
    case "digit": return digit
    case "graph": return graph
    case "lower": return { (0x61...0x7A).contains($0) }
    case "print": return { (0x20...0x7E).contains($0) }
    case "punct": return { graph($0) && !alpha($0) && !digit($0) }
    case "space": return { $0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D }
    case "upper": return { (0x41...0x5A).contains($0) }
    case "xdigit": return { digit($0) || (0x41...0x46).contains($0) || (0x61...0x66).contains($0) }
    default: return nil
    }
  }
}
