import Testing

@testable import Emulator

/// Strings, stack, bit operations, conditional moves and the other data-movement families.
struct DataMovementTests {
  let bench = CPUTestBench()

  @Test func repMovsbCopiesForwardAndAdvancesPointers() {
    bench.memory.write(Array("hello".utf8), at: 0x5000)
    // mov esi, 0x5000; mov edi, 0x6000; mov ecx, 5; cld; rep movsb
    let cpu = bench.run(
      [0xBE, 0x00, 0x50, 0, 0, 0xBF, 0x00, 0x60, 0, 0, 0xB9, 5, 0, 0, 0, 0xFC, 0xF3, 0xA4] + hlt)
    #expect(bench.memory.read(0x6000, count: 5) == Array("hello".utf8))
    #expect(cpu[.ecx] == 0)
    #expect(cpu[.esi] == 0x5005)
    #expect(cpu[.edi] == 0x6005)
  }

  @Test func repMovsbCopiesBackwardWithDirectionFlagSet() {
    bench.memory.write(Array("hello".utf8), at: 0x5000)
    // mov esi, 0x5004; mov edi, 0x6004; mov ecx, 5; std; rep movsb
    let cpu = bench.run(
      [0xBE, 0x04, 0x50, 0, 0, 0xBF, 0x04, 0x60, 0, 0, 0xB9, 5, 0, 0, 0, 0xFD, 0xF3, 0xA4] + hlt)
    #expect(bench.memory.read(0x6000, count: 5) == Array("hello".utf8))
    #expect(cpu[.esi] == 0x4FFF)
    #expect(cpu[.edi] == 0x5FFF)
  }

  @Test func repneScasbStopsAfterTheFirstMatch() {
    bench.memory.write(Array("hello".utf8), at: 0x5000)
    // mov edi, 0x5000; mov al, 'l'; mov ecx, 10; cld; repne scasb
    let cpu = bench.run([0xBF, 0x00, 0x50, 0, 0, 0xB0, 0x6C, 0xB9, 10, 0, 0, 0, 0xFC, 0xF2, 0xAE] + hlt)
    #expect(cpu[.edi] == 0x5003)
    #expect(cpu[.ecx] == 7)
    #expect(cpu.eflags & EFLAGS.zf != 0)
  }

  @Test func repeCmpsdStopsAtTheFirstDifference() {
    for (i, v) in [UInt32(1), 2, 3, 4].enumerated() {
      bench.memory.write32(0x5000 + UInt32(4 * i), v)
      bench.memory.write32(0x6000 + UInt32(4 * i), i == 2 ? 9 : v)
    }
    // mov esi, 0x5000; mov edi, 0x6000; mov ecx, 4; cld; repe cmpsd
    let cpu = bench.run(
      [0xBE, 0x00, 0x50, 0, 0, 0xBF, 0x00, 0x60, 0, 0, 0xB9, 4, 0, 0, 0, 0xFC, 0xF3, 0xA7] + hlt)
    #expect(cpu[.ecx] == 1)
    #expect(cpu[.esi] == 0x500C)
    #expect(cpu.eflags & EFLAGS.zf == 0)
    #expect(cpu.eflags & EFLAGS.cf != 0)  // 3 < 9
  }

  @Test func repStosdWithZeroCountDoesNothing() {
    // xor ecx, ecx; mov edi, 0x5000; mov eax, -1; rep stosd
    let cpu = bench.run([0x31, 0xC9, 0xBF, 0x00, 0x50, 0, 0, 0xB8, 0xFF, 0xFF, 0xFF, 0xFF, 0xF3, 0xAB] + hlt)
    #expect(bench.memory.read32(0x5000) == 0)
    #expect(cpu[.edi] == 0x5000)
  }

  @Test func pushaPushesTheOriginalESP() {
    // mov eax, 1; mov ecx, 2; pusha
    let cpu = bench.run([0xB8, 1, 0, 0, 0, 0xB9, 2, 0, 0, 0, 0x60] + hlt)
    let top = CPUTestBench.stackTop
    #expect(cpu[.esp] == top - 32)
    // Order from the top of the stack: EDI ESI EBP ESP EBX EDX ECX EAX
    #expect(bench.stack(8)[3] == top)
    #expect(bench.stack(8)[6] == 2)
    #expect(bench.stack(8)[7] == 1)
  }

