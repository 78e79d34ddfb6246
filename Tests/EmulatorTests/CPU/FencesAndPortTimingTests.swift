import Testing

@testable import Emulator

/// A port that counts accesses, for the timing tests.
private final class CountingPort: PortDevice {
  var reads = 0
  var writes = 0
  func portRead(_ port: UInt16, size: Int) -> UInt32 {
    reads += 1
    return 0x12
  }
  func portWrite(_ port: UInt16, size: Int, value: UInt32) { writes += 1 }
}

/// Fences and cache hints (SDM vol. 2: LFENCE, MFENCE, SFENCE, PAUSE, PREFETCHh, CLFLUSH) execute with their
/// documented effect — none, on one CPU with no caches modelled — instead of #UD; the disassembler spells them as
/// llvm-objdump (LLVM 21) does.
struct FenceTests {
  let bench = CPUTestBench()

  static let fencesAndHints: [UInt8] =
    [0x0F, 0xAE, 0xF0]  // mfence
    + [0x0F, 0xAE, 0xE8]  // lfence
    + [0x0F, 0xAE, 0xF8]  // sfence
    + [0x0F, 0xAE, 0xE9]  // lfence with r/m 1 (the r/m field is ignored)
    + [0xF3, 0x90]  // pause
    + [0x0F, 0x18, 0x00]  // prefetchnta [eax]
    + [0x0F, 0x18, 0x08]  // prefetcht0 [eax]
    + [0x0F, 0x18, 0x10]  // prefetcht1 [eax]
    + [0x0F, 0x18, 0x18]  // prefetcht2 [eax]
    + [0x0F, 0xAE, 0x38]  // clflush [eax]
    + [0x0F, 0xAE, 0x7C, 0x24, 0x04]  // clflush [esp + 4]

  @Test func fencesPauseAndCacheHintsAreNoOps() {
    bench.installRecordingIDT()
    bench.cpu[.eax] = 0x5000
    bench.memory.write32(0x5000, 0xCAFE_F00D)
    let cpu = bench.run(Self.fencesAndHints + hlt)
    #expect(bench.lastVector == 0xFFFF_FFFF)  // no exception
    #expect(cpu.eip == CPUTestBench.codeBase + UInt32(Self.fencesAndHints.count) + 1)
    #expect(cpu[.eax] == 0x5000 && cpu[.esp] == CPUTestBench.stackTop)
    #expect(bench.memory.read32(0x5000) == 0xCAFE_F00D)
    #expect(cpu.instructions == 12)
  }

  /// SDM vol. 2, CLFLUSH: "#GP(0) for an illegal memory operand effective address in the CS, DS, ES, FS or GS
  /// segments": the operand is checked like a byte load. Selector 0x38 has a limit of 0xFFF.
  @Test func clflushChecksItsOperandLikeAByteLoad() {
    bench.installRecordingIDT()
    // mov ax, 0x38; mov es, ax; clflush es:[0x2000] (ES, so the handler's DS stays flat)
    bench.run([0x66, 0xB8, 0x38, 0x00, 0x8E, 0xC0, 0x26, 0x0F, 0xAE, 0x3D, 0x00, 0x20, 0x00, 0x00] + hlt)
    #expect(bench.lastVector == 13)
  }

  /// The other 0F AE forms are SSE state (FXSAVE, FXRSTOR, LDMXCSR, STMXCSR, XSAVE…): this CPU has no SSE.
  @Test(arguments: [[0x0F, 0xAE, 0x00] as [UInt8], [0x0F, 0xAE, 0x10], [0x0F, 0xAE, 0xC0]])
  func sseStateFormsOf0FAEAreInvalid(code: [UInt8]) {
    bench.installRecordingIDT()
    bench.cpu[.eax] = 0x5000
    bench.run(code + hlt)
    #expect(bench.lastVector == 6)
  }

