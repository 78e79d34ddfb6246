#ifndef IRQSCOPE_CNCURSES_SHIM_H
#define IRQSCOPE_CNCURSES_SHIM_H
// Wraps what Swift cannot import from ncurses directly: macros, variadic functions and C globals (which Swift 6
// would refuse as shared mutable state). Only CursesUI imports this module.
#define NCURSES_WIDECHAR 1
#ifndef _XOPEN_SOURCE_EXTENDED
#define _XOPEN_SOURCE_EXTENDED 1
#endif
#include <langinfo.h>
#include <locale.h>
#include <ncursesw/curses.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <wchar.h>

// MARK: - Screens and windows

/// newterm(NULL, stdout, stdin): unlike initscr, it returns NULL (instead of exiting) when TERM is unknown.
static inline SCREEN *irq_newterm_stdio(void) { return newterm(NULL, stdout, stdin); }
static inline WINDOW *irq_stdscr(void) { return stdscr; }
static inline WINDOW *irq_curscr(void) { return curscr; }
static inline int irq_max_y(WINDOW *w) { return getmaxy(w); }
static inline int irq_max_x(WINDOW *w) { return getmaxx(w); }
static inline int irq_ok(void) { return OK; }
static inline int irq_err(void) { return ERR; }

/// The kernel's idea of the terminal's size (ioctl is variadic). 0, or -1 with errno.
static inline int irq_window_size(int fd, int *rows, int *columns) {
  struct winsize size;
  if (ioctl(fd, TIOCGWINSZ, &size) != 0) return -1;
  *rows = size.ws_row;
  *columns = size.ws_col;
  return 0;
}

// MARK: - Locale

/// setlocale(LC_ALL, ""); returns 1 when the character set is then UTF-8.
static inline int irq_setlocale_from_environment(void) {
  setlocale(LC_ALL, "");
  const char *codeset = nl_langinfo(CODESET);
  return codeset != NULL && strcmp(codeset, "UTF-8") == 0;
}

/// setlocale(LC_CTYPE, name); returns 1 when the character set is then UTF-8.
static inline int irq_setlocale_ctype(const char *name) {
  if (setlocale(LC_CTYPE, name) == NULL) return 0;
  const char *codeset = nl_langinfo(CODESET);
  return codeset != NULL && strcmp(codeset, "UTF-8") == 0;
}

// MARK: - Attributes and colours

static inline attr_t irq_attr_normal(void) { return A_NORMAL; }
static inline attr_t irq_attr_bold(void) { return A_BOLD; }
static inline attr_t irq_attr_underline(void) { return A_UNDERLINE; }
static inline attr_t irq_attr_reverse(void) { return A_REVERSE; }
/// COLOR_PAIR(n) as attribute bits (pairs up to 255; larger pairs go through irq_put_cell's extended pair).
static inline attr_t irq_color_pair(int n) { return COLOR_PAIR(n); }
static inline int irq_colors(void) { return COLORS; }
static inline int irq_color_pairs(void) { return COLOR_PAIRS; }

/// init_extended_pair where ncurses has it (pairs and colours beyond a short), init_pair otherwise.
static inline int irq_init_pair(int pair, int foreground, int background) {
#if defined(NCURSES_EXT_COLORS) && NCURSES_EXT_COLORS
  return init_extended_pair(pair, foreground, background);
#else
  if (pair > 32767 || foreground > 32767 || background > 32767) return ERR;
  return init_pair((short)pair, (short)foreground, (short)background);
#endif
}

// MARK: - Wide-character output

/// Puts one cell: `text` is the character's code points, NUL-terminated (at most CCHARW_MAX of them), drawn
/// with `attributes` and colour pair `pair`. add_wchnstr does not move the cursor, so the bottom-right cell
/// is written without the ERR that add_wch reports when it cannot advance past it.
static inline int irq_put_cell(int y, int x, const wchar_t *text, attr_t attributes, int pair) {
  cchar_t cell;
  int extended_pair = pair;
  if (setcchar(&cell, text, attributes, (short)(pair <= 32767 ? pair : 0), &extended_pair) == ERR) return ERR;
  return mvadd_wchnstr(y, x, &cell, 1);
}

/// mvaddstr (a macro): narrow text at (y, x).
static inline int irq_add_str(int y, int x, const char *s) { return mvaddstr(y, x, s); }

static inline int irq_cchar_max(void) { return CCHARW_MAX; }

// MARK: - Keys

static inline int irq_key_code_yes(void) { return KEY_CODE_YES; }
static inline int irq_key_f(int n) { return KEY_F(n); }
static inline int irq_key_max(void) { return KEY_MAX; }

// MARK: - Mouse

static inline mmask_t irq_button_pressed(int button) {
  switch (button) {
  case 1: return BUTTON1_PRESSED;
  case 2: return BUTTON2_PRESSED;
  case 3: return BUTTON3_PRESSED;
  case 4: return BUTTON4_PRESSED;
#ifdef BUTTON5_PRESSED
  case 5: return BUTTON5_PRESSED;
#endif
  default: return 0;
  }
}

static inline mmask_t irq_button_clicked(int button) {
  switch (button) {
  case 1: return BUTTON1_CLICKED;
  case 2: return BUTTON2_CLICKED;
  case 3: return BUTTON3_CLICKED;
  default: return 0;
  }
}

/// getmouse into plain integers (MEVENT's layout is ncurses's business). OK or ERR.
static inline int irq_get_mouse(int *y, int *x, mmask_t *state) {
  MEVENT event;
  if (getmouse(&event) != OK) return ERR;
  *y = event.y;
  *x = event.x;
  *state = event.bstate;
  return OK;
}

// MARK: - terminfo strings for the crash handler's reset bytes

/// The terminfo string capability `name`, or NULL when the terminal has none.
static inline const char *irq_terminfo_string(const char *name) {
  char *value = tigetstr(name);
  if (value == NULL || value == (char *)-1) return NULL;
  return value;
}

#endif
