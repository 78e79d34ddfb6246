/// MUL, IMUL (one-, two- and three-operand forms), DIV and IDIV (SDM vol. 2).
///
/// CF and OF are exact; SF, ZF, AF and PF are undefined by the SDM after multiplies and divides: we derive SF/ZF/PF
/// from the low half of the result, and the conformance tests mask them.
extension CPU {
  /// Group 3 (0xF6, 0xF7): TEST, NOT, NEG, MUL, IMUL, DIV, IDIV.
  func executeGroup3(_ opcode: UInt8) throws(Fault) {
    let size = opcode == 0xF6 ? 1 : operandSize
    let m = try decodeModRM()
    switch m.reg {
    case 0, 1:
      let a = try readRM(m, size: size)
      testForm(size: size, a, try fetchImmediate(size: size))
    case 2:
      let (old, at) = try loadForUpdate(m, size: size)
      try storeUpdate(m, at: at, size: size, ~old & sizeMask(size))
    case 3:
      let (old, at) = try loadForUpdate(m, size: size)
      try storeUpdate(m, at: at, size: size, neg(old, size: size))
    case 4: multiplyUnsigned(try readRM(m, size: size), size: size)
    case 5: multiplySigned(try readRM(m, size: size), size: size)
    case 6: try divideUnsigned(try readRM(m, size: size), size: size)
    default: try divideSigned(try readRM(m, size: size), size: size)
    }
  }

  private func multiplyUnsigned(_ source: UInt32, size: Int) {
    switch size {
    case 1:
      let product = UInt32(reg8(0)) &* source
      setReg16(0, UInt16(truncatingIfNeeded: product))
      let high = product >> 8 != 0
      setFlagsExplicit(result: product & 0xFF, mask: 0xFF, coa: flagBits(cf: high, of: high))
    case 2:
      let product = (regs[0] & 0xFFFF) &* source
      setReg16(0, UInt16(truncatingIfNeeded: product))
      setReg16(2, UInt16(truncatingIfNeeded: product >> 16))
      let high = product >> 16 != 0
      setFlagsExplicit(result: product & 0xFFFF, mask: 0xFFFF, coa: flagBits(cf: high, of: high))
    default:
      let product = UInt64(regs[0]) &* UInt64(source)
      regs[0] = UInt32(truncatingIfNeeded: product)
      regs[2] = UInt32(truncatingIfNeeded: product >> 32)
      let high = product >> 32 != 0
      setFlagsExplicit(result: regs[0], mask: 0xFFFF_FFFF, coa: flagBits(cf: high, of: high))
    }
  }

  private func multiplySigned(_ source: UInt32, size: Int) {
    switch size {
    case 1:
      let product = Int32(Int8(bitPattern: reg8(0))) &* Int32(Int8(truncatingIfNeeded: source))
      setReg16(0, UInt16(truncatingIfNeeded: product))
      let overflow = Int32(Int8(truncatingIfNeeded: product)) != product
      setFlagsExplicit(
        result: UInt32(truncatingIfNeeded: product) & 0xFF, mask: 0xFF, coa: flagBits(cf: overflow, of: overflow))
    case 2:
      let product = Int32(Int16(truncatingIfNeeded: regs[0])) &* Int32(Int16(truncatingIfNeeded: source))
      setReg16(0, UInt16(truncatingIfNeeded: product))
      setReg16(2, UInt16(truncatingIfNeeded: product >> 16))
      let overflow = Int32(Int16(truncatingIfNeeded: product)) != product
      setFlagsExplicit(
        result: UInt32(truncatingIfNeeded: product) & 0xFFFF, mask: 0xFFFF, coa: flagBits(cf: overflow, of: overflow))
    default:
      let product = Int64(Int32(bitPattern: regs[0])) &* Int64(Int32(bitPattern: source))
      regs[0] = UInt32(truncatingIfNeeded: product)
      regs[2] = UInt32(truncatingIfNeeded: product >> 32)
      let overflow = Int64(Int32(truncatingIfNeeded: product)) != product
      setFlagsExplicit(result: regs[0], mask: 0xFFFF_FFFF, coa: flagBits(cf: overflow, of: overflow))
    }
  }

