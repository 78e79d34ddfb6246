import Conformance
import Testing

@testable import Emulator

/// The harness's probes of the host, and that it passes whatever the host answers where the SDM allows a choice:
/// each possible answer is fed to it through a stand-in host (the emulator configured as another make of processor),
/// so these tests show on this machine what happens on an Intel or AMD host, bare metal or under a hypervisor.
struct HostProbeTests {
  /// `push es; push fs` from ESP = window + 16 over 0xAA…/0xBB…, the hand-worked slots (see DifferentialTests).
  static let pushCase: ConformanceCase = {
    var c = DifferentialTests.plainCase([0x06, 0x0F, 0xA0], [0, 0, 0, 0, 0, 0, 0, 0])
    c.registers[4] = ConformanceLayout.windowAddress + 16
    c.window[8...15] = [0xAA, 0xAA, 0xAA, 0xAA, 0xBB, 0xBB, 0xBB, 0xBB]
    return c
  }()

  /// SDM vol. 2, PUSH: "either a zero-extended value is pushed on the stack or the segment selector is written on
  /// the stack using a 16-bit move" — each model does its one, whatever the host does.
  @Test(arguments: CPUModel.PushSegmentWrite.allCases)
  func emulatedPushSegmentFollowsTheModel(write: CPUModel.PushSegmentWrite) {
    let outcome = EmulatedMachine(model: CPUModel(pushSegmentWrites: write)).run(Self.pushCase)
    let expected =
      write == .zeroExtended32 ? DifferentialTests.pushedZeroExtended : DifferentialTests.pushedLow16Only
    #expect(Array(outcome.window[8...15]) == expected)
    #expect(outcome.registers[4] == ConformanceLayout.windowAddress + 8)
  }

  /// The probe reads each possible host answer (fed as outcomes, as a host of each kind would report them).
  @Test func probeReadsEachPossibleAnswer() {
    let probes = HostProfile.probes
    func outcome(_ c: ConformanceCase, vector: UInt32? = nil, eip: UInt32 = 0) -> ConformanceOutcome {
      ConformanceOutcome(
        vector: vector, faultEIP: eip, registers: c.registers, eflags: 0x2,
        selectors: ConformanceLayout.initialSelectors, window: c.window)
    }
    var answers = probes.map { outcome($0) }
    // CPUID 0: "AuthenticAMD" in EBX EDX ECX; leaf 1 with ECX bit 31 (hypervisor).
    answers[0].registers[3] = 0x6874_7541  // "Auth"
    answers[0].registers[2] = 0x6974_6E65  // "enti"
    answers[0].registers[1] = 0x444D_4163  // "cAMD"
    answers[1].registers[1] = 0x8000_0000
    answers[7] = outcome(probes[7], vector: 1, eip: ConformanceLayout.codeAddress)
    for (slot, write) in [
      ([0x2B, 0x00, 0x00, 0x00] as [UInt8], CPUModel.PushSegmentWrite.zeroExtended32),
      ([0x2B, 0x00, 0xA5, 0xA5], .low16Only),
    ] {
      answers[6].window[12...15] = slot[...]
      let profile = HostProfile.interpret(answers)
      #expect(profile.vendor == "AuthenticAMD")
      #expect(profile.hypervisor)
      #expect(profile.pushSegmentWrites == write)
      #expect(profile.model.pushSegmentWrites == write)
      #expect(profile.icebp == .atInstruction)
      #expect(profile.lines.contains { $0.hasPrefix("not judged here: INT1") })
    }
    // A slot written some third way is no SDM answer: the default model stays, and the output says so.
    answers[6].window[12...15] = [0x2B, 0x00, 0x00, 0xA5]
    #expect(HostProfile.interpret(answers).pushSegmentWrites == nil)
    #expect(HostProfile.interpret(answers).lines[1].contains("neither"))
    // ICEBP: the SDM's trap (EIP after F1) is judged; anything but #DB is unexpected.
    answers[7] = outcome(probes[7], vector: 1, eip: ConformanceLayout.codeAddress + 1)
    #expect(HostProfile.interpret(answers).icebp == .afterInstruction)
    #expect(HostProfile.interpret(answers).notJudged.isEmpty)
    answers[7] = outcome(probes[7], vector: 13, eip: ConformanceLayout.codeAddress)
    #expect(HostProfile.interpret(answers).icebp == .unexpected("vector 13"))
  }

