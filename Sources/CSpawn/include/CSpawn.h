#ifndef SMARTSETUP_CSPAWN_H
#define SMARTSETUP_CSPAWN_H

#include <spawn.h>

/// Adds to `actions` the closing of every file descriptor from `lowest` up, in the child,
/// before it runs the program (glibc's posix_spawn_file_actions_addclosefrom_np, 2.34 and
/// later, which Swift's Glibc module does not show because it is a GNU extension).
/// Returns 0 or an errno value.
int cspawn_addclosefrom(posix_spawn_file_actions_t *actions, int lowest);

/// pipe2(fds, O_CLOEXEC): a pipe whose two ends no child inherits, created atomically (a pipe()
/// followed by fcntl(FD_CLOEXEC) leaves a moment in which another thread's spawn takes them).
/// Returns 0, or -1 with errno set.
int cspawn_pipe_cloexec(int fds[2]);

#endif
