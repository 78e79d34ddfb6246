/// Register offsets in the 82540EM's memory-mapped window, named as in the 8254x Software Developer's Manual (§13).
enum E1000Register {
  static let ctrl: UInt32 = 0x0000  // device control
  static let status: UInt32 = 0x0008  // device status (read-only)
  static let eecd: UInt32 = 0x0010  // EEPROM/flash control
  static let eerd: UInt32 = 0x0014  // EEPROM read
  static let ctrlExt: UInt32 = 0x0018  // extended device control
  static let mdic: UInt32 = 0x0020  // MDI control: the PHY's registers
  static let icr: UInt32 = 0x00C0  // interrupt cause read
  static let itr: UInt32 = 0x00C4  // interrupt throttling
  static let ics: UInt32 = 0x00C8  // interrupt cause set
  static let ims: UInt32 = 0x00D0  // interrupt mask set/read
  static let imc: UInt32 = 0x00D8  // interrupt mask clear
  static let rctl: UInt32 = 0x0100  // receive control
  static let tctl: UInt32 = 0x0400  // transmit control
  static let tipg: UInt32 = 0x0410  // transmit inter-packet gap
  static let rdbal: UInt32 = 0x2800  // receive descriptor base, low and high
  static let rdbah: UInt32 = 0x2804
  static let rdlen: UInt32 = 0x2808  // receive ring length in bytes
  static let rdh: UInt32 = 0x2810  // receive head: the next descriptor the card fills
  static let rdt: UInt32 = 0x2818  // receive tail: the first descriptor the card may not use
  static let rdtr: UInt32 = 0x2820  // receive delay timer (units of 1.024 µs)
  static let radv: UInt32 = 0x282C  // receive absolute delay timer
  static let tdbal: UInt32 = 0x3800  // transmit descriptor base, low and high
  static let tdbah: UInt32 = 0x3804
  static let tdlen: UInt32 = 0x3808
  static let tdh: UInt32 = 0x3810  // transmit head: the next descriptor the card sends
  static let tdt: UInt32 = 0x3818  // transmit tail: one past the last descriptor software queued
  static let mta: UInt32 = 0x5200  // multicast table array, 128 words
  static let ral0: UInt32 = 0x5400  // receive address 0 low; RAH0 at 0x5404; 16 pairs up to 0x547C
  static let rah0: UInt32 = 0x5404

  // Statistics: 32-bit counters, cleared when read (§13.7).
  static let crcerrs: UInt32 = 0x4000
  static let mpc: UInt32 = 0x4010  // missed packets count
  static let gprc: UInt32 = 0x4074  // good packets received
  static let bprc: UInt32 = 0x4078  // broadcast packets received
  static let mprc: UInt32 = 0x407C  // multicast packets received
  static let gptc: UInt32 = 0x4080  // good packets transmitted
  static let gorcl: UInt32 = 0x4088  // good octets received, low and high
  static let gorch: UInt32 = 0x408C
  static let gotcl: UInt32 = 0x4090  // good octets transmitted, low and high
  static let gotch: UInt32 = 0x4094
  static let torl: UInt32 = 0x40C0  // total octets received, low and high
  static let torh: UInt32 = 0x40C4
  static let tpr: UInt32 = 0x40D0  // total packets received
  static let tpt: UInt32 = 0x40D4  // total packets transmitted
  static let statisticsRange: ClosedRange<UInt32> = 0x4000...0x40FC
}

/// Bits of the registers above.
enum E1000Bits {
  // CTRL
  static let ctrlSLU: UInt32 = 1 << 6  // set link up
  static let ctrlRST: UInt32 = 1 << 26  // device reset (self-clearing)
  // STATUS: full duplex (bit 0), link up (1), 1000 Mb/s (7:6 = 10b), auto-speed detection 1000 (9:8), and the
  // bits QEMU also reports (10, 19, 31) — the value drivers written against QEMU check for (the JOS lab prints it).
  static let statusValue: UInt32 = 0x8008_0783
  // EECD: an EEPROM is present
  static let eecdPresent: UInt32 = 1 << 8
  // EERD (82540EM layout): START bit 0, DONE bit 4, ADDR 15:8, DATA 31:16
  static let eerdStart: UInt32 = 1 << 0
  static let eerdDone: UInt32 = 1 << 4
  // MDIC: DATA 15:0, REGADD 20:16, PHYADD 25:21, OP 27:26 (01 write, 10 read), READY 28, I 29, E 30
  static let mdicReady: UInt32 = 1 << 28
  static let mdicInterrupt: UInt32 = 1 << 29
  static let mdicError: UInt32 = 1 << 30
  // Interrupt causes (ICR/ICS/IMS/IMC)
  static let txdw: UInt32 = 0x01  // transmit descriptor written back
  static let txqe: UInt32 = 0x02  // transmit queue empty
  static let lsc: UInt32 = 0x04  // link status change
  static let rxdmt0: UInt32 = 0x10  // receive descriptor minimum threshold reached
  static let rxo: UInt32 = 0x40  // receiver overrun: a frame was missed
  static let rxt0: UInt32 = 0x80  // receiver timer: frames were written back
  static let mdac: UInt32 = 0x200  // MDI access complete
  static let causeMask: UInt32 = 0x0001_F6DF  // the causes the 82540EM defines
  // RCTL
  static let rctlEN: UInt32 = 1 << 1  // receiver enable
  static let rctlUPE: UInt32 = 1 << 3  // unicast promiscuous
  static let rctlMPE: UInt32 = 1 << 4  // multicast promiscuous
  static let rctlBAM: UInt32 = 1 << 15  // broadcast accept mode
  static let rctlBSEX: UInt32 = 1 << 25  // buffer size extension (×16)
  static let rctlSECRC: UInt32 = 1 << 26  // strip the Ethernet CRC
  // TCTL
  static let tctlEN: UInt32 = 1 << 1
  // RDTR: flush partial descriptor block
  static let rdtrFPD: UInt32 = 1 << 31
  // RAH: address valid
  static let rahAV: UInt32 = 1 << 31
  // Receive descriptor status
  static let rxDD: UInt8 = 0x01  // descriptor done
  static let rxEOP: UInt8 = 0x02  // end of packet
  static let rxIXSM: UInt8 = 0x04  // ignore checksum indication (no checksum offload)
  // Transmit descriptor command and status
  static let txEOP: UInt8 = 0x01
  static let txRS: UInt8 = 0x08  // report status: write DD back
  static let txDEXT: UInt8 = 0x20  // extended descriptor
  static let txDD: UInt8 = 0x01
}
