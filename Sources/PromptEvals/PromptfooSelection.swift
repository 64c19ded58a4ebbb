import PromptModel

/// Which of a suite's providers and prompts a test runs on: its `providers:` and `prompts:`
/// lists, read as promptfoo's evaluator reads them (`src/evaluator.ts` skips a provider that
/// `isProviderAllowed(provider, testCase.providers)` refuses and a prompt that
/// `isAllowedPrompt(prompt, testCase.prompts)` refuses).
///
/// promptfoo matches some names against paths it resolves from the folder it is run in (a
/// prompt file's label holds its path; `canonicalizeProviderId` resolves `exec:` and `file://`
/// paths against the working directory). promptops does not know that folder, so each answer is
/// worked out for two different ones; a name whose answer depends on it is `nil`, and the
/// planner refuses it rather than guess which tests promptfoo would run.
enum PromptfooSelection {
  /// Two folders promptfoo could be run in, or a suite could sit in, for the answers that
  /// depend on one: a relative one (`promptfoo eval` run beside the suite) and an absolute one
  /// no real path matches.
  static let runFolders = [".", "/\u{1}promptops-run/\u{1}elsewhere"]

  // MARK: - Providers (`src/util/provider.ts`)

  /// `isProviderAllowed`: no list allows every provider, an empty one none; else any name that
  /// matches. Nil when the answer depends on the folder promptfoo runs in.
  static func allows(_ provider: ProviderSpec, _ names: [String]?) -> Bool? {
    guard let names else { return true }
    return agreed(runFolders.map { folder in names.contains { matches($0, provider, cwd: folder) } })
  }

  /// Whether `name` could name `provider` at all (promptfoo refuses a name that names none).
  static func mayName(_ name: String, _ provider: ProviderSpec) -> Bool {
    runFolders.contains { matches(name, provider, cwd: $0) }
  }

  /// `doesProviderRefMatch`: the label, the id (as written or canonical), a `prefix*` pattern,
  /// or `name:` as a prefix of either.
  static func matches(_ name: String, _ provider: ProviderSpec, cwd: String) -> Bool {
    let label = provider.label
    let id = provider.id
    let canonicalName = canonicalProviderID(name, cwd: cwd)
    let canonicalID = canonicalProviderID(id, cwd: cwd)
    if let label, label == name { return true }
    if id == name || canonicalID == canonicalName { return true }
    if name.hasSuffix("*") {
      let prefix = String(name.dropLast())
      if label?.hasPrefix(prefix) == true || id.hasPrefix(prefix) || canonicalID.hasPrefix(prefix) { return true }
    }
    let legacy = name + ":"
    return label?.hasPrefix(legacy) == true || id.hasPrefix(legacy) || canonicalID.hasPrefix(legacy)
  }

  /// `canonicalizeProviderId`: `file://` paths, and `exec:`, `python:` and `golang:` commands
  /// holding a slash, resolved against the working directory; a `.js`, `.ts` or `.mjs` path
  /// becomes `file://` and is resolved too.
  static func canonicalProviderID(_ id: String, cwd: String) -> String {
    if id.hasPrefix("file://") {
      let path = String(id.dropFirst(7))
      return path.hasPrefix("/") ? id : "file://" + resolve(path, cwd: cwd)
    }
    for prefix in ["exec:", "python:", "golang:"] where id.hasPrefix(prefix) {
      let path = String(id.dropFirst(prefix.count))
      return path.contains("/") || path.contains("\\") ? prefix + resolve(path, cwd: cwd) : id
    }
    if [".js", ".ts", ".mjs"].contains(where: id.hasSuffix) && (id.contains("/") || id.contains("\\")) {
      return "file://" + resolve(id, cwd: cwd)
    }
    return id
  }

  /// Node's `path.resolve(cwd, path)` for POSIX paths: absolute, with `.`, `..` and repeated
  /// slashes folded and no trailing slash.
  static func resolve(_ path: String, cwd: String) -> String {
    let whole = path.hasPrefix("/") ? path : (cwd == "." ? "/\u{1}cwd" : cwd) + "/" + path
    var parts: [Substring] = []
    for part in whole.split(separator: "/", omittingEmptySubsequences: true) {
      switch part {
      case ".": continue
      case "..": if !parts.isEmpty { parts.removeLast() }
      default: parts.append(part)
      }
    }
    return "/" + parts.joined(separator: "/")
  }

  // MARK: - Prompts (`src/util/promptMatching.ts`)

  /// `isPromptAllowed`: no list allows every prompt, an empty one none; else any name that
  /// matches. Nil when the answer depends on the folder promptfoo runs in.
  static func allows(_ prompt: SuitePrompt, _ names: [String]?) -> Bool? {
    guard let names else { return true }
    return agreed(
      runFolders.map { folder in
        names.contains { matches($0, label: label(of: prompt, in: folder), id: prompt.givenID) }
      })
  }

  /// Whether `name` could name `prompt` at all.
  static func mayName(_ name: String, _ prompt: SuitePrompt) -> Bool {
    runFolders.contains { matches(name, label: label(of: prompt, in: $0), id: prompt.givenID) }
  }

  /// `doesPromptRefMatch`: the label or id, a `prefix*` pattern, or `name:` as a prefix.
  static func matches(_ name: String, label: String, id: String?) -> Bool {
    if label == name || (id != nil && id == name) { return true }
    if name.hasSuffix("*") {
      let prefix = String(name.dropLast())
      if label.hasPrefix(prefix) || id?.hasPrefix(prefix) == true { return true }
    }
    return label.hasPrefix(name + ":") || id?.hasPrefix(name + ":") == true
  }

  /// The label promptfoo gives a prompt when its suite's folder is `folder`: an inline prompt's
  /// `label`, else its text (`processors/string.ts`); a `.txt` file's `<label>: <path>: <text>` or
  /// `<path>: <text>` (`processors/text.ts`); a `.json` file's `label`, else `<path>: <text>`
  /// (`processors/json.ts`).
  static func label(of prompt: SuitePrompt, in folder: String) -> String {
    guard let relative = prompt.relativePath else { return prompt.givenLabel ?? prompt.raw }
    let path = folder == "." ? relative : folder + "/" + relative
    if prompt.file?.lowercased().hasSuffix(".json") == true { return prompt.givenLabel ?? "\(path): \(prompt.raw)" }
    return prompt.givenLabel.map { "\($0): \(path): \(prompt.raw)" } ?? "\(path): \(prompt.raw)"
  }

  private static func agreed(_ answers: [Bool]) -> Bool? {
    answers.allSatisfy { $0 == answers[0] } ? answers[0] : nil
  }
}
