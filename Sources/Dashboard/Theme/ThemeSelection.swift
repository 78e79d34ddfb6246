/// Which theme to use, decided from the command line, the environment and the terminal — a pure function, so the
/// rules are tested without a terminal. In order:
///
/// 1. `--no-color` → `monochrome`;
/// 2. a terminal with fewer than 8 colours → `monochrome` (it could not show a theme's colours);
/// 3. `--theme NAME|PATH` (a command-line argument overrides `NO_COLOR`, as no-color.org asks);
/// 4. `NO_COLOR` set to anything but the empty string → `monochrome`;
/// 5. `IRQSCOPE_THEME=NAME|PATH`;
/// 6. `default`.
///
/// A value with a `/` or ending in `.toml` is a file's path; anything else names a built-in theme.
public struct ThemeSelection: Sendable, Equatable {
  public enum Choice: Sendable, Equatable {
    case builtIn(String)
    case file(String)

    /// `NAME` → a built-in theme, `PATH` (has a `/` or ends in `.toml`) → a file.
    public init(_ argument: String) {
      if argument.contains("/") || argument.hasSuffix(".toml") {
        self = .file(argument)
      } else {
        self = .builtIn(argument)
      }
    }
  }

  public var choice: Choice
  /// Why: shown on the status line and in `--help` output ("NO_COLOR is set").
  public var reason: String

  public init(choice: Choice, reason: String) {
    self.choice = choice
    self.reason = reason
  }

  /// - Parameters:
  ///   - option: the `--theme` argument, if given.
  ///   - noColor: whether `--no-color` was given.
  ///   - environment: the process environment (`NO_COLOR`, `IRQSCOPE_THEME`).
  ///   - terminalColours: how many colours the terminal has (ncurses' `COLORS`; 0 or less without colour
  ///     support). Renderers that are not a terminal (SVG, a file) pass `Int.max`.
  public static func choose(
    option: String?, noColor: Bool, environment: [String: String], terminalColours: Int
  ) -> ThemeSelection {
    if noColor { return ThemeSelection(choice: .builtIn("monochrome"), reason: "--no-color") }
    if terminalColours < 8 {
      return ThemeSelection(
        choice: .builtIn("monochrome"), reason: "the terminal has \(max(0, terminalColours)) colours")
    }
    if let option { return ThemeSelection(choice: Choice(option), reason: "--theme") }
    if let value = environment["NO_COLOR"], !value.isEmpty {
      return ThemeSelection(choice: .builtIn("monochrome"), reason: "NO_COLOR is set")
    }
    if let value = environment["IRQSCOPE_THEME"], !value.isEmpty {
      return ThemeSelection(choice: Choice(value), reason: "IRQSCOPE_THEME")
    }
    return ThemeSelection(choice: .builtIn("default"), reason: "the default")
  }
}
