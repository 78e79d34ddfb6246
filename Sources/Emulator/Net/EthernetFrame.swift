// Ethernet II frames to inject into the network card, and one-line descriptions of any frame for the trace.
//
// Models: Ethernet II framing without the FCS (the card neither needs nor checks it), zero padding to the 60-byte
// minimum (IEEE 802.3's 64 bytes less the 4-byte FCS); IPv4 (RFC 791) carrying UDP (RFC 768) with both checksums
// computed as RFC 1071 describes (the UDP one over the RFC 768 pseudo-header); ARP requests (RFC 826).
// Addresses follow QEMU's user-mode network ("slirp"), which teaching drivers such as xv6's already expect: the peer
// (gateway) is 10.0.2.2 at 52:55:0A:00:02:02, the guest is 10.0.2.15.
// Does not model: VLAN tags, IP options or fragmentation, IPv6 or TCP generation (`describe` decodes them, `raw`
// can send them).
// `describe` reads any bytes: it never indexes past the frame, so a hostile frame cannot trap the host.

/// Ethernet II frames for injection (without FCS; the card strips/does not need it).
public enum EthernetFrame {
  /// The sender: QEMU user-net's gateway MAC.
  public static let peerMAC: [UInt8] = [0x52, 0x55, 0x0A, 0x00, 0x02, 0x02]
  /// The sender's IPv4 address (QEMU user-net's gateway).
  public static let peerIP: [UInt8] = [10, 0, 2, 2]
  /// The guest's IPv4 address under QEMU user-net.
  public static let guestIP: [UInt8] = [10, 0, 2, 15]
  public static let broadcastMAC: [UInt8] = [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF]
  /// Shorter frames are zero-padded to this (802.3's 64-byte minimum without the 4-byte FCS).
  public static let minimumLength = 60
  public static let maximumLength = 16_384
  /// UDP ports of generated datagrams: from 5555 to 7 (the echo service).
  public static let udpSourcePort: UInt16 = 5555
  public static let udpDestinationPort: UInt16 = 7
  /// Ethernet (14) + IPv4 without options (20) + UDP (8) header bytes before the payload.
  public static let udpHeadersLength = 42

  // EtherTypes and IP protocol numbers used here.
  static let etherTypeIPv4: UInt16 = 0x0800
  static let etherTypeARP: UInt16 = 0x0806
  static let etherTypeVLAN: UInt16 = 0x8100
  static let etherTypeIPv6: UInt16 = 0x86DD
  static let protocolICMP: UInt8 = 1
  static let protocolTCP: UInt8 = 6
  static let protocolUDP: UInt8 = 17

  // MARK: UDP

