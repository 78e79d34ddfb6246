import Dashboard
import Testing

@testable import CursesUI

/// Key decoding over what get_wch returns. Expected values come from the ASCII control codes, xterm's ctlseqs
/// ("PC-Style Function Keys") and the key codes curses.h defines (X/Open Curses), written out here as numbers.
@Suite struct KeyDecoderTests {
  // curses.h (ncurses 6, X/Open values), octal as the header writes them.
  static let keyDown: Int32 = 0o402
  static let keyUp: Int32 = 0o403
  static let keyLeft: Int32 = 0o404
  static let keyRight: Int32 = 0o405
  static let keyHome: Int32 = 0o406
  static let keyBackspace: Int32 = 0o407
  static let keyF0: Int32 = 0o410
  static let keyDelete: Int32 = 0o512
  static let keyInsert: Int32 = 0o513
  static let keyNextPage: Int32 = 0o522
  static let keyPreviousPage: Int32 = 0o523
  static let keyBackTab: Int32 = 0o541
  static let keyEnd: Int32 = 0o550
  static let keyResize: Int32 = 0o632

  static func chars(_ text: String) -> [RawInput] { text.unicodeScalars.map { .character($0.value) } }

  @Test func controlBytesAreCtrlLetters() {
    #expect(KeyDecoder.decode([.character(0x01)]) == [.control("a")])
    #expect(KeyDecoder.decode([.character(0x1A)]) == [.control("z")])
    #expect(KeyDecoder.decode([.character(0x08)]) == [.control("h")])
    #expect(KeyDecoder.decode([.character(0x00)]) == [.control("@")])
    #expect(KeyDecoder.decode([.character(0x1C), .character(0x1F)]) == [.control("\\"), .control("_")])
  }

  @Test func tabEnterBackspaceAndEscapeHaveTheirOwnNames() {
    #expect(KeyDecoder.decode([.character(0x09)]) == [.tab])
    #expect(KeyDecoder.decode([.character(0x0D), .character(0x0A)]) == [.enter, .enter])
    #expect(KeyDecoder.decode([.character(0x7F)]) == [.backspace])
    #expect(KeyDecoder.decode([.keyCode(Self.keyBackspace)]) == [.backspace])
    #expect(KeyDecoder.decode([.character(0x1B)]) == [.escape])
  }

  @Test func escapeFollowedByAKeyIsAlt() {
    #expect(KeyDecoder.decode(Self.chars("\u{1B}x")) == [.alt(.character("x"))])
    #expect(KeyDecoder.decode(Self.chars("\u{1B}X")) == [.alt(.character("X"))])
    #expect(KeyDecoder.decode([.character(0x1B), .character(0x01)]) == [.alt(.control("a"))])
    #expect(KeyDecoder.decode([.character(0x1B), .keyCode(Self.keyUp)]) == [.alt(.up)])
    #expect(KeyDecoder.decode([.character(0x1B), .character(0x1B)]) == [.alt(.escape)])
    // Alt-[ alone is not the start of an arrow.
    #expect(KeyDecoder.decode(Self.chars("\u{1B}[")) == [.alt(.character("["))])
    #expect(KeyDecoder.decode(Self.chars("\u{1B}Ox")) == [.alt(.character("O")), .character("x")])
  }

  @Test func printableUTF8ArrivesAsOneCharacter() {
    #expect(KeyDecoder.decode([.character(0xE9)]) == [.character("é")])
    #expect(KeyDecoder.decode([.character(0x4E2D)]) == [.character("中")])
    #expect(KeyDecoder.decode(Self.chars("a b")) == [.character("a"), .character(" "), .character("b")])
    #expect(KeyDecoder.decode([.character(0x85), .character(0xD800)]).isEmpty)
  }

