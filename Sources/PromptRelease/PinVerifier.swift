import Foundation
import GitKit
import PromptModel

/// `promptops verify`: proves that every pin and every release tag still names the content it
/// recorded, and that every pin was made by a promotion. Suitable for a deploy step: exit 1 on
/// any mismatch.
///
/// The lock file is pushable state anyone can edit by hand, so a pin counts only when what a
/// promotion leaves behind agrees with it: the release tag of its version on its commit recording
/// its hash, a `promote` or `rollback` event for it in the audit log, and, with `enforce_order`,
/// a pin of the same content in the previous environment.
public struct PinVerifier {
  public let workspace: ReleaseWorkspace

  public init(workspace: ReleaseWorkspace) { self.workspace = workspace }

  public struct Report: Sendable, Encodable {
    public var pinsChecked = 0
    public var tagsChecked = 0
    public var environments: [String] = []
    public var findings: [Finding] = []
    public var passed: Bool { !findings.contains { $0.severity == .error } }

    enum CodingKeys: String, CodingKey {
      case passed, findings, environments
      case pinsChecked = "pins_checked"
      case tagsChecked = "tags_checked"
    }

    public func encode(to encoder: Encoder) throws {
      var container = encoder.container(keyedBy: CodingKeys.self)
      try container.encode(passed, forKey: .passed)
      try container.encode(pinsChecked, forKey: .pinsChecked)
      try container.encode(tagsChecked, forKey: .tagsChecked)
      try container.encode(environments, forKey: .environments)
      try container.encode(findings, forKey: .findings)
    }
  }

