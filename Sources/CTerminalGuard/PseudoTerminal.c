// See include/PseudoTerminal.h.
#define _GNU_SOURCE
#include "PseudoTerminal.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
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

int irq_spawn_attributes_init(posix_spawnattr_t *attributes, int new_session) {
  int error = posix_spawnattr_init(attributes);
  if (error != 0) return error;
  sigset_t empty, all;
  sigemptyset(&empty);
  sigfillset(&all);
  short flags = POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF | (new_session ? POSIX_SPAWN_SETSID : 0);
  if ((error = posix_spawnattr_setsigmask(attributes, &empty)) != 0 ||
      (error = posix_spawnattr_setsigdefault(attributes, &all)) != 0 ||
      (error = posix_spawnattr_setflags(attributes, flags)) != 0) {
    posix_spawnattr_destroy(attributes);
  }
  return error;
}
