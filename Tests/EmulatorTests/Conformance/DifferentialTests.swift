import Testing

@testable import Emulator

/// Differential conformance: seeded random ALU-class instructions run natively (the host CPU through
/// `NativeOracle`) and on the emulator (`CPUTestBench`), which must agree on every GPR, the 64-byte data window
/// and the EFLAGS bits the SDM defines for that instruction.
///
/// Scope: 00–3D in all widths, 80/81/82/83, INC/DEC, NEG/NOT/TEST, C0/C1/D0–D3 (except the undocumented /6),
/// MUL/IMUL/DIV/IDIV (operands chosen so the division does not fault; a case that still faults must fault with the
/// same vector on both), BSF/BSR, CMOVcc, SETcc, BT/BTS/BTR/BTC (register bit offset: register destination only,
/// since a register offset into memory addresses outside the operand; immediate offset: register or memory),
/// DAA/DAS/AAA/AAS/AAM/AAD. Memory operands are [base], [base+disp8], [disp32] and [base+index*scale+disp8],
/// always inside the window. Not covered: SHLD/SHRD, string, stack, control-flow and system instructions.
struct DifferentialTests {
  /// True where the oracle can run: 32-bit static Linux programs need an x86 Linux host.
  static let hostRunsOracle: Bool = {
    #if os(Linux) && (arch(x86_64) || arch(i386))
      return true
    #else
      return false
    #endif
  }()

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

  /// The instruction groups the generator draws from; each is one parameterised test run.
  enum Family: String, CaseIterable, Sendable {
    case aluClassic, aluGroup1, incDec, negNotTest, shiftRotate, doubleShift, mulDiv, bitScan, cmov, setcc, bitTest
    case bcd
  }

  /// Flags the SDM (vol. 2, each instruction's "Flags Affected") leaves undefined; these bits are not compared.
  enum Undefined {
    static let of = EFLAGS.of, sf = EFLAGS.sf, zf = EFLAGS.zf, af = EFLAGS.af, pf = EFLAGS.pf, cf = EFLAGS.cf
    /// AND, OR, XOR, TEST: "The OF and CF flags are cleared; the SF, ZF, and PF flags are set according to the
    /// result. The state of the AF flag is undefined."
    static let logic = af
    /// SAL/SAR/SHL/SHR with a non-zero masked count: "For a non-zero count, the AF flag is undefined." OF: "The OF
    /// flag is affected only for 1-bit shifts … otherwise, it is undefined." CF: "undefined for SHL and SHR
    /// instructions where the count is greater than or equal to the size (in bits) of the destination operand."
    static func shift(op: Int, maskedCount: UInt32, width: Int) -> UInt32 {
      guard maskedCount != 0 else { return 0 }  // "If the count is 0, the flags are not affected."
      var undefined = af
      if maskedCount != 1 { undefined |= of }
      if (op == 4 || op == 5) && maskedCount >= UInt32(width * 8) { undefined |= cf }
      return undefined
    }
    /// RCL/RCR/ROL/ROR: "The OF flag is defined only for the 1-bit rotates; it is undefined in all other cases
    /// (except RCL and RCR instructions only: a zero-bit rotate does nothing, that is affects no flags)."
    /// SF, ZF, AF, PF are not affected.
    static func rotate(maskedCount: UInt32) -> UInt32 { maskedCount > 1 ? of : 0 }
    /// SHLD/SHRD: "If the count is 1 or greater, … the AF flag is undefined … For a 1-bit shift, the OF flag is set
    /// if a sign change occurred; otherwise, it is cleared. For shifts greater than 1 bit, the OF flag is undefined.
    /// If the count operand is 0, flags are not affected. If the count is greater than the operand size, the flags
    /// are undefined" (and so is the destination).
    static func doubleShift(maskedCount: UInt32, width: Int) -> UInt32 {
      guard maskedCount != 0 else { return 0 }
      if maskedCount > UInt32(width * 8) { return cf | of | sf | zf | af | pf }
      return maskedCount == 1 ? af : af | of
    }
    /// MUL, IMUL (all forms): "The SF, ZF, AF, and PF flags are undefined." (CF/OF defined.)
    static let multiply = sf | zf | af | pf
    /// DIV, IDIV: "The CF, OF, SF, ZF, AF, and PF flags are undefined."
    static let divide = cf | of | sf | zf | af | pf
    /// BSF, BSR: "The ZF flag is set to 1 if the source operand is 0; otherwise, the ZF flag is cleared. The CF,
    /// OF, SF, AF, and PF flags are undefined." (The destination is undefined when the source is 0.)
    static let bitScan = cf | of | sf | af | pf
    /// BT, BTS, BTR, BTC: "The CF flag contains the value of the selected bit. The ZF flag is unaffected. The OF,
    /// SF, AF, and PF flags are undefined."
    static let bitTest = of | sf | af | pf
    /// DAA, DAS: "The OF flag is undefined."
    static let daa = of
    /// AAA, AAS: "The OF, SF, ZF, and PF flags are undefined."
    static let aaa = of | sf | zf | pf
    /// AAM, AAD: "The OF, AF, and CF flags are undefined." (SF, ZF, PF set from AL.)
    static let aam = of | af | cf
  }

