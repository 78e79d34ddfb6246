/// EFLAGS bit positions (SDM vol. 1, §3.4.3).
public enum EFLAGS {
  public static let cf: UInt32 = 1 << 0  // carry
  public static let reserved1: UInt32 = 1 << 1  // always 1
  public static let pf: UInt32 = 1 << 2  // parity of the low byte
  public static let af: UInt32 = 1 << 4  // auxiliary carry (BCD)
  public static let zf: UInt32 = 1 << 6  // zero
  public static let sf: UInt32 = 1 << 7  // sign
  public static let tf: UInt32 = 1 << 8  // trap: single-step
  public static let `if`: UInt32 = 1 << 9  // interrupt enable
  public static let df: UInt32 = 1 << 10  // direction
  public static let of: UInt32 = 1 << 11  // overflow
  public static let iopl: UInt32 = 3 << 12  // I/O privilege level
  public static let nt: UInt32 = 1 << 14  // nested task
  public static let rf: UInt32 = 1 << 16  // resume
  public static let vm: UInt32 = 1 << 17  // virtual-8086 mode (not supported)
  public static let ac: UInt32 = 1 << 18  // alignment check
  public static let id: UInt32 = 1 << 21  // CPUID available

  /// The six status flags that arithmetic produces.
  public static let arithmetic: UInt32 = cf | pf | af | zf | sf | of
  /// Bits software can change with POPF/IRET at CPL 0 (VM is never set: no virtual-8086 mode).
  static let writable: UInt32 = arithmetic | tf | `if` | df | iopl | nt | rf | ac | id

  /// Names of the flags that are set, in the order debuggers print them.
  public static func describe(_ value: UInt32) -> String {
    let names: [(UInt32, String)] = [
      (of, "OF"), (df, "DF"), (`if`, "IF"), (tf, "TF"), (sf, "SF"), (zf, "ZF"), (af, "AF"), (pf, "PF"), (cf, "CF"),
    ]
    return names.filter { value & $0.0 != 0 }.map(\.1).joined(separator: " ")
  }
}
