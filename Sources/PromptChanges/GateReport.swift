import PromptModel

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

  package init(
    base: String?, head: String, prompts: [PromptSummary], findings: [Finding], statistics: Statistics,
    evals: [EvalSummary] = [], notices: [String] = []
  ) {
    self.base = base
    self.head = head
    self.prompts = prompts
    self.findings = findings
    self.statistics = statistics
    self.evals = evals
    self.notices = notices
  }

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

    package init(changedPaths: Int, promptsRead: Int, blobsRead: Int, treesRead: Int, phases: [PhaseTimer.Phase]) {
      self.changedPaths = changedPaths
      self.promptsRead = promptsRead
      self.blobsRead = blobsRead
      self.treesRead = treesRead
      self.phases = phases
    }
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

  package init(
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

    public init(name: String, file: String?, line: Int?, failure: AssertionFailure?) {
      self.name = name
      self.file = file
      self.line = line
      self.failure = failure
    }
  }

  /// "3/4 tests passed (75%, min 100%), score 0.80 (min 0.90)".
  public var line: String {
    func percent(_ value: Double) -> String { String(format: "%.0f%%", value * 100) }
    return "\(testsPassed)/\(tests) tests passed (\(percent(passRate)), min \(percent(minPassRate))), "
      + "score \(String(format: "%.2f", score)) (min \(String(format: "%.2f", minScore)))"
  }

  public init(
    id: String, version: String?, passed: Bool, passRate: Double, score: Double, minPassRate: Double,
    minScore: Double, tests: Int, testsPassed: Int, errors: [String], failures: [FailedTest]
  ) {
    self.id = id
    self.version = version
    self.passed = passed
    self.passRate = passRate
    self.score = score
    self.minPassRate = minPassRate
    self.minScore = minScore
    self.tests = tests
    self.testsPassed = testsPassed
    self.errors = errors
    self.failures = failures
  }
}

/// Why a test failed, in the words a reviewer needs: which check, what it expected, what the
/// grader said, and how the answer began.
public struct AssertionFailure: Sendable, Equatable, Codable {
  /// The assertion's type as written (`contains`, `not-icontains`, `llm-rubric`…).
  public var assertion: String
  /// The expected value, as text (cut).
  public var expected: String?
  /// The assertion's own reason (the grader's, for a model-graded one).
  public var reason: String
  /// The start of the answer that failed.
  public var answer: String

  public init(assertion: String, expected: String?, reason: String, answer: String) {
    self.assertion = assertion
    self.expected = expected
    self.reason = reason
    self.answer = answer
  }

  /// One line: "`contains` expected "Alice" (…reason…); the answer began "Hello Zed."".
  public var summary: String {
    var text = "`\(assertion)`"
    if let expected { text += " expected \"\(expected)\"" }
    if !reason.isEmpty { text += " (\(reason.excerpt(limit: 160, what: "reason")))" }
    return text + "; the answer began \"\(answer)\""
  }
}
