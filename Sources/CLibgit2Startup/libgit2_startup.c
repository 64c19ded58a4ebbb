// Debian's libgit2 1.5 is built with mbedTLS, and git_libgit2_init() parses the whole system CA
// bundle (/etc/ssl/certs/ca-certificates.crt) on every start: about 9 ms, most of a pre-commit
// hook's budget. promptops reads local repositories only and never uses libgit2's network
// transports, so the executable provides the two mbedTLS loaders libgit2 calls at start-up; the
// dynamic linker binds libgit2's calls to these. They load no certificate and report success,
// which leaves libgit2 with an empty trust store: any HTTPS transport it were asked to open would
// fail certificate verification, never skip it.
#include "CLibgit2Startup.h"

#if defined(__GLIBC__) || defined(__linux__)
#include <malloc.h>
#endif

struct mbedtls_x509_crt;

int mbedtls_x509_crt_parse_file(struct mbedtls_x509_crt *chain, const char *path) {
  (void)chain;
  (void)path;
  return 0;
}

int mbedtls_x509_crt_parse_path(struct mbedtls_x509_crt *chain, const char *path) {
  (void)chain;
  (void)path;
  return 0;
}

int promptops_libgit2_startup_linked(void) { return 1; }

// Large buffers (a 400 KiB tree rebuilt through a chain of deltas, the index) are otherwise
// mapped and unmapped on every allocation, and each new mapping is paid for again in page
// faults. A short-lived process keeps them on the heap and reuses them.
// glibc's mallopt; macOS's allocator has no such knobs (and keeps large blocks itself).
void promptops_tune_allocator(void) {
#if defined(M_MMAP_THRESHOLD) && defined(M_TRIM_THRESHOLD)
  mallopt(M_MMAP_THRESHOLD, 64 << 20);
  mallopt(M_TRIM_THRESHOLD, 256 << 20);
#endif
}
