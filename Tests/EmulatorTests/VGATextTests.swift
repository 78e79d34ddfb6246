import Testing

@testable import Emulator

@Suite struct VGATextTests {
  let memory = PhysicalMemory(size: 1 << 20)
  let vga: VGAText

  init() {
    vga = VGAText(memory: memory)
    vga.clearToBIOSState()
  }

  private func out(_ port: UInt16, _ value: UInt8) { vga.portWrite(port, size: 1, value: UInt32(value)) }
  private func inb(_ port: UInt16) -> UInt8 { UInt8(truncatingIfNeeded: vga.portRead(port, size: 1)) }

  /// Writes `bytes` as characters with attribute `attribute` from (row, column), as a guest's putchar does.
  private func put(_ bytes: [UInt8], row: Int, column: Int, attribute: UInt8 = 0x07) {
    for (index, byte) in bytes.enumerated() {
      let address = UInt32(0xB8000 + ((row * 80 + column + index) * 2))
      memory.write8(address, byte)
      memory.write8(address + 1, attribute)
    }
  }

  @Test func clearedScreenIsBlankWithCursorHome() {
    let lines = vga.textLines()
    #expect(lines.count == 25)
    #expect(lines.allSatisfy { $0 == String(repeating: " ", count: 80) })
    #expect(memory.read16(0xB8000) == 0x0720)
    #expect(memory.read16(0xB8000 + 2 * 1999) == 0x0720)
    let cursor = vga.cursor
    #expect(cursor.row == 0 && cursor.column == 0 && cursor.visible)
  }

  @Test func textLinesReadGuestRAMAt0xB8000() {
    put(Array("Hello, world".utf8), row: 0, column: 0)
    put(Array("bottom".utf8), row: 24, column: 74)
    let lines = vga.textLines()
    #expect(lines[0].hasPrefix("Hello, world "))
    #expect(lines[24].hasSuffix("bottom"))
    #expect(lines.allSatisfy { $0.unicodeScalars.count == 80 })
  }

  @Test func codePage437MapsToUnicodeAndNULShowsAsSpace() {
    #expect(VGAText.cp437.count == 256)
    put([0x00, 0x01, 0x7F, 0x82, 0xB0, 0xC9, 0xCD, 0xBB, 0xE1, 0xE3, 0xF8, 0xFE], row: 3, column: 0)
    #expect(vga.textLines()[3].hasPrefix(" ☺⌂é░╔═╗ßπ°■ "))
    #expect(VGAText.cp437[0xDB] == "█" && VGAText.cp437[0x10] == "►" && VGAText.cp437[0xFB] == "√")
  }

  @Test func cellsSplitTheAttributeByte() {
    put([0x41], row: 1, column: 2, attribute: 0x9E)  // blink, blue background, yellow foreground
    let cell = vga.cells()[1][2]
    #expect(cell.character == 0x41 && cell.attribute == 0x9E)
    #expect(cell.foreground == 0x0E && cell.background == 0x01 && cell.blink)
    #expect(vga.cells().count == 25 && vga.cells()[0].count == 80)
    // Attribute mode control (0x10) bit 3 clear: bit 7 is background intensity instead of blink.
    _ = inb(0x3DA)  // reset the flip-flop to "index"
    out(0x3C0, 0x10)
    out(0x3C0, 0x04)
    let bright = vga.cells()[1][2]
    #expect(bright.background == 0x09 && !bright.blink)
  }

  @Test func cursorLocationRegistersMoveTheCursor() {
    out(0x3D4, 0x0E)
    out(0x3D5, 0x01)
    out(0x3D4, 0x0F)
    out(0x3D5, 0x23)  // location 0x0123 = 291 = row 3, column 51
    let cursor = vga.cursor
    #expect(cursor.row == 3 && cursor.column == 51 && cursor.visible)
    out(0x3D4, 0x0E)
    #expect(inb(0x3D5) == 0x01)
    out(0x3D4, 0x0F)
    #expect(inb(0x3D5) == 0x23)
    #expect(inb(0x3D4) == 0x0F)
  }

  @Test func sixteenBitWriteToTheIndexPortSetsIndexThenData() {
    vga.portWrite(0x3D4, size: 2, value: 0x070E)  // out dx, ax: index 0x0E, data 0x07
    vga.portWrite(0x3D4, size: 2, value: 0xD00F)  // 0x07D0 = 2000: just off screen
    #expect(vga.cursorLocation == 0x07D0)
    #expect(!vga.cursor.visible)
    vga.portWrite(0x3D4, size: 2, value: 0xCF0F)  // 1999: bottom-right corner
    let cursor = vga.cursor
    #expect(cursor.row == 24 && cursor.column == 79 && cursor.visible)
  }

