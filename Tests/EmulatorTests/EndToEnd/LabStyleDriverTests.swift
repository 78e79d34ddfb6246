import Testing

@testable import Emulator

/// A driver written the way the xv6 networking lab's e1000 driver is (for QEMU's card): it enumerates PCI, sizes
/// BAR0 and moves it to 0x40000000, resets the card through CTRL.RST, fills the registers in the lab's order,
/// acknowledges interrupts by writing all ones to ICR, walks the receive ring from RDT + 1 while DD is set, and
/// transmits with a tail write after checking DD. The card must work with it unchanged.
@Suite(.serialized)
struct LabStyleDriverTests {
  static let boot = """
    .intel_syntax noprefix
    .section .multiboot, "a"
    .align 4
    .long 0x1BADB002
    .long 0
    .long -(0x1BADB002)
    .text
    .globl _start
    _start:
      mov esp, offset stack_top
      call kmain
    1: hlt
      jmp 1b
    .globl nic_stub
    nic_stub:
      pushad
      call e1000_intr
      mov al, 0x20
      out 0xA0, al
      out 0x20, al
      popad
      iretd
    .globl ignore_stub
    ignore_stub:
      iretd
    .bss
    .align 16
    .space 8192
    stack_top:
    """

  static let driver = """
    #include <stdint.h>
    #define E1000_CTL 0x00000
    #define E1000_ICR 0x000C0
    #define E1000_IMS 0x000D0
    #define E1000_RCTL 0x00100
    #define E1000_TCTL 0x00400
    #define E1000_TIPG 0x00410
    #define E1000_RDBAL 0x02800
    #define E1000_RDTR 0x02820
    #define E1000_RADV 0x0282C
    #define E1000_RDH 0x02810
    #define E1000_RDT 0x02818
    #define E1000_RDLEN 0x02808
    #define E1000_TDBAL 0x03800
    #define E1000_TDLEN 0x03808
    #define E1000_TDH 0x03810
    #define E1000_TDT 0x03818
    #define E1000_MTA 0x05200
    #define E1000_RA 0x05400
    #define CTL_RST 0x00400000u
    #define RX_RING_SIZE 16
    #define TX_RING_SIZE 16
    struct rx_desc { uint64_t addr; uint16_t length, csum; uint8_t status, errors; uint16_t special; };
    struct tx_desc { uint64_t addr; uint16_t length; uint8_t cso, cmd, status, css; uint16_t special; };
    static struct rx_desc rx_ring[RX_RING_SIZE] __attribute__((aligned(16)));
    static struct tx_desc tx_ring[TX_RING_SIZE] __attribute__((aligned(16)));
    static char rx_bufs[RX_RING_SIZE][2048];
    static char tx_bufs[TX_RING_SIZE][2048];
    static volatile uint32_t *regs;
    volatile uint32_t received, replies, card_bar0;
    volatile char payloads[8][32];

    static inline void outb(uint16_t p, uint8_t v) { __asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(p)); }
    static inline void outl(uint16_t p, uint32_t v) { __asm__ volatile("outl %0, %1" : : "a"(v), "Nd"(p)); }
    static inline uint32_t inl(uint16_t p) { uint32_t v; __asm__ volatile("inl %1, %0" : "=a"(v) : "Nd"(p)); return v; }
    static uint32_t pci_read(uint32_t dev, uint32_t off) { outl(0xCF8, 0x80000000u | dev << 11 | off); return inl(0xCFC); }
    static void pci_write(uint32_t dev, uint32_t off, uint32_t v) { outl(0xCF8, 0x80000000u | dev << 11 | off); outl(0xCFC, v); }

    static void e1000_init(uint32_t *base) {
      regs = base;
      regs[E1000_IMS / 4] = 0;
      regs[E1000_CTL / 4] |= CTL_RST;
      regs[E1000_IMS / 4] = 0;
      __sync_synchronize();
      for (int i = 0; i < TX_RING_SIZE; i++) { tx_ring[i].status = 1; tx_ring[i].addr = 0; }
      regs[E1000_TDBAL / 4] = (uint32_t)tx_ring;
      regs[E1000_TDLEN / 4] = sizeof(tx_ring);
      regs[E1000_TDH / 4] = regs[E1000_TDT / 4] = 0;
      for (int i = 0; i < RX_RING_SIZE; i++) rx_ring[i].addr = (uint32_t)rx_bufs[i];
      regs[E1000_RDBAL / 4] = (uint32_t)rx_ring;
      regs[E1000_RDH / 4] = 0;
      regs[E1000_RDT / 4] = RX_RING_SIZE - 1;
      regs[E1000_RDLEN / 4] = sizeof(rx_ring);
      regs[E1000_RA / 4] = 0x12005452;
      regs[E1000_RA / 4 + 1] = 0x5634 | (1u << 31);
      for (int i = 0; i < 4096 / 32; i++) regs[E1000_MTA / 4 + i] = 0;
      regs[E1000_TCTL / 4] = 2 | 8 | (0x10 << 4) | (0x40 << 12);
      regs[E1000_TIPG / 4] = 10 | (8 << 10) | (6 << 20);
      regs[E1000_RCTL / 4] = 2 | (1 << 15) | (1 << 26);  /* EN | BAM | SZ_2048 | SECRC */
      regs[E1000_RDTR / 4] = 0;
      regs[E1000_RADV / 4] = 0;
      regs[E1000_IMS / 4] = 1 << 7;  /* RXT0 */
    }

    static int e1000_transmit(const char *data, uint32_t len) {
      uint32_t i = regs[E1000_TDT / 4];
      if (!(tx_ring[i].status & 1)) return -1;
      for (uint32_t k = 0; k < len; k++) tx_bufs[i][k] = data[k];
      tx_ring[i].addr = (uint32_t)tx_bufs[i];
      tx_ring[i].length = (uint16_t)len;
      tx_ring[i].cmd = 1 | 8;  /* EOP | RS */
      tx_ring[i].status = 0;
      regs[E1000_TDT / 4] = (i + 1) % TX_RING_SIZE;
      return 0;
    }

    static void e1000_recv(void) {
      for (;;) {
        uint32_t i = (regs[E1000_RDT / 4] + 1) % RX_RING_SIZE;
        if (!(rx_ring[i].status & 1)) break;
        const char *frame = rx_bufs[i];
        if (received < 8) for (int k = 0; k < 31; k++) payloads[received][k] = frame[42 + k];
        received++;
        char reply[64];
        for (int k = 0; k < 64; k++) reply[k] = frame[k];
        for (int k = 0; k < 6; k++) { reply[k] = frame[6 + k]; reply[6 + k] = frame[k]; }
        if (e1000_transmit(reply, 64) == 0) replies++;
        rx_ring[i].status = 0;
        regs[E1000_RDT / 4] = i;
      }
    }

    void e1000_intr(void) {
      regs[E1000_ICR / 4] = 0xffffffff;  /* acknowledge every cause, as the lab does */
      e1000_recv();
    }

    struct gate { uint16_t lo, sel; uint8_t zero, flags; uint16_t hi; } __attribute__((packed));
    static struct gate idt[256];
    extern void nic_stub(void), ignore_stub(void);
    static void set_gate(int v, void (*h)(void)) {
      uint32_t a = (uint32_t)h;
      idt[v] = (struct gate){ (uint16_t)a, 0x08, 0, 0x8E, (uint16_t)(a >> 16) };
    }

    void kmain(void) {
      uint32_t dev = 0;
      while (dev < 32 && pci_read(dev, 0) != 0x100E8086u) dev++;
      if (dev == 32) return;
      pci_write(dev, 0x04, 7);
      /* Size BAR0 and place it where the lab puts the card. */
      pci_write(dev, 0x10, 0xffffffff);
      __sync_synchronize();
      pci_write(dev, 0x10, 0x40000000);
      card_bar0 = pci_read(dev, 0x10);
      uint32_t irq = pci_read(dev, 0x3C) & 0xFF;
      for (int v = 0; v < 256; v++) set_gate(v, ignore_stub);
      set_gate(0x20 + (int)irq, nic_stub);
      struct { uint16_t limit; uint32_t base; } __attribute__((packed)) p = { sizeof(idt) - 1, (uint32_t)idt };
      __asm__ volatile("lidt %0" : : "m"(p));
      outb(0x20, 0x11); outb(0xA0, 0x11); outb(0x21, 0x20); outb(0xA1, 0x28);
      outb(0x21, 0x04); outb(0xA1, 0x02); outb(0x21, 0x01); outb(0xA1, 0x01);
      outb(0x21, 0xFB); outb(0xA1, (uint8_t)~(1u << (irq - 8)));
      e1000_init((uint32_t *)0x40000000);
      for (;;) __asm__ volatile("sti; hlt");
    }
    """

