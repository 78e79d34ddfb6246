/// A processor exception raised while executing an instruction (Intel SDM vol. 3, chapter 6).
///
/// Instruction handlers throw it; the run loop catches it, rolls EIP back to the faulting instruction (for faults)
/// and delivers it through the IDT.
public struct Fault: Error, Equatable, Sendable {
  public let vector: UInt8
  /// The error code pushed by vectors 8, 10–14 and 17; nil for the others.
  public let errorCode: UInt32?

  public init(_ vector: UInt8, errorCode: UInt32? = nil) {
    self.vector = vector
    self.errorCode = errorCode
  }

  static let divideError = Fault(Vector.divideError)
  static let invalidOpcode = Fault(Vector.invalidOpcode)
  static let deviceNotAvailable = Fault(Vector.deviceNotAvailable)
  static func generalProtection(_ code: UInt32 = 0) -> Fault { Fault(Vector.generalProtection, errorCode: code) }
  static func stackFault(_ code: UInt32 = 0) -> Fault { Fault(Vector.stackFault, errorCode: code) }
  static func notPresent(_ code: UInt32) -> Fault { Fault(Vector.segmentNotPresent, errorCode: code) }
  static func invalidTSS(_ code: UInt32) -> Fault { Fault(Vector.invalidTSS, errorCode: code) }
}

/// Exception vectors 0–31 and their names as the SDM gives them.
public enum Vector {
  public static let divideError: UInt8 = 0
  public static let debug: UInt8 = 1
  public static let nmi: UInt8 = 2
  public static let breakpoint: UInt8 = 3
  public static let overflow: UInt8 = 4
  public static let boundRange: UInt8 = 5
  public static let invalidOpcode: UInt8 = 6
  public static let deviceNotAvailable: UInt8 = 7
  public static let doubleFault: UInt8 = 8
  public static let invalidTSS: UInt8 = 10
  public static let segmentNotPresent: UInt8 = 11
  public static let stackFault: UInt8 = 12
  public static let generalProtection: UInt8 = 13
  public static let pageFault: UInt8 = 14
  public static let alignmentCheck: UInt8 = 17

  /// The SDM's mnemonic and name for exception vectors, or nil for vectors 32–255 (and reserved ones).
  public static func name(_ vector: UInt8) -> String? {
    switch vector {
    case 0: "#DE divide error"
    case 1: "#DB debug"
    case 2: "NMI"
    case 3: "#BP breakpoint"
    case 4: "#OF overflow"
    case 5: "#BR BOUND range exceeded"
    case 6: "#UD invalid opcode"
    case 7: "#NM device not available"
    case 8: "#DF double fault"
    case 9: "coprocessor segment overrun"
    case 10: "#TS invalid TSS"
    case 11: "#NP segment not present"
    case 12: "#SS stack-segment fault"
    case 13: "#GP general protection"
    case 14: "#PF page fault"
    case 16: "#MF x87 floating-point error"
    case 17: "#AC alignment check"
    case 18: "#MC machine check"
    case 19: "#XM SIMD floating-point"
    default: nil
    }
  }

  /// Contributory exceptions (SDM vol. 3, table 6-4): two of them in a row make a double fault.
  static func isContributory(_ vector: UInt8) -> Bool {
    vector == 0 || (10...13).contains(vector)
  }
}
