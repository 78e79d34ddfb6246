import Foundation

/// The machine's state as `--dump FILE.json` and the script's `dump` write it: registers, the devices' registers,
/// counters and the VGA text.
public struct MachineDump: Sendable, Codable {
  public struct Registers: Sendable, Codable {
    public var eax, ebx, ecx, edx, esi, edi, ebp, esp, eip, eflags: UInt32
    public var flags: String
    public var cs, ds, es, fs, gs, ss: UInt16
    public var cpl: Int
    public var cr0, cr2, cr3, cr4: UInt32
    public var gdtBase: UInt32
    public var gdtLimit: UInt16
    public var idtBase: UInt32
    public var idtLimit: UInt16
    public var halted: Bool
  }

  public struct Counters: Sendable, Codable {
    public var cycles: UInt64
    public var instructions: UInt64
    public var virtualNanoseconds: UInt64
    public var interruptsPerIRQ: [Int]
    public var traceEvents: [String: Int]
    public var keyboardOverruns: Int
    public var serialDroppedInput: Int
    public var tripleFaults: Int
    public var resets: [String]
    public var postCode: UInt8?
    /// Frames waiting on the wire to the card, and frames the host side dropped (queue full, machine reset).
    public var wireQueued: Int
    public var wireDropped: Int
  }

  public var registers: Registers
  public var pic: PICPairState
  public var pit: PIT8254State
  public var keyboard: Keyboard8042State
  public var uart: UART16550State
  public var rtc: RTCState
  public var nic: E1000State
  public var counters: Counters
  public var pendingEvents: [Scheduler.PendingEvent]
  public var screen: [String]

  public init(_ machine: Machine) {
    let cpu = machine.cpu
    registers = Registers(
      eax: cpu[.eax], ebx: cpu[.ebx], ecx: cpu[.ecx], edx: cpu[.edx], esi: cpu[.esi], edi: cpu[.edi],
      ebp: cpu[.ebp], esp: cpu[.esp], eip: cpu.eip, eflags: cpu.eflags, flags: EFLAGS.describe(cpu.eflags),
      cs: cpu.segment(.cs).selector, ds: cpu.segment(.ds).selector, es: cpu.segment(.es).selector,
      fs: cpu.segment(.fs).selector, gs: cpu.segment(.gs).selector, ss: cpu.segment(.ss).selector, cpl: cpu.cpl,
      cr0: cpu.cr0, cr2: cpu.cr2, cr3: cpu.cr3, cr4: cpu.cr4, gdtBase: cpu.gdtr.base, gdtLimit: cpu.gdtr.limit,
      idtBase: cpu.idtr.base, idtLimit: cpu.idtr.limit, halted: cpu.halted)
    pic = machine.pics.state
    pit = machine.pit.state
    keyboard = machine.keyboard.state
    uart = machine.uart.state
    rtc = machine.rtc.state
    nic = machine.nic.state
    var kinds: [String: Int] = [:]
    for (kind, count) in machine.tracer.counts { kinds[kind.rawValue] = count }
    counters = Counters(
      cycles: cpu.cycles, instructions: cpu.instructions,
      virtualNanoseconds: Scheduler.nanoseconds(cycles: cpu.cycles),
      interruptsPerIRQ: machine.tracer.interruptsPerIRQ, traceEvents: kinds,
      keyboardOverruns: machine.keyboard.state.overruns, serialDroppedInput: machine.uart.droppedInput,
      tripleFaults: cpu.tripleFaults, resets: machine.resets, postCode: machine.post.lastCode,
      wireQueued: machine.wire.queued, wireDropped: machine.wire.dropped)
    pendingEvents = machine.scheduler.pending
    screen = machine.vga.textLines()
  }

  /// Pretty-printed JSON with sorted keys, so dumps diff cleanly.
  public func json() -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
    guard let data = try? encoder.encode(self) else { return "{}" }
    return String(decoding: data, as: UTF8.self)
  }
}
