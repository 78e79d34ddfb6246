import Testing

@testable import Emulator

/// Expected bytes come from the RFCs' layouts (RFC 791 IPv4 header, RFC 768 UDP, RFC 826 ARP), worked out here by
/// hand; checksums are verified with this file's own RFC 1071 fold, not the generator's.
@Suite struct EthernetFrameTests {
  /// The card's MAC in these tests: QEMU's default e1000 address.
  static let cardMAC: [UInt8] = [0x52, 0x54, 0x00, 0x12, 0x34, 0x56]

  /// Bytes from hex text, for expectations (independent of `EthernetFrame.raw`).
  static func bytes(_ hex: String) -> [UInt8] {
    let digits = Array(hex.filter { !$0.isWhitespace })
    return stride(from: 0, to: digits.count, by: 2).map { UInt8(String(digits[$0...$0 + 1]), radix: 16)! }
  }

  /// The RFC 1071 one's complement sum of big-endian 16-bit words, folded; a header holding its own correct checksum
  /// sums to 0xFFFF.
  static func fold(_ bytes: [UInt8]) -> UInt16 {
    var sum: UInt32 = 0
    for index in stride(from: 0, to: bytes.count, by: 2) {
      sum += UInt32(bytes[index]) << 8 | (index + 1 < bytes.count ? UInt32(bytes[index + 1]) : 0)
    }
    while sum > 0xFFFF { sum = (sum & 0xFFFF) + (sum >> 16) }
    return UInt16(sum)
  }

  static func word(_ frame: [UInt8], _ offset: Int) -> Int { Int(frame[offset]) << 8 | Int(frame[offset + 1]) }

  /// Both checksums of a generated UDP frame verify: the IPv4 header (14…33) and pseudo-header + UDP datagram.
  static func checksumsVerify(_ frame: [UInt8]) -> Bool {
    let udpLength = word(frame, 38)
    let pseudo: [UInt8] = Array(frame[26..<34]) + [0, 17, UInt8(udpLength >> 8), UInt8(udpLength & 0xFF)]
    return fold(Array(frame[14..<34])) == 0xFFFF && fold(pseudo + Array(frame[34..<34 + udpLength])) == 0xFFFF
  }

  // MARK: Checksum worked examples

  /// RFC 1071 §3 "Numerical Examples": the words 0001 F203 F4F5 F6F7 sum to DDF2 (the checksum is its complement).
  @Test func onesComplementSumMatchesRFC1071WorkedExample() {
    let sum = EthernetFrame.onesComplementSum(ArraySlice(Self.bytes("0001 f203 f4f5 f6f7")))
    #expect(sum == 0xDDF2)
    #expect(~sum == 0x220D)
    // An odd byte count pads the last byte with zero on the right (RFC 1071 §4.1): 0001 F200.
    #expect(EthernetFrame.onesComplementSum(ArraySlice(Self.bytes("0001 f2"))) == 0xF201)
  }

  /// The IPv4 header example published in Wikipedia's "Internet checksum" / "IPv4 header checksum" articles:
  /// 4500 0073 0000 4000 4011 [b861] c0a8 0001 c0a8 00c7 has checksum B861.
  @Test func ipv4HeaderChecksumMatchesThePublishedExample() {
    let header = Self.bytes("4500 0073 0000 4000 4011 0000 c0a8 0001 c0a8 00c7")
    #expect(~EthernetFrame.onesComplementSum(ArraySlice(header)) == 0xB861)
  }

  // MARK: UDP

  /// The default frame for sequence 42, worked out field by field (and cross-checked with a separate Python
  /// struct-packing script). IPv4 checksum by hand: 4500+0034+002A+4000+4011+0A00+0202+0A00+020F = DD80 → 227F.
  @Test func defaultUDPFrameMatchesTheBytesWorkedOutByHand() throws {
    let expected =
      Self.bytes(
        """
        525400123456 52550a000202 0800
        4500 0034 002a 4000 4011 227f 0a000202 0a00020f
        15b3 0007 0020 0c31
        """) + Array("irqscope packet #000042\n".utf8)
    #expect(try EthernetFrame.udp(to: Self.cardMAC, sequence: 42) == expected)
  }

