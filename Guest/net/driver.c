/*
 * A small e1000 (82540EM) receive driver, the way a teaching OS writes one — built for irqscope's tests and for
 * `irqscope bench net`, and a demo of the packet path:
 *
 *   finds the card on PCI bus 0 (vendor 0x8086, device 0x100E) through ports 0xCF8/0xCFC, reads BAR0 and the
 *   interrupt line, enables memory decoding and bus mastering; reads the MAC address from the EEPROM (EERD);
 *   sets up a 16-descriptor receive ring of 2048-byte buffers (RDH = 0, RDT = 15) and a 16-descriptor transmit
 *   ring; remaps the PICs to vectors 0x20/0x28, unmasks the cascade (IRQ 2) and the card's line (IRQ 11);
 *   IMS = RXT0 | RXO | RXDMT0; then waits in `sti; hlt`.
 *
 *   On each interrupt: reads ICR (which clears it and drops the line), counts the causes, reads MPC (cleared when
 *   read) into a running total, then walks the ring from (RDT + 1) % 16 while DD is set: counts the frame, keeps
 *   its first bytes in `rx_log`, clears the status and gives the descriptor back by writing RDT.
 *
 * Command line (Multiboot): `quiet` (no screen output per frame), `slow=N` (a busy loop of N iterations per frame:
 * a slow consumer), `echo` (send each received frame back with the MAC addresses swapped), `serial` (also print
 * each frame on COM1).
 */
#include <stdint.h>

#define RING 16
#define BUFFER 2048

struct rx_desc {
  volatile uint64_t address;
  volatile uint16_t length;
  volatile uint16_t checksum;
  volatile uint8_t status;
  volatile uint8_t errors;
  volatile uint16_t special;
};

struct tx_desc {
  volatile uint64_t address;
  volatile uint16_t length;
  volatile uint8_t cso;
  volatile uint8_t cmd;
  volatile uint8_t status;
  volatile uint8_t css;
  volatile uint16_t special;
};

enum {
  CTRL = 0x0000, STATUS = 0x0008, EERD = 0x0014, ICR = 0x00C0, IMS = 0x00D0, IMC = 0x00D8, RCTL = 0x0100,
  TCTL = 0x0400, TIPG = 0x0410, RDBAL = 0x2800, RDBAH = 0x2804, RDLEN = 0x2808, RDH = 0x2810, RDT = 0x2818,
  TDBAL = 0x3800, TDBAH = 0x3804, TDLEN = 0x3808, TDH = 0x3810, TDT = 0x3818, MPC = 0x4010, MTA = 0x5200,
  RAL0 = 0x5400, RAH0 = 0x5404,
};
enum { TXDW = 0x01, RXDMT0 = 0x10, RXO = 0x40, RXT0 = 0x80 };
enum { RCTL_EN = 1 << 1, RCTL_BAM = 1 << 15, RCTL_SECRC = 1 << 26 };
enum { TCTL_EN = 1 << 1, TCTL_PSP = 1 << 3 };
enum { RX_DD = 0x01, RX_EOP = 0x02, TX_EOP = 0x01, TX_IFCS = 0x02, TX_RS = 0x08, TX_DD = 0x01 };

/* What the tests and the benchmark read back (by symbol). */
volatile uint32_t nic_found, nic_bar0, nic_irq_line, nic_slot;
volatile uint8_t nic_mac[6];
volatile uint32_t rx_frames, rx_bytes, rx_interrupts, rx_eop_missing, rxo_seen, rxdmt0_seen, mpc_total, tx_frames;
volatile uint32_t driver_ready, exception_vector = 0xFFFFFFFF;
#define LOG 64
volatile uint8_t rx_log[LOG][64]; /* the first 64 bytes of the last frames, slot rx_frames % LOG */
volatile uint16_t rx_log_length[LOG];

static struct rx_desc rx_ring[RING] __attribute__((aligned(128)));
static struct tx_desc tx_ring[RING] __attribute__((aligned(128)));
static uint8_t rx_buffers[RING][BUFFER] __attribute__((aligned(16)));
static uint8_t tx_buffers[RING][BUFFER] __attribute__((aligned(16)));
static uint32_t tx_tail;
static uint32_t slow_loops;
static int quiet, echo, serial;

static inline void outb(uint16_t port, uint8_t v) { __asm__ volatile("outb %0, %1" ::"a"(v), "Nd"(port)); }
static inline uint8_t inb(uint16_t port) {
  uint8_t v;
  __asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
  return v;
}
static inline void outl(uint16_t port, uint32_t v) { __asm__ volatile("outl %0, %1" ::"a"(v), "Nd"(port)); }
static inline uint32_t inl(uint16_t port) {
  uint32_t v;
  __asm__ volatile("inl %1, %0" : "=a"(v) : "Nd"(port));
  return v;
}

