/// Reads a git command line the way git reads it, to tell whether it is a `git commit` that
/// replaces HEAD (`--amend`).
///
/// git tells a pre-commit hook nothing about `--amend`; its command line does, but only as git
/// parses it: in `git commit -m --amend` the word is the message, `--am` is `--amend`, a later
/// `--no-amend` undoes it, `-am msg` is `-a -m msg`, and `--` ends the options. This follows
/// git 2.39's own parsing step by step: `git.c` (the global options before the command, and the
/// `git-commit` form) and `parse-options.c` (long options with `=value` or a separate value,
/// unique-prefix abbreviations, `--no-` negations, bundled short options, optional values that
/// are only ever attached, `--` and `--end-of-options`) over the option table of
/// `builtin/commit.c`. It answers "amends" only when that reading is certain: a line git would
/// refuse (it never runs a hook for one) or this reading does not know is `unreadable`, which
/// callers take as "does not amend": compared with HEAD, stricter, never looser.
public enum GitCommitCommandLine {
  public enum Reading: Sendable, Equatable {
    /// The program is not git (its name is neither `git` nor `git-…`).
    case notGit
    /// git running another command (`rebase`, `merge`, an alias, `--version`…).
    case otherCommand
    /// `git commit`, with whether git reads it as amending HEAD.
    case commit(amends: Bool)
    /// git, but a command line this reading cannot follow as git does: an unknown or ambiguous
    /// option, a missing value, an option git exits on.
    case unreadable
  }

  /// Reads a process's argument vector, the program name first (`/proc/<pid>/cmdline`).
  public static func read(_ arguments: [String]) -> Reading {
    read(arguments.map { Array($0.utf8) })
  }

  /// The same, over the raw bytes of each argument: a message need not be UTF-8.
  public static func read(_ arguments: [[UInt8]]) -> Reading {
    guard let program = arguments.first else { return .notGit }
    let name = program.split(separator: slash, omittingEmptySubsequences: false).last.map(Array.init) ?? []
    // `git-commit …` (git's exec path) is `git commit …`, with no global options in between.
    if name.starts(with: Array("git-".utf8)) {
      return name == Array("git-commit".utf8) ? readCommitOptions(Array(arguments.dropFirst())) : .otherCommand
    }
    guard name == Array("git".utf8) else { return .notGit }
    guard let command = commandIndex(arguments) else { return .unreadable }
    guard command < arguments.count, arguments[command] == Array("commit".utf8) else { return .otherCommand }
    return readCommitOptions(Array(arguments[(command + 1)...]))
  }

  // MARK: - git.c: the global options before the command

  /// Global options that take the next argument as their value.
  private static let globalOptionsWithValue: Set<[UInt8]> = Set(
    ["--git-dir", "--namespace", "--work-tree", "--super-prefix", "-c", "--config-env", "--shallow-file", "-C"].map {
      Array($0.utf8)
    })
  /// Global options that stand alone.
  private static let globalFlags: Set<[UInt8]> = Set(
    [
      "-p", "--paginate", "-P", "--no-pager", "--no-replace-objects", "--bare", "--literal-pathspecs",
      "--no-literal-pathspecs", "--glob-pathspecs", "--noglob-pathspecs", "--icase-pathspecs", "--no-optional-locks",
    ].map { Array($0.utf8) })
  /// Global options whose value is attached.
  private static let globalOptionsWithAttachedValue: [[UInt8]] =
    ["--git-dir=", "--namespace=", "--work-tree=", "--super-prefix=", "--config-env=", "--exec-path="].map {
      Array($0.utf8)
    }
  /// Words git turns into a command of their own (`help`, `version`) instead of options.
  private static let commandWords: Set<[UInt8]> = Set(["--help", "-h", "--version", "-v"].map { Array($0.utf8) })

  /// Where the command word is (`handle_options`); nil when git would stop or exit on a global
  /// option instead of running a command, or the option is one this reading does not know.
  private static func commandIndex(_ arguments: [[UInt8]]) -> Int? {
    var index = 1
    while index < arguments.count {
      let word = arguments[index]
      guard word.first == dash else { break }
      if commandWords.contains(word) { break }
      if globalFlags.contains(word) || globalOptionsWithAttachedValue.contains(where: { word.starts(with: $0) }) {
        index += 1
      } else if globalOptionsWithValue.contains(word) {
        guard index + 1 < arguments.count else { return nil }
        index += 2
      } else {
        return nil  // --exec-path, --html-path, --list-cmds=… print and exit; anything else is refused
      }
    }
    return index
  }

