import PromptChanges
import PromptModel

/// `attributes-changed`: a change to a `.gitattributes` file sets, changes or drops `eol`,
/// `text`, `crlf`, `ident`, `filter` or `working-tree-encoding` for a pattern that may match
/// prompt files.
///
/// Those attributes decide the bytes a checkout writes (line endings, `$Id$` expansion, a
/// filter's smudge, a re-encoding) and the bytes `git add` stores. Changing one changes what an
/// application loads from a prompt file, or what the next commit of it records, without any
/// change to the prompt's blob, version or hash. A warning: the change may be right, but it
/// deserves the same look as a prompt edit. The message names the pattern and which of the
/// changed prompts it matches; other prompts are not listed (that would mean walking them all).
struct AttributesChangedRule: Rule {
  static let id = RuleID.attributesChanged

  func check(_ changeSet: ChangeSet, _ context: RuleContext) -> [Finding] {
    changeSet.attributeChanges.map { change in
      let settings = change.settings.map { "`\($0)`" }.joined(separator: " ")
      let fix =
        "exclude prompt files from the pattern, or make the change on its own and renormalize (git add --renormalize), "
        + "bumping every prompt whose stored text changes"
      guard let pattern = change.pattern else {
        let macro = "`\(change.macro ?? "")`"
        let what: String
        switch change.kind {
        case .sets(let was?):
          what = "redefines the macro \(macro) as \(settings) (was \(was.map { "`\($0)`" }.joined(separator: " ")))"
        case .sets(nil): what = "defines the macro \(macro) as \(settings)"
        case .removes: what = "removes the macro \(macro), which set \(settings)"
        }
        return Finding(
          rule: Self.id, prompt: "[attr]" + (change.macro ?? ""), file: change.file, line: change.line,
          message:
            "line \(change.line) \(what): this changes the bytes git checks out or stores for every file a pattern "
            + "using the macro matches, prompt files among them; \(fix)")
      }
      let subject = "`\(pattern.text)`"
      let what: String
      switch change.kind {
      case .sets(let was?):
        what = "changes \(subject) to \(settings) (was \(was.map { "`\($0)`" }.joined(separator: " ")))"
      case .sets(nil): what = "sets \(settings) for \(subject)"
      case .removes: what = "removes \(settings) for \(subject)"
      }
      var matched: [String] = []
      for prompt in changeSet.changes where prompt.status != .deleted {
        guard let location = prompt.new?.location, !matched.contains(prompt.id) else { continue }
        let files = [location.textPath, location.cardPath] + (location.changelogPath.map { [$0] } ?? [])
        if files.contains(where: pattern.matches(file:)) { matched.append(prompt.id) }
      }
      let touched =
        matched.isEmpty
        ? "it may match prompt files, though none of the prompts this change touches"
        : "it matches the changed prompt\(matched.count == 1 ? "" : "s") \(matched.joined(separator: ", "))"
      return Finding(
        rule: Self.id, prompt: matched.isEmpty ? pattern.text : matched.joined(separator: ", "), file: change.file,
        line: change.line,
        message:
          "line \(change.line) \(what): this changes the bytes git checks out or stores for the files it matches, and "
          + "\(touched); \(fix)")
    }
  }
}
