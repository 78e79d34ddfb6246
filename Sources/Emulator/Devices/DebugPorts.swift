// The small ports: QEMU's isa-debug-exit (0xF4), the POST code port (0x80), the QEMU/Bochs debug console (0xE9) and
// system control port A (0x92). Each is its own class; `ByteLanes` (shared by this module's 8-bit ISA devices) splits
// a 16- or 32-bit access into byte cycles on consecutive ports, as the PC's bus does for an 8-bit device.
//
// DebugExit: a write of value v asks the host to exit with status (v << 1) | 1, as QEMU's isa-debug-exit does, so a
// guest can never request status 0. QEMU (with its default iosize of 1) takes the byte written; a wider access here
// takes the full value the guest wrote. Reads are open bus (all ones): the device has no read register.
// POSTPort: the last code written is latched and counted; reads return the last code, as most chipsets' port 0x80
// does (0xFF before any write).
// DebugConsole: each byte written to 0xE9 goes to a bounded stream and `onOutput`; a wider write sends its low byte
// only (QEMU's debugcon). Reading 0xE9 returns 0xE9, the value Bochs's port_e9_hack uses as its presence test.
// SystemControlPortA: bit 1 is fast A20, stored and readable (the memory system may watch `onA20Change`); a 0→1
// change of bit 0 requests a reset (QEMU's port92 does the same; hardware pulses the CPU's INIT). Other bits are
// stored and read back. It starts at 0x02: the BIOS has enabled A20 before a Multiboot kernel runs.

/// Splits wide port accesses into byte accesses on consecutive ports; bytes on ports the device does not own read
/// as all ones and are not written.
enum ByteLanes {
  static func read(
    _ port: UInt16, size: Int, owns: (UInt16) -> Bool, _ readByte: (UInt16) -> UInt8
  ) -> UInt32 {
    var value: UInt32 = 0
    for lane in 0..<min(max(size, 1), 4) {
      let target = port &+ UInt16(lane)
      let byte = owns(target) ? readByte(target) : 0xFF
      value |= UInt32(byte) << (8 * lane)
    }
    return value
  }

  static func write(
    _ port: UInt16, size: Int, value: UInt32, owns: (UInt16) -> Bool, _ writeByte: (UInt16, UInt8) -> Void
  ) {
    for lane in 0..<min(max(size, 1), 4) {
      let target = port &+ UInt16(lane)
      if owns(target) { writeByte(target, UInt8(truncatingIfNeeded: value >> (8 * lane))) }
    }
  }

  static func read(_ port: UInt16, size: Int, in ports: ClosedRange<UInt16>, _ readByte: (UInt16) -> UInt8) -> UInt32 {
    read(port, size: size, owns: ports.contains, readByte)
  }

  static func write(
    _ port: UInt16, size: Int, value: UInt32, in ports: ClosedRange<UInt16>, _ writeByte: (UInt16, UInt8) -> Void
  ) {
    write(port, size: size, value: value, owns: ports.contains, writeByte)
  }
}

/// A byte stream that keeps only the most recent bytes.
///
/// Bounded at `limit` bytes: when a byte would exceed it, the oldest quarter is discarded first (and counted), so the
/// stream holds between 3/4 × limit and limit of the newest bytes, and appending stays cheap.
public struct BoundedByteStream: Sendable, Equatable, Codable {
  public static let defaultLimit = 65_536
  public let limit: Int
  public private(set) var bytes: [UInt8] = []
  /// Bytes dropped from the front to respect the bound.
  public private(set) var discarded: Int = 0

  public init(limit: Int = BoundedByteStream.defaultLimit) { self.limit = max(limit, 4) }

  public mutating func append(_ byte: UInt8) {
    if bytes.count >= limit {
      let drop = limit / 4
      bytes.removeFirst(drop)
      discarded &+= drop
    }
    bytes.append(byte)
  }

  public mutating func removeAll() {
    bytes.removeAll()
    discarded = 0
  }
}

// MARK: - isa-debug-exit (0xF4)

public struct DebugExitState: Sendable, Equatable, Codable {
  /// The value the guest wrote, if it has.
  public var lastValue: UInt32?
  /// The exit status requested: (value << 1) | 1.
  public var exitStatus: Int32?
}

/// QEMU's isa-debug-exit: a write asks the host to end the run with status (value << 1) | 1.
public final class DebugExit: PortDevice {
  public static let port: UInt16 = 0xF4

  public private(set) var lastValue: UInt32?
  public private(set) var exitStatus: Int32?
  /// Called with the status on each write; the board stops the machine.
  public var onExit: ((Int32) -> Void)?

  public init() {}

  public var state: DebugExitState { DebugExitState(lastValue: lastValue, exitStatus: exitStatus) }

