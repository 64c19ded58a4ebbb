/// Who stands behind a record that verified: the reviewer it names and, for a signed record, the
/// key and whoever else the allowed signers file lists for that key (see `KeyHolder`).
///
/// The gate asks two questions of it: whether the signatory changed the prompt under review
/// under any of their emails, and whether two approvals come from one person.
struct ApprovalSignatory: Sendable {
  /// The record's reviewer, lowercased.
  let reviewer: String
  /// `SHA256:…` of the signing key; nil for an unsigned record the policy accepts.
  let fingerprint: String?
  /// Nil for an unsigned record.
  let holder: KeyHolder?

  init(reviewer: String, key: SSHPublicKey?, signers: AllowedSigners?) {
    self.reviewer = reviewer.lowercased()
    fingerprint = key.map { "SHA256:" + $0.fingerprint }
    holder = key.flatMap { key in signers?.holder(of: key) }
  }

  /// One of `emails` (lowercased) this signatory may be, and the principal of the signing key
  /// that says so (nil when the reviewer is that email itself); nil when none of them.
  func match(in emails: Set<String>) -> (email: String, principal: String?)? {
    if emails.contains(reviewer) { return (reviewer, nil) }
    guard let holder else { return nil }
    for email in emails.sorted() {
      if let principal = holder.principal(naming: email) { return (email, principal) }
    }
    return nil
  }
}

extension ApprovalSignatory {
  /// Whether this signatory and `other` may be one person: the same reviewer, the same key, or
  /// a key listed for the other's reviewer. Unsigned records are told apart by reviewer only.
  func mayBeSamePerson(as other: ApprovalSignatory) -> Bool {
    if reviewer == other.reviewer { return true }
    if let fingerprint, fingerprint == other.fingerprint { return true }
    return holder?.principal(naming: other.reviewer) != nil || other.holder?.principal(naming: reviewer) != nil
  }

  /// The reviewers grouped into people, given who signed each one's records: two reviewers are
  /// one person when any record of one and any record of the other may be one signatory, and
  /// the groups are the connected components of that relation (a shares a key with b, b with c:
  /// a, b and c are one approver). Each group sorted, groups in order of their first reviewer.
  static func people(_ signatories: [String: [ApprovalSignatory]]) -> [[String]] {
    let reviewers = signatories.keys.sorted()
    var parent = Array(reviewers.indices)
    func root(_ index: Int) -> Int {
      var index = index
      while parent[index] != index { index = parent[index] }
      return index
    }
    for first in reviewers.indices {
      for second in reviewers.indices where second > first {
        let same = signatories[reviewers[first]]!.contains { one in
          signatories[reviewers[second]]!.contains { one.mayBeSamePerson(as: $0) }
        }
        if same { parent[root(second)] = root(first) }
      }
    }
    var groups: [Int: [String]] = [:]
    for index in reviewers.indices { groups[root(index), default: []].append(reviewers[index]) }
    return groups.values.map { $0.sorted() }.sorted { $0[0] < $1[0] }
  }
}
