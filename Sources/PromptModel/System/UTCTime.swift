import Foundation

/// Civil dates and times in UTC by arithmetic (the proleptic Gregorian calendar), so record
/// timestamps and allowed-signer windows convert the same way on every machine and in every
/// locale.
package enum UTCTime {
  /// Seconds since 1970-01-01T00:00:00Z, or nil for a date that does not exist.
  package static func seconds(year: Int, month: Int, day: Int, hour: Int = 0, minute: Int = 0, second: Int = 0) -> Int?
  {
    guard (1...12).contains(month), (1...daysIn(month: month, year: year)).contains(day), (0..<24).contains(hour),
      (0..<60).contains(minute), (0..<60).contains(second)
    else { return nil }
    return daysFromCivil(year, month, day) * 86_400 + hour * 3_600 + minute * 60 + second
  }

  /// `YYYY-MM-DDTHH:MM:SSZ`: RFC 3339 in UTC to the second, the one spelling every record uses.
  /// By arithmetic: a Foundation date formatter costs more to create than a whole cached eval.
  package static func rfc3339(_ date: Date) -> String {
    let c = components(of: date)
    var text = ""
    text.reserveCapacity(20)
    func append(_ value: Int, digits: Int) {
      let decimal = String(value)
      if decimal.count < digits { text += String(repeating: "0", count: digits - decimal.count) }
      text += decimal
    }
    append(c.year, digits: 4)
    text += "-"
    append(c.month, digits: 2)
    text += "-"
    append(c.day, digits: 2)
    text += "T"
    append(c.hour, digits: 2)
    text += ":"
    append(c.minute, digits: 2)
    text += ":"
    append(c.second, digits: 2)
    return text + "Z"
  }

  /// Year, month, day, hour, minute, second of an instant (whole seconds, rounded down).
  static func components(of date: Date) -> (year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int) {
    let total = Int(date.timeIntervalSince1970.rounded(.down))
    let days = Int((Double(total) / 86_400).rounded(.down))
    let secondsOfDay = total - days * 86_400
    let (year, month, day) = civilFromDays(days)
    return (year, month, day, secondsOfDay / 3_600, secondsOfDay % 3_600 / 60, secondsOfDay % 60)
  }

  private static func daysIn(month: Int, year: Int) -> Int {
    switch month {
    case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
    case 4, 6, 9, 11: return 30
    default: return 31
    }
  }

  /// Days since 1970-01-01 of a civil date (H. Hinnant, "chrono-compatible low-level date algorithms").
  private static func daysFromCivil(_ year: Int, _ month: Int, _ day: Int) -> Int {
    let y = month <= 2 ? year - 1 : year
    let era = (y >= 0 ? y : y - 399) / 400
    let yearOfEra = y - era * 400
    let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
    let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
    return era * 146_097 + dayOfEra - 719_468
  }

  private static func civilFromDays(_ days: Int) -> (Int, Int, Int) {
    let z = days + 719_468
    let era = (z >= 0 ? z : z - 146_096) / 146_097
    let dayOfEra = z - era * 146_097
    let yearOfEra = (dayOfEra - dayOfEra / 1_460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
    let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
    let mp = (5 * dayOfYear + 2) / 153
    let day = dayOfYear - (153 * mp + 2) / 5 + 1
    let month = mp < 10 ? mp + 3 : mp - 9
    return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
  }
}
