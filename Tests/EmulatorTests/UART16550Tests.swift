import Testing

@testable import Emulator

@Suite struct UART16550Tests {
  let scheduler = Scheduler()
  let recorder: TimedIRQRecorder
  let uart: UART16550
  /// Each byte the UART transmits, with the virtual time it left.
  final class Wire { var sent: [(time: UInt64, byte: UInt8)] = [] }
  let wire = Wire()

  /// One 8N1 character (10 bits) at 115200 baud, in 100 MHz cycles: 86.8 µs.
  static let charAt115200 = 10.0 * 100_000_000 / 115_200

  init() {
    recorder = TimedIRQRecorder(scheduler: scheduler)
    uart = UART16550(scheduler: scheduler, irq: IRQLine(irq: 4, sink: recorder))
    let wire = self.wire
    let scheduler = self.scheduler
    uart.onTransmit = { wire.sent.append((scheduler.now, $0)) }
  }

  // Register offsets from 0x3F8.
  private func out(_ offset: UInt16, _ value: UInt8) { uart.portWrite(0x3F8 + offset, size: 1, value: UInt32(value)) }
  private func inb(_ offset: UInt16) -> UInt8 { UInt8(truncatingIfNeeded: uart.portRead(0x3F8 + offset, size: 1)) }

  /// 8N1 with divisor `divisor`, as drivers set it up.
  private func setUp(divisor: UInt16 = 1, lcr: UInt8 = 0x03) {
    out(3, 0x80)  // DLAB
    out(0, UInt8(divisor & 0xFF))
    out(1, UInt8(divisor >> 8))
    out(3, lcr)
  }

  private func run(toCycle cycle: Double) { DeviceTestClock.run(scheduler, until: UInt64(cycle)) }

  // MARK: Loopback

  @Test func loopbackReturnsTransmittedByteAfterOneCharacterTime() {
    setUp()
    out(4, 0x10)  // LOOP
    out(0, 0x41)
    run(toCycle: UnitCharTime.fraction(0.9))
    #expect(inb(5) & 0x01 == 0)  // nothing received yet
    run(toCycle: UnitCharTime.fraction(1.01))
    #expect(inb(5) & 0x01 == 0x01)
    #expect(inb(0) == 0x41)
    #expect(inb(5) & 0x01 == 0)
    #expect(wire.sent.isEmpty)  // nothing left the chip
    #expect(uart.output.isEmpty)
  }

  @Test func loopbackKeepsIRQOffEvenWithOut2() {
    setUp()
    out(1, 0x01)  // ERBFI
    out(4, 0x18)  // LOOP + OUT2
    out(0, 0x55)
    run(toCycle: UnitCharTime.fraction(1.5))
    #expect(inb(2) == 0x04)  // INTR is pending inside the chip…
    #expect(recorder.changes.isEmpty)  // …but the OUT2-gated buffer is off in loopback
    out(4, 0x08)  // leave loopback: IRQ4 follows INTR
    #expect(recorder.level(4))
  }

  @Test func loopbackModemStatusFollowsModemControl() {
    out(4, 0x1F)  // LOOP, OUT2, OUT1, RTS, DTR
    #expect(inb(6) == 0xF0)  // DCD, RI, DSR, CTS; RI rising is not a trailing edge
    out(4, 0x11)  // LOOP + DTR
    #expect(inb(6) == 0x2D)  // DSR; DCTS, TERI (RI fell), DDCD
    #expect(inb(6) == 0x20)  // deltas clear on read
  }

  // MARK: Interrupts

  @Test func thrEmptyInterruptOnEnableIsClearedByReadingIIR() {
    setUp()
    out(4, 0x08)  // OUT2
    out(1, 0x02)  // ETBEI with THR empty
    #expect(recorder.level(4))
    #expect(inb(2) == 0x02)
    #expect(inb(2) == 0x01)
    #expect(!recorder.level(4))
  }