  /// One generated case with what the comparison must ignore.
  struct Generated {
    var testCase: NativeOracle.Case
    var undefinedFlags: UInt32
    /// Registers the SDM leaves undefined (the destination of BSF/BSR with a zero source).
    var undefinedRegisters: Set<Int>
  }

  /// Where an r/m operand ended up: a register (ModRM number) or a byte offset into the data window.
  enum Operand {
    case register(Int)
    case memory(Int)
  }

  /// Builds one instruction at a time: random registers and window, then the bytes.
  struct CaseGenerator {
    var random: SplitMix64
    var registers = [UInt32](repeating: 0, count: 8)
    var window = [UInt8](repeating: 0, count: NativeOracle.windowSize)
    var code: [UInt8] = []

    init(seed: UInt64) { random = SplitMix64(state: seed) }

    mutating func below(_ n: Int) -> Int { Int(random.next() % UInt64(n)) }
    mutating func chance(_ percent: Int) -> Bool { below(100) < percent }

    /// A 32-bit value biased towards the edges where flags change.
    mutating func value() -> UInt32 {
      let raw = UInt32(truncatingIfNeeded: random.next())
      switch below(10) {
      case 0: return [0, 1, 0x7F, 0x80, 0xFF, 0x7FFF, 0x8000, 0xFFFF, 0x7FFF_FFFF, 0x8000_0000, 0xFFFF_FFFF][below(11)]
      case 1: return raw & 0xFF
      case 2: return raw & 0xF
      case 3: return raw | 0xFFFF_FF00
      default: return raw
      }
    }

    mutating func begin() {
      registers = (0..<8).map { _ in value() }
      registers[4] = NativeOracle.caseStackTop
      window = (0..<NativeOracle.windowSize).map { _ in UInt8(truncatingIfNeeded: value()) }
      code = []
    }

    /// Arithmetic flags and DF at random, bit 1 set.
    mutating func flags() -> UInt32 {
      UInt32(truncatingIfNeeded: random.next()) & (EFLAGS.arithmetic | EFLAGS.df) | EFLAGS.reserved1
    }

    mutating func width() -> Int { [1, 2, 4][below(3)] }
    mutating func wideWidth() -> Int { chance(50) ? 2 : 4 }
    mutating func prefix(_ width: Int) { if width == 2 { code.append(0x66) } }

    mutating func immediate(_ width: Int) {
      let v = value()
      for i in 0..<width { code.append(UInt8(truncatingIfNeeded: v >> (8 * UInt32(i)))) }
    }

