// The commit is a compile-time define rather than a generated source file: a build outside git (a
// source tarball) needs no step to produce it, and a build that does not set it says "unknown"
// instead of showing the commit of some earlier build.
#include "CBuildInfo.h"

#ifndef PROMPTOPS_BUILD_COMMIT
#define PROMPTOPS_BUILD_COMMIT "unknown"
#endif

const char *promptops_build_commit(void) { return PROMPTOPS_BUILD_COMMIT; }
