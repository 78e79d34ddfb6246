import Foundation

extension Machine {
  /// Applies one guest-visible host input. The live machine and the headless script runner both come through
  /// here, so a recorded live session replays exactly. A command that cannot take effect (a capture that cannot be
  /// read, a glitch on a masked line) is traced as dropped host input, and its problem returned.
  /// Host-control commands (pause, step, speed) are the live machine's and do nothing here.
  @discardableResult
  public func apply(_ command: MachineCommand) -> String? {
    let problem = applyInput(command)
    if let problem { noteDropped(source: "host", detail: problem) }
    return problem
  }

  private func applyInput(_ command: MachineCommand) -> String? {
    switch command {
    case .type(let text):
      _ = type(text)
    case .key(let key, let modifiers):
      keyboard.stroke(key, modifiers: modifiers)
    case .press(let key):
      press(key)
    case .release(let key):
      release(key)
    case .serial(let bytes):
      uart.receive(bytes)
    case .mask(let irq):
      setMask(irq: irq, masked: true)
    case .unmask(let irq):
      setMask(irq: irq, masked: false)
    case .toggleMask(let irq):
      guard (0..<16).contains(irq) else { return nil }
      let imr = irq < 8 ? pics.master.imr : pics.slave.imr
      setMask(irq: irq, masked: imr & (1 << UInt8(irq & 7)) == 0)
    case .nmi:
      cpu.raiseNMI()
    case .spurious(let irq):
      if !spurious(irq: irq) { return "IRQ \(irq) is masked: a glitch on it never reaches INTR" }
    case .packet(let spec):
      switch spec {
      case .udp(let length, let payload):
        do { try injectPacket(length: length, payload: payload) } catch { return error.description }
      case .arp: inject(frame: EthernetFrame.arpRequest())
      case .raw(let frame): inject(frame: frame)
      }
    case .burst(let count, let length):
      do { try injectBurst(count, length: length) } catch { return error.description }
    case .pcap(let path, let rate):
      do {
        replay(try PcapCapture(contentsOf: URL(fileURLWithPath: path)), ratePerSecond: rate)
      } catch {
        return "\(path): \(error)"
      }
    case .reset:
      reset(reason: "reset requested by the host")
    case .pause, .resume, .togglePause, .step, .stepToInterrupt, .speed, .faster, .slower:
      break
    }
    return nil
  }

  /// The script command a guest-visible command is written as (what `--record` writes); nil for host control.
  /// A `toggleMask` is written as the mask or unmask it turned out to be, so pass the IMR it found.
  public static func scriptLine(for command: MachineCommand, maskedAfter: Bool? = nil) -> String? {
    switch command {
    case .type(let text): return "type \(ScriptText.quote(text))"
    case .key(let key, let modifiers): return "key " + (modifiers + [key]).map(\.rawValue).joined(separator: "+")
    case .press(let key): return "press \(key.rawValue)"
    case .release(let key): return "release \(key.rawValue)"
    case .serial(let bytes): return "serial \(ScriptText.quote(bytes: bytes))"
    case .mask(let irq): return "mask \(irq)"
    case .unmask(let irq): return "unmask \(irq)"
    case .toggleMask(let irq): return maskedAfter.map { "\($0 ? "mask" : "unmask") \(irq)" }
    case .nmi: return "nmi"
    case .spurious(let irq): return "spurious \(irq)"
    case .packet(let spec):
      switch spec {
      case .arp: return "packet arp"
      case .raw(let frame): return "packet hex:" + frame.map { String(format: "%02x", $0) }.joined()
      case .udp(let length, let payload):
        var line = "packet"
        if let length { line += " \(length)" }
        if let payload { line += " payload \(ScriptText.quote(bytes: payload))" }
        return line
      }
    case .burst(let count, let length): return "burst \(count)" + (length.map { " \($0)" } ?? "")
    case .pcap(let path, let rate):
      return "pcap \(ScriptText.quote(path))" + (rate.map { " rate \(Int($0))/s" } ?? "")
    case .reset: return "reset"
    case .pause, .resume, .togglePause, .step, .stepToInterrupt, .speed, .faster, .slower: return nil
    }
  }
}

/// Quoting for script strings, the inverse of the parser's escapes.
public enum ScriptText {
  public static func quote(_ text: String) -> String {
    var out = "\""
    for character in text {
      switch character {
      case "\n": out += "\\n"
      case "\t": out += "\\t"
      case "\u{8}": out += "\\b"
      case "\u{1B}": out += "\\e"
      case "\\": out += "\\\\"
      case "\"": out += "\\\""
      default: out.append(character)
      }
    }
    return out + "\""
  }

  /// Bytes as a `serial`/`payload` string: printable ASCII as is, the rest as escapes.
  public static func quote(bytes: [UInt8]) -> String {
    var out = "\""
    for byte in bytes {
      switch byte {
      case 0x0A: out += "\\n"
      case 0x09: out += "\\t"
      case 0x08: out += "\\b"
      case 0x1B: out += "\\e"
      case 0x5C: out += "\\\\"
      case 0x22: out += "\\\""
      case 0x20..<0x7F: out.append(Character(Unicode.Scalar(byte)))
      default: out += String(format: "\\x%02x", byte)
      }
    }
    return out + "\""
  }
}