  @Test func thrEmptyInterruptReturnsWhenTheHoldingRegisterEmpties() {
    setUp()
    out(4, 0x08)
    out(0, 0x31)  // straight into the idle shift register
    out(0, 0x32)  // waits in THR
    out(1, 0x02)
    #expect(!recorder.level(4))  // THR is full
    #expect(inb(5) & 0x60 == 0)  // neither THRE nor TEMT
    run(toCycle: UnitCharTime.fraction(1.01))  // first byte sent, second moves to the shift register
    #expect(recorder.level(4))
    #expect(inb(5) & 0x60 == 0x20)  // THRE, not TEMT
    run(toCycle: UnitCharTime.fraction(2.01))
    #expect(inb(5) & 0x60 == 0x60)
    out(0, 0x33)  // writing THR clears the THRE interrupt (then the byte moves on at once)
    #expect(inb(2) == 0x02)
    #expect(wire.sent.map(\.byte) == [0x31, 0x32])
  }

  @Test func receivedDataInterruptWaitsForTheFIFOTriggerLevel() {
    setUp()
    out(2, 0x81)  // FIFO on, trigger level 8
    out(1, 0x01)
    out(4, 0x08)
    uart.receive(Array(1...10))
    run(toCycle: UnitCharTime.fraction(7.5))
    #expect(inb(2) == 0xC1)
    #expect(!recorder.level(4))
    run(toCycle: UnitCharTime.fraction(8.1))
    #expect(inb(2) == 0xC4)
    #expect(recorder.level(4))
    #expect(inb(0) == 1)  // 7 left: below the trigger
    #expect(inb(2) == 0xC1)
    #expect(!recorder.level(4))
  }

  @Test func characterTimeoutAfterFourQuietCharacterTimes() {
    setUp()
    out(2, 0xC1)  // trigger level 14
    out(1, 0x01)
    out(4, 0x08)
    uart.receive([7, 8, 9])  // the last arrives after 3 character times
    run(toCycle: UnitCharTime.fraction(6.9))
    #expect(inb(2) == 0xC1)
    run(toCycle: UnitCharTime.fraction(7.1))
    #expect(inb(2) == 0xCC)
    #expect(recorder.level(4))
    #expect(inb(0) == 7)  // reading RBR clears the indication
    #expect(inb(2) == 0xC1)
    #expect(!recorder.level(4))
  }

  @Test func out2GatesTheIRQLine() {
    setUp()
    out(1, 0x02)  // THRE interrupt pending, OUT2 clear
    #expect(inb(2) & 0x0F == 0x02)
    out(1, 0x00)
    out(1, 0x02)  // pending again
    #expect(recorder.changes.isEmpty)
    out(4, 0x08)
    #expect(recorder.level(4))
    out(4, 0x00)
    #expect(!recorder.level(4))
  }

  @Test func iirReportsSourcesInDatasheetPriority() {
    setUp()
    out(2, 0x01)  // FIFO on, trigger 1
    out(4, 0x08)
    out(1, 0x0F)  // all four sources; THRE pending at once
    uart.receive(Array(0..<17))  // the 17th overruns
    run(toCycle: UnitCharTime.fraction(17.1))
    #expect(inb(2) == 0xC6)  // line status first
    #expect(inb(5) & 0x03 == 0x03)  // DR, OE (cleared by this read)
    #expect(inb(2) == 0xC4)  // then received data
    for _ in 0..<16 { _ = inb(0) }
    #expect(inb(2) == 0xC2)  // then THR empty (acknowledged by this read)
    #expect(inb(2) == 0xC1)
  }

  @Test func modemStatusIsTheLowestPriority() {
    out(4, 0x10)  // loopback
    out(1, 0x0A)  // ETBEI, EDSSI
    out(4, 0x12)  // RTS: CTS changes, DCTS
    #expect(inb(2) == 0x02)
    #expect(inb(2) == 0x00)
    #expect(inb(6) & 0x01 == 0x01)
    #expect(inb(2) == 0x01)
  }