    /// Appends ModRM (+SIB, displacement) with `reg` in bits 5–3. A memory operand of `size` bytes lies inside the
    /// window; its address registers (never ESP) are set here, after the random values.
    mutating func modrm(reg: Int, size: Int, allowMemory: Bool = true) -> Operand {
      guard allowMemory && chance(50) else {
        let rm = below(8)
        code.append(0xC0 | UInt8(reg << 3 | rm))
        return .register(rm)
      }
      let target = below(NativeOracle.windowSize - size + 1)
      let address = NativeOracle.windowAddress &+ UInt32(target)
      let usable = [0, 1, 2, 3, 5, 6, 7]
      switch below(4) {
      case 0:  // [base]
        let base = [0, 1, 2, 3, 6, 7][below(6)]
        code.append(UInt8(reg << 3 | base))
        registers[base] = address
      case 1:  // [base + disp8]
        let base = usable[below(usable.count)]
        let displacement = below(65) - 32
        code += [0x40 | UInt8(reg << 3 | base), UInt8(truncatingIfNeeded: displacement)]
        registers[base] = address &- UInt32(bitPattern: Int32(displacement))
      case 2:  // [disp32]
        code.append(UInt8(reg << 3 | 5))
        code += NativeOracle.bytes(address)
      default:  // [base + index * scale + disp8]
        let base = usable[below(usable.count)]
        var index = usable[below(usable.count)]
        while index == base { index = usable[below(usable.count)] }
        let scale = below(4)
        let displacement = below(65) - 32
        let indexValue = UInt32(below(16))
        code += [
          0x44 | UInt8(reg << 3), UInt8(scale << 6 | index << 3 | base), UInt8(truncatingIfNeeded: displacement),
        ]
        registers[index] = indexValue
        registers[base] = address &- UInt32(bitPattern: Int32(displacement)) &- (indexValue << UInt32(scale))
      }
      return .memory(target)
    }

    func read(_ operand: Operand, width: Int) -> UInt32 {
      switch operand {
      case .register(let r):
        if width == 1 { return r < 4 ? registers[r] & 0xFF : (registers[r - 4] >> 8) & 0xFF }
        return width == 2 ? registers[r] & 0xFFFF : registers[r]
      case .memory(let offset):
        return (0..<width).reduce(UInt32(0)) { $0 | UInt32(window[offset + $1]) << (8 * UInt32($1)) }
      }
    }

    func finish(undefinedFlags: UInt32, undefinedRegisters: Set<Int> = []) -> Generated {
      var registers = self.registers
      registers[4] = NativeOracle.caseStackTop
      return Generated(
        testCase: NativeOracle.Case(code: code, registers: registers, eflags: 0, window: window),
        undefinedFlags: undefinedFlags, undefinedRegisters: undefinedRegisters)
    }

    /// One case of `family`.
    mutating func make(_ family: Family) -> Generated {
      while true {
        begin()
        let eflags = flags()
        guard var generated = attempt(family) else { continue }
        generated.testCase.eflags = eflags
        return generated
      }
    }

