import CLibcurl
import Foundation

/// One HTTP request, as the providers build it.
struct HTTPRequest: Sendable {
  var method = "POST"
  var url: URL
  /// Header fields in the order they are sent.
  var headers: [(name: String, value: String)] = []
  var body: Data?
}

/// One HTTP exchange with a hard deadline and a bounded answer, through the system's libcurl.
///
/// libcurl is loaded on the first request (`CLibcurl`), not linked: Foundation's URLSession on
/// Linux would link it, and with it some twenty shared libraries that every `promptops check`
/// in a pre-commit hook would load for nothing. The deadline covers the whole exchange (a server
/// that trickles a byte every few seconds still times out), and an answer larger than
/// `maxBody` bytes is stopped there and is an error (a server cannot fill memory, and no
/// verdict is made on part of an answer).
enum HTTPTransport {
  struct Answer: Sendable {
    var status: Int
    /// Header names lower-cased; the last value of a repeated header wins.
    var headers: [String: String]
    var body: Data
  }

  /// The most of an answer's body read: far beyond any chat completion.
  static let maxBody = 16 << 20

  enum Failure: Error, Sendable {
    case timedOut
    /// The answer's body passed `maxBody` bytes (or its headers 1 MiB); what part of it.
    case tooLarge(String)
    /// Could not connect, or the connection broke: the description of the underlying error.
    case connection(String)
    /// No HTTP client on this machine (libcurl is missing): retrying cannot help.
    case unavailable(String)
  }

  /// Starts mapping libcurl on a thread of its own and returns at once.
  ///
  /// Loading it maps about twenty shared libraries and runs their constructors, some 5–10 ms
  /// the first request would otherwise wait for; started at launch, it overlaps reading the
  /// command line, the repository and the suites. It is started for every `eval`, cached and
  /// HTTP-free ones included (a second thread's work, and an exit that waits for the load at
  /// worst). libcurl is initialised by the first request, as before: only the loading is safe to
  /// leave running when the process exits (see `promptops_http_preload`).
  static func preloadInBackground() {
    let thread = Thread { promptops_http_preload() }
    thread.stackSize = 1 << 20
    thread.start()
  }

  /// Each exchange blocks a thread of its own: not one of the few threads Swift's tasks share,
  /// and not a dispatch queue's, which would run only about as many at once as there are cores
  /// (dispatch cannot see that the threads are waiting on the network), where `--concurrency 32`
  /// must mean 32 requests in flight.
  static func send(_ request: HTTPRequest, timeout: Double) async -> Result<Answer, Failure> {
    await withCheckedContinuation { (continuation: CheckedContinuation<Result<Answer, Failure>, Never>) in
      let thread = Thread { continuation.resume(returning: exchange(request, timeout: timeout)) }
      thread.stackSize = 1 << 20
      thread.start()
    }
  }

  /// The exchange itself, blocking the calling thread.
  static func exchange(_ request: HTTPRequest, timeout: Double) -> Result<Answer, Failure> {
    let lines = request.headers.map { "\($0.name): \($0.value)" }
    var cLines = lines.map { strdup($0) }
    defer { cLines.forEach { free($0) } }
    var answer = promptops_http_answer()
    let milliseconds = max(1, Int((timeout * 1000).rounded(.up)))
    let outcome = cLines.withUnsafeMutableBufferPointer { headerPointers -> Int32 in
      headerPointers.withMemoryRebound(to: UnsafePointer<CChar>?.self) { headers in
        if let body = request.body {
          return body.withUnsafeBytes { bytes in
            promptops_http_exchange(
              request.method, request.url.absoluteString, headers.baseAddress, headers.count,
              bytes.baseAddress ?? UnsafeRawPointer(bitPattern: 1),
              bytes.count, milliseconds, maxBody, &answer)
          }
        }
        return promptops_http_exchange(
          request.method, request.url.absoluteString, headers.baseAddress, headers.count, nil, 0, milliseconds, maxBody,
          &answer)
      }
    }
    defer { promptops_http_answer_free(&answer) }
    let error = withUnsafeBytes(of: answer.error) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
    switch Int(outcome) {
    case Int(PROMPTOPS_HTTP_OK):
      let body = answer.body.map { Data(bytes: $0, count: answer.body_length) } ?? Data()
      let headerText =
        answer.headers.map {
          String(decoding: UnsafeRawBufferPointer(start: $0, count: answer.headers_length), as: UTF8.self)
        } ?? ""
      return .success(Answer(status: answer.status, headers: parseHeaders(headerText), body: body))
    case Int(PROMPTOPS_HTTP_TIMED_OUT):
      return .failure(.timedOut)
    case Int(PROMPTOPS_HTTP_TOO_LARGE):
      return .failure(.tooLarge(error))
    case Int(PROMPTOPS_HTTP_UNAVAILABLE):
      return .failure(.unavailable(error))
    default:
      return .failure(.connection(describe(error)))
    }
  }

  /// "Name: value" lines of one response; the status line and blank lines are skipped.
  ///
  /// Read as bytes: header syntax is ASCII, and its optional whitespace is spaces and tabs only
  /// (RFC 9110), so no Unicode-aware splitting or trimming is needed.
  static func parseHeaders(_ text: String) -> [String: String] {
    var headers: [String: String] = [:]
    let bytes = Array(text.utf8)
    func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 }
    func trimmed(_ range: Range<Int>) -> String {
      var (start, end) = (range.lowerBound, range.upperBound)
      while start < end && isSpace(bytes[start]) { start += 1 }
      while end > start && isSpace(bytes[end - 1]) { end -= 1 }
      return String(decoding: bytes[start..<end], as: UTF8.self)
    }
    var start = 0
    while start < bytes.count {
      let newline = bytes[start...].firstIndex(of: 0x0A) ?? bytes.count
      let end = newline > start && bytes[newline - 1] == 0x0D ? newline - 1 : newline
      let line = bytes[start..<end]
      if !line.starts(with: "HTTP/".utf8), let colon = line.firstIndex(of: 0x3A) {
        headers[trimmed(start..<colon).lowercased()] = trimmed((colon + 1)..<end)
      }
      start = newline + 1
    }
    return headers
  }

  /// libcurl's wording, in the words the provider errors use elsewhere.
  private static func describe(_ error: String) -> String {
    switch error {
    case "Couldn't connect to server": return "connection refused"
    case "Server returned nothing (no headers, no data)", "Failure when receiving data from the peer":
      return "the connection was closed before an answer arrived"
    case "Transferred a partial file":
      return "the connection was closed in the middle of the answer"
    case "Couldn't resolve host name": return "host not found"
    case "Weird server reply", "Unsupported protocol": return "the server's answer was not valid HTTP"
    default: return error
    }
  }
}
