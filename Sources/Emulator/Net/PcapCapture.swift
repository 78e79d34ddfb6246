// A classic libpcap capture file ("pcap savefile", not pcapng), parsed whole into memory.
//
// Models (pcap-savefile(5), draft-ietf-opsawg-pcap): the 24-byte global header (magic, version, thiszone, sigfigs,
// snaplen, link type) and 16-byte record headers (ts_sec, ts_usec or ts_nsec, incl_len, orig_len); both magics
// (0xA1B2C3D4 microseconds, 0xA1B23C4D nanoseconds) in either byte order; the FCS-length bits in the upper half of
// the link-type field (bit 26 "FCS length known", bits 28–31 its length in 16-bit words, as libpcap's
// LT_FCS_LENGTH reads them).
// Does not model: pcapng (recognised and refused with a way out), the modified "Kuznetzov" format 0xA1B2CD34
// (recognised and refused), thiszone/sigfigs (always 0 in practice; ignored as libpcap ignores them), link types
// other than Ethernet (refused, named).
// Where readers disagree: libpcap rejects version_major < 2 ("archaic") and accepts any later version; we do the
// same. libpcap tolerates incl_len > orig_len; the issue asks for an error, so we give one. Bits 16–25 of the link-type
// field are reserved and ignored (the draft says readers MUST ignore them; libpcap keeps them in the link type).
//
// Every error names the file and the byte offset where the problem lies. Nothing here can trap on a hostile file:
// all lengths are checked against the bytes that are there before they are used.

import Foundation

/// A classic libpcap capture file (not pcapng).
public struct PcapCapture: Sendable, Equatable {
  /// What the fractional part of a record's timestamp counts, chosen by the magic number.
  public enum Precision: String, Sendable {
    case microseconds, nanoseconds
  }

  /// One captured frame.
  public struct Packet: Sendable, Equatable {
    /// Capture time in nanoseconds since the Unix epoch, from ts_sec and ts_usec (×1000) or ts_nsec.
    public let timestampNanoseconds: UInt64
    /// orig_len: how long the frame was on the wire.
    public let originalLength: Int
    /// The incl_len bytes that were captured (fewer than `originalLength` when the snapshot length cut it).
    public let data: [UInt8]

    public init(timestampNanoseconds: UInt64, originalLength: Int, data: [UInt8]) {
      self.timestampNanoseconds = timestampNanoseconds
      self.originalLength = originalLength
      self.data = data
    }
  }

  /// A packet placed on the replay timeline: `offsetNanoseconds` after the first packet is injected.
  public struct ScheduledPacket: Sendable, Equatable {
    public let offsetNanoseconds: UInt64
    public let packet: Packet
  }

  /// LINKTYPE_ETHERNET: frames start with the Ethernet II / 802.3 header.
  public static let linkTypeEthernet: UInt32 = 1
  /// Global header (magic … network) and per-record header sizes.
  public static let globalHeaderLength = 24
  public static let recordHeaderLength = 16
  /// The largest incl_len libpcap accepts for Ethernet (MAXIMUM_SNAPLEN); anything above is a corrupt record.
  public static let maximumCapturedLength = 262_144

  public let precision: Precision
  /// True when the file was written big-endian (magic bytes A1 B2 …), false for little-endian (… B2 A1).
  public let bigEndian: Bool
  public let versionMajor: UInt16
  public let versionMinor: UInt16
  /// snaplen: the most bytes of each frame the capturing program kept.
  public let snapLength: UInt32
  /// The link-layer header type (the low 16 bits of the header's link-type field); 1 = Ethernet.
  public let linkType: UInt32
  /// Bytes of frame check sequence at the end of every frame on the wire, when the file says so (0 otherwise).
  public let fcsLength: Int
  public let packets: [Packet]

