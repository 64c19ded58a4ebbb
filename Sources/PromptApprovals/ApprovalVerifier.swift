import Foundation
import GitKit
import PromptModel

/// What the verifier trusts: the policy, the keys, and the severities findings get. The gate
/// loads it from the base of the change; `approvals verify` and promotion from the snapshot
/// they check.
public struct ApprovalTrust: Sendable {
  public let policy: ApprovalPolicy
  /// Nil when the policy names no allowed signers file: then no signature can verify.
  public let signers: AllowedSigners?
  public let configuration: Configuration

  public init(configuration: Configuration, signers: AllowedSigners?) {
    self.configuration = configuration
    self.policy = configuration.approvals
    self.signers = signers
  }

  /// Reads the allowed signers file the configuration names from `snapshot`. A named file that
  /// is missing or malformed stops the run (exit 2): trust must never fall back to "nobody
  /// checks".
  public static func load(_ configuration: Configuration, from repository: Repository, snapshot: Snapshot) throws
    -> ApprovalTrust
  {
    guard let path = configuration.approvals.allowedSigners else {
      return ApprovalTrust(configuration: configuration, signers: nil)
    }
    guard let bytes = try repository.contents(at: path, in: snapshot) else {
      throw PromptOpsError.invalidConfiguration(
        file: Configuration.fileName, line: nil,
        message:
          "`approvals.allowed_signers` names \(path), which is not in \(snapshot.reportName ?? "the empty tree"); "
          + "add the file (git's allowed signers format) or remove the setting")
    }
    let signers = try AllowedSigners(String(decoding: bytes, as: UTF8.self), file: path)
    return ApprovalTrust(configuration: configuration, signers: signers)
  }
}

extension GateContext {
  /// The approval policy and the keys it trusts, both from `source`.
  public func approvalTrust(in repository: Repository) throws -> ApprovalTrust {
    try ApprovalTrust.load(configuration, from: repository, snapshot: source)
  }
}

/// An approval that holds: signed by a trusted key (or unsigned where the policy allows it), by
/// an allowed reviewer with an allowed role, for exactly the content checked.
public struct VerifiedApproval: Sendable, Equatable {
  public let reviewer: String
  public let role: String
  public let reviewedAt: Date
  public let file: String
  /// `SHA256:…` of the key that signed; nil for an unsigned record the policy accepts.
  public let keyFingerprint: String?
}

/// The outcome of checking one prompt's approvals for one environment.
public struct ApprovalVerdict: Sendable {
  /// Nil when the policy requires no approval for this prompt and environment.
  public let requirement: ApprovalPolicy.Requirement?
  /// Distinct reviewers whose latest valid decision for this content is `approved`.
  public let approvers: [VerifiedApproval]
  /// The people among `approvers`: approvals signed with one key, or by reviewers one key is
  /// listed for, are one approver (see `ApprovalSignatory.people`). What `min_approvals` counts.
  public let distinctApprovers: Int
  public let findings: [Finding]

  /// No error-level finding.
  public var passed: Bool { !findings.contains { $0.severity == .error } }
}

/// The content being approved, and where findings about it point.
public struct ApprovalSubject: Sendable {
  public let promptID: String
  public let version: String
  public let sha256: String
  /// The card tags policies select on: the card's, and in a pull request the base card's as
  /// well, so a change that drops a tag (`high-risk`) is still judged by what the tag required.
  public let tags: [String]
  /// Other ids whose policies apply to this content too: in a pull request, the ids of prompts
  /// the change deletes, so renaming `support-bot` to `bot` does not leave a `support-*` policy.
  public var formerIDs: [String] = []
  /// The prompt's files (for findings, and for who authored changes to them).
  public let location: PromptLocation
  public let cardLine: Int

  public init(
    promptID: String, version: String, sha256: String, tags: [String], location: PromptLocation, cardLine: Int = 1
  ) {
    self.promptID = promptID
    self.version = version
    self.sha256 = sha256
    self.tags = tags
    self.location = location
    self.cardLine = cardLine
  }