  /// The truncated signed product of the two- and three-operand IMUL forms, with CF = OF = overflow.
  func imulTruncated(_ a: UInt32, _ b: UInt32, size: Int) -> UInt32 {
    if size == 2 {
      let product = Int32(Int16(truncatingIfNeeded: a)) &* Int32(Int16(truncatingIfNeeded: b))
      let overflow = Int32(Int16(truncatingIfNeeded: product)) != product
      let r = UInt32(truncatingIfNeeded: product) & 0xFFFF
      setFlagsExplicit(result: r, mask: 0xFFFF, coa: flagBits(cf: overflow, of: overflow))
      return r
    }
    let product = Int64(Int32(bitPattern: a)) &* Int64(Int32(bitPattern: b))
    let overflow = Int64(Int32(truncatingIfNeeded: product)) != product
    let r = UInt32(truncatingIfNeeded: product)
    setFlagsExplicit(result: r, mask: 0xFFFF_FFFF, coa: flagBits(cf: overflow, of: overflow))
    return r
  }

  private func divideUnsigned(_ divisor: UInt32, size: Int) throws(Fault) {
    guard divisor != 0 else { throw Fault.divideError }
    switch size {
    case 1:
      let dividend = regs[0] & 0xFFFF
      let quotient = dividend / divisor
      guard quotient <= 0xFF else { throw Fault.divideError }
      setReg8(0, UInt8(quotient))
      setReg8(4, UInt8(dividend % divisor))
    case 2:
      let dividend = (regs[2] & 0xFFFF) << 16 | (regs[0] & 0xFFFF)
      let quotient = dividend / divisor
      guard quotient <= 0xFFFF else { throw Fault.divideError }
      setReg16(0, UInt16(quotient))
      setReg16(2, UInt16(dividend % divisor))
    default:
      let dividend = UInt64(regs[2]) << 32 | UInt64(regs[0])
      let quotient = dividend / UInt64(divisor)
      guard quotient <= 0xFFFF_FFFF else { throw Fault.divideError }
      regs[0] = UInt32(quotient)
      regs[2] = UInt32(dividend % UInt64(divisor))
    }
  }

  private func divideSigned(_ rawDivisor: UInt32, size: Int) throws(Fault) {
    guard rawDivisor & sizeMask(size) != 0 else { throw Fault.divideError }
    switch size {
    case 1:
      let dividend = Int32(Int16(truncatingIfNeeded: regs[0]))
      let divisor = Int32(Int8(truncatingIfNeeded: rawDivisor))
      let quotient = dividend / divisor
      guard quotient >= -128 && quotient <= 127 else { throw Fault.divideError }
      setReg8(0, UInt8(truncatingIfNeeded: quotient))
      setReg8(4, UInt8(truncatingIfNeeded: dividend % divisor))
    case 2:
      let dividend = Int32(bitPattern: (regs[2] & 0xFFFF) << 16 | (regs[0] & 0xFFFF))
      let divisor = Int32(Int16(truncatingIfNeeded: rawDivisor))
      // Int32.min / -1 would trap the host: it is a quotient overflow, so #DE.
      guard !(dividend == Int32.min && divisor == -1) else { throw Fault.divideError }
      let quotient = dividend / divisor
      guard quotient >= -32768 && quotient <= 32767 else { throw Fault.divideError }
      setReg16(0, UInt16(truncatingIfNeeded: quotient))
      setReg16(2, UInt16(truncatingIfNeeded: dividend % divisor))
    default:
      let dividend = Int64(bitPattern: UInt64(regs[2]) << 32 | UInt64(regs[0]))
      let divisor = Int64(Int32(bitPattern: rawDivisor))
      guard !(dividend == Int64.min && divisor == -1) else { throw Fault.divideError }
      let quotient = dividend / divisor
      guard quotient >= Int64(Int32.min) && quotient <= Int64(Int32.max) else { throw Fault.divideError }
      regs[0] = UInt32(truncatingIfNeeded: quotient)
      regs[2] = UInt32(truncatingIfNeeded: dividend % divisor)
    }
  }
}
