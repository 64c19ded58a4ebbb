import Foundation
import GitKit
import PromptModel

/// `promptops history`: a prompt's whole trail from git. Who changed it and why, did it pass,
/// who approved, where it ran, and what was rolled back.
public struct PromptHistory: Sendable, Encodable {
  public struct Entry: Sendable, Encodable {
    public var version: String
    public var commit: String
    public var author: String
    public var date: String
    public var subject: String
    public var changelog: [String]
    public var sha256: String
    public var evals: Evals
    public var approvals: [Approval]
    public var promotions: [Promotion]
    public var rollbacks: [RollbackEntry]
    /// Environments where this version is pinned now.
    public var pinnedIn: [String]

    enum CodingKeys: String, CodingKey {
      case version, commit, author, date, subject, changelog, sha256, evals, approvals, promotions, rollbacks
      case pinnedIn = "pinned_in"
    }
  }

  /// The newest eval outcome recorded in the notes: history, not evidence (anyone who can push
  /// the notes can write one), so it is shown as recorded and unverified. Promotion decides on
  /// evals it runs itself.
  public struct Evals: Sendable, Encodable {
    public var status: String
    public var summary: String
    /// Always "recorded": read from `refs/notes/promptops`, not run.
    public var source = "recorded"
    /// Always false: a recorded note is not verified.
    public var verified = false
  }

  public struct Approval: Sendable, Encodable {
    public var environment: String
    public var approvers: [String]
    public var findings: [String]
  }

  public struct Promotion: Sendable, Encodable, Hashable {
    public var environment: String
    public var at: String
    public var by: String
  }

  public struct RollbackEntry: Sendable, Encodable {
    public var environment: String
    public var at: String
    public var by: String
    /// "from" and "to" versions: this version is one of them.
    public var from: String
    public var to: String
    public var reason: String
    public var revalidation: String?
    public var restoredAs: String?

    enum CodingKeys: String, CodingKey {
      case environment, at, by, from, to, reason, revalidation
      case restoredAs = "restored_as"
    }
  }

  public let id: String
  /// Oldest first.
  public let versions: [Entry]