  /// UDP 10.0.2.2:5555 → 10.0.2.15:7 with IPv4 header checksum and UDP checksum correct (RFC 768/791/1071).
  ///
  /// Payload: `payload`, or by default `defaultPayload(sequence:)` ("irqscope packet #000042\n"). The IPv4
  /// identification is the sequence number's low 16 bits. Without `length` the frame is as long as its headers and
  /// payload, zero-padded to `minimumLength`. With `length` (the whole frame, `minimumLength…maximumLength`) it is
  /// exactly that long: the default payload is cut or extended with `payloadPattern` to fill the datagram; a given
  /// payload is kept as it is and the frame zero-padded after the datagram.
  public static func udp(
    to mac: [UInt8], sequence: UInt32, payload: [UInt8]? = nil, length: Int? = nil
  ) throws(FrameError) -> [UInt8] {
    guard mac.count == 6 else {
      throw FrameError("a MAC address has 6 bytes, got \(mac.count)")
    }
    let body: [UInt8]
    let frameLength: Int
    if let length {
      guard length >= minimumLength else {
        throw FrameError("frame length \(length) is below the Ethernet minimum of \(minimumLength) bytes (without FCS)")
      }
      guard length <= maximumLength else {
        throw FrameError("frame length \(length) is above the maximum of \(maximumLength) bytes")
      }
      if let payload {
        guard udpHeadersLength + payload.count <= length else {
          throw FrameError(
            "frame length \(length) is below the \(udpHeadersLength) header bytes + \(payload.count) payload bytes"
              + " = \(udpHeadersLength + payload.count)")
        }
        body = payload
      } else {
        body = defaultPayload(sequence: sequence, count: length - udpHeadersLength)
      }
      frameLength = length
    } else {
      body = payload ?? defaultPayload(sequence: sequence)
      guard udpHeadersLength + body.count <= maximumLength else {
        throw FrameError(
          "a \(body.count)-byte payload makes a \(udpHeadersLength + body.count)-byte frame, above the maximum of"
            + " \(maximumLength) bytes")
      }
      frameLength = max(udpHeadersLength + body.count, minimumLength)
    }

    let udpLength = 8 + body.count  // UDP header + payload
    let ipLength = 20 + udpLength  // IPv4 total length: header + data, not the Ethernet padding
    var frame: [UInt8] = []
    frame.reserveCapacity(frameLength)
    // Ethernet II: destination, source, EtherType.
    frame += mac + peerMAC
    append16(&frame, etherTypeIPv4)
    // IPv4 (RFC 791): version 4 / IHL 5 words, TOS 0, total length, identification, flags DF / fragment offset 0,
    // TTL 64, protocol UDP, header checksum (filled below), source, destination.
    let ip = frame.count
    frame += [0x45, 0x00]
    append16(&frame, UInt16(ipLength))
    append16(&frame, UInt16(truncatingIfNeeded: sequence))
    frame += [0x40, 0x00, 64, protocolUDP, 0, 0]
    frame += peerIP + guestIP
    let ipChecksum = ~onesComplementSum(frame[ip..<ip + 20])
    frame[ip + 10] = UInt8(ipChecksum >> 8)
    frame[ip + 11] = UInt8(ipChecksum & 0xFF)
    // UDP (RFC 768): ports, length, checksum (filled below), payload.
    let udp = frame.count
    append16(&frame, udpSourcePort)
    append16(&frame, udpDestinationPort)
    append16(&frame, UInt16(udpLength))
    append16(&frame, 0)
    frame += body
    // The checksum covers the pseudo-header (source, destination, zero, protocol, UDP length) and the datagram.
    let pseudoHeader = peerIP + guestIP + [0, protocolUDP, UInt8(udpLength >> 8), UInt8(udpLength & 0xFF)]
    let pseudoSum = UInt32(onesComplementSum(pseudoHeader[...]))
    var udpChecksum = ~onesComplementSum(frame[udp...], initial: pseudoSum)
    if udpChecksum == 0 { udpChecksum = 0xFFFF }  // RFC 768: a computed 0 is sent as all ones (0 means "none")
    frame[udp + 6] = UInt8(udpChecksum >> 8)
    frame[udp + 7] = UInt8(udpChecksum & 0xFF)
    frame += [UInt8](repeating: 0, count: frameLength - frame.count)
    return frame
  }

  /// The default payload: "irqscope packet #000042\n" (at least six digits).
  public static func defaultPayload(sequence: UInt32) -> [UInt8] {
    let digits = String(sequence)
    return Array(("irqscope packet #" + String(repeating: "0", count: max(0, 6 - digits.count)) + digits + "\n").utf8)
  }

  /// Fills long default payloads: byte k of the payload (past the text) is `payloadPattern[k % 64]`, so any byte
  /// seen in a buffer tells its payload offset modulo 64.
  public static let payloadPattern = Array("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-\n".utf8)

  /// The default payload cut or extended with `payloadPattern` to exactly `count` bytes.
  static func defaultPayload(sequence: UInt32, count: Int) -> [UInt8] {
    let text = defaultPayload(sequence: sequence)
    return (0..<count).map { $0 < text.count ? text[$0] : payloadPattern[$0 % payloadPattern.count] }
  }

  // MARK: ARP

  /// ARP request (RFC 826): broadcast, who-has 10.0.2.15 tell 10.0.2.2, from peerMAC; padded to 60 bytes.
  public static func arpRequest() -> [UInt8] {
    var frame = broadcastMAC + peerMAC
    append16(&frame, etherTypeARP)
    append16(&frame, 1)  // ar$hrd: Ethernet
    append16(&frame, etherTypeIPv4)  // ar$pro: IPv4
    frame += [6, 4]  // ar$hln, ar$pln: address lengths
    append16(&frame, 1)  // ar$op: request
    frame += peerMAC + peerIP  // ar$sha, ar$spa: sender
    frame += [UInt8](repeating: 0, count: 6) + guestIP  // ar$tha (unknown: zero), ar$tpa: whom we ask for
    return frame + [UInt8](repeating: 0, count: minimumLength - frame.count)
  }

  // MARK: Raw

