import Foundation
import Testing

@testable import Emulator

/// Pcap replay into the driver kernel: captures of both formats and byte orders, laid out byte by byte here, arrive
/// at the card at (replay start + the packet's recorded offset + its slot on the wire), in virtual time.
///
/// A frame of L bytes (without FCS) holds the 1 Gb/s wire for (8 + max(L, 60) + 4 + 12) bytes × 8 ns, one cycle
/// being 10 ns. The lengths used here (76, 126, 1026) make that a whole number of cycles: 80, 120 and 840.
@Suite(.serialized)
struct PcapReplayTests {
  static let cardMAC: [UInt8] = [0x52, 0x54, 0x00, 0x12, 0x34, 0x56]

  /// The four classic pcap magics as they lie in the file.
  enum Format: String, CaseIterable, CustomTestStringConvertible {
    case microsecondsBigEndian, microsecondsLittleEndian, nanosecondsBigEndian, nanosecondsLittleEndian

    var magicBytes: [UInt8] {
      switch self {
      case .microsecondsBigEndian: [0xA1, 0xB2, 0xC3, 0xD4]
      case .microsecondsLittleEndian: [0xD4, 0xC3, 0xB2, 0xA1]
      case .nanosecondsBigEndian: [0xA1, 0xB2, 0x3C, 0x4D]
      case .nanosecondsLittleEndian: [0x4D, 0x3C, 0xB2, 0xA1]
      }
    }
    var bigEndian: Bool { self == .microsecondsBigEndian || self == .nanosecondsBigEndian }
    var nanoseconds: Bool { self == .nanosecondsBigEndian || self == .nanosecondsLittleEndian }
    var testDescription: String { rawValue }
  }

  static func field32(_ value: UInt32, bigEndian: Bool) -> [UInt8] {
    let bytes = [UInt8(value >> 24), UInt8(value >> 16 & 0xFF), UInt8(value >> 8 & 0xFF), UInt8(value & 0xFF)]
    return bigEndian ? bytes : bytes.reversed()
  }

  static func field16(_ value: UInt16, bigEndian: Bool) -> [UInt8] {
    let bytes = [UInt8(value >> 8), UInt8(value & 0xFF)]
    return bigEndian ? bytes : bytes.reversed()
  }

  /// A capture file: global header (magic, version 2.4, thiszone 0, sigfigs 0, snaplen 65535, Ethernet), then one
  /// record per packet (seconds, fraction in the format's unit, incl_len = orig_len, the bytes).
  static func capture(_ format: Format, packets: [(seconds: UInt32, fraction: UInt32, frame: [UInt8])]) -> [UInt8] {
    let big = format.bigEndian
    var file = format.magicBytes
    file += field16(2, bigEndian: big) + field16(4, bigEndian: big)
    file += field32(0, bigEndian: big) + field32(0, bigEndian: big)
    file += field32(65_535, bigEndian: big) + field32(1, bigEndian: big)
    for packet in packets {
      file += field32(packet.seconds, bigEndian: big) + field32(packet.fraction, bigEndian: big)
      let length = UInt32(packet.frame.count)
      file += field32(length, bigEndian: big) + field32(length, bigEndian: big) + packet.frame
    }
    return file
  }

  /// A frame to the card of an experimental EtherType (0x88B5), `length` bytes, every payload byte `tag`.
  static func frame(length: Int, tag: UInt8) -> [UInt8] {
    cardMAC + [0x02, 0, 0, 0, 0, tag] + [0x88, 0xB5] + [UInt8](repeating: tag, count: length - 14)
  }

  static let frames = [frame(length: 76, tag: 0xA1), frame(length: 126, tag: 0xB2), frame(length: 1026, tag: 0xC3)]
  /// Wire slots of those frames in cycles: (8 + L + 4 + 12) × 8 ns / 10 ns.
  static let slots: [UInt64] = [80, 120, 840]

