#ifndef IRQSCOPE_PSEUDO_TERMINAL_H
#define IRQSCOPE_PSEUDO_TERMINAL_H

#include <stddef.h>

/// Opens a pseudo-terminal pair's master end (close-on-exec, not our controlling terminal), unlocks it, sets its
/// window size and writes the slave's path into `name`. The master's descriptor, or -1 with errno.
/// (posix_openpt and friends need _XOPEN_SOURCE, which Swift's Glibc module does not define.)
int irq_pty_open_master(unsigned short columns, unsigned short rows, char *name, size_t length);

/// POSIX_SPAWN_SETSID, for posix_spawnattr_setflags.
int irq_spawn_setsid_flag(void);

#endif
