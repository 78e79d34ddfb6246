/*
 * The keyboard behind the 8042 (IRQ 1, data port 0x60, status 0x64). The controller translates to scancode set 1:
 * a make code for each press, the same code | 0x80 when the key is released, 0xE0 before the extended keys.
 * The top half only reads the byte and pushes it; the bottom half turns it into ASCII with Shift, Caps Lock and Ctrl.
 */
#include "kernel.h"

volatile int keyboard_skip_eoi;

void keyboard_init(void) {
  while (inb(0x64) & 0x01) (void)inb(0x60); /* drop whatever the BIOS left */
  pic_set_mask(IRQ_KEYBOARD, 0);
}

void keyboard_top_half(void) {
  /* No byte waiting (OBF clear): a request latched while the line was masked whose byte someone already read (the
   * `busy` command polls the port). Port 0x60 would return that byte again, so read nothing. */
  if (!(inb(0x64) & 0x01)) {
    pic_eoi(IRQ_KEYBOARD);
    return;
  }
  event_push(EV_KEY, inb(0x60));
  if (keyboard_skip_eoi) {
    /* `noeoi`: ISR bit 1 stays set, so IRQ 1 and every lower-priority line (2-7, and the slave behind IR2) wait. */
    keyboard_skip_eoi = 0;
    noeoi_since = ticks ? ticks : 1;
    return;
  }
  pic_eoi(IRQ_KEYBOARD);
}

/* Set 1 make codes 0x00-0x39 → US layout, without and with Shift. */
static const char normal[0x3A] = {
    0,   27,  '1', '2', '3', '4', '5', '6', '7', '8', '9', '0', '-', '=', '\b', '\t', 'q', 'w', 'e', 'r',
    't', 'y', 'u', 'i', 'o', 'p', '[', ']', '\n', 0,  'a', 's', 'd', 'f', 'g',  'h',  'j', 'k', 'l', ';',
    '\'', '`', 0,  '\\', 'z', 'x', 'c', 'v', 'b', 'n', 'm', ',', '.', '/', 0,   '*',  0,   ' ',
};
static const char shifted[0x3A] = {
    0,   27,  '!', '@', '#', '$', '%', '^', '&', '*', '(', ')', '_', '+', '\b', '\t', 'Q', 'W', 'E', 'R',
    'T', 'Y', 'U', 'I', 'O', 'P', '{', '}', '\n', 0,  'A', 'S', 'D', 'F', 'G',  'H',  'J', 'K', 'L', ':',
    '"', '~', 0,   '|', 'Z', 'X', 'C', 'V', 'B', 'N', 'M', '<', '>', '?', 0,   '*',  0,   ' ',
};
enum { LSHIFT = 0x2A, RSHIFT = 0x36, CTRL = 0x1D, CAPS = 0x3A, EXTENDED = 0xE0, RELEASE = 0x80 };
static int shift, ctrl, caps, extended;

int keyboard_translate(uint8_t code) {
  if (code == EXTENDED) {
    extended = 1;
    return -1;
  }
  int was_extended = extended;
  extended = 0;
  int released = code & RELEASE;
  uint8_t key = code & ~RELEASE;
  if (key == LSHIFT || key == RSHIFT) {
    if (!was_extended) shift = !released; /* E0 2A is the fake shift around PrintScreen */
    return -1;
  }
  if (key == CTRL) { /* left Ctrl, or right Ctrl after E0 */
    ctrl = !released;
    return -1;
  }
  if (released) return -1; /* key-up: nothing to type */
  if (key == CAPS) {
    caps = !caps;
    return -1;
  }
  if (was_extended) {
    if (key == 0x1C) return '\n'; /* keypad Enter */
    if (key == 0x35) return '/';  /* keypad / */
    return -1;                    /* arrows, Home, … have no character */
  }
  if (key >= sizeof normal) return -1;
  char c = normal[key];
  if (!c) return -1;
  int letter = c >= 'a' && c <= 'z';
  if (letter ? (shift ^ caps) : shift) c = shifted[key];
  if (ctrl && letter) c = (char)(c & 0x1F); /* Ctrl-C is 3 */
  return c;
}
