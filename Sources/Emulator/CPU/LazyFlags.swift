/// Lazy evaluation of the six arithmetic flags.
///
/// Most flag results are never read: an ADD is usually followed by another instruction that overwrites them.
/// So an arithmetic instruction records what it did (operation, operands, result, width) and each flag is
/// computed only when something reads it — a conditional jump, PUSHF, or the dashboard.
enum FlagOp: UInt8 {
  /// `flagAux` holds the six flags themselves.
  case known
  case add, adc, sub, sbb
  /// AND, OR, XOR, TEST: CF = OF = 0, AF = 0 (undefined by the SDM; 0 like the hardware we compare with).
  case logic
  /// INC and DEC keep CF, which is saved in `flagAux`.
  case inc, dec
  /// ZF, SF and PF from the result; CF, OF and AF given explicitly in `flagAux` (shifts, multiplies).
  case explicitCOA
}

extension CPU {
  @_transparent
  func setFlags(_ op: FlagOp, result: UInt32, a: UInt32, b: UInt32, mask: UInt32) {
    flagOp = op
    flagResult = result
    flagA = a
    flagB = b
    flagMask = mask
  }

  /// Records flags whose ZF/SF/PF follow from `result` while CF, OF and AF are given (as EFLAGS bits in `coa`).
  @_transparent
  func setFlagsExplicit(result: UInt32, mask: UInt32, coa: UInt32) {
    flagOp = .explicitCOA
    flagResult = result
    flagMask = mask
    flagAux = coa
  }

  /// Replaces all six arithmetic flags.
  @inline(__always)
  func setArithmeticFlags(_ bits: UInt32) {
    flagOp = .known
    flagAux = bits & EFLAGS.arithmetic
  }

  @inline(__always) var signBit: UInt32 { (flagMask >> 1) &+ 1 }

  @inline(__always) var cf: Bool {
    switch flagOp {
    case .known, .explicitCOA: return flagAux & EFLAGS.cf != 0
    case .add: return flagResult < flagA
    case .adc: return flagAux != 0 ? flagResult <= flagA : flagResult < flagA
    case .sub: return flagA < flagB
    case .sbb: return flagAux != 0 ? flagA <= flagB : flagA < flagB
    case .logic: return false
    case .inc, .dec: return flagAux != 0
    }
  }

  @inline(__always) var zf: Bool {
    flagOp == .known ? flagAux & EFLAGS.zf != 0 : flagResult == 0
  }

  @inline(__always) var sf: Bool {
    flagOp == .known ? flagAux & EFLAGS.sf != 0 : flagResult & signBit != 0
  }

  @inline(__always) var of: Bool {
    let sign = signBit
    switch flagOp {
    case .known, .explicitCOA: return flagAux & EFLAGS.of != 0
    case .add, .adc: return (flagA ^ flagResult) & (flagB ^ flagResult) & sign != 0
    case .sub, .sbb: return (flagA ^ flagB) & (flagA ^ flagResult) & sign != 0
    case .logic: return false
    case .inc: return flagResult == sign
    case .dec: return flagResult == sign &- 1
    }
  }

  var af: Bool {
    switch flagOp {
    case .known, .explicitCOA: return flagAux & EFLAGS.af != 0
    case .add, .adc, .sub, .sbb: return (flagA ^ flagB ^ flagResult) & 0x10 != 0
    case .logic: return false
    case .inc: return flagResult & 0xF == 0
    case .dec: return flagResult & 0xF == 0xF
    }
  }

  @inline(__always) var pf: Bool {
    flagOp == .known ? flagAux & EFLAGS.pf != 0 : (UInt8(truncatingIfNeeded: flagResult).nonzeroBitCount & 1) == 0
  }

  /// The six arithmetic flags as EFLAGS bits.
  func arithmeticFlags() -> UInt32 {
    if flagOp == .known { return flagAux }
    // ZF, SF and PF follow from the result for every other operation.
    var f: UInt32 = flagResult == 0 ? EFLAGS.zf : 0
    if flagResult & signBit != 0 { f |= EFLAGS.sf }
    if UInt8(truncatingIfNeeded: flagResult).nonzeroBitCount & 1 == 0 { f |= EFLAGS.pf }
    if flagOp == .explicitCOA { return f | (flagAux & (EFLAGS.cf | EFLAGS.of | EFLAGS.af)) }
    if cf { f |= EFLAGS.cf }
    if af { f |= EFLAGS.af }
    if of { f |= EFLAGS.of }
    return f
  }

  /// Replaces CF and OF (given as EFLAGS bits), keeping SF, ZF, AF and PF — what rotates do. Cheaper than
  /// `updateArithmeticFlags`: SF, ZF and PF stay lazy (`.explicitCOA` derives them from the same result) and only
  /// AF is evaluated.
  @_transparent
  func replaceCarryOverflow(_ bits: UInt32) {
    switch flagOp {
    case .known, .explicitCOA:
      flagAux = (flagAux & ~(EFLAGS.cf | EFLAGS.of)) | bits
    default:
      flagAux = (af ? EFLAGS.af : 0) | bits
      flagOp = .explicitCOA
    }
  }

  /// Replaces some arithmetic flags, keeping the others.
  func updateArithmeticFlags(set bits: UInt32, mask: UInt32) {
    let current = arithmeticFlags()
    setArithmeticFlags((current & ~mask) | (bits & mask))
  }

  /// Evaluates condition code `cc` (the low nibble of Jcc/SETcc/CMOVcc).
  @_transparent
  func condition(_ cc: UInt8) -> Bool {
    let result: Bool
    switch cc >> 1 {
    case 0: result = of
    case 1: result = cf
    case 2: result = zf
    case 3: result = cf || zf
    case 4: result = sf
    case 5: result = pf
    case 6: result = sf != of
    default: result = zf || (sf != of)
    }
    return cc & 1 == 0 ? result : !result
  }
}
