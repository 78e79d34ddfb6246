// VGA in 80×25 colour text mode (mode 3), as a PC's VGA BIOS leaves it.
//
// Modelled: the text buffer is guest RAM at physical 0xB8000 (two bytes per cell: CP437 character, attribute), read
// from `PhysicalMemory` when the screen is drawn; the CRTC index/data pair at 0x3D4/0x3D5 with all 256 index values
// stored and readable — the ones that matter here are cursor start/end (0x0A/0x0B: bit 5 of 0x0A hides the cursor),
// start address (0x0C/0x0D, the cell shown top-left; the 32 KiB window wraps) and cursor location (0x0E/0x0F, absolute
// in display memory); input status 1 at 0x3DA, whose display-enable (bit 0) and vertical-retrace (bit 3) bits toggle
// on every read so that "wait for retrace" loops progress, and whose read resets the attribute controller flip-flop;
// the attribute controller at 0x3C0/0x3C1 (index/data flip-flop, registers stored; register 0x10 bit 3 selects blink
// vs bright background in `cells()`); misc output (0x3C2 write, 0x3CC read), sequencer (0x3C4/0x3C5), DAC
// (0x3C6–0x3C9, with the three-step colour counter) and graphics controller (0x3CE/0x3CF), all stored and readable.
// A 16-bit write to an index port (`out dx, ax` to 0x3D4) writes index then data, as the bus splits it.
//
// Not modelled: graphics modes, fonts and planar memory (the registers are stored but change nothing), the mono
// ports 0x3B4/0x3B5/0x3BA, scan-line timing (retrace toggles per read, not per virtual time), line compare and
// split screen, CRTC write protection (register 0x11 bit 7). QEMU and Bochs agree on these registers; where a toggle
// is needed for polling loops, both flip the retrace bits independent of real timing, as we do.

/// One text cell: the CP437 character and its attribute, split as the attribute controller shows it.
public struct VGACell: Sendable, Equatable, Codable {
  public var character: UInt8
  public var attribute: UInt8
  /// Foreground colour 0–15 (attribute bits 3–0).
  public var foreground: UInt8
  /// Background colour: 0–7 (bits 6–4) with blinking enabled, 0–15 (bits 7–4) without.
  public var background: UInt8
  /// Attribute bit 7 with blinking enabled.
  public var blink: Bool

  public init(character: UInt8, attribute: UInt8, blinkEnabled: Bool = true) {
    self.character = character
    self.attribute = attribute
    foreground = attribute & 0x0F
    background = blinkEnabled ? (attribute >> 4) & 0x07 : attribute >> 4
    blink = blinkEnabled && attribute & 0x80 != 0
  }

  /// The character as Unicode (CP437; NUL shows as a space).
  public var scalar: Unicode.Scalar { VGAText.cp437[Int(character)] }
}

/// The text screen and VGA registers as the dashboard and the dump show them.
public struct VGATextState: Sendable, Equatable, Codable {
  public var cells: [[VGACell]]
  public var cursorRow: Int
  public var cursorColumn: Int
  public var cursorVisible: Bool
  /// Cursor start and end scan lines (CRTC 0x0A/0x0B bits 4–0).
  public var cursorStartLine: UInt8
  public var cursorEndLine: UInt8
  /// CRTC start address: the cell shown top-left.
  public var startAddress: UInt16
  /// CRTC cursor location: absolute cell offset in display memory.
  public var cursorLocation: UInt16
  public var crtcIndex: UInt8
  /// CRTC registers 0x00–0x18.
  public var crtc: [UInt8]
  public var attributeRegisters: [UInt8]
  public var miscOutput: UInt8
}

/// VGA colour text mode: text in guest RAM at 0xB8000, registers at 0x3C0–0x3CF, 0x3D4/0x3D5 and 0x3DA.
public final class VGAText: PortDevice {
  public static let textBase: UInt32 = 0xB8000
  /// The text window is 32 KiB: 16384 cells.
  public static let windowCells = 0x4000
  public static let columns = 80
  public static let rows = 25

  private let memory: PhysicalMemory
  /// CRTC index register (0x3D4) and the registers it selects.
  private var crtcIndex: UInt8 = 0
  private var crtc = [UInt8](repeating: 0, count: 256)
  /// Attribute controller: index (bits 4–0, bit 5 PAS) and whether the next 0x3C0 write is data.
  private var attributeIndex: UInt8 = 0x20
  private var attributeFlipFlopData = false
  private var attributeRegisters = [UInt8](repeating: 0, count: 32)
  private var miscOutput: UInt8 = 0x67
  private var vgaEnable: UInt8 = 0x01
  private var featureControl: UInt8 = 0
  private var sequencerIndex: UInt8 = 0
  private var sequencer = [UInt8](repeating: 0, count: 256)
  private var graphicsIndex: UInt8 = 0
  private var graphics = [UInt8](repeating: 0, count: 256)
  /// DAC: pixel mask, read/write indices, the colour component step (0–2) and the 256 × RGB palette (6 bits each).
  private var dacPixelMask: UInt8 = 0xFF
  private var dacReadIndex: UInt8 = 0
  private var dacWriteIndex: UInt8 = 0
  private var dacComponent = 0
  private var dacLastWasRead = false
  private var palette = [UInt8](repeating: 0, count: 768)
  /// Flips on every read of input status 1.
  private var retraceToggle = false

