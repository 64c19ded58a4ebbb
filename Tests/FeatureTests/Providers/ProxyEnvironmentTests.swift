import AsyncHTTPClient
import Foundation
import Testing

@testable import PromptEvals

/// The proxy a request goes through, read from the environment as libcurl reads it.
@Suite("proxy from the environment")
struct ProxyEnvironmentTests {
  typealias Proxy = HTTPClient.Configuration.Proxy

  static func proxy(_ url: String, _ environment: [String: String]) -> Result<Proxy?, HTTPTransport.Failure> {
    ProxyEnvironment.proxy(for: URL(string: url)!, environment: environment)
  }

  @Test func eachSchemeHasItsOwnVariable() throws {
    let environment = ["http_proxy": "http://plain:3128", "https_proxy": "secure.example:8443"]
    #expect(try Self.proxy("http://api.example/v1", environment).get() == .server(host: "plain", port: 3128))
    #expect(
      try Self.proxy("https://api.example/v1", environment).get() == .server(host: "secure.example", port: 8443))
    #expect(try Self.proxy("https://api.example/v1", [:]).get() == nil)
    // Upper-case HTTP_PROXY is not read (a CGI server sets it from a request's header); HTTPS_PROXY is.
    #expect(try Self.proxy("http://api.example/v1", ["HTTP_PROXY": "http://evil:1"]).get() == nil)
    #expect(
      try Self.proxy("https://api.example/v1", ["HTTPS_PROXY": "http://upper:1"]).get()
        == .server(host: "upper", port: 1))
    #expect(
      try Self.proxy("https://api.example/v1", ["ALL_PROXY": "http://all:2"]).get() == .server(host: "all", port: 2))
    // libcurl's default port for a proxy is 1080.
    #expect(try Self.proxy("https://api.example/v1", ["https_proxy": "p"]).get() == .server(host: "p", port: 1080))
    #expect(try Self.proxy("https://api.example/v1", ["https_proxy": ""]).get() == nil)
  }

  @Test func credentialsBecomeBasicAuthorization() throws {
    let proxy = try #require(try Self.proxy("https://a.example", ["https_proxy": "http://me:p%40ss@p:3128"]).get())
    #expect(proxy.authorization == .basic(username: "me", password: "p@ss"))
  }

  @Test func socks5IsUsableAndUnsupportedProxiesAreUnavailable() throws {
    #expect(
      try Self.proxy("https://a.example", ["https_proxy": "socks5h://s:9050"]).get()
        == .socksServer(host: "s", port: 9050))
    for setting in ["https://p:443", "socks4://p:1080", "socks5://me:pw@p:1080", "http://"] {
      guard case .failure(.unavailable(let why)) = Self.proxy("https://a.example", ["https_proxy": setting]) else {
        Issue.record("\(setting) was accepted")
        continue
      }
      #expect(!why.contains("pw"), "the password is not repeated: \(why)")
    }
  }

  @Test func noProxyListsHostsDomainsAddressesAndRanges() {
    let list = "localhost, .internal.example,corp.example:8080 10.0.0.0/8 ::1 192.168.1.5"
    for host in [
      "localhost", "a.internal.example", "internal.example", "corp.example", "x.corp.example",
      "10.1.2.3", "::1", "192.168.1.5",
    ] {
      #expect(ProxyEnvironment.bypasses(host: host, noProxy: list), "\(host)")
    }
    for host in ["api.example", "notcorp.example", "11.0.0.1", "192.168.1.6", "::2", "localhost.example"] {
      #expect(!ProxyEnvironment.bypasses(host: host, noProxy: list), "\(host)")
    }
    #expect(ProxyEnvironment.bypasses(host: "anything.example", noProxy: "*"))
    let environment = ["https_proxy": "http://p:1", "no_proxy": "api.example"]
    #expect((try? Self.proxy("https://api.example/v1", environment).get()) == .some(nil))
    #expect((try? Self.proxy("https://other.example/v1", environment).get()) == .some(.server(host: "p", port: 1)))
  }
}
