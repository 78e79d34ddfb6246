#ifndef IRQSCOPE_CNCURSES_SHIM_H
#define IRQSCOPE_CNCURSES_SHIM_H
// Wraps what Swift cannot import from ncurses directly: macros and variadic functions.
#define NCURSES_WIDECHAR 1
#include <ncursesw/curses.h>

static inline int irq_max_y(WINDOW *w) { return getmaxy(w); }
static inline int irq_max_x(WINDOW *w) { return getmaxx(w); }
static inline int irq_add_str(int y, int x, const char *s) { return mvaddstr(y, x, s); }
static inline attr_t irq_attr_bold(void) { return A_BOLD; }
static inline attr_t irq_attr_reverse(void) { return A_REVERSE; }
static inline attr_t irq_color_pair(int n) { return COLOR_PAIR(n); }
#endif
