import Foundation
import Testing

@testable import PromptEvals

@Suite("Provider retry policy")
struct RetryPolicyTests {
  @Test func retriesRateLimitsAndServerErrorsOnly() {
    #expect(RetryPolicy.isRetryable(status: 429))
    #expect(RetryPolicy.isRetryable(status: 500))
    #expect(RetryPolicy.isRetryable(status: 503))
    #expect(!RetryPolicy.isRetryable(status: 400))
    #expect(!RetryPolicy.isRetryable(status: 401))
    #expect(!RetryPolicy.isRetryable(status: 404))
  }

  @Test func backsOffExponentiallyWithBoundedJitterUpToTheCap() {
    let policy = RetryPolicy(maxRetries: 8, baseDelay: 0.5, maxDelay: 3, maxRetryAfter: 60)
    for retry in 0..<8 {
      let ideal = min(0.5 * pow(2, Double(retry)), 3)
      for _ in 0..<20 {
        let delay = policy.delay(beforeRetry: retry)
        #expect(delay <= ideal && delay >= ideal * 0.75, "retry \(retry): \(delay) not in [\(ideal * 0.75), \(ideal)]")
      }
    }
  }

  @Test func retryAfterWinsAndIsCapped() {
    let policy = RetryPolicy(maxRetries: 3, baseDelay: 10, maxDelay: 30, maxRetryAfter: 20)
    #expect(policy.delay(beforeRetry: 0, headers: ["Retry-After": "2"]) == 2)
    #expect(policy.delay(beforeRetry: 0, headers: ["retry-after": "0"]) == 0)
    #expect(policy.delay(beforeRetry: 0, headers: ["retry-after": "3600"]) == 20)
    #expect(policy.delay(beforeRetry: 0, headers: ["retry-after-ms": "250", "retry-after": "9"]) == 0.25)
  }

  @Test func retryAfterMayBeAnHTTPDate() {
    let now = Date(timeIntervalSince1970: 1_700_000_000)  // Tue, 14 Nov 2023 22:13:20 GMT
    let later = RetryPolicy.requestedDelay(headers: ["Retry-After": "Tue, 14 Nov 2023 22:13:27 GMT"], now: now)
    #expect(later == 7)
    #expect(RetryPolicy.requestedDelay(headers: ["Retry-After": "soon"], now: now) == nil)
    #expect(RetryPolicy.requestedDelay(headers: [:], now: now) == nil)
  }
}
