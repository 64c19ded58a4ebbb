import CZlib
import Foundation

/// Reads a log file line by line, in fixed-size chunks, whatever its size: memory stays flat.
/// Files ending in `.gz` (or starting with the gzip magic bytes) are inflated on the fly.
final class LineReader {
  private let handle: FileHandle
  private var stream = z_stream()
  private let compressed: Bool
  private var inflateDone = false
  private var pending: [UInt8] = []
  private var start = 0
  private var atEnd = false
  let path: String

  init(path: String) throws {
    self.path = path
    guard let handle = FileHandle(forReadingAtPath: path) else {
      throw PromptOpsError.io(path: path, message: "cannot open the file")
    }
    self.handle = handle
    let magic = (try? handle.read(upToCount: 2)) ?? Data()
    try? handle.seek(toOffset: 0)
    compressed = magic.count == 2 && magic[magic.startIndex] == 0x1F && magic[magic.startIndex + 1] == 0x8B
    if compressed {
      guard promptops_inflate_init_gzip(&stream) == Z_OK else {
        throw PromptOpsError.io(path: path, message: "cannot start gzip decompression")
      }
    }
  }

  deinit {
    if compressed { inflateEnd(&stream) }
    try? handle.close()
  }

  /// The next line's bytes (without the newline), or nil at the end of the file. A last line
  /// without a newline is returned too; `lastLineUnterminated` then says so.
  private(set) var lastLineUnterminated = false

  func nextLine() throws -> ArraySlice<UInt8>? {
    while true {
      if let newline = pending[start...].firstIndex(of: 0x0A) {
        let line = pending[start..<newline]
        start = newline + 1
        return line.last == 0x0D ? line.dropLast() : line
      }
      if atEnd {
        guard start < pending.count else { return nil }
        let line = pending[start...]
        start = pending.count
        lastLineUnterminated = true
        return line
      }
      if start > 0 {
        pending.removeFirst(start)
        start = 0
      }
      try fill()
    }
  }

  private func fill() throws {
    let chunk = try handle.read(upToCount: 1 << 16) ?? Data()
    if !compressed {
      if chunk.isEmpty { atEnd = true } else { pending.append(contentsOf: chunk) }
      return
    }
    if chunk.isEmpty {
      if !inflateDone { throw PromptOpsError.io(path: path, message: "the gzip stream ends early (truncated file)") }
      atEnd = true
      return
    }
    guard !inflateDone else { return }  // trailing bytes after the stream are ignored
    var input = [UInt8](chunk)
    var output = [UInt8](repeating: 0, count: 1 << 17)
    try input.withUnsafeMutableBufferPointer { inBuffer in
      stream.next_in = inBuffer.baseAddress
      stream.avail_in = uInt(inBuffer.count)
      repeat {
        let produced: Int = try output.withUnsafeMutableBufferPointer { outBuffer in
          stream.next_out = outBuffer.baseAddress
          stream.avail_out = uInt(outBuffer.count)
          let status = inflate(&stream, Z_NO_FLUSH)
          if status == Z_STREAM_END {
            inflateDone = true
          } else if status != Z_OK && status != Z_BUF_ERROR {
            throw PromptOpsError.io(path: path, message: "corrupt gzip data (zlib status \(status))")
          }
          return outBuffer.count - Int(stream.avail_out)
        }
        pending.append(contentsOf: output[0..<produced])
      } while stream.avail_in > 0 && !inflateDone
    }
  }
}
