/// What git records at a path: a file's content (plain or executable), a symbolic link (whose
/// "content" is the target's name), a submodule (a commit of another repository), or a folder.
///
/// Tree entries and index entries both carry it; only a regular file's blob is the content a
/// checkout writes. A link's blob is the name of its target, and a submodule has no blob here.
public enum FileMode: Sendable, Hashable {
  case regular, executable, symlink, gitlink, tree

  /// Reads a mode by its type bits, as git does (`100644`, `100755`, `120000`, `160000`,
  /// `040000`); nil for a type git never writes.
  public init?(gitMode raw: UInt32) {
    switch raw & 0o170000 {
    case 0o100000: self = raw & 0o100 != 0 ? .executable : .regular
    case 0o120000: self = .symlink
    case 0o160000: self = .gitlink
    case 0o040000: self = .tree
    default: return nil
    }
  }

  /// A file whose blob is what a checkout writes: plain or executable (the executable bit does
  /// not change the bytes).
  public var isRegularFile: Bool { self == .regular || self == .executable }
}
