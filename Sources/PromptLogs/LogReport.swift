import Foundation
import GitKit
import PromptModel
import PromptRelease

/// Production behaviour per prompt version, from execution logs: calls, tokens, cost, latency,
/// eval pass rate, errors; and drift: logged prompt texts that are no version the repository
/// ever held (`log-unknown-hash`), or a version never pinned in the record's environment
/// (`log-unpinned-hash`).
public struct LogReport: Sendable, Encodable {
  public struct VersionStats: Sendable, Encodable {
    public let promptID: String
    public let versionHash: String
    public var versions: [String] = []
    public var environments: [String] = []
    public var calls = 0
    public var tokensInput = 0
    public var tokensOutput = 0
    public var costUSD = 0.0
    public var latencyP50Ms: Int?
    public var latencyP95Ms: Int?
    public var evalPassed = 0
    public var evalTotal = 0
    public var errors = 0
    public var firstSeen: String?
    public var lastSeen: String?
    /// Whether the repository's history holds this exact text.
    public var known = true

    public var evalPassRate: Double? { evalTotal == 0 ? nil : Double(evalPassed) / Double(evalTotal) }

    enum CodingKeys: String, CodingKey {
      case promptID = "prompt_id"
      case versionHash = "version_hash"
      case versions, environments, calls
      case tokensInput = "tokens_input"
      case tokensOutput = "tokens_output"
      case costUSD = "cost_usd"
      case latencyP50Ms = "latency_p50_ms"
      case latencyP95Ms = "latency_p95_ms"
      case evalPassRate = "eval_pass_rate"
      case errors
      case firstSeen = "first_seen"
      case lastSeen = "last_seen"
      case known
    }

    public func encode(to encoder: Encoder) throws {
      var c = encoder.container(keyedBy: CodingKeys.self)
      try c.encode(promptID, forKey: .promptID)
      try c.encode(versionHash, forKey: .versionHash)
      try c.encode(versions, forKey: .versions)
      try c.encode(environments, forKey: .environments)
      try c.encode(calls, forKey: .calls)
      try c.encode(tokensInput, forKey: .tokensInput)
      try c.encode(tokensOutput, forKey: .tokensOutput)
      try c.encode((costUSD * 1e6).rounded() / 1e6, forKey: .costUSD)
      try c.encode(latencyP50Ms, forKey: .latencyP50Ms)
      try c.encode(latencyP95Ms, forKey: .latencyP95Ms)
      try c.encode(evalPassRate, forKey: .evalPassRate)
      try c.encode(errors, forKey: .errors)
      try c.encode(firstSeen, forKey: .firstSeen)
      try c.encode(lastSeen, forKey: .lastSeen)
      try c.encode(known, forKey: .known)
    }
  }

  /// A drift finding: `log-unknown-hash` (no version in the repository has this text) or
  /// `log-unpinned-hash` (a known version the lock file never pinned in the record's environment).
  public struct Drift: Sendable, Encodable {
    public let rule: String
    public let promptID: String
    public let versionHash: String
    /// For `log-unpinned-hash`: the environment the records came from.
    public var environment: String? = nil
    public let calls: Int
    public let firstSeen: String?
    public let lastSeen: String?
    public let message: String
    /// Drift is an error: `logs report` exits 1 when there is any, and every format says so.
    public let severity = "error"

    enum CodingKeys: String, CodingKey {
      case rule, severity
      case promptID = "prompt_id"
      case versionHash = "version_hash"
      case environment, calls
      case firstSeen = "first_seen"
      case lastSeen = "last_seen"
      case message
    }

  }

  public var versions: [VersionStats] = []
  public var drift: [Drift] = []
  public var records = 0
  public var skipped = 0
  /// Records that named their prompt and text, before any filter: none, with lines skipped,
  /// means nothing in the files could be judged.
  public var readable = 0

  enum CodingKeys: String, CodingKey { case versions, drift, records, skipped }

  /// Options that select records.
  public struct Filter: Sendable {
    public var environment: String?
    public var since: Double?

    public init(environment: String? = nil, since: String? = nil) throws {
      self.environment = environment
      if let since {
        guard let seconds = RFC3339.epochSeconds(since, allowDate: true) else {
          throw PromptOpsError.usage("--since '\(since)' is not a date (2026-11-25) or an RFC 3339 date-time")
        }
        self.since = seconds
      }
    }
  }