    /// Builds the instruction; nil when the operands came out unusable (a division that would fault).
    mutating func attempt(_ family: Family) -> Generated? {
      switch family {
      case .aluClassic:
        let op = below(8)
        let undefined = [1, 4, 6].contains(op) ? Undefined.logic : 0
        switch below(6) {
        case 0, 2:
          code.append(UInt8(op * 8 + (chance(50) ? 0 : 2)))
          _ = modrm(reg: below(8), size: 1)
        case 1, 3:
          let w = wideWidth()
          prefix(w)
          code.append(UInt8(op * 8 + (chance(50) ? 1 : 3)))
          _ = modrm(reg: below(8), size: w)
        case 4:
          code.append(UInt8(op * 8 + 4))
          immediate(1)
        default:
          let w = wideWidth()
          prefix(w)
          code.append(UInt8(op * 8 + 5))
          immediate(w)
        }
        return finish(undefinedFlags: undefined)
      case .aluGroup1:
        let op = below(8)
        let undefined = [1, 4, 6].contains(op) ? Undefined.logic : 0
        switch below(3) {
        case 0:
          code.append(chance(80) ? 0x80 : 0x82)
          _ = modrm(reg: op, size: 1)
          immediate(1)
        case 1:
          let w = wideWidth()
          prefix(w)
          code.append(0x81)
          _ = modrm(reg: op, size: w)
          immediate(w)
        default:
          let w = wideWidth()
          prefix(w)
          code.append(0x83)
          _ = modrm(reg: op, size: w)
          immediate(1)
        }
        return finish(undefinedFlags: undefined)
      case .incDec:
        let op = below(2)
        if chance(30) {
          let w = wideWidth()
          prefix(w)
          code.append(UInt8(0x40 + op * 8 + below(8)))
        } else {
          let w = width()
          prefix(w)
          code.append(w == 1 ? 0xFE : 0xFF)
          _ = modrm(reg: op, size: w)
        }
        return finish(undefinedFlags: 0)
      case .negNotTest:
        let w = width()
        switch below(3) {
        case 0:
          let op = [0, 2, 3][below(3)]
          prefix(w)
          code.append(w == 1 ? 0xF6 : 0xF7)
          _ = modrm(reg: op, size: w)
          if op == 0 { immediate(w) }
          return finish(undefinedFlags: op == 0 ? Undefined.logic : 0)
        case 1:
          prefix(w)
          code.append(w == 1 ? 0x84 : 0x85)
          _ = modrm(reg: below(8), size: w)
        default:
          prefix(w)
          code.append(w == 1 ? 0xA8 : 0xA9)
          immediate(w)
        }
        return finish(undefinedFlags: Undefined.logic)
      case .shiftRotate:
        let op = [0, 1, 2, 3, 4, 5, 7][below(7)]
        let w = width()
        prefix(w)
        let form = below(3)
        if form == 2 {  // count in CL: 0–31 mostly, sometimes any byte (masked to 5 bits)
          registers[1] = registers[1] & 0xFFFF_FF00 | UInt32(chance(80) ? below(32) : below(256))
        }
        code.append(UInt8([w == 1 ? 0xC0 : 0xC1, w == 1 ? 0xD0 : 0xD1, w == 1 ? 0xD2 : 0xD3][form]))
        _ = modrm(reg: op, size: w)
        var count: UInt32 = 1
        if form == 0 {
          count = UInt32(below(32))
          code.append(UInt8(count))
        } else if form == 2 {
          count = registers[1] & 0xFF
        }
        let masked = count & 0x1F
        let undefined =
          op < 4 ? Undefined.rotate(maskedCount: masked) : Undefined.shift(op: op, maskedCount: masked, width: w)
        return finish(undefinedFlags: undefined)
      case .doubleShift:
        let w = wideWidth()
        prefix(w)
        let byCL = chance(50)
        if byCL { registers[1] = registers[1] & 0xFFFF_FF00 | UInt32(chance(80) ? below(32) : below(256)) }
        code += [0x0F, [0xA4, 0xAC][below(2)] + (byCL ? 1 : 0)]
        let destination = modrm(reg: below(8), size: w)
        var count = registers[1] & 0xFF
        if !byCL {
          count = UInt32(below(32))
          code.append(UInt8(count))
        }
        let masked = count & 0x1F
        var undefinedRegisters: Set<Int> = []
        var outOfRange = false
        if masked > UInt32(w * 8) {
          if case .register(let r) = destination { undefinedRegisters.insert(r) } else { outOfRange = true }
        }
        if outOfRange { return nil }  // an undefined result in the window cannot be masked per register
        return finish(
          undefinedFlags: Undefined.doubleShift(maskedCount: masked, width: w), undefinedRegisters: undefinedRegisters)
      case .mulDiv:
        let w = width()
        switch below(w == 1 ? 1 : 4) {
        case 0:
          let op = 4 + below(4)
          let signed = op == 5 || op == 7
          if op >= 6 && chance(90) {
            // Keep the quotient in range most of the time: a small high half, or the low half sign-extended.
            let low = registers[0]
            switch w {
            case 1: registers[0] = low & 0xFFFF_00FF | (signed ? (low & 0x80 != 0 ? 0xFF00 : 0) : 0)
            case 2: registers[2] = registers[2] & 0xFFFF_0000 | (signed ? (low & 0x8000 != 0 ? 0xFFFF : 0) : 0)
            default: registers[2] = signed ? (low & 0x8000_0000 != 0 ? 0xFFFF_FFFF : 0) : 0
            }
          }
          prefix(w)
          code.append(w == 1 ? 0xF6 : 0xF7)
          let source = modrm(reg: op, size: w)
          if op >= 6 {
            if divisionFaults(signed: signed, width: w, divisor: read(source, width: w)) { return nil }
            return finish(undefinedFlags: Undefined.divide)
          }
        case 1:
          prefix(w)
          code += [0x0F, 0xAF]
          _ = modrm(reg: below(8), size: w)
        case 2:
          prefix(w)
          code.append(0x69)
          _ = modrm(reg: below(8), size: w)
          immediate(w)
        default:
          prefix(w)
          code.append(0x6B)
          _ = modrm(reg: below(8), size: w)
          immediate(1)
        }
        return finish(undefinedFlags: Undefined.multiply)
      case .bitScan:
        let w = wideWidth()
        prefix(w)
        code += [0x0F, chance(50) ? 0xBC : 0xBD]
        let destination = below(8)
        let source = modrm(reg: destination, size: w)
        let zero = read(source, width: w) == 0
        return finish(undefinedFlags: Undefined.bitScan, undefinedRegisters: zero ? [destination] : [])
      case .cmov:
        let w = wideWidth()
        prefix(w)
        code += [0x0F, UInt8(0x40 + below(16))]
        _ = modrm(reg: below(8), size: w)
        return finish(undefinedFlags: 0)
      case .setcc:
        code += [0x0F, UInt8(0x90 + below(16))]
        _ = modrm(reg: 0, size: 1)
        return finish(undefinedFlags: 0)
      case .bitTest:
        let w = wideWidth()
        prefix(w)
        if chance(50) {
          code += [0x0F, [0xA3, 0xAB, 0xB3, 0xBB][below(4)]]
          _ = modrm(reg: below(8), size: w, allowMemory: false)
        } else {
          code += [0x0F, 0xBA]
          _ = modrm(reg: 4 + below(4), size: w)
          code.append(UInt8(below(chance(80) ? 32 : 256)))
        }
        return finish(undefinedFlags: Undefined.bitTest)
      case .bcd:
        switch below(6) {
        case 0:
          code.append(0x27)
          return finish(undefinedFlags: Undefined.daa)
        case 1:
          code.append(0x2F)
          return finish(undefinedFlags: Undefined.daa)
        case 2:
          code.append(0x37)
          return finish(undefinedFlags: Undefined.aaa)
        case 3:
          code.append(0x3F)
          return finish(undefinedFlags: Undefined.aaa)
        case 4:
          code += [0xD4, chance(70) ? 10 : UInt8(1 + below(255))]
          return finish(undefinedFlags: Undefined.aam)
        default:
          code += [0xD5, chance(70) ? 10 : UInt8(below(256))]
          return finish(undefinedFlags: Undefined.aam)
        }
      }
    }

