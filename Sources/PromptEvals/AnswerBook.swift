import Foundation
import PromptModel

/// The answers one run of one unit needs, from the cache when it holds an authentic entry, else
/// from the provider; answers asked for are kept until the run is known to have ended without
/// an error, then stored (`storeAsked`).
final class AnswerBook: @unchecked Sendable {
  /// What one run asked for.
  struct Tally: Sendable {
    var calls = 0
    var hits = 0
    var rejected = 0
  }

  let cache: EvalCache?
  let unit: EvalUnit
  let repetition: Int
  private let lock = NSLock()
  private var counted = Tally()
  private var asked: [(key: String, response: ProviderResponse)] = []

  init(cache: EvalCache?, unit: EvalUnit, repetition: Int) {
    self.cache = cache
    self.unit = unit
    self.repetition = repetition
  }

  var tally: Tally { lock.withLock { counted } }

  /// The provider's answer to the request, and whether it came from the cache.
  func answer(from provider: any EvalProvider, spec: ProviderSpec, _ request: ProviderRequest) async throws -> (
    ProviderResponse, cached: Bool
  ) {
    // The key is only worth its hashing when there is a cache to ask.
    let key = cache.map { _ in
      unit.answerKey(provider: spec, identity: provider.cacheIdentity, request: request, repetition: repetition)
    }
    if let cache, let key {
      switch cache.load(key) {
      case .answer(let response):
        lock.withLock { counted.hits += 1 }
        return (response, true)
      case .rejected: lock.withLock { counted.rejected += 1 }
      case .absent: break
      }
    }
    lock.withLock { counted.calls += 1 }
    let response = try await provider.complete(request)
    if let key { lock.withLock { asked.append((key, response)) } }
    return (response, false)
  }

  func storeAsked() {
    guard let cache else { return }
    for (key, response) in lock.withLock({ asked }) { cache.store(response, key: key) }
  }
}

/// A grader asked through a run's `AnswerBook`, so its answers are cached like the model's.
struct AnsweredFromBook: EvalProvider {
  let live: any EvalProvider
  let spec: ProviderSpec
  let book: AnswerBook

  var id: String { live.id }
  var cacheIdentity: String { live.cacheIdentity }

  func complete(_ request: ProviderRequest) async throws -> ProviderResponse {
    try await book.answer(from: live, spec: spec, request).0
  }
}
