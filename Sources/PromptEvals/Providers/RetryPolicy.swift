import Foundation

/// When and how long to wait before trying a provider request again.
///
/// Retried: HTTP 429 and 5xx, connection failures (an answer cut off included) and timeouts.
/// Not retried: other 4xx (a bad key or a bad request does not get better by asking again),
/// answers that do not parse, and answers past `HTTPTransport.maxBody`.
/// The wait doubles from `baseDelay` each attempt, with up to 25% random jitter so parallel
/// tests do not retry in lockstep, capped at `maxDelay`. A server's `Retry-After` (seconds or an
/// HTTP date) or `retry-after-ms` wins over the computed wait, capped at `maxRetryAfter` so a
/// hostile or confused server cannot park the gate for an hour.
struct RetryPolicy: Sendable, Equatable {
  /// Retries after the first attempt: a request is tried at most `maxRetries + 1` times.
  var maxRetries: Int = 4
  var baseDelay: Double = 1
  var maxDelay: Double = 30
  var maxRetryAfter: Double = 60

  static func isRetryable(status: Int) -> Bool { status == 429 || (500...599).contains(status) }

  /// Seconds to wait before retry number `retry` (0 for the first retry).
  func delay(beforeRetry retry: Int, headers: [String: String] = [:], now: Date = Date()) -> Double {
    if let requested = Self.requestedDelay(headers: headers, now: now) {
      return min(max(requested, 0), maxRetryAfter)
    }
    let exponential = min(baseDelay * pow(2, Double(retry)), maxDelay)
    return exponential * Double.random(in: 0.75...1)
  }

  /// The wait a server asked for, from `retry-after-ms` or `Retry-After` (header names are
  /// matched without regard to case).
  static func requestedDelay(headers: [String: String], now: Date = Date()) -> Double? {
    func header(_ name: String) -> String? {
      headers.first { $0.key.caseInsensitiveCompare(name) == .orderedSame }?.value
        .trimmingCharacters(in: .whitespaces)
    }
    if let milliseconds = header("retry-after-ms").flatMap(Double.init), milliseconds.isFinite {
      return milliseconds / 1000
    }
    guard let value = header("retry-after") else { return nil }
    if let seconds = Double(value), seconds.isFinite { return seconds }
    let formatter = DateFormatter()
    formatter.locale = Locale(identifier: "en_US_POSIX")
    formatter.timeZone = TimeZone(identifier: "GMT")
    formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
    if let date = formatter.date(from: value) { return date.timeIntervalSince(now) }
    return nil
  }
}
