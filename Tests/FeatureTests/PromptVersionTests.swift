import Foundation
import TestSupport
import Testing

@testable import PromptModel

@Suite("SemVer 2.0.0 versions and bump levels")
struct PromptVersionTests {
  @Test(arguments: [
    "1.2.3", "v1.2.3", "0.0.0", "10.20.30", "1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-0.3.7", "1.0.0-x.7.z.92",
    "1.0.0+20130313144700", "1.0.0-beta+exp.sha.5114f85", "2.1.0-rc.1",
  ])
  func acceptsValidVersions(_ text: String) {
    #expect(PromptVersion(text) != nil)
  }

  @Test(arguments: [
    "1.2", "1", "01.2.3", "1.02.3", "1.2.3-01", "1.2.3-", "1.2.3+", "1.2.3.4", "v", "latest", "", "1.2.3-a..b",
    "V1.2.3", " v1.2 ",
  ])
  func rejectsInvalidVersions(_ text: String) {
    #expect(PromptVersion(text) == nil)
  }

  /// The changelog rule's quick comparison; parsing both sides and comparing is the oracle.
  @Test func naming() throws {
    let texts = [
      "1.2.3", "v1.2.3", " 1.2.3 ", "1.2.3+build.7", "v1.2.3+x", "1.2.3-rc.1", "1.2.3-rc.1+b", "1.2.03", "01.2.3",
      "1.2.3-rc.01", "1.2.4", "1.2", "V1.2.3", "", "v", "1.2.3-RC.1", "1.2.3-rc.1.0", "latest", "\t1.2.3",
    ]
    var matches = 0
    for written in texts {
      guard let version = PromptVersion(written) else { continue }
      for text in texts {
        let expected = PromptVersion(text) == version
        #expect(version.isNamed(by: text) == expected, "\(written) named by \(text)")
        if expected { matches += 1 }
      }
    }
    #expect(matches > 20)
  }

