import Foundation
import TestSupport
import Testing

@testable import PromptEvals
@testable import PromptModel

/// The `exec:` provider running real programs: scripts written into a temporary folder, and
/// system tools (`cat`, `tr`, `sh`) looked up on PATH.
@Suite("Exec provider")
struct ExecProviderTests {
  /// A temporary suite folder holding an executable `argv.py` that prints its arguments as JSON.
  final class SuiteFolder {
    let path: String

    init(_ name: String = #function) throws {
      path =
        FileManager.default.temporaryDirectory
        .appendingPathComponent("exec-provider-\(name.filter(\.isLetter))-\(UUID().uuidString)").path
      try FileManager.default.createDirectory(atPath: path + "/bin", withIntermediateDirectories: true)
      try write(
        "bin/argv.py",
        "#!/usr/bin/env python3\nimport json, sys\nprint(json.dumps(sys.argv[1:]))\n", executable: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    func write(_ relative: String, _ text: String, executable: Bool = false) throws {
      let file = path + "/" + relative
      try ScriptFile.write(text, to: file, mode: executable ? 0o755 : 0o644)
    }

    func provider(_ command: String, config: [String: JSONValue] = [:]) throws -> any EvalProvider {
      try ProviderFactory.make(
        ProviderSpec(id: "exec:\(command)", config: config),
        environment: ProviderEnvironment(variables: ProcessInfo.processInfo.environment, workingDirectory: path))
    }
  }

  func jsonArray(_ text: String) throws -> [String] {
    try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String])
  }

