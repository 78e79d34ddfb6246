import Testing

@testable import Emulator

// Expected bytes come from /work/shared/reference/devices.md (set 1, Pause, PrintScreen, controller and keyboard
// command answers) and the standard scancode set 2 table (IBM), not from the code under test.

/// Records the IRQ lines the way an edge-triggered 8259A input sees them.
private final class IRQRecorder: IRQSink {
  var level: [Int: Bool] = [:]
  var risingEdges: [Int: Int] = [:]

  func setIRQ(_ irq: Int, level newLevel: Bool) {
    if newLevel && !(level[irq] ?? false) { risingEdges[irq, default: 0] += 1 }
    level[irq] = newLevel
  }

  var irq1Edges: Int { risingEdges[1] ?? 0 }
  var irq1High: Bool { level[1] ?? false }
}

/// A controller with its keyboard, a virtual clock and an IRQ recorder.
private final class Rig {
  let scheduler = Scheduler()
  let pic = IRQRecorder()
  let kbc: Keyboard8042
  var resets = 0

  init() {
    kbc = Keyboard8042(scheduler: scheduler, irq: IRQLine(irq: 1, sink: pic))
    kbc.onReset = { [unowned self] in self.resets += 1 }
  }

  func advance(_ cycles: UInt64) {
    scheduler.now &+= cycles
    scheduler.runDue()
  }

  var status: UInt8 { UInt8(truncatingIfNeeded: kbc.portRead(0x64, size: 1)) }
  func readData() -> UInt8 { UInt8(truncatingIfNeeded: kbc.portRead(0x60, size: 1)) }
  func command(_ byte: UInt8) { kbc.portWrite(0x64, size: 1, value: UInt32(byte)) }
  func writeData(_ byte: UInt8) { kbc.portWrite(0x60, size: 1, value: UInt32(byte)) }

  /// Writes the command byte through controller command 0x60.
  func setCommandByte(_ value: UInt8) {
    command(0x60)
    writeData(value)
  }

  /// A polling driver: every wire time, read 0x64 and drain 0x60 while bit 0 is set; stop after a quiet spell.
  func drain() -> [UInt8] {
    var bytes: [UInt8] = []
    var quiet = 0
    while quiet < 3 {
      var got = false
      while status & 0x01 != 0 {
        bytes.append(readData())
        got = true
      }
      quiet = got ? 0 : quiet + 1
      advance(kbc.byteTime)
    }
    return bytes
  }

  /// Presses and releases `key`, then drains.
  func tap(_ key: Key) -> [UInt8] {
    kbc.press(key)
    kbc.release(key)
    return drain()
  }
}

// MARK: Scancodes at port 0x60

@Test func aPressAndReleaseGiveSet1BytesWithXlat() {
  let rig = Rig()
  #expect(rig.tap(.a) == [0x1E, 0x9E])
  #expect(rig.pic.irq1Edges == 2)
}

@Test func aPressAndReleaseGiveSet2BytesWithXlatOff() {
  let rig = Rig()
  rig.setCommandByte(0x21)  // IRQ1, aux disabled, no XLAT
  #expect(rig.tap(.a) == [0x1C, 0xF0, 0x1C])
  #expect(rig.pic.irq1Edges == 3)
}

@Test func eachByteEntersAfterOneWireTimeWithANewIRQ1Edge() {
  let rig = Rig()
  #expect(rig.kbc.byteTime == 88_000)  // 11 bits at 12.5 kHz = 880 µs = 88,000 cycles at 100 MHz
  rig.kbc.press(.up)  // E0 75 → E0 48
  rig.advance(rig.kbc.byteTime - 1)
  #expect(rig.status & 0x01 == 0)
  rig.advance(1)
  #expect(rig.status & 0x01 == 0x01)
  #expect(rig.pic.irq1High && rig.pic.irq1Edges == 1)
  #expect(rig.readData() == 0xE0)
  #expect(!rig.pic.irq1High)
  #expect(rig.status & 0x01 == 0)
  rig.advance(rig.kbc.byteTime)
  #expect(rig.pic.irq1High && rig.pic.irq1Edges == 2)
  #expect(rig.readData() == 0x48)
}

