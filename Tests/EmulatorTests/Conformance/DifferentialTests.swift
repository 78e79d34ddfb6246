import Conformance
import Testing

@testable import Emulator

/// Differential conformance: seeded random instruction fragments of every `Family` run natively (the host CPU
/// through `NativeOracle`) and on the emulator (`EmulatedMachine`), which must agree on every GPR, the 256-byte data
/// window, the selectors, the EFLAGS bits the SDM defines for the instruction, and on faults (vector, error code,
/// EIP). The generator, the undefined-flag table and the comparison live in the Conformance target.
struct DifferentialTests {
  /// The oracle, built once per test run.
  static let oracle = NativeOracle.build()

  static func oracleOrRecord() -> NativeOracle? {
    switch oracle {
    case .success(let built): return built
    case .failure(let failure):
      Issue.record("\(failure)")
      return nil
    }
  }

  /// 24 families × 850 = 20,400 cases in every `swift test`.
  static let casesPerFamily = 850

  static func plainCase(_ code: [UInt8], _ registers: [UInt32], eflags: UInt32 = EFLAGS.reserved1)
    -> ConformanceCase
  {
    var registers = registers
    registers[4] = ConformanceLayout.caseStackTop
    return ConformanceCase(
      code: code, registers: registers, eflags: eflags,
      window: [UInt8](repeating: 0, count: ConformanceLayout.windowSize))
  }

  /// Hand-worked cases (SDM vol. 2 and vol. 3 table 6-1), each with the outcome expected from both sides, so the
  /// differential test cannot pass by both reporting nothing.
  static let handWorked: [(name: String, testCase: ConformanceCase, check: @Sendable (ConformanceOutcome) -> Bool)] = {
    let flags = EFLAGS.arithmetic | EFLAGS.df
    var memoryCase = plainCase([0x00, 0x03], [0x7F, 0, 0, ConformanceLayout.windowAddress, 0, 0, 0, 0])
    memoryCase.window[0] = 0x81
    var stackCase = plainCase([0x06, 0x0F, 0xA0], [0, 0, 0, 0, 0, 0, 0, 0])
    stackCase.registers[4] = ConformanceLayout.windowAddress + 16
    stackCase.window[8...15] = [0xAA, 0xAA, 0xAA, 0xAA, 0xBB, 0xBB, 0xBB, 0xBB]
    return [
      // add al, bl: 0x7F + 0x01 = 0x80 sets OF (signed overflow), SF, AF (carry out of bit 3); PF clear (one bit).
      (
        "add al, bl", plainCase([0x00, 0xD8], [0x1234_567F, 0, 0, 1, 0, 0, 0, 0]),
        { $0.vector == nil && $0.registers[0] == 0x1234_5680 && $0.eflags & flags == EFLAGS.of | EFLAGS.sf | EFLAGS.af }
      ),
      // add [ebx], al: 0x81 + 0x7F = 0x100 leaves 0x00 with CF, ZF, AF, PF set.
      (
        "add [ebx], al", memoryCase,
        { $0.window[0] == 0 && $0.eflags & flags == EFLAGS.cf | EFLAGS.zf | EFLAGS.af | EFLAGS.pf }
      ),
      // div ecx with ECX = 0: #DE (vector 0), a fault: EIP of the DIV.
      (
        "div ecx by 0", plainCase([0xF7, 0xF1], [5, 0, 0, 0, 0, 0, 0, 0]),
        { $0.vector == 0 && $0.faultEIP == ConformanceLayout.codeAddress }
      ),
      // nop; ud2: #UD (vector 6) at the UD2.
      (
        "ud2", plainCase([0x90, 0x0F, 0x0B], [0, 0, 0, 0, 0, 0, 0, 0]),
        { $0.vector == 6 && $0.faultEIP == ConformanceLayout.codeAddress + 1 }
      ),
      // int3: a trap (vector 3): EIP after it.
      (
        "int3", plainCase([0xCC], [0, 0, 0, 0, 0, 0, 0, 0]),
        { $0.vector == 3 && $0.faultEIP == ConformanceLayout.codeAddress + 1 }
      ),
      // int 0x40 through a DPL 0 gate from CPL 3: #GP with error code 0x40 × 8 + 2 (IDT bit set).
      (
        "int 0x40", plainCase([0xCD, 0x40], [0, 0, 0, 0, 0, 0, 0, 0]),
        { $0.vector == 13 && $0.errorCode == 0x202 && $0.faultEIP == ConformanceLayout.codeAddress }
      ),
      // std; sub esp, 0x10: ESP is the case stack and DF comes back set; the selectors are Linux's.
      (
        "std; sub esp", plainCase([0xFD, 0x83, 0xEC, 0x10], [0, 0, 0, 0, 0, 0, 0, 0]),
        {
          $0.registers[4] == ConformanceLayout.caseStackTop - 0x10 && $0.eflags & EFLAGS.df != 0
            && $0.selectors == ConformanceLayout.initialSelectors
        }
      ),
      // push es; push fs: 4-byte slots, ES 0x2B then FS 0. The SDM (vol. 2, PUSH) allows a zero-extended selector
      // or a 16-bit move that leaves the slot's upper half as it was; the host may do either (see CPUModel).
      (
        "push es; push fs", stackCase,
        {
          $0.window[8...15] == Self.pushedZeroExtended[...]
            || $0.window[8...15] == Self.pushedLow16Only[...]
        }
      ),
    ]
  }()

