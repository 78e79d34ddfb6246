import Emulator

/// The `DebugTarget` over a `Machine`: registers and memory through the CPU's side-effect-free page walk,
/// breakpoints and watchpoints in the CPU's debug traps, and the `monitor` commands.
///
/// Like the machine, it must be used on the machine's own thread.
public final class MachineTarget: DebugTarget {
  public let machine: Machine

  public init(machine: Machine) {
    self.machine = machine
  }

  /// gdb's order of the segment registers (cs ss ds es fs gs) as the CPU's.
  static let segmentOrder: [SegmentRegister] = [.cs, .ss, .ds, .es, .fs, .gs]

  public func readRegisters() -> [UInt32] {
    let cpu = machine.cpu
    var values = CPU.Register32.allCases.map { cpu[$0] }
    values.append(cpu.eip)
    values.append(cpu.eflags)
    for s in Self.segmentOrder { values.append(UInt32(cpu.segment(s).selector)) }
    return values
  }

  public func writeRegister(_ index: Int, _ value: UInt32) -> Bool {
    let cpu = machine.cpu
    switch index {
    case 0..<8: cpu[CPU.Register32(rawValue: index)!] = value
    case 8: cpu.eip = value
    case 9: cpu.eflags = value
    case 10..<16:
      // Loading a segment register means reading a descriptor with all its checks: not done from the debugger.
      return UInt32(cpu.segment(Self.segmentOrder[index - 10]).selector) == value
    default: return false
    }
    return true
  }

  public func readMemory(_ address: UInt32, count: Int) -> [UInt8]? {
    machine.cpu.peekLinearBytes(address, count: count)
  }

  public func writeMemory(_ address: UInt32, _ bytes: [UInt8]) -> Bool {
    machine.cpu.pokeLinear(address, bytes)
  }

  public func insert(_ point: DebugPoint) -> Bool {
    let cpu = machine.cpu
    switch point.kind {
    case .software: cpu.insertBreakpoint(point.address)
    case .hardware: cpu.insertBreakpoint(point.address, hardware: true)
    case .writeWatch: cpu.insertWatchpoint(point.address, length: point.length, kind: .write)
    case .readWatch: cpu.insertWatchpoint(point.address, length: point.length, kind: .read)
    case .accessWatch: cpu.insertWatchpoint(point.address, length: point.length, kind: .access)
    }
    return true
  }

  public func remove(_ point: DebugPoint) -> Bool {
    let cpu = machine.cpu
    switch point.kind {
    case .software: cpu.removeBreakpoint(point.address)
    case .hardware: cpu.removeBreakpoint(point.address, hardware: true)
    case .writeWatch: cpu.removeWatchpoint(point.address, length: point.length, kind: .write)
    case .readWatch: cpu.removeWatchpoint(point.address, length: point.length, kind: .read)
    case .accessWatch: cpu.removeWatchpoint(point.address, length: point.length, kind: .access)
    }
    return true  // removing what is not there is not an error (gdb removes after a reset cleared nothing)
  }

  public func removeAllPoints() {
    machine.cpu.removeAllDebugTraps()
  }

  public func monitor(_ command: String) -> String {
    MonitorCommands(machine: machine).run(command)
  }
}