  /// The examples of semver.org §11, each chain in order: every version below every later one.
  @Test(arguments: [
    ["1.0.0", "2.0.0", "2.1.0", "2.1.1"],
    ["1.0.0-alpha", "1.0.0"],
    [
      "1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-alpha.beta", "1.0.0-beta", "1.0.0-beta.2", "1.0.0-beta.11", "1.0.0-rc.1",
      "1.0.0",
    ],
    ["1.0.0", "1.0.1", "1.1.0", "2.0.0"],
  ])
  func followsTheSpecExamples(_ chain: [String]) throws {
    let versions = try chain.map { try #require(PromptVersion($0)) }
    for (index, lower) in versions.enumerated() {
      for higher in versions[(index + 1)...] {
        #expect(lower < higher && !(higher < lower) && lower != higher, "\(lower) < \(higher)")
      }
    }
  }

  @Test func ignoresBuildMetadataAndTheLeadingV() throws {
    #expect(try #require(PromptVersion("v1.0.0")) == (try #require(PromptVersion("1.0.0"))))
    #expect(try #require(PromptVersion("1.0.0+a")) == (try #require(PromptVersion("1.0.0+b"))))
    #expect(try #require(PromptVersion("1.0.0-rc.1+b.7")) == (try #require(PromptVersion("1.0.0-rc.1"))))
    #expect(!(try #require(PromptVersion("1.0.0+a")) < (try #require(PromptVersion("1.0.0+b")))))
  }

  /// Identifiers are read as written: a hyphen makes `-5` alphanumeric (above every number), and
  /// numbers longer than a machine word compare as numbers, in the core and in the pre-release.
  @Test(arguments: [
    ("1.0.0-0", "1.0.0--5"),
    ("1.0.0-99999999999999999999", "1.0.0-100000000000000000000"),
    ("1.0.0-18446744073709551615", "1.0.0-18446744073709551616"),
    ("99999999999999999999.0.0", "100000000000000000000.0.0"),
    ("1.18446744073709551615.0", "1.18446744073709551616.0"),
    ("1.0.9223372036854775807", "1.0.9223372036854775808"),
    ("1.0.0--", "1.0.0-1a"),
    ("1.0.0-A", "1.0.0-a"),
  ])
  func readsIdentifiersAsWritten(_ lower: String, _ higher: String) throws {
    let (a, b) = (try #require(PromptVersion(lower)), try #require(PromptVersion(higher)))
    #expect(a < b && !(b < a) && a != b)
  }

  /// A differential test: thousands of generated pairs, each compared here and by the `semver`
  /// package from PyPI (an independent implementation of §11), which must agree on every one.
  @Test func agreesWithThePythonSemverPackage() throws {
    let python = try #require(
      which("python3"),
      "python3 is not on PATH: run `sh ci/install-deps.sh --python` and put .build-tools/venv/bin first")
    let probe = try runProcess(
      python, ["-c", "import semver"], in: "/", environment: ProcessInfo.processInfo.environment)
    try #require(
      probe.status == 0,
      "the Python package semver is missing from \(python): run `sh ci/install-deps.sh --python` (\(probe.stderr))")

    let seed: UInt64 = 0x5E3_7E25
    var generator = SemVerGenerator(random: SplitMix64(state: seed))
    let pairs = (0..<4000).map { _ in generator.pair() }
    let input = "[" + pairs.map { "[\"\($0.0)\", \"\($0.1)\"]" }.joined(separator: ",") + "]"
    let oracle = try runProcess(
      python,
      [
        "-c",
        """
        import json, sys, semver
        print(json.dumps([semver.Version.parse(a).compare(b) for a, b in json.load(sys.stdin)]))
        """,
      ], in: "/", environment: ProcessInfo.processInfo.environment, input: input)
    try #require(oracle.status == 0, "\(oracle.stderr)")
    guard case .array(let verdicts) = try JSONValue.parse(Data(oracle.stdout.utf8)), verdicts.count == pairs.count
    else {
      Issue.record("semver answered \(oracle.stdout.prefix(200))")
      return
    }
    var disagreements = 0
    var orders: Set<Int> = []
    for ((a, b), verdict) in zip(pairs, verdicts) {
      let (left, right) = (try #require(PromptVersion(a), "\(a)"), try #require(PromptVersion(b), "\(b)"))
      let order = left.precedence(comparedWith: right).signum()
      let agrees =
        verdict == .integer(Int64(order)) && (left < right) == (order < 0) && (right < left) == (order > 0)
        && (left == right) == (order == 0) && (order != 0 || left.hashValue == right.hashValue)
      if !agrees {
        disagreements += 1
        if disagreements <= 10 {
          Issue.record("seed \(seed): \(a) vs \(b): semver says \(verdict), promptops \(order)")
        }
      }
      orders.insert(order)
    }
    #expect(disagreements == 0)
    #expect(orders == [-1, 0, 1], "the generator makes pairs of every order")
  }

  @Test(arguments: [
    ("1.2.3", "1.2.4", BumpLevel.patch), ("1.2.3", "1.3.0", .minor), ("1.2.3", "2.0.0", .major),
    ("1.2.3", "1.3.5", .minor), ("2.0.0-rc.1", "2.0.0", .major), ("2.0.0-rc.1", "2.0.0-rc.2", .major),
    ("1.0.1-rc.1", "1.0.1", .patch), ("1.1.0-beta", "1.1.0-beta.2", .minor),
    ("1.2.3", "1.2.3", .none), ("1.2.3", "1.2.2", .none), ("v1.0.0", "1.0.1", .patch),
  ])
  func measuresTheBump(_ old: String, _ new: String, _ level: BumpLevel) throws {
    #expect(BumpLevel.between(try #require(PromptVersion(old)), try #require(PromptVersion(new))) == level)
  }

  @Test func suggestsTheNextVersion() throws {
    let version = try #require(PromptVersion("v1.4.2"))
    #expect(version.bumped(.patch) == "v1.4.3")
    #expect(version.bumped(.minor) == "v1.5.0")
    #expect(version.bumped(.major) == "v2.0.0")
    #expect(try #require(PromptVersion("2.0.0-rc.1")).bumped(.patch) == "2.0.0")
  }

  /// Numbers of any length are bumped exactly, as decimal text.
  @Test func suggestsTheNextVersionOfHugeNumbers() throws {
    let version = try #require(PromptVersion("99999999999999999999.18446744073709551615.9223372036854775807"))
    #expect(version.bumped(.patch) == "99999999999999999999.18446744073709551615.9223372036854775808")
    #expect(version.bumped(.minor) == "99999999999999999999.18446744073709551616.0")
    #expect(version.bumped(.major) == "100000000000000000000.0.0")
    #expect(BumpLevel.between(version, try #require(PromptVersion(version.bumped(.minor)))) == .minor)
    #expect(BumpLevel.between(version, try #require(PromptVersion(version.bumped(.major)))) == .major)
  }
}

/// Valid SemVer texts built to reach §11's corners: numbers past 64 bits, identifiers with
/// hyphens (leading ones too), digits mixed with letters, upper and lower case; the second of a
/// pair is usually the first with one part changed, so that long common prefixes are compared.
struct SemVerGenerator {
  var random: SplitMix64

