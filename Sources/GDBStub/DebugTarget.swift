import Emulator

/// What the gdb command layer needs from the machine it debugs: a small surface so the protocol can be tested
/// against any target, and the dashboard can adapt its live machine to it.
public protocol DebugTarget: AnyObject {
  /// The 16 general registers in gdb's i386 order: eax ecx edx ebx esp ebp esi edi eip eflags cs ss ds es fs gs.
  func readRegisters() -> [UInt32]
  /// Writes register `index` (gdb's numbering, 0…15); false when the target cannot take that value.
  func writeRegister(_ index: Int, _ value: UInt32) -> Bool
  /// `count` bytes at linear address `address`, without side effects; nil when any byte is unmapped or not RAM.
  func readMemory(_ address: UInt32, count: Int) -> [UInt8]?
  /// Writes guest RAM at a linear address, without side effects on the page tables; false when unmapped.
  func writeMemory(_ address: UInt32, _ bytes: [UInt8]) -> Bool
  /// Sets a breakpoint or watchpoint (gdb's Z types 0–4); false when the type is not supported.
  func insert(_ point: DebugPoint) -> Bool
  /// Clears one; false when the type is not supported.
  func remove(_ point: DebugPoint) -> Bool
  /// Clears everything the debugger set (it detached).
  func removeAllPoints()
  /// Runs a `monitor` command and returns its output (text for a person, ending with a newline).
  func monitor(_ command: String) -> String
}

/// A breakpoint or watchpoint as the Z/z packets describe it.
public struct DebugPoint: Sendable, Equatable {
  public enum Kind: Int, Sendable {
    case software = 0
    case hardware = 1
    case writeWatch = 2
    case readWatch = 3
    case accessWatch = 4
  }

  public let kind: Kind
  public let address: UInt32
  /// For breakpoints the instruction-length hint gdb sends; for watchpoints the bytes watched.
  public let length: UInt32

  public init(kind: Kind, address: UInt32, length: UInt32) {
    self.kind = kind
    self.address = address
    self.length = length
  }
}

/// Why the target stopped, as a stop reply reports it.
public typealias StopReason = DebugTraps.StopReason
