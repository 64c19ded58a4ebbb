import GitKit

/// What a run is judged by, resolved once from the one snapshot the run trusts, and handed to
/// every check: the layout, the rules and their severities, the eval settings, the approval
/// policy and reviewers, the promotion settings, and (read on demand from the same snapshot)
/// the allowed signers.
///
/// The trusted snapshot is the base of a change (HEAD for a pre-commit check, HEAD's parent for
/// an amend, the merge base for a pull request, the older commit of a range), so a change can
/// never choose how it is judged: a pull request that edits `.promptops.yml` to loosen a rule,
/// move the prompt roots away from its edit, drop a policy or add its own key is judged by the
/// configuration it changes, and its edit takes effect for the changes after it. A base without
/// `.promptops.yml` means the defaults, whatever the change adds for itself. A whole-tree audit
/// (`check --all`) has no base and reads the snapshot it audits; release commands read HEAD, the
/// branch's committed state.
///
/// No check reads `.promptops.yml` by itself: they are given this value.
public struct GateContext: Sendable {
  /// Where the configuration was read.
  public let source: Snapshot
  /// Whether `source` holds a `.promptops.yml` (false: the defaults apply).
  public let configured: Bool
  public let configuration: Configuration

  public init(configuration: Configuration, source: Snapshot, configured: Bool = true) {
    self.configuration = configuration
    self.source = source
    self.configured = configured
  }

  /// The defaults, for a run with nothing to trust (an empty base).
  public static let defaults = GateContext(configuration: Configuration(), source: .empty, configured: false)

  /// Reads `.promptops.yml` from `snapshot`; the defaults when it has none. A file that cannot be
  /// read or parsed stops the run (exit 2), naming the file and line: judging by the defaults
  /// instead would let a broken base loosen every rule.
  public static func load(from snapshot: Snapshot, in repository: Repository) throws -> GateContext {
    guard let bytes = try repository.contents(at: Configuration.fileName, in: snapshot) else {
      return GateContext(configuration: Configuration(), source: snapshot, configured: false)
    }
    guard let text = String(validating: bytes, as: UTF8.self) else {
      throw PromptOpsError.invalidConfiguration(
        file: Configuration.fileName, line: nil, message: "the file is not UTF-8 text" + Self.where(snapshot))
    }
    do {
      return GateContext(configuration: try Configuration.parse(text), source: snapshot)
    } catch PromptOpsError.invalidConfiguration(let file, let line, let message) {
      throw PromptOpsError.invalidConfiguration(file: file, line: line, message: message + Self.where(snapshot))
    }
  }

  /// Where to find the configuration that failed, when it is not the working tree's file.
  private static func `where`(_ snapshot: Snapshot) -> String {
    switch snapshot {
    case .commit(let id): " (as committed in \(id.hex.prefix(12)))"
    case .index: " (as staged)"
    case .empty: ""
    }
  }

  public var layout: PromptLayout { PromptLayout(configuration) }
}
