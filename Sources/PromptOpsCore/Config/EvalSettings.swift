import Yams

/// The `evals:` section of `.promptops.yml`. How evals run: suites, providers, concurrency, cache and thresholds.
public struct EvalSettings: Sendable, Equatable {
  public init() {}

  static func parse(_ node: Node, reader: ConfigReader) throws -> EvalSettings {
    let settings = EvalSettings()
    for (key, keyLine, _) in try reader.mapping(node, "evals") {
      throw reader.unknownKey("evals.\(key)", line: keyLine, known: [])
    }
    return settings
  }
}