  @Test func cursesKeyCodesAreNamedKeys() {
    let codes: [Int32] = [
      Self.keyUp, Self.keyDown, Self.keyLeft, Self.keyRight, Self.keyHome, Self.keyEnd, Self.keyPreviousPage,
      Self.keyNextPage, Self.keyInsert, Self.keyDelete, Self.keyBackTab, Self.keyResize,
    ]
    #expect(
      KeyDecoder.decode(codes.map { .keyCode($0) }) == [
        .up, .down, .left, .right, .home, .end, .pageUp, .pageDown, .insert, .delete, .backTab, .resize,
      ])
  }

  @Test func functionKeysFollowXtermsTerminfoNumbering() {
    #expect(KeyDecoder.decode([.keyCode(Self.keyF0 + 1)]) == [.function(1)])
    #expect(KeyDecoder.decode([.keyCode(Self.keyF0 + 10)]) == [.function(10)])
    #expect(KeyDecoder.decode([.keyCode(Self.keyF0 + 12)]) == [.function(12)])
    // kf13 is Shift-F1 and kf25 Ctrl-F1 in xterm's terminfo; kf58 is Alt-F10.
    #expect(KeyDecoder.decode([.keyCode(Self.keyF0 + 13)]) == [.function(1)])
    #expect(KeyDecoder.decode([.keyCode(Self.keyF0 + 25)]) == [.function(1)])
    #expect(KeyDecoder.decode([.keyCode(Self.keyF0 + 58)]) == [.alt(.function(10))])
  }

  @Test func extendedTerminfoKeysKeepAlt() {
    // kUP3: modifier 3 = 1 + Alt; kDN5: 1 + Ctrl; kLFT2: 1 + Shift; kDC7: 1 + Alt + Ctrl.
    #expect(KeyDecoder.decode([.extendedKey("kUP3")]) == [.alt(.up)])
    #expect(KeyDecoder.decode([.extendedKey("kDN5")]) == [.down])
    #expect(KeyDecoder.decode([.extendedKey("kLFT2")]) == [.left])
    #expect(KeyDecoder.decode([.extendedKey("kDC7")]) == [.alt(.delete)])
    #expect(KeyDecoder.decode([.extendedKey("kxIN"), .extendedKey("kUP")]).isEmpty)
  }

  @Test func xtermSequencesTerminfoMissedAreStillKeys() {
    #expect(KeyDecoder.decode(Self.chars("\u{1B}[A\u{1B}OB\u{1B}[C\u{1B}[D")) == [.up, .down, .right, .left])
    #expect(KeyDecoder.decode(Self.chars("\u{1B}[1~\u{1B}[4~\u{1B}[H\u{1B}[F")) == [.home, .end, .home, .end])
    #expect(
      KeyDecoder.decode(Self.chars("\u{1B}[2~\u{1B}[3~\u{1B}[5~\u{1B}[6~")) == [.insert, .delete, .pageUp, .pageDown])
    #expect(
      KeyDecoder.decode(Self.chars("\u{1B}OP\u{1B}[15~\u{1B}[21~\u{1B}[24~")) == [
        .function(1), .function(5), .function(10), .function(12),
      ])
    #expect(KeyDecoder.decode(Self.chars("\u{1B}[Z")) == [.backTab])
    #expect(KeyDecoder.decode(Self.chars("\u{1B}[1;3A\u{1B}[1;5B\u{1B}[3;3~")) == [.alt(.up), .down, .alt(.delete)])
    // A well-formed sequence that names no key (a focus report) is dropped, not typed.
    #expect(KeyDecoder.decode(Self.chars("\u{1B}[Iq")) == [.character("q")])
  }

  @Test func mousePressesAndTheWheel() {
    // ncurses mouse version 2: NCURSES_MOUSE_MASK(b, m) = m << ((b - 1) * 5), PRESSED = 2, CLICKED = 4,
    // RELEASED = 1.
    func mask(button: Int, _ bits: UInt) -> UInt { bits << UInt((button - 1) * 5) }
    #expect(
      KeyDecoder.mouse(row: 12, column: 40, state: mask(button: 1, 2))
        == .mouse(MouseEvent(row: 12, column: 40, action: .press(button: 1))))
    #expect(
      KeyDecoder.mouse(row: 0, column: 0, state: mask(button: 3, 2))
        == .mouse(MouseEvent(row: 0, column: 0, action: .press(button: 3))))
    #expect(
      KeyDecoder.mouse(row: 5, column: 6, state: mask(button: 4, 2))
        == .mouse(MouseEvent(row: 5, column: 6, action: .wheelUp)))
    #expect(
      KeyDecoder.mouse(row: 5, column: 6, state: mask(button: 5, 2))
        == .mouse(MouseEvent(row: 5, column: 6, action: .wheelDown)))
    #expect(KeyDecoder.mouse(row: 1, column: 1, state: mask(button: 1, 1)) == nil)
    #expect(
      KeyDecoder.decode([.character(0x1B), .mouse(row: 2, column: 3, state: mask(button: 2, 2))]) == [
        .mouse(MouseEvent(row: 2, column: 3, action: .press(button: 2)))
      ])
  }

  @Test func keyNamesReadAsShowkeyPrintsThem() {
    #expect(KeyEvent.function(10).name == "F10")
    #expect(KeyEvent.control("a").name == "Ctrl-A")
    #expect(KeyEvent.alt(.character("x")).name == "Alt-x")
    #expect(KeyEvent.alt(.up).name == "Alt-Up")
    #expect(KeyEvent.mouse(MouseEvent(row: 12, column: 40, action: .press(button: 1))).name == "mouse press 1 at 12,40")
    #expect(KeyEvent.character(" ").name == "Space")
  }
}
