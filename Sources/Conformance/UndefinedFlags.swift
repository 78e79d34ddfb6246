import Emulator

/// Flags the SDM (vol. 2, each instruction's "Flags Affected") leaves undefined; these bits are not compared.
/// This is the one place where the conformance check forgives a difference in a flag; each entry quotes the SDM.
public enum Undefined {
  static let of = EFLAGS.of, sf = EFLAGS.sf, zf = EFLAGS.zf, af = EFLAGS.af, pf = EFLAGS.pf, cf = EFLAGS.cf
  /// AND, OR, XOR, TEST: "The OF and CF flags are cleared; the SF, ZF, and PF flags are set according to the
  /// result. The state of the AF flag is undefined."
  public static let logic = af
  /// SAL/SAR/SHL/SHR with a non-zero masked count: "For a non-zero count, the AF flag is undefined." OF: "The OF
  /// flag is affected only for 1-bit shifts … otherwise, it is undefined." CF: "undefined for SHL and SHR
  /// instructions where the count is greater than or equal to the size (in bits) of the destination operand."
  public static func shift(op: Int, maskedCount: UInt32, width: Int) -> UInt32 {
    guard maskedCount != 0 else { return 0 }  // "If the count is 0, the flags are not affected."
    var undefined = af
    if maskedCount != 1 { undefined |= of }
    if (op == 4 || op == 5) && maskedCount >= UInt32(width * 8) { undefined |= cf }
    return undefined
  }
  /// RCL/RCR/ROL/ROR: "The OF flag is defined only for the 1-bit rotates; it is undefined in all other cases
  /// (except RCL and RCR instructions only: a zero-bit rotate does nothing, that is affects no flags)."
  /// SF, ZF, AF, PF are not affected.
  public static func rotate(maskedCount: UInt32) -> UInt32 { maskedCount > 1 ? of : 0 }
  /// SHLD/SHRD: "If the count is 1 or greater, … the AF flag is undefined … For a 1-bit shift, the OF flag is set
  /// if a sign change occurred; otherwise, it is cleared. For shifts greater than 1 bit, the OF flag is undefined.
  /// If the count operand is 0, flags are not affected. If the count is greater than the operand size, the flags
  /// are undefined" (and so is the destination).
  public static func doubleShift(maskedCount: UInt32, width: Int) -> UInt32 {
    guard maskedCount != 0 else { return 0 }
    if maskedCount > UInt32(width * 8) { return cf | of | sf | zf | af | pf }
    return maskedCount == 1 ? af : af | of
  }
  /// MUL, IMUL (all forms): "The SF, ZF, AF, and PF flags are undefined." (CF/OF defined.)
  public static let multiply = sf | zf | af | pf
  /// DIV, IDIV: "The CF, OF, SF, ZF, AF, and PF flags are undefined."
  public static let divide = cf | of | sf | zf | af | pf
  /// BSF, BSR: "The ZF flag is set to 1 if the source operand is 0; otherwise, the ZF flag is cleared. The CF,
  /// OF, SF, AF, and PF flags are undefined." (The destination is undefined when the source is 0.)
  public static let bitScan = cf | of | sf | af | pf
  /// BT, BTS, BTR, BTC: "The CF flag contains the value of the selected bit. The ZF flag is unaffected. The OF,
  /// SF, AF, and PF flags are undefined."
  public static let bitTest = of | sf | af | pf
  /// DAA, DAS: "The OF flag is undefined."
  public static let daa = of
  /// AAA, AAS: "The OF, SF, ZF, and PF flags are undefined."
  public static let aaa = of | sf | zf | pf
  /// AAM, AAD: "The OF, AF, and CF flags are undefined." (SF, ZF, PF set from AL.)
  public static let aam = of | af | cf
}
