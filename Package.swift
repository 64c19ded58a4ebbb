// swift-tools-version:6.0
import PackageDescription

let package = Package(
  name: "promptops",
  // macOS 15: the code validates UTF-8 with String(validating:as:), new in macOS 15.
  platforms: [.macOS(.v15)],
  products: [
    .executable(name: "promptops", targets: ["promptops"])
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    // Tests only: the oracle the YAML composer (PromptModel's YAMLValue) is held to.
    .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
    // Tests only: the oracle ChildProcess (Spawn) is held to.
    .package(url: "https://github.com/swiftlang/swift-subprocess", from: "1.0.2"),
    .package(url: "https://github.com/apple/swift-crypto", "3.12.3"..<"5.0.0"),
    // The eval providers' HTTP client; SwiftNIO and NIOSSL (which it is built on) are named too,
    // because the transport reads their error types to put a failure into words.
    .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
    .package(url: "https://github.com/apple/swift-nio", from: "2.100.0"),
    .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.30.0"),
  ],
  targets: [
    // The only module that sees libgit2's C API: libgit2 1.5 to 1.9 (shim.h). `make dist` points
    // pkg-config at a static libgit2 of its own (ci/build-libgit2.sh).
    .systemLibrary(
      name: "CLibgit2",
      pkgConfig: "libgit2",
      providers: [.apt(["libgit2-dev"]), .brew(["libgit2"])]
    ),
    // zlib (Debian's zlib1g-dev, which libgit2-dev brings), for gzip-compressed log files.
    .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
    // A link-time override, the executable only: it defines mbedtls_x509_crt_parse_file and
    // _parse_path, so the dynamic linker binds a mbedTLS-built libgit2's calls (Debian's) to these,
    // and git_libgit2_init no longer parses the whole CA bundle (9 ms) on every hook. libgit2
    // reads local repositories only here. LinkTimeTests asks the dynamic loader where the calls bind.
    // It also tunes glibc's malloc thresholds for a short-lived process.
    .target(name: "CLibgit2Startup"),
    // The commit the executable was built from, for `--version` (the executable only).
    .target(name: "CBuildInfo"),
    // libyaml's event parser, which cards, suites and configuration are composed from (YAMLValue:
    // line numbers, alias budgets, duplicate keys). The copy Yams 6.2.2 bundles, built as a target
    // of our own with every global symbol prefixed `promptops_` (include/promptops_yaml_symbols.h),
    // so it links beside Yams' copy and nothing here reads Yams' internal CYaml target.
    .target(name: "CLibYAML", exclude: ["LICENSE"], cSettings: [.define("YAML_DECLARE_STATIC")]),
    // glibc's GNU extensions Spawn calls (pipe2, posix_spawn_file_actions_addchdir_np and
    // _addclosefrom_np), which Swift's Glibc module hides behind _GNU_SOURCE: linked, so a C
    // library without them fails the link instead of a spawn skipping a step. Empty elsewhere.
    .target(name: "CSpawnSupport"),
    // The one way promptops runs other programs (git, ssh-keygen, eval providers and scripts):
    // posix_spawn with close-on-exec pipes, bounded output and a deadline.
    .target(name: "Spawn", dependencies: [.target(name: "CSpawnSupport", condition: .when(platforms: [.linux]))]),
    // Owns every libgit2 pointer; everything above it sees Swift values and Swift errors.
    .target(name: "GitKit", dependencies: ["CLibgit2", "Spawn"]),
    // The feature targets below know nothing of the command line; each sees only the targets
    // under it, so the compiler keeps every arrow one way (docs/architecture.md draws them).
    //
    // Model and configuration: findings and errors, cards, prompts and their layout,
    // `.promptops.yml` and the YAML it is read with, gitattributes, JSON values, atomic files.
    .target(
      name: "PromptModel",
      dependencies: [
        "GitKit", "CLibYAML",
        .product(name: "Crypto", package: "swift-crypto"),
      ]
    ),
    // The Nunjucks subset prompts and suites are rendered with (docs/evals.md lists it).
    .target(name: "PromptTemplates", dependencies: ["PromptModel"]),
    // What a comparison changed: its sides, the change set with every changed prompt read on
    // both sides, constraint and variable scanning, and the report the gate and audits print.
    .target(
      name: "PromptChanges",
      dependencies: ["PromptModel", "PromptTemplates", "GitKit", .product(name: "Crypto", package: "swift-crypto")]
    ),
    // The version and changelog rules, each a pure function of a change set.
    .target(name: "PromptRules", dependencies: ["PromptModel", "PromptChanges"]),
    // Eval suites, providers, assertions, templates, the cache and the eval gate.
    .target(
      name: "PromptEvals",
      dependencies: [
        "PromptModel", "PromptTemplates", "PromptChanges", "GitKit", "Spawn",
        .product(name: "Crypto", package: "swift-crypto"),
        .product(name: "AsyncHTTPClient", package: "async-http-client"),
        .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOPosix", package: "swift-nio"),
        .product(name: "NIOHTTP1", package: "swift-nio"), .product(name: "NIOSSL", package: "swift-nio-ssl"),
      ]
    ),
    // Approval records, SSH signatures, allowed signers and the verifier.
    .target(
      name: "PromptApprovals",
      dependencies: [
        "PromptModel", "PromptChanges", "GitKit", "Spawn",
        .product(name: "Crypto", package: "swift-crypto"),
        .product(name: "CryptoExtras", package: "swift-crypto"),
      ]
    ),
    // Promotion, pins, release tags, the audit log, history and rollback.
    .target(
      name: "PromptRelease",
      dependencies: [
        "PromptModel", "PromptChanges", "PromptApprovals", "PromptEvals", "GitKit",
      ]
    ),
    // Execution-log validation and reports.
    .target(name: "PromptLogs", dependencies: ["PromptModel", "PromptRelease", "GitKit", "CZlib"]),
    // The gate that orchestrates the rules, approvals and evals over a comparison; hooks; `init`.
    // On Linux the hook reads /proc/<pid>/cmdline and /proc/<pid>/stat of its parent and
    // grandparent to read the `git commit` it runs under as git does (AmendDetectionTests).
    .target(
      name: "PromptGate",
      dependencies: ["PromptModel", "PromptChanges", "PromptRules", "PromptEvals", "PromptApprovals", "GitKit"]
    ),
    // One reporter per output format, for gate reports, eval runs and log reports.
    .target(
      name: "PromptReporting",
      dependencies: [
        "PromptModel", "PromptChanges", "PromptEvals", "PromptLogs",
        .product(name: "Crypto", package: "swift-crypto"),
      ]
    ),
    // The executable: options, requests, printing. On Linux the Swift runtime reads its command
    // line from /proc/self/cmdline, and without /proc it refuses with exit 2 rather than see no
    // arguments and pass a commit (PortableBinaryTests.runsInAMinimalDebianRoot).
    .executableTarget(
      name: "promptops",
      dependencies: [
        "PromptModel", "PromptTemplates", "PromptChanges", "PromptRules", "PromptEvals", "PromptApprovals",
        "PromptRelease", "PromptLogs", "PromptGate", "PromptReporting",
        "GitKit", "Spawn",
        "CLibgit2Startup",
        "CBuildInfo",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ]
    ),
    .target(name: "TestSupport", dependencies: [], path: "Tests/TestSupport"),
    .testTarget(name: "GitKitTests", dependencies: ["GitKit", "TestSupport"]),
    .testTarget(
      name: "SpawnTests", dependencies: ["Spawn", .product(name: "Subprocess", package: "swift-subprocess")]),
    .testTarget(
      name: "FeatureTests",
      dependencies: [
        "PromptModel", "PromptTemplates", "PromptChanges", "PromptRules", "PromptEvals", "PromptApprovals",
        "PromptRelease", "PromptLogs", "PromptGate", "PromptReporting",
        "GitKit", "Spawn", "CLibYAML", "TestSupport", .product(name: "Yams", package: "Yams"),
        .product(name: "Crypto", package: "swift-crypto"),
        .product(name: "AsyncHTTPClient", package: "async-http-client"),
      ]),
    .testTarget(name: "CLITests", dependencies: ["TestSupport"]),
    // Unit tests of the executable's own parts (the hook command lines it reads itself, the exit
    // status of every target's error).
    .testTarget(
      name: "CommandLineTests",
      dependencies: [
        "promptops", "PromptModel", "PromptGate", "GitKit", "Spawn", "PromptTemplates", "PromptEvals",
        "PromptApprovals", "PromptRelease", .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ]
    ),
  ]
)