  /// What approving this content for `environment` takes under `policy`: the entries that
  /// select its id, a former id, or one of its tags.
  package func requirement(under policy: ApprovalPolicy, environment: String) -> ApprovalPolicy.Requirement? {
    policy.requirement(forAnyOf: [promptID] + formerIDs, tags: tags, environment: environment)
  }

  /// The prompt as it stands, selected by its card's tags and `baseTags` (the tags of its card
  /// at the base of a change; none for a prompt the change adds).
  public init?(_ prompt: Prompt, baseTags: [String] = []) {
    guard let card = prompt.card, let sha256 = prompt.sha256 else { return nil }
    let tags = card.tags + baseTags.filter { !card.tags.contains($0) }
    self.init(
      promptID: card.id, version: card.version.text, sha256: sha256, tags: tags, location: prompt.location,
      cardLine: card.lines.version)
  }
}

/// Checks approval records against a policy and allowed signers.
public struct ApprovalVerifier {
  let repository: Repository
  let trust: ApprovalTrust
  /// Where the records are read (the head of a change).
  let records: Snapshot
  /// Earlier states of the records (the base of a change and each commit of its range): a
  /// rejection there that verified still stands when the head no longer holds it.
  let earlierRecords: [Snapshot]
  /// Records dated later than this (plus a little clock skew) are refused.
  let now: Date

  public init(
    repository: Repository, trust: ApprovalTrust, records: Snapshot, earlierRecords: [Snapshot] = [], now: Date = Date()
  ) {
    self.repository = repository
    self.trust = trust
    self.records = records
    self.earlierRecords = earlierRecords
    self.now = now
  }

  /// A record file that could be read, with where it lives.
  struct LoadedRecord {
    let path: String
    let record: ApprovalRecord
  }

  /// A record that holds for the content checked, and who stands behind it.
  struct Decision {
    let record: ApprovalRecord
    let path: String
    let signatory: ApprovalSignatory
    /// False for a rejection only an earlier snapshot holds (the change removed or replaced it).
    let atHead: Bool

    /// The reviewer's later word: the later `reviewed_at`; at the same second, a record at the
    /// head over a removed one (the reviewer replaced it), else the one read last.
    func supersedes(_ other: Decision) -> Bool {
      if record.reviewedAt != other.record.reviewedAt { return record.reviewedAt > other.record.reviewedAt }
      return atHead || !other.atHead
    }
  }

