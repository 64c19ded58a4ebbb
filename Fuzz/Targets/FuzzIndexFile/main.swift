import FuzzSupport

@testable import GitKit

/// The git index reader: the input is an index file's bytes (`.git/index`, or a hook's
/// `GIT_INDEX_FILE`, which any tool or person can write). After a successful read, every lookup
/// the staged check makes runs on the result, so offsets the reader accepted are used too.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ start: UnsafeRawPointer?, _ count: Int) -> CInt {
  let input = FuzzInput(start, count)
  let path = FuzzInput.scratchFile(named: "index", holding: input.bytes)
  do {
    let index = try IndexFile(path: path)
    for position in index.entries.indices {
      let entry = index.entries[position]
      _ = index.hasPrefix(position, [])
      guard let path = try? index.validPathString(entry) else { continue }
      _ = index.entry(at: path)
      _ = index.lowerBound(Array(path.utf8))
      _ = index.hasPrefix(position, Array(path.utf8.prefix(3)))
    }
    if let tree = index.cacheTree { walk(tree, tree.root, depth: 0) }
  } catch {
    // A clear error is the right answer to a corrupt index.
  }
  return 0
}

/// Visits every folder of the cache-tree as the staged check does (ids, names, child lookups).
private func walk(_ tree: IndexCacheTree, _ folder: IndexCacheTree.Folder, depth: Int) {
  _ = tree.id(folder)
  _ = tree.entryCount(folder)
  for position in 0..<tree.childCount(folder) {
    let child = tree.child(folder, at: position)
    let name = String(decoding: tree.name(child), as: UTF8.self)
    _ = tree.child(of: folder, named: name)
    walk(tree, child, depth: depth + 1)
  }
}

runLibFuzzer { data, size in fuzz(data, size) }