    /// Whether DIV/IDIV of the accumulator by `divisor` raises #DE: a zero divisor or a quotient out of range.
    func divisionFaults(signed: Bool, width: Int, divisor: UInt32) -> Bool {
      if divisor == 0 { return true }
      let bits = width * 8
      let dividend: UInt64
      switch width {
      case 1: dividend = UInt64(registers[0] & 0xFFFF)
      case 2: dividend = UInt64(registers[2] & 0xFFFF) << 16 | UInt64(registers[0] & 0xFFFF)
      default: dividend = UInt64(registers[2]) << 32 | UInt64(registers[0])
      }
      if !signed { return dividend / UInt64(divisor) > (UInt64(1) << bits) - 1 }
      let shift = UInt64(64 - 2 * bits)
      let signedDividend = Int64(bitPattern: dividend << shift) >> Int64(shift)
      let signedDivisor = Int64(bitPattern: UInt64(divisor) << UInt64(64 - bits)) >> Int64(64 - bits)
      let (quotient, overflow) = signedDividend.dividedReportingOverflow(by: signedDivisor)
      return overflow || quotient < -(Int64(1) << (bits - 1)) || quotient > (Int64(1) << (bits - 1)) - 1
    }
  }

  /// Runs `code` + HLT on the bench with the case's registers, flags and window.
  static func emulate(_ c: NativeOracle.Case, on bench: CPUTestBench) -> NativeOracle.Outcome {
    let cpu = bench.cpu
    for (i, value) in c.registers.enumerated() { cpu[CPU.Register32(rawValue: i)!] = value }
    cpu.eflags = c.eflags
    bench.memory.write(c.window, at: NativeOracle.windowAddress)
    bench.memory.write32(CPUTestBench.lastVectorAddress, 0xFFFF_FFFF)
    cpu.eip = CPUTestBench.codeBase
    cpu.halted = false
    bench.run(c.code + hlt, maxInstructions: 16)
    let vector = bench.lastVector
    let window = (0..<NativeOracle.windowSize).map { bench.memory.read8(NativeOracle.windowAddress + UInt32($0)) }
    return NativeOracle.Outcome(
      vector: vector == 0xFFFF_FFFF ? nil : vector, signal: 0,
      registers: CPU.Register32.allCases.map { cpu[$0] }, eflags: cpu.eflags, window: window)
  }

