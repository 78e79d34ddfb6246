import Testing

@testable import Emulator

/// The PC board's wiring of the clock and the 8042's aux output (IBM PC/AT: RTC on IRQ 8, the slave's IR0; the
/// PS/2 aux port on IRQ 12, the slave's IR4; port 0x70 bit 7 gates NMI).
struct BoardWiringTests {
  @Test func auxOutputOf8042RaisesIRQ12OnTheSlavesIR4() {
    let machine = Machine()
    machine.io.write(0x64, size: 1, value: 0x60)
    machine.io.write(0x60, size: 1, value: 0x43)  // command byte: IRQ1, IRQ12, SYS, aux enabled
    machine.io.write(0x64, size: 1, value: 0xD3)
    machine.io.write(0x60, size: 1, value: 0x5A)
    #expect(machine.pics.state.slave.irr & 0x10 != 0)
    #expect(machine.pics.state.master.irr & 0x02 == 0)  // not IRQ 1
    #expect(machine.io.read(0x60, size: 1) == 0x5A)
  }

  @Test func rtcAnswersAtPorts70And71AndRaisesIRQ8OnTheSlavesIR0() {
    let machine = Machine()
    machine.io.write(0x70, size: 1, value: 0x0A)
    #expect(machine.io.read(0x71, size: 1) == 0x26)
    machine.io.write(0x70, size: 1, value: 0x0B)
    machine.io.write(0x71, size: 1, value: 0x12)  // UIE
    machine.cpu.cycles = Scheduler.nominalHz  // one second: the first update ends
    machine.scheduler.now = machine.cpu.cycles
    machine.scheduler.runDue()
    #expect(machine.pics.state.slave.irr & 0x01 != 0)
    machine.io.write(0x70, size: 1, value: 0x0C)
    // IRQF | PF | UF: PF too, since the 1024 Hz rate the BIOS left runs (datasheet; QEMU would show 0x90).
    #expect(machine.io.read(0x71, size: 1) == 0xD0)
  }

  @Test func port70Bit7GatesNMIUntilClearedOrReset() {
    let machine = Machine()
    machine.io.write(0x70, size: 1, value: 0x8F)
    #expect(machine.cpu.nmiMasked)
    machine.io.write(0x70, size: 1, value: 0x0F)
    #expect(!machine.cpu.nmiMasked)
    machine.io.write(0x70, size: 1, value: 0x80)
    machine.reset(reason: "test")
    #expect(!machine.cpu.nmiMasked)
  }

  /// The clock is battery-backed: a machine reset keeps its time and CMOS RAM.
  @Test func resetKeepsTheClockAndCMOSRAM() {
    let machine = Machine()
    machine.rtc.setTime(RTC146818.parseTime("2030-06-15T12:00:00")!)
    machine.io.write(0x70, size: 1, value: 0x40)
    machine.io.write(0x71, size: 1, value: 0xA5)
    machine.reset(reason: "test")
    #expect(machine.rtc.state.time == "2030-06-15T12:00:00")
    machine.io.write(0x70, size: 1, value: 0x40)
    #expect(machine.io.read(0x71, size: 1) == 0xA5)
  }
}
