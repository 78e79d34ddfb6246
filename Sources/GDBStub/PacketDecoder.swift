/// The framing layer of the GDB remote serial protocol, as pure code over bytes (gdb's manual, "Overview" of
/// "Remote Protocol"): a packet is `$payload#cs`, where `cs` is two hex digits, the sum of the payload bytes modulo
/// 256 as sent (escapes included). Outside a packet, `+` and `-` are acknowledgements and 0x03 is an interrupt
/// request (Ctrl-C); anything else there is noise and is skipped.
///
/// In the payload, `}` escapes the next byte (which is XORed with 0x20) and `c*n` repeats `c` a further `n - 29`
/// times (run-length encoding; gdb does not send it, but the grammar allows it).
///
/// The decoder never fails: a bad checksum, a packet longer than `maximumPacket` or a bad escape is reported as
/// `.malformed` (the answer is `-`, so gdb retransmits), and the decoder is back in step at the next `$`.
public struct PacketDecoder: Sendable {
  public enum Event: Sendable, Equatable {
    /// A whole packet with a good checksum: its payload, escapes and run lengths undone.
    case packet([UInt8])
    /// A packet that cannot be accepted (checksum, length or encoding): answer `-`.
    case malformed
    /// `+`: the peer received our last packet.
    case ack
    /// `-`: the peer asks for our last packet again.
    case nack
    /// 0x03 outside a packet: stop the target.
    case interrupt
  }

  private enum State: Sendable {
    case idle
    case payload
    case checksumHigh
    case checksumLow(UInt8)
  }

  /// The longest raw payload accepted (the stub advertises less as `PacketSize`).
  public let maximumPacket: Int
  private var state = State.idle
  private var raw: [UInt8] = []
  private var sum: UInt8 = 0
  private var overflowed = false

  public init(maximumPacket: Int = 0x10000) {
    self.maximumPacket = maximumPacket
  }

  /// Feeds bytes in; returns what they completed, in order.
  public mutating func feed<Bytes: Sequence<UInt8>>(_ bytes: Bytes) -> [Event] {
    var events: [Event] = []
    for byte in bytes {
      if let event = feed(byte) { events.append(event) }
    }
    return events
  }

  /// Feeds one byte in.
  public mutating func feed(_ byte: UInt8) -> Event? {
    switch state {
    case .idle:
      switch byte {
      case UInt8(ascii: "$"): startPacket()
      case UInt8(ascii: "+"): return .ack
      case UInt8(ascii: "-"): return .nack
      case 0x03: return .interrupt
      default: break  // noise between packets
      }
    case .payload:
      switch byte {
      case UInt8(ascii: "#"): state = .checksumHigh
      case UInt8(ascii: "$"): startPacket()  // a packet cut short by a new one: drop the old part
      default:
        sum &+= byte
        if raw.count < maximumPacket { raw.append(byte) } else { overflowed = true }
      }
    case .checksumHigh:
      guard let high = Hex.digit(byte) else {
        state = .idle
        return byte == UInt8(ascii: "$") ? restart() : .malformed
      }
      state = .checksumLow(high)
    case .checksumLow(let high):
      state = .idle
      guard let low = Hex.digit(byte) else {
        return byte == UInt8(ascii: "$") ? restart() : .malformed
      }
      guard !overflowed, high << 4 | low == sum, let payload = Self.decode(raw) else { return .malformed }
      return .packet(payload)
    }
    return nil
  }

  private mutating func startPacket() {
    state = .payload
    raw.removeAll(keepingCapacity: true)
    sum = 0
    overflowed = false
  }

  private mutating func restart() -> Event {
    startPacket()
    return .malformed
  }

  /// Undoes `}` escapes and `*` run lengths; nil when the encoding is broken (a trailing `}`, a `*` with nothing to
  /// repeat or a count byte out of range).
  static func decode(_ raw: [UInt8]) -> [UInt8]? {
    var out: [UInt8] = []
    out.reserveCapacity(raw.count)
    var i = 0
    while i < raw.count {
      let byte = raw[i]
      if byte == UInt8(ascii: "}") {
        guard i + 1 < raw.count else { return nil }
        out.append(raw[i + 1] ^ 0x20)
        i += 2
      } else if byte == UInt8(ascii: "*") {
        // Run length: the count byte is n + 29, printable, and never `#` or `$` (so n is 3…97 minus those).
        guard let last = out.last, i + 1 < raw.count, raw[i + 1] >= 29 + 3, raw[i + 1] <= 126 else { return nil }
        out.append(contentsOf: repeatElement(last, count: Int(raw[i + 1]) - 29))
        i += 2
      } else {
        out.append(byte)
        i += 1
      }
    }
    return out
  }
}

/// Frames replies: `$`, the payload with `$`, `#`, `}` and `*` escaped, `#`, the checksum.
public enum PacketEncoder {
  public static func frame(_ payload: [UInt8]) -> [UInt8] {
    var out: [UInt8] = [UInt8(ascii: "$")]
    out.reserveCapacity(payload.count + 4)
    var sum: UInt8 = 0
    for byte in payload {
      if byte == UInt8(ascii: "$") || byte == UInt8(ascii: "#") || byte == UInt8(ascii: "}")
        || byte == UInt8(ascii: "*")
      {
        out.append(UInt8(ascii: "}"))
        out.append(byte ^ 0x20)
        sum &+= UInt8(ascii: "}") &+ (byte ^ 0x20)
      } else {
        out.append(byte)
        sum &+= byte
      }
    }
    out.append(UInt8(ascii: "#"))
    out.append(Hex.digits[Int(sum >> 4)])
    out.append(Hex.digits[Int(sum & 0xF)])
    return out
  }

  public static func frame(_ payload: String) -> [UInt8] { frame(Array(payload.utf8)) }
}
