import PromptModel

/// The part of SARIF 2.1.0 that `SARIFReporter` writes, as types: a misspelt property is a
/// compile error here, where in a dictionary it would only fail the schema test. Field names are
/// SARIF's own. `base` and a prompt's `version` are written as null when absent, as earlier
/// reports wrote them.
struct SARIFLog: Encodable {
  var schema = "https://json.schemastore.org/sarif-2.1.0.json"
  var version = "2.1.0"
  var runs: [Run]

  enum CodingKeys: String, CodingKey {
    case schema = "$schema"
    case version, runs
  }

  struct Text: Encodable {
    var text: String
    var markdown: String?
  }

  struct Run: Encodable {
    var tool: Tool
    var originalUriBaseIds: [String: BaseID]
    var results: [Result]
    var properties: RunProperties
  }

  struct Tool: Encodable { var driver: Driver }

  struct Driver: Encodable {
    var name: String
    var semanticVersion: String
    var rules: [Rule]
  }

  struct Rule: Encodable {
    var id: String
    var name: String
    var shortDescription: Text
    var fullDescription: Text
    var help: Text
    var defaultConfiguration: Configuration
  }

  struct Configuration: Encodable { var level: String }

  struct BaseID: Encodable { var description: Text }

  struct Result: Encodable {
    var ruleId: String
    var ruleIndex: Int?
    var level: String
    var message: Text
    var locations: [Location]
    var partialFingerprints: [String: String]
    var properties: ResultProperties
  }

  struct Location: Encodable { var physicalLocation: PhysicalLocation }

  struct PhysicalLocation: Encodable {
    var artifactLocation: ArtifactLocation
    var region: Region
  }

  struct ArtifactLocation: Encodable {
    var uri: String
    var uriBaseId: String
  }

  struct Region: Encodable { var startLine: Int }

  struct ResultProperties: Encodable { var prompt: String }

  struct RunProperties: Encodable {
    var base: String?
    var head: String
    var passed: Bool
    var evals: [EvalProperties]

    func encode(to encoder: Encoder) throws {
      var container = encoder.container(keyedBy: CodingKeys.self)
      try container.encode(base, forKey: .base)  // null when absent
      try container.encode(head, forKey: .head)
      try container.encode(passed, forKey: .passed)
      try container.encode(evals, forKey: .evals)
    }

    enum CodingKeys: String, CodingKey { case base, head, passed, evals }
  }

  struct EvalProperties: Encodable {
    var id: String
    var version: String?
    var passed: Bool
    var passRate: Double
    var score: Double
    var minPassRate: Double
    var minScore: Double
    var tests: Int
    var testsPassed: Int
    var summary: String

    func encode(to encoder: Encoder) throws {
      var container = encoder.container(keyedBy: CodingKeys.self)
      try container.encode(id, forKey: .id)
      try container.encode(version, forKey: .version)  // null when absent
      try container.encode(passed, forKey: .passed)
      try container.encode(passRate, forKey: .passRate)
      try container.encode(score, forKey: .score)
      try container.encode(minPassRate, forKey: .minPassRate)
      try container.encode(minScore, forKey: .minScore)
      try container.encode(tests, forKey: .tests)
      try container.encode(testsPassed, forKey: .testsPassed)
      try container.encode(summary, forKey: .summary)
    }

    enum CodingKeys: String, CodingKey {
      case id, version, passed, passRate, score, minPassRate, minScore, tests, testsPassed, summary
    }
  }
}