  @Test func labStyleDriverReceivesAndRepliesThroughARelocatedCard() throws {
    // Built for the i686 (no SSE): irqscope's CPU has no SSE, and clang's default i386 code would use MFENCE for
    // the lab's __sync_synchronize (i686 code uses a LOCKed OR instead, as GCC's i686-elf compilers do).
    let kernel = try Toolchain.build(
      sources: ["boot.S": Self.boot, "e1000.c": Self.driver], cflags: ["-march=i686"])
    let symbols = try kernel.nm()
    let machine = Machine()
    try machine.boot(kernel: kernel.elf, fileName: "lab-driver.elf")
    var sent: [[UInt8]] = []
    let trace = machine.nic.onTransmit
    machine.nic.onTransmit = { frame in
      sent.append(frame)
      trace?(frame)
    }
    machine.run(cycles: Scheduler.cycles(nanoseconds: 5_000_000))
    #expect(machine.memory.read32(try #require(symbols["card_bar0"])) == 0x4000_0000)
    #expect(machine.mmio.base(of: machine.nic) == 0x4000_0000)

    let texts = ["first datagram", "second datagram", "third datagram"]
    for text in texts { try machine.injectPacket(payload: Array(text.utf8)) }
    machine.run(cycles: Scheduler.cycles(nanoseconds: 5_000_000))

    #expect(machine.memory.read32(try #require(symbols["received"])) == 3)
    #expect(machine.memory.read32(try #require(symbols["replies"])) == 3)
    let payloads = try #require(symbols["payloads"])
    for (index, text) in texts.enumerated() {
      let bytes = try #require(machine.memory.read(payloads + UInt32(index * 32), count: text.utf8.count))
      #expect(String(decoding: bytes, as: UTF8.self) == text)
    }
    // Each reply goes back to the sender: destination = the generator's MAC, source = the card's.
    #expect(sent.count == 3)
    #expect(sent.allSatisfy { Array($0[0..<6]) == EthernetFrame.peerMAC && Array($0[6..<12]) == E1000.defaultMAC })
    let state = machine.nic.state
    #expect(state.framesDelivered == 3 && state.framesMissed == 0 && state.framesSent == 3)
    #expect(state.icr == 0)  // the driver's write of all ones cleared every cause
  }
}