@Test func readingWithOBFClearReturnsTheLastByteAgain() {
  let rig = Rig()
  #expect(rig.tap(.b) == [0x30, 0xB0])
  #expect(rig.readData() == 0xB0)
  #expect(rig.readData() == 0xB0)
  #expect(rig.pic.irq1Edges == 2)
}

@Test func set1MakeAndBreakMatchTheReferenceTable() {
  // devices.md, "Set-1 make/break".
  var expected: [(Key, UInt8)] = [
    (.escape, 0x01), (.backspace, 0x0E), (.tab, 0x0F), (.enter, 0x1C), (.leftCtrl, 0x1D), (.leftShift, 0x2A),
    (.rightShift, 0x36), (.leftAlt, 0x38), (.space, 0x39), (.capsLock, 0x3A), (.f11, 0x57), (.f12, 0x58),
  ]
  let digits: [Key] = [.digit1, .digit2, .digit3, .digit4, .digit5, .digit6, .digit7, .digit8, .digit9, .digit0]
  expected += digits.enumerated().map { ($1, UInt8(0x02 + $0)) }
  expected += [Key.q, .w, .e, .r, .t, .y, .u, .i, .o, .p].enumerated().map { ($1, UInt8(0x10 + $0)) }
  expected += [Key.a, .s, .d, .f, .g, .h, .j, .k, .l].enumerated().map { ($1, UInt8(0x1E + $0)) }
  expected += [Key.z, .x, .c, .v, .b, .n, .m].enumerated().map { ($1, UInt8(0x2C + $0)) }
  expected += [Key.f1, .f2, .f3, .f4, .f5, .f6, .f7, .f8, .f9, .f10].enumerated().map { ($1, UInt8(0x3B + $0)) }
  let rig = Rig()
  for (key, make) in expected {
    #expect(rig.tap(key) == [make, make | 0x80], "\(key)")
    #expect(key.scancodes(pressed: true, set: 1) == [make], "\(key) in set 1")
  }
}

@Test func set2CodesMatchTheStandardTable() {
  // IBM scancode set 2.
  let expected: [(Key, [UInt8], [UInt8])] = [
    (.a, [0x1C], [0xF0, 0x1C]), (.z, [0x1A], [0xF0, 0x1A]), (.digit1, [0x16], [0xF0, 0x16]),
    (.enter, [0x5A], [0xF0, 0x5A]), (.escape, [0x76], [0xF0, 0x76]), (.space, [0x29], [0xF0, 0x29]),
    (.backspace, [0x66], [0xF0, 0x66]), (.f1, [0x05], [0xF0, 0x05]), (.f7, [0x83], [0xF0, 0x83]),
    (.f12, [0x07], [0xF0, 0x07]), (.leftShift, [0x12], [0xF0, 0x12]), (.leftCtrl, [0x14], [0xF0, 0x14]),
    (.leftAlt, [0x11], [0xF0, 0x11]), (.rightShift, [0x59], [0xF0, 0x59]), (.capsLock, [0x58], [0xF0, 0x58]),
    (.rightCtrl, [0xE0, 0x14], [0xE0, 0xF0, 0x14]), (.rightAlt, [0xE0, 0x11], [0xE0, 0xF0, 0x11]),
    (.up, [0xE0, 0x75], [0xE0, 0xF0, 0x75]), (.down, [0xE0, 0x72], [0xE0, 0xF0, 0x72]),
    (.left, [0xE0, 0x6B], [0xE0, 0xF0, 0x6B]), (.right, [0xE0, 0x74], [0xE0, 0xF0, 0x74]),
    (.insert, [0xE0, 0x70], [0xE0, 0xF0, 0x70]), (.delete, [0xE0, 0x71], [0xE0, 0xF0, 0x71]),
    (.home, [0xE0, 0x6C], [0xE0, 0xF0, 0x6C]), (.end, [0xE0, 0x69], [0xE0, 0xF0, 0x69]),
    (.pageUp, [0xE0, 0x7D], [0xE0, 0xF0, 0x7D]), (.pageDown, [0xE0, 0x7A], [0xE0, 0xF0, 0x7A]),
    (.keypadEnter, [0xE0, 0x5A], [0xE0, 0xF0, 0x5A]), (.keypadDivide, [0xE0, 0x4A], [0xE0, 0xF0, 0x4A]),
  ]
  let rig = Rig()
  rig.setCommandByte(0x21)
  for (key, make, brk) in expected {
    #expect(key.set2Make == make && key.set2Break == brk, "\(key)")
    #expect(rig.tap(key) == make + brk, "\(key) at port 0x60")
  }
}