  /// Verifies the approvals of `subject` for `environment`. `authors` are the (lowercased)
  /// emails of whoever changed the prompt in the range under review (authors, committers and
  /// co-authors, see `Repository.changeIdentities`); their approvals do not count, whichever
  /// email they sign as: a signed record's reviewer is also every principal the allowed signers
  /// file lists for its key (see `KeyHolder`).
  ///
  /// Each reviewer's latest valid decision on this content stands. Approvals are read from
  /// `records` only, rejections also from `earlierRecords`: a rejection the change deleted still
  /// blocks until the content changes or the same reviewer approves it at the head, later.
  public func verify(_ subject: ApprovalSubject, environment: String, authors: Set<String> = []) throws
    -> ApprovalVerdict
  {
    guard let requirement = subject.requirement(under: trust.policy, environment: environment) else {
      return ApprovalVerdict(requirement: nil, approvers: [], distinctApprovers: 0, findings: [])
    }
    var findings: [Finding] = []
    func report(_ rule: RuleID, _ file: String, _ line: Int, _ message: String) {
      guard let severity = trust.configuration.severity(of: rule) else { return }
      findings.append(
        Finding(rule: rule, severity: severity, prompt: subject.promptID, file: file, line: line, message: message))
    }
    // A record for this content that failed with an error already explains why nothing counts;
    // the totals below then add no second finding saying the same.
    var currentRecordFailed = false
    func reject(_ rule: RuleID, _ file: String, _ line: Int, _ message: String) {
      report(rule, file, line, message)
      if trust.configuration.severity(of: rule) == .error { currentRecordFailed = true }
    }

    let folder = trust.policy.directory + "/" + subject.promptID
    let (current, removed) = try loadRecords(in: folder, report: report)

    var decisions: [Decision] = []
    var sawCurrent = false
    // A stale record reported as an error already says why nothing approves this content; at a
    // lower severity it must not stand in for `approval-missing`, or the gate would pass.
    var staleExplains = false
    for item in current {
      switch check(item.record, of: subject, environment: environment, authors: authors) {
      case .unrelated: continue
      case .stale(let line, let message):
        report(.approvalStale, item.path, line, message)
        if trust.configuration.severity(of: .approvalStale) == .error { staleExplains = true }
      case .refused(let rule, let line, let message):
        sawCurrent = true
        reject(rule, item.path, line, message)
      case .holds(let signatory):
        sawCurrent = true
        decisions.append(Decision(record: item.record, path: item.path, signatory: signatory, atHead: true))
      }
    }
    // An approval the change removed approves nothing, and lifts no rejection.
    for item in removed where item.record.decision != .approved {
      guard case .holds(let signatory) = check(item.record, of: subject, environment: environment, authors: authors)
      else { continue }
      decisions.append(Decision(record: item.record, path: item.path, signatory: signatory, atHead: false))
    }

    // Each reviewer's latest word stands.
    var standing: [String: Decision] = [:]
    // Who signed each reviewer's valid records (any decision): the keys that tie reviewers together.
    var signatories: [String: [ApprovalSignatory]] = [:]
    for decision in decisions {
      let reviewer = decision.signatory.reviewer
      signatories[reviewer, default: []].append(decision.signatory)
      if standing[reviewer].map(decision.supersedes) ?? true { standing[reviewer] = decision }
    }

    var approvers: [VerifiedApproval] = []
    for (_, entry) in standing.sorted(by: { $0.key < $1.key }) {
      let record = entry.record
      switch record.decision {
      case .approved:
        approvers.append(
          VerifiedApproval(
            reviewer: record.reviewer, role: record.role, reviewedAt: record.reviewedAt, file: entry.path,
            keyFingerprint: entry.signatory.fingerprint))
      case .rejected, .changesRequested:
        let notes = record.notes.isEmpty ? "" : ": \(record.notes.excerpt(limit: 500, what: "notes"))"
        let removal =
          entry.atHead
          ? ""
          : " (the record was removed in this change; a rejection stands until the content changes or \(record.reviewer) approves it later)"
        report(
          .approvalRejected, entry.path, record.lines.decision,
          "\(record.reviewer) \(record.decision == .rejected ? "rejected" : "requested changes to") \(subject.promptID) \(subject.version)\(notes)\(removal)"
        )
      }
    }

    let people = ApprovalSignatory.people(
      signatories.filter { reviewer, _ in approvers.contains { $0.reviewer.lowercased() == reviewer } })
    let cardFile = subject.location.cardPath
    if !sawCurrent && !staleExplains {
      report(
        .approvalMissing, cardFile, subject.cardLine,
        "\(subject.promptID) \(subject.version) (sha256 \(subject.sha256.prefix(12))…) needs approval for \(environment) and has none under \(folder)/; "
          + "a reviewer runs `promptops approve \(subject.promptID) --env \(environment) --role ROLE` and commits the record"
      )
    } else if sawCurrent && !(approvers.isEmpty && currentRecordFailed) {
      let held = Set(approvers.map(\.role))
      let lacking = requirement.roles.filter { !held.contains($0) }
      if !lacking.isEmpty {
        report(
          .approvalUnauthorized, cardFile, subject.cardLine,
          "\(subject.promptID) \(subject.version) needs approval for \(environment) by role \(lacking.joined(separator: ", ")); "
            + (approvers.isEmpty
              ? "no valid approval holds it" : "valid approvals hold only \(held.sorted().joined(separator: ", "))"))
      }
      if people.count < requirement.minApprovals {
        let oneKey =
          people.contains { $0.count > 1 }
          ? "; approvals signed with one key, or as emails one key is listed for, count once" : ""
        report(
          .approvalInsufficient, cardFile, subject.cardLine,
          "\(subject.promptID) \(subject.version) needs \(requirement.minApprovals) distinct approvers for \(environment), has \(people.count)"
            + (people.isEmpty
              ? "" : " (\(people.map { $0.joined(separator: " = ") }.joined(separator: ", "))\(oneKey))"))
      }
    }
    return ApprovalVerdict(
      requirement: requirement, approvers: approvers, distinctApprovers: people.count, findings: findings)
  }

