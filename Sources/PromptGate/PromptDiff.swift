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
