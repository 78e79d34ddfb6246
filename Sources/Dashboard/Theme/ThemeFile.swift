import TOMLKit

/// Reads a theme file (TOML):
///
///     name = "light"
///     description = "Dark text on a light background"
///
///     [roles]
///     text = { fg = "#4c4f69", bg = "#eff1f5" }
///     irr = { fg = "#d20f39", bold = true }
///     vga1 = "#0000aa"            # just a colour: the foreground
///
/// A role is a table of `fg`, `bg` (hex colours), `bold`, `underline`, `reverse` (booleans), or a colour string.
/// Anything else — a TOML syntax error, an unknown key or role, a bad colour, a value of the wrong type — is a
/// `ThemeError` naming the file, the line and the key. When several keys are wrong, the first in the file is named.
public enum ThemeFile {
  /// The attribute keys of a role, in the order error messages list them.
  public static let attributeKeys = ["fg", "bg", "bold", "underline", "reverse"]

  /// Parses `source`; `file` is how errors name it. `name` is used when the file has no `name` key.
  public static func parse(_ source: String, file: String, name fallbackName: String) throws(ThemeError) -> Theme {
    let document: TOMLTable
    do {
      document = try TOMLTable(string: source)
    } catch let error as TOMLParseError {
      let line = error.source.begin.line
      throw ThemeError(
        file: file, line: line, column: error.source.begin.column,
        key: TOMLKeyLocator.keyPath(atLine: line, in: source), problem: "TOML syntax error: \(error.description)")
    } catch {
      throw ThemeError(file: file, problem: "TOML syntax error: \(error)")
    }

    var problems: [ThemeError] = []
    func problem(_ path: [String], _ text: String) {
      let line = TOMLKeyLocator.line(of: path, in: source)
      problems.append(ThemeError(file: file, line: line, key: path.joined(separator: "."), problem: text))
    }

    var name = fallbackName
    var summary = ""
    var roles: [Role: Appearance] = [:]
    for (key, value) in document {
      switch key {
      case "name":
        if let text = value.string {
          name = text
        } else {
          problem([key], "expected a string, found \(describe(value.type))")
        }
      case "description":
        if let text = value.string {
          summary = text
        } else {
          problem([key], "expected a string, found \(describe(value.type))")
        }
      case "roles":
        guard let table = value.table else {
          problem([key], "expected a table of roles ([roles]), found \(describe(value.type))")
          continue
        }
        for (roleName, roleValue) in table {
          let path = ["roles", roleName]
          guard let role = Role(rawValue: roleName) else {
            let hint = suggestion(for: roleName, among: Role.allCases.map(\.rawValue))
            problem(path, "unknown role \"\(roleName)\"" + (hint ?? "; default.toml lists every role"))
            continue
          }
          if let look = appearance(roleValue, path: path, report: problem) { roles[role] = look }
        }
      default:
        problem([key], "unknown key \"\(key)\"; a theme has name, description and [roles]")
      }
    }
    if let first = problems.min(by: { ($0.line ?? Int.max) < ($1.line ?? Int.max) }) { throw first }
    return Theme(name: name, summary: summary, roles: roles)
  }

  /// One role's appearance, or nil after reporting what is wrong with it.
  private static func appearance(
    _ value: TOMLValueConvertible, path: [String], report: ([String], String) -> Void
  ) -> Appearance? {
    if let text = value.string {
      guard let colour = RGB(hex: text) else {
        report(path, "\"\(text)\" is not a colour; write \"#rrggbb\" (six hex digits)")
        return nil
      }
      return Appearance(foreground: colour)
    }
    guard let table = value.table else {
      report(
        path,
        "expected a table like { fg = \"#89b4fa\", bold = true } or a colour string, found \(describe(value.type))")
      return nil
    }
    var look = Appearance()
    var valid = true
    for (key, attribute) in table {
      let keyPath = path + [key]
      switch key {
      case "fg", "bg":
        guard let text = attribute.string else {
          report(keyPath, "expected a colour string like \"#89b4fa\", found \(describe(attribute.type))")
          valid = false
          continue
        }
        guard let colour = RGB(hex: text) else {
          report(keyPath, "\"\(text)\" is not a colour; write \"#rrggbb\" (six hex digits)")
          valid = false
          continue
        }
        if key == "fg" { look.foreground = colour } else { look.background = colour }
      case "bold", "underline", "reverse":
        guard let flag = attribute.bool else {
          report(keyPath, "expected true or false, found \(describe(attribute.type))")
          valid = false
          continue
        }
        switch key {
        case "bold": look.bold = flag
        case "underline": look.underline = flag
        default: look.reverse = flag
        }
      default:
        report(keyPath, "unknown attribute \"\(key)\"; a role has fg, bg, bold, underline and reverse")
        valid = false
      }
    }
    return valid ? look : nil
  }

  /// `; did you mean "irr"?` when a known name is one or two edits away, else nil.
  static func suggestion(for word: String, among names: [String]) -> String? {
    let scored = names.map { ($0, editDistance(word.lowercased(), $0.lowercased())) }
    guard let best = scored.min(by: { $0.1 < $1.1 }), best.1 <= 2 else { return nil }
    return "; did you mean \"\(best.0)\"?"
  }

  /// A TOML type with its article, as error messages say it.
  static func describe(_ type: TOMLType) -> String {
    switch type {
    case .table: "a table"
    case .array: "an array"
    case .string: "a string"
    case .int: "an integer"
    case .double: "a floating-point number"
    case .bool: "a boolean"
    case .date, .time, .dateTime: "a date or time"
    }
  }

  /// Levenshtein distance.
  static func editDistance(_ a: String, _ b: String) -> Int {
    let a = Array(a)
    let b = Array(b)
    guard !a.isEmpty else { return b.count }
    guard !b.isEmpty else { return a.count }
    var previous = Array(0...b.count)
    for i in 1...a.count {
      var current = [i] + Array(repeating: 0, count: b.count)
      for j in 1...b.count {
        current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
      }
      previous = current
    }
    return previous[b.count]
  }
}
