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

/// Makes the child start with no signal blocked and every signal at its default action, whatever
/// this process blocks or ignores (or a SIGTERM would not stop it), and, when
/// `own_process_group` is not 0, in a process group of its own. Returns 0 or an errno value.
int cspawn_reset_signals(posix_spawnattr_t *attributes, int own_process_group);

#endif