  /// llvm-objdump 21's listing of the same bytes (`-d --x86-asm-syntax=intel --print-imm-hex`).
  @Test func disassemblerSpellsThemAsObjdumpDoes() {
    let expected = [
      "mfence", "lfence", "sfence", "lfence", "pause", "prefetchnta byte ptr [eax]", "prefetcht0 byte ptr [eax]",
      "prefetcht1 byte ptr [eax]", "prefetcht2 byte ptr [eax]", "clflush byte ptr [eax]",
      "clflush byte ptr [esp + 0x4]",
    ]
    var texts: [String] = []
    var offset = 0
    let disassembler = Disassembler()
    while offset < Self.fencesAndHints.count {
      let instruction = disassembler.decode(Array(Self.fencesAndHints[offset...]), at: UInt32(offset))
      texts.append(instruction.text)
      offset += max(instruction.length, 1)
    }
    #expect(texts == expected)
  }
}

/// Port I/O takes about 1 µs of virtual time per access, as an ISA bus cycle does on a PC.
struct PortTimingTests {
  let bench = CPUTestBench()

  /// 100 cycles at the 100 MHz nominal clock; a retired instruction is 1 cycle. The runs below are given exactly
  /// the cycles the code should take: it must reach its HLT then and not one cycle sooner.
  @Test func eachPortAccessTakesOneMicrosecond() {
    let port = CountingPort()
    bench.io.map(0x80...0x80, to: port)
    #expect(bench.cpu.portAccessCycles == 100)
    // out 0x80, al; in al, 0x80; nop; hlt: 4 instructions and 2 accesses
    let code: [UInt8] = [0xE6, 0x80, 0xE4, 0x80, 0x90] + hlt
    #expect(!bench.run(code, maxInstructions: 4 + 2 * 100 - 1).halted)
    let second = CPUTestBench()
    second.io.map(0x80...0x80, to: port)
    let cpu = second.run(code, maxInstructions: 4 + 2 * 100)
    #expect(cpu.halted && cpu.cycles == 204 && cpu.instructions == 4)
    #expect(port.writes == 2 && port.reads == 2)
  }

  /// REP OUTSB makes one bus cycle per byte: 4 bytes, 4 µs.
  @Test func repeatedStringIOPaysPerAccess() {
    let port = CountingPort()
    bench.io.map(0x80...0x80, to: port)
    bench.cpu[.ecx] = 4
    bench.cpu[.edx] = 0x80
    bench.cpu[.esi] = 0x5000
    // rep outsb: 4 iterations (1 cycle each, one of them the instruction) + 4 accesses + the HLT.
    let cpu = bench.run([0xF3, 0x6E] + hlt, maxInstructions: 4 + 4 * 100 + 1)
    #expect(port.writes == 4)
    #expect(cpu.halted && cpu.cycles == 405)
  }

  /// A port-0x80 delay loop of 1,000 iterations (out; dec; jnz) lasts at least 1 ms, as on a PC.
  @Test func aPort80DelayLoopLastsAsOnAPC() {
    bench.io.map(0x80...0x80, to: CountingPort())
    bench.cpu[.ecx] = 1000
    // 1: out 0x80, al; dec ecx; jnz 1b; hlt
    let cpu = bench.run([0xE6, 0x80, 0x49, 0x75, 0xFB] + hlt, maxInstructions: 3 * 1000 + 1000 * 100 + 1)
    #expect(cpu.halted && cpu.cycles == 103_001)  // 1.03 ms
  }

  /// The board's NMI gate (port 0x70 bit 7): an NMI raised while it is closed is taken as soon as it opens.
  @Test func nmiWaitsWhileTheGateIsClosed() {
    bench.installRecordingIDT()
    bench.cpu.setNMIMasked(true)
    bench.cpu.raiseNMI()
    bench.run([0x90, 0x90, 0x90] + hlt, maxInstructions: 3)
    #expect(bench.lastVector == 0xFFFF_FFFF)
    bench.cpu.setNMIMasked(false)
    bench.resume(maxInstructions: 3)
    #expect(bench.lastVector == 2)
  }
}