  public init(id: String, workspace: ReleaseWorkspace) throws {
    self.id = id
    let repository = workspace.repository
    let timeline = try PromptTimeline(id: id, repository: repository, layout: workspace.layout, from: workspace.head)
    guard !timeline.versions.isEmpty else {
      throw PromptOpsError.promptNotFound(
        id: id, detail: "in the history of HEAD (looked in \(workspace.layout.roots.joined(separator: ", ")))")
    }
    let lock = try workspace.lockStore.read()
    let lockHistory = try LockHistory(repository: repository, lockPath: workspace.settings.lockFile)
    let events = try workspace.auditLog.read().filter { $0.promptID == id }

    // Every pin the lock ever held (working file first, then the committed history).
    var pins: [(environment: String, pin: LockFile.Pin)] = []
    for state in [lock] + lockHistory.states.map(\.lock) {
      for (environment, entries) in state.environments {
        if let pin = entries[id] { pins.append((environment, pin)) }
      }
    }

    var entries: [Entry] = []
    for version in timeline.versions {
      let info = try repository.commitInfo(version.commit)
      let sha = version.sha256
      let recorded = try workspace.evidence.recordedEvals(promptID: id, sha256: sha)
      var approvals: [Approval] = []
      for environment in workspace.settings.environments {
        let found = try workspace.evidence.approvals(
          promptID: id, version: version.version, sha256: sha, environment: environment.name, commit: version.commit)
        if found.available || environment.requiresApproval {
          approvals.append(
            Approval(environment: environment.name, approvers: found.approvers, findings: found.findings))
        }
      }
      var promotions = Set<Promotion>()
      // A pin or event belongs to a version by version and hash: a restored version shares its
      // hash with the one it restores, not its promotions.
      func same(_ otherVersion: String, _ otherSha: String) -> Bool {
        otherSha == sha && PromptVersion(otherVersion) == PromptVersion(version.version)
      }
      for (environment, pin) in pins where same(pin.version, pin.sha256) && pin.rollback == nil {
        promotions.insert(Promotion(environment: environment, at: pin.promotedAt, by: pin.promotedBy))
      }
      for event in events where event.event == .promote && same(event.to.version, event.to.sha256) {
        promotions.insert(Promotion(environment: event.environment, at: event.at, by: event.by))
      }
      var rollbacks: [RollbackEntry] = []
      var seenRollbacks = Set<String>()
      for event in events
      where event.event == .rollback
        && (same(event.to.version, event.to.sha256) || event.from.map({ same($0.version, $0.sha256) }) ?? false
          || event.restoredAs.map({ PromptVersion($0) == PromptVersion(version.version) }) ?? false)
      {
        seenRollbacks.insert(event.environment + event.at)
        rollbacks.append(
          RollbackEntry(
            environment: event.environment, at: event.at, by: event.by, from: event.from?.version ?? "?",
            to: event.to.version,
            reason: event.reason ?? "", revalidation: event.revalidation, restoredAs: event.restoredAs))
      }
      for (environment, pin) in pins where same(pin.version, pin.sha256) {
        guard let record = pin.rollback, !seenRollbacks.contains(environment + pin.promotedAt) else { continue }
        seenRollbacks.insert(environment + pin.promotedAt)
        rollbacks.append(
          RollbackEntry(
            environment: environment, at: pin.promotedAt, by: pin.promotedBy, from: record.fromVersion, to: pin.version,
            reason: record.reason, revalidation: record.revalidation, restoredAs: nil))
      }
      let pinnedIn = lock.environments.filter { $0.value[id].map { same($0.version, $0.sha256) } ?? false }.map(\.key)
      let environmentOrder = workspace.settings.environments.map(\.name)
      func rank(_ name: String) -> Int { environmentOrder.firstIndex(of: name) ?? Int.max }
      entries.append(
        Entry(
          version: version.version, commit: version.commit.hex, author: "\(info.authorName) <\(info.authorEmail)>",
          date: Self.format(info.time), subject: info.summary,
          changelog: Self.changelogLines(
            of: version.prompt, version: version.version, repository: repository, commit: version.commit),
          sha256: sha, evals: Evals(status: recorded.status.rawValue, summary: recorded.summary), approvals: approvals,
          promotions: promotions.sorted { ($0.at, rank($0.environment)) < ($1.at, rank($1.environment)) },
          rollbacks: rollbacks.sorted { $0.at < $1.at },
          pinnedIn: pinnedIn.sorted { rank($0) < rank($1) }))
    }
    versions = entries
  }

  static func format(_ date: Date) -> String {
    UTCTime.rfc3339(date)
  }

