/// The command layer of the GDB remote protocol for a single-threaded i386 target in all-stop mode: it turns
/// one packet's payload into a reply or an action, over a `DebugTarget`. No sockets, no machine: pure and testable.
///
/// Replies follow the protocol's conventions: an empty reply for a command it does not know, `E..` for a command
/// it knows with arguments it cannot accept (malformed hex, an unmapped address, a length over the packet size).
public final class CommandHandler {
  /// What to do after a packet.
  public enum Result: Sendable, Equatable {
    /// Send this packet.
    case reply(String)
    /// Send these packets in order (monitor output as `O` packets, then the final reply).
    case replies([String])
    /// Let the target run (`c`, `vCont;c`) or execute one instruction (`s`, `vCont;s`); the reply is the stop
    /// reply, sent when the target stops.
    case resume(step: Bool)
    /// Reply `OK` and stop acknowledging packets (QStartNoAckMode).
    case startNoAck
    /// Reply `OK`, clear every breakpoint and let the target run on without a debugger.
    case detach
    /// `k`: end the session (no reply).
    case kill
  }

  /// The largest payload the stub accepts and sends (advertised in hex as `PacketSize`).
  public static let packetSize = 0x4000
  /// The one thread gdb sees.
  static let threadID = "01"

  public let target: DebugTarget
  /// The last stop, for `?`; nil before the first one (the stop gdb finds when it attaches).
  public var lastStop: StopReason?

  public init(target: DebugTarget) {
    self.target = target
  }

  /// The stop reply for a stop (gdb's manual, "Stop Reply Packets"): signal 5 (SIGTRAP) with the reason, or
  /// signal 2 (SIGINT) when the debugger asked for the stop.
  public static func stopReply(_ reason: StopReason?) -> String {
    let thread = "thread:\(threadID);"
    switch reason {
    case nil, .step: return "T05" + thread
    case .requested: return "T02" + thread
    case .softwareBreakpoint: return "T05swbreak:;" + thread
    case .hardwareBreakpoint: return "T05hwbreak:;" + thread
    case .watchpoint(let kind, let address):
      let name: String
      switch kind {
      case .write: name = "watch"
      case .read: name = "rwatch"
      case .access: name = "awatch"
      }
      return "T05\(name):\(String(address, radix: 16));" + thread
    }
  }

  /// Handles one packet's payload.
  public func handle(_ payload: [UInt8]) -> Result {
    guard let first = payload.first else { return .reply("") }
    let rest = payload.dropFirst()
    switch first {
    case UInt8(ascii: "?"): return .reply(Self.stopReply(lastStop))
    case UInt8(ascii: "g"): return .reply(readAllRegisters())
    case UInt8(ascii: "G"): return .reply(writeAllRegisters(rest))
    case UInt8(ascii: "p"): return .reply(readRegister(rest))
    case UInt8(ascii: "P"): return .reply(writeRegister(rest))
    case UInt8(ascii: "m"): return .reply(readMemory(rest))
    case UInt8(ascii: "M"): return .reply(writeMemory(rest, binary: false))
    case UInt8(ascii: "X"): return .reply(writeMemory(rest, binary: true))
    case UInt8(ascii: "Z"), UInt8(ascii: "z"): return .reply(point(rest, insert: first == UInt8(ascii: "Z")))
    case UInt8(ascii: "c"), UInt8(ascii: "s"):
      if !rest.isEmpty {
        guard let address = Hex.number(rest), target.writeRegister(8, address) else { return .reply("E01") }
      }
      return .resume(step: first == UInt8(ascii: "s"))
    case UInt8(ascii: "C"), UInt8(ascii: "S"):
      // The signal is ignored: there is no process to deliver it to. An address may follow after `;`.
      let parts = rest.split(separator: UInt8(ascii: ";"), maxSplits: 1, omittingEmptySubsequences: false)
      guard let signal = parts.first, Hex.number(signal) != nil else { return .reply("E01") }
      if parts.count == 2 {
        guard let address = Hex.number(parts[1]), target.writeRegister(8, address) else { return .reply("E01") }
      }
      return .resume(step: first == UInt8(ascii: "S"))
    case UInt8(ascii: "k"): return .kill
    case UInt8(ascii: "D"): return .detach
    case UInt8(ascii: "H"): return .reply("OK")
    case UInt8(ascii: "T"):
      guard let thread = Hex.number(rest) else { return .reply("E01") }
      return .reply(thread == 1 || thread == 0 ? "OK" : "E01")
    case UInt8(ascii: "v"): return vPacket(String(decoding: payload, as: UTF8.self))
    case UInt8(ascii: "q"), UInt8(ascii: "Q"): return query(payload)
    default: return .reply("")
    }
  }