  @Test func enterAndLeaveBuildAndTearDownAFrame() {
    // mov ebp, 0x1234; enter 8, 0; mov ebx, esp; leave
    let cpu = bench.run([0xBD, 0x34, 0x12, 0, 0, 0xC8, 0x08, 0x00, 0x00, 0x89, 0xE3, 0xC9] + hlt)
    let top = CPUTestBench.stackTop
    #expect(cpu[.ebx] == top - 4 - 8)
    #expect(cpu[.esp] == top)
    #expect(cpu[.ebp] == 0x1234)
  }

  @Test func callAndRetUseTheStack() {
    // call +1 (skips the hlt at +5); hlt; mov eax, 7; ret → returns to the first hlt
    let cpu = bench.run([0xE8, 0x01, 0, 0, 0, 0xF4, 0xB8, 7, 0, 0, 0, 0xC3])
    #expect(cpu[.eax] == 7)
    #expect(cpu.eip == CPUTestBench.codeBase + 6)  // after the HLT at +5
    #expect(cpu[.esp] == CPUTestBench.stackTop)
  }

  @Test func setccAndCmovFollowSignedAndUnsignedComparisons() {
    // mov eax, -1; mov ebx, 1; cmp eax, ebx; setl cl; setb dl; mov esi, 5; cmovg esi, ebx
    let cpu = bench.run(
      [
        0xB8, 0xFF, 0xFF, 0xFF, 0xFF, 0xBB, 1, 0, 0, 0, 0x39, 0xD8, 0x0F, 0x9C, 0xC1, 0x0F, 0x92, 0xC2,
        0xBE, 5, 0, 0, 0, 0x0F, 0x4F, 0xF3,
      ] + hlt)
    #expect(cpu[.ecx] & 0xFF == 1)  // −1 < 1 signed
    #expect(cpu[.edx] & 0xFF == 0)  // 0xFFFFFFFF is not below 1 unsigned
    #expect(cpu[.esi] == 5)  // not greater: no move
  }

  @Test func bsfAndBsrFindTheLowestAndHighestSetBit() {
    // mov eax, 0xF0; bsf ecx, eax; bsr edx, eax
    let cpu = bench.run([0xB8, 0xF0, 0, 0, 0, 0x0F, 0xBC, 0xC8, 0x0F, 0xBD, 0xD0] + hlt)
    #expect(cpu[.ecx] == 4)
    #expect(cpu[.edx] == 7)
    #expect(cpu.eflags & EFLAGS.zf == 0)
  }

  @Test func bsfOfZeroSetsZeroFlagAndKeepsTheDestination() {
    // xor eax, eax; mov ecx, 0x55; bsf ecx, eax
    let cpu = bench.run([0x31, 0xC0, 0xB9, 0x55, 0, 0, 0, 0x0F, 0xBC, 0xC8] + hlt)
    #expect(cpu[.ecx] == 0x55)
    #expect(cpu.eflags & EFLAGS.zf != 0)
  }

  @Test func btFamilyTestsAndChangesBits() {
    // mov eax, 0x10; bt eax, 4 → CF 1; bts eax, 0 → CF 0, eax 0x11; btr eax, 4; btc eax, 31
    let cpu = bench.run(
      [
        0xB8, 0x10, 0, 0, 0, 0x0F, 0xBA, 0xE0, 0x04, 0x0F, 0xBA, 0xE8, 0x00, 0x0F, 0xBA, 0xF0, 0x04, 0x0F, 0xBA,
        0xF8, 0x1F,
      ] + hlt)
    #expect(cpu[.eax] == 0x8000_0001)
    #expect(cpu.eflags & EFLAGS.cf == 0)  // bit 31 was clear before BTC
  }

  @Test func btsWithARegisterOffsetReachesBeyondTheAddressedDoubleword() {
    // mov ecx, 35; bts [0x5000], ecx → bit 3 of the doubleword at 0x5004
    _ = bench.run([0xB9, 35, 0, 0, 0, 0x0F, 0xAB, 0x0D, 0x00, 0x50, 0, 0] + hlt)
    #expect(bench.memory.read32(0x5004) == 8)
    #expect(bench.memory.read32(0x5000) == 0)
  }

