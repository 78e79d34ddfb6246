// PCI configuration space, access mechanism #1 (PCI Local Bus Specification 3.0 §3.2.2.3.2), as the i440FX host
// bridge QEMU's PC emulates decodes it.
//
// Modelled: CONFIG_ADDRESS at 0xCF8 (a 32-bit register: enable bit 31, bus 23:16, device 15:11, function 10:8,
// register 7:2) and CONFIG_DATA at 0xCFC–0xCFF (byte, word and dword accesses at the byte lanes the port selects).
// Bus 0 only; a slot with no function reads all ones (a master abort), as does any access while bit 31 is clear.
// Only 32-bit accesses reach CONFIG_ADDRESS; narrower ones at 0xCF8–0xCFB read all ones and are ignored (on the
// PIIX 0xCF9 is the reset control register, which we do not model).
//
// Each function has a type-0 header: IDs, command (I/O, memory and bus-master enables and INTx disable are
// writable), class code, header type, BARs that answer the sizing protocol (write all ones, read back the size
// mask), subsystem IDs, interrupt line (writable, as firmware fills it in) and pin. Status, capabilities, expansion
// ROM and BIST read as zero. Changes to a BAR or the command register are reported so the board can move or switch
// the device's window — a guest may relocate the card, as the xv6 lab's driver does.

/// One PCI function's 256-byte configuration space (a type-0 header).
public final class PCIConfigSpace {
  private var words = [UInt32](repeating: 0, count: 64)
  /// The header as firmware left it, restored by a reset.
  private var initialWords: [UInt32] = []
  /// Which bits of each dword the guest may write.
  private var writable = [UInt32](repeating: 0, count: 64)
  /// Told when a BAR (index 0–5) or the command register changes.
  public var onBARChange: ((Int, UInt32) -> Void)?
  public var onCommandChange: ((UInt16) -> Void)?

  public init(
    vendor: UInt16, device: UInt16, classCode: UInt32, revision: UInt8 = 0, subsystemVendor: UInt16 = 0,
    subsystem: UInt16 = 0, interruptLine: UInt8 = 0xFF, interruptPin: UInt8 = 0, command: UInt16 = 0
  ) {
    words[0] = UInt32(device) << 16 | UInt32(vendor)
    words[1] = UInt32(command)
    writable[1] = 0x0000_0547  // command: I/O, memory, bus master, parity, SERR, INTx disable
    words[2] = classCode << 8 | UInt32(revision)
    writable[3] = 0x0000_FF00 | 0x0000_00FF  // latency timer, cache line size
    words[11] = UInt32(subsystem) << 16 | UInt32(subsystemVendor)
    words[15] = UInt32(interruptPin) << 8 | UInt32(interruptLine)
    writable[15] = 0x0000_00FF  // interrupt line
    initialWords = words
  }

  /// Restores the header as firmware left it (a machine reset), reporting the command and BARs again.
  public func reset() {
    words = initialWords
    onCommandChange?(command)
    for index in 0..<6 where writable[4 + index] != 0 { onBARChange?(index, bar(index)) }
  }

  /// Declares BAR `index` as a 32-bit non-prefetchable memory window of `size` bytes (a power of two) at `base`.
  public func defineMemoryBAR(_ index: Int, size: UInt32, base: UInt32) {
    precondition((0..<6).contains(index) && size.nonzeroBitCount == 1 && size >= 16)
    words[4 + index] = base & ~(size - 1)
    writable[4 + index] = ~(size - 1)
    initialWords = words
  }

  public var command: UInt16 { UInt16(truncatingIfNeeded: words[1]) }
  public func bar(_ index: Int) -> UInt32 { words[4 + index] & ~0xF }

  /// The dword at `register` (a multiple of 4).
  public func read(_ register: Int) -> UInt32 { words[(register >> 2) & 63] }

  /// Writes `size` bytes of `value` starting at byte `offset`, through the writable mask.
  public func write(_ offset: Int, size: Int, value: UInt32) {
    let index = (offset >> 2) & 63
    let shift = UInt32(8 * (offset & 3))
    let lanes = (size >= 4 ? 0xFFFF_FFFF : (UInt32(1) << UInt32(8 * size)) - 1) << shift
    let mask = lanes & writable[index]
    let old = words[index]
    words[index] = old & ~mask | (value << shift) & mask
    guard words[index] != old else { return }
    if index == 1 { onCommandChange?(command) }
    if (4..<10).contains(index) { onBARChange?(index - 4, bar(index - 4)) }
  }
}

/// PCI bus 0 behind configuration mechanism #1 (ports 0xCF8–0xCFF).
public final class PCIBus: PortDevice {
  public static let configAddressPort: UInt16 = 0xCF8
  public static let configDataPort: UInt16 = 0xCFC

  /// CONFIG_ADDRESS as last written.
  public private(set) var configAddress: UInt32 = 0
  private var functions: [Int: PCIConfigSpace] = [:]

  public init() {}

  /// Puts `space` at bus 0, `device` (0–31), `function` (0–7).
  public func attach(_ space: PCIConfigSpace, device: Int, function: Int = 0) {
    functions[device << 3 | function] = space
  }

  /// The function CONFIG_ADDRESS selects, if the access reaches one.
  private var selected: PCIConfigSpace? {
    guard configAddress & 0x8000_0000 != 0, (configAddress >> 16) & 0xFF == 0 else { return nil }
    return functions[Int((configAddress >> 8) & 0xFF)]
  }

  public func portRead(_ port: UInt16, size: Int) -> UInt32 {
    let ones: UInt32 = size >= 4 ? 0xFFFF_FFFF : (UInt32(1) << UInt32(8 * size)) - 1
    if port == Self.configAddressPort {
      return size == 4 ? configAddress : ones
    }
    guard port >= Self.configDataPort, let space = selected else { return ones }
    let lane = Int(port - Self.configDataPort)
    return space.read(Int(configAddress & 0xFC)) >> UInt32(8 * lane) & ones
  }

  public func portWrite(_ port: UInt16, size: Int, value: UInt32) {
    if port == Self.configAddressPort {
      if size == 4 { configAddress = value & 0x80FF_FFFC }
      return
    }
    guard port >= Self.configDataPort, let space = selected else { return }
    let lane = Int(port - Self.configDataPort)
    space.write(Int(configAddress & 0xFC) + lane, size: min(size, 4 - lane), value: value)
  }
}