  // MARK: Timing and flow

  @Test func bytesLeaveAtTheProgrammedBaudRate() {
    setUp(divisor: 12)  // 9600 baud
    out(2, 0x01)
    for byte in "abc".utf8 { out(0, byte) }
    DeviceTestClock.run(scheduler, until: 1_000_000)
    #expect(wire.sent.map(\.byte) == Array("abc".utf8))
    let character = 10.0 * 100_000_000 / 9_600  // 104166.7 cycles
    for (index, sent) in wire.sent.enumerated() {
      #expect(abs(Double(sent.time) - character * Double(index + 1)) <= Double(index + 1))
    }
    #expect(uart.output == Array("abc".utf8))
  }

  @Test func lineFormatSetsTheBitsPerCharacter() {
    setUp(lcr: 0x07)  // 8 data bits, 2 stop bits: 11 bits
    out(0, 0x99)
    DeviceTestClock.run(scheduler, until: 100_000)
    #expect(abs(Double(wire.sent[0].time) - 11.0 * 100_000_000 / 115_200) <= 1)
    setUp(lcr: 0x1A)  // 7 data bits, even parity, 1 stop: 10 bits; the top data bit is not sent
    out(0, 0xC1)
    DeviceTestClock.run(scheduler, until: 200_000)
    #expect(wire.sent[1].byte == 0x41)
    #expect(abs(Double(wire.sent[1].time - 100_000) - 10.0 * 100_000_000 / 115_200) <= 1)  // written at 100000
  }

  @Test func overrunDropsTheByteCountsItAndSetsOE() {
    setUp()
    out(2, 0x01)
    uart.receive(Array(0..<20))
    run(toCycle: UnitCharTime.fraction(20.5))
    #expect(uart.droppedInput == 4)
    #expect(inb(5) & 0x02 == 0x02)
    #expect(inb(5) & 0x02 == 0)  // OE clears when LSR is read
    var received: [UInt8] = []
    while inb(5) & 0x01 != 0 { received.append(inb(0)) }
    #expect(received == Array(0..<16))
  }

  @Test func withoutFIFOsTheNewestByteOverwritesRBR() {
    setUp()
    uart.receive([1, 2])
    run(toCycle: UnitCharTime.fraction(2.5))
    #expect(uart.droppedInput == 1)
    #expect(inb(5) == 0x63)  // DR, OE, THRE, TEMT
    #expect(inb(0) == 2)
  }

  @Test func divisorLatchIsReachedThroughDLAB() {
    setUp(divisor: 0x0180)
    #expect(uart.baud == 300)
    out(3, 0x83)
    #expect(inb(0) == 0x80 && inb(1) == 0x01)
    out(1, 0)  // DLM 0: divisor 0x0080, 900 baud
    #expect(uart.baud == 900)
    out(0, 0)  // divisor 0 is undefined: the rate stays
    #expect(uart.baud == 900)
    out(3, 0x03)
    out(7, 0x5A)
    #expect(inb(7) == 0x5A)
    #expect(inb(3) == 0x03)
  }

  @Test func arbitraryRegisterTrafficNeverTraps() {
    var seed: UInt32 = 99
    for _ in 0..<20_000 {
      seed = seed &* 1_103_515_245 &+ 12_345
      let offset = UInt16((seed >> 8) % 8)
      if seed & 1 == 0 { out(offset, UInt8(truncatingIfNeeded: seed >> 16)) } else { _ = inb(offset) }
      if seed & 0x3000 == 0 { uart.receive([UInt8(truncatingIfNeeded: seed)]) }
      scheduler.now &+= UInt64(seed >> 20)
      scheduler.runDue()
    }
    _ = uart.state
  }
}

/// Times in units of one 8N1 character at 115200 baud.
enum UnitCharTime {
  static func fraction(_ characters: Double) -> Double { characters * UART16550Tests.charAt115200 }
}
