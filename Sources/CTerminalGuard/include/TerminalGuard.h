#ifndef IRQSCOPE_TERMINAL_GUARD_H
#define IRQSCOPE_TERMINAL_GUARD_H
// The part of the terminal layer that must run inside signal handlers, so it is C and async-signal-safe:
// a self-pipe for the signals the main loop acts on, and a crash handler that restores the terminal with
// tcsetattr and write only before the crash goes on to its previous handler or the default action.
// Nothing here knows about curses; CursesUI hands over the file descriptor and the reset bytes.
#include <stddef.h>

/// Saves the termios of `fd` (the terminal curses writes to) before curses changes it. 0, or -1 with errno.
int irq_guard_save_termios(int fd);

/// The bytes the crash handler writes to the terminal (leave the alternate screen, show the cursor, reset
/// attributes, stop mouse reporting). Copied; at most 511 bytes are kept. A default xterm set is built in.
void irq_guard_set_reset_sequence(const char *bytes, size_t length);

/// Installs the self-pipe handler for SIGINT, SIGTERM, SIGHUP, SIGWINCH, SIGTSTP and SIGCONT. Returns the
/// pipe's read end (non-blocking; each byte is a signal number), or -1 with errno.
int irq_guard_install_signal_pipe(void);

/// The next signal number waiting in the pipe, or 0 when none is.
int irq_guard_next_signal(void);

/// Puts back the actions the self-pipe replaced and closes the pipe.
void irq_guard_uninstall_signal_pipe(void);

/// Installs the crash handler for SIGSEGV, SIGBUS, SIGILL, SIGTRAP, SIGFPE and SIGABRT (on an alternate
/// stack, so a stack overflow is covered). 0, or -1 with errno.
int irq_guard_install_crash_handlers(void);

/// Puts back the actions the crash handler replaced.
void irq_guard_uninstall_crash_handlers(void);

/// Sends file descriptor 2 to an unlinked temporary file until `irq_guard_unpark_stderr`. 0, or -1 with errno.
int irq_guard_park_stderr(void);

/// Points file descriptor 2 back at the original stderr and copies what was parked there. Idempotent.
void irq_guard_unpark_stderr(void);

/// Ends the process the way `signal` would by default (so a shell sees "killed by SIGTERM"): the default
/// action, unblocked, raised; if the process survives that (a signal whose default is to ignore), _exit(128+n).
void irq_guard_die_by_signal(int signal) __attribute__((noreturn));

/// Stops the process (SIGSTOP, which nothing can catch) and returns once it is continued.
void irq_guard_stop_process(void);

#endif
