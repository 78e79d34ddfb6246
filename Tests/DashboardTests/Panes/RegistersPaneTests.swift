import Testing

@testable import Dashboard
@testable import Emulator

struct RegistersPaneTests {
  /// EAX…EDI in encoding order (EAX, ECX, EDX, EBX, ESP, EBP, ESI, EDI) with recognisable values.
  static let registers: [UInt32] = [
    0xAAAA_0001, 0xCCCC_0002, 0xDDDD_0003, 0xBBBB_0004, 0x0009_FFF0, 0x0009_FFF8,
    0x5151_0007, 0xD1D1_0008,
  ]

  static func snapshot(eflags: UInt32) -> MachineSnapshot {
    SnapshotFixture.make(cycles: 1_000_000) {
      $0.processor.registers = registers
      $0.processor.eip = 0x0010_0010
      $0.processor.eflags = eflags
      $0.processor.cr0 = 0x11
      $0.processor.instructions = 600_000
      $0.processor.haltedCycles = 400_000
      $0.processor.halted = true
      $0.processor.intr = false
      $0.symbols = SymbolTable([.init(name: "kmain", address: 0x0010_0000, size: 0x40, kind: .function)])
    }
  }

  @Test func generalRegistersEIPWithItsSymbolAndDecodedFlags() {
    // 0x246: IF (bit 9), ZF (6), PF (2), and the always-one bit 1.
    let (canvas, _) = SnapshotFixture.render(.registers, Self.snapshot(eflags: 0x246), width: 38, height: 14)
    let lines = SnapshotFixture.trimmed(canvas)
    #expect(
      Array(lines[0..<6]) == [
        "EAX aaaa0001  EBX bbbb0004",
        "ECX cccc0002  EDX dddd0003",
        "ESI 51510007  EDI d1d10008",
        "EBP 0009fff8  ESP 0009fff0",
        "EIP 00100010 kmain+0x10",
        "EFL 00000246 IF=1 ZF PF IOPL0",
      ])
    #expect(canvas.style(of: "IF=1", row: 5) == .role(.active))
    #expect(canvas.style(of: "kmain+0x10", row: 4) == .role(.symbol))
    #expect(lines[8] == "CR0 00000011  CR2 00000000")
  }

  @Test func clearedIFIsAWarning() {
    let (canvas, _) = SnapshotFixture.render(.registers, Self.snapshot(eflags: 0x002), width: 38, height: 14)
    #expect(SnapshotFixture.trimmed(canvas)[5] == "EFL 00000002 IF=0 IOPL0")
    #expect(canvas.style(of: "IF=0", row: 5) == .role(.warning))
  }

  @Test func mipsAndBusyShareComeFromThePreviousSnapshotAndTheWallTime() {
    // 600,000 instructions in 0.01 wall seconds = 60.0 MIPS; of 1,000,000 cycles 400,000 halted: busy 60 %.
    let before = SnapshotFixture.make(cycles: 0)
    let (canvas, _) = SnapshotFixture.render(
      .registers, Self.snapshot(eflags: 0x202), previous: before, width: 38, height: 14, wallSeconds: 0.01)
    let lines = SnapshotFixture.trimmed(canvas)
    #expect(lines[11] == "cycles 1000000 HLT")
    #expect(lines[12] == "60.0 MIPS  busy 60%  halted 40%")
  }

  @Test func aChangedRegisterIsHighlighted() {
    let before = Self.snapshot(eflags: 0x202)
    var after = before
    after.processor.cycles += 10
    after.processor.registers[0] = 0x1234_5678  // EAX
    var state = DashboardState()
    state.observe(before, previous: nil)
    state.observe(after, previous: before)
    let (canvas, _) = SnapshotFixture.render(.registers, after, previous: before, state: state, width: 38, height: 14)
    #expect(canvas.style(of: "12345678", row: 0) == .role(.changed))
    #expect(canvas.style(of: "bbbb0004", row: 0) == .role(.value))
  }
}
