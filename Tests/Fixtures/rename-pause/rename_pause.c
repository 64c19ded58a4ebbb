/* Loaded with LD_PRELOAD into the binary under test: holds every rename() whose target ends in
 * $RENAME_PAUSE_SUFFIX for $RENAME_PAUSE_MS milliseconds, then renames. A test can so stop a
 * writer between its temporary file and the rename (to kill it there, or to make two writers
 * overlap) with no test-only switch in the binary itself. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int rename(const char *from, const char *to) {
  static int (*real)(const char *, const char *);
  if (!real) real = (int (*)(const char *, const char *))dlsym(RTLD_NEXT, "rename");
  const char *suffix = getenv("RENAME_PAUSE_SUFFIX");
  const char *milliseconds = getenv("RENAME_PAUSE_MS");
  if (suffix && milliseconds && to) {
    size_t length = strlen(to), wanted = strlen(suffix);
    if (length >= wanted && strcmp(to + length - wanted, suffix) == 0) usleep((useconds_t)atoi(milliseconds) * 1000);
  }
  return real(from, to);
}