@Test func extendedKeysCarryE0ThroughXlat() {
  // devices.md: E0 + code, break E0 + (code | 0x80).
  let expected: [(Key, UInt8)] = [
    (.rightCtrl, 0x1D), (.rightAlt, 0x38), (.keypadEnter, 0x1C), (.keypadDivide, 0x35), (.home, 0x47),
    (.up, 0x48), (.pageUp, 0x49), (.left, 0x4B), (.right, 0x4D), (.end, 0x4F), (.down, 0x50),
    (.pageDown, 0x51), (.insert, 0x52), (.delete, 0x53),
  ]
  let rig = Rig()
  for (key, code) in expected {
    #expect(rig.tap(key) == [0xE0, code, 0xE0, code | 0x80], "\(key)")
  }
}

@Test func pauseSendsItsSequenceOnPressOnly() {
  let rig = Rig()
  rig.kbc.press(.pause)
  #expect(rig.drain() == [0xE1, 0x1D, 0x45, 0xE1, 0x9D, 0xC5])
  rig.kbc.release(.pause)
  #expect(rig.drain() == [])
  rig.setCommandByte(0x21)
  rig.kbc.press(.pause)
  #expect(rig.drain() == [0xE1, 0x14, 0x77, 0xE1, 0xF0, 0x14, 0xF0, 0x77])
}

@Test func printScreenSendsFakeShiftSequences() {
  let rig = Rig()
  rig.kbc.press(.printScreen)
  #expect(rig.drain() == [0xE0, 0x2A, 0xE0, 0x37])
  rig.kbc.release(.printScreen)
  #expect(rig.drain() == [0xE0, 0xB7, 0xE0, 0xAA])
  rig.setCommandByte(0x21)
  #expect(rig.tap(.printScreen) == [0xE0, 0x12, 0xE0, 0x7C, 0xE0, 0xF0, 0x7C, 0xE0, 0xF0, 0x12])
}

@Test func xlatCanBeSwitchedOffAndOnAgain() {
  let rig = Rig()
  #expect(rig.tap(.s) == [0x1F, 0x9F])
  rig.setCommandByte(0x21)
  #expect(rig.tap(.s) == [0x1B, 0xF0, 0x1B])
  rig.setCommandByte(0x61)
  #expect(rig.tap(.s) == [0x1F, 0x9F])
  #expect(rig.kbc.state.translation)
}

// MARK: Typing

@Test func typingACapitalWrapsItInShift() {
  let rig = Rig()
  #expect(rig.kbc.type("A") == 0)
  #expect(rig.drain() == [0x2A, 0x1E, 0x9E, 0xAA])
}

@Test func typingControlCharactersUsesEnterTabBackspaceEsc() {
  let rig = Rig()
  #expect(rig.kbc.type("\n\t\u{8}\u{1B}") == 0)
  #expect(rig.drain() == [0x1C, 0x9C, 0x0F, 0x8F, 0x0E, 0x8E, 0x01, 0x81])
}

@Test func typingAShiftedSymbolUsesTheUSLayout() {
  let rig = Rig()
  #expect(rig.kbc.type("!") == 0)  // Shift + 1
  #expect(rig.drain() == [0x2A, 0x02, 0x82, 0xAA])
}

