/// The memory layout both sides share, and one test case and its outcome.
///
/// The addresses are those of Tests/Oracle/oracle.c: the native oracle maps its data area and code page there, and
/// the emulator side (`EmulatedMachine`) places the same things at the same physical addresses, so that every
/// address a fragment computes (a return address, a pushed ESP) is the same on both.
public enum ConformanceLayout {
  /// The data window: the only memory a fragment's operands touch, compared byte for byte after each case.
  public static let windowAddress: UInt32 = 0x20_0100
  public static let windowSize = 256
  /// Initial ESP of a case that does not put its stack in the window: inside the mapped data area, not compared.
  public static let caseStackTop: UInt32 = 0x20_F000
  /// Where the fragment's code lies (its first byte).
  public static let codeAddress: UInt32 = 0x21_0000
  /// The longest fragment; the oracle appends a 5-byte jump, the emulator a 2-byte `int 0x80`.
  public static let maximumCodeLength = 64
  /// The selectors a 32-bit Linux process runs with on an x86-64 kernel (GDT entries 4 and 5, FS and GS null),
  /// in `SegmentRegister` order ES CS SS DS FS GS. The emulator side builds a GDT that gives the same ones.
  public static let initialSelectors: [UInt16] = [0x2B, 0x23, 0x2B, 0x2B, 0, 0]
}

/// One test case: code, GPRs in ModRM order (EAX ECX EDX EBX ESP EBP ESI EDI), EFLAGS, the data window.
public struct ConformanceCase: Sendable, Equatable {
  public var code: [UInt8]
  public var registers: [UInt32]
  public var eflags: UInt32
  public var window: [UInt8]

  public init(code: [UInt8], registers: [UInt32], eflags: UInt32, window: [UInt8]) {
    self.code = code
    self.registers = registers
    self.eflags = eflags
    self.window = window
  }
}

/// What a fragment did. `vector` is nil when it ran to its end; otherwise the exception vector, with the error
/// code (0 for vectors without one) and the EIP the exception frame holds. Registers, EFLAGS, selectors and window
/// are compared only without a fault.
public struct ConformanceOutcome: Sendable, Equatable {
  public var vector: UInt32?
  /// The Linux signal that reported the fault (native side only; 0 otherwise).
  public var signal: UInt32
  public var errorCode: UInt32
  public var faultEIP: UInt32
  public var registers: [UInt32]
  public var eflags: UInt32
  /// ES CS SS DS FS GS.
  public var selectors: [UInt16]
  public var window: [UInt8]

  public init(
    vector: UInt32?, signal: UInt32 = 0, errorCode: UInt32 = 0, faultEIP: UInt32 = 0, registers: [UInt32],
    eflags: UInt32, selectors: [UInt16], window: [UInt8]
  ) {
    self.vector = vector
    self.signal = signal
    self.errorCode = errorCode
    self.faultEIP = faultEIP
    self.registers = registers
    self.eflags = eflags
    self.selectors = selectors
    self.window = window
  }
}
