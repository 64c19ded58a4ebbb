#ifndef PROMPTOPS_CLIBGIT2_STARTUP_H
#define PROMPTOPS_CLIBGIT2_STARTUP_H
/// Linked into the promptops executable only; see libgit2_startup.c.
int promptops_libgit2_startup_linked(void);
#endif
