import Testing

@testable import GDBStub

/// The framing rules of gdb's manual ("Overview" and "Binary Data" of the Remote Protocol appendix), with checksums
/// worked by hand: the sum of the payload's bytes modulo 256.
@Suite struct PacketDecoderTests {
  private func decode(_ text: String) -> [PacketDecoder.Event] {
    var decoder = PacketDecoder()
    return decoder.feed(Array(text.utf8))
  }

  @Test func decodesAPacketWhoseChecksumIsTheSumOfItsBytes() {
    // "g" is 0x67; "m100,4": 6d+31+30+30+2c+34 = 0x15e → 5e.
    #expect(decode("$g#67") == [.packet(Array("g".utf8))])
    #expect(decode("$m100,4#5e") == [.packet(Array("m100,4".utf8))])
  }

  @Test func acceptsUpperCaseChecksumDigits() {
    // "OK": 4f+4b = 0x9a.
    #expect(decode("$OK#9A") == [.packet(Array("OK".utf8))])
  }

  @Test func reportsAWrongChecksumAsMalformed() {
    #expect(decode("$g#68") == [.malformed])
    #expect(decode("$g#6z") == [.malformed])
  }

  @Test func readsAcksNacksAndCtrlCBetweenPackets() {
    #expect(decode("+-\u{03}") == [.ack, .nack, .interrupt])
  }

  @Test func skipsNoiseBetweenPackets() {
    #expect(decode("garbage\n$g#67xyz") == [.packet(Array("g".utf8))])
  }

  @Test func undoesEscapesBeforeTheCommandSeesTheData() {
    // `}` then 0x03 is '#' (0x23); `}` then ']' (0x5d) is '}' (0x7d). Checksum over the bytes as sent:
    // 58+7d+03+7d+5d = 0x1b2 → b2.
    var decoder = PacketDecoder()
    let raw: [UInt8] = Array("$X".utf8) + [0x7D, 0x03, 0x7D, 0x5D] + Array("#b2".utf8)
    #expect(decoder.feed(raw) == [.packet([0x58, 0x23, 0x7D])])
  }

  @Test func expandsRunLengthEncoding() {
    // The manual's example: "0* " is "0000" (' ' is 32, 32 - 29 = 3 more). 30+2a+20 = 0x7a.
    #expect(decode("$0* #7a") == [.packet(Array("0000".utf8))])
  }

  @Test func refusesBrokenEscapesAndRunLengths() {
    // A trailing `}` (58+7d = d5) and a `*` with nothing before it (2a+20 = 4a).
    #expect(decode("$X}#d5") == [.malformed])
    #expect(decode("$* #4a") == [.malformed])
  }

  @Test func aNewDollarAbandonsAPacketCutShort() {
    #expect(decode("$m10$g#67") == [.packet(Array("g".utf8))])
    #expect(decode("$g#$g#67") == [.malformed, .packet(Array("g".utf8))])
  }

  @Test func refusesAPacketLongerThanTheLimitAndRecovers() {
    var decoder = PacketDecoder(maximumPacket: 8)
    let long = "$" + String(repeating: "a", count: 9) + "#" + Self.checksum(String(repeating: "a", count: 9))
    #expect(decoder.feed(Array(long.utf8)) == [.malformed])
    #expect(decoder.feed(Array("$g#67".utf8)) == [.packet(Array("g".utf8))])
  }

  @Test func framesRepliesWithTheirChecksum() {
    #expect(PacketEncoder.frame("OK") == Array("$OK#9a".utf8))
    #expect(PacketEncoder.frame("") == Array("$#00".utf8))
  }

  @Test func escapesTheFourSpecialBytesInReplies() {
    // '#' → "}\x03", '$' → "}\x04", '}' → "}]", '*' → "}\n".
    let framed = PacketEncoder.frame([0x23, 0x24, 0x7D, 0x2A])
    #expect(Array(framed.dropFirst().prefix(8)) == [0x7D, 0x03, 0x7D, 0x04, 0x7D, 0x5D, 0x7D, 0x0A])
  }

  @Test func everyFramedPayloadDecodesToItself() {
    var random = TestRandom(seed: 7)
    for _ in 0..<500 {
      let payload = (0..<random.below(200)).map { _ in UInt8(truncatingIfNeeded: random.next()) }
      var decoder = PacketDecoder()
      #expect(decoder.feed(PacketEncoder.frame(payload)) == [.packet(payload)])
    }
  }

  static func checksum(_ payload: String) -> String {
    let sum = payload.utf8.reduce(UInt8(0)) { $0 &+ $1 }
    return String(sum >> 4, radix: 16) + String(sum & 0xF, radix: 16)
  }
}

/// A small deterministic generator (SplitMix64), so a failing fuzz case can be replayed.
struct TestRandom {
  var state: UInt64

  init(seed: UInt64) { state = seed }

  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }

  mutating func below(_ n: Int) -> Int { Int(next() % UInt64(max(1, n))) }
}