  @Test func udpFieldsSitAtTheirRFCOffsets() throws {
    let frame = try EthernetFrame.udp(to: Self.cardMAC, sequence: 0x0001_0007, payload: Array("0123456789".utf8))
    #expect(Array(frame[0..<6]) == Self.cardMAC)
    #expect(Array(frame[6..<12]) == [0x52, 0x55, 0x0A, 0x00, 0x02, 0x02])
    #expect(Self.word(frame, 12) == 0x0800)  // EtherType IPv4
    #expect(frame[14] == 0x45)  // version 4, IHL 5 words
    #expect(Self.word(frame, 16) == 20 + 8 + 10)  // total length
    #expect(Self.word(frame, 18) == 7)  // identification: the sequence's low 16 bits
    #expect(frame[22] == 64)  // TTL
    #expect(frame[23] == 17)  // protocol UDP
    #expect(Array(frame[26..<30]) == [10, 0, 2, 2])
    #expect(Array(frame[30..<34]) == [10, 0, 2, 15])
    #expect(Self.word(frame, 34) == 5555)
    #expect(Self.word(frame, 36) == 7)
    #expect(Self.word(frame, 38) == 8 + 10)  // UDP length
    #expect(Array(frame[42..<52]) == Array("0123456789".utf8))
  }

