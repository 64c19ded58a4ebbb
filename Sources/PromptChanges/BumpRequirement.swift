import PromptModel

/// Why a change needs the version bump it needs.
public struct BumpRequirement: Sendable, Equatable {
  public let level: BumpLevel
  public let removedVariables: [String]
  public let addedVariables: [String]
  public let modelChanged: Bool
  public let textChanged: Bool

  /// The reasons in words, for messages: "removed variable {{name}}".
  public var reasons: [String] {
    var result: [String] = []
    if !removedVariables.isEmpty {
      result.append(
        "removed or renamed template variable" + (removedVariables.count > 1 ? "s " : " ")
          + removedVariables.map { "{{\($0)}}" }.joined(separator: ", ") + " (major)")
    }
    if !addedVariables.isEmpty {
      result.append(
        "added template variable" + (addedVariables.count > 1 ? "s " : " ")
          + addedVariables.map { "{{\($0)}}" }.joined(separator: ", ") + " (minor)")
    }
    if modelChanged { result.append("changed model (minor)") }
    if textChanged && result.isEmpty { result.append("changed text (patch)") }
    return result
  }

  static let nothing = BumpRequirement(
    level: .none, removedVariables: [], addedVariables: [], modelChanged: false, textChanged: false)

  package static func of(status: PromptChange.Status, old: Prompt?, new: Prompt?, variables: VariableScanner)
    -> BumpRequirement
  {
    guard status == .modified || status == .renamed, let old, let new else { return nothing }
    let textChanged = !old.hasSameText(as: new)
    let modelChanged = old.card != nil && new.card != nil && old.card?.model != new.card?.model
    guard textChanged || modelChanged else { return nothing }
    let oldVariables = variables.variables(in: old.text)
    let newVariables = variables.variables(in: new.text)
    let removed = oldVariables.subtracting(newVariables).sorted()
    let added = newVariables.subtracting(oldVariables).sorted()
    let level: BumpLevel =
      !removed.isEmpty ? .major : (!added.isEmpty || modelChanged) ? .minor : textChanged ? .patch : .none
    return BumpRequirement(
      level: level, removedVariables: removed, addedVariables: added, modelChanged: modelChanged,
      textChanged: textChanged)
  }
}
