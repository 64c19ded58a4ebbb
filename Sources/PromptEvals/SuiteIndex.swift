import Crypto
import GitKit
import PromptChanges

/// The suites below the prompt roots whose text may name files outside their own folder: the
/// only suites a change to a file outside every prompt folder can feed.
///
/// Finding them means looking at every suite, a walk of every prompt folder; a `TreeIndex`
/// (`promptops/suite-index` in the git directory, authenticated under the eval cache's key)
/// keeps each tree's finding by its id, so after the first walk a gate reads only the folders
/// its change touched, as git's own diff does. Without a key there is no index: every gate walks.
struct SuiteIndex {
  let repository: Repository
  /// The suite file name (`evalsuite.yml`); `<id>.evalsuite.yml` beside a single-file prompt counts too.
  let suiteFile: String
  /// The key the index file is authenticated with; nil keeps no index.
  let key: SymmetricKey?

  static let fileName = "suite-index"

  /// Suites below `roots` in a commit that may read outside their folder, with their blobs.
  func suitesReadingOutside(under roots: [String], inCommit commit: ObjectID) throws -> [FileEntry] {
    let repository = self.repository
    let suiteName = Array(suiteFile.utf8)
    /// `evalsuite.yml`, or `<id>.evalsuite.yml` beside a single-file prompt.
    func isSuite(_ name: UnsafeBufferPointer<UInt8>) -> Bool {
      guard name.count >= suiteName.count, name.suffix(suiteName.count).elementsEqual(suiteName) else { return false }
      return name.count == suiteName.count || name[name.count - suiteName.count - 1] == UInt8(ascii: ".")
    }
    let index = TreeIndex(repository: repository, name: Self.fileName, parameters: suiteFile, key: key) { name, _, id in
      guard isSuite(name) else { return nil }
      return SuiteLoader.mayReadOutsideItsFolder(try repository.blob(id)) ? [] : nil
    }
    let suites = try index.items(under: roots, inCommit: commit)
    index.save()
    return suites.map { FileEntry(path: String(decoding: $0.path, as: UTF8.self), id: $0.id) }.sorted {
      $0.path < $1.path
    }
  }
}
