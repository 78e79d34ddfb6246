import Testing

@testable import Emulator

@Suite struct DebugPortsTests {
  // MARK: isa-debug-exit

  @Test func debugExitRequestsStatusTwiceValuePlusOne() {
    let device = DebugExit()
    var reported: [Int32] = []
    device.onExit = { reported.append($0) }
    #expect(device.exitStatus == nil)
    device.portWrite(0xF4, size: 1, value: 0x10)
    #expect(device.exitStatus == 0x21)  // (0x10 << 1) | 1 = 33
    device.portWrite(0xF4, size: 1, value: 0)
    #expect(device.exitStatus == 1)  // a guest can never ask for status 0
    device.portWrite(0xF4, size: 1, value: 0x1FF)  // an 8-bit write carries only the low byte
    #expect(device.exitStatus == 0x1FF)  // (0xFF << 1) | 1
    #expect(reported == [33, 1, 511])
    device.portWrite(0xF4, size: 4, value: 0xFFFF_FFFF)  // wraps instead of trapping
    #expect(device.exitStatus == -1)
  }

  // MARK: POST port

  @Test func postPortLatchesTheLastCodeAndCountsWrites() {
    let port = POSTPort()
    #expect(port.portRead(0x80, size: 1) == 0xFF)
    for code: UInt8 in [0x01, 0x55, 0xAA] { port.portWrite(0x80, size: 1, value: UInt32(code)) }
    #expect(port.lastCode == 0xAA && port.count == 3)
    #expect(port.portRead(0x80, size: 1) == 0xAA)
    #expect(port.state == POSTPortState(lastCode: 0xAA, count: 3))
  }

  // MARK: Debug console

  @Test func debugConsoleStreamsBytesAndReadsBack0xE9() {
    let console = DebugConsole()
    var seen: [UInt8] = []
    console.onOutput = { seen.append($0) }
    for byte in "ok\n".utf8 { console.portWrite(0xE9, size: 1, value: UInt32(byte)) }
    #expect(console.text == "ok\n")
    #expect(seen == Array("ok\n".utf8))
    #expect(console.portRead(0xE9, size: 1) == 0xE9)
    console.portWrite(0xE9, size: 2, value: 0x4241)  // a 16-bit write: only the low byte is ours
    #expect(console.output.last == 0x41)
    #expect(console.portRead(0xE9, size: 2) == 0xFFE9)  // the high byte is another port's: open bus
  }

  @Test func boundedStreamKeepsTheNewestBytes() {
    var stream = BoundedByteStream(limit: 8)
    for byte in UInt8(0)..<20 { stream.append(byte) }
    #expect(stream.bytes.count <= 8 && stream.bytes.count >= 6)
    #expect(stream.bytes.last == 19)
    #expect(stream.discarded + stream.bytes.count == 20)
    #expect(stream.bytes == Array(UInt8(20 - stream.bytes.count)..<20))
  }

  // MARK: System control port A

  @Test func port92StoresFastA20AndResetsOnBit0RisingEdge() {
    let port = SystemControlPortA()
    var resets = 0
    var a20Changes: [Bool] = []
    port.onReset = { resets += 1 }
    port.onA20Change = { a20Changes.append($0) }
    #expect(port.a20Enabled)  // the BIOS left A20 on
    port.portWrite(0x92, size: 1, value: 0x00)
    #expect(!port.a20Enabled && port.portRead(0x92, size: 1) == 0x00)
    port.portWrite(0x92, size: 1, value: 0x03)
    #expect(resets == 1 && port.a20Enabled)
    port.portWrite(0x92, size: 1, value: 0x03)  // bit 0 already set: no new pulse
    #expect(resets == 1)
    port.portWrite(0x92, size: 1, value: 0x02)
    port.portWrite(0x92, size: 1, value: 0x03)
    #expect(resets == 2)
    #expect(a20Changes == [false, true])
  }

  // MARK: Port B

  @Test func portBDrivesChannel2GateAndShowsItsOutput() {
    let scheduler = Scheduler()
    let pit = PIT8254(scheduler: scheduler, irq0: .unconnected(0))
    let portB = SystemControlPortB(pit: pit)
    pit.portWrite(0x43, size: 1, value: 0xB6)  // channel 2, LSB/MSB, mode 3
    pit.portWrite(0x42, size: 1, value: 100)
    pit.portWrite(0x42, size: 1, value: 0)
    portB.portWrite(0x61, size: 1, value: 0x03)  // gate and speaker data: beeping
    #expect(pit.gate(channel: 2) && portB.speakerEnabled)
    #expect(portB.portRead(0x61, size: 1) & 0x0F == 0x03)
    scheduler.now = DeviceTestClock.cycle(ofPITTick: 40)  // high for 50 clocks from clock 1
    #expect(portB.portRead(0x61, size: 1) & 0x20 == 0x20)
    scheduler.now = DeviceTestClock.cycle(ofPITTick: 60)  // low for the next 50
    #expect(portB.portRead(0x61, size: 1) & 0x20 == 0)
    portB.portWrite(0x61, size: 1, value: 0x00)
    #expect(!pit.gate(channel: 2))
    #expect(portB.portRead(0x61, size: 1) & 0x20 == 0x20)  // mode 3 with the gate low: OUT forced high
  }

  @Test func portBRefreshBitTogglesEvery15Microseconds() {
    let scheduler = Scheduler()
    let portB = SystemControlPortB(pit: PIT8254(scheduler: scheduler, irq0: .unconnected(0)))
    var toggles = 0
    var last = portB.portRead(0x61, size: 1) & 0x10
    // One virtual millisecond, polled every 100 cycles (1 µs): 1000 µs / 15.085 µs = 66 toggles.
    while scheduler.now < 100_000 {
      scheduler.now += 100
      let bit = portB.portRead(0x61, size: 1) & 0x10
      if bit != last { toggles += 1 }
      last = bit
    }
    #expect(toggles == 66)
  }
}
