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
