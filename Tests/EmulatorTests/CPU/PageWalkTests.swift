import Testing

@testable import Emulator

/// The observer's page walk (SDM vol. 3 §4.3 translation, without §4.8's accessed/dirty updates or §4.7's #PF).
struct PageWalkTests {
  /// A page directory at 0x10000 with one page table at 0x11000: linear 0x00400000 → physical 0x00005000 (a 4 KiB
  /// page, PTE 0 of PDE 1), linear 0x00800000 → a 4 MiB page at physical 0 (PDE 2, PS), the rest not present.
  private func pagedCPU() -> (CPU, PhysicalMemory) {
    let bench = CPUTestBench()
    let memory = bench.memory
    memory.write32(0x10000 + 1 * 4, 0x11000 | 0x7)
    memory.write32(0x10000 + 2 * 4, 0x0000_0000 | 0x87)
    memory.write32(0x11000 + 0 * 4, 0x5000 | 0x7)
    memory.write32(0x5123, 0xCAFE_BABE)
    bench.cpu.setControlRegister4(0x10)
    bench.cpu.setControlRegister3(0x10000)
    bench.cpu.setControlRegister0(bench.cpu.cr0 | 0x8000_0000)
    return (bench.cpu, memory)
  }

  @Test func translatesWithoutSettingAccessedOrDirtyBitsOrCR2() {
    let (cpu, memory) = pagedCPU()
    #expect(cpu.peekTranslate(0x0040_0123) == 0x5123)
    #expect(cpu.peekLinear32(0x0040_0123) == 0xCAFE_BABE)
    #expect(cpu.peekTranslate(0x0081_2345) == 0x0001_2345)
    #expect(memory.read32(0x10000 + 4) & 0x20 == 0, "PDE accessed bit must stay clear")
    #expect(memory.read32(0x11000) & 0x60 == 0, "PTE accessed and dirty bits must stay clear")
    #expect(memory.read32(0x10000 + 8) & 0x60 == 0)
    #expect(cpu.peekTranslate(0x0C00_0000) == nil)
    #expect(cpu.cr2 == 0, "an unmapped peek must not write CR2")
  }

  @Test func reportsEachUnmappedByteAcrossAPageBoundary() {
    let (cpu, _) = pagedCPU()
    let bytes = cpu.peekLinear(0x0040_0FFE, count: 4)  // two bytes in the mapped page, two in PTE 1 (not present)
    #expect(bytes[0] != nil && bytes[1] != nil)
    #expect(bytes[2] == nil && bytes[3] == nil)
    #expect(cpu.peekLinearBytes(0x0040_0FFE, count: 4) == nil)
  }

  @Test func withoutPagingLinearIsPhysicalAndOutsideRAMIsUnmapped() {
    let bench = CPUTestBench()
    bench.memory.write8(0x2000, 0x5A)
    #expect(bench.cpu.peekLinear(0x2000, count: 1) == [0x5A])
    #expect(bench.cpu.peekLinear(0xFEBC_0000, count: 1) == [nil])
  }
}