  // MARK: Queries

  private func query(_ payload: [UInt8]) -> Result {
    let text = String(decoding: payload, as: UTF8.self)
    if text.hasPrefix("qSupported") {
      return .reply(
        "PacketSize=\(String(Self.packetSize, radix: 16));qXfer:features:read+;vContSupported+;swbreak+;hwbreak+;"
          + "QStartNoAckMode+")
    }
    if text == "QStartNoAckMode" { return .startNoAck }
    if text.hasPrefix("qXfer:features:read:") { return .reply(features(text.dropFirst("qXfer:features:read:".count))) }
    if text.hasPrefix("qAttached") { return .reply("1") }
    if text == "qC" { return .reply("QC" + Self.threadID) }
    if text == "qfThreadInfo" { return .reply("m" + Self.threadID) }
    if text == "qsThreadInfo" { return .reply("l") }
    if text.hasPrefix("qRcmd,") {
      guard let command = Hex.decode(payload.dropFirst("qRcmd,".count)) else { return .reply("E01") }
      let output = Array(target.monitor(String(decoding: command, as: UTF8.self)).utf8)
      // Output that fits goes as the reply itself; longer output as console-output packets, then OK.
      if output.count * 2 < Self.packetSize { return .reply(output.isEmpty ? "OK" : Hex.encode(output)) }
      let chunk = Self.packetSize / 2 - 8
      var packets: [String] = []
      for start in stride(from: 0, to: output.count, by: chunk) {
        packets.append("O" + Hex.encode(output[start..<min(output.count, start + chunk)]))
      }
      return .replies(packets + ["OK"])
    }
    return .reply("")
  }

  /// `qXfer:features:read:ANNEX:OFFSET,LENGTH`: a window of the target description, `m` when more follows, `l` at
  /// the end.
  private func features(_ arguments: Substring) -> String {
    let parts = arguments.split(separator: ":", omittingEmptySubsequences: false)
    guard parts.count == 2 else { return "E01" }
    guard parts[0] == "target.xml" else { return "E00" }
    let range = parts[1].split(separator: ",", omittingEmptySubsequences: false)
    guard range.count == 2, let offset = Hex.number(range[0].utf8), let length = Hex.number(range[1].utf8) else {
      return "E01"
    }
    let document = Array(TargetDescription.xml.utf8)
    guard Int(offset) <= document.count else { return "E01" }
    let count = min(Int(length), Self.packetSize - 1, document.count - Int(offset))
    let end = Int(offset) + count
    let chunk = String(decoding: document[Int(offset)..<end], as: UTF8.self)
    return (end < document.count ? "m" : "l") + chunk
  }

