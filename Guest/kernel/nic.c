/*
 * The network card: an Intel 82540EM (e1000) found on PCI (vendor 0x8086, device 0x100E) through configuration
 * mechanism #1 (ports 0xCF8/0xCFC). A receive ring of 16 descriptors with 2 KiB buffers (RDH 0, RDT 15: the card
 * owns all but one), a transmit ring of 16. The top half reads ICR — which clears it and drops the level-triggered
 * line — and pushes it as an EV_NIC event; the bottom half walks the ring while DD is set, copies each frame into the
 * kernel's packet store, clears the status and hands the descriptor back by writing RDT.
 */
#include "kernel.h"

#define RING 16
#define BUFFER 2048
struct rx_desc {
  volatile uint64_t address;
  volatile uint16_t length, checksum;
  volatile uint8_t status, errors;
  volatile uint16_t special;
};
struct tx_desc {
  volatile uint64_t address;
  volatile uint16_t length;
  volatile uint8_t cso, cmd, status, css;
  volatile uint16_t special;
};
enum {
  CTRL = 0x0000, EERD = 0x0014, ICR = 0x00C0, IMS = 0x00D0, IMC = 0x00D8, RCTL = 0x0100, TCTL = 0x0400,
  TIPG = 0x0410, RDBAL = 0x2800, RDBAH = 0x2804, RDLEN = 0x2808, RDH = 0x2810, RDT = 0x2818, TDBAL = 0x3800,
  TDBAH = 0x3804, TDLEN = 0x3808, TDH = 0x3810, TDT = 0x3818, MTA = 0x5200, RAL0 = 0x5400, RAH0 = 0x5404,
};
enum { ICR_TXDW = 0x01, ICR_RXDMT0 = 0x10, ICR_RXO = 0x40, ICR_RXT0 = 0x80 };
enum { RCTL_EN = 1 << 1, RCTL_BAM = 1 << 15, RCTL_SECRC = 1 << 26, TCTL_EN = 1 << 1, TCTL_PSP = 1 << 3 };
enum { RX_DD = 0x01, TX_EOP = 0x01, TX_IFCS = 0x02, TX_RS = 0x08, TX_DD = 0x01 };

struct rx_desc nic_rx_ring[RING] __attribute__((aligned(128)));
struct tx_desc nic_tx_ring[RING] __attribute__((aligned(128)));
uint8_t nic_rx_buffers[RING][BUFFER] __attribute__((aligned(16)));
static uint8_t tx_buffers[RING][BUFFER] __attribute__((aligned(16)));
static uint32_t tx_tail;
static volatile uint32_t *regs;
static int irq = -1;
uint8_t nic_mac[6];
volatile uint32_t nic_rx_frames, nic_tx_frames, nic_dropped;

/* Received frames the bottom half copied out of the ring, until SYS_READ takes them (the first 1518 bytes). */
#define STORE 8
static struct {
  uint16_t length;
  uint8_t data[1518];
} store[STORE];
static uint32_t store_head, store_tail;

static uint32_t reg_read(uint32_t offset) { return regs[offset / 4]; }
static void reg_write(uint32_t offset, uint32_t value) { regs[offset / 4] = value; }

static uint32_t pci_read(uint32_t slot, uint32_t offset) {
  outl(0xCF8, 0x80000000u | slot << 11 | (offset & 0xFC));
  return inl(0xCFC);
}
static void pci_write(uint32_t slot, uint32_t offset, uint32_t value) {
  outl(0xCF8, 0x80000000u | slot << 11 | (offset & 0xFC));
  outl(0xCFC, value);
}

static uint16_t eeprom_read(uint32_t word) {
  reg_write(EERD, word << 8 | 1); /* START */
  uint32_t value;
  for (int spins = 0; !((value = reg_read(EERD)) & 0x10); spins++) /* DONE */
    if (spins > 100000) return 0;
  return (uint16_t)(value >> 16);
}

int nic_present(void) { return regs != NULL; }
int nic_irq(void) { return irq; }

