import Testing

@testable import Emulator

/// The card alone on 1 MiB of RAM, programmed through its MMIO registers with the offsets of the 8254x manual
/// (§13.4), as a driver would: a receive ring of 16 descriptors at 0x1000 with buffers from 0x10000.
final class CardBench {
  let memory = PhysicalMemory(size: 1 << 20)
  let scheduler = Scheduler()
  let irq: TimedIRQRecorder
  let card: E1000
  static let rxRing: UInt32 = 0x1000
  static let txRing: UInt32 = 0x2000
  static let rxBuffers: UInt32 = 0x1_0000
  static let txBuffers: UInt32 = 0x8_0000
  static let mac: [UInt8] = [0x52, 0x54, 0x00, 0x12, 0x34, 0x56]

  // Register offsets and bits, from the manual.
  static let ctrl: UInt32 = 0x0000, status: UInt32 = 0x0008, eerd: UInt32 = 0x0014, mdic: UInt32 = 0x0020
  static let icr: UInt32 = 0x00C0, ics: UInt32 = 0x00C8, ims: UInt32 = 0x00D0, imc: UInt32 = 0x00D8
  static let rctl: UInt32 = 0x0100, tctl: UInt32 = 0x0400
  static let rdbal: UInt32 = 0x2800, rdlen: UInt32 = 0x2808, rdh: UInt32 = 0x2810, rdt: UInt32 = 0x2818
  static let rdtr: UInt32 = 0x2820
  static let tdbal: UInt32 = 0x3800, tdlen: UInt32 = 0x3808, tdh: UInt32 = 0x3810, tdt: UInt32 = 0x3818
  static let mpc: UInt32 = 0x4010, mta: UInt32 = 0x5200
  static let rctlEN: UInt32 = 1 << 1, rctlUPE: UInt32 = 1 << 3, rctlBAM: UInt32 = 1 << 15
  static let rctlSECRC: UInt32 = 1 << 26
  static let txdw: UInt32 = 0x01, txqe: UInt32 = 0x02, rxdmt0: UInt32 = 0x10, rxo: UInt32 = 0x40, rxt0: UInt32 = 0x80

  init() {
    irq = TimedIRQRecorder(scheduler: scheduler)
    card = E1000(memory: memory, scheduler: scheduler, irq: IRQLine(irq: 11, sink: irq))
  }

  func write(_ offset: UInt32, _ value: UInt32) { card.mmioWrite(offset, size: 4, value: value) }
  func read(_ offset: UInt32) -> UInt32 { card.mmioRead(offset, size: 4) }

  /// A ring of `count` descriptors with `bufferSize`-byte buffers, RDH = 0 and RDT = count − 1 (as the xv6 lab's
  /// driver leaves it: all but one descriptor free), receiver enabled with `rctl`'s other bits.
  func setUpReceive(count: Int = 16, bufferSize: Int = 2048, rctl: UInt32 = CardBench.rctlBAM | CardBench.rctlSECRC) {
    for i in 0..<count {
      let descriptor = Self.rxRing + UInt32(i) * 16
      memory.write32(descriptor, Self.rxBuffers + UInt32(i * bufferSize))
      memory.write32(descriptor + 4, 0)
      memory.write32(descriptor + 12, 0)
    }
    write(Self.rdbal, Self.rxRing)
    write(Self.rdlen, UInt32(count * 16))
    write(Self.rdh, 0)
    write(Self.rdt, UInt32(count - 1))
    write(Self.rctl, rctl | Self.rctlEN)
  }

  func descriptor(_ index: Int) -> (length: UInt16, status: UInt8) {
    let address = Self.rxRing + UInt32(index) * 16
    return (memory.read16(address + 8), memory.read8(address + 12))
  }

  /// A frame to the card's MAC of `length` bytes: EtherType 0x88B5 (local experimental) and a counting payload.
  static func frame(length: Int = 60, to destination: [UInt8] = CardBench.mac, seed: UInt8 = 0) -> [UInt8] {
    destination + [0x52, 0x55, 0x0A, 0x00, 0x02, 0x02, 0x88, 0xB5]
      + (0..<(length - 14)).map { UInt8(truncatingIfNeeded: $0 + Int(seed)) }
  }
}