  /// The record files of one prompt's folder: those at `records` (one that cannot be read is a
  /// finding), and those only `earlierRecords` held (removed or replaced since). Each distinct
  /// folder tree is listed once and each distinct blob read once; an earlier record that cannot
  /// be read could not verify, so it is left out.
  func loadRecords(
    in folder: String, report: (RuleID, String, Int, String) -> Void
  ) throws -> (current: [LoadedRecord], removed: [LoadedRecord]) {
    func isRecord(_ file: FileEntry) -> Bool { file.path.hasSuffix(".yml") || file.path.hasSuffix(".yaml") }
    var current: [LoadedRecord] = []
    var read: Set<ObjectID> = []
    for file in try repository.files(under: [folder], in: records) where isRecord(file) {
      read.insert(file.id)
      let text = String(decoding: try repository.blob(file.id), as: UTF8.self)
      do {
        current.append(LoadedRecord(path: file.path, record: try ApprovalRecord.parse(text, file: file.path)))
      } catch {
        guard case .record(_, let line, let message) = error else { throw error }
        report(
          .approvalSignature, file.path, line,
          "the approval record cannot be read, so it cannot be verified: \(message)")
      }
    }
    var removed: [LoadedRecord] = []
    var listed: Set<ObjectID> = []
    for snapshot in earlierRecords {
      let files: [FileEntry]
      if case .commit(let commit) = snapshot {
        guard let tree = try repository.treeID(at: folder, inCommit: commit), listed.insert(tree).inserted else {
          continue
        }
        files = try repository.files(inTree: tree, at: folder)
      } else {
        files = try repository.files(under: [folder], in: snapshot)
      }
      for file in files where isRecord(file) && read.insert(file.id).inserted {
        let text = String(decoding: try repository.blob(file.id), as: UTF8.self)
        do {
          removed.append(LoadedRecord(path: file.path, record: try ApprovalRecord.parse(text, file: file.path)))
        } catch {
          continue  // it could not verify, so it never stood
        }
      }
    }
    return (current, removed)
  }

  /// What one record says about the content checked.
  enum RecordCheck {
    /// Another environment, or another version with other content: history, not about this content.
    case unrelated
    /// About this prompt, but not its exact content (or another prompt's record in its folder).
    case stale(line: Int, message: String)
    /// For this content, but it does not hold.
    case refused(RuleID, line: Int, message: String)
    /// For this content, and it holds.
    case holds(ApprovalSignatory)
  }