  /// A raw frame from hex text ("ff ff ff…", "ffff…", with optional spaces/colons; `hex:` prefix allowed),
  /// zero-padded to `minimumLength` like every frame on the wire.
  public static func raw(hex: String) throws(FrameError) -> [UInt8] {
    let characters = Array(hex)
    var start = 0
    while start < characters.count, characters[start].isWhitespace { start += 1 }
    if characters.count - start >= 4, String(characters[start..<start + 4]).lowercased() == "hex:" { start += 4 }
    var bytes: [UInt8] = []
    var high: UInt8?  // the first digit of a byte, waiting for its second
    var lastDigitPosition = 0
    for index in start..<characters.count {
      let character = characters[index]
      if character.isWhitespace || character == ":" { continue }
      guard character.isASCII, let value = character.hexDigitValue else {
        throw FrameError(
          "\(quoted(character)) at character \(index + 1) of the hex text is not a hex digit"
            + " (use 0-9, a-f, spaces or colons)")
      }
      lastDigitPosition = index + 1
      if let first = high {
        bytes.append(first << 4 | UInt8(value))
        high = nil
      } else {
        high = UInt8(value)
      }
    }
    if high != nil {
      throw FrameError(
        "the hex text has an odd number of digits (\(bytes.count * 2 + 1)); each byte needs two, the last digit"
          + " (character \(lastDigitPosition)) has no partner")
    }
    guard !bytes.isEmpty else {
      throw FrameError("the raw frame is empty: give its bytes in hex, starting with the destination MAC")
    }
    guard bytes.count <= maximumLength else {
      throw FrameError("the raw frame has \(bytes.count) bytes, above the maximum of \(maximumLength)")
    }
    return bytes + [UInt8](repeating: 0, count: max(0, minimumLength - bytes.count))
  }

  private static func quoted(_ character: Character) -> String {
    if character.isASCII, let ascii = character.asciiValue, ascii >= 0x20, ascii < 0x7F { return "'\(character)'" }
    let scalars = character.unicodeScalars.map { "U+" + hex($0.value, digits: 4) }
    return scalars.joined(separator: " ")
  }

  // MARK: Describe

  /// Summary for a trace line: "UDP 10.0.2.2:5555 → 10.0.2.15:7 len 66", "ARP who-has 10.0.2.15 tell 10.0.2.2
  /// len 60", "IPv4 10.0.2.2 → 10.0.2.15 protocol 47 len 60", "EtherType 0x88B5 52:55:0a:00:02:02 →
  /// ff:ff:ff:ff:ff:ff len 60" — what the headers say, as far as the bytes go; `len` is the frame's length.
  public static func describe(_ frame: [UInt8]) -> String {
    let length = " len \(frame.count)"
    guard frame.count >= 14 else { return "runt frame of \(frame.count) bytes" }
    let addresses = "\(mac(frame, 6)) → \(mac(frame, 0))"
    var type = read16(frame, 12)
    var payload = 14
    var vlan = ""
    if type == etherTypeVLAN, frame.count >= 18 {  // 802.1Q: TCI (priority, VLAN ID), then the real EtherType
      vlan = "VLAN \(read16(frame, 14) & 0x0FFF) "
      type = read16(frame, 16)
      payload = 18
    }
    switch type {
    case etherTypeIPv4: return vlan + describeIPv4(frame, payload) + length
    case etherTypeARP: return vlan + describeARP(frame, payload) + length
    case etherTypeIPv6: return vlan + describeIPv6(frame, payload) + length
    case ..<0x0600: return vlan + "802.3 length \(type) \(addresses)" + length  // a length, not an EtherType
    default: return vlan + "EtherType 0x\(hex(UInt32(type), digits: 4)) \(addresses)" + length
    }
  }

  private static func describeIPv4(_ frame: [UInt8], _ start: Int) -> String {
    guard frame.count >= start + 20, frame[start] >> 4 == 4 else { return "IPv4 (malformed header)" }
    let headerLength = Int(frame[start] & 0x0F) * 4
    guard headerLength >= 20, frame.count >= start + headerLength else { return "IPv4 (malformed header)" }
    let source = ipv4(frame, start + 12)
    let destination = ipv4(frame, start + 16)
    let proto = frame[start + 9]
    let transport = start + headerLength
    if read16(frame, start + 6) & 0x1FFF != 0 {  // a later fragment: no transport header here
      return "IPv4 fragment \(source) → \(destination) protocol \(proto)"
    }
    switch proto {
    case protocolUDP where frame.count >= transport + 4:
      return "UDP \(source):\(read16(frame, transport)) → \(destination):\(read16(frame, transport + 2))"
    case protocolTCP where frame.count >= transport + 14:
      let names = ["FIN", "SYN", "RST", "PSH", "ACK", "URG"]
      let flags = names.indices.filter { frame[transport + 13] & (1 << $0) != 0 }.map { names[$0] }
      return "TCP \(source):\(read16(frame, transport)) → \(destination):\(read16(frame, transport + 2))"
        + " [\(flags.joined(separator: ","))]"
    case protocolICMP where frame.count >= transport + 1:
      let kinds: [UInt8: String] = [
        0: "echo reply", 3: "destination unreachable", 8: "echo request", 11: "time exceeded",
      ]
      let kind = kinds[frame[transport]] ?? "type \(frame[transport])"
      return "ICMP \(kind) \(source) → \(destination)"
    default:
      return "IPv4 \(source) → \(destination) protocol \(proto)"
    }
  }