void nic_init(void) {
  uint32_t slot = 0;
  for (; slot < 32; slot++)
    if (pci_read(slot, 0x00) == 0x100E8086u) break;
  if (slot == 32) {
    kputs("nic: no 82540EM on PCI bus 0\n");
    return;
  }
  uint32_t bar0 = pci_read(slot, 0x10) & ~0xFu;
  irq = (int)(pci_read(slot, 0x3C) & 0xFF);
  pci_write(slot, 0x04, pci_read(slot, 0x04) | 0x6); /* memory space, bus master */
  map_mmio(bar0, 128 * 1024);
  regs = (volatile uint32_t *)bar0;

  reg_write(IMC, 0xFFFFFFFF);
  for (int i = 0; i < 3; i++) {
    uint16_t word = eeprom_read((uint32_t)i);
    nic_mac[2 * i] = (uint8_t)word;
    nic_mac[2 * i + 1] = (uint8_t)(word >> 8);
  }
  reg_write(RAL0, nic_mac[0] | nic_mac[1] << 8 | nic_mac[2] << 16 | (uint32_t)nic_mac[3] << 24);
  reg_write(RAH0, nic_mac[4] | nic_mac[5] << 8 | 1u << 31); /* AV: address valid */
  for (int i = 0; i < 128; i++) reg_write(MTA + 4 * (uint32_t)i, 0);

  for (int i = 0; i < RING; i++) {
    nic_rx_ring[i].address = (uint32_t)nic_rx_buffers[i];
    nic_rx_ring[i].status = 0;
    nic_tx_ring[i].address = (uint32_t)tx_buffers[i];
    nic_tx_ring[i].status = TX_DD; /* free */
  }
  reg_write(RDBAL, (uint32_t)nic_rx_ring);
  reg_write(RDBAH, 0);
  reg_write(RDLEN, sizeof nic_rx_ring);
  reg_write(RDH, 0);
  reg_write(RDT, RING - 1);
  reg_write(RCTL, RCTL_EN | RCTL_BAM | RCTL_SECRC); /* BSIZE 00: 2048-byte buffers */
  reg_write(TDBAL, (uint32_t)nic_tx_ring);
  reg_write(TDBAH, 0);
  reg_write(TDLEN, sizeof nic_tx_ring);
  reg_write(TDH, 0);
  reg_write(TDT, 0);
  reg_write(TCTL, TCTL_EN | TCTL_PSP | 0x10 << 4 | 0x40 << 12); /* CT 0x10, COLD 0x40 */
  reg_write(TIPG, 10 | 8 << 10 | 6 << 20);
  reg_write(IMS, ICR_RXT0 | ICR_RXO | ICR_RXDMT0);
  (void)reg_read(ICR);
  pic_set_mask(irq, 0);

  kputs("nic: 82540EM at 00:");
  kput_hex(slot, 2);
  kputs(".0, registers at 0x");
  kput_hex(bar0, 8);
  kputs(", IRQ ");
  kput_dec((uint32_t)irq);
  kputs(", MAC ");
  for (int i = 0; i < 6; i++) {
    kput_hex(nic_mac[i], 2);
    if (i < 5) kputc(':');
  }
  kputs("\n");
}

void nic_top_half(void) {
  uint32_t icr = reg_read(ICR); /* reading clears it: the line drops */
  event_push(EV_NIC, icr);
}

void nic_bottom_half(uint32_t icr) {
  (void)icr;
  for (;;) {
    uint32_t slot = (reg_read(RDT) + 1) % RING;
    struct rx_desc *d = &nic_rx_ring[slot];
    if (!(d->status & RX_DD)) break;
    uint16_t length = d->length;
    if (store_tail - store_head < STORE) {
      int n = length > 1518 ? 1518 : length;
      store[store_tail % STORE].length = (uint16_t)n;
      memcpy(store[store_tail % STORE].data, nic_rx_buffers[slot], (uint32_t)n);
      store_tail++;
    } else {
      nic_dropped++;
    }
    nic_rx_frames++;
    d->status = 0;
    reg_write(RDT, slot); /* the descriptor is the card's again */
  }
}

int nic_packets_waiting(void) { return (int)(store_tail - store_head); }

int nic_take_packet(uint8_t *buffer, int length) {
  uint32_t flags = irq_save();
  if (store_head == store_tail) {
    irq_restore(flags);
    return -1;
  }
  int n = store[store_head % STORE].length;
  if (n > length) n = length;
  memcpy(buffer, store[store_head % STORE].data, (uint32_t)n);
  store_head++;
  irq_restore(flags);
  return n;
}

int nic_send(const uint8_t *frame, int length) {
  if (!regs || length <= 0 || length > BUFFER) return -1;
  struct tx_desc *d = &nic_tx_ring[tx_tail];
  if (!(d->status & TX_DD)) return -1; /* the ring is full */
  memcpy(tx_buffers[tx_tail], frame, (uint32_t)length);
  if (length >= 12) memcpy(tx_buffers[tx_tail] + 6, nic_mac, 6); /* the source address is the card's */
  d->length = (uint16_t)length;
  d->cmd = TX_EOP | TX_IFCS | TX_RS;
  d->status = 0;
  tx_tail = (tx_tail + 1) % RING;
  reg_write(TDT, tx_tail);
  nic_tx_frames++;
  return length;
}