@Test func untypeableCharactersAreCountedNotSilentlySkipped() {
  let rig = Rig()
  #expect(rig.kbc.type("é€a") == 2)
  #expect(rig.drain() == [0x1E, 0x9E])
}

@Test func aLongTypedTextArrivesCompletelyWithoutOverrun() {
  // Set-1 codes of letters and Space from devices.md's table, rebuilt here.
  var set1: [Character: UInt8] = [" ": 0x39]
  for (row, base) in [("qwertyuiop", 0x10), ("asdfghjkl", 0x1E), ("zxcvbnm", 0x2C)] {
    for (offset, letter) in row.enumerated() { set1[letter] = UInt8(base + offset) }
  }
  let text = String(repeating: "the quick brown fox jumps over the lazy dog ", count: 4)
  let rig = Rig()
  #expect(rig.kbc.type(text) == 0)
  let expected = text.flatMap { [set1[$0]!, set1[$0]! | 0x80] }
  #expect(rig.drain() == expected)
  #expect(rig.kbc.state.overruns == 0)
  #expect(rig.kbc.state.keyboard.hostQueued == 0)
  #expect(rig.pic.irq1Edges == expected.count)
}

@Test func aLiveKeyWaitsBehindQueuedText() {
  let rig = Rig()
  _ = rig.kbc.type("abcdefghijkl")  // 24 set-2 bytes of makes and breaks: more than the FIFO holds
  rig.kbc.press(.enter)
  let bytes = rig.drain()
  #expect(bytes.suffix(1) == [0x1C])
  #expect(bytes.count == 25)
}

// MARK: Overrun

@Test func theSeventeenthByteIsTheOverrunCodeAndEveryLostEventIsCounted() {
  let rig = Rig()
  let keys: [Key] = [.a, .b, .c, .d, .e, .f, .g, .h, .i, .j, .k, .l, .m, .n, .o, .p, .q, .r]
  for key in keys { rig.kbc.press(key) }  // 18 one-byte makes, no time passes: the FIFO takes 16
  #expect(rig.kbc.keyboard.overruns == 2)
  #expect(rig.kbc.state.fifo.count == 17)
  #expect(rig.kbc.state.fifo.last == 0x00)  // set 2 overrun code
  let bytes = rig.drain()
  #expect(bytes.count == 17)
  #expect(bytes.prefix(3) == [0x1E, 0x30, 0x2E])  // A, B, C in set 1
  #expect(bytes.last == 0xFF)  // 0x00 through XLAT
  #expect(rig.kbc.state.overruns == 2)
  rig.kbc.press(.z)  // room again after the overrun code went out
  #expect(rig.drain() == [0x2C])
}

@Test func aSequenceThatDoesNotFitIsRefusedWholeAndTheOverrunCodeTakesItsPlace() {
  let keyboard = PS2Keyboard()
  let keys: [Key] = [.a, .b, .c, .d, .e, .f, .g, .h, .i, .j, .k, .l, .m, .n, .o]
  for key in keys { keyboard.keyEvent(KeyEvent(key: key, pressed: true)) }  // 15 bytes
  keyboard.keyEvent(KeyEvent(key: .up, pressed: true))  // E0 75 does not fit
  #expect(keyboard.overruns == 1)
  #expect(keyboard.state.fifo.count == 16)
  #expect(keyboard.state.fifo.suffix(2) == [0x44, 0x00])  // O, then the overrun code: no lone E0
}

// MARK: IRQ1 enable and polling

@Test func irq1DisabledInTheCommandByteGivesNoEdgesButPollingStillWorks() {
  let rig = Rig()
  rig.setCommandByte(0x60)  // XLAT, aux disabled, IRQ1 off
  #expect(rig.tap(.a) == [0x1E, 0x9E])
  #expect(rig.pic.irq1Edges == 0)
}