  public func portRead(_ port: UInt16, size: Int) -> UInt32 {
    size >= 4 ? 0xFFFF_FFFF : size == 2 ? 0xFFFF : 0xFF
  }

  public func portWrite(_ port: UInt16, size: Int, value: UInt32) {
    let written = size >= 4 ? value : size == 2 ? value & 0xFFFF : value & 0xFF
    let status = Int32(truncatingIfNeeded: (UInt64(written) << 1) | 1)
    lastValue = written
    exitStatus = status
    onExit?(status)
  }
}

// MARK: - POST code port (0x80)

public struct POSTPortState: Sendable, Equatable, Codable {
  /// The last code written, if any.
  public var lastCode: UInt8?
  /// How many codes have been written.
  public var count: Int
}

/// The POST diagnostic port: BIOSes write progress codes here; kernels use it as a ~1 µs I/O delay.
public final class POSTPort: PortDevice {
  public static let port: UInt16 = 0x80

  public private(set) var lastCode: UInt8?
  public private(set) var count = 0
  public var onCode: ((UInt8) -> Void)?

  public init() {}

  public var state: POSTPortState { POSTPortState(lastCode: lastCode, count: count) }

  public func portRead(_ port: UInt16, size: Int) -> UInt32 {
    ByteLanes.read(port, size: size, in: POSTPort.port...POSTPort.port) { _ in lastCode ?? 0xFF }
  }

  public func portWrite(_ port: UInt16, size: Int, value: UInt32) {
    ByteLanes.write(port, size: size, value: value, in: POSTPort.port...POSTPort.port) { _, code in
      lastCode = code
      count &+= 1
      onCode?(code)
    }
  }
}

// MARK: - Debug console (0xE9)

public struct DebugConsoleState: Sendable, Equatable, Codable {
  public var output: BoundedByteStream
}

/// The QEMU `-debugcon` / Bochs `port_e9_hack` console: bytes written to 0xE9 appear on a host stream.
public final class DebugConsole: PortDevice {
  public static let port: UInt16 = 0xE9

  /// Everything written, newest last; bounded as `BoundedByteStream` says (64 KiB by default).
  public var stream = BoundedByteStream()
  public var onOutput: ((UInt8) -> Void)?

  public init() {}

  /// The bytes currently held (the newest, at most `stream.limit`).
  public var output: [UInt8] { stream.bytes }

  /// The held output as text (invalid UTF-8 shown as U+FFFD).
  public var text: String { String(decoding: stream.bytes, as: UTF8.self) }

  public var state: DebugConsoleState { DebugConsoleState(output: stream) }

  public func portRead(_ port: UInt16, size: Int) -> UInt32 {
    ByteLanes.read(port, size: size, in: DebugConsole.port...DebugConsole.port) { _ in 0xE9 }
  }

  public func portWrite(_ port: UInt16, size: Int, value: UInt32) {
    ByteLanes.write(port, size: size, value: value, in: DebugConsole.port...DebugConsole.port) { _, byte in
      stream.append(byte)
      onOutput?(byte)
    }
  }
}

// MARK: - System control port A (0x92)

public struct SystemControlPortAState: Sendable, Equatable, Codable {
  public var value: UInt8
  public var a20Enabled: Bool
  public var resetRequests: Int
}

/// PS/2 system control port A: fast A20 gate (bit 1) and fast reset (bit 0).
public final class SystemControlPortA: PortDevice {
  public static let port: UInt16 = 0x92

  /// The register as last written.
  public private(set) var value: UInt8 = 0x02
  /// Resets requested through bit 0.
  public private(set) var resetRequests = 0
  /// Called when bit 0 goes from 0 to 1.
  public var onReset: (() -> Void)?
  /// Called when bit 1 (fast A20) changes, with the new gate state.
  public var onA20Change: ((Bool) -> Void)?

  public init() {}

  /// Fast A20: address line 20 passes through when set.
  public var a20Enabled: Bool { value & 0x02 != 0 }

  public var state: SystemControlPortAState {
    SystemControlPortAState(value: value, a20Enabled: a20Enabled, resetRequests: resetRequests)
  }

  public func portRead(_ port: UInt16, size: Int) -> UInt32 {
    ByteLanes.read(port, size: size, in: SystemControlPortA.port...SystemControlPortA.port) { _ in value }
  }

  public func portWrite(_ port: UInt16, size: Int, value: UInt32) {
    ByteLanes.write(port, size: size, value: value, in: SystemControlPortA.port...SystemControlPortA.port) { _, byte in
      let old = self.value
      self.value = byte
      if (old ^ byte) & 0x02 != 0 { onA20Change?(byte & 0x02 != 0) }
      if byte & 0x01 != 0 && old & 0x01 == 0 {
        resetRequests &+= 1
        onReset?()
      }
    }
  }
}
