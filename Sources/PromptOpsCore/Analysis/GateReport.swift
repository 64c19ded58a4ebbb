/// The outcome of one run: what changed, what was found, and whether the gate passes.
public struct GateReport: Sendable {
  public let base: String?
  public let head: String
  public let prompts: [PromptSummary]
  public let findings: [Finding]
  public let statistics: Statistics

  /// Passing means no finding at error severity; warnings and notes never fail the gate.
  public var passed: Bool { !findings.contains { $0.severity == .error } }

  public func count(_ severity: Severity) -> Int { findings.filter { $0.severity == severity }.count }

  public struct Statistics: Sendable, Codable, Equatable {
    /// Files below the prompt roots that differ between the two sides.
    public let changedPaths: Int
    /// Prompt locations read (each on both sides).
    public let promptsRead: Int
    /// Git blobs read from the object database.
    public let blobsRead: Int
    /// Where the time went.
    public let phases: [PhaseTimer.Phase]
  }
}

/// One changed prompt, as the JSON contract lists it.
public struct PromptSummary: Codable, Sendable, Equatable {
  public let id: String
  public let path: String
  public let oldPath: String?
  public let status: PromptChange.Status
  public let oldVersion: String?
  public let newVersion: String?
  public let requiredBump: BumpLevel
  public let sha256: String?
  public let oldSha256: String?

  enum CodingKeys: String, CodingKey {
    case id, path, status, sha256
    case oldPath = "old_path"
    case oldVersion = "old_version"
    case newVersion = "new_version"
    case requiredBump = "required_bump"
    case oldSha256 = "old_sha256"
  }

  public func encode(to encoder: Encoder) throws {
    var container = encoder.container(keyedBy: CodingKeys.self)
    try container.encode(id, forKey: .id)
    try container.encode(path, forKey: .path)
    try container.encodeIfPresent(oldPath, forKey: .oldPath)
    try container.encode(status, forKey: .status)
    // The contract always carries these keys, null when a side has no version.
    try container.encode(oldVersion, forKey: .oldVersion)
    try container.encode(newVersion, forKey: .newVersion)
    try container.encode(requiredBump, forKey: .requiredBump)
    try container.encode(sha256, forKey: .sha256)
    try container.encodeIfPresent(oldSha256, forKey: .oldSha256)
  }
}
