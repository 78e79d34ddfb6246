/// One thing the user did at the terminal, as the terminal layer decodes it (escape sequences → named keys).
/// Terminals report no key releases: each event is one press.
public enum KeyEvent: Sendable, Hashable {
  /// A printable character (space included), as typed (Shift already applied).
  case character(Character)
  /// Ctrl plus a letter or one of `@[\]^_`: `.control("a")` is Ctrl-A (byte 0x01).
  case control(Character)
  /// Alt (Meta) plus a key.
  indirect case alt(KeyEvent)
  case enter, backspace, tab, backTab, escape
  case up, down, left, right, home, end, pageUp, pageDown, insert, delete
  /// F1 … F12.
  case function(Int)
  case mouse(MouseEvent)
  /// The terminal changed size.
  case resize
}

/// A mouse action at a cell (0-based row and column).
public struct MouseEvent: Sendable, Hashable {
  public enum Action: Sendable, Hashable {
    case press(button: Int)
    case wheelUp, wheelDown
  }

  public var row: Int
  public var column: Int
  public var action: Action

  public init(row: Int, column: Int, action: Action) {
    self.row = row
    self.column = column
    self.action = action
  }
}