  /// window[8...15] after `push es; push fs` from ESP = window + 16 over 0xAA… and 0xBB…, worked by hand: FS's slot
  /// (0) below ES's (0x2B), little-endian.
  static let pushedZeroExtended: [UInt8] = [0x00, 0x00, 0x00, 0x00, 0x2B, 0x00, 0x00, 0x00]
  static let pushedLow16Only: [UInt8] = [0x00, 0x00, 0xAA, 0xAA, 0x2B, 0x00, 0xBB, 0xBB]

  @Test(.enabled(if: NativeOracle.hostCanRun, "the native oracle needs an x86 Linux host"))
  func oracleReportsHandWorkedResults() throws {
    guard let oracle = Self.oracleOrRecord() else { return }
    let outcomes = try oracle.run(Self.handWorked.map(\.testCase))
    for (entry, outcome) in zip(Self.handWorked, outcomes) {
      #expect(entry.check(outcome), "native \(entry.name): \(outcome)")
    }
  }

  @Test func emulatorReportsHandWorkedResults() {
    let machine = EmulatedMachine()
    for entry in Self.handWorked {
      let outcome = machine.run(entry.testCase)
      #expect(entry.check(outcome), "emulated \(entry.name): \(outcome)")
    }
  }

  /// The comparison notices a wrong result in a register, a defined flag, a selector, the window and the fault
  /// fields, and ignores only the undefined flags and registers it is told about.
  @Test func comparisonFlagsDefinedDifferencesOnly() {
    let base = ConformanceOutcome(
      vector: nil, registers: [1, 2, 3, 4, 5, 6, 7, 8], eflags: 0x2 | EFLAGS.cf,
      selectors: ConformanceLayout.initialSelectors,
      window: [UInt8](repeating: 0, count: ConformanceLayout.windowSize))
    let generated = GeneratedCase(
      family: .aluClassic, testCase: Self.plainCase([0x90], [0, 0, 0, 0, 0, 0, 0, 0]), undefinedFlags: EFLAGS.af,
      undefinedRegisters: [2])
    func differs(_ change: (inout ConformanceOutcome) -> Void) -> Bool {
      var changed = base
      change(&changed)
      return !Comparison.differences(generated, native: base, emulated: changed).isEmpty
    }
    #expect(!differs { _ in })
    #expect(differs { $0.registers[3] = 5 })
    #expect(!differs { $0.registers[2] = 9 })  // undefined register
    #expect(differs { $0.eflags |= EFLAGS.zf })
    #expect(!differs { $0.eflags |= EFLAGS.af })  // undefined flag
    #expect(differs { $0.eflags |= EFLAGS.id })
    #expect(differs { $0.selectors[3] = 0 })
    // A null selector with RPL 3 that the host's IRET turned into 0 is forgiven; the other way round is not.
    var nullRPL3 = base
    nullRPL3.selectors[0] = 3
    var null0 = base
    null0.selectors[0] = 0
    #expect(Comparison.differences(generated, native: null0, emulated: nullRPL3).isEmpty)
    #expect(!Comparison.differences(generated, native: nullRPL3, emulated: null0).isEmpty)
    #expect(differs { $0.window[255] = 1 })
    #expect(differs { $0.vector = 0 })
    var fault = base
    fault.vector = 13
    fault.errorCode = 0x202
    #expect(Comparison.differences(generated, native: fault, emulated: fault).isEmpty)
    var otherCode = fault
    otherCode.errorCode = 0
    #expect(!Comparison.differences(generated, native: fault, emulated: otherCode).isEmpty)
    var otherEIP = fault
    otherEIP.faultEIP = 1
    #expect(!Comparison.differences(generated, native: fault, emulated: otherEIP).isEmpty)
  }

