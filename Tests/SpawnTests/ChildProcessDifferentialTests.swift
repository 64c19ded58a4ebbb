import Foundation
import Spawn
import Subprocess
import Testing

/// `ChildProcess` is promptops' own spawner, kept instead of swift-subprocess for what that library
/// does not offer (a synchronous call, one deadline that kills the whole process group, output cut
/// at a limit that keeps the tail; docs/architecture.md). On everything both do, swift-subprocess
/// 1.0.2 is the oracle: the same program, arguments, environment, folder and input must end the
/// same way and print the same bytes on each stream.
@Suite("ChildProcess agrees with swift-subprocess")
struct ChildProcessDifferentialTests {
  struct Case: Sendable, CustomStringConvertible {
    var script: String
    var arguments: [String] = []
    var environment: [String: String] = ["PATH": "/usr/bin:/bin"]
    var input: [UInt8]? = nil
    var description: String { script }
  }

  static let binary: [UInt8] = {
    var random = SystemRandomNumberGenerator()
    return (0..<300_000).map { _ in UInt8.random(in: 0...255, using: &random) }
  }()

  static let cases: [Case] = [
    Case(script: "exit 0"),
    Case(script: "exit 3"),
    Case(script: "exit 255"),
    Case(script: "kill -TERM $$"),
    Case(script: "kill -KILL $$"),
    Case(script: #"printf 'a\000b\n'; printf 'to stderr' >&2; exit 7"#),
    Case(script: "head -c 1048576 /dev/zero | tr '\\000' x; head -c 70000 /dev/zero >&2"),
    Case(script: "cat", input: binary),
    Case(script: "cat", input: []),
    Case(script: "cat"),
    Case(script: "wc -c", input: Array(repeating: 0x61, count: 200_000)),
    Case(script: #"printf '%s|' "$@""#, arguments: ["a b", "", "é ü", "--flag", "$HOME", "*"]),
    Case(script: "env | LC_ALL=C sort", environment: ["PATH": "/usr/bin:/bin", "A": "1", "B": "x y", "EMPTY": ""]),
    Case(script: "env | LC_ALL=C sort", environment: [:]),
    Case(script: "pwd; ls -d ."),
    Case(script: "exec 1>&-; printf late >&2; exit 4"),
  ]

  struct Outcome: Equatable, CustomStringConvertible {
    var termination: String
    var stdout: [UInt8]
    var stderr: [UInt8]
    var description: String {
      "\(termination), stdout \(stdout.count) bytes \(String(decoding: stdout.prefix(80), as: UTF8.self).debugDescription), "
        + "stderr \(String(decoding: stderr.prefix(200), as: UTF8.self).debugDescription)"
    }
  }

  func ours(_ test: Case) throws -> Outcome {
    let outcome = try ChildProcess.run(
      executable: "/bin/sh", arguments: ["-c", test.script, "sh"] + test.arguments, environment: test.environment,
      workingDirectory: "/", input: test.input.map { Data($0) }, timeout: 60, outputLimit: 4 << 20)
    let termination: String
    switch outcome.termination {
    case .exited(let code): termination = "exited \(code)"
    case .signalled(let signal): termination = "signalled \(signal)"
    case .timedOut: termination = "timed out"
    case .outputTooLarge: termination = "output too large"
    }
    return Outcome(termination: termination, stdout: Array(outcome.stdout), stderr: Array(outcome.stderr))
  }

  func oracle(_ test: Case) async throws -> Outcome {
    // By names and values: 1.0.2's raw-bytes form hands each entry to strdup without the final NUL.
    let environment = Environment.custom(
      Dictionary(uniqueKeysWithValues: test.environment.map { (Environment.Key(stringLiteral: $0.key), $0.value) }))
    let arguments = Arguments(["-c", test.script, "sh"] + test.arguments)
    let result =
      if let input = test.input {
        try await Subprocess.run(
          .path("/bin/sh"), arguments: arguments, environment: environment, workingDirectory: "/",
          input: .array(input), output: .bytes(limit: 4 << 20), error: .bytes(limit: 4 << 20))
      } else {
        try await Subprocess.run(
          .path("/bin/sh"), arguments: arguments, environment: environment, workingDirectory: "/",
          output: .bytes(limit: 4 << 20), error: .bytes(limit: 4 << 20))
      }
    let termination: String
    switch result.terminationStatus {
    case .exited(let code): termination = "exited \(code)"
    case .signaled(let signal): termination = "signalled \(signal)"
    }
    return Outcome(termination: termination, stdout: result.standardOutput, stderr: result.standardError)
  }

  @Test(.timeLimit(.minutes(5)), arguments: cases)
  func endsAndPrintsAsTheOracle(_ test: Case) async throws {
    let expected = try await oracle(test)
    let actual = try ours(test)
    #expect(actual == expected, "ChildProcess: \(actual)\nswift-subprocess: \(expected)")
  }

  /// The cases cover what they are meant to: a signal, a non-zero exit, both streams, binary input.
  @Test(.timeLimit(.minutes(5))) func theCasesReachEveryKindOfEnd() async throws {
    var ends = Set<String>()
    for test in Self.cases { ends.insert(try await oracle(test).termination) }
    #expect(ends.isSuperset(of: ["exited 0", "exited 3", "signalled 15", "signalled 9"]), "\(ends)")
    #expect(try await oracle(Self.cases[7]).stdout == Self.binary)
  }
}
