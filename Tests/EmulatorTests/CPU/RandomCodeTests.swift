import Testing

@testable import Emulator

/// No byte sequence may crash the host: a million instructions of seeded random bytes, with an IDT whose
/// handlers skip past the faulting byte, must run to the end. Triple faults reset the CPU, which is then pointed
/// at fresh random code.
struct RandomCodeTests {
  /// SplitMix64: a small seeded generator, so a failure can be reproduced from the seed.
  struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
      state &+= 0x9E37_79B9_7F4A_7C15
      var z = state
      z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
      z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
      return z ^ (z >> 31)
    }
  }

  static let codeBase: UInt32 = 0x10_0000
  static let codeSize = 0x1_0000

  /// Handlers: for vectors that push an error code, drop it; then advance the saved EIP by one and IRET.
  func installSkippingHandlers(_ bench: CPUTestBench) {
    for v in 0..<256 {
      let stub = CPUTestBench.handlerBase + UInt32(v * 16)
      let hasErrorCode = v == 8 || (10...14).contains(v) || v == 17
      let bytes: [UInt8] = (hasErrorCode ? [0x83, 0xC4, 0x04] : []) + [0xFF, 0x04, 0x24, 0xCF]  // inc dword [esp]; iret
      bench.memory.write(bytes, at: stub)
      bench.setGate(v, offset: stub, type: 0xE)
    }
    bench.cpu.idtr = TableRegister(base: CPUTestBench.idtBase, limit: 0x7FF)
  }

  func restart(_ bench: CPUTestBench, _ random: inout SplitMix64) {
    bench.cpu.reset()
    bench.installGDT()
    installSkippingHandlers(bench)
    var code = [UInt8](repeating: 0, count: Self.codeSize)
    for i in code.indices { code[i] = UInt8(truncatingIfNeeded: random.next()) }
    bench.memory.write(code, at: Self.codeBase)
    bench.cpu.eip = Self.codeBase + UInt32(random.next() % UInt64(Self.codeSize / 2))
    bench.cpu[.esp] = CPUTestBench.stackTop
  }

  @Test(arguments: [UInt64(1), 2, 3, 4])
  func randomBytesNeverCrashTheHost(seed: UInt64) {
    let bench = CPUTestBench()
    var random = SplitMix64(state: seed)
    restart(bench, &random)
    let budget: UInt64 = 250_000  // four seeds: one million instructions in all
    var restarts = 0
    let start = bench.cpu.instructions
    while bench.cpu.instructions - start < budget {
      let before = bench.cpu.tripleFaults
      bench.cpu.run(until: bench.cpu.cycles + 10_000)
      if bench.cpu.tripleFaults != before || bench.cpu.halted || bench.cpu.eip < 0x1000 {
        restart(bench, &random)
        restarts += 1
      }
    }
    #expect(bench.cpu.instructions - start >= budget)
    #expect(restarts < 100_000)
  }
}
