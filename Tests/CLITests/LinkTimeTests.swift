import Foundation
import TestSupport
import Testing

/// What the executable changes at link time, held to the dynamic loader's own account of it
/// (`LD_DEBUG=bindings`), so that a libgit2 or distribution upgrade that undoes it fails here
/// instead of silently costing every commit the time again.
@Suite("link-time overrides")
struct LinkTimeTests {
  /// Debian's libgit2 is built with mbedTLS and parses the whole CA bundle in
  /// `git_libgit2_init` (about 9 ms). `CLibgit2Startup` defines the two loaders in the
  /// executable, and libgit2's calls must bind to those, not to libmbedx509's.
  @Test(.timeLimit(.minutes(5)))
  func libgit2sCertificateLoadersBindToTheExecutable() throws {
    let binary = try promptopsBinary()
    let ldd = try #require(which("ldd"), "ldd (libc-bin) is on every glibc system")
    let libraries = try runProcess(ldd, [binary], in: packageRoot, environment: ProcessInfo.processInfo.environment)
    guard libraries.stdout.contains("libgit2"), libraries.stdout.contains("libmbedx509") else {
      // A portable binary (static libgit2 without network transports) or a libgit2 without
      // mbedTLS: there is no CA bundle loader to override, and none may be loaded.
      #expect(!libraries.stdout.contains("libmbedx509"), "\(libraries.stdout)")
      return
    }
    let repo = try TempRepo.withPrompt("linkTime")
    var environment = repo.environment
    environment["LD_DEBUG"] = "bindings"
    let result = try runProcess(binary, ["check", "--staged"], in: repo.path, environment: environment)
    #expect(result.status == 0, "\(result.stdout)")
    let libgit2Bindings = result.stderr.split(separator: "\n").filter {
      $0.contains("binding file") && $0.contains("libgit2") && $0.contains("mbedtls_x509_crt_parse_")
    }
    for loader in ["mbedtls_x509_crt_parse_file", "mbedtls_x509_crt_parse_path"] {
      let binding = libgit2Bindings.first { $0.hasSuffix("`\(loader)'") }
      #expect(binding != nil, "libgit2 did not call \(loader): \(libgit2Bindings)")
      if let binding {
        #expect(
          binding.contains("to \(binary) [0]"), "libgit2's \(loader) is bound to a library, not promptops: \(binding)")
      }
    }
  }
}
