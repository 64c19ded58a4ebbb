// See include/CSpawnSupport.h.
#if defined(__linux__)
#define _GNU_SOURCE
#include <fcntl.h>
#include <spawn.h>
#include <unistd.h>

#include "CSpawnSupport.h"

int promptops_pipe_cloexec(int fds[2]) { return pipe2(fds, O_CLOEXEC); }

int promptops_spawn_add_chdir(posix_spawn_file_actions_t *actions, const char *path) {
  return posix_spawn_file_actions_addchdir_np(actions, path);
}

int promptops_spawn_add_closefrom(posix_spawn_file_actions_t *actions, int low) {
  return posix_spawn_file_actions_addclosefrom_np(actions, low);
}
#endif
