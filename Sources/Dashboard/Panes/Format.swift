import Emulator

/// Number and time spelling shared by the panes: fixed-width lowercase hex, virtual time, durations.
enum Format {
  /// `value` as exactly `width` hex digits (the low ones), lowercase, no prefix. Written straight into the
  /// string's storage: panes spell hundreds of these a frame.
  static func hex<T: BinaryInteger>(_ value: T, _ width: Int) -> String {
    guard width > 0 else { return "" }
    return String(unsafeUninitializedCapacity: width) { buffer in
      var rest = UInt64(truncatingIfNeeded: value)
      for index in stride(from: width - 1, through: 0, by: -1) {
        let digit = UInt8(rest & 0xF)
        buffer[index] = digit < 10 ? 0x30 + digit : 0x57 + digit
        rest >>= 4
      }
      return width
    }
  }

  /// `text` padded with spaces (or cut) to `width` cells, on the right or on the left.
  static func pad(_ text: String, _ width: Int, right: Bool = false) -> String {
    let utf8Count = text.utf8.count
    // ASCII (nearly every call) is one cell per byte: no need to count characters.
    let isASCII = text.utf8.allSatisfy { $0 < 0x80 }
    let count = isASCII ? utf8Count : text.count
    if count >= width { return count == width ? text : String(text.prefix(width)) }
    guard isASCII else {
      let padding = String(repeating: " ", count: width - count)
      return right ? padding + text : text + padding
    }
    var text = text
    return text.withUTF8 { bytes in
      String(unsafeUninitializedCapacity: width) { buffer in
        let start = right ? width - utf8Count : 0
        for index in 0..<width { buffer[index] = 0x20 }
        for (offset, byte) in bytes.enumerated() { buffer[start + offset] = byte }
        return width
      }
    }
  }

  /// Virtual time in seconds with microsecond digits: "12.345678".
  static func seconds(nanoseconds: UInt64) -> String {
    let micros = nanoseconds / 1000
    let fraction = String(micros % 1_000_000)
    return "\(micros / 1_000_000)." + String(repeating: "0", count: 6 - fraction.count) + fraction
  }

  /// A duration in cycles of the nominal clock as "850ns", "12.3µs", "4.56ms", "1.20s".
  static func duration(cycles: UInt64) -> String {
    duration(nanoseconds: cycles * 1_000_000_000 / Scheduler.nominalHz)
  }

  static func duration(nanoseconds: UInt64) -> String {
    let n = Double(nanoseconds)
    if nanoseconds < 1000 { return "\(nanoseconds)ns" }
    if nanoseconds < 1_000_000 { return fixed(n / 1e3, 1) + "µs" }
    if nanoseconds < 1_000_000_000 { return fixed(n / 1e6, 2) + "ms" }
    return fixed(n / 1e9, 2) + "s"
  }

  /// `value` with `places` decimals, without Foundation.
  static func fixed(_ value: Double, _ places: Int) -> String {
    guard value.isFinite else { return "-" }
    var scale = 1.0
    for _ in 0..<places { scale *= 10 }
    let scaled = (abs(value) * scale).rounded()
    guard scaled < 9e18 else { return value < 0 ? "-big" : "big" }
    let whole = UInt64(scaled)
    let unit = UInt64(scale)
    let sign = value < 0 && whole > 0 ? "-" : ""
    guard places > 0 else { return sign + String(whole) }
    let fraction = String(whole % unit)
    return sign + String(whole / unit) + "." + String(repeating: "0", count: places - fraction.count) + fraction
  }
}

/// The devices wired to the PIC inputs on this board (Machine: PIT → 0, 8042 → 1, slave → 2, COM1 → 4, NIC → 11).
enum Board {
  /// Short names for the PIC pane's device row (at most 4 cells); nil for a line with nothing wired.
  static func shortName(irq: Int) -> String? {
    switch irq {
    case 0: "pit"
    case 1: "kbd"
    case 2: "slv"
    case 4: "com1"
    case Machine.nicIRQ: "nic"
    default: nil
    }
  }

  /// Names for the IDT and stats panes.
  static func deviceName(irq: Int) -> String? {
    switch irq {
    case 0: "timer"
    case 1: "keyboard"
    case 2: "cascade"
    case 4: "COM1"
    case Machine.nicIRQ: "NIC"
    default: nil
    }
  }

  /// The IRQ line whose vector is `vector` under the PIC pair's current bases, if any.
  static func irq(forVector vector: Int, pic: PICPairState) -> Int? {
    let masterBase = Int(pic.master.base)
    let slaveBase = Int(pic.slave.base)
    if masterBase != 0 || slaveBase != 0 {
      if vector >= masterBase && vector < masterBase + 8 { return vector - masterBase }
      if vector >= slaveBase && vector < slaveBase + 8 { return vector - slaveBase + 8 }
    }
    return nil
  }

  /// What vector `vector` is for: the SDM's exception name, `IRQ n (device)`, `syscall` for 0x80, or "".
  static func vectorName(_ vector: Int, pic: PICPairState) -> String {
    if let irq = irq(forVector: vector, pic: pic) {
      if let device = deviceName(irq: irq) { return "IRQ \(irq) (\(device))" }
      return "IRQ \(irq)"
    }
    if vector < 32 { return Vector.name(UInt8(vector)) ?? "reserved" }
    if vector == 0x80 { return "syscall" }
    return ""
  }
}