  /// The same three packets in either precision. Seconds 1,700,000,000 then 1,700,000,001: the second packet
  /// crosses the second boundary. Offsets from the first packet, worked out by hand:
  ///   microseconds: .999900 → 1.000150 (250 µs) → 1.002900 (3,000 µs)
  ///   nanoseconds:  .999900000 → 1.000150330 (250,330 ns) → 1.003000010 (3,100,010 ns)
  static func packets(_ format: Format) -> [(seconds: UInt32, fraction: UInt32, frame: [UInt8])] {
    format.nanoseconds
      ? [
        (1_700_000_000, 999_900_000, frames[0]), (1_700_000_001, 150_330, frames[1]),
        (1_700_000_001, 3_000_010, frames[2]),
      ]
      : [(1_700_000_000, 999_900, frames[0]), (1_700_000_001, 150, frames[1]), (1_700_000_001, 2_900, frames[2])]
  }

  static func offsetCycles(_ format: Format) -> [UInt64] {
    format.nanoseconds ? [0, 25_033, 310_001] : [0, 25_000, 300_000]
  }

  @Test(arguments: Format.allCases)
  func replayDeliversAtStartPlusRecordedOffsetPlusWireSlot(format: Format) throws {
    let capture = try PcapCapture(bytes: Self.capture(format, packets: Self.packets(format)), fileName: "t.pcap")
    let run = try NetDriverRun()
    let start = run.machine.cpu.cycles
    run.machine.replay(capture)
    run.run(microseconds: 5_000)

    let received = run.events(.rx)
    let expected = zip(Self.offsetCycles(format), Self.slots).map { start + $0 + $1 }
    #expect(received.map(\.cycle) == expected)
    #expect(received.map(\.frameLength) == [76, 126, 1026])
    #expect(run.machine.replayFramesPending == 0)
    #expect(try run.value("rx_frames") == 3)
    for (n, frame) in Self.frames.enumerated() {
      #expect(try run.loggedLength(frame: n) == frame.count)
      #expect(try run.logged(frame: n) == Array(frame.prefix(64)))
      #expect(try run.buffer(slot: n, count: frame.count) == frame)  // the whole frame, by DMA into slot n
    }
  }

  /// `--pcap` hands the capture over at boot: the replay waits until the driver enables the receiver, so no frame
  /// is lost to a driver still starting, and its offsets count from that moment.
  @Test func captureGivenAtBootStartsWhenTheDriverEnablesTheReceiver() throws {
    let kernel = try NetDriverKernel.shared.get()
    let machine = Machine()
    try machine.boot(kernel: kernel.elf, fileName: "bench-net.elf", commandLine: "quiet")
    let capture = try PcapCapture(
      bytes: Self.capture(.microsecondsLittleEndian, packets: Self.packets(.microsecondsLittleEndian)),
      fileName: "boot.pcap")
    var enabledAt: UInt64?
    machine.nic.onReceiverEnabled = { enabledAt = machine.cpu.cycles }
    var arrivals: [UInt64] = []
    machine.tracer.onEvent = { if $0.kind == .rx { arrivals.append($0.cycle) } }
    machine.replay(capture, ratePerSecond: nil, whenReceiverEnabled: true)
    machine.run(cycles: Scheduler.cycles(nanoseconds: 10_000_000))
    let start = try #require(enabledAt)
    #expect(start > 0)
    #expect(machine.nic.framesMissed == 0)
    #expect(arrivals == zip(Self.offsetCycles(.microsecondsLittleEndian), Self.slots).map { start + $0 + $1 })
  }

  @Test func packetsCloserThanAWireSlotWaitForTheWire() throws {
    // Both recorded at the same instant: the second starts on the wire when the first has left it.
    let packets: [(seconds: UInt32, fraction: UInt32, frame: [UInt8])] = [
      (100, 5, Self.frames[2]), (100, 5, Self.frames[0]),
    ]
    let capture = try PcapCapture(
      bytes: Self.capture(.microsecondsLittleEndian, packets: packets), fileName: "same-time.pcap")
    let run = try NetDriverRun()
    let start = run.machine.cpu.cycles
    run.machine.replay(capture)
    run.run(microseconds: 1_000)
    #expect(run.events(.rx).map(\.cycle) == [start + 840, start + 840 + 80])
    #expect(try run.value("rx_frames") == 2)
  }

