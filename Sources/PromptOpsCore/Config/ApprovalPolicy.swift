import Yams

/// The `approvals:` section of `.promptops.yml`. Which prompts need signed human approval, from whom, before merge or promotion.
public struct ApprovalPolicy: Sendable, Equatable {
  public init() {}

  static func parse(_ node: Node, reader: ConfigReader) throws -> ApprovalPolicy {
    let settings = ApprovalPolicy()
    for (key, keyLine, _) in try reader.mapping(node, "approvals") {
      throw reader.unknownKey("approvals.\(key)", line: keyLine, known: [])
    }
    return settings
  }
}