  /// What the changelog says about `version`: the entry's `changes` (a string or a list), the
  /// new lines of a `|` block that name it, or the body of its CHANGELOG.md section.
  static func changelogLines(of prompt: Prompt, version: String, repository: Repository, commit: ObjectID) -> [String] {
    if let markdown = prompt.changelogMarkdown, prompt.card?.changelog == nil {
      var lines: [String] = []
      var inSection = false
      for line in markdown.components(separatedBy: "\n") {
        if line.hasPrefix("## ") {
          inSection = Changelog.markdownVersions(line).contains { PromptVersion($0) == PromptVersion(version) }
          continue
        }
        let trimmed = line.trimmingCharacters(in: .whitespaces)
        if inSection, !trimmed.isEmpty {
          lines.append(trimmed.hasPrefix("- ") ? String(trimmed.dropFirst(2)) : trimmed)
        }
      }
      return lines
    }
    guard let cardBytes = try? repository.contents(at: prompt.location.cardPath, in: .commit(commit)) else { return [] }
    let yaml: String
    if prompt.location.kind == .singleFile {
      guard let front = FrontMatter(cardBytes) else { return [] }
      yaml = front.yaml
    } else {
      yaml = String(decoding: cardBytes, as: UTF8.self)
    }
    guard let root = try? YAMLValue.parse(yaml), let changelog = root["changelog"] else { return [] }
    if let items = changelog.sequence {
      for item in items {
        guard let itemVersion = item["version"]?.scalarString, PromptVersion(itemVersion) == PromptVersion(version)
        else {
          continue
        }
        guard let changes = item["changes"] else { return [] }
        if let text = changes.scalarString { return [text] }
        return changes.sequence?.compactMap(\.scalarString) ?? []
      }
      return []
    }
    guard let block = changelog.scalarString else { return [] }
    return block.components(separatedBy: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
      .filter { !$0.isEmpty && $0.contains(version) }
  }

  // MARK: - Rendering

  public enum Format: String, CaseIterable, Sendable { case text, json, markdown }

  public func render(_ format: Format) -> String {
    switch format {
    case .json:
      return ((try? JSONWriter.pretty(self)).map { String(decoding: $0, as: UTF8.self) } ?? "{}") + "\n"
    case .text:
      var out = "\(id): \(versions.count) version\(versions.count == 1 ? "" : "s")\n"
      for entry in versions.reversed() {
        out += "\n\(entry.version)  \(entry.commit.prefix(12))  \(entry.date)  \(entry.author)\n"
        out += "  sha256    \(entry.sha256)\n"
        out += "  commit    \(entry.subject)\n"
        for line in entry.changelog { out += "  changelog \(line)\n" }
        out += "  evals     recorded (unverified) \(entry.evals.status): \(entry.evals.summary)\n"
        for approval in entry.approvals {
          out +=
            "  approval  \(approval.environment): "
            + (approval.approvers.isEmpty ? "none" : approval.approvers.joined(separator: ", "))
            + (approval.findings.isEmpty ? "" : " (\(approval.findings.joined(separator: "; ")))") + "\n"
        }
        for promotion in entry.promotions {
          out += "  promoted  \(promotion.environment) at \(promotion.at) by \(promotion.by)\n"
        }
        for rollback in entry.rollbacks {
          out +=
            "  rollback  \(rollback.environment) \(rollback.from) → \(rollback.to) at \(rollback.at) by \(rollback.by): \(rollback.reason)"
            + (rollback.revalidation.map { " (revalidation \($0))" } ?? "")
            + (rollback.restoredAs.map { ", restored as \($0)" } ?? "") + "\n"
        }
        if !entry.pinnedIn.isEmpty { out += "  pinned    \(entry.pinnedIn.joined(separator: ", "))\n" }
      }
      return out
    case .markdown:
      func cell(_ text: String) -> String {
        text.replacingOccurrences(of: "|", with: "\\|").replacingOccurrences(of: "\n", with: " ")
      }
      var out =
        "## History of `\(id)`\n\n| version | commit | author | date | changelog | sha256 | evals | approvals | promotions | rollbacks | pinned in |\n"
      out += "|---|---|---|---|---|---|---|---|---|---|---|\n"
      for entry in versions.reversed() {
        let approvals = entry.approvals.map {
          "\($0.environment): \($0.approvers.isEmpty ? "none" : $0.approvers.joined(separator: ", "))"
        }
        let promotions = entry.promotions.map { "\($0.environment) \($0.at) by \($0.by)" }
        let rollbacks = entry.rollbacks.map {
          "\($0.environment) \($0.from) → \($0.to) \($0.at) by \($0.by): \($0.reason)"
        }
        let cells = [
          entry.version, "`\(entry.commit.prefix(12))`", entry.author, entry.date,
          entry.changelog.joined(separator: "; "),
          "`\(entry.sha256.prefix(12))`", "recorded (unverified) \(entry.evals.status): \(entry.evals.summary)",
          approvals.joined(separator: "<br>"),
          promotions.joined(separator: "<br>"), rollbacks.joined(separator: "<br>"),
          entry.pinnedIn.joined(separator: ", "),
        ]
        out += "| " + cells.map(cell).joined(separator: " | ") + " |\n"
      }
      return out
    }
  }
}