@Test func drainingLoopReadingStatusThenDataCollectsEveryByte() {
  let rig = Rig()
  rig.kbc.press(.leftShift)
  rig.kbc.press(.up)
  rig.kbc.release(.up)
  rig.kbc.release(.leftShift)
  var collected: [UInt8] = []
  for _ in 0..<20 {  // an IRQ handler's loop: while (inb(0x64) & 1) inb(0x60), run once per wire time
    rig.advance(rig.kbc.byteTime)
    while rig.status & 0x01 != 0 { collected.append(rig.readData()) }
  }
  #expect(collected == [0x2A, 0xE0, 0x48, 0xE0, 0xC8, 0xAA])
}

// MARK: Controller commands

@Test func controllerCommandsAnswerAsTheDatasheetSays() {
  let rig = Rig()
  rig.command(0x20)
  #expect(rig.readData() == 0x61)
  rig.command(0xAA)
  #expect(rig.readData() == 0x55)
  #expect(rig.status & 0x04 == 0x04)  // SYS
  rig.command(0xAB)
  #expect(rig.readData() == 0x00)
  rig.command(0xA9)
  #expect(rig.readData() == 0x00)
  rig.command(0xA8)
  rig.command(0x20)
  #expect(rig.readData() == 0x41)  // aux enabled: bit 5 clear
  rig.command(0xA7)
  rig.command(0x20)
  #expect(rig.readData() == 0x61)
  rig.setCommandByte(0x45)
  rig.command(0x20)
  #expect(rig.readData() == 0x45)
  #expect(rig.pic.irq1Edges == 7)  // each of the seven replies entered the buffer with IRQ1 enabled
}

@Test func statusBitA2FollowsTheLastPortWritten() {
  let rig = Rig()
  #expect(rig.status == 0x14)  // SYS | not inhibited, as SeaBIOS leaves it
  rig.command(0xAE)
  #expect(rig.status & 0x08 == 0x08)
  rig.writeData(0xEE)
  #expect(rig.status & 0x08 == 0)
}

@Test func disablingTheKeyboardHoldsBytesInItsFIFO() {
  let rig = Rig()
  rig.command(0xAD)
  rig.command(0x20)
  #expect(rig.readData() == 0x71)
  rig.kbc.press(.a)
  #expect(rig.drain() == [])
  #expect(rig.kbc.state.fifo == [0x1C])
  rig.command(0xAE)
  #expect(rig.drain() == [0x1E])
}

@Test func outputPortControlsA20AndReset() {
  let rig = Rig()
  rig.command(0xD0)
  #expect(rig.readData() == 0xCF)
  rig.command(0xD1)
  rig.writeData(0xCD)  // A20 off, reset line high
  #expect(!rig.kbc.a20)
  #expect(rig.resets == 0)
  rig.command(0xD0)
  #expect(rig.readData() == 0xCD)
  rig.command(0xD1)
  rig.writeData(0xCE)  // bit 0 low: reset
  #expect(rig.resets == 1)
  #expect(rig.kbc.a20)
  rig.command(0xFE)
  #expect(rig.resets == 2)
}

@Test func writeKeyboardOutputBufferIsNotTranslatedAndRaisesIRQ1() {
  let rig = Rig()
  rig.command(0xD2)
  rig.writeData(0x42)  // XLAT would make it 0x25
  #expect(rig.status & 0x01 == 0x01)
  #expect(rig.pic.irq1Edges == 1)
  #expect(rig.readData() == 0x42)
}

@Test func aControllerReplyWaitsForTheBufferAndGoesAheadOfKeys() {
  let rig = Rig()
  rig.kbc.press(.a)
  rig.kbc.release(.a)
  rig.advance(rig.kbc.byteTime)
  rig.command(0x20)
  #expect(rig.readData() == 0x1E)
  #expect(rig.status & 0x01 == 0x01)
  #expect(rig.readData() == 0x61)
  #expect(rig.drain() == [0x9E])
}

// MARK: Keyboard commands

