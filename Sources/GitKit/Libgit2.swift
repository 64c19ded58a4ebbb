import CLibgit2

/// libgit2's global state: initialised once per process, before the first call.
private let libgit2Initialized: Bool = {
  git_libgit2_init()
  _ = promptops_git_set_tree_cache_limit(64 << 20)
  _ = promptops_git_set_cache_max_size(8 << 20)
  _ = promptops_git_set_strict_hash_verification(0)
  return true
}()

enum Libgit2 {
  static func ensureInitialized() { _ = libgit2Initialized }

  /// Runs one libgit2 call and throws the error it reports.
  ///
  /// The last error is cleared first: libgit2 leaves it set after failures that were handled, and
  /// some functions fail without setting one, so reading it afterwards would otherwise blame this
  /// call for an older failure.
  @discardableResult
  static func call(_ function: String, context: String? = nil, _ body: () -> Int32) throws -> Int32 {
    ensureInitialized()
    git_error_clear()
    let code = body()
    if code < 0 {
      throw GitError.fromLast(function: function, code: code, context: context)
    }
    return code
  }

  /// Runs a lookup that may find nothing: false for `GIT_ENOTFOUND`, which is an answer here,
  /// not an error (and is cleared so it cannot leak into a later call's error).
  static func lookup(_ function: String, context: String? = nil, _ body: () -> Int32) throws -> Bool {
    ensureInitialized()
    git_error_clear()
    let code = body()
    if code == GIT_ENOTFOUND.rawValue {
      git_error_clear()
      return false
    }
    if code < 0 { throw GitError.fromLast(function: function, code: code, context: context) }
    return true
  }
}
