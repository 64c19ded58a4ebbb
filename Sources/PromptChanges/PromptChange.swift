import PromptModel

/// One prompt's change between the base and the head of a comparison.
///
/// A class: every rule walks the change set, and a copy of a value this size (two prompts with
/// their cards) is dozens of reference counts; a reference is one.
public final class PromptChange: Sendable {
  public enum Status: String, Codable, Sendable {
    case added, modified, deleted, renamed
    /// `check --all`: the prompt as it stands, compared with nothing.
    case unchanged
  }

  public let status: Status
  public let old: Prompt?
  public let new: Prompt?
  /// The bump this change needs, and why.
  public let requirement: BumpRequirement

  init(status: Status, old: Prompt?, new: Prompt?, variables: VariableScanner) {
    self.status = status
    self.old = old
    self.new = new
    requirement = BumpRequirement.of(status: status, old: old, new: new, variables: variables)
  }

  public var id: String { new?.id ?? old?.id ?? "?" }
  /// The prompt's address on the side that matters: the head, or for a deletion, the base.
  public var location: PromptLocation { (new ?? old)!.location }

  /// The text differs (as bytes), or the card's `model` does.
  public var contentChanged: Bool {
    guard let old, let new else { return true }
    return !old.hasSameText(as: new) || old.card?.model != new.card?.model
  }

  public var versionChanged: Bool {
    guard let oldVersion = old?.card?.version, let newVersion = new?.card?.version else { return false }
    return oldVersion.text != newVersion.text
  }
}

/// Everything a change did to prompts, with the facts the rules share.
public struct ChangeSet: Sendable {
  public let changes: [PromptChange]
  public let configuration: Configuration
  /// Ids of prompts in the head snapshot found at other locations than the changed prompts'
  /// (duplicate-id candidates), keyed by the id folded to lower case (`PromptIDCase`).
  public let otherLocationsByID: [String: [PromptLocation]]
  /// Links and submodules in the head where a prompt folder belongs (a prompt's own linked
  /// text or card is in its `nonRegularFiles`).
  public let nonRegularFolders: [NonRegularEntry]
  /// Links the change leaves alone, already in the base at a prompt's text, card, file or
  /// folder, whose destination the change alters (`ChangedLinkTargets`; none for `check --all`,
  /// which reports every link).
  public let linksWithChangedDestinations: [NonRegularEntry]
  /// Changed `.gitattributes` lines that alter how prompt files are checked out (none for
  /// `check --all`, which compares nothing).
  public let attributeChanges: [AttributeChange]
}