  static let registerNames = ["eax", "ecx", "edx", "ebx", "esp", "ebp", "esi", "edi"]

  /// What differs, or nil when the outcomes agree on everything defined.
  static func difference(_ g: Generated, native: NativeOracle.Outcome, emulated: NativeOracle.Outcome) -> String? {
    if native.vector != nil || emulated.vector != nil {
      if native.vector == emulated.vector { return nil }
      return "fault vector native \(describe(native.vector)) emulated \(describe(emulated.vector))"
    }
    var parts: [String] = []
    for i in 0..<8 where !g.undefinedRegisters.contains(i) && native.registers[i] != emulated.registers[i] {
      parts.append("\(registerNames[i]) native \(hex(native.registers[i])) emulated \(hex(emulated.registers[i]))")
    }
    let mask = (EFLAGS.arithmetic | EFLAGS.df) & ~g.undefinedFlags
    if native.eflags & mask != emulated.eflags & mask {
      parts.append(
        "flags native [\(EFLAGS.describe(native.eflags & mask))] emulated [\(EFLAGS.describe(emulated.eflags & mask))]"
          + " (compared: \(EFLAGS.describe(mask)))")
    }
    for i in 0..<NativeOracle.windowSize where native.window[i] != emulated.window[i] {
      parts.append("window[\(i)] native \(native.window[i]) emulated \(emulated.window[i])")
    }
    return parts.isEmpty ? nil : parts.joined(separator: "; ")
  }

  static func describe(_ vector: UInt32?) -> String { vector.map { "#\($0)" } ?? "none" }
  static func hex(_ v: UInt32) -> String { "0x" + String(v, radix: 16) }

  static let casesPerFamily = 1700  // 12 families: 20,400 cases in every `swift test`

  static func oracleOrRecord() -> NativeOracle? {
    switch NativeOracle.shared {
    case .success(let built): return built
    case .failure(let failure):
      Issue.record("\(failure)")
      return nil
    }
  }

  static func plainCase(_ code: [UInt8], _ registers: [UInt32], eflags: UInt32 = EFLAGS.reserved1) -> NativeOracle.Case
  {
    var registers = registers
    registers[4] = NativeOracle.caseStackTop
    return NativeOracle.Case(
      code: code, registers: registers, eflags: eflags,
      window: [UInt8](repeating: 0, count: NativeOracle.windowSize))
  }

  /// The oracle itself, checked against results worked out by hand from the SDM, so the differential test
  /// cannot pass by both sides reporting nothing.
  @Test(.enabled(if: hostRunsOracle, "the native oracle needs an x86 Linux host"))
  func oracleReportsHandWorkedResults() throws {
    guard let oracle = Self.oracleOrRecord() else { return }
    var memoryCase = Self.plainCase([0x00, 0x03], [0x7F, 0, 0, NativeOracle.windowAddress, 0, 0, 0, 0])
    memoryCase.window[0] = 0x81
    let outcomes = try oracle.run([
      // add al, bl: 0x7F + 0x01 = 0x80 sets OF (signed overflow), SF, AF (carry out of bit 3); PF clear (one bit).
      Self.plainCase([0x00, 0xD8], [0x1234_567F, 0, 0, 1, 0, 0, 0, 0]),
      // add [ebx], al: 0x81 + 0x7F = 0x100 leaves 0x00 with CF, ZF, AF, PF set.
      memoryCase,
      // div ecx with ECX = 0: #DE, vector 0.
      Self.plainCase([0xF7, 0xF1], [5, 0, 0, 0, 0, 0, 0, 0]),
      // ud2: #UD, vector 6.
      Self.plainCase([0x0F, 0x0B], [0, 0, 0, 0, 0, 0, 0, 0]),
      // std; sub esp, 0x10: ESP is the case stack and DF comes back set.
      Self.plainCase([0xFD, 0x83, 0xEC, 0x10], [0, 0, 0, 0, 0, 0, 0, 0]),
    ])
    let arithmeticAndDF = EFLAGS.arithmetic | EFLAGS.df
    #expect(outcomes[0].vector == nil)
    #expect(outcomes[0].registers[0] == 0x1234_5680)
    #expect(outcomes[0].eflags & arithmeticAndDF == EFLAGS.of | EFLAGS.sf | EFLAGS.af)
    #expect(outcomes[1].window[0] == 0x00)
    #expect(outcomes[1].eflags & arithmeticAndDF == EFLAGS.cf | EFLAGS.zf | EFLAGS.af | EFLAGS.pf)
    #expect(outcomes[2].vector == 0 && outcomes[2].signal == 8)  // SIGFPE
    #expect(outcomes[3].vector == 6 && outcomes[3].signal == 4)  // SIGILL
    #expect(outcomes[4].registers[4] == NativeOracle.caseStackTop - 0x10)
    #expect(outcomes[4].eflags & EFLAGS.df != 0)
  }

