import Foundation
import GitKit
import PromptChanges
import PromptModel

/// `promptops approve`: builds the record for a prompt's content as it stands at HEAD (or in
/// the index), signs it, and files it under the approvals folder.
public struct ApprovalAuthoring {
  public struct Request: Sendable {
    public var promptID: String
    /// When given, must equal the card's version: the reviewer confirms what they approve.
    public var version: String?
    public var environment: String
    public var role: String
    public var decision: ApprovalRecord.Decision
    public var notes: String
    public var checks: [ApprovalRecord.ChecklistItem]
    public var reviewer: String?
    public var key: String?
    /// Approve the content staged in the index rather than HEAD's.
    public var staged: Bool
    /// Replace an existing record of the same reviewer, version and environment.
    public var replace: Bool

    public init(
      promptID: String, version: String? = nil, environment: String, role: String,
      decision: ApprovalRecord.Decision = .approved,
      notes: String = "", checks: [ApprovalRecord.ChecklistItem] = [], reviewer: String? = nil, key: String? = nil,
      staged: Bool = false, replace: Bool = false
    ) {
      self.promptID = promptID
      self.version = version
      self.environment = environment
      self.role = role
      self.decision = decision
      self.notes = notes
      self.checks = checks
      self.reviewer = reviewer
      self.key = key
      self.staged = staged
      self.replace = replace
    }
  }

  /// What was written.
  public struct Outcome: Sendable {
    public let record: ApprovalRecord
    /// Repository-relative path of the record file.
    public let path: String
  }

  public let repository: Repository

  public init(repository: Repository) { self.repository = repository }

  public func approve(_ request: Request, now: Date = Date()) throws -> Outcome {
    guard let workingDirectory = repository.workingDirectory else {
      throw PromptOpsError.usage("approve writes a record into the working tree; this repository is bare")
    }
    let snapshot: Snapshot
    if request.staged {
      snapshot = .index
    } else if let head = try repository.headCommit() {
      snapshot = .commit(head)
    } else {
      throw PromptOpsError.usage(
        "there is no commit to approve yet; commit the prompt first (or pass --staged for the index)")
    }
    let lookup = PromptLookup(repository: repository)
    // Records go where the committed configuration says the gate will look for them, and must
    // verify against the keys and reviewers it names.
    let context = try GateContext.load(from: try repository.headCommit().map { .commit($0) } ?? .empty, in: repository)
    let configuration = context.configuration
    let place = request.staged ? "the index" : "HEAD"
    guard let prompt = try lookup.prompt(withID: request.promptID, in: snapshot, configuration: configuration) else {
      throw PromptOpsError.promptNotFound(id: request.promptID, detail: "at \(place)")
    }
    guard let card = prompt.card, let sha256 = prompt.sha256 else {
      let why = prompt.problems.first.map { "\($0.file):\($0.line): \($0.message)" } ?? "its card or text is missing"
      throw PromptOpsError.usage("\(request.promptID) cannot be approved as it stands at \(place): \(why)")
    }
    if let version = request.version, version != card.version.text {
      throw PromptOpsError.usage(
        "\(request.promptID) is version \(card.version.text) at \(place), not \(version); approve what is there, or commit the version you mean first"
      )
    }
    for (name, value) in [("--env", request.environment), ("--role", request.role)] where !Self.isPlainName(value) {
      throw PromptOpsError.usage("\(name) '\(value)' must be a plain name (letters, digits, '.', '_', '-')")
    }
    guard let reviewer = try request.reviewer ?? repository.configString("user.email"), !reviewer.isEmpty else {
      throw PromptOpsError.usage("no reviewer: pass --reviewer EMAIL or set `git config user.email`")
    }
    guard reviewer.contains("@"), !reviewer.contains(where: { $0.isWhitespace || $0 == "/" }) else {
      throw PromptOpsError.usage("reviewer '\(reviewer)' is not an email address")
    }

    var checklist: [ApprovalRecord.ChecklistItem: Bool] = [:]
    for item in request.checks { checklist[item] = true }
    let unsigned = ApprovalRecord(
      promptID: card.id, version: card.version.text, sha256: sha256, environment: request.environment,
      reviewer: reviewer,
      role: request.role, decision: request.decision, reviewedAt: now, checklist: checklist, notes: request.notes)

    let folder = configuration.approvals.directory + "/" + card.id
    let name = "\(card.version.text)-\(request.environment)-\(reviewer.lowercased()).yml"
    let relative = folder + "/" + name
    let absolute = (workingDirectory.hasSuffix("/") ? workingDirectory : workingDirectory + "/") + relative
    if !request.replace && FileManager.default.fileExists(atPath: absolute) {
      throw PromptOpsError.io(
        path: relative,
        message: "a record of this reviewer for this version and environment exists; pass --replace to supersede it")
    }

    // A scratch folder only for a key given as text (`key::ssh-…`), which ssh-keygen reads from a file.
    var scratch: String?
    defer { if let scratch { try? FileManager.default.removeItem(atPath: scratch) } }
    let signer = try ApprovalSigner.resolve(
      key: request.key, gitSigningKey: try repository.configString("user.signingkey")
    ) {
      let made = try TemporaryFolder.create(prefix: "promptops-approve")
      scratch = made
      return made
    }
    let signed = try signer.sign(unsigned)
    try Self.requireVerifiable(
      signed, repository: repository, trust: try context.approvalTrust(in: repository), now: now)
    try AtomicFile.write(Data(signed.yaml.utf8), to: absolute, replacing: request.replace)
    return Outcome(record: signed, path: relative)
  }

  /// A record the gate would refuse is not written: one that blocked the gate beside a valid
  /// approval, or that nobody noticed did not count, helps no one. Its signature must verify
  /// against the allowed signers of HEAD's configuration, for the reviewer it names, and the
  /// reviewer must hold the role in `approvals.reviewers` (when the policy lists reviewers).
  static func requireVerifiable(_ record: ApprovalRecord, repository: Repository, trust: ApprovalTrust, now: Date)
    throws
  {
    let verifier = ApprovalVerifier(repository: repository, trust: trust, records: .empty, now: now)
    if case .failure(let problem) = verifier.checkSignature(record) {
      throw PromptOpsError.usage(
        "the record would not verify, so it was not written: \(problem.description); the gate reads "
          + "`approvals.allowed_signers` as HEAD's .promptops.yml names it: list this key there for \(record.reviewer) "
          + "(namespaces=\"\(ApprovalRecord.signatureNamespace)\"), or sign with a key that is listed (--key)")
    }
    if let roles = trust.policy.roles(of: record.reviewer), !roles.contains(record.role) {
      throw PromptOpsError.usage(
        roles.isEmpty
          ? "\(record.reviewer) is not among `approvals.reviewers`, so the approval would not count; it was not written"
          : "\(record.reviewer) may approve as \(roles.joined(separator: ", ")), not as '\(record.role)'; it was not written"
      )
    }
  }

  static func isPlainName(_ text: String) -> Bool {
    !text.isEmpty
      && text.unicodeScalars.allSatisfy {
        $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || "._-".unicodeScalars.contains($0))
      }
  }
}