  /// Nothing in the files could be judged: no record named its prompt and text, though lines
  /// were read. No drift then is no clean bill, and `logs report` must not pass.
  public var judgedNothing: Bool { readable == 0 && skipped > 0 }

  /// The report `logs report` prints: the records of `files` judged against every version the
  /// repository's history holds and against its lock file's pins.
  public static func build(
    files: [String], filter: Filter, repository: Repository, maxRecordBytes: Int = LogValidator.defaultMaxRecordBytes
  ) throws -> LogReport {
    let known = try KnownPromptVersions(repository: repository)
    let pinned = try PinnedVersions.load(repository: repository)
    return try build(files: files, filter: filter, known: known, pinned: pinned, maxRecordBytes: maxRecordBytes)
  }

  /// Reads the log files (streaming) and aggregates prompt-log records; records that are not
  /// valid prompt logs are counted as skipped (`logs validate` names them), but every record that
  /// names its prompt and text (`prompt_id`, `version_hash`, and for pins `environment`) is judged
  /// for drift: a record missing its cost is still a call of some text.
  ///
  /// With `pinned`, records of an environment the lock file has pinned anything in are also
  /// checked against that environment's pins.
  public static func build(
    files: [String], filter: Filter, known: KnownPromptVersions?, pinned: PinnedVersions? = nil,
    maxRecordBytes: Int = LogValidator.defaultMaxRecordBytes
  ) throws -> LogReport {
    var stats: [String: VersionStats] = [:]
    /// Every call of a text, valid prompt log or not: what drift is judged on.
    var sightings: [String: (promptID: String, hash: String, calls: Int, first: String?, last: String?)] = [:]
    /// (id, hash, environment) of records whose text was never pinned in their environment.
    var unpinned:
      [String: (promptID: String, hash: String, environment: String, calls: Int, first: String?, last: String?)] = [:]
    var durations: [String: [Int32]] = [:]
    var report = LogReport()
    func earlier(_ a: String?, _ b: String?) -> String? {
      guard let a, let b else { return a ?? b }
      return (RFC3339.epochSeconds(a) ?? 0) < (RFC3339.epochSeconds(b) ?? 0) ? a : b
    }
    func later(_ a: String?, _ b: String?) -> String? {
      guard let a, let b else { return a ?? b }
      return (RFC3339.epochSeconds(a) ?? 0) > (RFC3339.epochSeconds(b) ?? 0) ? a : b
    }
    for file in files {
      let reader = try LineReader(path: file, maxLineBytes: maxRecordBytes)
      while let next = try reader.next() {
        guard case .text(let line) = next else {
          report.skipped += 1
          continue
        }
        if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) { continue }
        guard let value = try? JSONValue.parse(Data(line)), case .object(let record) = value,
          case .string(let promptID)? = record["prompt_id"], case .string(let hash)? = record["version_hash"]
        else {
          report.skipped += 1
          continue
        }
        report.readable += 1
        var environment: String?
        if case .string(let text)? = record["environment"] { environment = text }
        var timestamp: String?
        if case .string(let text)? = record["timestamp"] { timestamp = text }
        if let wanted = filter.environment, environment != wanted { continue }
        if let since = filter.since {
          // A record that cannot say when it ran cannot be selected by time.
          guard let timestamp, let seconds = RFC3339.epochSeconds(timestamp) else {
            report.skipped += 1
            continue
          }
          if seconds < since { continue }
        }
        let key = promptID + "\u{0}" + hash
        var sighting = sightings[key] ?? (promptID, hash, 0, timestamp, timestamp)
        sighting.calls += 1
        sighting.first = earlier(sighting.first, timestamp)
        sighting.last = later(sighting.last, timestamp)
        sightings[key] = sighting
        if let pinned, let environment, pinned.covers(environment), !pinned.isPinned(promptID, hash, in: environment) {
          let unpinnedKey = key + "\u{0}" + environment
          var drift = unpinned[unpinnedKey] ?? (promptID, hash, environment, 0, timestamp, timestamp)
          drift.calls += 1
          drift.first = earlier(drift.first, timestamp)
          drift.last = later(drift.last, timestamp)
          unpinned[unpinnedKey] = drift
        }
        guard record["agent_trace"] == nil, LogRecordRules.check(record, as: .promptLog).isEmpty, let timestamp else {
          report.skipped += 1
          continue
        }
        report.records += 1
        var entry = stats[key] ?? VersionStats(promptID: promptID, versionHash: hash)
        entry.calls += 1
        if case .integer(let n)? = record["tokens_input"] { entry.tokensInput += Int(n) }
        if case .integer(let n)? = record["tokens_output"] { entry.tokensOutput += Int(n) }
        switch record["cost_usd"] {
        case .integer(let n)?: entry.costUSD += Double(n)
        case .number(let n)?: entry.costUSD += n
        default: break
        }
        if case .integer(let ms)? = record["duration_ms"] { durations[key, default: []].append(Int32(clamping: ms)) }
        if case .object(let results)? = record["eval_results"], case .bool(let passed)? = results["pass"] {
          entry.evalTotal += 1
          if passed { entry.evalPassed += 1 }
        }
        if let error = record["error"], error != .null {
          entry.errors += 1
        } else if case .object(let outputs)? = record["outputs"], let error = outputs["error"], error != .null {
          entry.errors += 1
        }
        if case .string(let version)? = record["version"], !entry.versions.contains(version) {
          entry.versions.append(version)
        }
        if let environment, !entry.environments.contains(environment) { entry.environments.append(environment) }
        entry.firstSeen = earlier(entry.firstSeen, timestamp)
        entry.lastSeen = later(entry.lastSeen, timestamp)
        stats[key] = entry
      }
    }
    func isKnown(_ promptID: String, _ hash: String) -> Bool {
      known.map { $0.byHash[hash]?.contains { $0.promptID == promptID } ?? false } ?? true
    }
    for (key, var entry) in stats {
      let sorted = (durations[key] ?? []).sorted()
      if !sorted.isEmpty {
        func percentile(_ p: Double) -> Int {
          Int(sorted[min(sorted.count - 1, Int((p * Double(sorted.count)).rounded(.up)) - 1)])
        }
        entry.latencyP50Ms = percentile(0.50)
        entry.latencyP95Ms = percentile(0.95)
      }
      entry.versions.sort()
      entry.environments.sort()
      entry.known = isKnown(entry.promptID, entry.versionHash)
      stats[key] = entry
    }
    report.versions = stats.values.sorted {
      ($0.promptID, $0.firstSeen ?? "", $0.versionHash) < ($1.promptID, $1.firstSeen ?? "", $1.versionHash)
    }
    report.drift = sightings.values.filter { !isKnown($0.promptID, $0.hash) }
      .sorted { ($0.promptID, $0.first ?? "", $0.hash) < ($1.promptID, $1.first ?? "", $1.hash) }
      .map { sighting in
        Drift(
          rule: "log-unknown-hash", promptID: sighting.promptID, versionHash: sighting.hash, calls: sighting.calls,
          firstSeen: sighting.first, lastSeen: sighting.last,
          message:
            "\(sighting.calls) call\(sighting.calls == 1 ? "" : "s") of '\(sighting.promptID)' ran a text (sha256 \(sighting.hash.prefix(12))…) that no version in the repository holds"
            + (sighting.first.map { ", from \($0)" } ?? "") + (sighting.last.map { " to \($0)" } ?? ""))
      }
    // A text no version holds is already log-unknown-hash; unpinned is about known versions.
    let unknown = Set(report.drift.map { $0.promptID + "\u{0}" + $0.versionHash })
    let unpinnedDrift = unpinned.values.filter { !unknown.contains($0.promptID + "\u{0}" + $0.hash) }
      .sorted { ($0.promptID, $0.environment, $0.first ?? "") < ($1.promptID, $1.environment, $1.first ?? "") }
      .map { drift -> Drift in
        let versions = known?.byHash[drift.hash]?.filter { $0.promptID == drift.promptID }.compactMap(\.version) ?? []
        let label = versions.isEmpty ? "a version" : "version " + versions.joined(separator: "/")
        var finding = Drift(
          rule: "log-unpinned-hash", promptID: drift.promptID, versionHash: drift.hash, calls: drift.calls,
          firstSeen: drift.first, lastSeen: drift.last,
          message:
            "\(drift.calls) call\(drift.calls == 1 ? "" : "s") of '\(drift.promptID)' in \(drift.environment) ran \(label) (sha256 \(drift.hash.prefix(12))…) that was never pinned in \(drift.environment)"
            + (drift.first.map { ", from \($0)" } ?? "") + (drift.last.map { " to \($0)" } ?? ""))
        finding.environment = drift.environment
        return finding
      }
    report.drift += unpinnedDrift
    return report
  }
}
