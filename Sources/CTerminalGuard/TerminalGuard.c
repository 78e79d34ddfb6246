// See include/TerminalGuard.h. Everything a handler touches is a static set up beforehand; handlers call
// only functions on POSIX's async-signal-safe list (write, read, lseek, dup2, tcsetattr, sigaction, raise).
#define _GNU_SOURCE
#include "TerminalGuard.h"

#include <errno.h>
#include <pthread.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

// MARK: - Terminal state saved before curses starts

static struct termios saved_termios;
static volatile sig_atomic_t termios_saved = 0;
static int terminal_fd = 1;

// Mouse reporting off (SGR, button-event, normal tracking), attributes reset, cursor visible, keypad
// "application mode" off, alternate screen left: the xterm sequences every terminal curses drives here knows.
static char reset_bytes[512] =
  "\033[?1006l\033[?1002l\033[?1000l\033[0m\033[?25h\033[?1l\033>\033[?1049l";
static size_t reset_length = 0;  // 0 = use strlen(reset_bytes) of the built-in default

int irq_guard_save_termios(int fd) {
  if (tcgetattr(fd, &saved_termios) != 0) return -1;
  terminal_fd = fd;
  termios_saved = 1;
  return 0;
}

void irq_guard_set_reset_sequence(const char *bytes, size_t length) {
  if (length > sizeof reset_bytes - 1) length = sizeof reset_bytes - 1;
  memcpy(reset_bytes, bytes, length);
  reset_bytes[length] = 0;
  reset_length = length;
}

static void write_all(int fd, const char *bytes, size_t length) {
  while (length > 0) {
    ssize_t n = write(fd, bytes, length);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;
    bytes += n;
    length -= (size_t)n;
  }
}

// MARK: - stderr parked in an unlinked temporary file (a file never blocks a writer, a full pipe would)

static int parked_fd = -1;
static int original_stderr_fd = -1;

int irq_guard_park_stderr(void) {
  if (parked_fd >= 0) return 0;
  const char *directory = getenv("TMPDIR");
  if (directory == NULL || directory[0] == 0) directory = "/tmp";
  int file = open(directory, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
  if (file < 0) {
    char path[4096];
    size_t n = strlen(directory);
    if (n > sizeof path - 32) return -1;
    memcpy(path, directory, n);
    memcpy(path + n, "/irqscope-stderr-XXXXXX", sizeof "/irqscope-stderr-XXXXXX");
    file = mkostemp(path, O_CLOEXEC);
    if (file < 0) return -1;
    unlink(path);
  }
  int original = fcntl(2, F_DUPFD_CLOEXEC, 3);
  if (original < 0 || dup2(file, 2) < 0) {
    int error = errno;
    if (original >= 0) close(original);
    close(file);
    errno = error;
    return -1;
  }
  original_stderr_fd = original;
  parked_fd = file;
  return 0;
}

// Async-signal-safe: the crash handler calls it too.
void irq_guard_unpark_stderr(void) {
  int file = parked_fd, original = original_stderr_fd;
  if (file < 0 || original < 0) return;
  parked_fd = -1;
  original_stderr_fd = -1;
  dup2(original, 2);
  close(original);
  char buffer[4096];
  if (lseek(file, 0, SEEK_SET) == 0) {
    for (;;) {
      ssize_t n = read(file, buffer, sizeof buffer);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) break;
      write_all(2, buffer, (size_t)n);
    }
  }
  close(file);
}

// A parent may hand down a blocked signal mask (a test runner's thread, a daemon's spawn): a handled signal
// that stays blocked would never arrive, so the signals handled here are unblocked on the calling thread.
static void unblock(const int *signals, int count) {
  sigset_t set;
  sigemptyset(&set);
  for (int i = 0; i < count; i++) sigaddset(&set, signals[i]);
  pthread_sigmask(SIG_UNBLOCK, &set, NULL);
}

// MARK: - Self-pipe for the signals the main loop acts on

static const int pipe_signals[] = {SIGINT, SIGTERM, SIGHUP, SIGWINCH, SIGTSTP, SIGCONT};
enum { pipe_signal_count = sizeof pipe_signals / sizeof pipe_signals[0] };
static struct sigaction previous_pipe_actions[pipe_signal_count];
static int pipe_read_fd = -1;
static volatile int pipe_write_fd = -1;

static void pipe_handler(int signal) {
  int saved_errno = errno;
  unsigned char byte = (unsigned char)signal;
  if (pipe_write_fd >= 0) (void)!write(pipe_write_fd, &byte, 1);  // a full pipe already wakes the loop
  errno = saved_errno;
}

int irq_guard_install_signal_pipe(void) {
  if (pipe_read_fd >= 0) return pipe_read_fd;
  int ends[2];
  if (pipe2(ends, O_NONBLOCK | O_CLOEXEC) != 0) return -1;
  pipe_read_fd = ends[0];
  pipe_write_fd = ends[1];
  struct sigaction action;
  memset(&action, 0, sizeof action);
  action.sa_handler = pipe_handler;
  sigemptyset(&action.sa_mask);
  action.sa_flags = SA_RESTART;
  for (int i = 0; i < pipe_signal_count; i++) {
    if (sigaction(pipe_signals[i], &action, &previous_pipe_actions[i]) != 0) {
      int error = errno;
      for (int j = 0; j < i; j++) sigaction(pipe_signals[j], &previous_pipe_actions[j], NULL);
      close(ends[0]);
      close(ends[1]);
      pipe_read_fd = pipe_write_fd = -1;
      errno = error;
      return -1;
    }
  }
  unblock(pipe_signals, pipe_signal_count);
  return pipe_read_fd;
}

