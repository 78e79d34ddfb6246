import Testing

@testable import Emulator

/// Shifts, rotates, multiplies and divides, with results and defined flags from the SDM's pseudo-code.
struct ShiftMulDivTests {
  let bench = CPUTestBench()

  @Test func shlByOneSetsCarryAndOverflowFromTheBitShiftedOut() {
    // mov eax, 0x80000000; shl eax, 1
    let cpu = bench.run([0xB8, 0, 0, 0, 0x80, 0xD1, 0xE0] + hlt)
    #expect(cpu[.eax] == 0)
    #expect(cpu.eflags & (EFLAGS.cf | EFLAGS.of | EFLAGS.zf) == EFLAGS.cf | EFLAGS.of | EFLAGS.zf)
  }

  @Test func shrByOneSetsOverflowFromTheOriginalSign() {
    // mov eax, 0x80000001; shr eax, 1
    let cpu = bench.run([0xB8, 1, 0, 0, 0x80, 0xD1, 0xE8] + hlt)
    #expect(cpu[.eax] == 0x4000_0000)
    #expect(cpu.eflags & (EFLAGS.cf | EFLAGS.of) == EFLAGS.cf | EFLAGS.of)
  }

  @Test func sarReplicatesTheSignBit() {
    // mov eax, 0x80000000; sar eax, 4
    let cpu = bench.run([0xB8, 0, 0, 0, 0x80, 0xC1, 0xF8, 0x04] + hlt)
    #expect(cpu[.eax] == 0xF800_0000)
    #expect(cpu.eflags & EFLAGS.cf == 0)
  }

  @Test func shiftByZeroChangesNoFlags() {
    // xor ecx, ecx; stc; shl eax, cl  — a count of 0 must leave the CF that STC set
    let cpu = bench.run([0x31, 0xC9, 0xF9, 0xD3, 0xE0] + hlt)
    #expect(cpu.eflags & EFLAGS.cf != 0)
  }

  @Test func rolMovesTheTopBitsRoundAndCopiesBitZeroToCarry() {
    // mov eax, 0x12345678; rol eax, 4
    let cpu = bench.run([0xB8, 0x78, 0x56, 0x34, 0x12, 0xC1, 0xC0, 0x04] + hlt)
    #expect(cpu[.eax] == 0x2345_6781)
    #expect(cpu.eflags & EFLAGS.cf != 0)
  }

  @Test func rorCopiesTheNewTopBitToCarry() {
    // mov al, 0x01; ror al, 1 → 0x80, CF = 1, OF = bit7 xor bit6 = 1
    let cpu = bench.run([0xB0, 0x01, 0xD0, 0xC8] + hlt)
    #expect(cpu[.eax] & 0xFF == 0x80)
    #expect(cpu.eflags & (EFLAGS.cf | EFLAGS.of) == EFLAGS.cf | EFLAGS.of)
  }

  @Test func rclRotatesThroughCarry() {
    // clc; mov eax, 0x80000000; rcl eax, 1 → 0, CF = 1, OF = MSB(result) xor CF = 1
    let cpu = bench.run([0xF8, 0xB8, 0, 0, 0, 0x80, 0xD1, 0xD0] + hlt)
    #expect(cpu[.eax] == 0)
    #expect(cpu.eflags & (EFLAGS.cf | EFLAGS.of) == EFLAGS.cf | EFLAGS.of)
  }

  @Test func rcrOfAByteRotatesNineBits() {
    // stc; mov al, 0x02; rcr al, 2. A 9-bit rotation (CF:AL) right by one: AL = (CF << 7) | (AL >> 1) = 0x81 and
    // CF = old bit 0 = 0. Once more: AL = (0 << 7) | (0x81 >> 1) = 0x40 and CF = 1.
    let cpu = bench.run([0xF9, 0xB0, 0x02, 0xC0, 0xD8, 0x02] + hlt)
    #expect(cpu[.eax] & 0xFF == 0x40)
    #expect(cpu.eflags & EFLAGS.cf != 0)
  }

  @Test func shldFillsFromTheSourceRegister() {
    // mov eax, 0x12345678; mov edx, 0x9ABCDEF0; shld eax, edx, 8
    let cpu = bench.run([0xB8, 0x78, 0x56, 0x34, 0x12, 0xBA, 0xF0, 0xDE, 0xBC, 0x9A, 0x0F, 0xA4, 0xD0, 0x08] + hlt)
    #expect(cpu[.eax] == 0x3456_789A)
    #expect(cpu.eflags & EFLAGS.cf == 0)  // last bit out: bit 24 of 0x12345678 = 0
  }

  @Test func shrdFillsFromTheSourceRegister() {
    // mov eax, 0x12345678; mov edx, 0x9ABCDEF0; shrd eax, edx, 4
    let cpu = bench.run([0xB8, 0x78, 0x56, 0x34, 0x12, 0xBA, 0xF0, 0xDE, 0xBC, 0x9A, 0x0F, 0xAC, 0xD0, 0x04] + hlt)
    #expect(cpu[.eax] == 0x0123_4567)
    #expect(cpu.eflags & EFLAGS.cf != 0)  // last bit out: bit 3 of 0x78 = 1
  }

  @Test func mulOfThirtyTwoBitsFillsEDXAndSetsCarryWhenTheHighHalfIsUsed() {
    // mov eax, 0x80000000; mov ecx, 4; mul ecx
    let cpu = bench.run([0xB8, 0, 0, 0, 0x80, 0xB9, 4, 0, 0, 0, 0xF7, 0xE1] + hlt)
    #expect(cpu[.edx] == 2)
    #expect(cpu[.eax] == 0)
    #expect(cpu.eflags & (EFLAGS.cf | EFLAGS.of) == EFLAGS.cf | EFLAGS.of)
  }

