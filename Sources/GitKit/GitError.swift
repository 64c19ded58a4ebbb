import CLibgit2
import Foundation

/// A libgit2 failure, turned into a message a user can act on.
///
/// libgit2's own strings name internals ("unsupported mandatory extension: 'link'"); the known traps
/// are recognised here, once, so every caller reports them the same way.
public struct GitError: LocalizedError, CustomStringConvertible, Sendable {
  public enum Kind: Sendable, Equatable {
    case notFound
    case ambiguous
    /// The repository belongs to another user (`GIT_EOWNER`); git's `safe.directory` applies.
    case ownership
    /// The index or repository uses a format libgit2 cannot read (split index, unknown extension).
    case unsupportedFormat
    /// Merge conflicts in the index: nothing can be gated until they are resolved.
    case conflicted
    /// The history needed is not in this clone (shallow clone, missing base commit).
    case missingHistory
    /// A file libgit2 must lock to write (`<ref>.lock`, `index.lock`) is locked already.
    case locked
    case other
  }

  public let kind: Kind
  /// The libgit2 function that failed, or the operation for errors raised by GitKit itself.
  public let function: String
  public let code: Int32
  public let message: String

  public init(kind: Kind, function: String, code: Int32 = -1, message: String) {
    self.kind = kind
    self.function = function
    self.code = code
    self.message = message
  }

  public var description: String { message }

  public var errorDescription: String? { message }

  /// The messages of the other kinds carry their remedy (safe.directory, --no-split-index, a
  /// full fetch) where they are made; a lock's owner is the one thing libgit2 cannot tell.
  public var recoverySuggestion: String? {
    guard kind == .locked else { return nil }
    return "another git process holds the lock; if none is running, it was left by one that was stopped: remove it"
  }

  /// Builds the error for a failed libgit2 call from its return code and `git_error_last()`.
  ///
  /// Some paths return an error without setting one: `git_error_last()` is then NULL (libgit2 up
  /// to 1.7) or a "no error" of class `GIT_ERROR_NONE` (1.8 on). It may also be stale (left over
  /// from an earlier call that was handled); `Libgit2.call` clears it before each call, so
  /// whatever is here belongs to this failure.
  static func fromLast(function: String, code: Int32, context: String? = nil) -> GitError {
    var detail = "libgit2 \(function) failed (code \(code))"
    var errorClass: Int32 = -1
    if let last = git_error_last(), last.pointee.klass != Int32(GIT_ERROR_NONE.rawValue),
      let cMessage = last.pointee.message
    {
      detail = String(cString: cMessage)
      errorClass = last.pointee.klass
    }
    git_error_clear()
    let lowered = detail.lowercased()
    let subject = context.map { "\($0): " } ?? ""
    switch code {
    case GIT_EOWNER.rawValue:
      return GitError(
        kind: .ownership, function: function, code: code,
        message: "\(subject)the repository is owned by another user, so git and promptops refuse "
          + "to read it. If you trust it, mark it safe: "
          + "git config --global --add safe.directory '\(context ?? "<path>")'")
    case GIT_ENOTFOUND.rawValue:
      return GitError(kind: .notFound, function: function, code: code, message: subject + detail)
    case GIT_EAMBIGUOUS.rawValue:
      return GitError(kind: .ambiguous, function: function, code: code, message: subject + detail)
    case GIT_ELOCKED.rawValue:
      // "failed to lock file '…' for writing: " ends with an empty system reason.
      var trimmed = detail
      while trimmed.hasSuffix(" ") || trimmed.hasSuffix(":") { trimmed.removeLast() }
      return GitError(kind: .locked, function: function, code: code, message: subject + trimmed)
    case GIT_EUNMERGED.rawValue:
      return GitError(
        kind: .conflicted, function: function, code: code,
        message: "\(subject)the index has unresolved merge conflicts; resolve them first")
    default:
      break
    }
    if lowered.contains("extension: 'link'") || lowered.contains("split index") {
      return GitError(
        kind: .unsupportedFormat, function: function, code: code,
        message: "\(subject)the index is a split index (core.splitIndex), which libgit2 cannot "
          + "read. Turn it off with: git update-index --no-split-index")
    }
    if lowered.contains("unsupported extension") || lowered.contains("unsupported repository version")
      || lowered.contains("unsupported mandatory extension")
    {
      return GitError(
        kind: .unsupportedFormat, function: function, code: code,
        message: "\(subject)the repository uses a format promptops (libgit2 1.5) cannot read "
          + "(\(detail)). Check `git config --get-regexp '^extensions\\.'` and "
          + "core.repositoryformatversion")
    }
    _ = errorClass
    return GitError(kind: .other, function: function, code: code, message: subject + detail)
  }
}
