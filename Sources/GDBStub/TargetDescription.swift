/// The i386 target description sent for `qXfer:features:read:target.xml` (gdb's manual, "Target Descriptions",
/// "i386 Features").
///
/// gdb 13's i386 code (`i386_validate_tdesc_p`) accepts `org.gnu.gdb.i386.core` only when it holds the 16 general
/// registers and the x87 registers too (st0–st7 and fctrl…fop): this CPU has no x87, so those read as zeros and
/// writes to them are ignored. No SSE feature is sent, so gdb assumes an x87-only processor.
public enum TargetDescription {
  /// gdb's register numbers 0–15 are the general registers, 16–23 st0–st7 (10 bytes each), 24–31 the x87 control
  /// registers (4 bytes each).
  public static let generalRegisterCount = 16
  public static let registerCount = 32

  /// The size in bytes of register `number`, or nil when there is none.
  public static func size(ofRegister number: Int) -> Int? {
    switch number {
    case 0..<16: return 4
    case 16..<24: return 10
    case 24..<32: return 4
    default: return nil
    }
  }

  static let generalNames = [
    "eax", "ecx", "edx", "ebx", "esp", "ebp", "esi", "edi", "eip", "eflags", "cs", "ss", "ds", "es", "fs", "gs",
  ]

  public static let xml: String = {
    var lines = [
      #"<?xml version="1.0"?>"#,
      #"<!DOCTYPE target SYSTEM "gdb-target.dtd">"#,
      #"<target version="1.0">"#,
      "  <architecture>i386</architecture>",
      #"  <feature name="org.gnu.gdb.i386.core">"#,
      #"    <flags id="i386_eflags" size="4">"#,
    ]
    let flags: [(String, Int)] = [
      ("CF", 0), ("", 1), ("PF", 2), ("AF", 4), ("ZF", 6), ("SF", 7), ("TF", 8), ("IF", 9), ("DF", 10), ("OF", 11),
      ("NT", 14), ("RF", 16), ("VM", 17), ("AC", 18), ("VIF", 19), ("VIP", 20), ("ID", 21),
    ]
    for (name, bit) in flags { lines.append(#"      <field name="\#(name)" start="\#(bit)" end="\#(bit)"/>"#) }
    lines.append("    </flags>")
    for (number, name) in generalNames.enumerated() {
      let type: String
      switch name {
      case "esp", "ebp": type = "data_ptr"
      case "eip": type = "code_ptr"
      case "eflags": type = "i386_eflags"
      default: type = "int32"
      }
      lines.append(#"    <reg name="\#(name)" bitsize="32" type="\#(type)" regnum="\#(number)"/>"#)
    }
    for i in 0..<8 { lines.append(#"    <reg name="st\#(i)" bitsize="80" type="i387_ext"/>"#) }
    for name in ["fctrl", "fstat", "ftag", "fiseg", "fioff", "foseg", "fooff", "fop"] {
      lines.append(#"    <reg name="\#(name)" bitsize="32" type="int" group="float"/>"#)
    }
    lines += ["  </feature>", "</target>"]
    return lines.joined(separator: "\n") + "\n"
  }()
}
