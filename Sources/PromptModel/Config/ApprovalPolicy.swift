/// The `approvals:` section of `.promptops.yml`. Which prompts need signed human approval, from whom, before merge or promotion.
///
///     approvals:
///       directory: approvals                        # records: approvals/<id>/*.yml
///       allowed_signers: .promptops/allowed_signers # trusted keys, git's format
///       require_signatures: true
///       reviewers:                                  # who may approve, with which roles
///         alice@example.com: [prompt-owner, security]
///       policies:
///         - prompts: ["support-*"]                  # ids or globs; omitted: every prompt
///           tags: [high-risk]                       # card tags; omitted: any
///           environments: [merge, prod]
///           roles: [security]                       # each needs an approver holding it
///           min_approvals: 2
///
/// The gate reads this section (and the allowed signers file) from the base of the change, so a
/// pull request can neither add its own key nor loosen its own policy.
public struct ApprovalPolicy: Sendable, Equatable {
  /// Where records live, relative to the repository root: `<directory>/<prompt id>/*.yml`.
  public var directory = "approvals"
  /// The `allowed_signers` file (repository-relative); nil when none is configured.
  public var allowedSigners: String?
  /// Unsigned records count only when this is false.
  public var requireSignatures = true
  /// Reviewer email → roles they may approve as; nil means any trusted signer, any role.
  public var reviewers: [String: [String]]?
  public var policies: [Entry] = []

  /// One `policies:` entry: which prompts, in which environments, need what.
  public struct Entry: Sendable, Equatable {
    public var prompts: [String]?
    public var tags: [String]?
    public var environments: [String]
    public var roles: [String] = []
    public var minApprovals = 1

    public init(
      prompts: [String]? = nil, tags: [String]? = nil, environments: [String], roles: [String] = [],
      minApprovals: Int = 1
    ) {
      self.prompts = prompts
      self.tags = tags
      self.environments = environments
      self.roles = roles
      self.minApprovals = minApprovals
    }

    /// The entry applies when the id matches one of `prompts` (if given) and the card carries
    /// one of `tags` (if given).
    func applies(to promptID: String, tags cardTags: [String], environment: String) -> Bool {
      guard environments.contains(environment) else { return false }
      if let prompts, !prompts.contains(where: { PromptIDGlob.matches(promptID, $0) }) {
        return false
      }
      if let tags, !tags.contains(where: cardTags.contains) { return false }
      return true
    }
  }

  /// What approving one prompt for one environment takes.
  public struct Requirement: Sendable, Equatable {
    public var roles: [String]
    public var minApprovals: Int
  }

  public init() {}

  /// The combined requirement of every entry that applies, or nil when none does.
  public func requirement(for promptID: String, tags: [String], environment: String) -> Requirement? {
    requirement(forAnyOf: [promptID], tags: tags, environment: environment)
  }

  /// The combined requirement of every entry that applies to any of `promptIDs` (one content
  /// known by several ids: a prompt renamed in the change).
  public func requirement(forAnyOf promptIDs: [String], tags: [String], environment: String) -> Requirement? {
    let applicable = policies.filter { entry in
      promptIDs.contains { entry.applies(to: $0, tags: tags, environment: environment) }
    }
    guard !applicable.isEmpty else { return nil }
    var roles: [String] = []
    for role in applicable.flatMap(\.roles) where !roles.contains(role) { roles.append(role) }
    return Requirement(roles: roles, minApprovals: applicable.map(\.minApprovals).max() ?? 1)
  }

  /// The roles a reviewer may approve as (nil: no reviewer list, so any).
  public func roles(of reviewer: String) -> [String]? {
    guard let reviewers else { return nil }
    return reviewers.first { $0.key.lowercased() == reviewer.lowercased() }?.value ?? []
  }

  static func parse(_ node: YAMLValue, reader: ConfigReader) throws -> ApprovalPolicy {
    var settings = ApprovalPolicy()
    let known = ["directory", "allowed_signers", "require_signatures", "reviewers", "policies"]
    for (key, keyLine, value) in try reader.mapping(node, "approvals") {
      switch key {
      case "directory":
        settings.directory = try repositoryPath(value, "approvals.directory", reader: reader)
      case "allowed_signers":
        settings.allowedSigners = try repositoryPath(value, "approvals.allowed_signers", reader: reader)
      case "require_signatures":
        settings.requireSignatures = try reader.bool(value, "approvals.require_signatures")
      case "reviewers":
        var reviewers: [String: [String]] = [:]
        for (email, emailLine, roles) in try reader.mapping(value, "approvals.reviewers") {
          guard email.contains("@") else {
            throw reader.invalid(emailLine, "`approvals.reviewers` is keyed by reviewer email; '\(email)' is not one")
          }
          reviewers[email] = try reader.strings(roles, "approvals.reviewers.\(email)")
        }
        settings.reviewers = reviewers
      case "policies":
        guard let items = value.sequence else {
          throw reader.invalid(value.line, "`approvals.policies` must be a list of policies")
        }
        settings.policies = try items.map { try parseEntry($0, reader: reader) }
      default:
        throw reader.unknownKey("approvals.\(key)", line: keyLine, known: known)
      }
    }
    return settings
  }

  private static func parseEntry(_ node: YAMLValue, reader: ConfigReader) throws -> Entry {
    var entry = Entry(environments: [])
    var sawEnvironments = false
    for (key, keyLine, value) in try reader.mapping(node, "approvals.policies[]") {
      switch key {
      case "prompts": entry.prompts = try reader.strings(value, "approvals.policies[].prompts")
      case "tags": entry.tags = try reader.strings(value, "approvals.policies[].tags")
      case "environments":
        entry.environments = try reader.strings(value, "approvals.policies[].environments")
        sawEnvironments = true
      case "roles": entry.roles = try reader.strings(value, "approvals.policies[].roles")
      case "min_approvals":
        entry.minApprovals = try reader.integer(value, "approvals.policies[].min_approvals", in: 1...100)
      default:
        throw reader.unknownKey(
          "approvals.policies[].\(key)", line: keyLine,
          known: ["prompts", "tags", "environments", "roles", "min_approvals"])
      }
    }
    guard sawEnvironments, !entry.environments.isEmpty else {
      throw reader.invalid(
        node.line, "each `approvals.policies` entry needs `environments` (e.g. [merge]): where approval is required")
    }
    return entry
  }

  private static func repositoryPath(_ node: YAMLValue, _ key: String, reader: ConfigReader) throws -> String {
    var path = try reader.string(node, key)
    while path.hasPrefix("./") { path.removeFirst(2) }
    while path.hasSuffix("/") { path.removeLast() }
    guard !path.isEmpty, !path.hasPrefix("/"), !path.split(separator: "/").contains("..") else {
      throw reader.invalid(node.line, "`\(key)` is a path inside the repository, relative to its top")
    }
    return path
  }
}
