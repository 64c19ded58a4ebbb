import Foundation

/// One result slot per parallel worker, filled from worker threads and read once all are done.
package final class ParallelResults<Value>: @unchecked Sendable {
  private var slots: [Result<Value, any Error>?]
  private let lock = NSLock()

  package init(count: Int) { slots = Array(repeating: nil, count: count) }

  package func store(_ index: Int, _ result: Result<Value, any Error>) {
    lock.lock()
    slots[index] = result
    lock.unlock()
  }

  /// The values in worker order; the first worker's error, if any failed.
  package func collect() throws -> [Value] {
    lock.lock()
    defer { lock.unlock() }
    return try slots.map { slot in
      guard let slot else { preconditionFailure("a parallel worker did not report") }
      return try slot.get()
    }
  }
}

/// Hands values that are not `Sendable` to worker threads that each use their own part of them
/// (one repository handle per worker), which the compiler cannot see.
package struct UncheckedSendable<Value>: @unchecked Sendable {
  package let value: Value
  package init(_ value: Value) { self.value = value }
}
