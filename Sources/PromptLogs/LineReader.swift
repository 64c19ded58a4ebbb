import CZlib
import Foundation
import PromptModel

/// Reads a log file line by line, in fixed-size chunks, whatever its size: memory stays flat.
/// Files ending in `.gz` (or starting with the gzip magic bytes) are inflated on the fly.
///
/// A line longer than `maxLineBytes` is not kept: the reader skips to its end, keeping only its
/// length, so one 1 GiB line without a newline (a gzip bomb, a binary file) costs a chunk of
/// memory, not a gibibyte. Each byte is looked at once: the search for a newline resumes where
/// the last one stopped.
final class LineReader {
  /// The longest line kept, by default: `LogValidator.defaultMaxRecordBytes`.
  static var defaultMaxLineBytes: Int { LogValidator.defaultMaxRecordBytes }

  /// One line of the file.
  enum Line {
    /// The line's bytes, without the newline (and a carriage return before it).
    case text(ArraySlice<UInt8>)
    /// A line longer than the limit, skipped: its length in bytes.
    case tooLong(bytes: Int)
  }

  private let handle: FileHandle
  private var stream = z_stream()
  private let compressed: Bool
  private var inflateDone = false
  private var pending: [UInt8] = []
  private var start = 0
  /// Where the search for the next newline resumes (bytes before it hold none).
  private var scanned = 0
  private var atEnd = false
  let path: String
  let maxLineBytes: Int

  init(path: String, maxLineBytes: Int = LineReader.defaultMaxLineBytes) throws {
    self.path = path
    self.maxLineBytes = max(1, maxLineBytes)
    guard let handle = FileHandle(forReadingAtPath: path) else {
      throw PromptOpsError.io(path: path, message: "cannot open the file")
    }
    self.handle = handle
    let magic: Data
    do {
      magic = try handle.read(upToCount: 2) ?? Data()
      try handle.seek(toOffset: 0)
    } catch {
      throw PromptOpsError.io(path: path, message: "cannot read the file: \(error.localizedDescription)")
    }
    compressed = magic.count == 2 && magic[magic.startIndex] == 0x1F && magic[magic.startIndex + 1] == 0x8B
    if compressed {
      guard promptops_inflate_init_gzip(&stream) == Z_OK else {
        throw PromptOpsError.io(path: path, message: "cannot start gzip decompression")
      }
    }
  }

  deinit {
    if compressed { inflateEnd(&stream) }
    input.deallocate()
    output.deallocate()
    try? handle.close()
  }

  /// Whether the last line returned ended without a newline (a truncated last record).
  private(set) var lastLineUnterminated = false

  /// The next line, or nil at the end of the file. A last line without a newline is returned
  /// too; `lastLineUnterminated` then says so.
  func next() throws -> Line? {
    var skipped = 0  // bytes of an over-long line dropped so far
    while true {
      if let newline = newlineIndex(from: scanned) {
        let line = pending[start..<newline]
        start = newline + 1
        scanned = start
        if skipped > 0 || line.count > maxLineBytes { return .tooLong(bytes: skipped + line.count) }
        return .text(line.last == 0x0D ? line.dropLast() : line)
      }
      scanned = pending.count
      if atEnd {
        guard start < pending.count || skipped > 0 else { return nil }
        let line = pending[start...]
        start = pending.count
        lastLineUnterminated = true
        if skipped > 0 || line.count > maxLineBytes { return .tooLong(bytes: skipped + line.count) }
        return .text(line)
      }
      if pending.count - start > maxLineBytes {
        // Too long to keep: remember its length and drop what was read of it.
        skipped += pending.count - start
        start = pending.count
      }
      if start > 0 {
        pending.removeFirst(start)
        scanned -= start
        start = 0
      }
      try fill()
    }
  }

  /// The index of the first newline in `pending` at or after `from` (memchr: this loop reads every
  /// byte of a log).
  private func newlineIndex(from: Int) -> Int? {
    guard from < pending.count else { return nil }
    return pending.withUnsafeBufferPointer { buffer in
      memchr(buffer.baseAddress! + from, 0x0A, buffer.count - from).map {
        UnsafePointer($0.assumingMemoryBound(to: UInt8.self)) - buffer.baseAddress!
      }
    }
  }

  /// The next line's bytes; a line over the limit is an error naming the file and its size.
  func nextLine() throws -> ArraySlice<UInt8>? {
    switch try next() {
    case nil: return nil
    case .text(let bytes): return bytes
    case .tooLong(let bytes):
      throw PromptOpsError.io(
        path: path, message: "a line of \(bytes) bytes is longer than the \(maxLineBytes) bytes a record may have")
    }
  }

  /// Adds the next piece of the file to `pending`: at most one chunk read, and for a gzip file at
  /// most one output buffer of inflated bytes (a chunk of a gzip bomb can inflate a thousandfold;
  /// what it does not fit stays in zlib's input for the next call).
  private func fill() throws {
    if !compressed {
      let chunk = try read()
      if chunk.isEmpty { atEnd = true } else { pending.append(contentsOf: chunk) }
      return
    }
    if inflateDone {
      atEnd = true  // trailing bytes after the stream are ignored
      return
    }
    if stream.avail_in == 0 {
      let chunk = try read()
      if chunk.isEmpty { throw PromptOpsError.io(path: path, message: "the gzip stream ends early (truncated file)") }
      _ = chunk.copyBytes(to: input)
      stream.avail_in = uInt(chunk.count)
      stream.next_in = input.baseAddress
    }
    stream.next_out = output.baseAddress
    stream.avail_out = uInt(output.count)
    let status = inflate(&stream, Z_NO_FLUSH)
    if status == Z_STREAM_END {
      inflateDone = true
    } else if status != Z_OK && status != Z_BUF_ERROR {
      throw PromptOpsError.io(path: path, message: "corrupt gzip data (zlib status \(status))")
    }
    pending.append(contentsOf: UnsafeBufferPointer(rebasing: output[0..<(output.count - Int(stream.avail_out))]))
  }

  /// Inflated bytes added per call.
  private static let inflateStep = 1 << 17
  private static let chunkSize = 1 << 16
  /// zlib reads compressed bytes from here across calls, so it must not move: allocated once.
  private let input = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: LineReader.chunkSize)
  private let output = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: LineReader.inflateStep)

  private func read() throws -> Data {
    do {
      return try handle.read(upToCount: Self.chunkSize) ?? Data()
    } catch {
      throw PromptOpsError.io(path: path, message: "cannot read the file: \(error.localizedDescription)")
    }
  }
}
