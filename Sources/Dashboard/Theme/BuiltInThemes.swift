import Foundation

/// The themes shipped with irqscope. Their files live in `Themes/` at the top of the repository; the Dashboard
/// target carries byte-identical copies as resources (Sources/Dashboard/Resources/Themes, checked by a test), so
/// an installed binary finds them in its resource bundle without the source tree.
public enum BuiltInThemes {
  /// In the order the theme hotkey cycles through them.
  public static let names = ["default", "light", "high-contrast", "monochrome"]

  /// The theme after `name` in `names`, wrapping around (a theme loaded from a file cycles to `default`).
  public static func next(after name: String) -> String {
    guard let index = names.firstIndex(of: name) else { return names[0] }
    return names[(index + 1) % names.count]
  }

  /// The text of built-in theme `name`, or nil when there is no such theme (or the bundle is missing).
  public static func source(named name: String) -> String? {
    guard names.contains(name),
      let url = Bundle.module.url(forResource: name, withExtension: "toml", subdirectory: "Themes"),
      let data = try? Data(contentsOf: url)
    else { return nil }
    return String(decoding: data, as: UTF8.self)
  }

  /// `default`, which defines every role; the base every other theme is filled from.
  public static func defaultTheme() throws(ThemeError) -> Theme { try theme(named: "default") }

  /// Built-in theme `name`, its missing roles taken from `default`.
  public static func theme(named name: String) throws(ThemeError) -> Theme {
    let file = "\(name).toml (built in)"
    guard let source = source(named: name) else {
      throw ThemeError(
        file: name,
        problem: "no such theme; the built-in themes are \(names.joined(separator: ", ")), or give a .toml file's path")
    }
    let theme = try ThemeFile.parse(source, file: file, name: name)
    return name == "default" ? theme : theme.filled(from: try defaultTheme())
  }

  /// The theme in the file at `path`, its missing roles taken from `default`.
  public static func theme(atPath path: String) throws(ThemeError) -> Theme {
    guard let data = FileManager.default.contents(atPath: path) else {
      throw ThemeError(file: path, problem: "cannot read the theme file")
    }
    guard let source = String(data: data, encoding: .utf8) else {
      throw ThemeError(file: path, problem: "the theme file is not UTF-8 text")
    }
    let stem = URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
    return try ThemeFile.parse(source, file: path, name: stem).filled(from: try defaultTheme())
  }

  /// The theme a `ThemeSelection` chose.
  public static func theme(for choice: ThemeSelection.Choice) throws(ThemeError) -> Theme {
    switch choice {
    case .builtIn(let name): try theme(named: name)
    case .file(let path): try theme(atPath: path)
    }
  }
}