static volatile uint32_t *regs;
static inline uint32_t reg_read(uint32_t offset) { return regs[offset / 4]; }
static inline void reg_write(uint32_t offset, uint32_t value) { regs[offset / 4] = value; }

/* ---- screen (VGA text, 80x25) and COM1 ---- */
static volatile uint16_t *const vga = (volatile uint16_t *)0xB8000;
static int row, col;

static void serial_putc(char c) {
  while (!(inb(0x3FD) & 0x20)) {
  }
  outb(0x3F8, (uint8_t)c);
}

static void scroll(void) {
  for (int i = 80 * 3; i < 80 * 24; i++) vga[i] = vga[i + 80];
  for (int i = 80 * 24; i < 80 * 25; i++) vga[i] = 0x0720;
}

static void putc_screen(char c) {
  if (serial) serial_putc(c);
  if (c == '\n') {
    col = 0;
    if (++row == 25) {
      scroll();
      row = 24;
    }
    return;
  }
  if (col == 80) putc_screen('\n');
  vga[row * 80 + col++] = (uint16_t)(0x0700 | (uint8_t)c);
}

static void puts_screen(const char *s) {
  while (*s) putc_screen(*s++);
}

static void put_hex(uint32_t v, int digits) {
  for (int i = digits - 1; i >= 0; i--) putc_screen("0123456789abcdef"[(v >> (4 * i)) & 0xF]);
}

static void put_dec(uint32_t v) {
  char text[11];
  int n = 0;
  do {
    text[n++] = (char)('0' + v % 10);
    v /= 10;
  } while (v);
  while (n) putc_screen(text[--n]);
}

/* The status line at the top: counters straight from the driver's variables. */
static void status_line(void) {
  int saved_row = row, saved_col = col, saved_serial = serial;
  serial = 0;
  row = 1;
  col = 0;
  puts_screen("rx ");
  put_dec(rx_frames);
  puts_screen(" frames ");
  put_dec(rx_bytes);
  puts_screen(" bytes  irqs ");
  put_dec(rx_interrupts);
  puts_screen("  missed(MPC) ");
  put_dec(mpc_total);
  puts_screen("  RXO ");
  put_dec(rxo_seen);
  puts_screen("  RXDMT0 ");
  put_dec(rxdmt0_seen);
  puts_screen("  tx ");
  put_dec(tx_frames);
  while (col < 80) putc_screen(' ');
  row = saved_row;
  col = saved_col;
  serial = saved_serial;
}

/* ---- PCI configuration mechanism #1 ---- */
static uint32_t pci_read(uint32_t slot, uint32_t offset) {
  outl(0xCF8, 0x80000000u | slot << 11 | (offset & 0xFC));
  return inl(0xCFC);
}

static void pci_write(uint32_t slot, uint32_t offset, uint32_t value) {
  outl(0xCF8, 0x80000000u | slot << 11 | (offset & 0xFC));
  outl(0xCFC, value);
}

static int find_card(void) {
  for (uint32_t slot = 0; slot < 32; slot++) {
    if (pci_read(slot, 0x00) != 0x100E8086u) continue;
    nic_slot = slot;
    nic_bar0 = pci_read(slot, 0x10) & ~0xFu;
    nic_irq_line = pci_read(slot, 0x3C) & 0xFF;
    pci_write(slot, 0x04, pci_read(slot, 0x04) | 0x7); /* I/O, memory, bus master */
    return 1;
  }
  return 0;
}

static uint16_t eeprom_read(uint32_t address) {
  reg_write(EERD, address << 8 | 1);
  uint32_t value;
  while (!((value = reg_read(EERD)) & 0x10)) {
  }
  return (uint16_t)(value >> 16);
}

/* ---- the IDT and the PICs ---- */
struct gate {
  uint16_t offset_low, selector;
  uint8_t zero, flags;
  uint16_t offset_high;
} __attribute__((packed));
static struct gate idt[256];
static struct {
  uint16_t limit;
  uint32_t base;
} __attribute__((packed)) idt_pointer = {sizeof idt - 1, (uint32_t)idt};

extern void nic_entry(void), ignore_entry(void);
extern void exception_0(void), exception_6(void), exception_8(void), exception_13(void), exception_14(void);

static void set_gate(int vector, void (*handler)(void)) {
  uint32_t address = (uint32_t)handler;
  idt[vector] = (struct gate){(uint16_t)address, 0x08, 0, 0x8E, (uint16_t)(address >> 16)};
}

