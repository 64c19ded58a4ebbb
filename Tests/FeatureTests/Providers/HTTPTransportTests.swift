import Foundation
import TestSupport
import Testing

@testable import PromptEvals

/// The transport against a real server on loopback (Tests/Fixtures/openai-server/server.py): the
/// whole-exchange deadline, the body bound, and the words each kind of failure is reported in.
@Suite("HTTP transport on loopback", .serialized)
struct HTTPTransportTests {
  static func chat(_ server: LoopbackOpenAIServer, model: String) -> HTTPRequest {
    let body = #"{"model": "\#(model)", "messages": [{"role": "user", "content": "hello"}]}"#
    return HTTPRequest(
      url: URL(string: server.baseURL + "/chat/completions")!, headers: [("Content-Type", "application/json")],
      body: Data(body.utf8))
  }

  static func timed(_ work: () async -> Result<HTTPTransport.Answer, HTTPTransport.Failure>) async -> (
    Result<HTTPTransport.Answer, HTTPTransport.Failure>, Double
  ) {
    let started = Date()
    let result = await work()
    return (result, Date().timeIntervalSince(started))
  }

  static func failure(_ result: Result<HTTPTransport.Answer, HTTPTransport.Failure>) -> HTTPTransport.Failure? {
    if case .failure(let failure) = result { return failure }
    return nil
  }

  @Test(.timeLimit(.minutes(5)))
  func anAnswerComesWithItsStatusLowerCasedHeadersAndTheLastOfARepeatedHeader() async throws {
    let server = try LoopbackOpenAIServer()
    let answer = try await HTTPTransport.send(Self.chat(server, model: "header-twice/t"), timeout: 30).get()
    #expect(answer.status == 200)
    #expect(answer.headers["content-type"] == "application/json")
    #expect(answer.headers["x-loopback"] == "second")
    #expect(String(decoding: answer.body, as: UTF8.self).contains(#""content": "hello""#))
  }

  /// The headers arrive at once and the body a byte a second: the deadline still ends it.
  @Test(.timeLimit(.minutes(5)))
  func aTrickledAnswerTimesOutAtTheDeadline() async throws {
    let server = try LoopbackOpenAIServer()
    let (result, elapsed) = await Self.timed {
      await HTTPTransport.send(Self.chat(server, model: "trickle/t"), timeout: 1.5)
    }
    #expect(Self.failure(result) == .timedOut, "\(result)")
    #expect(elapsed >= 1.4 && elapsed < 10, "took \(elapsed) s")
  }

  @Test(.timeLimit(.minutes(5)))
  func aStalledServerTimesOutAtTheDeadline() async throws {
    let server = try LoopbackOpenAIServer()
    let (result, elapsed) = await Self.timed {
      await HTTPTransport.send(Self.chat(server, model: "stall/t"), timeout: 1)
    }
    #expect(Self.failure(result) == .timedOut, "\(result)")
    #expect(elapsed >= 0.9 && elapsed < 10, "took \(elapsed) s")
  }

  /// 50 MiB announced and sent: stopped at 16 MiB, and nothing of it returned.
  @Test(.timeLimit(.minutes(5)))
  func anAnswerPastTheBoundIsTooLarge() async throws {
    let server = try LoopbackOpenAIServer()
    let result = await HTTPTransport.send(Self.chat(server, model: "huge50/t"), timeout: 120)
    #expect(Self.failure(result) == .tooLarge("body"), "\(String(describing: Self.failure(result)))")
    // Just under the bound is read whole.
    let fits = await HTTPTransport.send(Self.chat(server, model: "huge15/t"), timeout: 120)
    #expect(try fits.get().body.count > 15 << 20)
  }

  @Test(.timeLimit(.minutes(5)))
  func brokenConnectionsAndGarbageAreNamedInPlainWords() async throws {
    let server = try LoopbackOpenAIServer()
    let words: [(model: String, failure: HTTPTransport.Failure)] = [
      ("cut/t", .connection("the connection was closed in the middle of the answer")),
      ("drop/t", .connection("the connection was closed before an answer arrived")),
      ("garbage/t", .connection("the server's answer was not valid HTTP")),
    ]
    for (model, expected) in words {
      let result = await HTTPTransport.send(Self.chat(server, model: model), timeout: 30)
      #expect(Self.failure(result) == expected, "\(model): \(result)")
    }
  }

  @Test(.timeLimit(.minutes(5)))
  func aClosedPortIsARefusalAndAnUnknownNameIsNotFound() async throws {
    // A port that was just listening and is now closed.
    let port = try LoopbackOpenAIServer().port
    let refused = await HTTPTransport.send(
      HTTPRequest(url: URL(string: "http://127.0.0.1:\(port)/v1/chat/completions")!), timeout: 30)
    #expect(Self.failure(refused) == .connection("connection refused"), "\(refused)")
    let unknown = await HTTPTransport.send(
      HTTPRequest(url: URL(string: "http://promptops-test.invalid/v1/chat/completions")!), timeout: 30)
    #expect(Self.failure(unknown) == .connection("host not found"), "\(unknown)")
  }
}
