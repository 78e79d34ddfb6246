import Testing

@testable import GDBStub

@Suite struct PacketDecoderTests {
  @Test func decodesAPacketWithItsChecksum() {
    // "g" is 0x67: the checksum is 67.
    var decoder = PacketDecoder()
    #expect(decoder.feed(Array("$g#67".utf8)) == [.packet(Array("g".utf8))])
  }
}
