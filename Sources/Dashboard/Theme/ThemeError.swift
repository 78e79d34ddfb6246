/// A theme that cannot be used, said the way a compiler would: `file:line: key: problem`, so a person can go
/// straight to the mistake. `irqscope` prints it and exits 2.
public struct ThemeError: Error, Sendable, Equatable, CustomStringConvertible {
  /// The theme file as the user named it (or `default.toml (built in)` for a built-in theme).
  public var file: String
  /// 1-based; nil when the problem is not on one line (an unknown theme name, an unreadable file).
  public var line: Int?
  /// 1-based, known only for TOML syntax errors.
  public var column: Int?
  /// The dotted key the problem is in (`roles.irr.fg`), when there is one.
  public var key: String?
  public var problem: String

  public init(file: String, line: Int? = nil, column: Int? = nil, key: String? = nil, problem: String) {
    self.file = file
    self.line = line
    self.column = column
    self.key = key
    self.problem = problem
  }

  public var description: String {
    var place = file
    if let line { place += ":\(line)" }
    if let column { place += ":\(column)" }
    if let key { return "\(place): \(key): \(problem)" }
    return "\(place): \(problem)"
  }
}