  /// On every kind of host — either PUSH Sreg behaviour, ICEBP reported as the SDM says or as a hypervisor does —
  /// the harness probes, configures the emulated CPU the same way, and passes the stack and faults families;
  /// a hypervisor's ICEBP makes cases "not judged here" (named in the output), never passed.
  @Test(arguments: CPUModel.PushSegmentWrite.allCases, [false, true])
  func harnessPassesOnEachKindOfHost(write: CPUModel.PushSegmentWrite, icebpQuirk: Bool) throws {
    let host = StandInHost(model: CPUModel(pushSegmentWrites: write), icebpReportedAtInstruction: icebpQuirk)
    var run = ConformanceRun(oracle: host)
    run.batchSize = 200
    let summary = try run.run(cases: 1200, seed: 99, families: [.stack, .faults])
    #expect(summary.host?.pushSegmentWrites == write)
    #expect(summary.failed == 0, "\(summary.text)")
    if icebpQuirk {
      #expect(summary.notJudged > 0)
      #expect(summary.passed + summary.notJudged == 1200)
      #expect(summary.text.contains("not judged here: INT1"))
      #expect(summary.line.hasSuffix("\(summary.notJudged) not judged here"))
    } else {
      #expect(summary.passed == 1200)
      #expect(!summary.text.contains("not judged"))
    }
  }

  /// The comparison still judges PUSH Sreg: an emulated CPU of the other model differs in the window.
  @Test func pushSegmentOfTheOtherModelIsAFailure() {
    let generated = GeneratedCase(family: .stack, testCase: Self.pushCase, undefinedFlags: 0, undefinedRegisters: [])
    let zero = EmulatedMachine(model: .qemu).run(Self.pushCase)
    let low = EmulatedMachine(model: .recentIntel).run(Self.pushCase)
    let host = HostProfile(vendor: "test", pushSegmentWrites: .zeroExtended32, icebp: .afterInstruction)
    guard case .failed(let found) = Comparison.verdict(generated, native: zero, emulated: low, host: host) else {
      Issue.record("a PUSH Sreg difference passed")
      return
    }
    #expect(found.contains { $0.hasPrefix("window[10]") })
  }

  /// Only ICEBP's #DB EIP goes unjudged, and only on a host whose probe found the quirk.
  @Test func onlyICEBPsDebugEIPGoesUnjudged() {
    func fault(_ eip: UInt32, vector: UInt32 = 1) -> ConformanceOutcome {
      ConformanceOutcome(vector: vector, faultEIP: eip, registers: [], eflags: 0, selectors: [], window: [])
    }
    func generated(_ code: [UInt8]) -> GeneratedCase {
      GeneratedCase(
        family: .faults, testCase: DifferentialTests.plainCase(code, [0, 0, 0, 0, 0, 0, 0, 0]), undefinedFlags: 0,
        undefinedRegisters: [])
    }
    let at = ConformanceLayout.codeAddress
    let quirky = HostProfile(vendor: "test", pushSegmentWrites: .zeroExtended32, icebp: .atInstruction)
    let reliable = HostProfile(vendor: "test", pushSegmentWrites: .zeroExtended32, icebp: .afterInstruction)
    // nop; int1 — native at the F1, emulated after it.
    let icebp = generated([0x90, 0xF1])
    #expect(Comparison.verdict(icebp, native: fault(at + 1), emulated: fault(at + 2), host: quirky) != .passed)
    #expect(
      Comparison.verdict(icebp, native: fault(at + 1), emulated: fault(at + 2), host: quirky)
        == .notJudged("INT1 #DB EIP"))
    if case .failed = Comparison.verdict(icebp, native: fault(at + 1), emulated: fault(at + 2), host: reliable) {
    } else {
      Issue.record("a reliable host's ICEBP EIP was not judged")
    }
    // Another #DB one byte off (not at an F1), or another vector, is judged on the quirky host too.
    let int3 = generated([0x90, 0xCC])
    if case .failed = Comparison.verdict(int3, native: fault(at + 1), emulated: fault(at + 2), host: quirky) {
    } else {
      Issue.record("a #DB one byte off at a non-F1 byte was not judged")
    }
    if case .failed = Comparison.verdict(
      icebp, native: fault(at + 1, vector: 3), emulated: fault(at + 2, vector: 3), host: quirky)
    {
    } else {
      Issue.record("a #BP EIP difference was not judged")
    }
  }

  /// The real host answers each probe with one of the SDM's choices (or the known hypervisor quirk), and the
  /// harness names its vendor.
  @Test(.enabled(if: NativeOracle.hostCanRun, "the native oracle needs an x86 Linux host"))
  func hostAnswersEachProbe() throws {
    guard let oracle = DifferentialTests.oracleOrRecord() else { return }
    let profile = try HostProfile.probe(oracle)
    #expect(profile.pushSegmentWrites != nil)
    #expect(profile.icebp == .afterInstruction || profile.icebp == .atInstruction)
    #expect(!profile.vendor.isEmpty && profile.vendor != "unknown vendor")
    #expect(profile.lines[0].hasPrefix("host: \(profile.vendor)"))
    print(profile.lines.joined(separator: "\n"))
  }
}
