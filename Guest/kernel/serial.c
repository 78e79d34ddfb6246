/*
 * COM1 (16550 at 0x3F8, IRQ 4): 115200 baud 8N1, FIFOs on, receive interrupts. Output is polled (the kernel log is
 * short); input is interrupt-driven: the top half takes every byte the receiver holds and pushes EV_SERIAL each.
 */
#include "kernel.h"

enum { COM1 = 0x3F8, RBR = 0, THR = 0, IER = 1, FCR = 2, LCR = 3, MCR = 4, LSR = 5 };
enum { LSR_DR = 0x01, LSR_THRE = 0x20 };
static int present;

void serial_init(void) {
  outb(COM1 + IER, 0x00);
  outb(COM1 + LCR, 0x80); /* DLAB: the divisor follows */
  outb(COM1 + 0, 1);      /* 115200 / 1 */
  outb(COM1 + 1, 0);
  outb(COM1 + LCR, 0x03); /* 8N1 */
  outb(COM1 + FCR, 0x07); /* FIFOs on and cleared, trigger at 1 byte */
  outb(COM1 + MCR, 0x0B); /* DTR, RTS, OUT2 (the PC's IRQ enable) */
  present = inb(COM1 + LSR) != 0xFF;
  if (!present) return;
  (void)inb(COM1 + RBR);
  outb(COM1 + IER, 0x01); /* received data available */
  pic_set_mask(IRQ_COM1, 0);
}

/* THRE means the transmit FIFO is empty: then 16 bytes may be written without looking again. */
static int fifo_room;
void serial_putc(char c) {
  if (!present) return;
  if (fifo_room == 0) {
    for (int spins = 0; spins < 1000000 && !(inb(COM1 + LSR) & LSR_THRE); spins++) {
    }
    fifo_room = 16;
  }
  fifo_room--;
  outb(COM1 + THR, (uint8_t)c);
}

void serial_top_half(void) {
  while (inb(COM1 + LSR) & LSR_DR) event_push(EV_SERIAL, inb(COM1 + RBR));
}
