import Emulator

/// Compares the native and the emulated outcome of a case and describes a failure for a person.
public enum Comparison {
  /// The EFLAGS bits compared (less the case's undefined ones): the status flags, DF, and the system flags a
  /// user program can see (TF IF IOPL NT AC ID).
  public static let comparedFlags =
    EFLAGS.arithmetic | EFLAGS.df | EFLAGS.tf | EFLAGS.if | EFLAGS.iopl | EFLAGS.nt | EFLAGS.ac | EFLAGS.id

  public static let registerNames = ["eax", "ecx", "edx", "ebx", "esp", "ebp", "esi", "edi"]

  /// Each field that differs, as "field: native X, emulated Y"; empty when the outcomes agree on everything the SDM
  /// defines. With a fault on either side, the vector, error code and faulting EIP are compared (not the state).
  public static func differences(
    _ g: GeneratedCase, native: ConformanceOutcome, emulated: ConformanceOutcome
  ) -> [String] {
    var parts: [String] = []
    if native.vector != nil || emulated.vector != nil {
      if native.vector != emulated.vector {
        return [
          "fault: native \(describe(native.vector, signal: native.signal)), emulated "
            + describe(emulated.vector, signal: emulated.signal)
        ]
      }
      if native.errorCode != emulated.errorCode {
        parts.append("error code: native \(hex(native.errorCode)), emulated \(hex(emulated.errorCode))")
      }
      if native.faultEIP != emulated.faultEIP {
        parts.append("fault eip: native \(hex(native.faultEIP)), emulated \(hex(emulated.faultEIP))")
      }
      return parts
    }
    for i in 0..<8 where !g.undefinedRegisters.contains(i) && native.registers[i] != emulated.registers[i] {
      parts.append("\(registerNames[i]): native \(hex(native.registers[i])), emulated \(hex(emulated.registers[i]))")
    }
    let mask = comparedFlags & ~g.undefinedFlags
    if native.eflags & mask != emulated.eflags & mask {
      parts.append(
        "eflags: native \(hex(native.eflags & mask)) [\(EFLAGS.describe(native.eflags & mask))], emulated "
          + "\(hex(emulated.eflags & mask)) [\(EFLAGS.describe(emulated.eflags & mask))] (compared "
          + "\(hex(mask)))")
    }
    for s in SegmentRegister.allCases
    where native.selectors[s.rawValue] != emulated.selectors[s.rawValue]
      && !nullSelectorLostItsRPL(native: native.selectors[s.rawValue], emulated: emulated.selectors[s.rawValue])
    {
      parts.append(
        "\(s.name.lowercased()): native \(hex(UInt32(native.selectors[s.rawValue]))), emulated "
          + "\(hex(UInt32(emulated.selectors[s.rawValue])))")
    }
    for i in 0..<ConformanceLayout.windowSize where native.window[i] != emulated.window[i] {
      parts.append(
        "window[\(i)] (\(hex(ConformanceLayout.windowAddress + UInt32(i)))): native \(hex8(native.window[i])), "
          + "emulated \(hex8(emulated.window[i]))")
    }
    return parts
  }

  /// How a case came out: passed, failed with the differing fields, or not judged on this host (why).
  public enum Verdict: Equatable, Sendable {
    case passed
    case failed([String])
    case notJudged(String)
  }

  /// The verdict on a case given what the probes learnt about the host: the differences as `differences` finds
  /// them, except that a difference the host cannot be trusted on (`HostProfile.notJudged`) makes the case not
  /// judged instead of passed or failed. Only the exact field is excused: with ICEBP reported at the instruction,
  /// a case is not judged only when both sides took #DB with the same error code, and the emulated EIP is one byte
  /// past the native one with that byte an F1 of the fragment.
  public static func verdict(
    _ g: GeneratedCase, native: ConformanceOutcome, emulated: ConformanceOutcome, host: HostProfile
  ) -> Verdict {
    let found = differences(g, native: native, emulated: emulated)
    if found.isEmpty { return .passed }
    if host.icebp == .atInstruction, native.vector == 1, emulated.vector == 1,
      native.errorCode == emulated.errorCode, emulated.faultEIP == native.faultEIP &+ 1,
      g.testCase.code.indices.contains(Int(native.faultEIP &- ConformanceLayout.codeAddress)),
      g.testCase.code[Int(native.faultEIP &- ConformanceLayout.codeAddress)] == 0xF1
    {
      return .notJudged("INT1 #DB EIP")
    }
    return .failed(found)
  }

  /// A null selector with RPL 1–3 in DS/ES/FS/GS natively comes back as 0 when the host kernel took an interrupt
  /// during the case: its IRET to user mode reloads a data segment register whose (null) descriptor is not usable at
  /// CPL 3 with the null selector 0 (SDM vol. 2, IRET: "if … DPL < CPL … the segment register is loaded with a null
  /// selector"). That is the host's scheduling, not the instruction; both values are null selectors.
  static func nullSelectorLostItsRPL(native: UInt16, emulated: UInt16) -> Bool {
    native == 0 && emulated <= 3
  }

  /// The fragment's instructions, one per line, as the disassembler reads them at the code address.
  public static func disassembly(_ code: [UInt8]) -> [String] {
    var lines: [String] = []
    var offset = 0
    let disassembler = Disassembler()
    while offset < code.count {
      let instruction = disassembler.decode(
        Array(code[offset...]), at: ConformanceLayout.codeAddress &+ UInt32(offset))
      let bytes = instruction.bytes.map(hex8).joined(separator: " ")
      lines.append(
        "\(hex(instruction.address)): \(bytes.padding(toLength: 24, withPad: " ", startingAt: 0)) "
          + instruction.text)
      offset += max(instruction.length, 1)
    }
    return lines
  }

  /// A failure for a person: the family, the bytes, the disassembly, the initial state, each differing field.
  public static func report(_ g: GeneratedCase, index: Int, differences: [String]) -> String {
    let c = g.testCase
    var lines = ["case \(index) (\(g.family.rawValue)): \(c.code.map(hex8).joined(separator: " "))"]
    lines += disassembly(c.code).map { "    " + $0 }
    lines.append(
      "  initial: " + (0..<8).map { "\(registerNames[$0])=\(hex(c.registers[$0]))" }.joined(separator: " ")
        + " eflags=\(hex(c.eflags)) [\(EFLAGS.describe(c.eflags))]")
    for row in stride(from: 0, to: ConformanceLayout.windowSize, by: 32) {
      let bytes = c.window[row..<(row + 32)].map(hex8).joined()
      lines.append("  window+\(String(format3(row))): \(bytes)")
    }
    lines += differences.map { "  differs: " + $0 }
    return lines.joined(separator: "\n")
  }

  static func describe(_ vector: UInt32?, signal: UInt32 = 0) -> String {
    guard let vector else { return "none" }
    if vector == EmulatedMachine.hungVector { return "did not finish" + (signal != 0 ? " (eip \(hex(signal)))" : "") }
    return "#\(vector)" + (signal != 0 ? " (signal \(signal))" : "")
  }

  static func hex(_ v: UInt32) -> String { "0x" + String(v, radix: 16) }
  static func hex8(_ v: UInt8) -> String { v < 16 ? "0" + String(v, radix: 16) : String(v, radix: 16) }
  static func format3(_ v: Int) -> String {
    let text = String(v)
    return String(repeating: "0", count: max(0, 3 - text.count)) + text
  }
}