static void setup_interrupts(uint32_t irq) {
  for (int v = 0; v < 256; v++) set_gate(v, ignore_entry);
  set_gate(0, exception_0);
  set_gate(6, exception_6);
  set_gate(8, exception_8);
  set_gate(13, exception_13);
  set_gate(14, exception_14);
  set_gate(0x20 + (int)irq, nic_entry);
  __asm__ volatile("lidt %0" ::"m"(idt_pointer));
  /* ICW1 (ICW4 needed), ICW2 vector bases 0x20/0x28, ICW3 cascade on IR2, ICW4 8086 mode. */
  outb(0x20, 0x11);
  outb(0xA0, 0x11);
  outb(0x21, 0x20);
  outb(0xA1, 0x28);
  outb(0x21, 0x04);
  outb(0xA1, 0x02);
  outb(0x21, 0x01);
  outb(0xA1, 0x01);
  /* Unmask the card's line and, when it is on the slave, the cascade. */
  uint8_t master = 0xFF, slave = 0xFF;
  if (irq >= 8) {
    master &= (uint8_t)~(1u << 2);
    slave &= (uint8_t)~(1u << (irq - 8));
  } else {
    master &= (uint8_t)~(1u << irq);
  }
  outb(0x21, master);
  outb(0xA1, slave);
}

void exception_report(uint32_t edi, uint32_t esi, uint32_t ebp, uint32_t esp, uint32_t ebx, uint32_t edx,
                      uint32_t ecx, uint32_t eax, uint32_t vector, uint32_t error, uint32_t eip) {
  (void)edi, (void)esi, (void)ebp, (void)esp, (void)ebx, (void)edx, (void)ecx, (void)eax;
  exception_vector = vector;
  puts_screen("\nexception ");
  put_dec(vector);
  puts_screen(" error ");
  put_hex(error, 8);
  puts_screen(" at eip ");
  put_hex(eip, 8);
  putc_screen('\n');
}

/* ---- the card ---- */
static void setup_card(void) {
  reg_write(IMC, 0xFFFFFFFF);
  for (int i = 0; i < 3; i++) {
    uint16_t word = eeprom_read((uint32_t)i);
    nic_mac[2 * i] = (uint8_t)word;
    nic_mac[2 * i + 1] = (uint8_t)(word >> 8);
  }
  reg_write(RAL0, nic_mac[0] | nic_mac[1] << 8 | nic_mac[2] << 16 | (uint32_t)nic_mac[3] << 24);
  reg_write(RAH0, nic_mac[4] | nic_mac[5] << 8 | 1u << 31);
  for (int i = 0; i < 128; i++) reg_write(MTA + 4 * (uint32_t)i, 0);

  for (int i = 0; i < RING; i++) {
    rx_ring[i].address = (uint32_t)rx_buffers[i];
    rx_ring[i].status = 0;
    tx_ring[i].address = (uint32_t)tx_buffers[i];
    tx_ring[i].status = TX_DD;
  }
  reg_write(RDBAL, (uint32_t)rx_ring);
  reg_write(RDBAH, 0);
  reg_write(RDLEN, sizeof rx_ring);
  reg_write(RDH, 0);
  reg_write(RDT, RING - 1);
  reg_write(RCTL, RCTL_EN | RCTL_BAM | RCTL_SECRC); /* BSIZE 00: 2048-byte buffers */

  reg_write(TDBAL, (uint32_t)tx_ring);
  reg_write(TDBAH, 0);
  reg_write(TDLEN, sizeof tx_ring);
  reg_write(TDH, 0);
  reg_write(TDT, 0);
  reg_write(TIPG, 10 | 8 << 10 | 6 << 20);
  reg_write(TCTL, TCTL_EN | TCTL_PSP | 0x10 << 4 | 0x40 << 12);

  reg_write(IMS, RXT0 | RXO | RXDMT0);
}

static void send(const volatile uint8_t *data, uint32_t length) {
  uint32_t slot = tx_tail;
  if (!(tx_ring[slot].status & TX_DD)) return; /* the ring is full: drop, as a simple driver would */
  for (uint32_t i = 0; i < length; i++) tx_buffers[slot][i] = data[i];
  /* The swapped MAC addresses: the frame goes back to where it came from. */
  for (int i = 0; i < 6; i++) {
    tx_buffers[slot][i] = data[6 + i];
    tx_buffers[slot][6 + i] = nic_mac[i];
  }
  tx_ring[slot].length = (uint16_t)length;
  tx_ring[slot].cmd = TX_EOP | TX_IFCS | TX_RS;
  tx_ring[slot].status = 0;
  tx_tail = (slot + 1) % RING;
  reg_write(TDT, tx_tail);
  tx_frames++;
}

