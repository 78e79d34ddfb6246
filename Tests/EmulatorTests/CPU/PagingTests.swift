import Testing

@testable import Emulator

/// Paging (SDM vol. 3, chapter 4): translation, permissions, #PF error codes and CR2, INVLPG, 4 MiB pages.
struct PagingTests {
  let bench = CPUTestBench()
  static let directory: UInt32 = 0x10_0000
  static let table: UInt32 = 0x10_1000

  /// Identity-maps the first 4 MiB with `flags` on every page, then enables paging.
  func enablePaging(flags: UInt32 = 0x7, writeProtect: Bool = false) {
    bench.memory.write32(Self.directory, Self.table | 0x7)
    for page in UInt32(0)..<1024 { bench.memory.write32(Self.table + page * 4, page << 12 | flags) }
    bench.cpu.setControlRegister3(Self.directory)
    bench.cpu.setControlRegister0(bench.cpu.cr0 | 0x8000_0000 | (writeProtect ? 0x1_0000 : 0))
  }

  func setPTE(_ page: UInt32, _ value: UInt32) { bench.memory.write32(Self.table + page * 4, value) }

  @Test func notPresentReadFaultsWithErrorCodeZeroAndCR2() {
    bench.installRecordingIDT()
    enablePaging()
    setPTE(5, 0)
    let cpu = bench.run([0xA1, 0x10, 0x50, 0, 0])  // mov eax, [0x5010]
    #expect(bench.lastVector == 14)
    #expect(cpu.cr2 == 0x5010)
    #expect(bench.stack(2) == [0, CPUTestBench.codeBase])
  }

  @Test func supervisorWriteToReadOnlyPageFaultsOnlyWithWriteProtect() {
    bench.installRecordingIDT()
    enablePaging()
    setPTE(5, 0x5000 | 0x5)  // present, user, read-only
    _ = bench.run([0xC7, 0x05, 0x00, 0x50, 0, 0, 1, 0, 0, 0] + hlt)
    #expect(bench.memory.read32(0x5000) == 1)  // CR0.WP clear: the supervisor may write

    let strict = CPUTestBench()
    strict.installRecordingIDT()
    strict.memory.write32(Self.directory, Self.table | 0x7)
    for page in UInt32(0)..<1024 { strict.memory.write32(Self.table + page * 4, page << 12 | 0x7) }
    strict.memory.write32(Self.table + 5 * 4, 0x5000 | 0x5)
    strict.cpu.setControlRegister3(Self.directory)
    strict.cpu.setControlRegister0(strict.cpu.cr0 | 0x8001_0000)
    _ = strict.run([0xC7, 0x05, 0x00, 0x50, 0, 0, 1, 0, 0, 0] + hlt)
    #expect(strict.lastVector == 14)
    #expect(strict.memory.read32(0x5000) == 0)
    #expect(strict.stack(1)[0] == 0x3)  // present + write, supervisor
    #expect(strict.cpu.cr2 == 0x5000)
  }

  @Test func userAccessToSupervisorPageFaultsWithUserBit() {
    bench.installRecordingIDT(dpl: 3)
    enablePaging()
    setPTE(6, 0x6000 | 0x3)  // present, writable, supervisor only
    bench.memory.write([0xA1, 0x00, 0x60, 0, 0], at: 0x2000)  // user: mov eax, [0x6000]
    _ = bench.run(
      bench.userModeEntry(userEntry: 0x2000), maxInstructions: CPUTestBench.userModeEntryInstructions + 3)
    #expect(bench.lastVector == 14)
    #expect(bench.stack(2) == [0x5, 0x2000])  // present + user, read
    #expect(bench.cpu.cr2 == 0x6000)
  }

  @Test func translationSetsAccessedAndDirtyBits() {
    enablePaging()
    _ = bench.run([0xC7, 0x05, 0x00, 0x50, 0, 0, 1, 0, 0, 0] + hlt)
    let pte = bench.memory.read32(Self.table + 5 * 4)
    #expect(pte & 0x60 == 0x60)
  }

  @Test func remappedPageIsSeenOnlyAfterINVLPG() {
    enablePaging()
    bench.memory.write32(0x5000, 0xAAAA)
    bench.memory.write32(0x7000, 0xBBBB)
    // mov eax, [0x5000]; (PTE 5 → 0x7000 is written by the code); mov ebx, [0x5000]; invlpg [0x5000]; mov ecx, [0x5000]
    let code: [UInt8] =
      [0xA1, 0x00, 0x50, 0, 0]
      + [0xC7, 0x05] + le32(Self.table + 5 * 4) + le32(0x7000 | 0x7)
      + [0x8B, 0x1D, 0x00, 0x50, 0, 0]
      + [0x0F, 0x01, 0x3D, 0x00, 0x50, 0, 0]
      + [0x8B, 0x0D, 0x00, 0x50, 0, 0] + hlt
    let cpu = bench.run(code)
    #expect(cpu[.eax] == 0xAAAA)
    #expect(cpu[.ebx] == 0xAAAA)  // stale TLB entry, as on hardware
    #expect(cpu[.ecx] == 0xBBBB)
  }

