import Glibc

/// A terminal call that failed: which call, and what the system or ncurses said.
public struct TerminalError: Error, Sendable, Equatable, CustomStringConvertible {
  /// The C function, as it is spelled in C ("keypad", "init_extended_pair", "tcgetattr").
  public var call: String
  public var detail: String

  public init(call: String, detail: String = "") {
    self.call = call
    self.detail = detail
  }

  /// The error for a system call that set errno.
  static func system(_ call: String, errno code: Int32 = errno) -> TerminalError {
    TerminalError(call: call, detail: String(cString: strerror(code)))
  }

  public var description: String { detail.isEmpty ? "\(call) failed" : "\(call) failed: \(detail)" }
}
