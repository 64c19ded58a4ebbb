import Foundation

#if canImport(FoundationNetworking)
  import FoundationNetworking
#endif

/// One HTTP exchange with a hard deadline, over a URLSession shared by every provider.
///
/// `URLRequest.timeoutInterval` is an idle timeout (a server that trickles a byte every few
/// seconds never trips it), so the deadline here is enforced by cancelling the task.
enum HTTPTransport {
  struct Answer: Sendable {
    var status: Int
    var headers: [String: String]
    var body: Data
  }

  enum Failure: Error, Sendable {
    case timedOut
    /// Could not connect, or the connection broke: the description of the underlying error.
    case connection(String)
  }

  /// One session for all providers, so concurrent tests share connections, with room for as
  /// many parallel connections per host as an eval run would use (the default would queue them).
  static let session: URLSession = {
    let configuration = URLSessionConfiguration.ephemeral
    configuration.httpMaximumConnectionsPerHost = 128
    configuration.urlCache = nil
    configuration.requestCachePolicy = .reloadIgnoringLocalCacheData
    configuration.httpShouldSetCookies = false
    configuration.timeoutIntervalForResource = 24 * 3600
    return URLSession(configuration: configuration)
  }()

  static func send(_ request: URLRequest, timeout: Double) async -> Result<Answer, Failure> {
    var request = request
    request.timeoutInterval = timeout
    let box = ExchangeBox()
    return await withTaskCancellationHandler {
      await withCheckedContinuation { (continuation: CheckedContinuation<Result<Answer, Failure>, Never>) in
        let task = session.dataTask(with: request) { data, response, error in
          if let error {
            let nsError = error as NSError
            let timedOut = nsError.domain == NSURLErrorDomain && nsError.code == NSURLErrorTimedOut
            box.finish(timedOut ? .failure(.timedOut) : .failure(.connection(describe(error))))
            return
          }
          guard let http = response as? HTTPURLResponse else {
            box.finish(.failure(.connection("the answer was not HTTP")))
            return
          }
          var headers: [String: String] = [:]
          for (key, value) in http.allHeaderFields {
            if let key = key as? String, let value = value as? String { headers[key.lowercased()] = value }
          }
          box.finish(.success(Answer(status: http.statusCode, headers: headers, body: data ?? Data())))
        }
        box.start(task: task, continuation: continuation)
        DispatchQueue.global().asyncAfter(deadline: .now() + timeout) {
          box.finish(.failure(.timedOut))
        }
        task.resume()
      }
    } onCancel: {
      box.finish(.failure(.connection("cancelled")))
    }
  }

  private static func describe(_ error: Error) -> String {
    let nsError = error as NSError
    var text = nsError.localizedDescription
    if nsError.domain == NSURLErrorDomain {
      switch nsError.code {
      case NSURLErrorCannotConnectToHost: text = "connection refused"
      case NSURLErrorNetworkConnectionLost: text = "the connection was closed before an answer arrived"
      case NSURLErrorCannotFindHost: text = "host not found"
      case NSURLErrorBadServerResponse: text = "the server's answer was not valid HTTP"
      default: break
      }
    }
    return text
  }
}

/// Resumes an exchange's continuation exactly once, whichever comes first: the answer, the
/// deadline or cancellation. The loser's late result is dropped and its task cancelled.
private final class ExchangeBox: @unchecked Sendable {
  private let lock = NSLock()
  private var continuation: CheckedContinuation<Result<HTTPTransport.Answer, HTTPTransport.Failure>, Never>?
  private var task: URLSessionDataTask?
  private var pending: Result<HTTPTransport.Answer, HTTPTransport.Failure>?
  private var done = false

  func start(
    task: URLSessionDataTask,
    continuation: CheckedContinuation<Result<HTTPTransport.Answer, HTTPTransport.Failure>, Never>
  ) {
    lock.lock()
    if let pending {
      // Cancelled before the task was set up.
      lock.unlock()
      task.cancel()
      continuation.resume(returning: pending)
      return
    }
    self.task = task
    self.continuation = continuation
    lock.unlock()
  }

  func finish(_ result: Result<HTTPTransport.Answer, HTTPTransport.Failure>) {
    lock.lock()
    guard !done else {
      lock.unlock()
      return
    }
    done = true
    guard let continuation else {
      pending = result
      lock.unlock()
      return
    }
    let task = self.task
    self.continuation = nil
    lock.unlock()
    if case .failure = result { task?.cancel() }
    continuation.resume(returning: result)
  }
}
