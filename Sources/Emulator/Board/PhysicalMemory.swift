/// Guest RAM: one flat host buffer starting at physical address 0.
///
/// Every access is bounds-checked: an address beyond RAM reads as open bus (all ones) and a write there is
/// ignored, so no guest address can reach host memory outside the buffer. The CPU's hot path bypasses these
/// helpers through `bytes` after checking the range itself.
public final class PhysicalMemory {
  /// Start of the host buffer that holds guest physical address 0.
  public let bytes: UnsafeMutableRawPointer
  /// RAM size in bytes.
  public let size: Int

  public init(size: Int) {
    precondition(size > 0 && size % 4096 == 0, "RAM size must be a positive multiple of 4 KiB")
    self.size = size
    bytes = UnsafeMutableRawPointer.allocate(byteCount: size, alignment: 4096)
    bytes.initializeMemory(as: UInt8.self, repeating: 0, count: size)
  }

  deinit { bytes.deallocate() }

  /// True when `count` bytes starting at `address` all lie in RAM.
  @inline(__always)
  public func contains(_ address: UInt32, count: Int = 1) -> Bool {
    Int(address) &+ count <= size
  }

  public func read8(_ address: UInt32) -> UInt8 {
    contains(address) ? bytes.load(fromByteOffset: Int(address), as: UInt8.self) : 0xFF
  }

  public func read16(_ address: UInt32) -> UInt16 {
    contains(address, count: 2)
      ? bytes.loadUnaligned(fromByteOffset: Int(address), as: UInt16.self)
      : UInt16(read8(address)) | UInt16(read8(address &+ 1)) << 8
  }

  public func read32(_ address: UInt32) -> UInt32 {
    contains(address, count: 4)
      ? bytes.loadUnaligned(fromByteOffset: Int(address), as: UInt32.self)
      : UInt32(read16(address)) | UInt32(read16(address &+ 2)) << 16
  }

  public func write8(_ address: UInt32, _ value: UInt8) {
    if contains(address) { bytes.storeBytes(of: value, toByteOffset: Int(address), as: UInt8.self) }
  }

  public func write16(_ address: UInt32, _ value: UInt16) {
    write8(address, UInt8(truncatingIfNeeded: value))
    write8(address &+ 1, UInt8(truncatingIfNeeded: value >> 8))
  }

  public func write32(_ address: UInt32, _ value: UInt32) {
    write16(address, UInt16(truncatingIfNeeded: value))
    write16(address &+ 2, UInt16(truncatingIfNeeded: value >> 16))
  }

  /// Copies `data` into RAM at `address`. Returns false (and writes nothing) when it does not fit:
  /// DMA and the loader use this so a bad guest pointer is dropped, never a host crash.
  @discardableResult
  public func write(_ data: some Collection<UInt8>, at address: UInt32) -> Bool {
    guard contains(address, count: data.count) else { return false }
    var offset = Int(address)
    for byte in data {
      bytes.storeBytes(of: byte, toByteOffset: offset, as: UInt8.self)
      offset += 1
    }
    return true
  }

  /// Reads `count` bytes from RAM, or nil when the range is not entirely in RAM.
  public func read(_ address: UInt32, count: Int) -> [UInt8]? {
    guard count >= 0, contains(address, count: count) else { return nil }
    return Array(UnsafeRawBufferPointer(start: bytes + Int(address), count: count))
  }
}
