import Testing

@testable import Dashboard

/// The spellings every pane shares, against values worked by hand.
struct FormatTests {
  @Test func hexIsFixedWidthLowercaseAndKeepsTheLowDigits() {
    #expect(Format.hex(0xBEEF, 8) == "0000beef")
    #expect(Format.hex(UInt8(0x0A), 2) == "0a")
    #expect(Format.hex(0x12345, 4) == "2345")
    #expect(Format.hex(-1, 4) == "ffff")
    #expect(Format.hex(0xDEAD_BEEF_CAFE_F00D as UInt64, 16) == "deadbeefcafef00d")
    #expect(Format.hex(7, 0) == "")
  }

  @Test func padFillsOnEitherSideOrCuts() {
    #expect(Format.pad("IRQ1", 6) == "IRQ1  ")
    #expect(Format.pad("42", 6, right: true) == "    42")
    #expect(Format.pad("keyboard", 4) == "keyb")
    #expect(Format.pad("exact", 5) == "exact")
    #expect(Format.pad("", 3) == "   ")
  }

  @Test func padCountsCharactersNotBytes() {
    // "µs" is two characters in three UTF-8 bytes; "▶ x" three characters in five bytes.
    #expect(Format.pad("12µs", 6, right: true) == "  12µs")
    #expect(Format.pad("▶ x", 5) == "▶ x  ")
    #expect(Format.pad("µµµµ", 2) == "µµ")
  }

  @Test func timesAndDurations() {
    #expect(Format.seconds(nanoseconds: 12_345_678_901) == "12.345678")
    #expect(Format.seconds(nanoseconds: 5_000) == "0.000005")
    #expect(Format.duration(nanoseconds: 850) == "850ns")
    #expect(Format.duration(nanoseconds: 12_340) == "12.3µs")
    #expect(Format.duration(nanoseconds: 4_560_000) == "4.56ms")
    #expect(Format.duration(nanoseconds: 1_204_000_000) == "1.20s")
  }
}
