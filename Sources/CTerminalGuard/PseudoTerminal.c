// See include/PseudoTerminal.h.
#define _GNU_SOURCE
#include "PseudoTerminal.h"

#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <unistd.h>

int irq_pty_open_master(unsigned short columns, unsigned short rows, char *name, size_t length) {
  int master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (master < 0) return -1;
  struct winsize size = {.ws_row = rows, .ws_col = columns};
  if (grantpt(master) != 0 || unlockpt(master) != 0 || ioctl(master, TIOCSWINSZ, &size) != 0 ||
      ptsname_r(master, name, length) != 0) {
    int saved = errno;
    close(master);
    errno = saved;
    return -1;
  }
  return master;
}

int irq_spawn_setsid_flag(void) { return POSIX_SPAWN_SETSID; }