  // MARK: - parse-options.c over builtin/commit.c's options

  /// What an option does with a value (`PARSE_OPT_NOARG`, a required value, `PARSE_OPT_OPTARG`).
  enum ValueKind: Equatable {
    case none
    case required
    /// Taken only when attached (`--gpg-sign=key`, `-Skey`), never from the next argument.
    case optional
  }

  struct Option {
    let short: UInt8?
    let long: [UInt8]
    let value: ValueKind
    /// `--no-<name>` exists (no `PARSE_OPT_NONEG`).
    let negatable: Bool

    init(_ short: Character?, _ long: String, _ value: ValueKind = .none, negatable: Bool = true) {
      self.short = short.map { UInt8(ascii: $0.unicodeScalars.first!) }
      self.long = Array(long.utf8)
      self.value = value
      self.negatable = negatable
    }

    var isAmend: Bool { long == Array("amend".utf8) }
  }

  /// `builtin_commit_options` of git 2.39, in its order (a test holds it to the installed git's
  /// `git commit --git-completion-helper-all` and `git commit -h`).
  static let commitOptions: [Option] = [
    Option("q", "quiet"),
    Option("v", "verbose"),
    Option("F", "file", .required),
    Option(nil, "author", .required),
    Option(nil, "date", .required),
    Option("m", "message", .required),
    Option("c", "reedit-message", .required),
    Option("C", "reuse-message", .required),
    Option(nil, "fixup", .required),
    Option(nil, "squash", .required),
    Option(nil, "reset-author"),
    Option(nil, "trailer", .required, negatable: false),
    Option("s", "signoff"),
    Option("t", "template", .required),
    Option("e", "edit"),
    Option(nil, "cleanup", .required),
    Option(nil, "status"),
    Option("S", "gpg-sign", .optional),
    Option("a", "all"),
    Option("i", "include"),
    Option(nil, "interactive"),
    Option("p", "patch"),
    Option("o", "only"),
    Option("n", "no-verify"),
    Option(nil, "dry-run"),
    Option(nil, "short"),
    Option(nil, "branch"),
    Option(nil, "ahead-behind"),
    Option(nil, "porcelain"),
    Option(nil, "long"),
    Option("z", "null"),
    Option(nil, "amend"),
    Option(nil, "no-post-rewrite"),
    Option("u", "untracked-files", .optional),
    Option(nil, "pathspec-from-file", .required),
    Option(nil, "pathspec-file-nul"),
    Option(nil, "allow-empty"),
    Option(nil, "allow-empty-message"),
  ]

  /// A line git cannot parse: it exits before running any hook.
  private struct Refused: Error {}

  /// The state of one `parse_options` run: the arguments left, and the rest of the current
  /// argument not yet read (`p->opt`: the remaining letters of `-avm`, or a `=value`).
  private struct Cursor {
    var arguments: ArraySlice<[UInt8]>
    var pending: ArraySlice<UInt8>?
    var amends = false
  }

  /// `parse_options(argc, argv, prefix, builtin_commit_options, usage, 0)`: no flags, so
  /// non-options (pathspecs) are skipped and parsing goes on after them.
  private static func readCommitOptions(_ arguments: [[UInt8]]) -> Reading {
    var cursor = Cursor(arguments: arguments[...])
    let total = arguments.count
    do {
      while let argument = cursor.arguments.first {
        cursor.arguments = cursor.arguments.dropFirst()
        cursor.pending = nil
        if argument.first != dash || argument.count == 1 { continue }  // a pathspec, or `-`
        if total == 1 && argument == Array("-h".utf8) { throw Refused() }
        if argument[1] != dash {
          try readShortCluster(argument, &cursor)
          continue
        }
        let name = argument[2...]
        if name.isEmpty || name.elementsEqual("end-of-options".utf8) { break }  // the rest are pathspecs
        if ["help-all", "help", "git-completion-helper", "git-completion-helper-all"].contains(where: {
          name.elementsEqual($0.utf8)
        }) {
          throw Refused()
        }
        try readLongOption(name, &cursor)
      }
    } catch {
      return .unreadable
    }
    return .commit(amends: cursor.amends)
  }

  /// `-avm msg`, `-mmsg`, `-uno`: letters of options that take no value, then at most one that
  /// takes the rest of the word (or, when nothing is left and the value is required, the next
  /// argument).
  private static func readShortCluster(_ argument: [UInt8], _ cursor: inout Cursor) throws {
    cursor.pending = argument[1...]
    try readShortOption(&cursor)
    if cursor.pending != nil { try checkTypos(argument[1...]) }
    while cursor.pending != nil { try readShortOption(&cursor) }
  }

