import AsyncHTTPClient
import Foundation

/// The proxy a request goes through, read from the environment as libcurl (and so curl, git and
/// most command-line tools) reads it, so that a CI runner or a workstation set up for them needs
/// nothing more for promptops.
///
/// - `http_proxy` for `http://` URLs (lower case only: a CGI server sets `HTTP_PROXY` from a
///   request's `Proxy:` header), `https_proxy` or `HTTPS_PROXY` for `https://` ones, and
///   `all_proxy` or `ALL_PROXY` for either when the scheme's own is not set; an empty value is none.
/// - `no_proxy` or `NO_PROXY`: names separated by commas (or spaces) that go direct: `*` for
///   every host; a name for that host and every host under it (a leading dot changes nothing);
///   an IP address, or a range of them as `address/bits`, for the hosts given by address. Names
///   are compared without regard to case; a port after a name is ignored.
/// - A proxy is `[scheme://][user:password@]host[:port]`: `http://` (the default; port 1080 when
///   none is given, as libcurl has it) with optional Basic credentials, or `socks5://` and
///   `socks5h://` without credentials. The client speaks to an HTTP proxy with `CONNECT`, for
///   `http://` targets too. An HTTPS proxy, SOCKS4 or SOCKS credentials cannot be used: the
///   request fails as unavailable rather than bypass a proxy the environment asked for.
enum ProxyEnvironment {
  typealias Proxy = HTTPClient.Configuration.Proxy

  /// The proxy for `url`, nil to connect directly.
  static func proxy(for url: URL, environment: [String: String]) -> Result<Proxy?, HTTPTransport.Failure> {
    guard let scheme = url.scheme?.lowercased(), let host = url.host else { return .success(nil) }
    func value(_ names: String...) -> String? {
      names.lazy.compactMap { environment[$0] }.first
    }
    let named: String?
    switch scheme {
    case "http": named = value("http_proxy")
    case "https": named = value("https_proxy", "HTTPS_PROXY")
    default: return .success(nil)
    }
    guard let setting = (named.flatMap { $0.isEmpty ? nil : $0 } ?? value("all_proxy", "ALL_PROXY")),
      !setting.isEmpty
    else { return .success(nil) }
    if let exceptions = value("no_proxy", "NO_PROXY"), bypasses(host: host, noProxy: exceptions) {
      return .success(nil)
    }
    return parse(setting).map { $0 }
  }

  /// Whether `host` is one that `no_proxy` lists.
  static func bypasses(host: String, noProxy: String) -> Bool {
    let host = unbracketed(host.lowercased())
    let address = IPAddress(host)
    for entry in noProxy.split(whereSeparator: { $0 == "," || $0 == " " || $0 == "\t" }) {
      var pattern = entry.lowercased()
      if pattern == "*" { return true }
      if let address, let slash = pattern.firstIndex(of: "/"),
        let bits = Int(pattern[pattern.index(after: slash)...]),
        let network = IPAddress(unbracketed(String(pattern[..<slash])))
      {
        if address.isIn(network, prefix: bits) { return true }
        continue
      }
      if let network = IPAddress(unbracketed(pattern)) {
        if address == network { return true }
        continue
      }
      if let colon = pattern.lastIndex(of: ":") { pattern = String(pattern[..<colon]) }
      while pattern.hasPrefix(".") { pattern.removeFirst() }
      while pattern.hasSuffix(".") { pattern.removeLast() }
      guard !pattern.isEmpty, address == nil else { continue }
      let name = host.hasSuffix(".") ? String(host.dropLast()) : host
      if name == pattern || name.hasSuffix("." + pattern) { return true }
    }
    return false
  }

  /// An `http_proxy`-style value as the client's proxy.
  static func parse(_ setting: String) -> Result<Proxy, HTTPTransport.Failure> {
    let written = setting.contains("://") ? setting : "http://" + setting
    func unusable(_ why: String) -> Result<Proxy, HTTPTransport.Failure> {
      .failure(.unavailable("cannot use the proxy the environment names (\(redacted(written))): \(why)"))
    }
    guard let parts = URLComponents(string: written), let scheme = parts.scheme?.lowercased(),
      let host = parts.host.map(unbracketed), !host.isEmpty
    else { return unusable("it is not a URL with a host") }
    let hasCredentials = parts.user != nil || parts.password != nil
    switch scheme {
    case "http":
      let authorization =
        hasCredentials
        ? HTTPClient.Authorization.basic(
          username: parts.percentEncodedUser?.removingPercentEncoding ?? "",
          password: parts.percentEncodedPassword?.removingPercentEncoding ?? "")
        : nil
      return .success(.server(host: host, port: parts.port ?? 1080, authorization: authorization))
    case "socks5", "socks5h":
      guard !hasCredentials else { return unusable("credentials for a SOCKS proxy are not supported") }
      return .success(.socksServer(host: host, port: parts.port ?? 1080))
    default:
      return unusable("\(scheme):// proxies are not supported (http://, socks5:// and socks5h:// are)")
    }
  }

  /// The proxy URL without its password, for messages.
  private static func redacted(_ written: String) -> String {
    guard var parts = URLComponents(string: written), parts.password != nil else { return written }
    parts.password = "***"
    return parts.string ?? written
  }

  private static func unbracketed(_ host: String) -> String {
    host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
  }

  /// An IPv4 or IPv6 address as its bytes, for comparing addresses and ranges.
  struct IPAddress: Equatable {
    var bytes: [UInt8]

    init?(_ text: String) {
      if text.contains(":") {
        var address = in6_addr()
        guard inet_pton(AF_INET6, text, &address) == 1 else { return nil }
        bytes = withUnsafeBytes(of: &address) { Array($0) }
      } else {
        var address = in_addr()
        guard inet_pton(AF_INET, text, &address) == 1 else { return nil }
        bytes = withUnsafeBytes(of: &address) { Array($0) }
      }
    }

    /// Whether the first `prefix` bits equal those of `network` (of the same family).
    func isIn(_ network: IPAddress, prefix: Int) -> Bool {
      guard bytes.count == network.bytes.count, prefix >= 0, prefix <= bytes.count * 8 else { return false }
      for bit in 0..<prefix {
        let mask = UInt8(0x80) >> UInt8(bit % 8)
        if bytes[bit / 8] & mask != network.bytes[bit / 8] & mask { return false }
      }
      return true
    }
  }
}
