import Testing

@testable import Emulator

/// PCI configuration mechanism #1 on the board: CONFIG_ADDRESS at 0xCF8 selects bus/device/function/register,
/// CONFIG_DATA at 0xCFC–0xCFF carries the data (PCI Local Bus Specification 3.0 §3.2.2.3.2).
@Suite struct PCIBusTests {
  static func address(device: UInt32, register: UInt32, function: UInt32 = 0) -> UInt32 {
    0x8000_0000 | device << 11 | function << 8 | register
  }

  func configRead(_ machine: Machine, device: UInt32, register: UInt32, size: Int = 4, lane: UInt16 = 0) -> UInt32 {
    machine.io.write(0xCF8, size: 4, value: Self.address(device: device, register: register))
    return machine.io.read(0xCFC + lane, size: size)
  }

  func configWrite(_ machine: Machine, device: UInt32, register: UInt32, value: UInt32) {
    machine.io.write(0xCF8, size: 4, value: Self.address(device: device, register: register))
    machine.io.write(0xCFC, size: 4, value: value)
  }

  @Test func theCardAnswersAt0003WithIntelsIDsClassAndInterruptLine11() {
    let machine = Machine()
    #expect(configRead(machine, device: 3, register: 0x00) == 0x100E_8086)
    #expect(configRead(machine, device: 3, register: 0x08) >> 8 == 0x02_0000)  // network, Ethernet
    #expect(configRead(machine, device: 3, register: 0x10) == 0xFEBC_0000)
    #expect(configRead(machine, device: 3, register: 0x3C) & 0xFFFF == 0x010B)  // pin INTA#, line 11
    #expect(configRead(machine, device: 3, register: 0x02, size: 2, lane: 2) == 0x100E)  // a word on lanes 2–3
    #expect(configRead(machine, device: 0, register: 0x00) == 0x1237_8086)  // the i440FX host bridge
  }

  @Test func emptySlotsOtherBusesAndDisabledAccessesReadAllOnes() {
    let machine = Machine()
    #expect(configRead(machine, device: 5, register: 0) == 0xFFFF_FFFF)
    machine.io.write(0xCF8, size: 4, value: 0x0000_1800)  // device 3 but the enable bit clear
    #expect(machine.io.read(0xCFC, size: 4) == 0xFFFF_FFFF)
    machine.io.write(0xCF8, size: 4, value: 0x8001_1800)  // bus 1
    #expect(machine.io.read(0xCFC, size: 4) == 0xFFFF_FFFF)
    #expect(machine.io.read(0xCF8, size: 4) == 0x8001_1800)  // CONFIG_ADDRESS reads back
  }

  @Test func bar0AnswersTheSizingProtocolWith128KiB() {
    let machine = Machine()
    configWrite(machine, device: 3, register: 0x10, value: 0xFFFF_FFFF)
    #expect(configRead(machine, device: 3, register: 0x10) == 0xFFFE_0000)  // ~(128 KiB − 1), memory, 32-bit
    configWrite(machine, device: 3, register: 0x10, value: 0xFEBC_0000)
    #expect(configRead(machine, device: 3, register: 0x10) == 0xFEBC_0000)
    #expect(configRead(machine, device: 3, register: 0x00) == 0x100E_8086)  // IDs are read-only
    configWrite(machine, device: 3, register: 0x00, value: 0)
    #expect(configRead(machine, device: 3, register: 0x00) == 0x100E_8086)
  }

  @Test func rewritingBAR0MovesTheCardsRegisters() {
    let machine = Machine()
    #expect(machine.mmio.read(0xFEBC_0008, size: 4) & 0x3 == 0x3)  // STATUS: link up, full duplex
    configWrite(machine, device: 3, register: 0x10, value: 0x4000_0000)  // where the xv6 lab puts it
    #expect(machine.mmio.read(0x4000_0008, size: 4) & 0x3 == 0x3)
    #expect(machine.mmio.read(0xFEBC_0008, size: 4) == 0xFFFF_FFFF)
  }

  @Test func commandRegisterGatesMemoryDecodingAndBusMastering() {
    let machine = Machine()
    #expect(configRead(machine, device: 3, register: 0x04) & 0x7 == 0x7)  // as the BIOS leaves it
    configWrite(machine, device: 3, register: 0x04, value: 0x0004)  // memory space off
    #expect(machine.mmio.read(0xFEBC_0008, size: 4) == 0xFFFF_FFFF)
    configWrite(machine, device: 3, register: 0x04, value: 0x0002)  // memory on, bus master off
    #expect(machine.mmio.read(0xFEBC_0008, size: 4) & 0x3 == 0x3)
    #expect(!machine.nic.busMasterEnabled)
  }

  @Test func interruptLineIsWritableAndThePinIsNot() {
    let machine = Machine()
    configWrite(machine, device: 3, register: 0x3C, value: 0x0000_FF05)
    #expect(configRead(machine, device: 3, register: 0x3C) & 0xFFFF == 0x0105)
  }
}
