import GitKit

/// Where a symbolic link leads in one snapshot: what a checkout of that snapshot finds when it
/// follows the link.
///
/// Followed as the file system follows it: component by component from the link's folder, a
/// `..` going up from the folder reached so far, and every link met on the way (the link's own
/// target, or a folder of the path that is itself a link) followed in turn.
package enum LinkDestination: Equatable {
  /// A file (plain or executable): its path and blob.
  case file(path: String, id: ObjectID)
  /// A folder, or nothing at all: the path, whose content is whatever lies below it.
  case folder(path: String)
  /// Nothing, because a folder on the way is a file.
  case throughFile(path: String)
  /// At or inside a submodule: the submodule's path and commit (the rest is another repository's).
  case submodule(path: String, commit: ObjectID)
  /// Outside the repository (an absolute target, or more `..` than folders above): where it leads.
  case outside(path: String)
  /// A chain of links too long to be followed (a loop), or a name that is not UTF-8.
  case unfollowable

  /// Links followed before giving up, as Linux does (`MAXSYMLINKS`).
  static let maximumHops = 40

  /// Where the link at `linkPath`, whose stored target is `target`, leads in `snapshot`. Costs a
  /// lookup per component of the path followed, and a blob per further link met.
  package static func of(linkAt linkPath: [UInt8], target: [UInt8], in snapshot: Snapshot, repository: Repository)
    throws
    -> LinkDestination
  {
    guard let linkPath = String(validating: linkPath, as: UTF8.self),
      let target = String(validating: target, as: UTF8.self)
    else {
      return .unfollowable
    }
    if target.hasPrefix("/") { return .outside(path: target) }
    // The folders reached so far (each one known to be a folder, or nothing), and the components
    // still to follow, last first.
    var reached = linkPath.split(separator: "/", omittingEmptySubsequences: true).dropLast().map(String.init)
    var pending = Array(components(of: target).reversed())
    var hops = 0
    while let component = pending.popLast() {
      if component == "." { continue }
      if component == ".." {
        guard !reached.isEmpty else { return .outside(path: ([".."] + pending.reversed()).joined(separator: "/")) }
        reached.removeLast()
        continue
      }
      let path = (reached + [component]).joined(separator: "/")
      guard let entry = try repository.fileEntry(at: path, in: snapshot) else {
        reached.append(component)
        continue
      }
      switch entry.mode {
      case .symlink:
        hops += 1
        guard hops <= maximumHops, let next = String(validating: try repository.blob(entry.id), as: UTF8.self) else {
          return .unfollowable
        }
        if next.hasPrefix("/") { return .outside(path: ([next] + pending.reversed()).joined(separator: "/")) }
        pending += components(of: next).reversed()
      case .gitlink:
        return .submodule(path: path, commit: entry.id)
      case .regular, .executable, .tree:
        if !pending.isEmpty { return .throughFile(path: ([path] + pending.reversed()).joined(separator: "/")) }
        return .file(path: path, id: entry.id)
      }
    }
    return .folder(path: reached.joined(separator: "/"))
  }

  private static func components(of target: String) -> [String] {
    target.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
  }

  /// The repository path a report names for it.
  package var description: String {
    switch self {
    case .file(let path, _), .folder(let path), .throughFile(let path):
      return path.isEmpty ? "the top of the repository" : path
    case .submodule(let path, _): return "the submodule at \(path)"
    case .outside(let path): return "\(path), outside the repository"
    case .unfollowable: return "a chain of links promptops cannot follow"
    }
  }

  /// Whether a checkout finds a regular file there.
  package var isFile: Bool {
    if case .file = self { return true }
    return false
  }
}