int irq_guard_next_signal(void) {
  if (pipe_read_fd < 0) return 0;
  unsigned char byte;
  for (;;) {
    ssize_t n = read(pipe_read_fd, &byte, 1);
    if (n == 1) return byte;
    if (n < 0 && errno == EINTR) continue;
    return 0;
  }
}

void irq_guard_uninstall_signal_pipe(void) {
  if (pipe_read_fd < 0) return;
  for (int i = 0; i < pipe_signal_count; i++) sigaction(pipe_signals[i], &previous_pipe_actions[i], NULL);
  int write_end = pipe_write_fd;
  pipe_write_fd = -1;
  close(write_end);
  close(pipe_read_fd);
  pipe_read_fd = -1;
}

// MARK: - Crash signals

static const int crash_signals[] = {SIGSEGV, SIGBUS, SIGILL, SIGTRAP, SIGFPE, SIGABRT};
enum { crash_signal_count = sizeof crash_signals / sizeof crash_signals[0] };
static struct sigaction previous_crash_actions[crash_signal_count];
static volatile sig_atomic_t crash_handlers_installed = 0;
static volatile sig_atomic_t terminal_restored_after_crash = 0;
static char alternate_stack[64 * 1024];

static void restore_terminal_after_crash(void) {
  if (terminal_restored_after_crash) return;
  terminal_restored_after_crash = 1;
  if (termios_saved) tcsetattr(terminal_fd, TCSANOW, &saved_termios);
  write_all(terminal_fd, reset_bytes, reset_length ? reset_length : strlen(reset_bytes));
  irq_guard_unpark_stderr();  // the crash report that follows reaches the user
}

static void crash_handler(int signal, siginfo_t *info, void *context) {
  int saved_errno = errno;
  restore_terminal_after_crash();
  struct sigaction previous;
  memset(&previous, 0, sizeof previous);
  previous.sa_handler = SIG_DFL;
  for (int i = 0; i < crash_signal_count; i++) {
    if (crash_signals[i] == signal) previous = previous_crash_actions[i];
  }
  // Hand the crash to whoever had it before (the Swift runtime's backtracer prints its report), as htop's
  // CRT_handleSIGSEGV does. That handler may return — for a signal sent with kill the Swift runtime's does,
  // and the process would carry on — so the default action is put back and the signal raised again either way.
  // The signal is blocked while this handler runs, so raise() leaves it pending, and it kills the process with
  // its own status as soon as the handler returns (a real fault would also recur when the instruction re-runs).
  if (previous.sa_flags & SA_SIGINFO) {
    if (previous.sa_sigaction != NULL) previous.sa_sigaction(signal, info, context);
  } else if (previous.sa_handler != SIG_DFL && previous.sa_handler != SIG_IGN && previous.sa_handler != NULL) {
    previous.sa_handler(signal);
  }
  struct sigaction fallback;
  memset(&fallback, 0, sizeof fallback);
  fallback.sa_handler = SIG_DFL;
  sigemptyset(&fallback.sa_mask);
  sigaction(signal, &fallback, NULL);
  raise(signal);
  errno = saved_errno;
}

int irq_guard_install_crash_handlers(void) {
  if (crash_handlers_installed) return 0;
  stack_t stack;
  memset(&stack, 0, sizeof stack);
  stack.ss_sp = alternate_stack;
  stack.ss_size = sizeof alternate_stack;
  stack_t current;
  // Keep an alternate stack someone else (the Swift runtime) already set up; otherwise use ours.
  if (sigaltstack(NULL, &current) == 0 && (current.ss_flags & SS_DISABLE)) sigaltstack(&stack, NULL);
  struct sigaction action;
  memset(&action, 0, sizeof action);
  action.sa_sigaction = crash_handler;
  sigemptyset(&action.sa_mask);
  action.sa_flags = SA_SIGINFO | SA_ONSTACK;
  for (int i = 0; i < crash_signal_count; i++) {
    if (sigaction(crash_signals[i], &action, &previous_crash_actions[i]) != 0) {
      int error = errno;
      for (int j = 0; j < i; j++) sigaction(crash_signals[j], &previous_crash_actions[j], NULL);
      errno = error;
      return -1;
    }
  }
  unblock(crash_signals, crash_signal_count);
  terminal_restored_after_crash = 0;
  crash_handlers_installed = 1;
  return 0;
}

void irq_guard_uninstall_crash_handlers(void) {
  if (!crash_handlers_installed) return;
  for (int i = 0; i < crash_signal_count; i++) sigaction(crash_signals[i], &previous_crash_actions[i], NULL);
  crash_handlers_installed = 0;
}

// MARK: - Leaving and stopping the way the signal would

void irq_guard_die_by_signal(int signal) {
  struct sigaction action;
  memset(&action, 0, sizeof action);
  action.sa_handler = SIG_DFL;
  sigemptyset(&action.sa_mask);
  sigaction(signal, &action, NULL);
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, signal);
  sigprocmask(SIG_UNBLOCK, &set, NULL);
  raise(signal);
  _exit(128 + signal);
}

void irq_guard_stop_process(void) { raise(SIGSTOP); }
