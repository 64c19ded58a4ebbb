import PromptModel

/// What a grader is asked for: text (a chat model's answer) or embeddings.
///
/// A grader spec names one provider, or, as promptfoo's provider type map
/// (`provider: {text: …, embedding: …}`), one per role; such a map is kept as one spec (id
/// `ProviderSpec.rolesID`, each role's spec in its config) so it goes into cache keys and
/// comparisons like any other, and is split into its providers when they are made.
enum GraderRole: String, CaseIterable, Sendable {
  case text
  case embedding

  /// The keys of promptfoo's type map; `classification` and `moderation` graders are refused.
  static let mapKeys: Set<String> = ["text", "embedding", "classification", "moderation"]
}

extension ProviderSpec {
  static let rolesID = "promptfoo:grader-by-role"

  var json: JSONValue {
    var object: [String: JSONValue] = ["id": .string(id)]
    if let label { object["label"] = .string(label) }
    if !config.isEmpty { object["config"] = .object(config) }
    return .object(object)
  }

  init?(json: JSONValue) {
    guard case .string(let id)? = json["id"] else { return nil }
    var config: [String: JSONValue] = [:]
    if case .object(let members)? = json["config"] { config = members }
    self.init(id: id, label: json["label"]?.stringValue, config: config)
  }

  /// The provider that plays `role`: the map's entry for it, or the spec itself when it is a
  /// single provider of that kind (an embedding model for embeddings, any other for text).
  func grader(for role: GraderRole) -> ProviderSpec? {
    if id == Self.rolesID { return config[role.rawValue].flatMap(ProviderSpec.init(json:)) }
    let isEmbedding = (try? ProviderKind.of(id))?.isEmbedding ?? false
    switch role {
    case .text: return isEmbedding ? nil : self
    case .embedding: return isEmbedding ? self : nil
    }
  }

  /// The providers behind this spec, each once.
  var graderParts: [ProviderSpec] {
    id == Self.rolesID ? GraderRole.allCases.compactMap { grader(for: $0) } : [self]
  }
}
