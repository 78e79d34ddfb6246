import Testing

@testable import Emulator

/// Behaviours the differential conformance run found the core getting wrong, each pinned here with the SDM's words
/// and values worked out by hand.
struct ConformanceFixTests {
  let bench = CPUTestBench()

  /// SDM vol. 2, LOCK: "The LOCK prefix can be prepended only to the following instructions and only to those forms
  /// of the instructions where the destination operand is a memory operand … If the LOCK prefix is used with one of
  /// these instructions and the source operand is a memory operand, an undefined opcode exception (#UD) may be
  /// generated. An undefined opcode exception will also be generated if the LOCK prefix is used with any instruction
  /// not in the above list."
  @Test func lockOnARegisterDestinationOrAnUnlockableInstructionRaisesUD() {
    for code: [UInt8] in [
      [0xF0, 0x01, 0xC3],  // lock add ebx, eax
      [0xF0, 0x89, 0x05, 0x00, 0x50, 0, 0],  // lock mov [0x5000], eax
      [0xF0, 0x39, 0x05, 0x00, 0x50, 0, 0],  // lock cmp [0x5000], eax
      [0xF0, 0x03, 0x05, 0x00, 0x50, 0, 0],  // lock add eax, [0x5000]: the destination is a register
      [0xF0, 0x0F, 0xA3, 0x05, 0x00, 0x50, 0, 0],  // lock bt [0x5000], eax
    ] {
      let bench = CPUTestBench()
      bench.installRecordingIDT()
      bench.run(code + hlt)
      #expect(bench.lastVector == 6, "\(code)")
    }
  }

  @Test func lockOnAMemoryDestinationExecutes() {
    bench.installRecordingIDT()
    bench.memory.write32(0x5000, 40)
    // mov eax, 2; lock add [0x5000], eax; lock inc dword [0x5000]; lock xadd [0x5000], eax
    bench.run(
      [0xB8, 2, 0, 0, 0, 0xF0, 0x01, 0x05, 0x00, 0x50, 0, 0, 0xF0, 0xFF, 0x05, 0x00, 0x50, 0, 0]
        + [0xF0, 0x0F, 0xC1, 0x05, 0x00, 0x50, 0, 0] + hlt)
    #expect(bench.lastVector == 0xFFFF_FFFF)
    #expect(bench.memory.read32(0x5000) == 45)  // 40 + 2 + 1, then + 2
    #expect(bench.cpu[.eax] == 43)
  }

  /// SDM vol. 2, §2.3.11: "The maximum length of an Intel 64 and IA-32 instruction remains 15 bytes" — a longer one
  /// raises #GP(0), whether the excess is prefixes or operands: 11 DS prefixes + mov [disp32], eax (6 bytes) is 17.
  @Test func anInstructionLongerThanFifteenBytesRaisesGP() {
    bench.installRecordingIDT()
    let store: [UInt8] = [0x89, 0x05, 0x00, 0x50, 0, 0]
    bench.run([UInt8](repeating: 0x3E, count: 11) + store + hlt)
    #expect(bench.lastVector == 13)
    #expect(bench.memory.read32(0x5000) == 0)
    let fifteen = CPUTestBench()
    fifteen.installRecordingIDT()
    fifteen.cpu[.eax] = 7
    fifteen.run([UInt8](repeating: 0x3E, count: 9) + store + hlt)
    #expect(fifteen.lastVector == 0xFFFF_FFFF)
    #expect(fifteen.memory.read32(0x5000) == 7)
  }

  /// SDM vol. 2, POP: "If the ESP register is used as a base register for addressing a destination operand in
  /// memory, the POP instruction computes the effective address of the operand after it increments the ESP register."
  @Test func popToAnESPBasedOperandAddsTheIncrementFirst() {
    bench.cpu[.esp] = 0x8000
    bench.memory.write32(0x8000, 0x1234_5678)
    // pop dword [esp + 8]: ESP becomes 0x8004, the value lands at 0x800C.
    let cpu = bench.run([0x8F, 0x44, 0x24, 0x08] + hlt)
    #expect(cpu[.esp] == 0x8004)
    #expect(bench.memory.read32(0x800C) == 0x1234_5678)
    #expect(bench.memory.read32(0x8008) == 0)
  }

  /// SDM vol. 2, PUSH: with a segment register and a 32-bit operand size, "either a zero-extended value is pushed on
  /// the stack or the segment selector is written on the stack using a 16-bit move. For the last case, all recent
  /// Core and Atom processors perform a 16-bit move, leaving the upper portion of the stack location unmodified."
  /// The recent-Intel model does the 16-bit move.
  @Test func pushOfASegmentRegisterWritesSixteenBitsIntoAFourByteSlotOnRecentIntel() {
    bench.cpu.model = .recentIntel
    bench.cpu[.esp] = 0x8000
    bench.memory.write32(0x7FFC, 0xAAAA_AAAA)
    bench.memory.write32(0x7FF8, 0xBBBB_BBBB)
    // push ds (0x10); push fs (0x10)
    let cpu = bench.run([0x1E, 0x0F, 0xA0] + hlt)
    #expect(cpu[.esp] == 0x7FF8)
    #expect(bench.memory.read32(0x7FFC) == 0xAAAA_0010)
    #expect(bench.memory.read32(0x7FF8) == 0xBBBB_0010)
  }

  /// The same pushes with the default model (QEMU's TCG and AMD processors): the slot holds the selector
  /// zero-extended, the other of the SDM's two choices.
  @Test func pushOfASegmentRegisterZeroExtendsIntoAFourByteSlotByDefault() {
    #expect(bench.cpu.model.pushSegmentWrites == .zeroExtended32)
    bench.cpu[.esp] = 0x8000
    bench.memory.write32(0x7FFC, 0xAAAA_AAAA)
    bench.memory.write32(0x7FF8, 0xBBBB_BBBB)
    // push ds (0x10); push fs (0x10); a 16-bit push (66 push es, 0x10) moves ESP by 2 and writes 2 bytes either way
    let cpu = bench.run([0x1E, 0x0F, 0xA0, 0x66, 0x06] + hlt)
    #expect(cpu[.esp] == 0x7FF6)
    #expect(bench.memory.read32(0x7FFC) == 0x0000_0010)
    #expect(bench.memory.read32(0x7FF8) == 0x0000_0010)
    #expect(bench.memory.read16(0x7FF6) == 0x0010)
  }

  /// SDM vol. 2, XADD: "TEMP ← SRC + DEST; SRC ← DEST; DEST ← TEMP". With one register as both operands the
  /// destination is written last: xadd ebx, ebx doubles EBX.
  @Test func xaddWithOneRegisterForBothOperandsLeavesTheSum() {
    bench.cpu[.ebx] = 0x2000_0003
    bench.cpu[.ecx] = 5
    // xadd ebx, ebx; xadd cl, cl
    let cpu = bench.run([0x0F, 0xC1, 0xDB, 0x0F, 0xC0, 0xC9] + hlt)
    #expect(cpu[.ebx] == 0x4000_0006)
    #expect(cpu[.ecx] == 10)
  }
}