  @Test(
    .enabled(if: NativeOracle.hostCanRun, "the native oracle needs an x86 Linux host"),
    arguments: Family.allCases)
  func emulatorMatchesNativeExecution(family: Family) throws {
    guard let oracle = Self.oracleOrRecord() else { return }
    var run = ConformanceRun(oracle: oracle)
    run.maxFailuresShown = 12
    let summary = try run.run(cases: Self.casesPerFamily, seed: 0x1_2345, families: [family])
    for report in summary.reports { Issue.record(Comment(rawValue: report)) }
    #expect(summary.failed == 0, "\(summary.failed) of \(Self.casesPerFamily) \(family) cases differ")
    #expect(summary.passed + summary.notJudged == Self.casesPerFamily)
    // Cases go unjudged only for a reason the harness names in its output.
    if summary.notJudged > 0 {
      #expect(summary.host?.notJudged.isEmpty == false)
      #expect(summary.text.contains("not judged here: "))
      print((summary.host?.lines ?? []).joined(separator: "\n") + "\n\(family): \(summary.line)")
    }
  }

  /// The command's core: a few cases of every family end in the closing line, and an outcome corrupted on purpose
  /// is reported as a failure with its bytes, disassembly and the differing field.
  @Test(.enabled(if: NativeOracle.hostCanRun, "the native oracle needs an x86 Linux host"))
  func runReportsTheSummaryLineAndACorruptedOutcome() throws {
    guard let oracle = Self.oracleOrRecord() else { return }
    var run = ConformanceRun(oracle: oracle)
    run.batchSize = 20
    let clean = try run.run(cases: 48, seed: 7)
    #expect(clean.failed == 0 && clean.passed + clean.notJudged == 48)
    #expect(clean.line.hasPrefix("\(clean.passed) passed, 0 failed"))
    #expect(clean.text.split(separator: "\n").last.map(String.init) == clean.line)
    #expect(clean.text.hasPrefix("host: "))
    run.tamper = { index, outcome in
      guard index == 5 else { return }
      if outcome.vector == nil { outcome.registers[0] ^= 1 } else { outcome.vector = 99 }
    }
    let tampered = try run.run(cases: 48, seed: 7)
    #expect(tampered.failed == 1 && tampered.passed + tampered.notJudged == 47)
    let report = try #require(tampered.reports.first)
    #expect(report.hasPrefix("case 5 ("))
    #expect(report.contains("0x210000: "))  // the disassembly
    #expect(report.contains("initial: eax="))
    #expect(report.contains("differs: eax: native") || report.contains("differs: fault: native"))
    #expect(tampered.text.split(separator: "\n").last.map(String.init) == tampered.line)
  }

  /// The same seed gives the same cases; another seed gives others.
  @Test func generatorIsReproducibleFromItsSeed() {
    for family in Family.allCases {
      var a = CaseGenerator(seed: 42)
      var b = CaseGenerator(seed: 42)
      var c = CaseGenerator(seed: 43)
      let first = (0..<20).map { _ in a.make(family).testCase }
      #expect(first == (0..<20).map { _ in b.make(family).testCase })
      #expect(first != (0..<20).map { _ in c.make(family).testCase })
    }
  }
}