  /// A fresh directory for capture and script files.
  static func directory() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("irqscope-pcap-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
  }

  @Test func scriptReplaysAtAFixedRateSpacedByThePeriod() throws {
    let directory = try Self.directory()
    defer { try? FileManager.default.removeItem(at: directory) }
    // Recorded irregularly (0, 3 s, 3.000001 s); `rate 1000/s` puts packet i at i ms instead.
    let packets: [(seconds: UInt32, fraction: UInt32, frame: [UInt8])] = [
      (50, 0, Self.frames[0]), (53, 0, Self.frames[1]), (53, 1, Self.frames[2]),
    ]
    try Data(Self.capture(.microsecondsBigEndian, packets: packets))
      .write(to: directory.appendingPathComponent("f.pcap"))
    let fileName = directory.appendingPathComponent("replay.irqs").path
    let script = try Script(
      text: "pcap f.pcap rate 1000/s\nexpect rx 3 within 5ms\nwait 1ms\n", fileName: fileName, isKeyName: { _ in false }
    )
    let run = try NetDriverRun()
    let session = HeadlessSession(machine: run.machine)
    session.print = { _ in }
    session.captures = try HeadlessSession.loadCaptures(for: script)
    let start = run.machine.cpu.cycles
    let outcome = session.run(script: script, limits: .init())
    #expect(outcome.status == 0)
    // 1 ms = 100,000 cycles apart, each plus its own wire slot.
    #expect(run.events(.rx).map(\.cycle) == [start + 80, start + 100_000 + 120, start + 200_000 + 840])
    #expect(try run.value("rx_frames") == 3)
  }

  /// A capture whose only packet says 100 bytes but carries 40: the data would start at byte 24 + 16 = 40.
  static func truncatedCapture() -> [UInt8] {
    let header = capture(.microsecondsLittleEndian, packets: [])
    return header + field32(1, bigEndian: false) + field32(0, bigEndian: false) + field32(100, bigEndian: false)
      + field32(100, bigEndian: false) + [UInt8](repeating: 0xEE, count: 40)
  }

  @Test func truncatedCaptureIsReportedWithTheScriptLineAndTheByteOffset() throws {
    let directory = try Self.directory()
    defer { try? FileManager.default.removeItem(at: directory) }
    try Data(Self.capture(.nanosecondsBigEndian, packets: [(1, 0, Self.frames[0])]))
      .write(to: directory.appendingPathComponent("good.pcap"))
    try Data(Self.truncatedCapture()).write(to: directory.appendingPathComponent("cut.pcap"))
    let fileName = directory.appendingPathComponent("replay.irqs").path
    let script = try Script(
      text: "# two captures\npcap good.pcap\nwait 1ms\npcap cut.pcap rate 10/s\n", fileName: fileName,
      isKeyName: { _ in false })
    do {
      _ = try HeadlessSession.loadCaptures(for: script)
      Issue.record("a truncated capture was loaded")
    } catch {
      #expect(error.fileName == fileName)
      #expect(error.line == 4)
      #expect(error.message.contains("cut.pcap: byte offset 40: "), "\(error.message)")
      #expect(error.message.contains("truncated packet data"), "\(error.message)")
      #expect(error.description.hasPrefix("\(fileName):4: "))
    }
  }

  @Test func truncatedCaptureGivenAsAFileNamesTheByteOffset() throws {
    // What `--pcap FILE` does with the file (HeadlessCommand), without spawning the command-line tool.
    let directory = try Self.directory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let url = directory.appendingPathComponent("cut.pcap")
    // A whole 60-byte packet (24 + 16 + 60 = 100), then 7 bytes of the next record header.
    let file =
      Self.capture(.microsecondsBigEndian, packets: [(1, 0, Self.frame(length: 60, tag: 1))])
      + [UInt8](repeating: 0, count: 7)
    try Data(file).write(to: url)
    do {
      _ = try PcapCapture(contentsOf: URL(fileURLWithPath: url.path))
      Issue.record("a truncated capture was loaded")
    } catch {
      #expect(error.offset == 100)
      #expect(error.description.hasPrefix("\(url.path): byte offset 100: packet #2: truncated record header"))
    }
  }
}
