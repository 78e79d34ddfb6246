import Emulator

/// Something that runs conformance cases and reports their outcomes: the host processor through `NativeOracle`,
/// or (in tests) an emulated stand-in for another vendor's processor.
public protocol ConformanceHost {
  func run(_ cases: [ConformanceCase]) throws -> [ConformanceOutcome]
}

extension NativeOracle: ConformanceHost {}

/// What the harness learnt about the host before comparing: who made it, and how it answers each question where
/// the SDM allows more than one answer or where a hypervisor may stand between the program and the processor.
///
/// Each behaviour is probed once, by running a tiny fragment through the host, and the emulated CPU is configured
/// the same way for the comparison (`model`). What the host cannot be trusted to answer is listed in `notJudged`,
/// and the cases it touches are counted as "not judged here", never as passed.
public struct HostProfile: Sendable, Equatable {
  /// How the host reports the #DB of INT1 (ICEBP, F1).
  public enum ICEBPReport: Sendable, Equatable {
    /// After the instruction, as the SDM defines it (vol. 2, "INT n/INTO/INT3/INT1": INT1 raises a trap-like
    /// #DB): the host is a reliable judge.
    case afterInstruction
    /// At the instruction itself: what a hypervisor that intercepts ICEBP and re-injects the #DB as a fault (seen on
    /// AMD EPYC under KVM) reports. Not the architecture's answer, so the fault EIP of these cases is not judged.
    case atInstruction
    /// Anything else (another vector, no fault): the cases are compared as they are and will fail.
    case unexpected(String)
  }

  /// CPUID leaf 0's vendor string ("GenuineIntel", "AuthenticAMD", …).
  public var vendor: String
  /// The brand string of leaves 0x80000002–4, when the host has them.
  public var brand: String
  /// CPUID.1:ECX bit 31: the host runs under a hypervisor.
  public var hypervisor: Bool
  /// How the host's PUSH Sreg fills a 32-bit slot; nil when it did neither thing the SDM allows.
  public var pushSegmentWrites: CPUModel.PushSegmentWrite?
  public var icebp: ICEBPReport

  public init(
    vendor: String, brand: String = "", hypervisor: Bool = false,
    pushSegmentWrites: CPUModel.PushSegmentWrite?, icebp: ICEBPReport
  ) {
    self.vendor = vendor
    self.brand = brand
    self.hypervisor = hypervisor
    self.pushSegmentWrites = pushSegmentWrites
    self.icebp = icebp
  }

  /// The emulated CPU for the comparison: the host's answer to each implementation-defined question (the default
  /// model where the host gave no answer the SDM allows, so those cases fail and show it).
  public var model: CPUModel {
    var model = CPUModel()
    if let pushSegmentWrites { model.pushSegmentWrites = pushSegmentWrites }
    return model
  }

  /// What the harness cannot judge on this host, one line each (empty when the host is a reliable judge of all).
  public var notJudged: [String] {
    icebp == .atInstruction
      ? [
        "INT1 (ICEBP, F1): the host reports its #DB at the instruction, not after it as the SDM's trap "
          + "(vol. 2, INT n/INTO/INT3/INT1) — a hypervisor's re-injection; the #DB's EIP is not judged"
      ] : []
  }

  /// The lines the harness prints before its results: the host, the emulated CPU model chosen from the probes, and
  /// what is not judged here.
  public var lines: [String] {
    var lines = [
      "host: \(vendor)\(brand.isEmpty ? "" : " (\(brand))")\(hypervisor ? ", under a hypervisor" : "")",
      "emulated CPU model (as the host): \(model)"
        + (pushSegmentWrites == nil ? " (the host's PUSH Sreg did neither thing the SDM allows)" : ""),
    ]
    if case .unexpected(let what) = icebp { lines.append("INT1 (ICEBP) probe: unexpected \(what)") }
    lines += notJudged.map { "not judged here: " + $0 }
    return lines
  }

  // MARK: Probes

  /// The window filler the PUSH probe writes over.
  static let filler: UInt8 = 0xA5

