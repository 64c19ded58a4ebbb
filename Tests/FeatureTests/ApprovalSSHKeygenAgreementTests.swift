import Foundation
import PromptApprovals
import TestSupport
import Testing

/// The allowed-signers questions (principal patterns, namespaces, validity windows in UTC and
/// in local time) asked of `ssh-keygen -Y verify` and of promptops's in-process verification,
/// over one real signature: the answers must be the same.
@Suite("Approvals: allowed signers agree with ssh-keygen")
struct ApprovalSSHKeygenAgreementTests {
  @Test func patternsNamespacesAndWindowsAgree() throws {
    let sshKeygen = try #require(which("ssh-keygen"), "ssh-keygen is needed")
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("promptops-signers-\(UUID().uuidString)")
      .path
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: folder) }
    var environment = ProcessInfo.processInfo.environment
    environment["HOME"] = folder
    environment["TZ"] = "Europe/Berlin"
    let keygen = try runProcess(
      sshKeygen, ["-q", "-t", "ed25519", "-N", "", "-f", folder + "/key"], in: folder, environment: environment)
    try #require(keygen.status == 0, "\(keygen.stderr)")
    let publicKey = try String(contentsOfFile: folder + "/key.pub", encoding: .utf8).split(separator: " ").prefix(2)
      .joined(separator: " ")
    let message = #"{"checklist":{},"prompt_id":"a"}"#
    let signed = try runProcess(
      sshKeygen, ["-Y", "sign", "-n", ApprovalRecord.signatureNamespace, "-f", folder + "/key"], in: folder,
      environment: environment,
      input: message)
    try #require(signed.status == 0, "\(signed.stderr)")
    try Data(signed.stdout.utf8).write(to: URL(fileURLWithPath: folder + "/message.sig"))
    let signature = try SSHSignature(armored: signed.stdout)
    let key = try signature.verify(message: Array(message.utf8), namespace: ApprovalRecord.signatureNamespace)
    let berlin = try #require(TimeZone(identifier: "Europe/Berlin"))

    // (principals, options, principal asked, verify time as YYYYMMDDHHMMSS UTC)
    let cases: [(String, String, String, String)] = [
      ("alice@example.com", "", "alice@example.com", "20260601120000"),
      ("alice@example.com", "", "Alice@example.com", "20260601120000"),
      ("*@example.com", "", "bob@example.com", "20260601120000"),
      ("*@example.com,!mallory@example.com", "", "mallory@example.com", "20260601120000"),
      ("a?ice@example.com", "", "alice@example.com", "20260601120000"),
      ("a?ice@example.com", "", "aliice@example.com", "20260601120000"),
      ("bob@example.com,carol@*", "", "carol@example.org", "20260601120000"),
      ("alice@example.com", "namespaces=\"promptops-*\"", "alice@example.com", "20260601120000"),
      ("alice@example.com", "namespaces=\"git,file\"", "alice@example.com", "20260601120000"),
      ("alice@example.com", "namespaces=\"*,!promptops-approval\"", "alice@example.com", "20260601120000"),
      ("alice@example.com", "valid-before=\"20260701Z\"", "alice@example.com", "20260630235959"),
      ("alice@example.com", "valid-before=\"20260701Z\"", "alice@example.com", "20260701000001"),
      ("alice@example.com", "valid-after=\"20260701Z\"", "alice@example.com", "20260630235959"),
      ("alice@example.com", "valid-after=\"20260701Z\"", "alice@example.com", "20260701000000"),
      // Local time in Europe/Berlin, which ssh-keygen reads as standard time (UTC+1) even in
      // summer: 2026-07-01 00:00 is 23:00 UTC the day before, and 12:30 is 11:30 UTC.
      ("alice@example.com", "valid-before=\"20260701\"", "alice@example.com", "20260630220001"),
      ("alice@example.com", "valid-before=\"20260701\"", "alice@example.com", "20260630230000"),
      ("alice@example.com", "valid-before=\"20260701\"", "alice@example.com", "20260630230001"),
      ("alice@example.com", "valid-after=\"202607011230\"", "alice@example.com", "20260701112959"),
      ("alice@example.com", "valid-after=\"202607011230\"", "alice@example.com", "20260701113000"),
      ("alice@example.com", "valid-after=\"202601151230\"", "alice@example.com", "20260115112959"),
      ("alice@example.com", "valid-after=\"202601151230\"", "alice@example.com", "20260115113000"),
      (
        "alice@example.com", "valid-after=\"20260101Z\",valid-before=\"20261231Z\",namespaces=\"promptops-approval\"",
        "alice@example.com", "20260601120000"
      ),
    ]
    var accepted = 0
    for (principals, options, principal, time) in cases {
      let line = options.isEmpty ? "\(principals) \(publicKey)" : "\(principals) \(options) \(publicKey)"
      try Data((line + "\n").utf8).write(to: URL(fileURLWithPath: folder + "/allowed_signers"))
      let verify = try runProcess(
        sshKeygen,
        [
          "-Y", "verify", "-f", folder + "/allowed_signers", "-I", principal, "-n", ApprovalRecord.signatureNamespace,
          "-s",
          folder + "/message.sig", "-Overify-time=\(time)Z",
        ],
        in: folder, environment: environment, input: message)
      let signers = try AllowedSigners(line, file: "allowed_signers", timeZone: berlin)
      let at = try #require(
        ISO8601DateFormatter().date(
          from:
            "\(time.prefix(4))-\(time.dropFirst(4).prefix(2))-\(time.dropFirst(6).prefix(2))T\(time.dropFirst(8).prefix(2)):\(time.dropFirst(10).prefix(2)):\(time.dropFirst(12))Z"
        ))
      let ours: Bool
      switch signers.authorize(key: key, principal: principal, namespace: signature.namespace, at: at) {
      case .success: ours = true
      case .failure: ours = false
      }
      #expect(
        ours == (verify.status == 0),
        "\(line) for \(principal) at \(time): promptops \(ours), ssh-keygen \(verify.stderr)")
      if ours { accepted += 1 }
    }
    // Both verdicts occur, so agreement is not an artefact of everything failing.
    #expect(accepted > 3 && accepted < cases.count - 3)
  }
}