  @Test func oneOperandImulSignExtendsIntoEDX() {
    // mov eax, -2; mov ecx, 3; imul ecx
    let cpu = bench.run([0xB8, 0xFE, 0xFF, 0xFF, 0xFF, 0xB9, 3, 0, 0, 0, 0xF7, 0xE9] + hlt)
    #expect(cpu[.edx] == 0xFFFF_FFFF)
    #expect(cpu[.eax] == 0xFFFF_FFFA)
    #expect(cpu.eflags & (EFLAGS.cf | EFLAGS.of) == 0)
  }

  @Test func threeOperandImulReportsTruncation() {
    // mov ecx, 4; imul eax, ecx, 0x40000000
    let cpu = bench.run([0xB9, 4, 0, 0, 0, 0x69, 0xC1, 0, 0, 0, 0x40] + hlt)
    #expect(cpu[.eax] == 0)
    #expect(cpu.eflags & (EFLAGS.cf | EFLAGS.of) == EFLAGS.cf | EFLAGS.of)
  }

  @Test func divGivesQuotientAndRemainder() {
    // xor edx, edx; mov eax, 100; mov ecx, 7; div ecx
    let cpu = bench.run([0x31, 0xD2, 0xB8, 100, 0, 0, 0, 0xB9, 7, 0, 0, 0, 0xF7, 0xF1] + hlt)
    #expect(cpu[.eax] == 14)
    #expect(cpu[.edx] == 2)
  }

  @Test func idivRoundsTowardZero() {
    // mov eax, -7; cdq; mov ecx, 2; idiv ecx → quotient -3, remainder -1
    let cpu = bench.run([0xB8, 0xF9, 0xFF, 0xFF, 0xFF, 0x99, 0xB9, 2, 0, 0, 0, 0xF7, 0xF9] + hlt)
    #expect(cpu[.eax] == 0xFFFF_FFFD)
    #expect(cpu[.edx] == 0xFFFF_FFFF)
  }

  @Test func divideByZeroRaisesDivideErrorAtTheDivInstruction() {
    bench.installRecordingIDT()
    // xor ecx, ecx; div ecx
    let cpu = bench.run([0x31, 0xC9, 0xF7, 0xF1] + hlt)
    #expect(bench.lastVector == 0)
    #expect(bench.stack(1)[0] == CPUTestBench.codeBase + 2)  // a fault: the saved EIP is the DIV itself
    #expect(cpu[.ecx] == 0)
  }

  @Test func idivQuotientOverflowRaisesDivideError() {
    bench.installRecordingIDT()
    // mov eax, 0x80000000; cdq; mov ecx, -1; idiv ecx  (−2^31 / −1 does not fit)
    _ = bench.run([0xB8, 0, 0, 0, 0x80, 0x99, 0xB9, 0xFF, 0xFF, 0xFF, 0xFF, 0xF7, 0xF9] + hlt)
    #expect(bench.lastVector == 0)
  }

  @Test func eightBitDivOverflowRaisesDivideError() {
    bench.installRecordingIDT()
    // mov ax, 0x1000; mov cl, 2; div cl → quotient 0x800 does not fit in AL
    _ = bench.run([0x66, 0xB8, 0x00, 0x10, 0xB1, 0x02, 0xF6, 0xF1] + hlt)
    #expect(bench.lastVector == 0)
  }

  @Test func daaAdjustsAPackedBCDSum() {
    // SDM example: AL = 0x79 + 0x35 = 0xAE; DAA → 0x14 with CF set (79 + 35 = 114)
    let cpu = bench.run([0xB0, 0x79, 0x04, 0x35, 0x27] + hlt)
    #expect(cpu[.eax] & 0xFF == 0x14)
    #expect(cpu.eflags & EFLAGS.cf != 0)
  }

  @Test func dasAdjustsAPackedBCDDifference() {
    // SDM example: AL = 0x35 − 0x47 = 0xEE; DAS → 0x88 with CF set (35 − 47 = −12 → 88 borrow 1)
    let cpu = bench.run([0xB0, 0x35, 0x2C, 0x47, 0x2F] + hlt)
    #expect(cpu[.eax] & 0xFF == 0x88)
    #expect(cpu.eflags & EFLAGS.cf != 0)
  }

  @Test func aamSplitsALIntoDecimalDigits() {
    // mov al, 63; aam → AH 6, AL 3
    let cpu = bench.run([0xB0, 63, 0xD4, 0x0A] + hlt)
    #expect(cpu[.eax] & 0xFFFF == 0x0603)
  }

  @Test func aamByZeroRaisesDivideError() {
    bench.installRecordingIDT()
    _ = bench.run([0xB0, 63, 0xD4, 0x00] + hlt)
    #expect(bench.lastVector == 0)
  }

  @Test func aadJoinsDecimalDigits() {
    // mov ax, 0x0607; aad → AL 67 (0x43), AH 0
    let cpu = bench.run([0x66, 0xB8, 0x07, 0x06, 0xD5, 0x0A] + hlt)
    #expect(cpu[.eax] & 0xFFFF == 0x0043)
  }

  @Test func aaaAdjustsAnUnpackedSum() {
    // mov ax, 0x0009; add al, 8 → 0x11 with AF; AAA → AX = 0x0107, CF = AF = 1
    let cpu = bench.run([0x66, 0xB8, 0x09, 0x00, 0x04, 0x08, 0x37] + hlt)
    #expect(cpu[.eax] & 0xFFFF == 0x0107)
    #expect(cpu.eflags & (EFLAGS.cf | EFLAGS.af) == EFLAGS.cf | EFLAGS.af)
  }
}
