import Testing

@testable import Emulator

/// ALU results and flags, worked out by hand from the SDM's definitions of each instruction.
struct ALUTests {
  let bench = CPUTestBench()

  func flags(_ mask: UInt32 = EFLAGS.arithmetic) -> UInt32 { bench.cpu.eflags & mask }

  @Test func addSetsOverflowSignAuxAndParityAtTheSignBoundary() {
    // mov eax, 0x7FFFFFFF; add eax, 1
    let cpu = bench.run([0xB8, 0xFF, 0xFF, 0xFF, 0x7F, 0x83, 0xC0, 0x01] + hlt)
    #expect(cpu[.eax] == 0x8000_0000)
    // OF: two positives gave a negative. SF: bit 31. AF: carry out of bit 3. PF: low byte 0x00 has even parity.
    #expect(flags() == EFLAGS.of | EFLAGS.sf | EFLAGS.af | EFLAGS.pf)
  }

  @Test func subtractingOneFromZeroBorrows() {
    // xor eax, eax; sub eax, 1
    let cpu = bench.run([0x31, 0xC0, 0x83, 0xE8, 0x01] + hlt)
    #expect(cpu[.eax] == 0xFFFF_FFFF)
    #expect(flags() == EFLAGS.cf | EFLAGS.sf | EFLAGS.af | EFLAGS.pf)
  }

  @Test func adcAddsTheCarryIn() {
    // stc; mov eax, 0xFFFFFFFF; adc eax, 0
    let cpu = bench.run([0xF9, 0xB8, 0xFF, 0xFF, 0xFF, 0xFF, 0x83, 0xD0, 0x00] + hlt)
    #expect(cpu[.eax] == 0)
    #expect(flags(EFLAGS.cf | EFLAGS.zf | EFLAGS.of) == EFLAGS.cf | EFLAGS.zf)
  }

  @Test func sbbSubtractsTheBorrowIn() {
    // stc; mov eax, 5; sbb eax, 5
    let cpu = bench.run([0xF9, 0xB8, 0x05, 0, 0, 0, 0x83, 0xD8, 0x05] + hlt)
    #expect(cpu[.eax] == 0xFFFF_FFFF)
    #expect(flags(EFLAGS.cf | EFLAGS.zf | EFLAGS.sf) == EFLAGS.cf | EFLAGS.sf)
  }

  @Test func incKeepsCarryAndWrapsToZero() {
    // stc; mov eax, 0xFFFFFFFF; inc eax
    let cpu = bench.run([0xF9, 0xB8, 0xFF, 0xFF, 0xFF, 0xFF, 0x40] + hlt)
    #expect(cpu[.eax] == 0)
    #expect(flags(EFLAGS.cf | EFLAGS.zf | EFLAGS.of) == EFLAGS.cf | EFLAGS.zf)
  }

  @Test func decOfMostNegativeOverflows() {
    // mov ecx, 0x80000000; dec ecx
    let cpu = bench.run([0xB9, 0, 0, 0, 0x80, 0x49] + hlt)
    #expect(cpu[.ecx] == 0x7FFF_FFFF)
    #expect(flags(EFLAGS.of | EFLAGS.sf) == EFLAGS.of)
  }

  @Test func negSetsCarryUnlessZero() {
    // mov eax, 5; neg eax — then, on a fresh CPU, xor ebx, ebx; neg ebx: NEG of zero clears CF
    let cpu = bench.run([0xB8, 5, 0, 0, 0, 0xF7, 0xD8] + hlt)
    #expect(cpu[.eax] == 0xFFFF_FFFB)
    #expect(flags(EFLAGS.cf) == EFLAGS.cf)
    let zero = CPUTestBench().run([0x31, 0xDB, 0xF7, 0xDB] + hlt)
    #expect(zero.eflags & EFLAGS.cf == 0)
    #expect(zero.eflags & EFLAGS.zf != 0)
  }

  @Test func logicalOperationsClearCarryAndOverflow() {
    // stc; xor eax, eax
    _ = bench.run([0xF9, 0x31, 0xC0] + hlt)
    #expect(flags(EFLAGS.cf | EFLAGS.of | EFLAGS.zf | EFLAGS.pf) == EFLAGS.zf | EFLAGS.pf)
  }

  @Test func eightBitAddLeavesTheRestOfTheRegister() {
    // mov eax, 0x12345600 | 0x7F; add al, 1
    let cpu = bench.run([0xB8, 0x7F, 0x56, 0x34, 0x12, 0x04, 0x01] + hlt)
    #expect(cpu[.eax] == 0x1234_5680)
    #expect(flags(EFLAGS.of | EFLAGS.sf | EFLAGS.cf) == EFLAGS.of | EFLAGS.sf)
  }

  @Test func highByteRegistersAddressBitsEightToFifteen() {
    // mov eax, 0x11223344; mov ah, 0xAB; mov bl, ah
    let cpu = bench.run([0xB8, 0x44, 0x33, 0x22, 0x11, 0xB4, 0xAB, 0x88, 0xE3] + hlt)
    #expect(cpu[.eax] == 0x1122_AB44)
    #expect(cpu[.ebx] & 0xFF == 0xAB)
  }

  @Test func sixteenBitAddWithOperandSizePrefixKeepsTheUpperHalf() {
    // mov eax, 0xABCD0000 | 0xFFFF; add ax, 1
    let cpu = bench.run([0xB8, 0xFF, 0xFF, 0xCD, 0xAB, 0x66, 0x83, 0xC0, 0x01] + hlt)
    #expect(cpu[.eax] == 0xABCD_0000)
    #expect(flags(EFLAGS.cf | EFLAGS.zf) == EFLAGS.cf | EFLAGS.zf)
  }

  @Test func cmpWithMemoryLeavesMemoryAndSetsFlags() {
    // mov dword [0x5000], 7; cmp dword [0x5000], 9  → 7 - 9 borrows
    let cpu = bench.run(
      [0xC7, 0x05, 0x00, 0x50, 0, 0, 7, 0, 0, 0, 0x83, 0x3D, 0x00, 0x50, 0, 0, 9] + hlt)
    #expect(bench.memory.read32(0x5000) == 7)
    #expect(cpu.eflags & EFLAGS.cf != 0)
    #expect(cpu.eflags & EFLAGS.zf == 0)
  }

  @Test func readModifyWriteAddUpdatesMemory() {
    // mov dword [0x5000], 0x10; mov eax, 0x22; add [0x5000], eax
    _ = bench.run(
      [0xC7, 0x05, 0x00, 0x50, 0, 0, 0x10, 0, 0, 0, 0xB8, 0x22, 0, 0, 0, 0x01, 0x05, 0x00, 0x50, 0, 0] + hlt)
    #expect(bench.memory.read32(0x5000) == 0x32)
  }
}