  /// The probe fragments, in the order `interpret` expects their outcomes: CPUID leaves 0, 1, 0x80000000,
  /// 0x80000002–4, then `push es` into a slot filled with 0xA5, then a lone INT1.
  public static var probes: [ConformanceCase] {
    let window = [UInt8](repeating: filler, count: ConformanceLayout.windowSize)
    func cpuid(_ leaf: UInt32) -> ConformanceCase {
      ConformanceCase(
        code: [0x0F, 0xA2], registers: [leaf, 0, 0, 0, ConformanceLayout.caseStackTop, 0, 0, 0], eflags: 0x2,
        window: window)
    }
    let push = ConformanceCase(
      code: [0x06], registers: [0, 0, 0, 0, ConformanceLayout.windowAddress + 16, 0, 0, 0], eflags: 0x2,
      window: window)
    let icebp = ConformanceCase(
      code: [0xF1], registers: [0, 0, 0, 0, ConformanceLayout.caseStackTop, 0, 0, 0], eflags: 0x2, window: window)
    return [cpuid(0), cpuid(1), cpuid(0x8000_0000), cpuid(0x8000_0002), cpuid(0x8000_0003), cpuid(0x8000_0004)]
      + [push, icebp]
  }

  /// Runs the probes on `host` and reads its answers.
  public static func probe(_ host: any ConformanceHost) throws -> HostProfile {
    try interpret(host.run(probes))
  }

  /// Reads the answers to `probes` (pure, so a test can feed it each possible answer).
  public static func interpret(_ outcomes: [ConformanceOutcome]) -> HostProfile {
    precondition(outcomes.count == probes.count)
    func ascii(_ words: [UInt32]) -> String {
      let bytes = words.flatMap { w in (0..<4).map { UInt8(truncatingIfNeeded: w >> (8 * UInt32($0))) } }
      return String(decoding: bytes.prefix { $0 != 0 }, as: UTF8.self).trimmingSpaces
    }
    func registers(_ i: Int) -> [UInt32] { outcomes[i].vector == nil ? outcomes[i].registers : [0, 0, 0, 0] }
    let leaf0 = registers(0)
    let vendor = ascii([leaf0[3], leaf0[2], leaf0[1]])  // EBX, EDX, ECX
    let hypervisor = registers(1)[1] & 0x8000_0000 != 0
    // The brand string is EAX EBX ECX EDX of each leaf (registers are in ModRM order EAX ECX EDX EBX).
    let brand =
      registers(2)[0] >= 0x8000_0004
      ? ascii((3...5).flatMap { leaf in [0, 3, 1, 2].map { registers(leaf)[$0] } }) : ""
    return HostProfile(
      vendor: vendor.isEmpty ? "unknown vendor" : vendor, brand: brand, hypervisor: hypervisor,
      pushSegmentWrites: pushAnswer(outcomes[6]), icebp: icebpAnswer(outcomes[7]))
  }

  /// `push es` with ESP at window + 16: the slot is window[12...15]; ES is 0x2B.
  static func pushAnswer(_ outcome: ConformanceOutcome) -> CPUModel.PushSegmentWrite? {
    guard outcome.vector == nil else { return nil }
    switch Array(outcome.window[12...15]) {
    case [0x2B, 0, 0, 0]: return .zeroExtended32
    case [0x2B, 0, filler, filler]: return .low16Only
    default: return nil
    }
  }

  static func icebpAnswer(_ outcome: ConformanceOutcome) -> ICEBPReport {
    guard outcome.vector == 1 else {
      return .unexpected(outcome.vector.map { "vector \($0)" } ?? "no exception")
    }
    switch outcome.faultEIP {
    case ConformanceLayout.codeAddress + 1: return .afterInstruction
    case ConformanceLayout.codeAddress: return .atInstruction
    default: return .unexpected("#DB at eip 0x\(String(outcome.faultEIP, radix: 16))")
    }
  }
}

extension String {
  fileprivate var trimmingSpaces: String {
    var s = Substring(self)
    while s.first == " " { s = s.dropFirst() }
    while s.last == " " { s = s.dropLast() }
    return String(s)
  }
}