  private static func readShortOption(_ cursor: inout Cursor) throws {
    guard let letters = cursor.pending, let letter = letters.first,
      let option = commitOptions.first(where: { $0.short == letter })
    else { throw Refused() }
    cursor.pending = letters.count > 1 ? letters.dropFirst() : nil
    try takeValue(option, unset: false, short: true, &cursor)
  }

  /// `check_typos`: `-amend` or `-no-edit`, a long option written with one dash, is refused.
  private static func checkTypos(_ word: ArraySlice<UInt8>) throws {
    guard word.count >= 3 else { return }
    if word.starts(with: "no-".utf8) { throw Refused() }
    if commitOptions.contains(where: { $0.long.starts(with: word) }) { throw Refused() }
  }

  /// `parse_long_opt`: an exact name wins at once; otherwise a unique prefix of one option's
  /// name (or of its `no-` form) is that option, and a prefix of several is ambiguous.
  private static func readLongOption(_ argument: ArraySlice<UInt8>, _ cursor: inout Cursor) throws {
    let nameEnd = argument.firstIndex(of: equals) ?? argument.endIndex
    let typedName = argument[..<nameEnd]
    var abbreviated: (option: Option, unset: Bool)?
    var ambiguous = false
    for option in commitOptions {
      var longName = option.long[...]
      var unset = false  // `--no-…` typed (git's OPT_UNSET in flags)
      var negatedName = false  // the option's own name is `no-…` and was matched without it
      var rest: ArraySlice<UInt8>?
      var isAbbreviation = false
      matching: while true {
        rest = argument.starts(with: longName) ? argument.dropFirst(longName.count) : nil
        if rest != nil { break matching }
        if longName.starts(with: typedName) {
          isAbbreviation = true
          break matching
        }
        if !option.negatable { break matching }
        if "no-".utf8.starts(with: argument) {  // `--n`, `--no`, `--no-`: every negation at once
          unset = true
          isAbbreviation = true
          break matching
        }
        if !argument.starts(with: "no-".utf8) {
          if longName.starts(with: "no-".utf8) {
            longName = longName.dropFirst(3)
            negatedName = true
            continue matching
          }
          break matching
        }
        unset = true
        let afterNo = argument.dropFirst(3)
        if afterNo.starts(with: longName) {
          rest = afterNo.dropFirst(longName.count)
        } else if longName.starts(with: afterNo) {
          isAbbreviation = true
        }
        break matching
      }
      if isAbbreviation {
        if abbreviated != nil { ambiguous = true }
        if !unset && nameEnd < argument.endIndex { cursor.pending = argument[(nameEnd + 1)...] }
        abbreviated = (option, unset != negatedName)
        continue
      }
      guard let rest else { continue }
      if let first = rest.first {
        if first != equals { continue }
        cursor.pending = rest.dropFirst()
      }
      try takeValue(option, unset: unset != negatedName, short: false, &cursor)
      return
    }
    guard !ambiguous, let abbreviated else { throw Refused() }
    try takeValue(abbreviated.option, unset: abbreviated.unset, short: false, &cursor)
  }

  /// `get_value` and `get_arg`: checks the option's value, takes it from what is left of the
  /// word or from the next argument, and records `--amend` / `--no-amend`.
  private static func takeValue(_ option: Option, unset: Bool, short: Bool, _ cursor: inout Cursor) throws {
    if unset && cursor.pending != nil { throw Refused() }
    if unset && !option.negatable { throw Refused() }
    if !short && cursor.pending != nil && option.value == .none { throw Refused() }
    if option.value == .none {
      if option.isAmend { cursor.amends = !unset }
      return
    }
    // `--no-message`, and an optional value not attached (`-S`, `--untracked-files`): no value.
    if unset || (option.value == .optional && cursor.pending == nil) { return }
    if cursor.pending != nil {
      cursor.pending = nil  // attached: `-mmsg`, `--message=msg`, `-Skey`
    } else if !cursor.arguments.isEmpty {
      cursor.arguments = cursor.arguments.dropFirst()  // the next argument, whatever it looks like: `-m --amend`
    } else {
      throw Refused()
    }
  }

  private static let dash = UInt8(ascii: "-")
  private static let equals = UInt8(ascii: "=")
  private static let slash = UInt8(ascii: "/")
}