@Suite struct E1000Tests {
  @Test func receivedFrameIsWrittenIntoTheBufferAtRDHThenLengthAndDDWithEOP() {
    let bench = CardBench()
    bench.setUpReceive()
    let frame = CardBench.frame(length: 100)
    #expect(bench.card.receive(frame) == .delivered(firstSlot: 0, descriptors: 1))
    #expect(bench.memory.read(CardBench.rxBuffers, count: 100) == frame)
    #expect(bench.descriptor(0).length == 100)
    #expect(bench.descriptor(0).status & 0x03 == 0x03)  // DD | EOP
    #expect(bench.descriptor(1).status == 0)
    #expect(bench.read(CardBench.rdh) == 1)
    #expect(bench.read(CardBench.icr) == CardBench.rxt0)
  }

  @Test func lineIsAssertedWhileICRAndIMSOverlapAndReadingICRClearsIt() {
    let bench = CardBench()
    bench.setUpReceive()
    bench.card.receive(CardBench.frame())
    #expect(!bench.irq.level(11))  // RXT0 is pending but IMS enables nothing
    bench.write(CardBench.ims, CardBench.rxt0)
    #expect(bench.irq.level(11))
    #expect(bench.read(CardBench.ims) == CardBench.rxt0)
    #expect(bench.read(CardBench.icr) == CardBench.rxt0)
    #expect(!bench.irq.level(11))
    #expect(bench.read(CardBench.icr) == 0)
  }

  @Test func writingOnesToICRClearsThoseCausesOnly() {
    let bench = CardBench()
    bench.write(CardBench.ims, 0xFF)
    bench.write(CardBench.ics, CardBench.rxt0 | CardBench.txdw)
    #expect(bench.irq.level(11))
    bench.write(CardBench.icr, CardBench.rxt0)
    #expect(bench.irq.level(11))
    bench.write(CardBench.icr, CardBench.txdw)
    #expect(!bench.irq.level(11))
    #expect(bench.read(CardBench.icr) == 0)
  }

  @Test func imcMasksACauseWithoutClearingIt() {
    let bench = CardBench()
    bench.write(CardBench.ims, CardBench.rxt0 | CardBench.rxo)
    bench.write(CardBench.ics, CardBench.rxo)
    #expect(bench.irq.level(11))
    bench.write(CardBench.imc, CardBench.rxo)
    #expect(!bench.irq.level(11))
    #expect(bench.read(CardBench.ims) == CardBench.rxt0)
    #expect(bench.read(CardBench.icr) == CardBench.rxo)  // still pending, only masked
  }

  @Test func fullRingLosesFramesCountsThemInMPCAndSetsRXO() {
    let bench = CardBench()
    bench.setUpReceive()  // RDH 0, RDT 15: 15 descriptors free
    for seed in 0..<20 { bench.card.receive(CardBench.frame(seed: UInt8(seed))) }
    #expect(bench.card.framesDelivered == 15)
    #expect(bench.card.missed[.ringFull] == 5)
    #expect(bench.card.framesInjected == bench.card.framesDelivered + bench.card.framesMissed)
    #expect(bench.read(CardBench.rdh) == 15)
    #expect(bench.read(CardBench.mpc) == 5)
    #expect(bench.read(CardBench.mpc) == 0)  // statistics clear when read
    #expect(bench.read(CardBench.icr) & CardBench.rxo != 0)
    // Giving one buffer back lets exactly one more frame in.
    bench.write(CardBench.rdt, 0)
    bench.card.receive(CardBench.frame())
    bench.card.receive(CardBench.frame())
    #expect(bench.card.framesDelivered == 16)
    #expect(bench.read(CardBench.mpc) == 1)
  }

  @Test func disabledReceiverLosesFramesIntoMPC() {
    let bench = CardBench()
    bench.setUpReceive()
    bench.write(CardBench.rctl, CardBench.rctlBAM)  // EN clear
    #expect(bench.card.receive(CardBench.frame()) == .missed(.receiverDisabled))
    #expect(bench.read(CardBench.mpc) == 1)
    #expect(bench.read(CardBench.icr) == CardBench.rxo)
    #expect(bench.memory.read32(CardBench.rxBuffers) == 0)
  }