// Coverage-guided fuzz targets (libFuzzer), one per parser of outside input: declared only when
// PROMPTOPS_FUZZ=1, because they link only with `-sanitize=fuzzer` (which brings libFuzzer), and
// a plain `swift build` must neither need that nor spend time on them. `make fuzz` and
// `make fuzz-smoke` build and run them; see Fuzz/README.md.
if Context.environment["PROMPTOPS_FUZZ"] == "1" {
  let fuzzTargets: [(name: String, modules: [String])] = [
    ("FuzzIndexFile", ["GitKit"]),
    ("FuzzPromptCard", ["PromptModel", "PromptChanges"]),
    ("FuzzConfiguration", ["PromptModel", "PromptChanges"]),
    ("FuzzEvalSuite", ["PromptModel", "PromptEvals"]),
    ("FuzzTestFile", ["PromptModel", "PromptEvals"]),
    ("FuzzApprovalRecord", ["PromptApprovals"]),
    ("FuzzAllowedSigners", ["PromptApprovals"]),
    ("FuzzSSHSignature", ["PromptApprovals"]),
    ("FuzzLockFile", ["PromptRelease"]),
    ("FuzzAuditLog", ["PromptRelease"]),
    ("FuzzLogLine", ["PromptModel", "PromptLogs"]),
    ("FuzzLogFile", ["PromptLogs"]),
  ]
  package.targets.append(.target(name: "CLibFuzzer", path: "Fuzz/CLibFuzzer"))
  package.targets.append(.target(name: "FuzzSupport", dependencies: ["CLibFuzzer"], path: "Fuzz/Support"))
  for (name, modules) in fuzzTargets {
    package.targets.append(
      .executableTarget(
        name: name, dependencies: modules.map { .target(name: $0) } + ["FuzzSupport"], path: "Fuzz/Targets/\(name)"))
    package.products.append(.executable(name: name, targets: [name]))
  }
}
