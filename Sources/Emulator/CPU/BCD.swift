/// Decimal adjusts: DAA, DAS, AAA, AAS, AAM, AAD — the pseudo-code of SDM vol. 2, flags included.
extension CPU {
  func decimalAdjust(_ opcode: UInt8) throws(Fault) {
    let al = reg8(0)
    let oldCF = cf
    let oldAF = af
    switch opcode {
    case 0x27:  // DAA
      var result = al
      var carry = false
      var aux = false
      if al & 0x0F > 9 || oldAF {
        result = al &+ 6
        carry = oldCF || al > 0xF9
        aux = true
      }
      if al > 0x99 || oldCF {
        result = result &+ 0x60
        carry = true
      } else {
        carry = false
      }
      setReg8(0, result)
      setBCDFlags(result, carry: carry, aux: aux, overflow: false)
    case 0x2F:  // DAS
      var result = al
      var carry = false
      var aux = false
      if al & 0x0F > 9 || oldAF {
        result = al &- 6
        carry = oldCF || al < 6
        aux = true
      }
      if al > 0x99 || oldCF {
        result = result &- 0x60
        carry = true
      }
      setReg8(0, result)
      setBCDFlags(result, carry: carry, aux: aux, overflow: false)
    case 0x37, 0x3F:  // AAA, AAS
      let adjust = al & 0x0F > 9 || oldAF
      if adjust {
        if opcode == 0x37 {
          setReg16(0, reg16(0) &+ 0x106)
        } else {
          setReg16(0, reg16(0) &- 6)
          setReg8(4, reg8(4) &- 1)
        }
      }
      setReg8(0, reg8(0) & 0x0F)
      setBCDFlags(reg8(0), carry: adjust, aux: adjust, overflow: false)
    case 0xD4:  // AAM imm8
      let base = try fetch8()
      guard base != 0 else { throw Fault.divideError }
      setReg8(4, al / base)
      setReg8(0, al % base)
      setBCDFlags(al % base, carry: false, aux: false, overflow: false)
    default:  // 0xD5 AAD imm8
      let base = try fetch8()
      let result = al &+ reg8(4) &* base
      setReg16(0, UInt16(result))
      setBCDFlags(result, carry: false, aux: false, overflow: false)
    }
  }

  private func setBCDFlags(_ result: UInt8, carry: Bool, aux: Bool, overflow: Bool) {
    setFlagsExplicit(
      result: UInt32(result), mask: 0xFF,
      coa: flagBits(cf: carry, of: overflow) | (aux ? EFLAGS.af : 0))
  }
}
