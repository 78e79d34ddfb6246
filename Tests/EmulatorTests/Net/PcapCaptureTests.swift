import Foundation
import Testing

@testable import Emulator

/// Capture files are built byte by byte in each test from the layout in pcap-savefile(5): a 24-byte global header
/// (magic, version 2.4, thiszone, sigfigs, snaplen, link type) and per packet a 16-byte record header (ts_sec,
/// ts_usec|ts_nsec, incl_len, orig_len) followed by incl_len bytes.
@Suite struct PcapCaptureTests {
  /// One record as it will be written: header fields and the captured bytes.
  struct Record {
    var seconds: UInt32
    var fraction: UInt32
    var includedLength: UInt32
    var originalLength: UInt32
    var data: [UInt8]

    init(_ seconds: UInt32, _ fraction: UInt32, data: [UInt8], originalLength: UInt32? = nil) {
      self.seconds = seconds
      self.fraction = fraction
      self.includedLength = UInt32(data.count)
      self.originalLength = originalLength ?? UInt32(data.count)
      self.data = data
    }
  }

  /// The four classic formats: each magic in each byte order.
  enum Format: CaseIterable, CustomTestStringConvertible {
    case microsecondsLittle, microsecondsBig, nanosecondsLittle, nanosecondsBig
    var magic: UInt32 { nanoseconds ? 0xA1B2_3C4D : 0xA1B2_C3D4 }
    var nanoseconds: Bool { self == .nanosecondsLittle || self == .nanosecondsBig }
    var bigEndian: Bool { self == .microsecondsBig || self == .nanosecondsBig }
    var testDescription: String { "\(nanoseconds ? "ns" : "µs") \(bigEndian ? "big" : "little")-endian" }
  }

  static func field32(_ value: UInt32, bigEndian: Bool) -> [UInt8] {
    let big = [UInt8(value >> 24), UInt8((value >> 16) & 0xFF), UInt8((value >> 8) & 0xFF), UInt8(value & 0xFF)]
    return bigEndian ? big : big.reversed()
  }

  static func field16(_ value: UInt16, bigEndian: Bool) -> [UInt8] {
    let big = [UInt8(value >> 8), UInt8(value & 0xFF)]
    return bigEndian ? big : big.reversed()
  }

  static func capture(
    magic: UInt32 = 0xA1B2_C3D4, bigEndian: Bool = false, versionMajor: UInt16 = 2, snapLength: UInt32 = 65535,
    linkField: UInt32 = 1, records: [Record] = []
  ) -> [UInt8] {
    var bytes = field32(magic, bigEndian: bigEndian)
    bytes += field16(versionMajor, bigEndian: bigEndian) + field16(4, bigEndian: bigEndian)
    bytes += [UInt8](repeating: 0, count: 8)  // thiszone, sigfigs
    bytes += field32(snapLength, bigEndian: bigEndian) + field32(linkField, bigEndian: bigEndian)
    for record in records {
      bytes += field32(record.seconds, bigEndian: bigEndian) + field32(record.fraction, bigEndian: bigEndian)
      bytes += field32(record.includedLength, bigEndian: bigEndian)
      bytes += field32(record.originalLength, bigEndian: bigEndian)
      bytes += record.data
    }
    return bytes
  }

  static func frame(_ fill: UInt8, count: Int = 60) -> [UInt8] { [UInt8](repeating: fill, count: count) }

  private func error(_ bytes: [UInt8]) -> PcapError? {
    do {
      _ = try PcapCapture(bytes: bytes, fileName: "cap.pcap")
      return nil
    } catch {
      return error
    }
  }

  // MARK: Formats

