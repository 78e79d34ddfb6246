import Testing

@testable import Emulator

/// The script commands of the network card — `packet`, `burst`, `pcap`, `expect rx` — parsed into commands, their
/// bad forms refused with file:line, and a headless session running them against the driver kernel of Guest/net.
@Suite(.serialized)
struct ScriptNetworkTests {
  func parse(_ text: String) throws(ScriptError) -> Script {
    try Script(text: text, fileName: "net.irqs", isKeyName: { Key(name: $0) != nil })
  }

  @Test func parsesEveryNetworkCommand() throws {
    let script = try parse(
      """
      # network commands
      packet
      packet 200
      packet payload "hi\\n"
      packet hex:52:54:00:12:34:56:02:00:00:00:00:09:88:b5:01:02
      packet 64 hex:ffffffffffff
      packet arp

      burst 3 100
      burst 5
      pcap f.pcap rate 1000/s
      pcap "my capture.pcap"   # a quoted path may hold spaces
      expect rx 3 within 5ms
      expect rx 0
      """)
    #expect(script.lines.map(\.number) == [2, 3, 4, 5, 6, 7, 9, 10, 11, 12, 13, 14])
    // Raw frames are zero-padded to the 60-byte minimum, and to LEN when it is given.
    let written: [UInt8] = [0x52, 0x54, 0x00, 0x12, 0x34, 0x56, 0x02, 0, 0, 0, 0, 0x09, 0x88, 0xB5, 0x01, 0x02]
    let raw = written + [UInt8](repeating: 0, count: 60 - 16)
    let broadcast = [UInt8](repeating: 0xFF, count: 6) + [UInt8](repeating: 0, count: 58)
    #expect(
      script.lines.map(\.command) == [
        .packet(.udp(length: nil, payload: nil)),
        .packet(.udp(length: 200, payload: nil)),
        .packet(.udp(length: nil, payload: [0x68, 0x69, 0x0A])),
        .packet(.raw(raw)),
        .packet(.raw(broadcast)),
        .packet(.arp),
        .burst(count: 3, length: 100),
        .burst(count: 5, length: nil),
        .pcap(path: "f.pcap", ratePerSecond: 1000),
        .pcap(path: "my capture.pcap", ratePerSecond: nil),
        .expectRx(count: 3, withinCycles: 500_000),  // 5 ms at 100 MHz
        .expectRx(count: 0, withinCycles: 100_000_000),  // the default: 1 s
      ])
  }

  @Test(arguments: [
    ("packet 20", "frame length 20 is below the Ethernet minimum of 60"),
    ("packet hex:abc", "odd number of digits"),
    ("packet hex:12zz", "is not a hex digit"),
    ("packet 10 hex:ffffffffffff", "LEN 10 must be from the raw frame's 60 bytes"),
    ("packet 60 payload \"twenty characters...\"", "below the 42 header bytes + 20 payload bytes = 62"),
    ("packet payload hi", "payload needs a quoted string"),
    ("packet arp please", "packet arp takes nothing more"),
    ("packet fast", "fast is neither a length"),
    ("burst 0", "0 is not a frame count from 1 to 10,000,000"),
    ("burst many", "many is not a frame count"),
    ("burst 3 20", "frame length 20 is below the Ethernet minimum"),
    ("burst 3 100 more", "unexpected text after burst: more"),
    ("expect rx", "expect needs a frame count"),
    ("expect rx -1", "-1 is not a frame count"),
    ("expect rx 3 within soon", "soon is not a duration"),
    ("pcap", "pcap needs a capture file"),
    ("pcap f.pcap speed 10/s", "after the file only `rate N/s` may follow"),
    ("pcap f.pcap rate 0/s", "0/s is not a rate"),
  ])
  func badNetworkLinesNameTheFileAndLine(text: String, message: String) {
    do {
      _ = try parse("wait 1ms\n\n" + text)
      Issue.record("\(text) was accepted")
    } catch {
      #expect(error.fileName == "net.irqs")
      #expect(error.line == 3)
      #expect(error.message.contains(message), "\(error.message)")
      #expect(error.description.hasPrefix("net.irqs:3: "))
    }
  }

  func session(commandLine: String) throws -> (HeadlessSession, NetDriverRun, () -> String) {
    let run = try NetDriverRun(commandLine: commandLine)
    let session = HeadlessSession(machine: run.machine)
    final class Printed { var text = "" }
    let printed = Printed()
    session.print = { printed.text += $0 + "\n" }
    return (session, run, { printed.text })
  }

  @Test func sessionInjectsEveryPacketFormAndTheDriverReceivesThem() throws {
    let (session, run, _) = try session(commandLine: "")  // not quiet: the driver prints each frame
    let script = try parse(
      """
      packet payload "hi\\n"
      packet 200
      packet arp
      packet hex:52540012345602000000000988b54142
      burst 3 100
      expect rx 7 within 5ms
      wait 1ms
      expect screen "rx #1 len 60: hi {20}" within 1ms
      expect screen "rx #2 len 200: irqscope packet #000002 {20}"
      expect screen "rx #7 len 100: irqscope packet #000005 {20}"
      """)
    let outcome = session.run(script: script, limits: .init())
    #expect(outcome.status == 0, "\(outcome.summary)\n\(run.screen)")
    #expect(try run.value("rx_frames") == 7)
    #expect(try (0..<7).map { try run.loggedLength(frame: $0) } == [60, 200, 60, 60, 100, 100, 100])
    try #require(try (0..<4).allSatisfy { try run.logged(frame: $0).count >= 60 })
    #expect(Array(try run.logged(frame: 0)[42..<45]) == Array("hi\n".utf8))
    // The datagrams carry the next sequence number: #1 was "hi", so `packet 200` is #2 and the burst #3–#5.
    for (slot, sequence) in [(1, 2), (4, 3), (5, 4), (6, 5)] {
      let text = Array("irqscope packet #00000\(sequence)\n".utf8)
      #expect(Array(try run.buffer(slot: slot, count: 42 + text.count)[42...]) == text)
    }
    let arp = try run.logged(frame: 2)
    #expect(Array(arp[0..<6]) == [UInt8](repeating: 0xFF, count: 6))
    #expect(Array(arp[12..<14]) == [0x08, 0x06])  // ARP
    #expect(Array(arp[20..<22]) == [0x00, 0x01])  // a request
    #expect(
      Array(try run.logged(frame: 3)[0..<16]) == [
        0x52, 0x54, 0x00, 0x12, 0x34, 0x56, 0x02, 0, 0, 0, 0, 0x09, 0x88, 0xB5, 0x41, 0x42,
      ])
  }

  @Test func unmetExpectRxFailsWithStatusOneAndAReportOfTheCounters() throws {
    let (session, _, printed) = try session(commandLine: "quiet")
    // With IRQ 11 masked the driver never gives a descriptor back: 15 of the 20 frames fit, 5 are missed.
    let script = try Script(
      text: "mask 11\nburst 20\nexpect rx 20 within 2ms\ndump\n", fileName: "test.irqs",
      isKeyName: { Key(name: $0) != nil })
    let outcome = session.run(script: script, limits: .init())
    #expect(outcome.status == 1)
    #expect(outcome.summary == "expectation failed at test.irqs:3")
    let report = printed()
    #expect(report.hasPrefix("test.irqs:3: expectation failed: the card delivered 15 frame(s), not 20"), "\(report)")
    #expect(report.contains("injected 20, delivered 15, missed 5"), "\(report)")
    #expect(report.contains("ringFull 5"), "\(report)")
    #expect(report.contains("RDH 15 RDT 15"), "\(report)")
    #expect(report.contains("RCTL 0x4008002"), "\(report)")  // EN | BAM | SECRC
    #expect(!report.contains("\"nic\""), "the run stopped at the failed expectation, before the dump")
  }
}
