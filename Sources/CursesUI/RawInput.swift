/// One thing ncurses handed over, before decoding: what `get_wch` returned (a character, or a key code with
/// KEY_CODE_YES), with the run-time parts resolved at read time — a mouse event's `getmouse` data, and the
/// terminfo name of an extended key code (ncurses numbers "kUP3" and friends above KEY_MAX when it starts).
public enum RawInput: Sendable, Hashable {
  /// A code point (get_wch returned OK).
  case character(UInt32)
  /// A key code from curses.h (get_wch returned KEY_CODE_YES): KEY_UP, KEY_F(n), KEY_RESIZE, …
  case keyCode(Int32)
  /// An extended key by its terminfo name: `k` + key + xterm modifier digit ("kUP3" is Alt-Up).
  case extendedKey(String)
  /// A mouse report: the cell and ncurses's button state bits (BUTTON1_PRESSED, …).
  case mouse(row: Int, column: Int, state: UInt)
}
