import GitKit

/// One side of a comparison, ready to read files from (blobs only, never the working tree).
public struct SnapshotReader {
  public let repository: Repository
  public let snapshot: Snapshot

  public init(repository: Repository, snapshot: Snapshot) {
    self.repository = repository
    self.snapshot = snapshot
  }

  public func contents(at path: String) throws -> [UInt8]? {
    try repository.contents(at: path, in: snapshot)
  }

  public func exists(_ path: String) throws -> Bool {
    try repository.blobID(at: path, in: snapshot) != nil
  }

  /// The file, link or submodule at `path`, with its mode.
  public func fileEntry(at path: String) throws -> FileEntry? {
    try repository.fileEntry(at: path, in: snapshot)
  }

  public func blob(_ id: ObjectID) throws -> [UInt8] {
    try repository.blob(id)
  }
}