  private static func describeARP(_ frame: [UInt8], _ start: Int) -> String {
    guard frame.count >= start + 28 else { return "ARP (truncated)" }
    guard read16(frame, start) == 1, read16(frame, start + 2) == etherTypeIPv4, frame[start + 4] == 6,
      frame[start + 5] == 4
    else {
      return "ARP hardware \(read16(frame, start)) protocol 0x\(hex(UInt32(read16(frame, start + 2)), digits: 4))"
    }
    let senderIP = ipv4(frame, start + 14)
    let targetIP = ipv4(frame, start + 24)
    switch read16(frame, start + 6) {
    case 1: return "ARP who-has \(targetIP) tell \(senderIP)"
    case 2: return "ARP \(senderIP) is-at \(mac(frame, start + 8))"
    case let operation: return "ARP operation \(operation) \(senderIP) → \(targetIP)"
    }
  }

  private static func describeIPv6(_ frame: [UInt8], _ start: Int) -> String {
    guard frame.count >= start + 40 else { return "IPv6 (malformed header)" }
    return "IPv6 \(ipv6(frame, start + 8)) → \(ipv6(frame, start + 24)) next-header \(frame[start + 6])"
  }

  // MARK: Bytes and text

  /// The one's complement sum of big-endian 16-bit words (RFC 1071), an odd last byte padded with zero; the
  /// Internet checksum is its complement. `initial` is a partial sum to continue from (e.g. the pseudo-header's).
  static func onesComplementSum(_ bytes: ArraySlice<UInt8>, initial: UInt32 = 0) -> UInt16 {
    var sum = UInt64(initial)
    var index = bytes.startIndex
    while index + 1 < bytes.endIndex {
      sum += UInt64(bytes[index]) << 8 | UInt64(bytes[index + 1])
      index += 2
    }
    if index < bytes.endIndex { sum += UInt64(bytes[index]) << 8 }
    while sum > 0xFFFF { sum = (sum & 0xFFFF) + (sum >> 16) }  // end-around carry
    return UInt16(sum)
  }

  private static func append16(_ bytes: inout [UInt8], _ value: UInt16) {
    bytes += [UInt8(value >> 8), UInt8(value & 0xFF)]
  }

  private static func read16(_ bytes: [UInt8], _ offset: Int) -> UInt16 {
    UInt16(bytes[offset]) << 8 | UInt16(bytes[offset + 1])
  }

  private static func hex(_ value: UInt32, digits: Int) -> String {
    let text = String(value, radix: 16, uppercase: true)
    return String(repeating: "0", count: max(0, digits - text.count)) + text
  }

  private static func mac(_ bytes: [UInt8], _ offset: Int) -> String {
    bytes[offset..<offset + 6].map { hex(UInt32($0), digits: 2).lowercased() }.joined(separator: ":")
  }

  private static func ipv4(_ bytes: [UInt8], _ offset: Int) -> String {
    bytes[offset..<offset + 4].map { String($0) }.joined(separator: ".")
  }

  /// RFC 5952 text: lower-case hextets without leading zeros, the longest run of two or more zero hextets as "::".
  private static func ipv6(_ bytes: [UInt8], _ offset: Int) -> String {
    let words = (0..<8).map { read16(bytes, offset + 2 * $0) }
    var best = (start: -1, count: 1)
    var index = 0
    while index < 8 {
      var end = index
      while end < 8, words[end] == 0 { end += 1 }
      if end - index > best.count { best = (index, end - index) }
      index = end + 1
    }
    let text = words.map { String($0, radix: 16) }
    guard best.start >= 0 else { return text.joined(separator: ":") }
    let head = text[..<best.start].joined(separator: ":")
    let tail = text[(best.start + best.count)...].joined(separator: ":")
    return head + "::" + tail
  }
}

/// Why a frame could not be made: a message a person can act on.
public struct FrameError: Error, Equatable, Sendable, CustomStringConvertible {
  public let message: String

  public init(_ message: String) { self.message = message }

  public var description: String { message }
}