  /// Parses a whole capture. `fileName` is only used in error messages.
  public init(bytes: [UInt8], fileName: String) throws(PcapError) {
    func fail(_ offset: Int, _ message: String) -> PcapError {
      PcapError(fileName: fileName, offset: offset, message: message)
    }

    guard bytes.count >= 4 else {
      throw fail(
        bytes.count,
        bytes.isEmpty
          ? "the file is empty, not a pcap capture"
          : "the file ends after \(bytes.count) bytes, inside the 24-byte pcap global header")
    }
    let magic = PcapCapture.read32(bytes, 0, bigEndian: true)
    switch magic {
    case 0xA1B2_C3D4: (precision, bigEndian) = (.microseconds, true)
    case 0xD4C3_B2A1: (precision, bigEndian) = (.microseconds, false)
    case 0xA1B2_3C4D: (precision, bigEndian) = (.nanoseconds, true)
    case 0x4D3C_B2A1: (precision, bigEndian) = (.nanoseconds, false)
    default: throw fail(0, PcapCapture.unknownMagicMessage(magic))
    }
    guard bytes.count >= PcapCapture.globalHeaderLength else {
      throw fail(bytes.count, "the file ends after \(bytes.count) bytes, inside the 24-byte pcap global header")
    }
    let bigEndian = self.bigEndian
    versionMajor = PcapCapture.read16(bytes, 4, bigEndian: bigEndian)
    versionMinor = PcapCapture.read16(bytes, 6, bigEndian: bigEndian)
    guard versionMajor >= 2 else {
      throw fail(4, "pcap version \(versionMajor).\(versionMinor) is an archaic format; only version 2.x is supported")
    }
    snapLength = PcapCapture.read32(bytes, 16, bigEndian: bigEndian)
    let linkField = PcapCapture.read32(bytes, 20, bigEndian: bigEndian)
    linkType = linkField & 0xFFFF
    fcsLength = linkField & 0x0400_0000 != 0 ? Int(linkField >> 28) * 2 : 0
    guard linkType == PcapCapture.linkTypeEthernet else {
      throw fail(
        20,
        "link type \(PcapCapture.linkTypeName(linkType)) is not Ethernet (1); the network card takes Ethernet frames,"
          + " so capture on an Ethernet interface (not Linux's \"any\", not loopback)")
    }

    let fractionLimit: UInt32 = precision == .microseconds ? 1_000_000 : 1_000_000_000
    let fractionUnit: UInt64 = precision == .microseconds ? 1_000 : 1
    var packets: [Packet] = []
    var offset = PcapCapture.globalHeaderLength
    while offset < bytes.count {
      let number = packets.count + 1  // counted from 1, as Wireshark numbers frames
      let left = bytes.count - offset
      guard left >= PcapCapture.recordHeaderLength else {
        throw fail(
          offset,
          "packet #\(number): truncated record header: \(left) bytes remain, a record header is 16 bytes")
      }
      let seconds = PcapCapture.read32(bytes, offset, bigEndian: bigEndian)
      let fraction = PcapCapture.read32(bytes, offset + 4, bigEndian: bigEndian)
      let includedLength = PcapCapture.read32(bytes, offset + 8, bigEndian: bigEndian)
      let originalLength = PcapCapture.read32(bytes, offset + 12, bigEndian: bigEndian)
      guard fraction < fractionLimit else {
        let field = precision == .microseconds ? "ts_usec" : "ts_nsec"
        throw fail(
          offset + 4, "packet #\(number): \(field) is \(fraction), it must be below \(fractionLimit) (malformed record)"
        )
      }
      guard Int(includedLength) <= PcapCapture.maximumCapturedLength else {
        throw fail(
          offset + 8,
          "packet #\(number): captured length (incl_len) \(includedLength) is over the \(PcapCapture.maximumCapturedLength)"
            + "-byte limit (malformed record)")
      }
      guard includedLength <= originalLength else {
        throw fail(
          offset + 8,
          "packet #\(number): captured length (incl_len) \(includedLength) is larger than the original length"
            + " (orig_len) \(originalLength) (malformed record)")
      }
      let dataStart = offset + PcapCapture.recordHeaderLength
      let remaining = bytes.count - dataStart
      guard Int(includedLength) <= remaining else {
        throw fail(
          dataStart,
          "packet #\(number): truncated packet data: expected \(includedLength) bytes, only \(remaining) remain"
            + " (was the capture cut short?)")
      }
      let dataEnd = dataStart + Int(includedLength)
      packets.append(
        Packet(
          timestampNanoseconds: UInt64(seconds) * 1_000_000_000 + UInt64(fraction) * fractionUnit,
          originalLength: Int(originalLength),
          data: Array(bytes[dataStart..<dataEnd])))
      offset = dataEnd
    }
    self.packets = packets
  }

