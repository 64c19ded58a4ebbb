import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL
import Synchronization

/// One HTTP request, as the providers build it.
struct HTTPRequest: Sendable {
  var method = "POST"
  var url: URL
  /// Header fields in the order they are sent.
  var headers: [(name: String, value: String)] = []
  var body: Data?
}

/// One HTTP exchange with a hard deadline and a bounded answer, through AsyncHTTPClient.
///
/// The client is made by the first request (`client(through:)`), never at launch: the staged
/// check and the hooks never reach this file, so they start no event loop, read no CA bundle and
/// open no socket. The deadline covers the whole exchange (a server that trickles a byte every
/// few seconds still times out), and an answer larger than `maxBody` bytes is stopped there and
/// is an error (a server cannot fill memory, and no verdict is made on part of an answer).
enum HTTPTransport {
  struct Answer: Sendable {
    var status: Int
    /// Header names lower-cased; the last value of a repeated header wins.
    var headers: [String: String]
    var body: Data
  }

  /// The most of an answer's body read: far beyond any chat completion.
  static let maxBody = 16 << 20

  /// The most of an answer's headers read: SwiftNIO's HTTP/1 decoder stops at 80 KiB (names and
  /// values together), some forty times what a model API sends.
  static let maxHeaders = 80 << 10

  enum Failure: Error, Sendable, Equatable {
    case timedOut
    /// The answer's body passed `maxBody` bytes ("body"), or its headers `maxHeaders` ("headers").
    case tooLarge(String)
    /// Could not connect, or the connection broke: what happened, in words for the user.
    case connection(String)
    /// The proxy the environment names cannot be used (a scheme or credentials the client does
    /// not support, or no host): retrying cannot help.
    case unavailable(String)
  }

  /// Sends one request and reads the whole answer, all within `timeout` seconds.
  ///
  /// The client's own deadline (`execute(_:deadline:)`) ends when the answer's head arrives; the
  /// body is streamed after it returns. So the whole exchange runs in a task raced against a
  /// timer: whichever ends first cancels the other, and a cancelled body stream closes its
  /// connection.
  static func send(_ request: HTTPRequest, timeout: Double) async -> Result<Answer, Failure> {
    let proxy: HTTPClient.Configuration.Proxy?
    switch ProxyEnvironment.proxy(for: request.url, environment: ProcessInfo.processInfo.environment) {
    case .success(let chosen): proxy = chosen
    case .failure(let failure): return .failure(failure)
    }
    let seconds = max(timeout, 0.001)
    let deadline = NIODeadline.now() + .nanoseconds(Int64((seconds * 1e9).rounded(.up)))
    var outgoing = HTTPClientRequest(url: request.url.absoluteString)
    outgoing.method = HTTPMethod(rawValue: request.method)
    for (name, value) in request.headers { outgoing.headers.add(name: name, value: value) }
    if let body = request.body { outgoing.body = .bytes(ByteBuffer(bytes: body)) }
    let client = client(through: proxy)
    let prepared = outgoing

    enum Outcome: Sendable {
      case finished(Result<Answer, Failure>)
      case expired
      case cancelled
    }
    return await withTaskGroup(of: Outcome.self) { group in
      group.addTask { .finished(await exchange(prepared, on: client, deadline: deadline)) }
      group.addTask {
        do {
          try await Task.sleep(nanoseconds: UInt64((seconds * 1e9).rounded(.up)))
          return .expired
        } catch {
          return .cancelled
        }
      }
      defer { group.cancelAll() }
      // The timer ends first only when the deadline passed or the caller was cancelled; either
      // way the exchange is cancelled, and when the caller was, its own ending is the answer.
      while let outcome = await group.next() {
        switch outcome {
        case .finished(let result): return result
        case .expired: return .failure(.timedOut)
        case .cancelled: group.cancelAll()
        }
      }
      return .failure(.connection("the request was cancelled"))
    }
  }

  /// The exchange itself: the answer's head within `deadline`, then its body up to `maxBody`.
  private static func exchange(_ request: HTTPClientRequest, on client: HTTPClient, deadline: NIODeadline) async
    -> Result<Answer, Failure>
  {
    let response: HTTPClientResponse
    do {
      response = try await client.execute(request, deadline: deadline)
    } catch {
      return .failure(failure(error, afterHead: false))
    }
    let body: ByteBuffer
    do {
      // Stops reading once the body passes the bound (at once when Content-Length says it will).
      body = try await response.body.collect(upTo: maxBody)
    } catch {
      return .failure(failure(error, afterHead: true))
    }
    return .success(
      Answer(
        status: Int(response.status.code), headers: headerFields(response.headers),
        body: Data(body.readableBytesView)))
  }

