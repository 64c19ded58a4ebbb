/// A provider as a suite declares it: its id, an optional label, and its `config` mapping.
///
/// The spec, not the live provider, goes into cache keys, so it holds no secrets: API keys are
/// read from the environment when the provider is made.
public struct ProviderSpec: Sendable, Hashable {
  public var id: String
  public var label: String?
  public var config: [String: JSONValue]

  public init(id: String, label: String? = nil, config: [String: JSONValue] = [:]) {
    self.id = id
    self.label = label
    self.config = config
  }
}
