/// A segment register: the visible selector and the hidden descriptor cache the CPU loaded with it.
///
/// A segment keeps its cached descriptor until it is reloaded, so kernels that load a new GDT and never reload
/// their segment registers keep working (SDM vol. 3, §3.4.3).
public struct SegmentCache: Sendable, Equatable, Codable {
  public var selector: UInt16 = 0
  public var base: UInt32 = 0
  /// The limit in bytes, already scaled by the granularity bit.
  public var limit: UInt32 = 0xFFFF
  /// Access byte of the descriptor: P, DPL, S, type (bits 7..0).
  public var access: UInt8 = 0x93
  /// D/B bit: 32-bit default operand size (code) or 32-bit stack pointer (stack).
  public var big: Bool = false
  /// G bit, kept for display.
  public var granularity: Bool = false
  /// False for a null selector loaded into DS/ES/FS/GS: any access through it raises #GP(0).
  public var usable: Bool = true

  public init() {}

  public var present: Bool { access & 0x80 != 0 }
  public var dpl: Int { Int(access >> 5) & 3 }
  /// S bit: code or data (as opposed to a system descriptor).
  public var isCodeOrData: Bool { access & 0x10 != 0 }
  public var isCode: Bool { access & 0x08 != 0 }
  /// Data: writable. Code: readable.
  public var writableOrReadable: Bool { access & 0x02 != 0 }
  public var isConforming: Bool { isCode && access & 0x04 != 0 }
  public var isExpandDown: Bool { !isCode && access & 0x04 != 0 }
  public var readable: Bool { usable && (!isCode || writableOrReadable) }
  public var writable: Bool { usable && !isCode && writableOrReadable }

  /// True when any offset can be read (written) without a limit or type check: a usable 4 GiB expand-up segment.
  /// Cached because the interpreter asks on every memory access; `refresh()` recomputes them after a load.
  private(set) var readsUnchecked = false
  private(set) var writesUnchecked = false

  mutating func refresh() {
    readsUnchecked = readable && !isExpandDown && limit == 0xFFFF_FFFF
    writesUnchecked = writable && !isExpandDown && limit == 0xFFFF_FFFF
  }

  /// True when `size` bytes at `offset` lie within the segment's limit (SDM vol. 3, §5.3).
  func contains(offset: UInt32, size: UInt32) -> Bool {
    let last = offset &+ (size &- 1)
    if isExpandDown {
      let upper: UInt32 = big ? 0xFFFF_FFFF : 0xFFFF
      return offset > limit && last >= offset && last <= upper
    }
    return last >= offset && last <= limit
  }

  /// Builds the cache from an 8-byte descriptor (low and high doublewords).
  init(selector: UInt16, descriptorLow low: UInt32, high: UInt32) {
    self.selector = selector
    base = (low >> 16) | ((high & 0xFF) << 16) | (high & 0xFF00_0000)
    var rawLimit = (low & 0xFFFF) | (high & 0x000F_0000)
    granularity = high & 0x0080_0000 != 0
    if granularity { rawLimit = (rawLimit << 12) | 0xFFF }
    limit = rawLimit
    access = UInt8(truncatingIfNeeded: high >> 8)
    big = high & 0x0040_0000 != 0
    usable = true
    refresh()
  }
}

/// Segment register numbers as the ModRM `sreg` field encodes them.
public enum SegmentRegister: Int, CaseIterable, Sendable {
  case es = 0, cs, ss, ds, fs, gs

  public var name: String {
    switch self {
    case .es: "ES"
    case .cs: "CS"
    case .ss: "SS"
    case .ds: "DS"
    case .fs: "FS"
    case .gs: "GS"
    }
  }
}

/// A descriptor-table register (GDTR, IDTR): linear base and limit.
public struct TableRegister: Sendable, Equatable, Codable {
  public var base: UInt32 = 0
  public var limit: UInt16 = 0x3FF
  public init(base: UInt32 = 0, limit: UInt16 = 0x3FF) {
    self.base = base
    self.limit = limit
  }
}
