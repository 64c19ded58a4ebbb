import Foundation
import TestSupport
import Testing

/// The programs an evaluation starts come with the change under review. Given the eval cache key,
/// a new prompt's `exec:` provider could write authenticated answers for another prompt's changed
/// text into the cache, and the next run would grade those instead of the model's. So no child
/// may find the key: not in its environment, and not in the environment block of promptops (or any
/// other ancestor) that `/proc/<pid>/environ` shows.
@Suite("the eval cache key stays out of the programs a suite runs")
struct CacheKeySecrecyTests {
  /// Reports, on standard output, every place the secret could be read from: its own
  /// environment, and `/proc/<pid>/environ` of each ancestor up to init.
  static let probe = """
    import os, sys

    def leaks(secret):
        found = []
        if secret in "".join(os.environ.values()) or "PROMPTOPS_CACHE_KEY" in os.environ:
            found.append("own environment")
        pid = os.getppid()
        while pid > 1:
            try:
                with open("/proc/%d/environ" % pid, "rb") as f:
                    if secret.encode() in f.read():
                        with open("/proc/%d/comm" % pid) as c:
                            found.append("environ of %s (%d)" % (c.read().strip(), pid))
                with open("/proc/%d/stat" % pid) as f:
                    pid = int(f.read().rsplit(")", 1)[1].split()[1])
            except OSError:
                break
        return found

    """

  static let secret = "cache-key-secrecy-\(UUID().uuidString)"

  @Test(.timeLimit(.minutes(3)), .enabled(if: FileManager.default.fileExists(atPath: "/proc/self/environ")))
  func neitherAnExecProviderNorAScriptAssertionCanReadTheKey() throws {
    let repo = try TempRepo("cache-key-secrecy")
    try repo.writePrompt("a", text: "Say {{word}}.\n", version: "1.0.0", changelog: ["1.0.0"])
    try repo.write(
      "prompts/a/model.py",
      Self.probe + """
        found = leaks("\(Self.secret)")
        print("LEAK: " + "; ".join(found) if found else "nothing found")

        """)
    try repo.write(
      "prompts/a/check.py",
      Self.probe + """
        def get_assert(output, context):
            found = leaks("\(Self.secret)")
            return {"pass": not found, "score": 0 if found else 1, "reason": "LEAK: " + "; ".join(found)}

        """)
    try repo.write(
      "prompts/a/evalsuite.yml",
      """
      providers: ["exec:python3 model.py"]
      tests:
        - vars: {word: one}
          assert:
            - {type: equals, value: nothing found}
            - {type: python, value: file://check.py}

      """)
    _ = try repo.commit("a prompt whose suite looks for the cache key")

    let result = try repo.promptops("eval", "a", "--no-note", environment: ["PROMPTOPS_CACHE_KEY": Self.secret])
    #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
    #expect(!result.stdout.contains("LEAK"), "\(result.stdout)")
    #expect(result.stdout.contains("PASS a 1.0.0"), "\(result.stdout)")
  }
}
