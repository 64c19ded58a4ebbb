import PromptChanges
import PromptModel

/// A prompt-aware view of one prompt's change: versions, the bump it needs and why, variables,
/// lost constraints and the text diff.
public struct PromptDiff: Sendable {
  public let id: String
  public let status: PromptChange.Status
  public let oldVersion: String?
  public let newVersion: String?
  public let requirement: BumpRequirement
  public let actualBump: BumpLevel?
  public let lostConstraints: [String]
  public let textDiff: String
  public let oldSha256: String?
  public let newSha256: String?

  public init(change: PromptChange, configuration: Configuration) {
    let constraints = ConstraintScanner(keywords: configuration.constraintKeywords)
    id = change.id
    status = change.status
    oldVersion = change.old?.card?.version.text
    newVersion = change.new?.card?.version.text
    requirement = change.requirement
    if let old = change.old?.card?.version, let new = change.new?.card?.version {
      actualBump = new > old ? BumpLevel.between(old, new) : BumpLevel.none
    } else {
      actualBump = nil
    }
    let oldText = PromptText(change.old?.text)
    let newText = PromptText(change.new?.text)
    lostConstraints = ConstraintDiff.lostConstraints(old: oldText, new: newText, scanner: constraints).map { item in
      item.replacement.map { "\(item.oldLine.trimmed)  →  \($0.trimmed)" } ?? item.oldLine.trimmed
    }
    textDiff = UnifiedDiff.render(
      old: oldText.lines, new: newText.lines, oldName: "a/" + (change.old?.location.textPath ?? "/dev/null"),
      newName: "b/" + (change.new?.location.textPath ?? "/dev/null"))
    oldSha256 = change.old?.sha256
    newSha256 = change.new?.sha256
  }

  /// `promptops diff`: versions and bump, why, variables, lost constraints, hashes, then the diff.
  public var textReport: String {
    var out = "\(id) (\(status.rawValue)): \(oldVersion ?? "none") → \(newVersion ?? "none")"
    if let actual = actualBump { out += actual == .none ? "  [no bump]" : "  [\(actual.rawValue) bump]" }
    out += "\nrequired bump: \(requirement.level.rawValue)"
    if !requirement.reasons.isEmpty { out += " — " + requirement.reasons.joined(separator: "; ") }
    out += "\n"
    if !requirement.addedVariables.isEmpty {
      out += "variables added: " + requirement.addedVariables.map { "{{\($0)}}" }.joined(separator: ", ") + "\n"
    }
    if !requirement.removedVariables.isEmpty {
      out +=
        "variables removed: " + requirement.removedVariables.map { "{{\($0)}}" }.joined(separator: ", ") + "\n"
    }
    for lost in lostConstraints { out += "constraint lost: \(lost)\n" }
    if let old = oldSha256, let new = newSha256, old != new {
      out += "sha256: \(old.prefix(12)) → \(new.prefix(12))\n"
    }
    if !textDiff.isEmpty { out += "\n" + textDiff }
    return out
  }

  /// `promptops diff --format json`: snake-case keys, null for a side or bump that does not exist.
  public var jsonDocument: JSONValue {
    func text(_ value: String?) -> JSONValue { value.map(JSONValue.string) ?? .null }
    func strings(_ values: [String]) -> JSONValue { .array(values.map(JSONValue.string)) }
    return .object([
      "id": .string(id), "status": .string(status.rawValue),
      "old_version": text(oldVersion), "new_version": text(newVersion),
      "required_bump": .string(requirement.level.rawValue), "actual_bump": text(actualBump?.rawValue),
      "variables_added": strings(requirement.addedVariables),
      "variables_removed": strings(requirement.removedVariables),
      "model_changed": .bool(requirement.modelChanged), "constraints_lost": strings(lostConstraints),
      "old_sha256": text(oldSha256), "new_sha256": text(newSha256), "diff": .string(textDiff),
    ])
  }
}

extension Analyzer {
  /// The change to one prompt (by id) in a comparison, or nil when the comparison leaves it alone.
  public func change(of id: String, in comparison: Comparison) throws -> (PromptChange?, Configuration) {
    let sides = try sides(of: comparison)
    let configuration = sides.context.configuration
    let builder = ChangeSetBuilder(repository: repository, configuration: configuration)
    var timer = PhaseTimer()
    let (changeSet, _) = try builder.changes(from: sides.base, to: sides.head, timer: &timer)
    if let change = changeSet.changes.first(where: { $0.id == id || $0.old?.id == id }) {
      return (change, configuration)
    }
    // Unchanged, or no such prompt at all: a typo must not read as "no changes".
    for snapshot in [sides.head, sides.base]
    where try PromptLookup(repository: repository).prompt(withID: id, in: snapshot, configuration: configuration) != nil
    {
      return (nil, configuration)
    }
    throw PromptOpsError.promptNotFound(
      id: id,
      detail:
        "in \(sides.head.reportName ?? "the empty tree") or \(sides.base.reportName ?? "the empty tree") (looked in \(configuration.roots.joined(separator: ", ")))"
    )
  }
}