  /// Checks one record against the content, the allowed signers, the reviewers and roles of the
  /// policy, and who changed the prompt.
  func check(_ record: ApprovalRecord, of subject: ApprovalSubject, environment: String, authors: Set<String>)
    -> RecordCheck
  {
    guard record.environment == environment else { return .unrelated }
    if record.promptID != subject.promptID {
      return .stale(
        line: record.lines.promptID,
        message:
          "this record approves prompt '\(record.promptID)', not '\(subject.promptID)': an approval does not carry over to another prompt"
      )
    }
    let sameVersion = record.version == subject.version
    let sameContent = record.sha256 == subject.sha256
    if !sameVersion && !sameContent { return .unrelated }  // an earlier version's approval: history
    if !sameVersion || !sameContent {
      let what =
        sameVersion
        ? "version \(record.version) was approved with content \(record.sha256.prefix(12))…, but it is now \(subject.sha256.prefix(12))… (edited after approval)"
        : "this content was approved as version \(record.version), but it is now version \(subject.version)"
      return .stale(
        line: sameVersion ? record.lines.sha256 : record.lines.version,
        message: what + "; approve the current content again")
    }
    let key: SSHPublicKey?
    switch signingKey(of: record) {
    case .failure(let why): return .refused(.approvalSignature, line: record.lines.signature, message: why.description)
    case .success(let value): key = value
    }
    if let allowed = trust.policy.roles(of: record.reviewer) {
      guard !allowed.isEmpty else {
        return .refused(
          .approvalUnauthorized, line: record.lines.reviewer,
          message: "\(record.reviewer) is not among the reviewers of `approvals.reviewers`")
      }
      guard allowed.contains(record.role) else {
        return .refused(
          .approvalUnauthorized, line: record.lines.role,
          message: "\(record.reviewer) may approve as \(allowed.joined(separator: ", ")), not as '\(record.role)'")
      }
    }
    let signatory = ApprovalSignatory(reviewer: record.reviewer, key: key, signers: trust.signers)
    if let (author, principal) = signatory.match(in: authors) {
      return .refused(
        .approvalSelf, line: record.lines.reviewer,
        message: Self.selfApproval(record.reviewer, author, principal, subject.promptID))
    }
    return .holds(signatory)
  }

  /// Why an approval by someone who changed the prompt does not count.
  static func selfApproval(_ reviewer: String, _ author: String, _ principal: String?, _ promptID: String) -> String {
    let changed =
      "changed \(promptID) (as the author, committer or a co-author of a commit under review that changed it)"
    guard let principal else {
      return "\(reviewer) \(changed), so cannot approve it; remove this record and ask another reviewer"
    }
    if principal == author {
      return "\(reviewer) signed with a key the allowed signers file also lists for \(author), who \(changed): "
        + "one person cannot approve their own change under another email"
    }
    return
      "\(reviewer) signed with a key the allowed signers file lists for the pattern \(principal), which matches \(author), "
      + "who \(changed): a pattern names no one person, so the key's holder may be \(author) and cannot approve"
  }

  /// Checks a record's signature against the allowed signers, for the reviewer it names, at
  /// its `reviewed_at`: the key fingerprint when it holds, nil for an unsigned record the policy
  /// accepts, or why it fails. This is the verdict `ssh-keygen -Y verify -I reviewer -n
  /// promptops-approval -Overify-time=reviewed_at` gives on the record's canonical bytes.
  public func checkSignature(_ record: ApprovalRecord) -> Result<String?, ApprovalError> {
    signingKey(of: record).map { $0.map { "SHA256:" + $0.fingerprint } }
  }

  /// `checkSignature`, giving the key that signed.
  func signingKey(of record: ApprovalRecord) -> Result<SSHPublicKey?, ApprovalError> {
    guard let armored = record.signature else {
      return trust.policy.requireSignatures
        ? .failure(
          ApprovalError.signatureRejected(
            "the record is not signed, and `approvals.require_signatures` is on; sign it with `promptops approve`"))
        : .success(nil)
    }
    guard record.reviewedAt <= now.addingTimeInterval(300) else {
      return .failure(
        ApprovalError.signatureRejected(
          "reviewed_at \(ApprovalRecord.formatTimestamp(record.reviewedAt)) lies in the future"))
    }
    let signature: SSHSignature
    do {
      signature = try SSHSignature(armored: armored)
    } catch {
      return .failure(error)
    }
    let key: SSHPublicKey
    do {
      key = try signature.verify(message: record.canonicalBytes, namespace: ApprovalRecord.signatureNamespace)
    } catch {
      return .failure(error)
    }
    guard let signers = trust.signers else {
      return .failure(
        ApprovalError.signatureRejected("no `approvals.allowed_signers` file is configured, so no key is trusted"))
    }
    switch signers.authorize(
      key: key, principal: record.reviewer, namespace: signature.namespace, at: record.reviewedAt)
    {
    case .success: return .success(key)
    case .failure(let refusal):
      return .failure(ApprovalError.signatureRejected(refusal.description + " (\(signers.file))"))
    }
  }
}
