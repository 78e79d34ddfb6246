import Emulator
import Testing

@testable import GDBStub

/// Random bytes and mutated valid packets through the packet layer and the command layer: nothing crashes or hangs,
/// a broken packet is answered `-`, and a command that cannot be carried out is answered empty or `E` and two hex
/// digits. After any garbage, the decoder is back in step at the next packet.
@Suite struct FuzzTests {
  static let validPackets = [
    "?", "g", "p8", "p1f", "P0=78563412", "m100040,10", "M200000,4:deadbeef", "X200000,2:ab", "Z0,100040,1",
    "z0,100040,1", "Z2,102130,4", "z4,102130,4", "qXfer:features:read:target.xml:0,fff", "qSupported:xmlRegisters=i386",
    "qRcmd,696e666f20706963", "vCont;s:1;c", "vCont?", "Hg0", "T01", "qC", "qfThreadInfo", "qAttached", "c", "s",
    "G" + String(repeating: "00", count: 64),
  ]

  /// Bytes drawn mostly from the protocol's own alphabet, so the fuzz reaches deep into packets.
  static let alphabet: [UInt8] =
    Array("$#}*+-:;,=0123456789abcdefABCDEFgmMXZzpPqQvHTcsCSDk?".utf8) + [0x03, 0x00, 0xFF]

  private func machineHandler() throws -> CommandHandler {
    let (machine, _) = try DebugMachine.boot()
    return CommandHandler(target: MachineTarget(machine: machine))
  }

  /// Whether a reply is one the protocol allows for this payload: data for a successful read, else OK, empty or
  /// an error number.
  private func acceptable(_ result: CommandHandler.Result, for payload: [UInt8]) -> Bool {
    guard case .reply(let text) = result else { return true }  // resume, detach, kill, no-ack: actions
    if text.isEmpty || text == "OK" { return true }
    if text.count == 3 && text.first == "E" && Hex.decode(Array(text.utf8.dropFirst())) != nil { return true }
    switch payload.first {
    case UInt8(ascii: "g"), UInt8(ascii: "m"), UInt8(ascii: "p"): return Hex.decode(Array(text.utf8)) != nil
    case UInt8(ascii: "?"): return text.hasPrefix("T")
    case UInt8(ascii: "q"), UInt8(ascii: "v"): return true  // queries answer with their own data
    default: return false
    }
  }

  private func drive(_ bytes: [UInt8], _ decoder: inout PacketDecoder, _ handler: CommandHandler) {
    for event in decoder.feed(bytes) {
      guard case .packet(let payload) = event else { continue }
      let result = handler.handle(payload)
      #expect(acceptable(result, for: payload), "\(String(decoding: payload, as: UTF8.self)) → \(result)")
      if case .reply(let text) = result {
        var check = PacketDecoder()
        #expect(check.feed(PacketEncoder.frame(text)) == [.packet(Array(text.utf8))])
      }
    }
  }

  @Test func randomBytesNeverCrashOrHangAndTheDecoderRecovers() throws {
    let handler = try machineHandler()
    var random = TestRandom(seed: 1)
    for _ in 0..<3000 {
      var decoder = PacketDecoder(maximumPacket: 256)
      let bytes = (0..<random.below(400)).map { _ in
        random.below(4) == 0
          ? UInt8(truncatingIfNeeded: random.next()) : Self.alphabet[random.below(Self.alphabet.count)]
      }
      drive(bytes, &decoder, handler)
      // A good packet after the garbage comes through ("?" is 0x3f).
      #expect(decoder.feed(Array("$?#3f".utf8)).last == .packet(Array("?".utf8)))
    }
  }

  @Test func mutatedFramesAreRefusedWithAMinus() {
    var random = TestRandom(seed: 2)
    for _ in 0..<3000 {
      let payload = Array(Self.validPackets[random.below(Self.validPackets.count)].utf8)
      var frame = PacketEncoder.frame(payload)
      // One byte of the payload or checksum changed to another value: the checksum no longer matches.
      let index = 1 + random.below(frame.count - 1)
      guard frame[index] != UInt8(ascii: "#") else { continue }
      var replacement = UInt8(truncatingIfNeeded: random.next())
      if replacement == frame[index] { replacement ^= 1 }
      if [UInt8(ascii: "#"), UInt8(ascii: "$")].contains(replacement) { replacement = UInt8(ascii: "x") }
      // A checksum digit in the other case has the same value: not a change.
      if index >= frame.count - 2, Hex.digit(replacement) == Hex.digit(frame[index]) { continue }
      frame[index] = replacement
      var decoder = PacketDecoder()
      #expect(decoder.feed(frame) == [.malformed], "\(frame)")
    }
  }

  @Test func mutatedCommandsGetEmptyErrorOrTheirData() throws {
    let handler = try machineHandler()
    var random = TestRandom(seed: 3)
    for _ in 0..<5000 {
      var payload = Array(Self.validPackets[random.below(Self.validPackets.count)].utf8)
      for _ in 0..<(1 + random.below(3)) {
        let position = random.below(payload.count + 1)
        let byte = Self.alphabet[random.below(Self.alphabet.count)]
        switch random.below(3) {
        case 0 where position < payload.count: payload[position] = byte
        case 1 where position < payload.count: payload.remove(at: position)
        default: payload.insert(byte, at: position)
        }
      }
      // Huge numbers too: a length or address of many digits.
      if random.below(10) == 0 { payload += Array(String(repeating: "f", count: random.below(20)).utf8) }
      var decoder = PacketDecoder()
      drive(PacketEncoder.frame(payload), &decoder, handler)
    }
  }
}