  /// Reads and parses a capture file. An unreadable file is a `PcapError` at offset 0; the file name in messages is
  /// the URL's path as given (relative paths stay relative).
  public init(contentsOf url: URL) throws(PcapError) {
    let name = url.isFileURL ? url.relativePath : url.absoluteString
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) else {
      throw PcapError(fileName: name, offset: 0, message: "no such file")
    }
    guard !isDirectory.boolValue else {
      throw PcapError(fileName: name, offset: 0, message: "is a directory, not a pcap capture")
    }
    let data: Data
    do {
      data = try Data(contentsOf: url)
    } catch {
      throw PcapError(fileName: name, offset: 0, message: "cannot be read: \(error.localizedDescription)")
    }
    try self.init(bytes: [UInt8](data), fileName: name)
  }

  /// When to inject each packet, relative to the first one.
  ///
  /// Without a rate, the recorded pace: each packet at its timestamp minus the first packet's; a timestamp that goes
  /// backwards is clamped to the previous packet's offset, so offsets never decrease. With a rate (packets per
  /// second, > 0), packet i at i × 1e9 / rate ns, rounded to the nearest nanosecond (an infinite rate puts every
  /// packet at 0). A rate that is not positive (0, negative, NaN) is treated as no rate: the caller should refuse it.
  public func replaySchedule(ratePerSecond: Double?) -> [ScheduledPacket] {
    if let rate = ratePerSecond, rate > 0 {
      return packets.enumerated().map { index, packet in
        let offset = (Double(index) * 1e9 / rate).rounded()
        // Saturate: a tiny rate must not trap the Double → UInt64 conversion.
        let nanoseconds = offset < 18_446_744_073_709_551_616.0 ? UInt64(offset) : .max
        return ScheduledPacket(offsetNanoseconds: nanoseconds, packet: packet)
      }
    }
    guard let first = packets.first?.timestampNanoseconds else { return [] }
    var previous: UInt64 = 0
    return packets.map { packet in
      let time = packet.timestampNanoseconds
      let offset = time >= first ? max(time - first, previous) : previous
      previous = offset
      return ScheduledPacket(offsetNanoseconds: offset, packet: packet)
    }
  }

  /// The packet's bytes as the card should receive them: without the trailing frame check sequence when the file
  /// says frames carry one (`fcsLength` > 0) and the capture kept (part of) it.
  public func ethernetFrame(_ packet: Packet) -> [UInt8] {
    guard fcsLength > 0 else { return packet.data }
    let fcsStart = max(packet.originalLength - fcsLength, 0)  // where the FCS starts in the frame on the wire
    return packet.data.count > fcsStart ? Array(packet.data[..<fcsStart]) : packet.data
  }

  // MARK: Reading fields

  static func read16(_ bytes: [UInt8], _ offset: Int, bigEndian: Bool) -> UInt16 {
    let (a, b) = (UInt16(bytes[offset]), UInt16(bytes[offset + 1]))
    return bigEndian ? a << 8 | b : b << 8 | a
  }

  static func read32(_ bytes: [UInt8], _ offset: Int, bigEndian: Bool) -> UInt32 {
    var value: UInt32 = 0
    for index in 0..<4 {
      let byte = UInt32(bytes[offset + (bigEndian ? index : 3 - index)])
      value = value << 8 | byte
    }
    return value
  }

  // MARK: Messages

  /// Why the first four bytes are not a classic pcap magic, saying what the file is when we can tell.
  static func unknownMagicMessage(_ magic: UInt32) -> String {
    let hex = "0x" + String(magic, radix: 16, uppercase: true)
    switch magic {
    case 0x0A0D_0D0A:
      return "this is a pcapng file (block type 0x0A0D0D0A), and pcapng is not supported;"
        + " save it as classic pcap with `editcap -F pcap in.pcapng out.pcap` (or Wireshark's Save As → pcap)"
    case 0xA1B2_CD34, 0x34CD_B2A1:
      return "this is a modified (Kuznetzov) pcap file (magic 0xA1B2CD34), which is not supported;"
        + " convert it with `editcap -F pcap in out.pcap`"
    default:
      if magic >> 16 == 0x1F8B {
        return "this is a gzip-compressed file, not a pcap capture; decompress it first (gunzip)"
      }
      return "not a classic pcap file: magic number \(hex) is neither 0xA1B2C3D4 (microseconds) nor 0xA1B23C4D"
        + " (nanoseconds), in either byte order"
    }
  }

  /// A link type's LINKTYPE_ name from the tcpdump.org registry, with a word on what it is.
  static func linkTypeName(_ type: UInt32) -> String {
    let name: String
    switch type {
    case 0: name = "NULL, BSD loopback"
    case 9: name = "PPP"
    case 101: name = "RAW, IP packets without a link-layer header"
    case 105: name = "IEEE802_11, Wi-Fi"
    case 113: name = "LINUX_SLL, Linux cooked capture"
    case 127: name = "IEEE802_11_RADIOTAP, Wi-Fi with radiotap"
    case 147...162: name = "USER\(type - 147), private use"
    case 189: name = "USB_LINUX"
    case 220: name = "USB_LINUX_MMAPPED"
    case 195: name = "IEEE802_15_4"
    case 228: name = "IPV4, IPv4 packets without a link-layer header"
    case 229: name = "IPV6, IPv6 packets without a link-layer header"
    case 276: name = "LINUX_SLL2, Linux cooked capture v2"
    default: return "\(type)"
    }
    return "\(type) (\(name))"
  }
}

/// Why a capture could not be used: the file, the byte offset where the problem lies, and what to do.
public struct PcapError: Error, Equatable, Sendable, CustomStringConvertible {
  /// The capture file as the user named it.
  public let fileName: String
  /// Byte offset into the file (decimal in the description) where the problem lies.
  public let offset: Int
  /// What is wrong and, where it helps, what to do about it.
  public let message: String

  public init(fileName: String, offset: Int, message: String) {
    self.fileName = fileName
    self.offset = offset
    self.message = message
  }

  public var description: String { "\(fileName): byte offset \(offset): \(message)" }
}
