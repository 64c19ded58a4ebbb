import Foundation
import TestSupport
import Testing

/// The release binary `make dist` builds: it must run where no Swift toolchain and no libgit2 are
/// installed. Enabled when there is one: `PROMPTOPS_DIST_BIN` (then it must exist; `.ci/run`
/// sets it), else `dist/promptops-*-linux-<arch>/promptops`. Building it here would take minutes.
@Suite("Portable release binary", .enabled(if: PortableBinary.expected, "no dist binary: run `make dist`"))
struct PortableBinaryTests {
  /// Libraries of the C library itself (glibc splits it into several), the only ones allowed.
  static let cLibrary = ["linux-vdso.so", "libc.so", "libm.so", "libpthread.so", "libdl.so", "librt.so", "ld-linux"]

  @Test(.timeLimit(.minutes(5)))
  func linksNothingButTheCLibrary() throws {
    let binary = try PortableBinary.path()
    let ldd = try runProcess(try #require(which("ldd")), [binary], in: "/", environment: ["PATH": "/usr/bin:/bin"])
    #expect(ldd.status == 0, "\(ldd.stderr)")
    let libraries = ldd.stdout.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.filter {
      !$0.isEmpty
    }
    #expect(!libraries.isEmpty)
    for library in libraries {
      #expect(Self.cLibrary.contains { library.hasPrefix($0) || library.contains("/" + $0) }, "links \(library)")
    }
    for unwanted in [
      "libswift", "libFoundation", "libgit2", "libicu", "libdispatch", "libz.so", "libcurl", "not found",
    ] {
      #expect(!ldd.stdout.contains(unwanted), "\(ldd.stdout)")
    }
  }

  /// HTTP eval providers speak through the HTTP client and TLS linked into the binary: it names no
  /// libcurl to load at run time, so a machine without one still runs HTTP evals.
  @Test(.timeLimit(.minutes(5)))
  func needsNoSystemHTTPLibrary() throws {
    let binary = try Data(contentsOf: URL(fileURLWithPath: try PortableBinary.path()))
    for name in ["libcurl.so", "libcurl-gnutls", "curl_easy_perform"] {
      #expect(binary.range(of: Data(name.utf8)) == nil, "the binary names \(name)")
    }
  }

  /// With nothing on the loader's path, in a repository of its own: the version rules hold, and
  /// `--version` names the libgit2 linked into it and the commit it was built from.
  @Test(.timeLimit(.minutes(5)))
  func checksAStagedChangeWithNothingOnTheLoaderPath() throws {
    let binary = try PortableBinary.path()
    let repo = try TempRepo.withPrompt()
    var env = repo.environment
    env["LD_LIBRARY_PATH"] = ""
    env.removeValue(forKey: "LD_PRELOAD")

    let version = try runProcess(binary, ["--version"], in: repo.path, environment: env)
    #expect(version.status == 0, "\(version.stderr)")
    #expect(
      version.stdout.range(
        of: #"^\d+\.\d+\.\d+\S* \(libgit2 1\.\d+\.\d+, commit ([0-9a-f]{40}|unknown)\)\n$"#, options: .regularExpression
      ) != nil, "\(version.stdout)")

    try PortableBinary.stageEdit(repo, bumped: false)
    let refused = try runProcess(binary, ["check", "--staged"], in: repo.path, environment: env)
    #expect(refused.status == 1, "\(refused.stdout)\(refused.stderr)")
    #expect(refused.stdout.contains("error[version-not-bumped]"), "\(refused.stdout)")

    try PortableBinary.stageEdit(repo, bumped: true)
    let accepted = try runProcess(binary, ["check", "--staged"], in: repo.path, environment: env)
    #expect(accepted.status == 0, "\(accepted.stdout)\(accepted.stderr)")
  }

  /// Inside a minimal Debian 12 root (`debootstrap --variant=minbase`, `make test-root`), where
  /// neither a Swift toolchain nor libgit2 exists, with /proc mounted as on any running system
  /// (`unshare --mount-proc`, in a mount namespace of its own): needs root.
  @Test(.timeLimit(.minutes(5)), .enabled(if: PortableBinary.testRootExpected, "needs root and `make test-root`"))
  func runsInAMinimalDebianRoot() throws {
    let binary = try PortableBinary.path()
    try #require(getuid() == 0, "chroot needs root")
    let root = try #require(PortableBinary.testRoot, "no complete root at PROMPTOPS_TEST_ROOT")
    let files = FileManager.default
    #expect(!files.fileExists(atPath: root + "/opt/swift"))
    let libraries = try files.subpathsOfDirectory(atPath: root + "/usr/lib")
    #expect(
      !libraries.contains { $0.contains("libgit2") || $0.contains("libswiftCore") || $0.contains("libFoundation") })

