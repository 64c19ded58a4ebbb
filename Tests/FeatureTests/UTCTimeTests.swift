import Foundation
import TestSupport
import Testing

@testable import PromptModel

/// Record timestamps and allowed-signer windows are converted by arithmetic (`UTCTime`), because
/// a Foundation date formatter costs more to create than a whole cached eval. Foundation's
/// Gregorian calendar in UTC and its ISO 8601 formatter are the oracle it must agree with.
@Suite("UTC times by arithmetic agree with Foundation's calendar")
struct UTCTimeTests {
  static let calendar: Calendar = {
    var calendar = Calendar(identifier: .gregorian)
    calendar.timeZone = TimeZone(identifier: "UTC")!
    return calendar
  }()

  @Test func instantsFormatAsFoundationFormatsThem() {
    let formatter = ISO8601DateFormatter()
    formatter.timeZone = TimeZone(identifier: "UTC")
    var random = SplitMix64(state: 5)
    // 1970 to 2200, plus the edges: leap days, the turn of centuries, the last second of a year.
    var instants = (0..<5_000).map { _ in Double(Int.random(in: 0...7_258_118_400, using: &random)) }
    instants += [0, 951_782_400, 951_868_799, 4_107_542_400, 1_798_761_599, 1_709_164_800, 1_709_251_199]
    for seconds in instants {
      let date = Date(timeIntervalSince1970: seconds)
      #expect(UTCTime.rfc3339(date) == formatter.string(from: date), "at \(seconds)")
    }
    // Fractions of a second are dropped, not rounded.
    #expect(UTCTime.rfc3339(Date(timeIntervalSince1970: 59.999)) == "1970-01-01T00:00:59Z")
  }

  @Test func civilDatesConvertAsTheCalendarConvertsThem() {
    var random = SplitMix64(state: 9)
    for _ in 0..<5_000 {
      let (year, month) = (Int.random(in: 1600...2400, using: &random), Int.random(in: 1...12, using: &random))
      let day = Int.random(in: 1...31, using: &random)
      let (hour, minute, second) = (
        Int.random(in: 0...23, using: &random), Int.random(in: 0...59, using: &random),
        Int.random(in: 0...59, using: &random)
      )
      let components = DateComponents(year: year, month: month, day: day, hour: hour, minute: minute, second: second)
      let ours = UTCTime.seconds(year: year, month: month, day: day, hour: hour, minute: minute, second: second)
      // The calendar rolls 31 April over into May; a date that does not exist is nil here.
      let exists = components.isValidDate(in: Self.calendar)
      #expect((ours != nil) == exists, "\(year)-\(month)-\(day)")
      if let ours, let date = Self.calendar.date(from: components) {
        #expect(ours == Int(date.timeIntervalSince1970), "\(year)-\(month)-\(day) \(hour):\(minute):\(second)")
      }
    }
    #expect(
      UTCTime.seconds(year: 2024, month: 2, day: 29) != nil && UTCTime.seconds(year: 2100, month: 2, day: 29) == nil)
    #expect(UTCTime.seconds(year: 2026, month: 1, day: 1, hour: 24) == nil)
  }
}