  @Test func fourMegabytePagesTranslateWithPSE() {
    // PDE 1 maps linear 4 MiB..8 MiB to physical 0 with PS; identity for the first 4 MiB through PDE 0.
    bench.memory.write32(Self.directory, 0x0000_0087)
    bench.memory.write32(Self.directory + 4, 0x0000_0087)
    bench.memory.write32(0x5000, 0x1234_5678)
    bench.cpu.setControlRegister4(0x10)
    bench.cpu.setControlRegister3(Self.directory)
    bench.cpu.setControlRegister0(bench.cpu.cr0 | 0x8000_0000)
    let cpu = bench.run([0xA1, 0x00, 0x50, 0x40, 0x00] + hlt)  // mov eax, [0x405000]
    #expect(cpu[.eax] == 0x1234_5678)
  }
}

/// REP MOVS/STOS move whole runs at once where they can (StringOps' bulk path); what a program sees must stay that
/// of the element-by-element definition in SDM vol. 2 (MOVS, REP): each iteration moves one element and updates
/// ESI, EDI and ECX; a fault stops the instruction at the failing element with the registers pointing at it.
struct RepeatedStringTests {
  let bench = CPUTestBench()

  @Test func overlappingForwardMovsbReplicatesTheFirstByte() {
    bench.memory.write(Array("abcdefghij".utf8), at: 0x5000)
    // mov esi, 0x5000; mov edi, 0x5001; mov ecx, 9; cld; rep movsb: each byte copies the one just written.
    let cpu = bench.run([0xBE, 0x00, 0x50, 0, 0, 0xBF, 0x01, 0x50, 0, 0, 0xB9, 9, 0, 0, 0, 0xFC, 0xF3, 0xA4] + hlt)
    #expect(bench.memory.read(0x5000, count: 10) == Array("aaaaaaaaaa".utf8))
    #expect(cpu[.ecx] == 0 && cpu[.esi] == 0x5009 && cpu[.edi] == 0x500A)
  }

  @Test func movsdAcrossPagesAndBeyondOneChunkCopiesEverything() {
    let words = (0..<5000).map { UInt32($0) &* 0x9E37_79B9 }
    // mov esi, 0x10002; mov edi, 0x20001 (both unaligned, so runs end mid-page); mov ecx, 5000; rep movsd
    bench.memory.write(Array(repeating: 0, count: 20_010), at: 0x2_0000)
    for (i, word) in words.enumerated() { bench.memory.write32(0x1_0002 + UInt32(4 * i), word) }
    let cpu = bench.run(
      [0xBE, 0x02, 0x00, 0x01, 0, 0xBF, 0x01, 0x00, 0x02, 0, 0xB9] + le32(5000) + [0xFC, 0xF3, 0xA5] + hlt)
    #expect((0..<5000).allSatisfy { bench.memory.read32(0x2_0001 + UInt32(4 * $0)) == words[$0] })
    #expect(cpu[.ecx] == 0 && cpu[.esi] == 0x1_0002 + 20_000 && cpu[.edi] == 0x2_0001 + 20_000)
  }

  @Test func stosdStopsAtANotPresentPageWithTheRegistersAtTheFailingElement() {
    bench.installRecordingIDT()
    bench.memory.write32(PagingTests.directory, PagingTests.table | 0x7)
    for page in UInt32(0)..<1024 { bench.memory.write32(PagingTests.table + page * 4, page << 12 | 0x7) }
    bench.memory.write32(PagingTests.table + 6 * 4, 0)  // page 0x6000 not present
    bench.cpu.setControlRegister3(PagingTests.directory)
    bench.cpu.setControlRegister0(bench.cpu.cr0 | 0x8000_0000)
    // mov edi, 0x5FF0; mov eax, 0x11223344; mov ecx, 10; cld; rep stosd: 4 dwords fit before 0x6000.
    let cpu = bench.run(
      [0xBF, 0xF0, 0x5F, 0, 0, 0xB8, 0x44, 0x33, 0x22, 0x11, 0xB9, 10, 0, 0, 0, 0xFC, 0xF3, 0xAB] + hlt)
    #expect(bench.lastVector == 14)
    #expect(cpu.cr2 == 0x6000)
    #expect(cpu[.ecx] == 6 && cpu[.edi] == 0x6000)
    #expect((0..<4).allSatisfy { bench.memory.read32(0x5FF0 + UInt32(4 * $0)) == 0x1122_3344 })
    #expect(bench.memory.read32(0x6000) == 0)
  }
}
