#ifndef PROMPTOPS_CLIBGIT2_SHIM_H
#define PROMPTOPS_CLIBGIT2_SHIM_H
#include <git2.h>
// libgit2 1.5 to 1.9 are supported (Debian 12's 1.5 up to Homebrew's and Debian 13's 1.8 and 1.9).
// From 1.8 on, git_error_clear is declared in git2/sys/errors.h, which git2.h does not include;
// 1.5 to 1.7 declare it in git2/errors.h and have no sys/errors.h.
#if LIBGIT2_VER_MAJOR > 1 || (LIBGIT2_VER_MAJOR == 1 && LIBGIT2_VER_MINOR >= 8)
#include <git2/sys/errors.h>
#endif
// git_repository_set_index: lets a hook's GIT_INDEX_FILE become the repository's index.
#include <git2/sys/repository.h>

// git_libgit2_opts is variadic, which Swift cannot call: one typed wrapper per option used.

/// Raises the largest tree libgit2's object cache keeps (4 KiB by default). A prompt folder
/// with thousands of prompts is a tree far larger than that; without this, every path lookup
/// below it inflates and parses that tree again.
static inline int promptops_git_set_tree_cache_limit(size_t bytes) {
  return git_libgit2_opts(GIT_OPT_SET_CACHE_OBJECT_LIMIT, GIT_OBJECT_TREE, bytes);
}

/// Bounds the total size of libgit2's object cache (per repository handle). A walk over every
/// prompt folder reads ten thousand small trees that are never needed again; the default
/// bound (256 MiB) lets them all stay in memory.
static inline int promptops_git_set_cache_max_size(ssize_t bytes) {
  return git_libgit2_opts(GIT_OPT_SET_CACHE_MAX_SIZE, bytes);
}

/// Turns off re-hashing every object read. git itself does not verify object ids on read; a
/// 400 KiB tree hashed on every lookup is a measurable part of a staged check.
static inline int promptops_git_set_strict_hash_verification(int enabled) {
  return git_libgit2_opts(GIT_OPT_ENABLE_STRICT_HASH_VERIFICATION, enabled);
}
#endif
