#ifndef PROMPTOPS_CSPAWN_SUPPORT_H
#define PROMPTOPS_CSPAWN_SUPPORT_H
// glibc's GNU extensions that `Spawn` needs and Swift's Glibc module does not import (they sit
// behind _GNU_SOURCE). Linked, not looked up at run time: a C library without them is a link
// error, not a spawn that quietly skips a step. Each exists in glibc 2.34, which the executable
// needs anyway (glibc 2.34 moved the pthread functions it calls into libc).
#if defined(__linux__)
#include <spawn.h>

/// pipe2(fds, O_CLOEXEC): both ends close-on-exec from their creation, so a child spawned by
/// another thread in between cannot inherit them.
int promptops_pipe_cloexec(int fds[2]);

/// posix_spawn_file_actions_addchdir_np (glibc 2.29).
int promptops_spawn_add_chdir(posix_spawn_file_actions_t *actions, const char *path);

/// posix_spawn_file_actions_addclosefrom_np (glibc 2.34): descriptors from `low` up are closed
/// in the child.
int promptops_spawn_add_closefrom(posix_spawn_file_actions_t *actions, int low);
#endif
#endif
