/// A device that answers port I/O. `size` is 1, 2 or 4 bytes; values are little-endian in the low bits.
public protocol PortDevice: AnyObject {
  func portRead(_ port: UInt16, size: Int) -> UInt32
  func portWrite(_ port: UInt16, size: Int, value: UInt32)
}

/// A device mapped into physical memory above RAM. `offset` is relative to the device's base.
public protocol MMIODevice: AnyObject {
  func mmioRead(_ offset: UInt32, size: Int) -> UInt32
  func mmioWrite(_ offset: UInt32, size: Int, value: UInt32)
}

/// The port I/O map: 65,536 ports, each owned by at most one device.
///
/// An unmapped port reads all ones and ignores writes, as on a PC's ISA bus.
public final class IOBus {
  private var owners = [UInt16](repeating: 0, count: 65_536)  // 0 = unmapped, else index + 1 into devices
  private var devices: [PortDevice] = []
  /// Called before every access with the port, so the board can bring virtual time up to date.
  public var willAccess: (() -> Void)?

  public init() {}

  /// Maps `ports` to `device`, replacing any earlier owner of those ports.
  public func map(_ ports: ClosedRange<UInt16>, to device: PortDevice) {
    let index: Int
    if let existing = devices.firstIndex(where: { $0 === device }) {
      index = existing
    } else {
      devices.append(device)
      index = devices.count - 1
    }
    for port in ports { owners[Int(port)] = UInt16(index + 1) }
  }

  public func read(_ port: UInt16, size: Int) -> UInt32 {
    willAccess?()
    let owner = Int(owners[Int(port)])
    guard owner != 0 else { return size == 4 ? 0xFFFF_FFFF : size == 2 ? 0xFFFF : 0xFF }
    return devices[owner - 1].portRead(port, size: size)
  }

  public func write(_ port: UInt16, size: Int, value: UInt32) {
    willAccess?()
    let owner = Int(owners[Int(port)])
    guard owner != 0 else { return }
    devices[owner - 1].portWrite(port, size: size, value: value)
  }
}

/// The physical memory map above RAM: MMIO windows. Addresses in no window are open bus.
///
/// A PCI device's window can move (the guest rewrites its BAR) or be switched off (the command register's memory
/// enable), so windows are kept by device.
public final class MMIOMap {
  // Parallel arrays, so the search on every access touches plain integers and no reference counts.
  private var bases: [UInt32] = []
  private var sizes: [UInt32] = []
  private var enabled: [Bool] = []
  private var devices: [MMIODevice] = []
  public var willAccess: (() -> Void)?

  public init() {}

  public func map(base: UInt32, size: UInt32, to device: MMIODevice) {
    bases.append(base)
    sizes.append(size)
    enabled.append(true)
    devices.append(device)
  }

  /// Moves `device`'s window to `base`.
  public func move(_ device: MMIODevice, to base: UInt32) {
    for i in devices.indices where devices[i] === device { bases[i] = base }
  }

  /// Switches `device`'s window on or off; while off its addresses are open bus.
  public func setEnabled(_ device: MMIODevice, _ on: Bool) {
    for i in devices.indices where devices[i] === device { enabled[i] = on }
  }

  /// Where `device`'s window starts, if it is mapped.
  public func base(of device: MMIODevice) -> UInt32? {
    devices.firstIndex { $0 === device }.map { bases[$0] }
  }

  private func window(for address: UInt32) -> (offset: UInt32, device: MMIODevice)? {
    for i in bases.indices where enabled[i] && address &- bases[i] < sizes[i] {
      return (address &- bases[i], devices[i])
    }
    return nil
  }

  /// True when `address` falls in some MMIO window.
  public func isMapped(_ address: UInt32) -> Bool { window(for: address) != nil }

  public func read(_ address: UInt32, size: Int) -> UInt32 {
    willAccess?()
    guard let (offset, device) = window(for: address) else {
      return size == 4 ? 0xFFFF_FFFF : size == 2 ? 0xFFFF : 0xFF
    }
    return device.mmioRead(offset, size: size)
  }

  public func write(_ address: UInt32, size: Int, value: UInt32) {
    willAccess?()
    guard let (offset, device) = window(for: address) else { return }
    device.mmioWrite(offset, size: size, value: value)
  }
}

/// Receives interrupt request lines from devices: the PIC pair on a PC.
public protocol IRQSink: AnyObject {
  /// Drives input `irq` (0–15) to `level`. Edge-triggered inputs latch a request on a low-to-high change.
  func setIRQ(_ irq: Int, level: Bool)
}

/// One device's interrupt request line, wired to an input of the interrupt controller.
public struct IRQLine {
  public let irq: Int
  private let sink: IRQSink?

  public init(irq: Int, sink: IRQSink?) {
    self.irq = irq
    self.sink = sink
  }

  /// A line wired to nothing (for tests of a device alone).
  public static func unconnected(_ irq: Int) -> IRQLine { IRQLine(irq: irq, sink: nil) }

  public func set(_ level: Bool) { sink?.setIRQ(irq, level: level) }
  public func raise() { set(true) }
  public func lower() { set(false) }
  /// A rising edge followed by a return to low, as ISA edge-triggered devices produce.
  public func pulse() {
    set(true)
    set(false)
  }
}
