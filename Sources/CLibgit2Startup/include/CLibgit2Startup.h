#ifndef PROMPTOPS_CLIBGIT2_STARTUP_H
#define PROMPTOPS_CLIBGIT2_STARTUP_H
/// Linked into the promptops executable only; see libgit2_startup.c.
int promptops_libgit2_startup_linked(void);
/// Keeps large allocations on the heap for the life of the (short) process.
void promptops_tune_allocator(void);
#endif
