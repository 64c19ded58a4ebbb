import Foundation

/// The message of a release tag `prompt/<id>/v<version>`: a title line, then `key: value` lines
/// that `verify` reads back (id, version, sha256, path) and that people read in `git show`.
public struct ReleaseTagMessage: Sendable, Equatable {
  public var id: String
  public var version: String
  public var sha256: String
  public var path: String
  public var evals: String
  public var approvers: [String]

  public init(id: String, version: String, sha256: String, path: String, evals: String, approvers: [String]) {
    self.id = id
    self.version = version
    self.sha256 = sha256
    self.path = path
    self.evals = evals
    self.approvers = approvers
  }

  public var text: String {
    """
    promptops release \(id) \(version)

    id: \(id)
    version: \(version)
    sha256: \(sha256)
    path: \(path)
    evals: \(evals)
    approvers: \(approvers.isEmpty ? "none" : approvers.joined(separator: ", "))

    """
  }

  /// Reads the fields back; nil when the message is not a promptops release message. A
  /// signature block git appends after the message is ignored.
  public static func parse(_ message: String) -> ReleaseTagMessage? {
    var fields: [String: String] = [:]
    for line in message.split(separator: "\n", omittingEmptySubsequences: false) {
      if line.hasPrefix("-----BEGIN ") { break }
      guard let colon = line.firstIndex(of: ":") else { continue }
      let key = String(line[..<colon])
      guard ["id", "version", "sha256", "path", "evals", "approvers"].contains(key), fields[key] == nil else {
        continue
      }
      fields[key] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
    }
    guard let id = fields["id"], let version = fields["version"], let sha = fields["sha256"], let path = fields["path"]
    else {
      return nil
    }
    let approvers = fields["approvers"].map { $0 == "none" ? [] : $0.components(separatedBy: ", ") } ?? []
    return ReleaseTagMessage(
      id: id, version: version, sha256: sha, path: path, evals: fields["evals"] ?? "", approvers: approvers)
  }
}