  struct Parts {
    var core: [String]
    var prerelease: [String]
    var build: [String]
    var text: String {
      core.joined(separator: ".") + (prerelease.isEmpty ? "" : "-" + prerelease.joined(separator: "."))
        + (build.isEmpty ? "" : "+" + build.joined(separator: "."))
    }
  }

  mutating func below(_ bound: Int) -> Int { Int(random.next() % UInt64(bound)) }

  mutating func pick(_ choices: [String]) -> String { choices[below(choices.count)] }

  mutating func number() -> String {
    switch below(10) {
    case 0..<5: return pick(["0", "1", "2"])
    case 5..<7: return pick(["9", "10", "11"])
    case 7..<9:
      return pick([
        "9223372036854775807", "9223372036854775808", "18446744073709551615", "18446744073709551616",
        "99999999999999999999", "100000000000000000000",
      ])
    default: return String(1 + below(9)) + String((0..<(17 + below(6))).map { _ in Character(pick(["0", "1", "9"])) })
    }
  }

  /// Letters, digits and hyphens; all-digit draws become numbers (no leading zeros).
  mutating func alphanumeric() -> String {
    switch below(3) {
    case 0: return pick(["alpha", "beta", "rc", "alpha-1", "x-y", "-5", "--", "-", "0a", "1-", "Z"])
    default:
      let text = String((0..<(1 + below(4))).map { _ in Character(pick(["a", "b", "A", "-", "0", "1", "z", "Z"])) })
      return text.allSatisfy(\.isNumber) ? number() : text
    }
  }

  mutating func identifier() -> String { below(2) == 0 ? number() : alphanumeric() }

  mutating func version() -> Parts {
    Parts(
      core: [number(), number(), number()],
      prerelease: below(5) < 2 ? [] : (0..<(1 + below(3))).map { _ in identifier() },
      build: below(5) == 0 ? (0..<(1 + below(2))).map { _ in pick(["001", "b", "exp-7", "sha", "0"]) } : [])
  }

  mutating func pair() -> (String, String) {
    let first = version()
    if below(4) == 0 { return (first.text, version().text) }
    var second = first
    for _ in 0..<(1 + below(2)) {
      switch below(6) {
      case 0: second.core[below(3)] = number()
      case 1: second.prerelease.append(identifier())
      case 2: if !second.prerelease.isEmpty { second.prerelease.removeLast() }
      case 3: if !second.prerelease.isEmpty { second.prerelease[below(second.prerelease.count)] = identifier() }
      case 4: second.build = second.build.isEmpty ? ["build", "7"] : []
      default: break
      }
    }
    return below(2) == 0 ? (first.text, second.text) : (second.text, first.text)
  }
}
