/// The implementation-defined choices of the emulated processor: where the Intel SDM allows more than one
/// behaviour and real processors differ, the emulator does what this value says, so the choice is explicit and a
/// caller (the conformance harness, a test) can pick the other one.
///
/// The default follows QEMU's TCG, the machine the kernels we run are written for, which here agrees with AMD
/// processors; `recentIntel` is what current Intel Core and Atom cores do.
public struct CPUModel: Sendable, Equatable, CustomStringConvertible {
  /// How PUSH ES/CS/SS/DS/FS/GS fills its stack slot with a 32-bit operand size. SDM vol. 2, PUSH: "If the
  /// source operand is a segment register (16 bits) and the operand size is 32-bits, either a zero-extended value
  /// is pushed on the stack or the segment selector is written on the stack using a 16-bit move. For the last
  /// case, all recent Core and Atom processors perform a 16-bit move, leaving the upper portion of the stack
  /// location unmodified." ESP moves by 4 either way.
  public enum PushSegmentWrite: String, Sendable, CaseIterable {
    /// The slot holds the selector zero-extended to 32 bits (QEMU, AMD).
    case zeroExtended32
    /// Only the slot's low 16 bits are written; the upper half keeps what it held (recent Intel cores).
    case low16Only
  }

  public var pushSegmentWrites: PushSegmentWrite

  public init(pushSegmentWrites: PushSegmentWrite = .zeroExtended32) {
    self.pushSegmentWrites = pushSegmentWrites
  }

  /// The default: as QEMU (and AMD processors) behave.
  public static let qemu = CPUModel()
  /// As recent Intel Core and Atom processors behave.
  public static let recentIntel = CPUModel(pushSegmentWrites: .low16Only)

  public var description: String { "push Sreg writes: \(pushSegmentWrites.rawValue)" }
}
