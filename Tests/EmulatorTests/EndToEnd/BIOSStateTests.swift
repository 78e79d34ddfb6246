import Testing

@testable import Emulator

/// What the board looks like when a kernel starts, beyond the CPU: the settings SeaBIOS leaves under QEMU.
struct BIOSStateTests {
  @Test func elcrMakesThePCIInterruptLines10And11LevelTriggered() {
    let machine = Machine()
    #expect(machine.io.read(0x4D0, size: 1) == 0x00)
    #expect(machine.io.read(0x4D1, size: 1) == 0x0C)  // bits 2 and 3 of the slave: IRQ 10 and 11
  }

  @Test func com1SendsEightDataBitsWithoutBeingProgrammed() {
    let machine = Machine()
    #expect(machine.io.read(0x3FB, size: 1) == 0x03)  // LCR: 8 data bits, no parity, 1 stop bit
    var sent: [UInt8] = []
    machine.uart.onTransmit = { sent.append($0) }
    machine.io.write(0x3F8, size: 1, value: UInt32(UInt8(ascii: "z")))
    machine.run(cycles: Scheduler.cycles(nanoseconds: 1_000_000))
    #expect(sent == [UInt8(ascii: "z")])  // 0x7A whole, not cut to 5 bits
  }

  @Test func aResetPutsTheCardBackAtItsBIOSAddress() {
    let machine = Machine()
    machine.io.write(0xCF8, size: 4, value: 0x8000_1810)  // 00:03.0 BAR0
    machine.io.write(0xCFC, size: 4, value: 0x4000_0000)
    #expect(machine.mmio.base(of: machine.nic) == 0x4000_0000)
    machine.reset(reason: "test")
    #expect(machine.mmio.base(of: machine.nic) == Machine.nicMMIOBase)
    machine.io.write(0xCF8, size: 4, value: 0x8000_1810)
    #expect(machine.io.read(0xCFC, size: 4) == 0xFEBC_0000)
  }
}
