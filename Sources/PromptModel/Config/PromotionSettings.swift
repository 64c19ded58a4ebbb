import Foundation

/// The `promotion:` section of `.promptops.yml`. Environments, their promotion order, and the lock file that pins what runs where.
///
/// ```yaml
/// promotion:
///   lock_file: promptops.lock            # JSON, schemas/lock.schema.json
///   audit_log: audit/promptops-audit.jsonl
///   tag_prefix: prompt/                  # release tags are <prefix><id>/v<version>
///   enforce_order: true                  # prod needs a prior staging pin of the same version
///   environments:                        # in promotion order
///     - dev
///     - name: staging
///       requires_evals: true
///     - name: prod
///       requires_evals: true
///       requires_approval: true
/// ```
public struct PromotionSettings: Sendable, Equatable {
  /// One deployment environment and the evidence a version needs before it is pinned there.
  public struct Environment: Sendable, Equatable {
    public var name: String
    /// Passing evals recorded for exactly this content are required (and a rollback's
    /// revalidation must pass).
    public var requiresEvals = false
    /// Verified approvals for exactly this content and environment are required.
    public var requiresApproval = false

    public init(name: String, requiresEvals: Bool = false, requiresApproval: Bool = false) {
      self.name = name
      self.requiresEvals = requiresEvals
      self.requiresApproval = requiresApproval
    }
  }

  /// Environments in promotion order (first is the least critical).
  public var environments: [Environment] = [
    Environment(name: "dev"), Environment(name: "staging"), Environment(name: "prod"),
  ]
  /// Whether a version must be pinned in the previous environment before the next one.
  public var enforceOrder = true
  /// Repository-relative path of the lock file.
  public var lockFile = "promptops.lock"
  /// Repository-relative path of the append-only audit log.
  public var auditLog = "audit/promptops-audit.jsonl"
  /// Prefix of release tag names: `<prefix><id>/v<version>`.
  public var tagPrefix = "prompt/"

  public init() {}

  /// The environment of this name, or nil when the configuration does not declare it.
  public func environment(named name: String) -> Environment? { environments.first { $0.name == name } }

  /// The environment a version must already be pinned in before `name` (nil for the first, or
  /// when order is not enforced).
  public func predecessor(of name: String) -> Environment? {
    guard enforceOrder, let index = environments.firstIndex(where: { $0.name == name }), index > 0 else { return nil }
    return environments[index - 1]
  }

  /// The release tag name of a prompt version.
  public func tagName(id: String, version: String) -> String {
    let bare = version.hasPrefix("v") ? String(version.dropFirst()) : version
    return "\(tagPrefix)\(id)/v\(bare)"
  }

  static func parse(_ node: YAMLValue, reader: ConfigReader) throws -> PromotionSettings {
    var settings = PromotionSettings()
    let known = ["environments", "enforce_order", "lock_file", "audit_log", "tag_prefix"]
    for (key, keyLine, value) in try reader.mapping(node, "promotion") {
      switch key {
      case "environments":
        guard let items = value.sequence, !items.isEmpty else {
          throw reader.invalid(
            value.line,
            "`promotion.environments` must be a non-empty list of environment names or {name, requires_evals, requires_approval}"
          )
        }
        var environments: [Environment] = []
        for item in items {
          var environment: Environment
          if let name = item.scalarText {
            environment = Environment(name: name)
          } else {
            var name: String?
            var parsed = Environment(name: "")
            for (field, fieldLine, fieldValue) in try reader.mapping(item, "promotion.environments[]") {
              switch field {
              case "name": name = try reader.string(fieldValue, "promotion.environments[].name")
              case "requires_evals":
                parsed.requiresEvals = try reader.bool(fieldValue, "promotion.environments[].requires_evals")
              case "requires_approval":
                parsed.requiresApproval = try reader.bool(fieldValue, "promotion.environments[].requires_approval")
              default:
                throw reader.unknownKey(
                  "promotion.environments[].\(field)", line: fieldLine,
                  known: ["name", "requires_evals", "requires_approval"])
              }
            }
            guard let name else {
              throw reader.invalid(item.line, "each entry of `promotion.environments` needs a `name`")
            }
            parsed.name = name
            environment = parsed
          }
          guard environment.name.range(of: #"^[A-Za-z0-9][A-Za-z0-9._-]*$"#, options: .regularExpression) != nil else {
            throw reader.invalid(
              item.line, "environment name '\(environment.name)' must be letters, digits, '.', '_' or '-'")
          }
          guard !environments.contains(where: { $0.name == environment.name }) else {
            throw reader.invalid(
              item.line, "environment '\(environment.name)' is listed twice in `promotion.environments`")
          }
          environments.append(environment)
        }
        settings.environments = environments
      case "enforce_order": settings.enforceOrder = try reader.bool(value, "promotion.enforce_order")
      case "lock_file": settings.lockFile = try relativePath(value, "promotion.lock_file", reader)
      case "audit_log": settings.auditLog = try relativePath(value, "promotion.audit_log", reader)
      case "tag_prefix":
        let prefix = try reader.string(value, "promotion.tag_prefix")
        guard !prefix.hasPrefix("/"), !prefix.contains(".."), !prefix.contains(" ") else {
          throw reader.invalid(
            value.line, "`promotion.tag_prefix` must be usable in a tag name (no leading '/', no '..', no spaces)")
        }
        settings.tagPrefix = prefix
      default:
        throw reader.unknownKey("promotion.\(key)", line: keyLine, known: known)
      }
    }
    return settings
  }

  private static func relativePath(_ node: YAMLValue, _ key: String, _ reader: ConfigReader) throws -> String {
    let path = try reader.string(node, key)
    guard !path.hasPrefix("/"), !path.split(separator: "/").contains(".."), !path.hasSuffix("/") else {
      throw reader.invalid(
        node.line, "`\(key)` is a file inside the repository, relative to its top; '\(path)' is not one")
    }
    return path
  }
}