  @Test func passesQuotedWordsThenThePromptOptionsAndContextAsPromptfooDoes() async throws {
    let folder = try SuiteFolder()
    let exec = try folder.provider(
      #" ./bin/argv.py "two words" 'single quoted' --name="a b" "" plain"#, config: ["mode": .string("fast")])
    // Shell syntax in the prompt must reach the program as text, never run.
    let prompt = "Refund $(touch pwned); rm -rf ~ | cat > out.txt"
    let response = try await exec.complete(ProviderRequest(prompt: prompt, vars: ["customer": "Ada"]))

    let argv = try jsonArray(response.output)
    #expect(Array(argv.prefix(6)) == ["two words", "single quoted", "--name=a b", "", "plain", prompt])
    #expect(argv.count == 8)
    let options = try #require(try JSONSerialization.jsonObject(with: Data(argv[6].utf8)) as? [String: Any])
    #expect(options["id"] as? String == #"exec: ./bin/argv.py "two words" 'single quoted' --name="a b" "" plain"#)
    #expect((options["config"] as? [String: Any])?["mode"] as? String == "fast")
    let context = try #require(try JSONSerialization.jsonObject(with: Data(argv[7].utf8)) as? [String: Any])
    #expect(context["vars"] as? [String: String] == ["customer": "Ada"])
    #expect(!FileManager.default.fileExists(atPath: folder.path + "/pwned"))
    #expect(!FileManager.default.fileExists(atPath: folder.path + "/out.txt"))
  }

  @Test func stdinModeSendsThePromptOnStandardInputAndNoExtraArguments() async throws {
    let folder = try SuiteFolder()
    let prompt = "Line one\nline two: keep the \"quotes\" and $HOME\n"
    let upper = try await folder.provider("tr a-z A-Z", config: ["stdin": .bool(true)])
      .complete(ProviderRequest(prompt: prompt))
    // Trailing line breaks are trimmed, nothing else.
    #expect(upper.output == "LINE ONE\nLINE TWO: KEEP THE \"QUOTES\" AND $HOME")
    let argv = try await folder.provider("./bin/argv.py", config: ["stdin": .bool(true)])
      .complete(ProviderRequest(prompt: "ignored"))
    #expect(try jsonArray(argv.output) == [])
  }

  @Test func aLargePromptOnStdinDoesNotDeadlock() async throws {
    let folder = try SuiteFolder()
    let prompt = String(repeating: "0123456789abcdef\n", count: 65536)  // 1 MiB, far beyond a pipe buffer
    let echoed = try await folder.provider("cat", config: ["stdin": .bool(true)]).complete(
      ProviderRequest(prompt: prompt))
    #expect(echoed.output.count == prompt.count - 1)
  }

  @Test func aNonZeroExitIsAnErrorCarryingStderr() async throws {
    let folder = try SuiteFolder()
    let exec = try folder.provider(#"sh -c "echo partial; echo 'model overloaded' >&2; exit 3""#)
    let error = try #require(await providerFailure { try await exec.complete(ProviderRequest(prompt: "x")) })
    #expect(error.message.contains("exited with status 3"))
    #expect(error.message.contains("model overloaded"))
  }

  @Test func emptyOutputWithStderrIsAnError() async throws {
    let folder = try SuiteFolder()
    let exec = try folder.provider(#"sh -c "echo 'no answer' >&2""#)
    let error = try #require(await providerFailure { try await exec.complete(ProviderRequest(prompt: "x")) })
    #expect(error.message.contains("printed nothing on stdout"))
    #expect(error.message.contains("no answer"))
  }

  @Test func aTimeoutKillsTheWholeProcessGroup() async throws {
    let folder = try SuiteFolder()
    // The program starts a grandchild that would outlive a kill of the direct child alone.
    try folder.write("bin/hang.sh", "#!/bin/sh\nsleep 60 &\necho $! > grandchild.pid\nwait\n", executable: true)
    let exec = try folder.provider("./bin/hang.sh", config: ["timeout": .integer(3000)])
    let error = try #require(await providerFailure { try await exec.complete(ProviderRequest(prompt: "x")) })
    // Without the kill, `wait` would return after 60 s with empty output and no error.
    #expect(error.message.contains("timed out after 3000 ms"))

    let pidText = try String(contentsOfFile: folder.path + "/grandchild.pid", encoding: .utf8)
    let pid = try #require(Int32(pidText.trimmingCharacters(in: .whitespacesAndNewlines)))
    // Dead: gone, or a zombie waiting for whoever inherited it to reap it.
    var alive = true
    for _ in 0..<100 {
      let state = (try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8))?
        .split(separator: ")").last?.split(separator: " ").first
      if state == nil || state == "Z" {
        alive = false
        break
      }
      try await Task.sleep(nanoseconds: 20_000_000)
    }
    #expect(!alive, "the grandchild \(pid) survived the timeout")
  }

  @Test func aProviderInheritsNoDescriptorBeyondItsThreeStreams() async throws {
    let folder = try SuiteFolder()
    try folder.write("bin/fds.sh", "#!/bin/sh\nls /proc/$$/fd\n", executable: true)
    // A descriptor opened without O_CLOEXEC, as some libraries do.
    let stray = open(folder.path + "/stray.txt", O_WRONLY | O_CREAT, 0o644)
    try #require(stray > 2)
    defer { close(stray) }
    let listed = try await folder.provider("./bin/fds.sh").complete(ProviderRequest(prompt: "x")).output
    let descriptors = Set(listed.split(whereSeparator: \.isWhitespace).compactMap { Int32($0) })
    #expect(!descriptors.contains(stray), "the provider inherited descriptor \(stray): \(descriptors.sorted())")
    // sh itself may hold one more descriptor for the script it reads; the streams are always there.
    #expect(descriptors.isSuperset(of: [0, 1, 2]))
  }

  @Test func relativeExecutablesResolveAgainstTheSuiteFolderAndBasePath() async throws {
    let folder = try SuiteFolder()
    try FileManager.default.createDirectory(atPath: folder.path + "/tools", withIntermediateDirectories: true)
    try folder.write("tools/where.sh", "#!/bin/sh\npwd\n", executable: true)
    let fromSuite = try await folder.provider("tools/where.sh").complete(ProviderRequest(prompt: "x"))
    let realSuite = URL(fileURLWithPath: folder.path).resolvingSymlinksInPath().path
    #expect(URL(fileURLWithPath: fromSuite.output).resolvingSymlinksInPath().path == realSuite)
    let fromBase = try await folder.provider("./where.sh", config: ["basePath": .string("tools")])
      .complete(ProviderRequest(prompt: "x"))
    #expect(URL(fileURLWithPath: fromBase.output).resolvingSymlinksInPath().path == realSuite + "/tools")
  }

  @Test func aMissingExecutableIsAnError() throws {
    let folder = try SuiteFolder()
    let relative = #expect(throws: ProviderError.self) { _ = try folder.provider("./bin/absent.sh") }
    #expect(relative?.message.contains("executable ./bin/absent.sh not found") == true)
    let bare = #expect(throws: ProviderError.self) { _ = try folder.provider("no-such-model-runner-7f3e") }
    #expect(bare?.message.contains("not found on PATH") == true)
    try folder.write("bin/plain.txt", "not a program")
    let notExecutable = #expect(throws: ProviderError.self) { _ = try folder.provider("./bin/plain.txt") }
    #expect(notExecutable?.message.contains("is not executable") == true)
  }

  @Test func anUnterminatedQuoteIsAnError() throws {
    let folder = try SuiteFolder()
    let error = #expect(throws: ProviderError.self) { _ = try folder.provider(#"./bin/argv.py "open"#) }
    #expect(error?.message.contains("unterminated \" quote") == true)
  }

  @Test func runsConcurrentlyWithoutMixingUpOutputs() async throws {
    let folder = try SuiteFolder()
    let exec = try folder.provider("cat", config: ["stdin": .bool(true)])
    let outputs = try await withThrowingTaskGroup(of: (Int, String).self) { group in
      for index in 0..<24 {
        group.addTask { (index, try await exec.complete(ProviderRequest(prompt: "prompt \(index)")).output) }
      }
      var collected: [Int: String] = [:]
      for try await (index, output) in group { collected[index] = output }
      return collected
    }
    #expect(outputs.count == 24)
    for (index, output) in outputs { #expect(output == "prompt \(index)") }
  }
}

/// Command splitting, checked against Python's `shlex.split` (POSIX mode) as the oracle.
@Suite("Exec command words")
struct CommandWordsTests {
  static let commands = [
    #"python chain.py"#,
    #"  python   "my script.py"  --flag  "#,
    #"./run 'single quoted' "double quoted" mixed"quoted"word"#,
    #"tool --name="a b" --empty="" ''"#,
    #"escaped\ space and\"quote"#,
    #"inside "back\\slash and \"quote\" and \n kept""#,
    #"literal '$HOME' "$HOME" * | > ;"#,
    "tabs\tand\nnewlines",
  ]

  @Test(arguments: commands)
  func splitsLikeShlex(command: String) throws {
    let python = try #require(which("python3"), "python3 is the oracle")
    let result = try runProcess(
      python, ["-c", "import json, shlex, sys; print(json.dumps(shlex.split(sys.argv[1])))", command],
      in: "/", environment: ProcessInfo.processInfo.environment)
    #expect(result.status == 0, "\(result.stderr)")
    let expected = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String]
    #expect(try CommandWords.split(command) == expected)
  }

  @Test func unbalancedQuotesAreErrors() {
    #expect(throws: CommandWords.Failure.self) { try CommandWords.split("a 'b") }
    #expect(throws: CommandWords.Failure.self) { try CommandWords.split(#"a "b"#) }
    #expect(throws: CommandWords.Failure.self) { try CommandWords.split(#"a \"#) }
  }
}