  /// The bytes tcpdump writes on a little-endian host: magic D4 C3 B2 A1, version 2.4, snaplen 262144, link type 1,
  /// then one 60-byte frame at 1,700,000,000 s + 123,456 µs (0x6553F100 and 0x0001E240, least significant first).
  @Test func readsALittleEndianMicrosecondCaptureLaidOutByteByByte() throws {
    var bytes: [UInt8] = [
      0xD4, 0xC3, 0xB2, 0xA1, 0x02, 0x00, 0x04, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
      0x00, 0x00, 0x04, 0x00, 0x01, 0x00, 0x00, 0x00,
      0x00, 0xF1, 0x53, 0x65, 0x40, 0xE2, 0x01, 0x00, 0x3C, 0x00, 0x00, 0x00, 0x3C, 0x00, 0x00, 0x00,
    ]
    let frame = (0..<60).map { UInt8($0) }
    bytes += frame
    let capture = try PcapCapture(bytes: bytes, fileName: "tcpdump.pcap")
    #expect(capture.precision == .microseconds)
    #expect(!capture.bigEndian)
    #expect(capture.versionMajor == 2 && capture.versionMinor == 4)
    #expect(capture.snapLength == 262_144)
    #expect(capture.linkType == 1)
    #expect(capture.fcsLength == 0)
    #expect(
      capture.packets == [
        PcapCapture.Packet(timestampNanoseconds: 1_700_000_000_123_456_000, originalLength: 60, data: frame)
      ])
  }

  /// Three packets with known timestamps in every format; ns files carry the fraction as nanoseconds as-is, µs files
  /// times 1000.
  @Test(arguments: Format.allCases) func readsEveryMagicInEitherByteOrder(format: Format) throws {
    let fractions: [UInt32] = format.nanoseconds ? [0, 999_999_999, 500] : [0, 999_999, 500]
    let bytes = Self.capture(
      magic: format.magic, bigEndian: format.bigEndian, snapLength: 0x0001_0203,
      records: [
        Record(1_000, fractions[0], data: Self.frame(0xA1)),
        Record(1_000, fractions[1], data: Self.frame(0xB2, count: 1514)),
        Record(4_294_967_295, fractions[2], data: Self.frame(0xC3, count: 64), originalLength: 1500),
      ])
    let capture = try PcapCapture(bytes: bytes, fileName: "cap.pcap")
    #expect(capture.precision == (format.nanoseconds ? .nanoseconds : .microseconds))
    #expect(capture.bigEndian == format.bigEndian)
    #expect(capture.versionMajor == 2 && capture.versionMinor == 4)
    #expect(capture.snapLength == 0x0001_0203)
    #expect(capture.linkType == 1)
    let expectedNanoseconds: [UInt64] =
      format.nanoseconds
      ? [1_000_000_000_000, 1_000_999_999_999, 4_294_967_295_000_000_500]
      : [1_000_000_000_000, 1_000_999_999_000, 4_294_967_295_000_500_000]
    #expect(capture.packets.map(\.timestampNanoseconds) == expectedNanoseconds)
    #expect(capture.packets.map(\.originalLength) == [60, 1514, 1500])
    #expect(
      capture.packets.map(\.data) == [Self.frame(0xA1), Self.frame(0xB2, count: 1514), Self.frame(0xC3, count: 64)])
  }

  @Test func headerOnlyCaptureHasNoPackets() throws {
    let capture = try PcapCapture(bytes: Self.capture(), fileName: "empty.pcap")
    #expect(capture.packets.isEmpty)
    #expect(capture.replaySchedule(ratePerSecond: nil).isEmpty)
    #expect(capture.replaySchedule(ratePerSecond: 10).isEmpty)
  }

  /// Link-type field 0x2400_0001: bit 26 says the FCS length is known, bits 28–31 give it in 16-bit words (2 = 4
  /// bytes), the low 16 bits say Ethernet. A fully captured frame loses its 4 FCS bytes; a frame the snaplen cut
  /// before its FCS keeps all it has.
  @Test func fcsLengthBitsAreReadAndTheFCSIsDroppedFromFrames() throws {
    let full = (0..<64).map { UInt8($0) }
    let bytes = Self.capture(
      linkField: 0x2400_0001,
      records: [Record(1, 0, data: full), Record(2, 0, data: Array(full[..<40]), originalLength: 64)])
    let capture = try PcapCapture(bytes: bytes, fileName: "fcs.pcap")
    #expect(capture.linkType == 1)
    #expect(capture.fcsLength == 4)
    #expect(capture.ethernetFrame(capture.packets[0]) == Array(full[..<60]))
    #expect(capture.ethernetFrame(capture.packets[1]) == Array(full[..<40]))
  }

  @Test func readsAFileFromDiskAndNamesAMissingOne() throws {
    let directory = FileManager.default.temporaryDirectory
    let url = directory.appendingPathComponent("irqscope-pcap-\(UUID().uuidString).pcap")
    try Data(Self.capture(records: [Record(7, 8, data: Self.frame(0x55))])).write(to: url)
    defer { try? FileManager.default.removeItem(at: url) }
    let capture = try PcapCapture(contentsOf: url)
    #expect(capture.packets.map(\.timestampNanoseconds) == [7_000_008_000])

    let missing = directory.appendingPathComponent("irqscope-no-such-\(UUID().uuidString).pcap")
    #expect(throws: PcapError(fileName: missing.path, offset: 0, message: "no such file")) {
      try PcapCapture(contentsOf: missing)
    }
  }

  // MARK: Errors, each at the byte where the problem lies

  @Test func describesErrorsAsFileOffsetAndMessage() {
    let error = PcapError(fileName: "cap.pcap", offset: 40, message: "something")
    #expect(error.description == "cap.pcap: byte offset 40: something")
  }

  @Test func fileShorterThanTheGlobalHeaderFailsWhereItEnds() {
    #expect(error([])?.offset == 0)
    #expect(error([])?.message.contains("empty") == true)
    #expect(error([0xD4, 0xC3])?.offset == 2)
    let cut = Array(Self.capture()[..<20])
    #expect(error(cut)?.offset == 20)
    #expect(error(cut)?.message.contains("24-byte pcap global header") == true)
  }

  @Test func unknownMagicSaysItIsNotAClassicPcapFile() {
    let text = Array("GET / HTTP/1.1\r\nHost: x\r\n\r\n".utf8)
    #expect(error(text)?.offset == 0)
    #expect(error(text)?.message.contains("not a classic pcap file") == true)
    #expect(error(text)?.message.contains("0x47455420") == true)  // "GET " read as a big-endian word
  }

  @Test func pcapngIsRecognisedAndRefusedWithTheEditcapCommand() {
    // A pcapng Section Header Block starts with block type 0x0A0D0D0A, then its length and the byte-order magic.
    let pcapng: [UInt8] =
      [0x0A, 0x0D, 0x0D, 0x0A, 0x1C, 0x00, 0x00, 0x00, 0x4D, 0x3C, 0x2B, 0x1A] + Self.frame(0, count: 16)
    let failure = error(pcapng)
    #expect(failure?.offset == 0)
    #expect(failure?.message.contains("pcapng is not supported") == true)
    #expect(failure?.message.contains("editcap -F pcap") == true)
  }

  @Test func archaicVersionIsRefusedAtTheVersionField() {
    #expect(error(Self.capture(versionMajor: 1))?.offset == 4)
  }

  @Test func nonEthernetLinkTypeIsNamedAtTheLinkTypeField() {
    let failure = error(Self.capture(bigEndian: true, linkField: 113))
    #expect(failure?.offset == 20)
    #expect(failure?.message.contains("link type 113 (LINUX_SLL") == true)
    #expect(failure?.message.contains("not Ethernet (1)") == true)
    #expect(error(Self.capture(linkField: 101))?.message.contains("101 (RAW") == true)
    #expect(error(Self.capture(linkField: 4242))?.message.contains("link type 4242 is not Ethernet") == true)
  }

  /// 24-byte header, one 60-byte packet (record 24…39, data 40…99), then only 10 bytes of the next record header.
  @Test func truncatedRecordHeaderFailsAtItsStart() {
    let bytes = Self.capture(records: [Record(1, 0, data: Self.frame(1))]) + [UInt8](repeating: 0, count: 10)
    let failure = error(bytes)
    #expect(failure?.offset == 100)
    #expect(failure?.message.contains("packet #2") == true)
    #expect(failure?.message.contains("truncated record header: 10 bytes remain") == true)
  }

  /// The record says 60 bytes follow; the file holds 20 of them: the data starts at 24 + 16 = 40.
  @Test func truncatedPacketDataSaysExpectedAndRemainingBytes() {
    let bytes = Array(Self.capture(records: [Record(1, 0, data: Self.frame(1))])[..<60])
    let failure = error(bytes)
    #expect(failure?.offset == 40)
    #expect(failure?.message.contains("expected 60 bytes, only 20 remain") == true)
    #expect(
      failure?.description
        == "cap.pcap: byte offset 40: packet #1: truncated packet data: expected 60 bytes, only 20 remain"
        + " (was the capture cut short?)")
  }

  /// incl_len sits 8 bytes into a record header: 24 + 8 = 32 for the first record, 100 + 8 = 108 for the second.
  @Test func capturedLengthLargerThanOriginalFailsAtIncludedLength() {
    var second = Record(2, 0, data: Self.frame(2))
    second.originalLength = 59
    let failure = error(Self.capture(bigEndian: true, records: [Record(1, 0, data: Self.frame(1)), second]))
    #expect(failure?.offset == 108)
    #expect(failure?.message.contains("packet #2") == true)
    #expect(failure?.message.contains("60 is larger than the original length (orig_len) 59") == true)
  }

  @Test func capturedLengthOver262144IsMalformed() {
    var huge = Record(1, 0, data: [])
    (huge.includedLength, huge.originalLength) = (262_145, 262_145)
    let failure = error(Self.capture(records: [huge]) + Self.frame(0, count: 100))
    #expect(failure?.offset == 32)
    #expect(failure?.message.contains("262145 is over the 262144-byte limit") == true)
    // Exactly the limit is allowed (and here truncated, which is the next check).
    (huge.includedLength, huge.originalLength) = (262_144, 262_144)
    #expect(error(Self.capture(records: [huge]))?.offset == 40)
  }

  /// ts_usec / ts_nsec sit 4 bytes into a record header (offset 28 for the first record).
  @Test func fractionOfASecondAtOrAboveOneSecondIsMalformed() throws {
    let micro = error(Self.capture(records: [Record(1, 1_000_000, data: Self.frame(1))]))
    #expect(micro?.offset == 28)
    #expect(micro?.message.contains("ts_usec is 1000000") == true)
    let nano = error(Self.capture(magic: 0xA1B2_3C4D, records: [Record(1, 1_000_000_000, data: Self.frame(1))]))
    #expect(nano?.offset == 28)
    #expect(nano?.message.contains("ts_nsec is 1000000000") == true)
    // A million is a valid fraction in a nanosecond file (1 ms).
    let fine = try PcapCapture(
      bytes: Self.capture(magic: 0xA1B2_3C4D, records: [Record(1, 1_000_000, data: Self.frame(1))]), fileName: "x")
    #expect(fine.packets[0].timestampNanoseconds == 1_001_000_000)
  }

  // MARK: Replay

  /// Recorded pace: offsets from the first packet; 10.1 s after 10.25 s goes backwards and stays at 0.25 s.
  @Test func replayKeepsTheRecordedPaceAndClampsBackwardTimestamps() throws {
    let bytes = Self.capture(
      records: [
        Record(10, 0, data: Self.frame(1)), Record(10, 250_000, data: Self.frame(2)),
        Record(10, 100_000, data: Self.frame(3)), Record(11, 1, data: Self.frame(4)),
      ])
    let schedule = try PcapCapture(bytes: bytes, fileName: "x").replaySchedule(ratePerSecond: nil)
    #expect(schedule.map(\.offsetNanoseconds) == [0, 250_000_000, 250_000_000, 1_000_001_000])
    #expect(schedule.map { $0.packet.data[0] } == [1, 2, 3, 4])
  }

  /// A second packet stamped before the first is clamped to 0, never negative.
  @Test func replayNeverGoesBeforeTheFirstPacket() throws {
    let bytes = Self.capture(
      records: [
        Record(10, 0, data: Self.frame(1)), Record(9, 0, data: Self.frame(2)), Record(12, 0, data: Self.frame(3)),
      ])
    let schedule = try PcapCapture(bytes: bytes, fileName: "x").replaySchedule(ratePerSecond: nil)
    #expect(schedule.map(\.offsetNanoseconds) == [0, 0, 2_000_000_000])
  }

  /// With a rate, packet i goes at i × 1e9 / rate ns whatever the timestamps: 1000/s → every 1 ms; 3/s → 1/3 s
  /// rounded to the nearest nanosecond.
  @Test func replayAtAFixedRateSpacesPacketsEvenly() throws {
    let bytes = Self.capture(
      records: [
        Record(50, 0, data: Self.frame(1)), Record(10, 0, data: Self.frame(2)),
        Record(99, 0, data: Self.frame(3)), Record(99, 0, data: Self.frame(4)),
      ])
    let capture = try PcapCapture(bytes: bytes, fileName: "x")
    #expect(
      capture.replaySchedule(ratePerSecond: 1000).map(\.offsetNanoseconds) == [0, 1_000_000, 2_000_000, 3_000_000])
    #expect(
      capture.replaySchedule(ratePerSecond: 3).map(\.offsetNanoseconds)
        == [0, 333_333_333, 666_666_667, 1_000_000_000])
    #expect(capture.replaySchedule(ratePerSecond: 1e-20).map(\.offsetNanoseconds) == [0, .max, .max, .max])
    #expect(
      capture.replaySchedule(ratePerSecond: 0).map(\.offsetNanoseconds) == [0, 0, 49_000_000_000, 49_000_000_000])
  }
}