  @Test(arguments: [0, 1, 7, 23, 1000])
  func checksumsFoldToAllOnesForAnyPayloadLength(payloadLength: Int) throws {
    let payload = (0..<payloadLength).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) }
    let frame = try EthernetFrame.udp(to: Self.cardMAC, sequence: 9, payload: payload)
    #expect(Self.checksumsVerify(frame))
  }

  @Test func defaultPayloadNamesTheSequenceNumber() {
    #expect(EthernetFrame.defaultPayload(sequence: 42) == Array("irqscope packet #000042\n".utf8))
    #expect(EthernetFrame.defaultPayload(sequence: 4_294_967_295) == Array("irqscope packet #4294967295\n".utf8))
  }

  /// "hi": 42 header bytes + 2 = 44, padded with zeros to 60; the IP and UDP lengths do not count the padding.
  @Test func shortFrameIsZeroPaddedTo60Bytes() throws {
    let frame = try EthernetFrame.udp(to: Self.cardMAC, sequence: 1, payload: Array("hi".utf8))
    #expect(frame.count == 60)
    #expect(Self.word(frame, 16) == 30)
    #expect(Self.word(frame, 38) == 10)
    #expect(frame[44..<60].allSatisfy { $0 == 0 })
    #expect(Self.checksumsVerify(frame))
  }

  /// 1000 bytes: IP total 986, UDP 966, payload 958 = the 24-byte text then the pattern, byte k being
  /// "0…9A…Za…z-\n"[k % 64] (k = 24 → 'O', the 15th letter after ten digits; k = 64 → '0'; k = 127 → '\n').
  @Test func exactLengthExtendsTheDefaultPayloadWithAReadablePattern() throws {
    let frame = try EthernetFrame.udp(to: Self.cardMAC, sequence: 42, length: 1000)
    #expect(frame.count == 1000)
    #expect(Self.word(frame, 16) == 986)
    #expect(Self.word(frame, 38) == 966)
    let payload = Array(frame[42...])
    #expect(Array(payload[..<24]) == Array("irqscope packet #000042\n".utf8))
    #expect(payload[24] == UInt8(ascii: "O"))
    #expect(payload[64] == UInt8(ascii: "0"))
    #expect(payload[127] == UInt8(ascii: "\n"))
    #expect(payload.allSatisfy { $0 == 0x0A || (0x20..<0x7F).contains($0) })
    #expect(Self.checksumsVerify(frame))
  }

  @Test func exactMinimumLengthCutsTheDefaultText() throws {
    let frame = try EthernetFrame.udp(to: Self.cardMAC, sequence: 42, length: 60)
    #expect(frame.count == 60)
    #expect(Array(frame[42...]) == Array("irqscope packet #0".utf8))
    #expect(Self.checksumsVerify(frame))
  }

  /// A given payload is kept as it is; the frame is zero-padded after the 33-byte datagram (20 + 8 + 5).
  @Test func exactLengthPadsAfterAGivenPayload() throws {
    let frame = try EthernetFrame.udp(to: Self.cardMAC, sequence: 3, payload: Array("hello".utf8), length: 100)
    #expect(frame.count == 100)
    #expect(Self.word(frame, 16) == 33)
    #expect(Array(frame[42..<47]) == Array("hello".utf8))
    #expect(frame[47...].allSatisfy { $0 == 0 })
    #expect(Self.checksumsVerify(frame))
    #expect(try EthernetFrame.udp(to: Self.cardMAC, sequence: 0, length: 16_384).count == 16_384)
  }

  @Test func impossibleLengthsAndAddressesAreRefused() {
    #expect(throws: FrameError.self) { try EthernetFrame.udp(to: Self.cardMAC, sequence: 0, length: 59) }
    #expect(throws: FrameError.self) { try EthernetFrame.udp(to: Self.cardMAC, sequence: 0, length: 16_385) }
    #expect(throws: FrameError("frame length 60 is below the 42 header bytes + 20 payload bytes = 62")) {
      try EthernetFrame.udp(to: Self.cardMAC, sequence: 0, payload: [UInt8](repeating: 1, count: 20), length: 60)
    }
    // 42 + 16,343 = 16,385 bytes without a length: too long too.
    #expect(throws: FrameError.self) {
      try EthernetFrame.udp(to: Self.cardMAC, sequence: 0, payload: [UInt8](repeating: 1, count: 16_343))
    }
    #expect(throws: FrameError("a MAC address has 6 bytes, got 5")) {
      try EthernetFrame.udp(to: [1, 2, 3, 4, 5], sequence: 0)
    }
  }

  // MARK: ARP

  /// RFC 826: hrd 1 (Ethernet), pro 0x0800, hln 6, pln 4, op 1 (request), sha/spa the sender, tha unknown (zero),
  /// tpa the address asked about; broadcast, 42 bytes padded to 60.
  @Test func arpRequestHasTheRFC826Fields() {
    let expected =
      Self.bytes(
        """
        ffffffffffff 52550a000202 0806
        0001 0800 06 04 0001
        52550a000202 0a000202
        000000000000 0a00020f
        """) + [UInt8](repeating: 0, count: 18)
    #expect(EthernetFrame.arpRequest() == expected)
  }

  // MARK: Raw hex

  @Test func rawHexAcceptsSpacesColonsAndThePrefix() throws {
    let expected = Self.bytes("ffffffffffff 52550a000202 88b5 0102") + [UInt8](repeating: 0, count: 44)
    #expect(try EthernetFrame.raw(hex: "ffffffffffff52550a00020288b50102") == expected)
    #expect(try EthernetFrame.raw(hex: "ff ff ff ff ff ff 52:55:0A:00:02:02 88 B5\t01 02\n") == expected)
    #expect(try EthernetFrame.raw(hex: "hex:FF:FF:FF:FF:FF:FF 5255 0a00 0202 88b5 0102") == expected)
    #expect(try EthernetFrame.raw(hex: "  HEX:ffffffffffff52550a00020288b50102") == expected)
    let long = String(repeating: "ab", count: 100)
    #expect(try EthernetFrame.raw(hex: long) == [UInt8](repeating: 0xAB, count: 100))
  }

  @Test func rawHexErrorsSayWhatAndWhere() {
    #expect(
      throws: FrameError("'z' at character 7 of the hex text is not a hex digit (use 0-9, a-f, spaces or colons)")
    ) { try EthernetFrame.raw(hex: "hex:ffzz") }
    #expect(
      throws: FrameError(
        "the hex text has an odd number of digits (5); each byte needs two, the last digit (character 7) has no partner"
      )
    ) { try EthernetFrame.raw(hex: "ff ff f") }
    #expect(throws: FrameError("the raw frame is empty: give its bytes in hex, starting with the destination MAC")) {
      try EthernetFrame.raw(hex: "hex: ")
    }
    #expect(throws: FrameError.self) { try EthernetFrame.raw(hex: "") }
    #expect(throws: FrameError.self) { try EthernetFrame.raw(hex: "ff\u{00E9}") }
    #expect(throws: FrameError("the raw frame has 16385 bytes, above the maximum of 16384")) {
      try EthernetFrame.raw(hex: String(repeating: "00", count: 16_385))
    }
  }

  // MARK: Describe

  @Test func describesGeneratedFrames() throws {
    #expect(
      EthernetFrame.describe(try EthernetFrame.udp(to: Self.cardMAC, sequence: 1))
        == "UDP 10.0.2.2:5555 → 10.0.2.15:7 len 66")
    #expect(EthernetFrame.describe(EthernetFrame.arpRequest()) == "ARP who-has 10.0.2.15 tell 10.0.2.2 len 60")
  }

  /// Hand-made headers: an ARP reply, a TCP SYN, an ICMP echo request, GRE (protocol 47), a later IPv4 fragment,
  /// IPv6, a VLAN-tagged frame, an unknown EtherType, an 802.3 length field and a runt.
  @Test func describesOtherFramesFromTheirHeaders() {
    let macs = "525400123456 52550a000202"
    let ipv4 = "4500 0028 0000 4000 40"
    let addresses = "0000 0a000202 0a00020f"
    let cases: [(String, String)] = [
      (
        "\(macs) 0806 0001 0800 06 04 0002 525400123456 0a00020f 52550a000202 0a000202",
        "ARP 10.0.2.15 is-at 52:54:00:12:34:56 len 42"
      ),
      (
        "\(macs) 0800 \(ipv4)06 \(addresses) 1f90 0050 00000000 00000000 5002",
        "TCP 10.0.2.2:8080 → 10.0.2.15:80 [SYN] len 48"
      ),
      ("\(macs) 0800 \(ipv4)01 \(addresses) 0800 f7ff 0000 0000", "ICMP echo request 10.0.2.2 → 10.0.2.15 len 42"),
      ("\(macs) 0800 \(ipv4)2f \(addresses) 0000 0800", "IPv4 10.0.2.2 → 10.0.2.15 protocol 47 len 38"),
      (
        "\(macs) 0800 4500 0028 0000 20b9 4011 \(addresses) 15b3 0007",
        "IPv4 fragment 10.0.2.2 → 10.0.2.15 protocol 17 len 38"
      ),
      (
        "\(macs) 86dd 60000000 0000 3a40 fe800000000000000000000000000001 ff020000000000000000000000000001",
        "IPv6 fe80::1 → ff02::1 next-header 58 len 54"
      ),
      (  // RFC 5952 §4.2: of two equal zero runs the first is shortened; a lone zero hextet is not
        "\(macs) 86dd 60000000 0000 1140 20010db8000000000001000000000001 20010db8000000010001000100010001",
        "IPv6 2001:db8::1:0:0:1 → 2001:db8:0:1:1:1:1:1 next-header 17 len 54"
      ),
      ("\(macs) 8100 0005 0806", "VLAN 5 ARP (truncated) len 18"),
      ("ffffffffffff 52550a000202 88b5 00", "EtherType 0x88B5 52:55:0a:00:02:02 → ff:ff:ff:ff:ff:ff len 15"),
      ("ffffffffffff 52550a000202 002e 00", "802.3 length 46 52:55:0a:00:02:02 → ff:ff:ff:ff:ff:ff len 15"),
      ("ffffffffffff 5255", "runt frame of 8 bytes"),
    ]
    for (hex, expected) in cases {
      #expect(EthernetFrame.describe(Self.bytes(hex)) == expected)
    }
  }

  /// Every prefix of real frames, and of frames whose length fields lie, describes without trapping.
  @Test func describeSurvivesTruncatedAndLyingFrames() throws {
    var liar = try EthernetFrame.udp(to: Self.cardMAC, sequence: 1)
    liar[14] = 0x4F  // IHL 15 words: 60 header bytes, more than the frame has after the Ethernet header
    for frame in [try EthernetFrame.udp(to: Self.cardMAC, sequence: 1), EthernetFrame.arpRequest(), liar] {
      for count in 0...frame.count {
        _ = EthernetFrame.describe(Array(frame[..<count]))
      }
    }
    #expect(EthernetFrame.describe(Array(liar[..<66])) == "IPv4 (malformed header) len 66")
  }
}
