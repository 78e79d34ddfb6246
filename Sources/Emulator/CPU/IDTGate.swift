/// One IDT entry decoded (SDM vol. 3 §6.11, figure 6-2): the same decoder serves interrupt delivery and every
/// observer (the snapshot, the IDT pane, the gdb monitor), so what a pane shows is what the CPU will do.
public struct IDTGate: Sendable, Equatable, Hashable {
  public enum Kind: String, Sendable, Equatable, Hashable {
    case task
    case interrupt16, trap16
    case interrupt32, trap32
    /// Any other type value: the CPU raises #GP when it is used.
    case invalid

    /// Interrupt gates clear IF on entry; trap gates leave it.
    public var clearsIF: Bool { self == .interrupt16 || self == .interrupt32 }
    public var is32: Bool { self == .interrupt32 || self == .trap32 }

    public var shortName: String {
      switch self {
      case .task: "task"
      case .interrupt16: "int16"
      case .trap16: "trap16"
      case .interrupt32: "int32"
      case .trap32: "trap32"
      case .invalid: "bad"
      }
    }
  }

  /// The gate's type field (bits 8–12 of the high doubleword: S and the 4 type bits).
  public let type: UInt8
  public let kind: Kind
  public let selector: UInt16
  /// The handler's offset (only the low 16 bits for a 16-bit gate).
  public let offset: UInt32
  public let dpl: Int
  public let present: Bool

  /// Decodes the two doublewords of a gate descriptor.
  public init(low: UInt32, high: UInt32) {
    type = UInt8(truncatingIfNeeded: (high >> 8) & 0x1F)
    kind =
      switch type {
      case 0x05: .task
      case 0x06: .interrupt16
      case 0x07: .trap16
      case 0x0E: .interrupt32
      case 0x0F: .trap32
      default: .invalid
      }
    selector = UInt16(truncatingIfNeeded: low >> 16)
    let full = (high & 0xFFFF_0000) | (low & 0xFFFF)
    offset = kind.is32 || kind == .invalid ? full : full & 0xFFFF
    dpl = Int(high >> 13) & 3
    present = high & 0x8000 != 0
  }
}
