import Testing

@testable import PromptOpsCore

@Suite("SemVer 2.0.0 versions and bump levels")
struct PromptVersionTests {
  @Test(arguments: ["1.2.3", "v1.2.3", "0.0.0", "10.20.30", "1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-0.3.7", "1.0.0-x.7.z.92", "1.0.0+20130313144700", "1.0.0-beta+exp.sha.5114f85", "2.1.0-rc.1"])
  func acceptsValidVersions(_ text: String) {
    #expect(PromptVersion(text) != nil)
  }

  @Test(arguments: ["1.2", "1", "01.2.3", "1.02.3", "1.2.3-01", "1.2.3-", "1.2.3+", "1.2.3.4", "v", "latest", "", "1.2.3-a..b", "V1.2.3", " v1.2 "])
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

  @Test func followsSemVerPrecedence() throws {
    let ordered = ["1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-alpha.beta", "1.0.0-beta", "1.0.0-beta.2", "1.0.0-beta.11", "1.0.0-rc.1", "1.0.0", "1.0.1", "1.1.0", "2.0.0"]
    let versions = try ordered.map { try #require(PromptVersion($0)) }
    for (lower, higher) in zip(versions, versions.dropFirst()) {
      #expect(lower < higher, "\(lower) < \(higher)")
    }
    #expect(try #require(PromptVersion("v1.0.0")) == (try #require(PromptVersion("1.0.0"))))
    #expect(try #require(PromptVersion("1.0.0+a")) == (try #require(PromptVersion("1.0.0+b"))))
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
}