    let inside = "/tmp/promptops-portable-\(UUID().uuidString.prefix(8))"
    try files.createDirectory(atPath: root + inside, withIntermediateDirectories: true)
    defer { try? files.removeItem(atPath: root + inside) }
    try files.copyItem(atPath: binary, toPath: root + inside + "/promptops")
    let repo = try TempRepo.withPrompt()
    let env = [
      "PATH": "/usr/bin:/bin", "HOME": "/root", "GIT_CONFIG_NOSYSTEM": "1", "LANG": "C.UTF-8", "NO_COLOR": "1",
    ]
    let chroot = try #require(which("chroot") ?? "/usr/sbin/chroot")
    let unshare = try #require(which("unshare") ?? "/usr/bin/unshare")
    func check(withProc: Bool = true) throws -> ProcessResult {
      try? files.removeItem(atPath: root + inside + "/repo")
      try files.copyItem(atPath: repo.path, toPath: root + inside + "/repo")
      let command = [chroot, root, inside + "/promptops", "check", "--staged", "-C", inside + "/repo"]
      if !withProc { return try runProcess(command[0], Array(command.dropFirst()), in: "/", environment: env) }
      return try runProcess(
        unshare, ["--mount", "--pid", "--fork", "--mount-proc=\(root)/proc"] + command, in: "/", environment: env)
    }

    try PortableBinary.stageEdit(repo, bumped: false)
    let refused = try check()
    #expect(refused.status == 1, "\(refused.stdout)\(refused.stderr)")
    #expect(refused.stdout.contains("error[version-not-bumped]"), "\(refused.stdout)")

    // Without /proc the Swift runtime cannot read the command line: an error, never a pass.
    let blind = try check(withProc: false)
    #expect(blind.status == 2, "\(blind.stdout)\(blind.stderr)")
    #expect(blind.stderr.contains("cannot read the command line"), "\(blind.stderr)")

    try PortableBinary.stageEdit(repo, bumped: true)
    let accepted = try check()
    #expect(accepted.status == 0, "\(accepted.stdout)\(accepted.stderr)")
  }
}

/// Where the dist binary and the test root are.
enum PortableBinary {
  static var architecture: String {
    #if arch(x86_64)
      "x86_64"
    #else
      "arm64"
    #endif
  }

  /// Whether the suite runs: a dist binary is named or exists.
  static var expected: Bool {
    ProcessInfo.processInfo.environment["PROMPTOPS_DIST_BIN"] != nil || found != nil
  }

  private static var found: String? {
    guard let names = try? FileManager.default.contentsOfDirectory(atPath: packageRoot + "/dist") else { return nil }
    return names.sorted().reversed()
      .filter { $0.hasPrefix("promptops-") && $0.hasSuffix("-linux-\(architecture)") }
      .map { packageRoot + "/dist/" + $0 + "/promptops" }
      .first { FileManager.default.isExecutableFile(atPath: $0) }
  }

  static func path() throws -> String {
    if let named = ProcessInfo.processInfo.environment["PROMPTOPS_DIST_BIN"] {
      try #require(
        FileManager.default.isExecutableFile(atPath: named), "PROMPTOPS_DIST_BIN=\(named) is not an executable")
      return named
    }
    return try #require(found)
  }

  /// Whether the root test runs: a root is named (`.ci/run` names it; then it must work), or
  /// `make test-root`'s exists and the tests run as root.
  static var testRootExpected: Bool {
    ProcessInfo.processInfo.environment["PROMPTOPS_TEST_ROOT"] != nil || (testRoot != nil && getuid() == 0)
  }

  /// The minimal Debian root: `PROMPTOPS_TEST_ROOT`, else the one `make test-root` caches.
  static var testRoot: String? {
    let root =
      ProcessInfo.processInfo.environment["PROMPTOPS_TEST_ROOT"] ?? packageRoot + "/.build-tools/debian-root/bookworm"
    return FileManager.default.fileExists(atPath: root + "/.promptops-complete") ? root : nil
  }

  /// Stages an edit of prompt `a`: its text alone, or with the version bump and changelog entry.
  static func stageEdit(_ repo: TempRepo, bumped: Bool) throws {
    let edited = "Hello {{name}}.\nYou must be polite.\nAnswer with care.\n"
    if bumped {
      try repo.writePrompt("a", text: edited, version: "1.0.1", changelog: ["1.0.0", "1.0.1"])
    } else {
      try repo.write("prompts/a/prompt.txt", edited)
    }
    try repo.stage()
  }
}