static void frame_received(const volatile uint8_t *data, uint32_t length) {
  uint32_t n = rx_frames++;
  rx_bytes += length;
  /* Keep the first 64 bytes (a whole minimum frame) with one string move: cheap enough for the benchmark. */
  uint32_t dwords = (length < 64 ? length + 3 : 64) / 4;
  const volatile uint8_t *from = data;
  volatile uint8_t *to = rx_log[n % LOG];
  __asm__ volatile("rep movsl" : "+S"(from), "+D"(to), "+c"(dwords) : : "memory");
  rx_log_length[n % LOG] = (uint16_t)length;
  for (volatile uint32_t i = 0; i < slow_loops; i++) {
  }
  if (echo) send(data, length);
  if (quiet) return;
  puts_screen("rx #");
  put_dec(n + 1);
  puts_screen(" len ");
  put_dec(length);
  puts_screen(": ");
  /* Show the data: a UDP datagram's after the Ethernet (14), IPv4 (20) and UDP (8) headers, any other frame's
     after the Ethernet header. */
  uint32_t start = 14, end = length;
  if (length > 42 && data[12] == 0x08 && data[13] == 0x00 && data[23] == 17) {
    uint32_t udp_length = (uint32_t)data[38] << 8 | data[39]; /* header + data, big-endian */
    start = 42;
    if (udp_length >= 8 && 34 + udp_length < end) end = 34 + udp_length; /* stop before the Ethernet padding */
  }
  for (uint32_t i = start; i < end && i < start + 48; i++) {
    uint8_t c = data[i];
    if (c == '\n') break;
    putc_screen(c >= 32 && c < 127 ? (char)c : '.');
  }
  putc_screen('\n');
}

void nic_interrupt(void) {
  rx_interrupts++;
  uint32_t causes = reg_read(ICR); /* reading clears every cause and lowers the line */
  if (causes & RXO) rxo_seen++;
  if (causes & RXDMT0) rxdmt0_seen++;
  mpc_total += reg_read(MPC); /* cleared when read */
  uint32_t slot = (reg_read(RDT) + 1) % RING;
  while (rx_ring[slot].status & RX_DD) {
    if (!(rx_ring[slot].status & RX_EOP)) rx_eop_missing++; /* 2048-byte buffers hold any standard frame */
    frame_received(rx_buffers[slot], rx_ring[slot].length);
    rx_ring[slot].status = 0;
    reg_write(RDT, slot); /* give the buffer back */
    slot = (slot + 1) % RING;
  }
  if (!quiet) status_line();
}

/* ---- the Multiboot command line ---- */
static int word_is(const char *s, const char *word) {
  while (*word && *s == *word) s++, word++;
  return *word == 0 && (*s == 0 || *s == ' ' || *s == '=');
}

static void parse_command_line(const char *s) {
  while (*s) {
    while (*s == ' ') s++;
    if (word_is(s, "quiet")) quiet = 1;
    if (word_is(s, "echo")) echo = 1;
    if (word_is(s, "serial")) serial = 1;
    if (word_is(s, "slow")) {
      const char *p = s + 4;
      if (*p == '=') {
        slow_loops = 0;
        for (p++; *p >= '0' && *p <= '9'; p++) slow_loops = slow_loops * 10 + (uint32_t)(*p - '0');
      }
    }
    while (*s && *s != ' ') s++;
  }
}

struct multiboot_info {
  uint32_t flags, mem_lower, mem_upper, boot_device, cmdline;
};

void kernel_main(uint32_t magic, const struct multiboot_info *info) {
  for (int i = 0; i < 80 * 25; i++) vga[i] = 0x0720;
  if (magic == 0x2BADB002 && (info->flags & 4)) parse_command_line((const char *)info->cmdline);
  puts_screen("irqscope net driver: ");
  if (!find_card()) {
    puts_screen("no e1000 (8086:100E) on PCI bus 0\n");
    return;
  }
  nic_found = 1;
  regs = (volatile uint32_t *)nic_bar0;
  setup_interrupts(nic_irq_line);
  setup_card();
  puts_screen("e1000 at 00:");
  put_hex(nic_slot, 2);
  puts_screen(".0 BAR0 ");
  put_hex(nic_bar0, 8);
  puts_screen(" IRQ ");
  put_dec(nic_irq_line);
  puts_screen(" MAC ");
  for (int i = 0; i < 6; i++) {
    put_hex(nic_mac[i], 2);
    if (i < 5) putc_screen(':');
  }
  putc_screen('\n');
  row = 3;
  col = 0;
  if (!quiet) status_line();
  driver_ready = 1;
  for (;;) __asm__ volatile("sti; hlt");
}
