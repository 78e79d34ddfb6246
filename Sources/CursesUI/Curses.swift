import CNcurses
import Glibc

/// Every ncurses call CursesUI makes goes through here once, so a failing return code (ERR) becomes a
/// `TerminalError` naming the call. (The shape of swift-nio's `enum Posix`: one wrapper per call.)
/// The exceptions, commented where they are: calls whose ERR is an answer, not a failure (`get_wch` with no
/// input, `curs_set` on a terminal without an invisible cursor, `use_default_colors` on one without defaults).
enum Curses {
  @discardableResult
  static func check(_ call: String, _ code: Int32) throws -> Int32 {
    if code == ERR { throw TerminalError(call: call) }
    return code
  }

  static var standardScreen: UnsafeMutablePointer<WINDOW> { irq_stdscr() }

  // MARK: - Start-up and teardown

  /// newterm on stdout/stdin; unlike initscr it reports an unknown TERM instead of exiting.
  static func newTerminal() throws -> OpaquePointer {
    guard let screen = irq_newterm_stdio() else {
      let term = getenv("TERM").map { String(cString: $0) } ?? "(unset)"
      throw TerminalError(call: "newterm", detail: "no terminal description for TERM=\(term)")
    }
    return screen
  }

  static func deleteScreen(_ screen: OpaquePointer) { delscreen(screen) }

  static func endWindow() throws { try check("endwin", endwin()) }
  static var isEnded: Bool { isendwin() }

  /// Keys arrive byte by byte, Ctrl-C, Ctrl-Z, Ctrl-S and Ctrl-Q included (signals come only from `kill`).
  static func rawMode() throws { try check("raw", raw()) }
  /// Keys arrive byte by byte, but Ctrl-C, Ctrl-Z and Ctrl-\ still raise signals.
  static func cbreakMode() throws { try check("cbreak", cbreak()) }
  static func noEcho() throws { try check("noecho", noecho()) }
  /// Enter arrives as CR (13), not translated to NL.
  static func noNewlineTranslation() throws { try check("nonl", nonl()) }
  static func keypadOn() throws { try check("keypad", keypad(standardScreen, true)) }
  static func noDelay() throws { try check("nodelay", nodelay(standardScreen, true)) }
  static func escapeDelay(milliseconds: Int32) throws { try check("set_escdelay", set_escdelay(milliseconds)) }
  static func leaveCursor() throws { try check("leaveok", leaveok(standardScreen, true)) }
  static func noFlushOnInterrupt() throws { try check("intrflush", intrflush(standardScreen, false)) }

  /// Hides the cursor; false on a terminal that cannot (curs_set's ERR means "not supported" there).
  @discardableResult
  static func hideCursor() -> Bool { curs_set(0) != ERR }

  static func resetProgramMode() throws { try check("reset_prog_mode", reset_prog_mode()) }
  static func resizeTerminal(rows: Int32, columns: Int32) throws {
    try check("resizeterm", resizeterm(rows, columns))
  }

  // MARK: - Colours

  static var hasColors: Bool { has_colors() }
  static func startColor() throws { try check("start_color", start_color()) }
  /// True when -1 may stand for the terminal's default colours (ERR here means the terminal has none).
  static func useDefaultColors() -> Bool { use_default_colors() != ERR }
  static var colors: Int { Int(irq_colors()) }
  static var colorPairs: Int { Int(irq_color_pairs()) }
  static func initPair(_ pair: Int32, foreground: Int32, background: Int32) throws {
    try check("init_extended_pair", irq_init_pair(pair, foreground, background))
  }

  // MARK: - Mouse

  /// Asks for `mask`; returns what the terminal granted (0 when it has no mouse — not an error).
  static func mouseMask(_ mask: mmask_t) -> mmask_t { mousemask(mask, nil) }
  static func mouseInterval(milliseconds: Int32) { _ = mouseinterval(milliseconds) }
  static func getMouse() throws -> (row: Int, column: Int, state: UInt) {
    var (y, x): (Int32, Int32) = (0, 0)
    var state: mmask_t = 0
    try check("getmouse", irq_get_mouse(&y, &x, &state))
    return (Int(y), Int(x), UInt(state))
  }

  // MARK: - Input

  /// One get_wch: nil when no input is waiting (its ERR in nodelay mode).
  static func getWideCharacter() -> RawInput? {
    var value: wint_t = 0
    let code = get_wch(&value)
    if code == OK { return .character(UInt32(value)) }
    if code == KEY_CODE_YES { return .keyCode(Int32(bitPattern: value)) }
    return nil
  }

  /// The name ncurses gave a key code (for the extended keys terminfo defines, "kUP3", "kDC5", …).
  static func keyName(_ code: Int32) -> String? {
    guard let name = keyname(code) else { return nil }
    return String(cString: name)
  }

  // MARK: - Output

  static func erase() throws { try check("werase", werase(standardScreen)) }
  static func clearOnNextRefresh() throws { try check("clearok", clearok(irq_curscr(), true)) }
  static func putCell(row: Int32, column: Int32, text: UnsafePointer<wchar_t>, attributes: attr_t, pair: Int32)
    throws
  {
    try check("mvadd_wchnstr", irq_put_cell(row, column, text, attributes, pair))
  }
  static func noOutRefresh() throws { try check("wnoutrefresh", wnoutrefresh(standardScreen)) }
  static func update() throws { try check("doupdate", doupdate()) }

  static var screenSize: (rows: Int, columns: Int) {
    (Int(irq_max_y(standardScreen)), Int(irq_max_x(standardScreen)))
  }

  /// A terminfo string capability, or nil when the terminal has none.
  static func terminfoString(_ name: String) -> String? {
    name.withCString { irq_terminfo_string($0) }.map { String(cString: $0) }
  }
}
