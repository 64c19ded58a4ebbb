import Foundation

/// A path that compares, hashes and sorts by its UTF-8 bytes, as git does.
///
/// Swift's own `String` equality holds canonically equivalent spellings equal (`café` composed
/// and decomposed), which would merge two paths git keeps apart.
package struct BytePath: Hashable, Comparable {
  package let path: String

  package init(_ path: String) { self.path = path }

  package static func == (lhs: BytePath, rhs: BytePath) -> Bool { BytePath.equal(lhs.path, rhs.path) }
  package static func < (lhs: BytePath, rhs: BytePath) -> Bool { BytePath.order(lhs.path, rhs.path) < 0 }
  package func hash(into hasher: inout Hasher) { BytePath.hash(path, into: &hasher) }

  package static func equal(_ a: String, _ b: String) -> Bool {
    a.utf8.count == b.utf8.count && order(a, b) == 0
  }

  /// memcmp order of the two strings' bytes (a prefix first).
  static func order(_ a: String, _ b: String) -> Int {
    var a = a
    var b = b
    return a.withUTF8 { left in
      b.withUTF8 { right in
        let common = min(left.count, right.count)
        if common > 0, let x = left.baseAddress, let y = right.baseAddress {
          let result = memcmp(x, y, common)
          if result != 0 { return result < 0 ? -1 : 1 }
        }
        return left.count == right.count ? 0 : (left.count < right.count ? -1 : 1)
      }
    }
  }

  static func hash(_ path: String, into hasher: inout Hasher) {
    var path = path
    path.withUTF8 { hasher.combine(bytes: UnsafeRawBufferPointer($0)) }
  }
}
