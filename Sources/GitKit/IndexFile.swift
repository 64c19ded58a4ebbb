import Foundation

/// The index (`.git/index`, or a hook's `GIT_INDEX_FILE`), read straight from its file.
///
/// libgit2 1.5 builds a hash map of every entry on read, which at 20,000 entries costs more
/// than all of `git diff --cached`; the staged check needs only paths, ids and flags in index
/// order, plus the cache-tree. Formats 2, 3 and 4 are read; every read is bounds-checked; extensions
/// the format marks as required and this reader does not know (split index `link`, sparse index
/// `sdir`) are refused with a clear error, as are conflicted entries.
final class IndexFile {
  struct Entry {
    let id: ObjectID
    let pathStart: Int32
    let pathLength: Int32
    let mode: FileMode
    let stage: UInt8
    let intentToAdd: Bool
  }

  let path: String
  let entries: [Entry]
  /// The bytes `Entry.pathStart` indexes into: the mapped file itself (formats 2 and 3 store
  /// each path whole), or for format 4's prefix-compressed paths, a buffer of them rebuilt.
  let pathBytes: UnsafeBufferPointer<UInt8>
  let cacheTree: IndexCacheTree?
  /// What `pathBytes` lives in, released with the index: the mapped file, or a buffer of
  /// format 4's rebuilt paths (a one-byte placeholder when there is no index file).
  private let mapping: UnsafeRawBufferPointer?
  private let rebuiltPaths: UnsafeMutableBufferPointer<UInt8>?