  @Test func cmpxchgStoresWhenEqualAndLoadsWhenNot() {
    bench.memory.write32(0x5000, 5)
    // mov eax, 5; mov ecx, 9; cmpxchg [0x5000], ecx (equal: store 9); cmpxchg [0x5000], ecx (not equal: eax = 9)
    let cpu = bench.run(
      [
        0xB8, 5, 0, 0, 0, 0xB9, 9, 0, 0, 0, 0x0F, 0xB1, 0x0D, 0x00, 0x50, 0, 0, 0xB8, 1, 0, 0, 0, 0x0F, 0xB1,
        0x0D, 0x00, 0x50, 0, 0,
      ] + hlt)
    #expect(bench.memory.read32(0x5000) == 9)
    #expect(cpu[.eax] == 9)
    #expect(cpu.eflags & EFLAGS.zf == 0)
  }

  @Test func xaddExchangesAndAdds() {
    bench.memory.write32(0x5000, 10)
    // mov ecx, 3; xadd [0x5000], ecx
    let cpu = bench.run([0xB9, 3, 0, 0, 0, 0x0F, 0xC1, 0x0D, 0x00, 0x50, 0, 0] + hlt)
    #expect(bench.memory.read32(0x5000) == 13)
    #expect(cpu[.ecx] == 10)
  }

  @Test func movzxAndMovsxExtend() {
    // mov eax, 0x80; movzx ecx, al; movsx edx, al
    let cpu = bench.run([0xB8, 0x80, 0, 0, 0, 0x0F, 0xB6, 0xC8, 0x0F, 0xBE, 0xD0] + hlt)
    #expect(cpu[.ecx] == 0x80)
    #expect(cpu[.edx] == 0xFFFF_FF80)
  }

  @Test func bswapReversesBytes() {
    let cpu = bench.run([0xB8, 0x78, 0x56, 0x34, 0x12, 0x0F, 0xC8] + hlt)
    #expect(cpu[.eax] == 0x7856_3412)
  }

  @Test func leaComputesScaledIndexAddresses() {
    // mov ebx, 0x100; mov esi, 3; lea eax, [ebx + esi*4 + 0x10]
    let cpu = bench.run([0xBB, 0, 1, 0, 0, 0xBE, 3, 0, 0, 0, 0x8D, 0x44, 0xB3, 0x10] + hlt)
    #expect(cpu[.eax] == 0x11C)
  }

  @Test func sixteenBitAddressingUsesBXPlusSI() {
    bench.memory.write16(0x1234 + 0x10, 0xBEEF)
    // mov ebx, 0x1234; mov esi, 0x10; a16 mov ax, [bx+si]
    let cpu = bench.run([0xBB, 0x34, 0x12, 0, 0, 0xBE, 0x10, 0, 0, 0, 0x67, 0x66, 0x8B, 0x00] + hlt)
    #expect(cpu[.eax] & 0xFFFF == 0xBEEF)
  }

  @Test func cpuidReportsTheVendorAndHonestFeatures() {
    // xor eax, eax; cpuid; mov esi, ebx; mov eax, 1; cpuid
    let cpu = bench.run([0x31, 0xC0, 0x0F, 0xA2, 0x89, 0xDE, 0xB8, 1, 0, 0, 0, 0x0F, 0xA2] + hlt)
    #expect(cpu[.esi] == 0x7371_7269)  // "irqs"
    #expect(cpu[.edx] & 1 == 0)  // no FPU
    #expect(cpu[.edx] & (1 << 15) != 0)  // CMOV
    #expect(cpu[.edx] & (1 << 25) == 0)  // no SSE
  }

  @Test func rdtscReturnsTheCycleCounter() {
    let cpu = bench.run([0x90, 0x90, 0x0F, 0x31] + hlt)
    #expect(cpu[.eax] == 2)  // two NOPs retired before RDTSC
    #expect(cpu[.edx] == 0)
  }

  @Test func inFromAnUnmappedPortReadsAllOnes() {
    // mov dx, 0x1234; in eax, dx
    let cpu = bench.run([0x66, 0xBA, 0x34, 0x12, 0xED] + hlt)
    #expect(cpu[.eax] == 0xFFFF_FFFF)
  }

  @Test func physicalAddressesBeyondRAMAreOpenBus() {
    // mov eax, [0x10000000]; mov dword [0x10000000], 5
    let cpu = bench.run([0xA1, 0, 0, 0, 0x10, 0xC7, 0x05, 0, 0, 0, 0x10, 5, 0, 0, 0] + hlt)
    #expect(cpu[.eax] == 0xFFFF_FFFF)
    #expect(cpu.halted)
  }
}