  public init(memory: PhysicalMemory) {
    self.memory = memory
    // The VGA BIOS's mode 3 register tables.
    let crtcMode3: [UInt8] = [
      0x5F, 0x4F, 0x50, 0x82, 0x55, 0x81, 0xBF, 0x1F, 0x00, 0x4F, 0x0D, 0x0E, 0x00, 0x00, 0x00, 0x00,
      0x9C, 0x8E, 0x8F, 0x28, 0x1F, 0x96, 0xB9, 0xA3, 0xFF,
    ]
    for (index, value) in crtcMode3.enumerated() { crtc[index] = value }
    let attributeMode3: [UInt8] = [
      0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x14, 0x07, 0x38, 0x39, 0x3A, 0x3B, 0x3C, 0x3D, 0x3E, 0x3F,
      0x0C, 0x00, 0x0F, 0x08, 0x00,
    ]
    for (index, value) in attributeMode3.enumerated() { attributeRegisters[index] = value }
    for (index, value) in [UInt8]([0x03, 0x00, 0x03, 0x00, 0x02]).enumerated() { sequencer[index] = value }
    for (index, value) in [UInt8]([0x00, 0x00, 0x00, 0x00, 0x00, 0x10, 0x0E, 0x00, 0xFF]).enumerated() {
      graphics[index] = value
    }
  }

  // MARK: Screen

  /// CRTC start address (0x0C high, 0x0D low).
  public var startAddress: UInt16 { UInt16(crtc[0x0C]) << 8 | UInt16(crtc[0x0D]) }
  /// CRTC cursor location (0x0E high, 0x0F low).
  public var cursorLocation: UInt16 { UInt16(crtc[0x0E]) << 8 | UInt16(crtc[0x0F]) }
  /// Attribute mode control bit 3: attribute bit 7 blinks (set) or brightens the background (clear).
  public var blinkEnabled: Bool { attributeRegisters[0x10] & 0x08 != 0 }

  /// The cursor on screen: row and column relative to the start address; hidden when CRTC 0x0A bit 5 is set, when
  /// the start line is below the end line, or when the location is off screen.
  public var cursor: (row: Int, column: Int, visible: Bool) {
    let offset = Int(cursorLocation &- startAddress)
    let onScreen = offset < VGAText.columns * VGAText.rows
    let start = crtc[0x0A] & 0x1F
    let end = crtc[0x0B] & 0x1F
    let visible = onScreen && crtc[0x0A] & 0x20 == 0 && start <= end
    return (offset / VGAText.columns, offset % VGAText.columns, visible)
  }

  /// The physical address of screen cell `index` (0 = top-left), wrapping in the 32 KiB window.
  private func address(ofCell index: Int) -> UInt32 {
    let cell = (Int(startAddress) &+ index) & (VGAText.windowCells - 1)
    return VGAText.textBase &+ UInt32(cell * 2)
  }

  /// The screen as 25 rows of 80 cells.
  public func cells() -> [[VGACell]] {
    let blink = blinkEnabled
    return (0..<VGAText.rows).map { row in
      (0..<VGAText.columns).map { column in
        let address = address(ofCell: row * VGAText.columns + column)
        return VGACell(character: memory.read8(address), attribute: memory.read8(address &+ 1), blinkEnabled: blink)
      }
    }
  }

  /// The screen as 25 × 80 cells, row by row: the character in the low byte, the attribute in the high byte.
  public func rawCells() -> [UInt16] {
    let count = VGAText.rows * VGAText.columns
    return [UInt16](unsafeUninitializedCapacity: count) { cells, initialized in
      for index in 0..<count { cells[index] = memory.read16(address(ofCell: index)) }
      initialized = count
    }
  }

  /// The screen as 25 lines of 80 characters, CP437 mapped to Unicode, NUL as space.
  public func textLines() -> [String] {
    (0..<VGAText.rows).map { row in
      var line = String.UnicodeScalarView()
      for column in 0..<VGAText.columns {
        line.append(VGAText.cp437[Int(memory.read8(address(ofCell: row * VGAText.columns + column)))])
      }
      return String(line)
    }
  }

  /// What the VGA BIOS leaves after setting mode 3: every cell 0x0720 (space, light grey on black), the display and
  /// cursor at 0, cursor scan lines 13–14.
  public func clearToBIOSState() {
    for cell in 0..<VGAText.windowCells {
      memory.write16(VGAText.textBase &+ UInt32(cell * 2), 0x0720)
    }
    crtc[0x0A] = 0x0D
    crtc[0x0B] = 0x0E
    crtc[0x0C] = 0
    crtc[0x0D] = 0
    crtc[0x0E] = 0
    crtc[0x0F] = 0
  }