  /// RCTL.RDMTS 00/01/10: RXDMT0 once the free descriptors have fallen to 1/2, 1/4, 1/8 of a 16-entry ring (8, 4,
  /// 2). The ring starts with 15 free, so that happens with the 7th, 11th and 13th frame.
  @Test(arguments: [(UInt32(0), 7), (1, 11), (2, 13)])
  func rxdmt0FiresWhenFreeDescriptorsReachTheRDMTSFraction(rdmts: UInt32, firstFrame: Int) {
    let bench = CardBench()
    bench.setUpReceive(rctl: CardBench.rctlBAM | CardBench.rctlSECRC | rdmts << 8)
    for n in 1...15 {
      bench.card.receive(CardBench.frame())
      let causes = bench.read(CardBench.icr)
      #expect(causes & CardBench.rxt0 != 0)
      #expect((causes & CardBench.rxdmt0 != 0) == (n >= firstFrame), "frame \(n)")
      #expect(causes & CardBench.rxo == 0)
    }
    bench.card.receive(CardBench.frame())
    #expect(bench.read(CardBench.icr) == CardBench.rxo)  // the 16th finds no buffer: RXO alone
  }

  @Test func frameLongerThanOneBufferSpansDescriptorsWithEOPOnTheLast() {
    let bench = CardBench()
    bench.setUpReceive(bufferSize: 256, rctl: CardBench.rctlBAM | CardBench.rctlSECRC | 0b11 << 16)  // BSIZE 256
    let frame = CardBench.frame(length: 1000)
    #expect(bench.card.receive(frame) == .delivered(firstSlot: 0, descriptors: 4))
    #expect((0..<4).map { bench.descriptor($0).length } == [256, 256, 256, 232])
    #expect((0..<3).allSatisfy { bench.descriptor($0).status & 0x03 == 0x01 })  // DD without EOP
    #expect(bench.descriptor(3).status & 0x03 == 0x03)
    #expect(bench.memory.read(CardBench.rxBuffers, count: 1000) == frame)  // the buffers are contiguous here
    #expect(bench.read(CardBench.rdh) == 4)
  }

  @Test func frameThatDoesNotFitTheFreeDescriptorsIsMissedWhole() {
    let bench = CardBench()
    bench.setUpReceive(bufferSize: 256, rctl: CardBench.rctlBAM | CardBench.rctlSECRC | 0b11 << 16)
    bench.write(CardBench.rdt, 3)  // three free buffers of 256 bytes
    #expect(bench.card.receive(CardBench.frame(length: 1000)) == .missed(.ringFull))
    #expect(bench.read(CardBench.rdh) == 0)
    #expect(bench.descriptor(0).status == 0)
  }

  @Test func withoutSECRCTheFrameCheckSequenceFollowsTheData() {
    let bench = CardBench()
    bench.setUpReceive(rctl: CardBench.rctlBAM)
    let frame = CardBench.frame(length: 60)
    bench.card.receive(frame)
    #expect(bench.descriptor(0).length == 64)
    // zlib.crc32 of this frame (Python) is 0x5D85A69D; it goes on the wire least significant byte first.
    #expect(bench.memory.read(CardBench.rxBuffers + 60, count: 4) == [0x9D, 0xA6, 0x85, 0x5D])
  }

  @Test func ethernetCRCMatchesTheStandardCheckValue() {
    #expect(EthernetCRC.crc32(Array("123456789".utf8)) == 0xCBF4_3926)
  }

