/// The outcome of one run: what changed, what was found, and whether the gate passes.
public struct GateReport: Sendable {
  public let base: String?
  public let head: String
  public let prompts: [PromptSummary]
  public let findings: [Finding]
  public let statistics: Statistics
  /// Each prompt the run evaluated, with its pass rate and score against its thresholds.
  public var evals: [EvalSummary] = []
  /// What the run reported that is no finding and changes no verdict (an eval note not recorded).
  public var notices: [String] = []

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
    /// Git trees read entry by entry: compared with another, or listed by a walk.
    public let treesRead: Int
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
  /// SHA-256 of the text on each side, hashed only when a report writes them.
  private let digest: ContentDigest?
  private let oldDigest: ContentDigest?

  public var sha256: String? { digest?.hex }
  public var oldSha256: String? { oldDigest?.hex }

  init(
    id: String, path: String, oldPath: String?, status: PromptChange.Status, oldVersion: String?, newVersion: String?,
    requiredBump: BumpLevel, digest: ContentDigest?, oldDigest: ContentDigest?
  ) {
    self.id = id
    self.path = path
    self.oldPath = oldPath
    self.status = status
    self.oldVersion = oldVersion
    self.newVersion = newVersion
    self.requiredBump = requiredBump
    self.digest = digest
    self.oldDigest = oldDigest
  }

  enum CodingKeys: String, CodingKey {
    case id, path, status, sha256
    case oldPath = "old_path"
    case oldVersion = "old_version"
    case newVersion = "new_version"
    case requiredBump = "required_bump"
    case oldSha256 = "old_sha256"
  }

  public init(from decoder: Decoder) throws {
    let container = try decoder.container(keyedBy: CodingKeys.self)
    id = try container.decode(String.self, forKey: .id)
    path = try container.decode(String.self, forKey: .path)
    oldPath = try container.decodeIfPresent(String.self, forKey: .oldPath)
    status = try container.decode(PromptChange.Status.self, forKey: .status)
    oldVersion = try container.decodeIfPresent(String.self, forKey: .oldVersion)
    newVersion = try container.decodeIfPresent(String.self, forKey: .newVersion)
    requiredBump = try container.decode(BumpLevel.self, forKey: .requiredBump)
    digest = try container.decodeIfPresent(String.self, forKey: .sha256).map(ContentDigest.init(hex:))
    oldDigest = try container.decodeIfPresent(String.self, forKey: .oldSha256).map(ContentDigest.init(hex:))
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

/// How one evaluated prompt did, as every report format shows it: pass rate and score against
/// the thresholds, and for the tests that failed, what failed.
public struct EvalSummary: Sendable, Codable, Equatable {
  public let id: String
  public let version: String?
  public let passed: Bool
  public let passRate: Double
  public let score: Double
  public let minPassRate: Double
  public let minScore: Double
  public let tests: Int
  public let testsPassed: Int
  /// Why the evals could not run, when they could not (the first few).
  public let errors: [String]
  /// The first failing tests (at most five), where they are written and what failed.
  public let failures: [FailedTest]

  public struct FailedTest: Sendable, Codable, Equatable {
    public let name: String
    public let file: String?
    public let line: Int?
    public let failure: AssertionFailure?
  }

  /// "3/4 tests passed (75%, min 100%), score 0.80 (min 0.90)".
  public var line: String {
    func percent(_ value: Double) -> String { String(format: "%.0f%%", value * 100) }
    return "\(testsPassed)/\(tests) tests passed (\(percent(passRate)), min \(percent(minPassRate))), "
      + "score \(String(format: "%.2f", score)) (min \(String(format: "%.2f", minScore)))"
  }

  init(_ result: PromptEvalResult, plan: PromptEvalPlan?) {
    id = result.id
    version = result.header.version
    passed = result.passed
    passRate = result.passRate
    score = result.score
    minPassRate = result.header.thresholds.minPassRate
    minScore = result.header.thresholds.minScore
    tests = max(result.header.unitCount, result.units.count)
    testsPassed = result.units.filter(\.passed).count
    errors = Array(result.errors.prefix(3)).map { $0.excerpt(limit: 300, what: "error") }
    failures = result.units.filter { !$0.passed && $0.error == nil }.prefix(5).map { verdict in
      let test = plan?.units.first { $0.key == verdict.key }?.test
      return FailedTest(name: verdict.testName, file: test?.file, line: test?.line, failure: verdict.failure)
    }
  }
}