  /// The comparison notices a wrong result in a register, a defined flag and the window, and ignores only the
  /// undefined flags it is told about.
  @Test func comparisonFlagsDefinedDifferencesOnly() {
    let base = NativeOracle.Outcome(
      vector: nil, signal: 0, registers: [1, 2, 3, 4, 5, 6, 7, 8], eflags: 0x2 | EFLAGS.cf,
      window: [UInt8](repeating: 0, count: NativeOracle.windowSize))
    let generated = Generated(
      testCase: Self.plainCase([0x90], [0, 0, 0, 0, 0, 0, 0, 0]), undefinedFlags: EFLAGS.af, undefinedRegisters: [])
    var register = base
    register.registers[3] = 5
    var flag = base
    flag.eflags |= EFLAGS.zf
    var undefinedFlag = base
    undefinedFlag.eflags |= EFLAGS.af
    var window = base
    window.window[63] = 1
    var fault = base
    fault.vector = 0
    #expect(Self.difference(generated, native: base, emulated: base) == nil)
    #expect(Self.difference(generated, native: base, emulated: register) != nil)
    #expect(Self.difference(generated, native: base, emulated: flag) != nil)
    #expect(Self.difference(generated, native: base, emulated: undefinedFlag) == nil)
    #expect(Self.difference(generated, native: base, emulated: window) != nil)
    #expect(Self.difference(generated, native: base, emulated: fault) != nil)
  }

  @Test(
    .enabled(if: hostRunsOracle, "the native oracle needs an x86 Linux host"),
    arguments: Family.allCases)
  func emulatorMatchesNativeExecution(family: Family) throws {
    guard let oracle = Self.oracleOrRecord() else { return }
    var generator = CaseGenerator(seed: 0x1_2345 &+ UInt64(Family.allCases.firstIndex(of: family)!))
    let generated = (0..<Self.casesPerFamily).map { _ in generator.make(family) }
    let native = try oracle.run(generated.map(\.testCase))
    let bench = CPUTestBench()
    bench.installRecordingIDT()
    var reported = 0
    var mismatches = 0
    for (g, expected) in zip(generated, native) {
      let actual = Self.emulate(g.testCase, on: bench)
      guard let difference = Self.difference(g, native: expected, emulated: actual) else { continue }
      mismatches += 1
      guard reported < 12 else { continue }
      reported += 1
      let text = Disassembler().decode(g.testCase.code, at: CPUTestBench.codeBase).text
      let bytes = g.testCase.code.map { String($0, radix: 16) }.joined(separator: " ")
      let registers = g.testCase.registers.map(Self.hex).joined(separator: " ")
      let message =
        "\(family) \(bytes) (\(text)): \(difference)\n  in: regs \(registers) flags "
        + "\(Self.hex(g.testCase.eflags)) window \(Array(g.testCase.window.prefix(16)))"
      Issue.record(Comment(rawValue: message))
    }
    #expect(mismatches == 0, "\(mismatches) of \(Self.casesPerFamily) \(family) cases differ")
  }
}