  @Test func cursorStartBit5HidesTheCursor() {
    out(0x3D4, 0x0A)
    out(0x3D5, 0x20)
    #expect(!vga.cursor.visible)
    out(0x3D5, 0x0E)
    out(0x3D4, 0x0B)
    out(0x3D5, 0x0F)
    #expect(vga.cursor.visible)
    #expect(vga.state.cursorStartLine == 0x0E && vga.state.cursorEndLine == 0x0F)
  }

  @Test func startAddressScrollsTheDisplayAndTheCursorFollows() {
    put(Array("second row".utf8), row: 1, column: 0)
    out(0x3D4, 0x0C)
    out(0x3D5, 0x00)
    out(0x3D4, 0x0D)
    out(0x3D5, 80)  // start at cell 80
    #expect(vga.textLines()[0].hasPrefix("second row"))
    out(0x3D4, 0x0F)
    out(0x3D5, 85)  // absolute cell 85: row 0, column 5 of the display
    let cursor = vga.cursor
    #expect(cursor.row == 0 && cursor.column == 5)
    out(0x3D4, 0x0C)
    #expect(inb(0x3D5) == 0)
    out(0x3D4, 0x0D)
    #expect(inb(0x3D5) == 80)
  }

  @Test func otherCRTCRegistersAreStored() {
    out(0x3D4, 0x13)
    #expect(inb(0x3D5) == 0x28)  // mode 3 offset: 80 bytes per row / 2
    out(0x3D5, 0x50)
    out(0x3D4, 0x30)
    out(0x3D5, 0xAB)
    out(0x3D4, 0x13)
    #expect(inb(0x3D5) == 0x50)
    out(0x3D4, 0x30)
    #expect(inb(0x3D5) == 0xAB)
  }

  @Test func inputStatusTogglesRetraceSoPollingLoopsProgress() {
    let first = inb(0x3DA)
    let second = inb(0x3DA)
    #expect((first ^ second) & 0x08 == 0x08)
    #expect((first ^ second) & 0x01 == 0x01)
    // A "wait until retrace starts, then ends" loop terminates.
    var reads = 0
    while inb(0x3DA) & 0x08 == 0 && reads < 10 { reads += 1 }
    while inb(0x3DA) & 0x08 != 0 && reads < 10 { reads += 1 }
    #expect(reads < 10)
  }

  @Test func readingInputStatusResetsTheAttributeFlipFlop() {
    _ = inb(0x3DA)
    out(0x3C0, 0x01)  // index 1
    _ = inb(0x3DA)  // back to index
    out(0x3C0, 0x02)  // index 2, not data for index 1
    out(0x3C0, 0x3F)  // data for index 2
    out(0x3C0, 0x21)  // index 1 with PAS set
    #expect(inb(0x3C0) == 0x21)
    #expect(inb(0x3C1) == 0x01)  // unchanged from mode 3
    out(0x3C0, 0x22)  // data? no: the previous write was an index, so this is data for index 1
    #expect(vga.state.attributeRegisters[1] == 0x22)
    #expect(vga.state.attributeRegisters[2] == 0x3F)
  }

  @Test func dacPaletteStepsThroughRedGreenBlue() {
    out(0x3C8, 5)
    for value: UInt8 in [0x10, 0x20, 0x3F, 0x01] { out(0x3C9, value) }  // entry 5 = (10,20,3F), entry 6 red = 01
    out(0x3C7, 5)
    #expect([inb(0x3C9), inb(0x3C9), inb(0x3C9), inb(0x3C9)] == [0x10, 0x20, 0x3F, 0x01])
    #expect(inb(0x3C7) == 0x03)
    out(0x3C4, 0x02)
    out(0x3C5, 0x0F)
    #expect(inb(0x3C5) == 0x0F)
    out(0x3CE, 0x06)
    #expect(inb(0x3CF) == 0x0E)
    out(0x3C2, 0x63)
    #expect(inb(0x3CC) == 0x63)
  }

  @Test func textWindowWrapsAndRAMEndsDoNotTrap() {
    vga.portWrite(0x3D4, size: 2, value: 0xFF0C)
    vga.portWrite(0x3D4, size: 2, value: 0xFF0D)  // start address 0xFFFF
    #expect(vga.textLines().count == 25)
    let small = PhysicalMemory(size: 4096)  // no RAM at 0xB8000: open bus
    let headless = VGAText(memory: small)
    headless.clearToBIOSState()
    #expect(headless.cells()[0][0].character == 0xFF)
    for port in UInt16(0x3C0)...0x3DF { _ = headless.portRead(port, size: 4) }
  }
}