  @Test func receiveFiltersFollowRALBroadcastMulticastAndPromiscuousModes() {
    let bench = CardBench()
    bench.setUpReceive(rctl: CardBench.rctlSECRC)  // no BAM
    let other: [UInt8] = [0x52, 0x54, 0x00, 0x99, 0x99, 0x99]
    let broadcast = [UInt8](repeating: 0xFF, count: 6)
    let multicast: [UInt8] = [0x01, 0x00, 0x5E, 0x00, 0x00, 0x01]
    #expect(bench.card.receive(CardBench.frame(to: other)) == .missed(.filtered))
    #expect(bench.card.receive(CardBench.frame(to: broadcast)) == .missed(.filtered))
    #expect(bench.card.receive(CardBench.frame(to: multicast)) == .missed(.filtered))
    #expect(bench.read(CardBench.mpc) == 0)  // filtered frames are not missed packets
    #expect(bench.read(CardBench.icr) & CardBench.rxo == 0)
    // MO = 00: the hash is address bits 47:36 → (0x00 >> 4) | (0x01 << 4) = 0x010: MTA word 0, bit 16.
    bench.write(CardBench.mta, 1 << 16)
    #expect(bench.card.receive(CardBench.frame(to: multicast)) == .delivered(firstSlot: 0, descriptors: 1))
    bench.write(CardBench.rctl, CardBench.rctlEN | CardBench.rctlSECRC | CardBench.rctlBAM)
    #expect(bench.card.receive(CardBench.frame(to: broadcast)) == .delivered(firstSlot: 1, descriptors: 1))
    bench.write(CardBench.rctl, CardBench.rctlEN | CardBench.rctlSECRC | CardBench.rctlUPE)
    #expect(bench.card.receive(CardBench.frame(to: other)) == .delivered(firstSlot: 2, descriptors: 1))
    #expect(bench.card.missed[.filtered] == 3)
  }

  @Test func dmaOutsideRAMIsDroppedAndCountedNeverTouchingTheHost() {
    let bench = CardBench()
    bench.setUpReceive()
    // A buffer beyond the 1 MiB of RAM, and one beyond 4 GiB: the data is dropped, the descriptor still completes.
    bench.memory.write32(CardBench.rxRing, 0x00FF_F000)
    bench.memory.write32(CardBench.rxRing + 16, 0x3000)
    bench.memory.write32(CardBench.rxRing + 20, 1)
    bench.card.receive(CardBench.frame())
    bench.card.receive(CardBench.frame())
    #expect(bench.card.dmaErrors == 2)
    #expect(bench.descriptor(0).status & 0x01 == 0x01)
    #expect(bench.descriptor(1).status & 0x01 == 0x01)
    #expect(bench.memory.read32(0x3000) == 0)
    // A ring that lies outside RAM altogether.
    bench.write(CardBench.rdbal, 0xFFFF_F000)
    bench.write(CardBench.rdh, 0)
    bench.card.receive(CardBench.frame())
    #expect(bench.card.dmaErrors == 3)
  }

  @Test func receiveDelayTimerHoldsRXT0ForRDTRTimes1024Nanoseconds() {
    let bench = CardBench()
    bench.setUpReceive()
    bench.write(CardBench.ims, CardBench.rxt0)
    bench.write(CardBench.rdtr, 100)  // 102.4 µs = 10,240 cycles at 100 MHz
    bench.card.receive(CardBench.frame())
    #expect(!bench.irq.level(11))
    bench.scheduler.now = 5_000
    bench.scheduler.runDue()
    bench.card.receive(CardBench.frame())  // restarts the timer: RXT0 at 5,000 + 10,240
    bench.scheduler.now = 15_239
    bench.scheduler.runDue()
    #expect(!bench.irq.level(11))
    bench.scheduler.now = 15_240
    bench.scheduler.runDue()
    #expect(bench.irq.level(11))
    #expect(bench.irq.risingEdges(11) == [15_240])
  }

  @Test func eerdReadsTheMACAddressAndTheEEPROMSumsTo0xBABA() {
    let bench = CardBench()
    var sum: UInt16 = 0
    var words: [UInt16] = []
    for address: UInt32 in 0..<64 {
      bench.write(CardBench.eerd, address << 8 | 1)
      let value = bench.read(CardBench.eerd)
      #expect(value & 0x10 != 0)  // DONE
      #expect((value >> 8) & 0xFF == address)
      words.append(UInt16(value >> 16))
      sum &+= UInt16(value >> 16)
    }
    #expect(Array(words[0..<3]) == [0x5452, 0x1200, 0x5634])  // 52:54:00:12:34:56, low byte first
    #expect(words[0x0D] == 0x100E && words[0x0E] == 0x8086)
    #expect(sum == 0xBABA)
  }