@Test func keyboardCommandsAnswerAsOnHardware() {
  let rig = Rig()
  rig.setCommandByte(0x21)  // raw bytes
  rig.writeData(0xFF)
  #expect(rig.drain() == [0xFA, 0xAA])
  rig.writeData(0xF2)
  #expect(rig.drain() == [0xFA, 0xAB, 0x83])
  rig.writeData(0xEE)
  #expect(rig.drain() == [0xEE])
  rig.writeData(0x01)
  #expect(rig.drain() == [0xFE])
  rig.writeData(0xF3)
  rig.writeData(0x20)
  #expect(rig.drain() == [0xFA, 0xFA])
  #expect(rig.kbc.keyboard.typematic == 0x20)
  rig.writeData(0xF0)
  rig.writeData(0x00)
  #expect(rig.drain() == [0xFA, 0xFA, 0x02])  // ACK for F0, ACK for the 00, then the set
}

@Test func identifyThroughXlatTranslatesThe83() {
  let rig = Rig()
  rig.writeData(0xF2)
  #expect(rig.drain() == [0xFA, 0xAB, 0x41])  // table[0x83] = 0x41, as Linux's atkbd expects
}

@Test func ledsAreKeptAndShownInTheSnapshot() {
  let rig = Rig()
  rig.writeData(0xED)
  rig.writeData(0x05)  // Scroll + Caps
  #expect(rig.drain() == [0xFA, 0xFA])
  #expect(rig.kbc.state.leds == 0x05)
  rig.writeData(0xFF)
  _ = rig.drain()
  #expect(rig.kbc.state.leds == 0)
}

@Test func disabledScanningDropsAndCountsKeys() {
  let rig = Rig()
  rig.writeData(0xF5)
  #expect(rig.drain() == [0xFA])
  rig.kbc.press(.a)
  #expect(rig.drain() == [])
  #expect(rig.kbc.keyboard.disabledDrops == 1)
  rig.writeData(0xF4)
  #expect(rig.drain() == [0xFA])
  #expect(rig.tap(.a) == [0x1E, 0x9E])
}

@Test func selectingSet1MakesTheKeyboardSendSet1() {
  let rig = Rig()
  rig.setCommandByte(0x21)
  rig.writeData(0xF0)
  rig.writeData(0x01)
  #expect(rig.drain() == [0xFA, 0xFA])
  #expect(rig.tap(.a) == [0x1E, 0x9E])
  rig.writeData(0xF0)
  rig.writeData(0x03)
  _ = rig.drain()
  #expect(rig.tap(.escape) == [0x08, 0xF0, 0x08])  // set 3: Esc is 08
  rig.writeData(0xF6)  // defaults: back to set 2
  _ = rig.drain()
  #expect(rig.tap(.a) == [0x1C, 0xF0, 0x1C])
}

@Test func resetToBIOSStateMatchesWhatSeaBIOSLeaves() {
  let rig = Rig()
  rig.setCommandByte(0x00)
  rig.writeData(0xF5)
  rig.kbc.resetToBIOSState()
  let state = rig.kbc.state
  #expect(state.commandByte == 0x61)
  #expect(state.status == 0x14)
  #expect(state.keyboard.scancodeSet == 2)
  #expect(state.keyboard.scanning)
  #expect(state.fifo.isEmpty && !state.outputBufferFull)
}

// MARK: Key names

@Test func keyNamesParseCaseInsensitivelyWithAliases() {
  let cases: [(String, Key)] = [
    ("Enter", .enter), ("enter", .enter), ("ctrl", .leftCtrl), ("alt", .leftAlt), ("shift", .leftShift),
    ("f5", .f5), ("F12", .f12), ("a", .a), ("A", .a), ("up", .up), ("PgDn", .pageDown), ("Page Up", .pageUp),
    ("esc", .escape), ("del", .delete), ("RCtrl", .rightCtrl), ("7", .digit7), ("/", .slash), ("kp+", .keypadPlus),
    ("PrintScreen", .printScreen), ("pause", .pause), ("space", .space), ("backspace", .backspace),
  ]
  for (name, key) in cases { #expect(Key(name: name) == key, "\(name)") }
  #expect(Key(name: "bogus") == nil)
}