  public var state: VGATextState {
    let (row, column, visible) = cursor
    return VGATextState(
      cells: cells(), cursorRow: row, cursorColumn: column, cursorVisible: visible,
      cursorStartLine: crtc[0x0A] & 0x1F, cursorEndLine: crtc[0x0B] & 0x1F, startAddress: startAddress,
      cursorLocation: cursorLocation, crtcIndex: crtcIndex, crtc: Array(crtc[0...0x18]),
      attributeRegisters: Array(attributeRegisters[0...0x14]), miscOutput: miscOutput)
  }

  // MARK: Ports

  private func owns(_ port: UInt16) -> Bool {
    (0x3C0...0x3CF).contains(port) || port == 0x3D4 || port == 0x3D5 || port == 0x3DA
  }

  public func portRead(_ port: UInt16, size: Int) -> UInt32 {
    ByteLanes.read(port, size: size, owns: owns, readByte)
  }

  public func portWrite(_ port: UInt16, size: Int, value: UInt32) {
    ByteLanes.write(port, size: size, value: value, owns: owns, writeByte)
  }

  private func readByte(_ port: UInt16) -> UInt8 {
    switch port {
    case 0x3C0: return attributeIndex
    case 0x3C1: return attributeRegisters[Int(attributeIndex & 0x1F)]
    case 0x3C2: return 0x00  // input status 0: no switch sense, no vertical interrupt
    case 0x3C3: return vgaEnable
    case 0x3C4: return sequencerIndex
    case 0x3C5: return sequencer[Int(sequencerIndex)]
    case 0x3C6: return dacPixelMask
    case 0x3C7: return dacLastWasRead ? 0x03 : 0x00  // DAC state
    case 0x3C8: return dacWriteIndex
    case 0x3C9:
      let value = palette[Int(dacReadIndex) * 3 + dacComponent]
      dacLastWasRead = true
      stepDAC(&dacReadIndex)
      return value
    case 0x3CA: return featureControl
    case 0x3CC: return miscOutput
    case 0x3CE: return graphicsIndex
    case 0x3CF: return graphics[Int(graphicsIndex)]
    case 0x3D4: return crtcIndex
    case 0x3D5: return crtc[Int(crtcIndex)]
    case 0x3DA:
      attributeFlipFlopData = false
      retraceToggle.toggle()
      return retraceToggle ? 0x09 : 0x00  // bit 3 vertical retrace, bit 0 display disabled
    default: return 0xFF
    }
  }

  private func writeByte(_ port: UInt16, _ value: UInt8) {
    switch port {
    case 0x3C0:
      if attributeFlipFlopData {
        attributeRegisters[Int(attributeIndex & 0x1F)] = value
      } else {
        attributeIndex = value & 0x3F
      }
      attributeFlipFlopData.toggle()
    case 0x3C2: miscOutput = value
    case 0x3C3: vgaEnable = value
    case 0x3C4: sequencerIndex = value
    case 0x3C5: sequencer[Int(sequencerIndex)] = value
    case 0x3C6: dacPixelMask = value
    case 0x3C7:
      dacReadIndex = value
      dacComponent = 0
      dacLastWasRead = true
    case 0x3C8:
      dacWriteIndex = value
      dacComponent = 0
      dacLastWasRead = false
    case 0x3C9:
      palette[Int(dacWriteIndex) * 3 + dacComponent] = value & 0x3F
      dacLastWasRead = false
      stepDAC(&dacWriteIndex)
    case 0x3CA, 0x3DA: featureControl = value  // feature control is written at 0x3DA, read at 0x3CA
    case 0x3CE: graphicsIndex = value
    case 0x3CF: graphics[Int(graphicsIndex)] = value
    case 0x3D4: crtcIndex = value
    case 0x3D5: crtc[Int(crtcIndex)] = value
    default: break
    }
  }

  /// Advances the DAC's red → green → blue counter, moving to the next palette entry after blue.
  private func stepDAC(_ index: inout UInt8) {
    dacComponent += 1
    if dacComponent == 3 {
      dacComponent = 0
      index &+= 1
    }
  }

  // MARK: Code page 437

  /// Code page 437 as Unicode scalars; entry 0 (NUL) is a space.
  public static let cp437: [Unicode.Scalar] = {
    var table = Array(" ☺☻♥♦♣♠•◘○◙♂♀♪♫☼►◄↕‼¶§▬↨↑↓→←∟↔▲▼".unicodeScalars)
    for code in UInt8(0x20)...0x7E { table.append(Unicode.Scalar(code)) }
    table.append(contentsOf: "⌂ÇüéâäàåçêëèïîìÄÅÉæÆôöòûùÿÖÜ¢£¥₧ƒáíóúñÑªº¿⌐¬½¼¡«»".unicodeScalars)
    table.append(contentsOf: "░▒▓│┤╡╢╖╕╣║╗╝╜╛┐└┴┬├─┼╞╟╚╔╩╦╠═╬╧╨╤╥╙╘╒╓╫╪┘┌█▄▌▐▀".unicodeScalars)
    table.append(contentsOf: "αßΓπΣσµτΦΘΩδ∞φε∩≡±≥≤⌠⌡÷≈°∙·√ⁿ²■\u{00A0}".unicodeScalars)
    return table
  }()
}
