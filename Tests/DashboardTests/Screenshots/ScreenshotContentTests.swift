import Foundation
import Testing

/// The committed screenshots show what the README says they show (read from their .txt twins). Expected bits come
/// from the PC's wiring: IRQ 11 is the slave 8259A's IR3, cascaded into the master's IR2; IRQ 1 is the master's IR1.
@Suite struct ScreenshotContentTests {
  static func text(_ name: String) throws -> String {
    try String(contentsOf: SnapshotRunner.screenshots.appendingPathComponent("\(name).txt"), encoding: .utf8)
  }

  /// The PIC pane's row `label` for the master (first) and the slave (second): its eight bits, IR0 first.
  static func picRows(_ label: String, in text: String) -> [[Int]] {
    text.split(separator: "\n").compactMap { line -> [Int]? in
      guard let start = line.range(of: "│\(label) ") else { return nil }
      let rest = line[start.upperBound...].prefix { $0 != "│" }
      let bits = rest.split(separator: " ").compactMap { Int($0) }
      return bits.count == 8 ? bits : nil
    }
  }

  @Test func packetShowsIRQ11InTheSlavesISRAndIR2InTheMasters() throws {
    let text = try Self.text("packet")
    let isr = Self.picRows("ISR", in: text)
    try #require(isr.count == 2)
    #expect(isr[0] == [0, 0, 1, 0, 0, 0, 0, 0])
    #expect(isr[1] == [0, 0, 0, 1, 0, 0, 0, 0])
    #expect(text.contains(" 0 00116710   60 DD EOP drv"))  // descriptor 0 filled: 60 bytes, DD and EOP set
  }

  @Test func maskedShowsIRQ1RequestedAndMasked() throws {
    let text = try Self.text("masked")
    let irr = Self.picRows("IRR", in: text)
    let imr = Self.picRows("IMR", in: text)
    try #require(irr.count == 2 && imr.count == 2)
    #expect(irr[0][1] == 1)
    #expect(imr[0][1] == 1)
    #expect(Self.picRows("ISR", in: text)[0][1] == 0)
  }

  @Test func exceptionShowsTheKernelNamingTheFault() throws {
    let text = try Self.text("exception")
    #expect(text.contains("*** General Protection Fault (vector 13) in task shell"))
    // The IDT pane's row for vector 13 (the narrow column spells the mnemonic), taken once.
    #expect(text.contains("│0d #GP            1 P0 isr_stubs+0xd0"))
  }

  @Test func overviewShowsTheShellAfterHelpAndIrqs() throws {
    let text = try Self.text("overview")
    #expect(text.contains("kernel$ help"))
    #expect(text.contains("kernel$ irqs"))
  }

  @Test func lightIsTheSmallestLayout() throws {
    let text = try Self.text("light")
    // One line per row, each ending in a newline (trailing spaces trimmed, so blank rows are empty lines).
    #expect(text.filter { $0 == "\n" }.count == 24)
    #expect(text.split(separator: "\n").allSatisfy { $0.count <= 80 })
  }
}
