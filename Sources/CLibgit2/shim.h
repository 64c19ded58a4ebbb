#ifndef PROMPTOPS_CLIBGIT2_SHIM_H
#define PROMPTOPS_CLIBGIT2_SHIM_H
#include <git2.h>
// git_repository_set_index: lets a hook's GIT_INDEX_FILE become the repository's index.
#include <git2/sys/repository.h>
#endif