  /// Checks the pins of `environment` (all when nil) and every release tag.
  public func verify(environment: String? = nil) throws -> Report {
    if let environment { _ = try workspace.environment(environment) }
    let repository = workspace.repository
    let lockPath = workspace.settings.lockFile
    let lockText =
      FileManager.default.contents(atPath: workspace.lockStore.path).map { String(decoding: $0, as: UTF8.self) } ?? ""
    let lock = try workspace.lockStore.read()
    var report = Report()
    var timelines: [String: PromptTimeline] = [:]
    let provenance = PinProvenance(workspace: workspace, lock: lock)

    for name in lock.environments.keys.sorted() where environment == nil || name == environment {
      report.environments.append(name)
      for (id, pin) in lock.environments[name, default: [:]].sorted(by: { $0.key < $1.key }) {
        report.pinsChecked += 1
        let line = Self.line(of: id, inEnvironment: name, of: lockText)
        func mismatch(_ message: String) {
          report.findings.append(
            Finding(
              rule: .pinMismatch, prompt: id, file: lockPath, line: line,
              message: "\(name): \(id) \(pin.version): \(message)"))
        }
        guard let commit = ObjectID(hex: pin.commit), repository.commitExists(commit) else {
          mismatch("the pinned commit \(pin.commit) is not in this repository (fetch it, or promote again)")
          continue
        }
        guard let actual = try workspace.contentHash(path: pin.path, commit: commit) else {
          mismatch("commit \(pin.commit.prefix(12)) has no \(pin.path)")
          continue
        }
        if actual != pin.sha256 {
          mismatch(
            "the content of \(pin.path) at commit \(pin.commit.prefix(12)) has sha256 \(actual), but the pin records \(pin.sha256)"
          )
          continue
        }
        let prompt = try PromptFinder.find(
          textPath: pin.path, in: .commit(commit), repository: repository, layout: workspace.layout)
        guard let card = prompt?.card, card.id == id, PromptVersion(card.version.text) == PromptVersion(pin.version)
        else {
          mismatch(
            "the card at commit \(pin.commit.prefix(12)) says \(prompt?.card.map { "\($0.id) \($0.version.text)" } ?? "nothing readable"), not \(id) \(pin.version)"
          )
          continue
        }
        if timelines[id] == nil {
          timelines[id] = try PromptTimeline(
            id: id, repository: repository, layout: workspace.layout, from: workspace.head)
        }
        guard let released = timelines[id]?.version(pin.version) else {
          mismatch("version \(pin.version) is not in the card history reachable from HEAD")
          continue
        }
        if released.sha256 != pin.sha256 {
          mismatch(
            "version \(pin.version) in the card history has sha256 \(released.sha256), not the pinned \(pin.sha256)")
          continue
        }
        let tagName = workspace.settings.tagName(id: id, version: pin.version)
        let tag = try repository.tag(named: tagName)
        if let tag, tag.commit != commit {
          report.findings.append(
            Finding(
              rule: .tagMismatch, prompt: id, file: lockPath, line: line,
              message:
                "\(name): tag \(tagName) points to commit \(tag.commit.hex.prefix(12)), but the pin is commit \(pin.commit.prefix(12))"
            ))
        }
        for problem in try provenance.problems(
          of: pin, id: id, environment: name, tag: tag, tagName: tagName, commit: commit)
        {
          mismatch(problem)
        }
      }
    }

    for name in try repository.tagNames(withPrefix: workspace.settings.tagPrefix) {
      guard let tag = try repository.tag(named: name) else { continue }
      report.tagsChecked += 1
      let file = "refs/tags/" + name
      guard let recorded = ReleaseTagMessage.parse(tag.message) else {
        report.findings.append(
          Finding(
            rule: .tagMismatch, prompt: name, file: file, line: 1,
            message:
              "\(name) is \(tag.tagObject == nil ? "a lightweight tag" : "an annotated tag") without a promptops release message (id, version, sha256, path); the \(workspace.settings.tagPrefix) prefix is reserved for release tags"
          ))
        continue
      }
      if name != workspace.settings.tagName(id: recorded.id, version: recorded.version) {
        report.findings.append(
          Finding(
            rule: .tagMismatch, prompt: recorded.id, file: file, line: 1,
            message:
              "\(name) records \(recorded.id) \(recorded.version), whose tag would be \(workspace.settings.tagName(id: recorded.id, version: recorded.version))"
          ))
        continue
      }
      let actual = try workspace.contentHash(path: recorded.path, commit: tag.commit)
      if actual != recorded.sha256 {
        report.findings.append(
          Finding(
            rule: .tagMismatch, prompt: recorded.id, file: file, line: 1,
            message:
              "\(name) records sha256 \(recorded.sha256) for \(recorded.path), but the tagged commit \(tag.commit.hex.prefix(12)) holds "
              + (actual.map { "sha256 \($0)" } ?? "no such file")))
      }
    }
    return report
  }

  /// The 1-based line of `"id":` inside the environment's block of the lock file's text.
  static func line(of id: String, inEnvironment environment: String, of text: String) -> Int {
    let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
    guard
      let start = lines.firstIndex(where: { $0.trimmingCharacters(in: .whitespaces).hasPrefix("\"\(environment)\"") })
    else { return 1 }
    for index in start..<lines.count where lines[index].trimmingCharacters(in: .whitespaces).hasPrefix("\"\(id)\"") {
      return index + 1
    }
    return start + 1
  }

  /// Text lines in the compiler's shape, then a summary.
  public static func renderText(_ report: Report) -> String {
    var out = ""
    for finding in report.findings {
      out += "\(finding.file):\(finding.line): \(finding.severity.rawValue)[\(finding.rule)] \(finding.message)\n"
    }
    let verdict = report.passed ? "verified" : "failed"
    out +=
      "\(verdict): \(report.pinsChecked) pin\(report.pinsChecked == 1 ? "" : "s") in \(report.environments.count) environment\(report.environments.count == 1 ? "" : "s"), "
      + "\(report.tagsChecked) release tag\(report.tagsChecked == 1 ? "" : "s"), \(report.findings.count) mismatch\(report.findings.count == 1 ? "" : "es")\n"
    return out
  }
}
