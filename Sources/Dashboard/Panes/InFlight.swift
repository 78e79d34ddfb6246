import Emulator

/// The interrupt being handled now: the highest-priority in-service PIC level (through the cascade), else the last
/// vector the new trace records delivered.
enum InFlight {
  static func vector(_ snapshot: MachineSnapshot) -> Int? {
    let pic = snapshot.pic
    if let level = lowestBit(pic.master.isr) {
      if level == 2, let slaveLevel = lowestBit(pic.slave.isr) { return Int(pic.slave.base) + slaveLevel }
      return Int(pic.master.base) + level
    }
    return snapshot.trace.last(where: { $0.vector != nil })?.vector
  }

  /// The lowest set bit (fixed priority: IR0 highest, as the BIOS leaves the chips).
  static func lowestBit(_ byte: UInt8) -> Int? {
    byte == 0 ? nil : byte.trailingZeroBitCount
  }
}
