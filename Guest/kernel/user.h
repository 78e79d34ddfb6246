/* The ring-3 programs' view of the kernel: system calls and the helpers in user.c. */
#ifndef USER_H
#define USER_H
#include <stdint.h>
#include "syscall.h"

int32_t syscall3(uint32_t number, uint32_t a, uint32_t b, uint32_t c);
void *memcpy(void *d, const void *s, uint32_t n);
void *memset(void *d, int c, uint32_t n);
int strcmp(const char *a, const char *b);
int strlen(const char *s);
void print(const char *s);
void print_dec(uint32_t v);
void print_dec_width(uint32_t v, int width);
void print_hex(uint32_t v, int digits);
enum { EV_TIMER = 1, EV_KEY = 2, EV_NIC = 4 }; /* kernel.h's event kinds the shell subscribes to */
#endif