  /// Reads the index at `path`; a missing file is an empty index (nothing staged yet).
  ///
  /// The file is mapped, not copied, and stays mapped while the index is in use, as git keeps
  /// it: at 20,000 entries, copying the paths out into fresh memory spends more time in page
  /// faults than in parsing. (git replaces the index by renaming a new file over it, so the
  /// mapped one never changes underneath.)
  init(path: String) throws {
    self.path = path
    let descriptor = open(path, O_RDONLY | O_CLOEXEC)
    if descriptor < 0 {
      if errno == ENOENT {
        // No paths, but still an address: comparisons take the base of `pathBytes`.
        let empty = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: 1)
        (entries, pathBytes, cacheTree, mapping, rebuiltPaths) = (
          [], UnsafeBufferPointer(start: empty.baseAddress, count: 0), nil, nil, empty
        )
        return
      }
      throw GitError(
        kind: .other, function: "index", message: "cannot read the index \(path): \(String(cString: strerror(errno)))")
    }
    defer { close(descriptor) }
    var info = stat()
    guard fstat(descriptor, &info) == 0 else {
      throw GitError(kind: .other, function: "index", message: "cannot read the index \(path)")
    }
    let size = Int(info.st_size)
    guard size > 0 else { throw Self.corrupt(path, "empty file") }
    guard size < Int(Int32.max) else { throw Self.corrupt(path, "larger than 2 GiB") }
    guard let address = mmap(nil, size, PROT_READ, MAP_PRIVATE, descriptor, 0), address != MAP_FAILED else {
      throw GitError(kind: .other, function: "index", message: "cannot map the index \(path)")
    }
    let mapping = UnsafeRawBufferPointer(start: address, count: size)
    do {
      let parsed = try Self.parse(mapping, path: path)
      (entries, cacheTree, rebuiltPaths) = (parsed.entries, parsed.cacheTree, parsed.rebuiltPaths)
      if let rebuilt = parsed.rebuiltPaths {
        pathBytes = UnsafeBufferPointer(rebuilt)
      } else {
        pathBytes = mapping.bindMemory(to: UInt8.self)
      }
      self.mapping = mapping
    } catch {
      munmap(address, size)
      throw error
    }
  }

  deinit {
    if let mapping { munmap(UnsafeMutableRawPointer(mutating: mapping.baseAddress), mapping.count) }
    rebuiltPaths?.deallocate()
  }

  private static func corrupt(_ path: String, _ detail: String) -> GitError {
    GitError(kind: .unsupportedFormat, function: "index", message: "the index \(path) cannot be read: \(detail)")
  }

  /// The entries, whose paths index into `bytes` itself, or for format 4 into `rebuiltPaths`.
  private static func parse(
    _ bytes: UnsafeRawBufferPointer, path: String
  ) throws -> (entries: [Entry], rebuiltPaths: UnsafeMutableBufferPointer<UInt8>?, cacheTree: IndexCacheTree?) {
    func corrupt(_ detail: String) -> GitError { Self.corrupt(path, detail) }
    var entries: [Entry] = []
    /// Format 4's paths, rebuilt from their compressed form.
    var pathBytes: [UInt8] = []
    var cacheTree: IndexCacheTree?
    let count = bytes.count
    guard count >= 12 + 20 else { throw corrupt("too short") }
    func be32(_ offset: Int) -> Int {
      Int(UInt32(bigEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt32.self)))
    }
    guard bytes[0] == 0x44, bytes[1] == 0x49, bytes[2] == 0x52, bytes[3] == 0x43 else {
      throw corrupt("no DIRC signature")
    }
    let version = be32(4)
    guard (2...4).contains(version) else { throw corrupt("unsupported index version \(version)") }
    // The trailing checksum is not verified, as git does not verify it on reads either (only
    // `git fsck` does); every read below is bounds-checked instead.
    let end = count - 20
    /// The offset of the next NUL at or after `start`, or `end` when there is none.
    func nul(from start: Int) -> Int {
      guard start < end, let base = bytes.baseAddress, let found = memchr(base + start, 0, end - start) else {
        return end
      }
      return UnsafeRawPointer(found) - base
    }

    let total = be32(8)
    // The header's count is not trusted for allocation: an entry takes at least 62 bytes.
    let plausible = min(total, max(0, (end - 12) / 62))
    entries.reserveCapacity(plausible)
    if version == 4 { pathBytes.reserveCapacity(plausible * 32) }
    var offset = 12
    var previous: Range<Int> = 0..<0
    // Format 4 lets each path keep all of the one before it and add a byte, so n entries can
    // stand for n²/2 bytes of paths: a 2 MB file for a gigabyte. An entry takes at least 63
    // bytes of the file, so past 64 times its size the paths would average over 4 KiB, longer
    // than any path a checkout can hold (PATH_MAX): such an index is refused, not rebuilt.
    let maximumRebuiltPaths = count * 64
    for _ in 0..<total {
      guard offset + 62 <= end else { throw corrupt("truncated entry") }
      let rawMode = UInt32(bigEndian: bytes.loadUnaligned(fromByteOffset: offset + 24, as: UInt32.self))
      guard let mode = FileMode(gitMode: rawMode) else {
        throw corrupt("an entry has the unknown file mode \(String(rawMode, radix: 8))")
      }
      let id = ObjectID(rawBytes: UnsafeRawBufferPointer(rebasing: bytes[(offset + 40)..<(offset + 60)]))
      let flags = Int(UInt16(bigEndian: bytes.loadUnaligned(fromByteOffset: offset + 60, as: UInt16.self)))
      var cursor = offset + 62
      var extended = 0
      if flags & 0x4000 != 0 {
        guard version >= 3, cursor + 2 <= end else { throw corrupt("bad extended flags") }
        extended = Int(UInt16(bigEndian: bytes.loadUnaligned(fromByteOffset: cursor, as: UInt16.self)))
        cursor += 2
      }
      var start = pathBytes.count
      var length = 0
      if version == 4 {
        // A varint of bytes to drop from the previous path, then the rest, NUL-terminated.
        guard cursor < end else { throw corrupt("truncated path") }
        var byte = Int(bytes[cursor])
        var strip = byte & 0x7F
        cursor += 1
        while byte & 0x80 != 0 {
          guard cursor < end, strip <= previous.count else { throw corrupt("bad path compression") }
          byte = Int(bytes[cursor])
          strip = ((strip + 1) << 7) | (byte & 0x7F)
          cursor += 1
        }
        guard strip <= previous.count else { throw corrupt("bad path compression") }
        let kept = previous.lowerBound..<(previous.upperBound - strip)
        // Copied out first: appending a slice of the array to itself would copy the whole
        // array for every entry.
        let keptPrefix = Array(pathBytes[kept])
        pathBytes.append(contentsOf: keptPrefix)
        let suffixStart = cursor
        cursor = nul(from: cursor)
        guard cursor < end else { throw corrupt("truncated path") }
        pathBytes.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[suffixStart..<cursor]))
        offset = cursor + 1
        guard pathBytes.count < Int(Int32.max), pathBytes.count <= maximumRebuiltPaths else {
          throw corrupt("its format-4 paths expand past 64 times the size of the file")
        }
        length = pathBytes.count - start
        previous = start..<pathBytes.count
      } else {
        // The path stays where it is in the file.
        start = cursor
        cursor = nul(from: cursor)
        guard cursor < end else { throw corrupt("truncated path") }
        length = cursor - start
        offset += ((cursor - offset) + 8) & ~7  // padded with 1 to 8 NULs to a multiple of 8
      }
      entries.append(
        Entry(
          id: id, pathStart: Int32(start), pathLength: Int32(length), mode: mode,
          stage: UInt8((flags >> 12) & 0x3), intentToAdd: extended & 0x2000 != 0))
    }
    guard offset <= end else { throw corrupt("truncated entries") }

    while offset + 8 <= end {
      let signature = UnsafeRawBufferPointer(rebasing: bytes[offset..<(offset + 4)])
      let size = be32(offset + 4)
      let body = offset + 8
      guard body + size <= end else { throw corrupt("truncated extension") }
      let name = String(decoding: signature, as: UTF8.self)
      switch name {
      case "TREE":
        cacheTree = IndexCacheTree.parse(UnsafeRawBufferPointer(rebasing: bytes[body..<(body + size)]))
      case "link":
        throw GitError(
          kind: .unsupportedFormat, function: "index",
          message: "the index \(path) is a split index (core.splitIndex), which promptops cannot read. "
            + "Turn it off with: git update-index --no-split-index")
      default:
        // Extensions named with a capital letter are optional and may be ignored.
        if let first = signature.first, !(0x41...0x5A).contains(first) {
          throw GitError(
            kind: .unsupportedFormat, function: "index",
            message: "the index \(path) uses the '\(name)' extension (e.g. a sparse index), which promptops cannot read"
          )
        }
      }
      offset = body + size
    }
    // The cache-tree must describe these entries, or it is ignored.
    if let tree = cacheTree, tree.entryCount(tree.root) >= 0, tree.entryCount(tree.root) != entries.count {
      cacheTree = nil
    }

    var rebuiltPaths: UnsafeMutableBufferPointer<UInt8>?
    if version == 4 {
      let buffer = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: max(pathBytes.count, 1))
      _ = buffer.initialize(from: pathBytes)
      rebuiltPaths = buffer
    }
    let paths = rebuiltPaths.map { UnsafeRawBufferPointer($0) } ?? bytes
    let conflicted = entries.filter { $0.stage != 0 }.map { entry in
      String(decoding: UnsafeRawBufferPointer(rebasing: paths[entry.pathRange]), as: UTF8.self)
    }
    if !conflicted.isEmpty {
      rebuiltPaths?.deallocate()
      var unique: [String] = []
      for path in conflicted where unique.last != path { unique.append(path) }
      throw GitError(
        kind: .conflicted, function: "index",
        message: "cannot gate yet: the index has unresolved merge conflicts in "
          + unique.prefix(5).joined(separator: ", ") + (unique.count > 5 ? ", …" : "")
          + ". Resolve them and stage the result first")
    }
    return (entries, rebuiltPaths, cacheTree)
  }

  /// The entry's path, refused when it is not UTF-8 (see `PathText`).
  func validPathString(_ entry: Entry) throws -> String {
    try PathText.name(UnsafeBufferPointer(rebasing: pathBytes[entry.pathRange]), in: "the index")
  }

  /// Compares an entry's path with `key` bytewise (git's index order).
  func compare(_ position: Int, _ key: [UInt8]) -> Int {
    let entry = entries[position]
    return key.withUnsafeBufferPointer { key in
      let length = min(Int(entry.pathLength), key.count)
      if length > 0 {
        let result = memcmp(pathBytes.baseAddress! + Int(entry.pathStart), key.baseAddress!, length)
        if result != 0 { return Int(result) }
      }
      return Int(entry.pathLength) - key.count
    }
  }

  /// True when the entry's path starts with `prefix`.
  func hasPrefix(_ position: Int, _ prefix: [UInt8]) -> Bool {
    guard position < entries.count else { return false }
    let entry = entries[position]
    guard Int(entry.pathLength) >= prefix.count else { return false }
    guard !prefix.isEmpty else { return true }
    return prefix.withUnsafeBufferPointer {
      memcmp(pathBytes.baseAddress! + Int(entry.pathStart), $0.baseAddress!, prefix.count) == 0
    }
  }

  /// The first position whose path is not below `key`.
  func lowerBound(_ key: [UInt8]) -> Int {
    var low = 0
    var high = entries.count
    while low < high {
      let middle = (low + high) / 2
      if compare(middle, key) < 0 { low = middle + 1 } else { high = middle }
    }
    return low
  }

  /// The first position after `position` whose path does not start with the first `length`
  /// bytes of the path at `position` (the end of a folder's entries, for a length that ends at
  /// a "/"): a galloping search, so a run of a few entries costs a few comparisons.
  func end(ofPathsSharing length: Int, with position: Int) -> Int {
    let start = pathBytes.baseAddress! + Int(entries[position].pathStart)
    func shares(_ other: Int) -> Bool {
      guard other < entries.count else { return false }
      let entry = entries[other]
      return Int(entry.pathLength) >= length
        && memcmp(pathBytes.baseAddress! + Int(entry.pathStart), start, length) == 0
    }
    var low = position  // shares
    var step = 1
    while shares(low + step) {
      low += step
      step *= 2
    }
    var high = min(low + step, entries.count)  // does not share (or the end)
    while high - low > 1 {
      let middle = (low + high) / 2
      if shares(middle) { low = middle } else { high = middle }
    }
    return high
  }

  /// The entry at exactly `path` (stage 0), if any.
  func entry(at path: String) -> Entry? {
    let key = Array(path.utf8)
    let position = lowerBound(key)
    guard position < entries.count, compare(position, key) == 0 else { return nil }
    return entries[position]
  }
}

extension IndexFile.Entry {
  var pathRange: Range<Int> { Int(pathStart)..<(Int(pathStart) + Int(pathLength)) }
}
