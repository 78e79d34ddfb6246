import ArgumentParser
import CursesUI
import Dashboard
import Foundation

/// `irqscope keys`: like showkey, the keys and mouse events the terminal layer decodes, newest first.
struct Keys: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Show the keys and mouse events the terminal layer decodes (F10 or q quits).",
    discussion: """
      Opens the terminal as the dashboard does (raw keys, mouse, alternate screen) and names each key: F10,
      Ctrl-A, Alt-x, Up, é, "mouse press 1 at 12,40". Use it to see what a terminal sends before blaming the
      dashboard. The terminal is restored on quit, SIGINT, SIGTERM, SIGHUP, SIGTSTP and crashes.
      """)

  func run() throws {
    try requireInteractiveTerminal()
    let terminal = try Terminal()
    defer { terminal.close() }
    var log = KeyLog()
    while true {
      let (rows, columns) = terminal.size
      try terminal.present(log.canvas(rows: rows, columns: columns, colors: terminal.colorDepth), theme: Self.theme)
      switch try terminal.nextEvent() {
      case .terminate(let signal): terminal.terminate(bySignal: signal)
      case .key(.function(10)), .key(.character("q")): return
      case .key(let key): log.record(key)
      case nil: continue
      }
    }
  }

  /// A plain theme of its own: bold titles, the help line reversed.
  static let theme = Theme(
    name: "keys",
    roles: [
      .title: Appearance(foreground: RGB(hex: "#5fafff"), bold: true),
      .label: Appearance(foreground: RGB(hex: "#87af87")),
      .keyBar: Appearance(reverse: true),
      .dim: Appearance(foreground: RGB(hex: "#808080")),
    ])
}

/// The last keys seen, numbered, and how they are drawn.
struct KeyLog {
  private(set) var entries: [(number: Int, name: String)] = []
  private var count = 0

  mutating func record(_ key: KeyEvent) {
    count += 1
    entries.insert((count, key.name), at: 0)
    if entries.count > 200 { entries.removeLast() }
  }

  func canvas(rows: Int, columns: Int, colors: String) -> Canvas {
    var canvas = Canvas(width: columns, height: rows)
    canvas.put("irqscope keys", row: 0, column: 0, style: .role(.title))
    canvas.put("terminal \(columns)x\(rows), colours: \(colors)", row: 1, column: 0, style: .role(.label))
    for (offset, entry) in entries.prefix(max(0, rows - 4)).enumerated() {
      let number = String(entry.number)
      canvas.put(
        String(repeating: " ", count: max(0, 5 - number.count)) + number, row: 3 + offset, column: 0,
        style: .role(.dim))
      canvas.put(entry.name, row: 3 + offset, column: 7)
    }
    let help = " press keys, click, scroll, resize — F10 or q quits "
    canvas.fill(Rect(x: 0, y: rows - 1, width: columns, height: 1), style: .role(.keyBar))
    canvas.put(help, row: rows - 1, column: 0, style: .role(.keyBar))
    return canvas
  }
}

/// Exits with status 2 and one line pointing to the headless mode when this is not an interactive terminal;
/// every full-screen command (`keys`, the dashboard) calls it first.
func requireInteractiveTerminal() throws {
  guard Terminal.isInteractive else {
    FileHandle.standardError.write(
      Data(
        "irqscope: not a terminal; for a run without the dashboard use: irqscope run --headless --kernel FILE\n"
          .utf8))
    throw ExitCode(2)
  }
}