  /// Response header fields by lower-cased name, the last value of a repeated name winning, values
  /// without the optional whitespace around them (spaces and tabs, RFC 9110).
  static func headerFields(_ fields: some Sequence<(name: String, value: String)>) -> [String: String] {
    var headers: [String: String] = [:]
    for (name, value) in fields {
      let bytes = Array(value.utf8)
      func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 }
      var (start, end) = (0, bytes.count)
      while start < end && isSpace(bytes[start]) { start += 1 }
      while end > start && isSpace(bytes[end - 1]) { end -= 1 }
      headers[name.lowercased()] = String(decoding: bytes[start..<end], as: UTF8.self)
    }
    return headers
  }

  // MARK: - The clients

  /// One client per proxy the environment names (almost always one: direct, or through the one
  /// proxy), made on first use and kept for the life of the process, so that requests reuse
  /// kept-alive connections and TLS sessions. Statics are never deinitialised, so a client is
  /// never shut down: the process exits with its connections open, as it did with libcurl's.
  private static let clients = Mutex<[HTTPClient.Configuration.Proxy?: HTTPClient]>([:])

  static func client(through proxy: HTTPClient.Configuration.Proxy?) -> HTTPClient {
    clients.withLock { clients in
      if let made = clients[proxy] { return made }
      let made = HTTPClient(
        eventLoopGroup: MultiThreadedEventLoopGroup.singleton, configuration: configuration(proxy: proxy))
      clients[proxy] = made
      return made
    }
  }

  /// The most requests the evals put in flight at once (`--concurrency` and `evals.concurrency`
  /// allow up to 1024).
  static let maxConcurrency = 1024

  /// How every client is set up.
  static func configuration(proxy: HTTPClient.Configuration.Proxy?) -> HTTPClient.Configuration {
    // Certificates are verified against the system's CA store (NIOSSL's default trust roots).
    var configuration = HTTPClient.Configuration(
      tlsConfiguration: TLSConfiguration.makeClientConfiguration(),
      // A redirect is an answer like any other, as it was with libcurl: a model API does not
      // redirect, and following one would send the key and the prompt to wherever it points.
      redirectConfiguration: .disallow,
      // No connect timeout of its own: the request's deadline bounds connecting too, and a
      // shorter one would report "timed out after 120000 ms" for a 10-second connect.
      timeout: .init(connect: .hours(24)),
      proxy: proxy,
      decompression: .disabled)
    // `--concurrency 32` means 32 requests in flight: a connection for each (the pool's default
    // of 8 per host would queue the rest). Over HTTP/2 they share one connection's streams.
    configuration.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = maxConcurrency
    // A refused connection fails its request at once, as libcurl's did, and the provider's retry
    // policy decides what happens next; retrying inside the pool would hold the request until
    // the connect timeout and report a refusal as a timeout.
    configuration.connectionPool.retryConnectionEstablishment = false
    return configuration
  }

  // MARK: - Errors in words

  /// What went wrong, in the words the provider errors use: SwiftNIO's and the client's errors
  /// mapped onto a few plain sentences (the tests and the docs quote them). `afterHead` tells
  /// whether the answer's head had arrived: a connection closed then was closed in the middle
  /// of the answer.
  static func failure(_ error: any Error, afterHead: Bool) -> Failure {
    let closed =
      afterHead
      ? "the connection was closed in the middle of the answer"
      : "the connection was closed before an answer arrived"
    switch error {
    case is NIOTooManyBytesError:
      return .tooLarge("body")
    case is CancellationError:
      return .connection("the request was cancelled")
    case let error as HTTPClientError:
      switch error {
      case .deadlineExceeded, .connectTimeout, .readTimeout, .writeTimeout, .tlsHandshakeTimeout,
        .httpProxyHandshakeTimeout, .socksHandshakeTimeout, .getConnectionFromPoolTimeout:
        return .timedOut
      case .remoteConnectionClosed, .uncleanShutdown: return .connection(closed)
      case .cancelled: return .connection("the request was cancelled")
      case .invalidProxyResponse: return .connection("the proxy refused to connect to the server")
      case .proxyAuthenticationRequired: return .connection("the proxy asked for credentials it did not accept")
      case .bodyLengthMismatch: return .connection(closed)
      default: return .connection("\(error)")
      }
    case let error as HTTPParserError:
      switch error {
      case .headerOverflow: return .tooLarge("headers")
      case .invalidEOFState: return .connection(closed)
      default: return .connection("the server's answer was not valid HTTP")
      }
    case let error as NIOConnectionError:
      if let refusal = error.connectionErrors.lazy.map({ Self.failure($0.error, afterHead: false) }).first {
        return refusal
      }
      if error.dnsAError != nil || error.dnsAAAAError != nil { return .connection("host not found") }
      return .connection("\(error)")
    case is SocketAddressError.UnknownHost:
      return .connection("host not found")
    case let error as IOError:
      switch error.errnoCode {
      case ECONNREFUSED: return .connection("connection refused")
      case ECONNRESET, EPIPE: return .connection(closed)
      case ETIMEDOUT: return .timedOut
      case EHOSTUNREACH, ENETUNREACH: return .connection("no route to the host")
      default: return .connection("\(error)")
      }
    case let error as ChannelError:
      switch error {
      case .connectTimeout: return .timedOut
      case .eof, .ioOnClosedChannel, .alreadyClosed, .outputClosed, .inputClosed: return .connection(closed)
      default: return .connection("\(error)")
      }
    case let error as NIOSSLError:
      switch error {
      case .uncleanShutdown: return .connection(closed)
      case .handshakeFailed(let reason): return .connection("the TLS handshake failed: \(reason)")
      default: return .connection("TLS: \(error)")
      }
    default:
      return .connection("\(error)")
    }
  }
}
