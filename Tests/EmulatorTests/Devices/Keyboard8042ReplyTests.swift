import Testing

@testable import Emulator

/// When the keyboard's replies reach the output buffer, compared with QEMU 7.2: a Multiboot kernel under
/// `qemu-system-i386 -kernel` that writes a command to port 0x60 and reads port 0x64 with the very next instruction
/// sees OBF set and the reply in the buffer (F4 → FA; F2 → FA AB 41 through XLAT; EE → EE; FF → FA AA, each byte
/// at the first poll); typed keys keep the PS/2 wire's 880 µs per byte.
private final class ReplyRig: IRQSink {
  let scheduler = Scheduler()
  var kbc: Keyboard8042!
  var irq1Edges = 0
  var irq12Edges = 0
  private var levels: [Int: Bool] = [:]

  init() {
    kbc = Keyboard8042(
      scheduler: scheduler, irq: IRQLine(irq: 1, sink: self), irq12: IRQLine(irq: 12, sink: self))
  }

  func setIRQ(_ irq: Int, level: Bool) {
    if level && !(levels[irq] ?? false) {
      if irq == 1 { irq1Edges += 1 } else if irq == 12 { irq12Edges += 1 }
    }
    levels[irq] = level
  }

  var status: UInt8 { UInt8(truncatingIfNeeded: kbc.portRead(0x64, size: 1)) }
  func readData() -> UInt8 { UInt8(truncatingIfNeeded: kbc.portRead(0x60, size: 1)) }
  func writeData(_ byte: UInt8) { kbc.portWrite(0x60, size: 1, value: UInt32(byte)) }
  func command(_ byte: UInt8) { kbc.portWrite(0x64, size: 1, value: UInt32(byte)) }

  /// A hobby driver's `wait for OBF` loop: how many reads of 0x64 before bit 0 is set (no time passes between).
  func pollsUntilFull(limit: Int = 10_000) -> Int? {
    for polls in 0..<limit where status & 0x01 != 0 { return polls }
    return nil
  }
}

struct Keyboard8042ReplyTests {
  /// A driver that sends F4 and does not wait, then takes IRQ1 and reads 0x60, gets the ACK, not the stale byte.
  @Test func ackIsInTheOutputBufferRightAfterTheCommand() {
    let rig = ReplyRig()
    #expect(rig.readData() == 0xFA)  // the stale byte the BIOS left (its own enable's ACK)
    rig.writeData(0xAA)  // something stale to overwrite: an unknown command answers FE (resend)
    #expect(rig.readData() == 0xFE)
    rig.writeData(0xF4)
    #expect(rig.status & 0x01 != 0)
    #expect(rig.irq1Edges == 2)
    #expect(rig.readData() == 0xFA)
  }

  /// Every byte of a multi-byte reply is there at the first poll, as under QEMU.
  @Test func multiByteRepliesAreEachThereAtTheFirstPoll() {
    let rig = ReplyRig()
    var got: [UInt8] = []
    rig.writeData(0xF2)
    for _ in 0..<3 {
      #expect(rig.pollsUntilFull() == 0)
      got.append(rig.readData())
    }
    rig.writeData(0xFF)
    for _ in 0..<2 {
      #expect(rig.pollsUntilFull() == 0)
      got.append(rig.readData())
    }
    #expect(got == [0xFA, 0xAB, 0x41, 0xFA, 0xAA])
    #expect(rig.status & 0x01 == 0)
  }

  /// Typed keys still come over the wire: 880 µs (88,000 cycles) from the free buffer to the byte.
  @Test func typedKeysKeepTheWireTiming() {
    let rig = ReplyRig()
    rig.kbc.press(.a)
    #expect(rig.status & 0x01 == 0)
    rig.scheduler.now = 87_999
    rig.scheduler.runDue()
    #expect(rig.status & 0x01 == 0)
    rig.scheduler.now = 88_000
    rig.scheduler.runDue()
    #expect(rig.readData() == 0x1E)
  }

  /// A command sent while a key byte is on the wire is answered first; the key byte follows a wire time later.
  @Test func aReplyOvertakesAKeyByteOnTheWire() {
    let rig = ReplyRig()
    rig.kbc.press(.a)
    rig.scheduler.now = 40_000
    rig.writeData(0xEE)
    #expect(rig.readData() == 0xEE)
    #expect(rig.status & 0x01 == 0)
    rig.scheduler.now = 40_000 + 88_000
    rig.scheduler.runDue()
    #expect(rig.readData() == 0x1E)
  }

  /// D3 puts a byte in the buffer as if from the aux port: with command-byte bit 1 set it raises IRQ 12, not IRQ 1.
  @Test func auxBytesRaiseIRQ12() {
    let rig = ReplyRig()
    rig.command(0x60)
    rig.writeData(0x43)  // IRQ1, IRQ12, SYS, XLAT off… (aux enabled)
    rig.command(0xD3)
    rig.writeData(0x5A)
    #expect(rig.status & 0x21 == 0x21)  // OBF | AUXB
    #expect(rig.irq12Edges == 1)
    #expect(rig.irq1Edges == 0)
    #expect(rig.readData() == 0x5A)
  }
}
