/*
 * The ring-3 side: system call wrappers, a few string and number helpers for the shell, the user stacks, and the
 * demo task `spin`. Everything in user.o and shell.o lands in the user block (link.ld), the only pages ring 3 can
 * touch; memcpy and memset live here so that both rings can call the ones the compiler emits.
 */
#include "user.h"

uint8_t user_stacks[8][4096] __attribute__((aligned(4096)));
volatile uint32_t spin_counter;

int32_t syscall3(uint32_t number, uint32_t a, uint32_t b, uint32_t c) {
  int32_t result;
  __asm__ volatile("int $0x80" : "=a"(result) : "a"(number), "b"(a), "c"(b), "d"(c) : "memory");
  return result;
}

void *memcpy(void *d, const void *s, uint32_t n) {
  uint8_t *out = d;
  const uint8_t *in = s;
  while (n--) *out++ = *in++;
  return d;
}

void *memset(void *d, int c, uint32_t n) {
  uint8_t *out = d;
  while (n--) *out++ = (uint8_t)c;
  return d;
}

int strcmp(const char *a, const char *b) {
  while (*a && *a == *b) a++, b++;
  return (uint8_t)*a - (uint8_t)*b;
}

int strlen(const char *s) {
  int n = 0;
  while (s[n]) n++;
  return n;
}

void print(const char *s) { syscall3(SYS_WRITE, (uint32_t)s, (uint32_t)strlen(s), 0); }

void print_dec(uint32_t v) {
  char text[11];
  int n = 10;
  text[10] = 0;
  do {
    text[--n] = (char)('0' + v % 10);
    v /= 10;
  } while (v);
  print(text + n);
}

void print_hex(uint32_t v, int digits) {
  char text[9];
  for (int i = 0; i < digits; i++) text[i] = "0123456789abcdef"[(v >> (4 * (digits - 1 - i))) & 0xF];
  text[digits] = 0;
  print(text);
}

/* Right-aligned in `width` columns. */
void print_dec_width(uint32_t v, int width) {
  int digits = 1;
  for (uint32_t x = v; x >= 10; x /= 10) digits++;
  while (width-- > digits) print(" ");
  print_dec(v);
}

/* The demo task: pure computation in ring 3. Only the timer takes the processor away from it. */
void spin_main(void) {
  for (;;) spin_counter++;
}
