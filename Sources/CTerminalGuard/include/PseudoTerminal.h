#ifndef IRQSCOPE_PSEUDO_TERMINAL_H
#define IRQSCOPE_PSEUDO_TERMINAL_H

#include <spawn.h>
#include <stddef.h>

/// Opens a pseudo-terminal pair's master end (close-on-exec, not our controlling terminal), unlocks it, sets its
/// window size and writes the slave's path into `name`. The master's descriptor, or -1 with errno.
/// (posix_openpt and friends need _XOPEN_SOURCE, which Swift's Glibc module does not define.)
int irq_pty_open_master(unsigned short columns, unsigned short rows, char *name, size_t length);

/// Initialises `attributes` for a child that starts as a login shell would: an empty signal mask and every signal
/// at its default action (not whatever the parent blocks or ignores), in a session of its own when `new_session`.
/// 0, or an error number.
int irq_spawn_attributes_init(posix_spawnattr_t *attributes, int new_session);

#endif