  private func vPacket(_ text: String) -> Result {
    if text == "vCont?" { return .reply("vCont;c;C;s;S") }
    guard text.hasPrefix("vCont;") else { return .reply("") }
    // Actions are `c`, `s`, `Csig`, `Ssig`, each optionally `:thread`; on one thread, a step anywhere means a step.
    var step = false
    for action in text.dropFirst("vCont;".count).split(separator: ";", omittingEmptySubsequences: false) {
      let verb = action.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)[0]
      switch verb.first {
      case "c" where verb.count == 1: break
      case "s" where verb.count == 1: step = true
      case "C" where Hex.number(verb.dropFirst().utf8) != nil: break
      case "S" where Hex.number(verb.dropFirst().utf8) != nil: step = true
      default: return .reply("E01")
      }
    }
    return .resume(step: step)
  }

  // MARK: Registers

  private func readAllRegisters() -> String {
    var text = ""
    for value in target.readRegisters().prefix(TargetDescription.generalRegisterCount) {
      text += Hex.encodeLittleEndian(value)
    }
    // st0–st7 and the x87 control registers: no FPU, so zeros.
    text += String(repeating: "0", count: 2 * (8 * 10 + 8 * 4))
    return text
  }

  private func writeAllRegisters(_ hex: ArraySlice<UInt8>) -> String {
    guard let bytes = Hex.decode(hex), bytes.count >= 4 * TargetDescription.generalRegisterCount else { return "E01" }
    let current = target.readRegisters()
    for index in 0..<TargetDescription.generalRegisterCount {
      let value = Self.littleEndian(bytes[(4 * index)..<(4 * index + 4)])
      // Unchanged registers are not written back, so a G that repeats a selector never reloads a segment.
      if index < current.count && current[index] == value { continue }
      guard target.writeRegister(index, value) else { return "E01" }
    }
    return "OK"
  }

  private func readRegister(_ hex: ArraySlice<UInt8>) -> String {
    guard let number = Hex.number(hex), let size = TargetDescription.size(ofRegister: Int(number)) else {
      return "E01"
    }
    if number < TargetDescription.generalRegisterCount {
      return Hex.encodeLittleEndian(target.readRegisters()[Int(number)])
    }
    return String(repeating: "0", count: 2 * size)
  }

  private func writeRegister(_ text: ArraySlice<UInt8>) -> String {
    let parts = text.split(separator: UInt8(ascii: "="), maxSplits: 1, omittingEmptySubsequences: false)
    guard parts.count == 2, let number = Hex.number(parts[0]),
      let size = TargetDescription.size(ofRegister: Int(number)),
      let bytes = Hex.decode(parts[1]), bytes.count == size
    else { return "E01" }
    if number >= TargetDescription.generalRegisterCount { return "OK" }  // x87: nothing to write
    return target.writeRegister(Int(number), Self.littleEndian(bytes[...])) ? "OK" : "E01"
  }

  static func littleEndian(_ bytes: ArraySlice<UInt8>) -> UInt32 {
    var value: UInt32 = 0
    for (i, byte) in bytes.prefix(4).enumerated() { value |= UInt32(byte) << (8 * UInt32(i)) }
    return value
  }

  // MARK: Memory

  /// `ADDR,LENGTH` in hex.
  private func addressAndLength(_ text: ArraySlice<UInt8>) -> (UInt32, Int)? {
    let parts = text.split(separator: UInt8(ascii: ","), maxSplits: 1, omittingEmptySubsequences: false)
    guard parts.count == 2, let address = Hex.number(parts[0]), let length = Hex.number(parts[1]) else { return nil }
    return (address, Int(length))
  }

  private func readMemory(_ text: ArraySlice<UInt8>) -> String {
    guard let (address, length) = addressAndLength(text) else { return "E01" }
    // Each byte takes two characters of the reply.
    guard length <= Self.packetSize / 2 else { return "E01" }
    guard let bytes = target.readMemory(address, count: length) else { return "E14" }  // EFAULT
    return Hex.encode(bytes)
  }

  private func writeMemory(_ text: ArraySlice<UInt8>, binary: Bool) -> String {
    let parts = text.split(separator: UInt8(ascii: ":"), maxSplits: 1, omittingEmptySubsequences: false)
    guard parts.count == 2, let (address, length) = addressAndLength(parts[0]), length <= Self.packetSize else {
      return "E01"
    }
    let data: [UInt8]
    if binary {
      data = Array(parts[1])
    } else {
      guard let decoded = Hex.decode(parts[1]) else { return "E01" }
      data = decoded
    }
    guard data.count == length else { return "E01" }
    if length == 0 { return "OK" }
    return target.writeMemory(address, data) ? "OK" : "E14"
  }

  // MARK: Breakpoints and watchpoints

  /// `TYPE,ADDR,KIND` (conditions and commands after `;` are not supported and are ignored).
  private func point(_ text: ArraySlice<UInt8>, insert: Bool) -> String {
    let main = text.split(separator: UInt8(ascii: ";"), maxSplits: 1, omittingEmptySubsequences: false)[0]
    let parts = main.split(separator: UInt8(ascii: ","), omittingEmptySubsequences: false)
    guard parts.count == 3, let type = Hex.number(parts[0]), let address = Hex.number(parts[1]),
      let length = Hex.number(parts[2])
    else { return "E01" }
    guard let kind = DebugPoint.Kind(rawValue: Int(type)) else { return "" }
    let point = DebugPoint(kind: kind, address: address, length: length)
    return (insert ? target.insert(point) : target.remove(point)) ? "OK" : ""
  }
}