  @Test func statusSaysLinkUpFullDuplexAt1000AndThePHYAgrees() {
    let bench = CardBench()
    let status = bench.read(CardBench.status)
    #expect(status & 0x3 == 0x3)  // FD, LU
    #expect((status >> 6) & 3 == 0b10)  // SPEED 1000
    // MDIC read (OP 10) of PHY 1 register 1: READY, and the status's link-status bit 2.
    bench.write(CardBench.mdic, 0b10 << 26 | 1 << 21 | 1 << 16)
    let mdic = bench.read(CardBench.mdic)
    #expect(mdic & 1 << 28 != 0)
    #expect(mdic & 1 << 30 == 0)
    #expect(mdic & 0x0004 != 0)
    // Another PHY address answers with the error bit.
    bench.write(CardBench.mdic, 0b10 << 26 | 2 << 21 | 1 << 16)
    #expect(bench.read(CardBench.mdic) & 1 << 30 != 0)
  }

  @Test func ctrlRSTPutsTheRegistersBackToTheirDefaults() {
    let bench = CardBench()
    bench.setUpReceive()
    bench.write(CardBench.ims, 0xFF)
    bench.write(CardBench.ctrl, 1 << 26)
    #expect(bench.read(CardBench.rctl) == 0)
    #expect(bench.read(CardBench.ims) == 0)
    #expect(bench.read(CardBench.rdlen) == 0)
    #expect(bench.read(CardBench.ctrl) & 1 << 26 == 0)  // self-clearing
    #expect(bench.read(0x5404) == 0x8000_5634)  // RAH0 reloaded from the EEPROM with AV
  }

  @Test func transmitGathersDescriptorsUpToEOPWritesDDWhereRSAndRaisesTXDW() {
    let bench = CardBench()
    var sent: [[UInt8]] = []
    bench.card.onTransmit = { sent.append($0) }
    let frame = CardBench.frame(length: 100)
    bench.memory.write(frame[0..<40], at: CardBench.txBuffers)
    bench.memory.write(frame[40...], at: CardBench.txBuffers + 0x100)
    // Descriptor 0: 40 bytes, no EOP, no RS. Descriptor 1: 60 bytes, EOP | IFCS | RS.
    bench.memory.write32(CardBench.txRing, CardBench.txBuffers)
    bench.memory.write16(CardBench.txRing + 8, 40)
    bench.memory.write32(CardBench.txRing + 16, CardBench.txBuffers + 0x100)
    bench.memory.write16(CardBench.txRing + 24, 60)
    bench.memory.write8(CardBench.txRing + 27, 0x0B)
    bench.write(CardBench.tdbal, CardBench.txRing)
    bench.write(CardBench.tdlen, 8 * 16)
    bench.write(CardBench.tdt, 2)
    #expect(sent.isEmpty)  // TCTL.EN is still clear
    bench.write(CardBench.tctl, 1 << 1)
    #expect(sent == [frame])
    #expect(bench.read(CardBench.tdh) == 2)
    #expect(bench.memory.read8(CardBench.txRing + 12) == 0)  // no RS: no write-back
    #expect(bench.memory.read8(CardBench.txRing + 28) & 0x01 == 0x01)  // DD
    #expect(bench.read(CardBench.icr) == CardBench.txdw | CardBench.txqe)
    #expect(bench.card.framesSent == 1)
  }

  @Test func withBusMasteringOffTheCardCannotDMASoFramesAreMissed() {
    let bench = CardBench()
    bench.setUpReceive()
    bench.card.busMasterEnabled = false
    #expect(bench.card.receive(CardBench.frame()) == .missed(.busMasterDisabled))
    #expect(bench.read(CardBench.mpc) == 1)
    #expect(bench.memory.read32(CardBench.rxBuffers) == 0)
  }

  @Test func stateShowsTheRingAndWhichSlotsTheCardOwns() {
    let bench = CardBench()
    bench.setUpReceive()
    bench.card.receive(CardBench.frame(length: 80))
    let state = bench.card.state
    #expect(state.rxRing.count == 16)
    #expect(state.rxRing[0].length == 80 && state.rxRing[0].status & 0x01 == 0x01 && !state.rxRing[0].ownedByCard)
    #expect(state.rxRing[1].ownedByCard && state.rxRing[14].ownedByCard && !state.rxRing[15].ownedByCard)
    #expect(state.rxRing[3].bufferAddress == UInt64(CardBench.rxBuffers + 3 * 2048))
    #expect(state.mac == "52:54:00:12:34:56")
    #expect(state.rdh == 1 && state.rdt == 15)
    #expect(bench.read(CardBench.icr) == CardBench.rxt0)  // the snapshot did not clear ICR
  }
}
