import Yams

/// The `promotion:` section of `.promptops.yml`. Environments, their promotion order, and the lock file that pins what runs where.
public struct PromotionSettings: Sendable, Equatable {
  public init() {}

  static func parse(_ node: Node, reader: ConfigReader) throws -> PromotionSettings {
    let settings = PromotionSettings()
    for (key, keyLine, _) in try reader.mapping(node, "promotion") {
      throw reader.unknownKey("promotion.\(key)", line: keyLine, known: [])
    }
    return settings
  }
}
