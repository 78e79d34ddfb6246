/*
 * The console: VGA text (80 x 25, scrolling, the hardware cursor through the CRTC at 0x3D4/0x3D5), every character
 * mirrored to COM1, and the input buffer that the keyboard's and the serial port's bottom halves both fill.
 */
#include "kernel.h"

static volatile uint16_t *const vga = (volatile uint16_t *)0xB8000;
static int row, col;
#define ATTRIBUTE 0x0700

static void move_cursor(void) {
  uint16_t position = (uint16_t)(row * 80 + col);
  outb(0x3D4, 0x0F); /* cursor location low */
  outb(0x3D5, position & 0xFF);
  outb(0x3D4, 0x0E); /* cursor location high */
  outb(0x3D5, position >> 8);
}

void console_init(void) {
  for (int i = 0; i < 80 * 25; i++) vga[i] = ATTRIBUTE | ' ';
  row = col = 0;
  move_cursor();
}

static void scroll(void) {
  for (int i = 0; i < 80 * 24; i++) vga[i] = vga[i + 80];
  for (int i = 80 * 24; i < 80 * 25; i++) vga[i] = ATTRIBUTE | ' ';
  row = 24;
}

static void screen_putc(char c) {
  if (c == '\n') {
    col = 0;
    if (++row == 25) scroll();
  } else if (c == '\b') {
    if (col > 0) vga[row * 80 + --col] = ATTRIBUTE | ' ';
  } else {
    vga[row * 80 + col] = (uint16_t)(ATTRIBUTE | (uint8_t)c);
    if (++col == 80) {
      col = 0;
      if (++row == 25) scroll();
    }
  }
}

void kputc(char c) {
  uint32_t flags = irq_save();
  screen_putc(c);
  move_cursor();
  if (c == '\n') serial_putc('\r');
  if (c == '\b') {
    serial_putc('\b');
    serial_putc(' ');
  }
  serial_putc(c);
  irq_restore(flags);
}

void kputs(const char *s) {
  while (*s) kputc(*s++);
}

void kput_dec(uint32_t v) {
  char text[11];
  int n = 0;
  do {
    text[n++] = (char)('0' + v % 10);
    v /= 10;
  } while (v);
  while (n) kputc(text[--n]);
}

void kput_hex(uint32_t v, int digits) {
  for (int i = digits - 1; i >= 0; i--) kputc("0123456789abcdef"[(v >> (4 * i)) & 0xF]);
}

/* ---- input: a ring the bottom halves fill and SYS_READ empties ---- */
#define INPUT 128
static char input[INPUT];
static uint32_t input_head, input_tail;

void console_input(char c) {
  if (input_tail - input_head == INPUT) return; /* full: the character is lost */
  input[input_tail++ % INPUT] = c;
}

int console_available(void) { return (int)(input_tail - input_head); }

int console_read(char *buffer, int length) {
  uint32_t flags = irq_save();
  int n = 0;
  while (n < length && input_head != input_tail) buffer[n++] = input[input_head++ % INPUT];
  irq_restore(flags);
  return n;
}
