#ifndef PROMPTOPS_CBUILDINFO_H
#define PROMPTOPS_CBUILDINFO_H
/// The commit the executable was built from: what the build passed as PROMPTOPS_BUILD_COMMIT
/// (`make dist` and `make install` pass `git rev-parse HEAD`), "unknown" otherwise.
const char *promptops_build_commit(void);
#endif
