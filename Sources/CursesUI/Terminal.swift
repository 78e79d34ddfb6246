import CNcurses
import CTerminalGuard
import Dashboard
import Glibc

/// What the main loop gets from the terminal: a key (mouse and resize included), or a request to end.
public enum TerminalEvent: Sendable, Hashable {
  case key(KeyEvent)
  /// SIGINT, SIGTERM or SIGHUP arrived: close the terminal and end, e.g. with `terminate(bySignal:)`.
  case terminate(signal: Int32)
}

/// The terminal, owned by curses while this object is open: the only Swift code that talks to ncurses.
///
///     let terminal = try Terminal()
///     defer { terminal.close() }
///     while true {
///       try terminal.present(canvas, theme: theme)
///       switch try terminal.nextEvent(timeout: .milliseconds(33)) { … }
///     }
///
/// Signals. SIGINT, SIGTERM, SIGHUP, SIGWINCH, SIGTSTP and SIGCONT go through a self-pipe (CTerminalGuard): the C
/// handler only writes the signal's number into a pipe, and `nextEvent` polls that pipe together with the
/// keyboard. A self-pipe rather than `DispatchSource.makeSignalSource` because the work a signal asks for —
/// endwin before stopping, resizeterm, a full redraw — must run on the thread that owns curses, and the poll
/// that waits for keys wakes on the pipe at once, with no queue hop and no flag to re-check. The handlers are
/// installed before newterm, so ncurses (which only takes over signals still at their default) leaves them alone.
/// Crash signals get the C crash handler: saved termios, reset bytes, then the previous action, re-raised.
///
/// One Terminal is open at a time; use it from one thread.
public final class Terminal {
  public struct Options: Sendable {
    /// Raw mode: Ctrl-C, Ctrl-Z, Ctrl-\, Ctrl-S and Ctrl-Q arrive as keys (the guest gets them); signals then come
    /// only from outside (`kill`). Off: cbreak, where those keys raise their signals.
    public var rawKeys: Bool
    /// How long ncurses waits after ESC for the rest of a sequence; ESC and a key within it are Alt plus the key.
    public var escapeDelayMilliseconds: Int32
    /// Report mouse presses and the wheel.
    public var mouse: Bool

    public init(rawKeys: Bool = true, escapeDelayMilliseconds: Int32 = 25, mouse: Bool = true) {
      self.rawKeys = rawKeys
      self.escapeDelayMilliseconds = escapeDelayMilliseconds
      self.mouse = mouse
    }
  }

  /// True when standard input and standard output are both terminals (the dashboard needs both).
  public static var isInteractive: Bool { isatty(0) == 1 && isatty(1) == 1 }

  /// One terminal at a time: the signal handlers and the saved termios are process-wide.
  nonisolated(unsafe) private static var isOpen = false

  public let options: Options
  /// The colours in use: "none" (attributes only), "8", "16", "256" or "24-bit".
  public private(set) var colorDepth: String = "none"
  /// How many colours the terminal shows (0 without colour), for choosing a theme.
  public var colourCount: Int {
    switch colorDepth {
    case "none": 0
    case "8": 8
    case "16": 16
    case "256": 256
    default: 1 << 24
    }
  }
  private var screen: OpaquePointer?
  private var signalDescriptor: Int32 = -1
  private var closed = false
  /// This object took the process-wide terminal (a refused second Terminal must not give it back).
  private var ownsTerminal = false
  /// Between endwin for SIGTSTP and the set-up after SIGCONT: nothing is drawn.
  private var suspended = false
  /// The set-up after our own stop already ran; the SIGCONT that continued us needs no second one.
  private var resumedAfterOwnStop = false
  private var events: [TerminalEvent] = []
  private var previousFrame: Canvas?
  private var theme: Theme?
  private var looks: [CellStyle: CellLook] = [:]
  private var lookRule = LookRule(depth: .none, defaultColors: false)
  private var pairs = ColorPairs(limit: 0)

  /// Takes over the terminal: locale, saved termios, signal handlers, parked stderr, newterm, raw keys without
  /// echo, keypad, ESC delay, non-blocking reads, hidden cursor, colours, mouse.
  public init(options: Options = Options()) throws {
    self.options = options
    guard !Terminal.isOpen else { throw TerminalError(call: "Terminal.init", detail: "a terminal is already open") }
    guard Terminal.isInteractive else {
      throw TerminalError(call: "isatty", detail: "standard input and output must be a terminal")
    }
    Terminal.isOpen = true
    ownsTerminal = true
    do {
      try start()
    } catch {
      close()
      throw error
    }
  }

  deinit { close() }

  private func start() throws {
    // Wide characters need a UTF-8 locale. When the environment names none (LANG unset, as under cron or a
    // bare ssh command), take C.UTF-8 for the character set, as btop does: box drawing and the guest's CP437
    // glyphs are UTF-8 in every terminal this runs in.
    if irq_setlocale_from_environment() == 0 { _ = irq_setlocale_ctype("C.UTF-8") }
    guard irq_guard_save_termios(1) == 0 else { throw TerminalError.system("tcgetattr") }
    guard irq_guard_install_crash_handlers() == 0 else { throw TerminalError.system("sigaction") }
    signalDescriptor = irq_guard_install_signal_pipe()
    guard signalDescriptor >= 0 else { throw TerminalError.system("pipe2/sigaction") }
    guard irq_guard_park_stderr() == 0 else { throw TerminalError.system("open(stderr file)") }
    screen = try Curses.newTerminal()
    if options.rawKeys { try Curses.rawMode() } else { try Curses.cbreakMode() }
    try Curses.noEcho()
    try Curses.noNewlineTranslation()
    try Curses.keypadOn()
    try Curses.escapeDelay(milliseconds: options.escapeDelayMilliseconds)
    try Curses.noDelay()
    try Curses.leaveCursor()
    try Curses.noFlushOnInterrupt()
    Curses.hideCursor()
    try startColors()
    var mouseGranted = false
    if options.mouse {
      let wanted = (1...5).reduce(mmask_t(0)) { $0 | irq_button_pressed(Int32($1)) }
      mouseGranted = Curses.mouseMask(wanted) != 0
      // Presses are reported as they happen; no waiting to see whether a release makes it a click.
      Curses.mouseInterval(milliseconds: 0)
    }
    setCrashResetBytes(mouse: mouseGranted)
    try leaveInitialOutputState()
  }

  /// ncurses 6.4 treats a screen that has never been through endwin as not yet "running" and flushes its output
  /// after every cursor movement (`_nc_mvcur`), so one frame went out as one write(2) per changed run: about 700
  /// writes a second at idle, each waking the terminal emulator. One endwin + doupdate, the same pair SIGCONT
  /// uses, moves the screen to its running state; from then on a frame is one write.
  private func leaveInitialOutputState() throws {
    try Curses.endWindow()
    try Curses.update()
  }

  private func startColors() throws {
    let hasColors = Curses.hasColors
    if hasColors { try Curses.startColor() }
    let depth = ColorDepth(hasColors: hasColors, colors: hasColors ? Curses.colors : 0)
    let defaults = depth != .none && Curses.useDefaultColors()
    lookRule = LookRule(depth: depth, defaultColors: defaults)
    pairs = ColorPairs(limit: depth == .none ? 0 : Curses.colorPairs)
    colorDepth = depth.name
  }

  /// The bytes the crash handler writes, from this terminal's own terminfo where it has them: mouse off, sgr0,
  /// cnorm, rmkx, rmcup.
  private func setCrashResetBytes(mouse: Bool) {
    var bytes = mouse ? "\u{1B}[?1006l\u{1B}[?1002l\u{1B}[?1000l" : ""
    bytes += Curses.terminfoString("sgr0") ?? "\u{1B}[0m"
    bytes += Curses.terminfoString("cnorm") ?? "\u{1B}[?25h"
    bytes += Curses.terminfoString("rmkx") ?? ""
    bytes += Curses.terminfoString("rmcup") ?? ""
    let utf8 = Array(bytes.utf8)
    utf8.withUnsafeBufferPointer { buffer in
      buffer.withMemoryRebound(to: CChar.self) { irq_guard_set_reset_sequence($0.baseAddress, $0.count) }
    }
  }

  /// Gives the terminal back: endwin (cooked mode, echo, cursor, main screen, mouse off), the previous signal
  /// actions, then what stderr collected meanwhile. Safe to call more than once, and from any exit path.
  public func close() {
    guard !closed else { return }
    closed = true
    guard ownsTerminal else { return }
    if screen != nil {
      if !Curses.isEnded { try? Curses.endWindow() }
      Curses.deleteScreen(screen!)
      screen = nil
    }
    irq_guard_uninstall_crash_handlers()
    irq_guard_uninstall_signal_pipe()
    signalDescriptor = -1
    irq_guard_unpark_stderr()
    Terminal.isOpen = false
  }

  /// Closes the terminal and ends the process as `signal` would by default, so the shell sees the real cause
  /// (and `$?` is 128 + the signal number).
  public func terminate(bySignal signal: Int32) -> Never {
    close()
    irq_guard_die_by_signal(signal)
  }

  /// Rows and columns of the screen now.
  public var size: (rows: Int, columns: Int) { closed ? (0, 0) : Curses.screenSize }

  // MARK: - Input

  /// The next event, waiting at most `timeout` (nil: until one comes). Signals are acted on here: SIGWINCH
  /// resizes and yields `.resize`, SIGTSTP restores the terminal and stops, SIGCONT sets it up again (then
  /// `.resize`, so the caller lays out for the size it has now), SIGINT/SIGTERM/SIGHUP yield `.terminate`.
  public func nextEvent(timeout: Duration? = nil) throws -> TerminalEvent? {
    let clock = ContinuousClock()
    let deadline = timeout.map { clock.now + $0 }
    while true {
      if !events.isEmpty { return events.removeFirst() }
      guard !closed else { return nil }
      try handleSignals()
      readKeys()
      if !events.isEmpty { return events.removeFirst() }
      var wait: Int32 = -1
      if let deadline {
        let left = clock.now.duration(to: deadline)
        if left <= .zero { return nil }
        let (seconds, attoseconds) = left.components
        wait = Int32(clamping: seconds * 1000 + (attoseconds + 999_999_999_999_999) / 1_000_000_000_000_000)
      }
      var descriptors = [
        pollfd(fd: 0, events: Int16(POLLIN), revents: 0),
        pollfd(fd: signalDescriptor, events: Int16(POLLIN), revents: 0),
      ]
      if poll(&descriptors, 2, wait) < 0 && errno != EINTR { throw TerminalError.system("poll") }
    }
  }

  /// Reads every key waiting (ncurses's buffer and the tty's), then decodes them together, so an ESC read with
  /// the key after it is Alt plus that key.
  private func readKeys() {
    guard !suspended else { return }
    var input: [RawInput] = []
    // A bound keeps one call short under a flood; what is left is read on the next call, never dropped.
    while input.count < 4096, let item = Curses.getWideCharacter() {
      switch item {
      case .keyCode(KEY_MOUSE):
        if let report = try? Curses.getMouse() {
          input.append(.mouse(row: report.row, column: report.column, state: report.state))
        }
      case .keyCode(let code) where code > irq_key_max():
        if let name = Curses.keyName(code) { input.append(.extendedKey(name)) }
      default: input.append(item)
      }
    }
    for key in KeyDecoder.decode(input) {
      if key == .resize {
        // resizeterm also queues a KEY_RESIZE; one resize event is enough.
        invalidate()
        if events.last == .key(.resize) { continue }
      }
      events.append(.key(key))
    }
  }

  private func handleSignals() throws {
    while case let signal = irq_guard_next_signal(), signal != 0 {
      switch signal {
      case SIGWINCH: try resize()
      case SIGTSTP: try stop()
      case SIGCONT: try resume()
      default: events.append(.terminate(signal: signal))
      }
    }
  }

  private func resize() throws {
    guard !suspended else { return }
    var (rows, columns): (Int32, Int32) = (0, 0)
    guard irq_window_size(1, &rows, &columns) == 0 else { throw TerminalError.system("ioctl(TIOCGWINSZ)") }
    try Curses.resizeTerminal(rows: rows, columns: columns)
    invalidate()
    if events.last != .key(.resize) { events.append(.key(.resize)) }
  }

  /// SIGTSTP: give the terminal back (as on quit), stop; once continued, take it again.
  private func stop() throws {
    try Curses.endWindow()
    suspended = true
    irq_guard_stop_process()
    try resume()
    resumedAfterOwnStop = true
  }

  /// SIGCONT: set the terminal up again and redraw everything. Also after a SIGSTOP we did not ask for, when
  /// whatever ran meanwhile may have changed the modes or the screen.
  private func resume() throws {
    if resumedAfterOwnStop {
      resumedAfterOwnStop = false
      return
    }
    if !Curses.isEnded { try Curses.endWindow() }
    suspended = false
    var (rows, columns): (Int32, Int32) = (0, 0)
    if irq_window_size(1, &rows, &columns) == 0 { try Curses.resizeTerminal(rows: rows, columns: columns) }
    try Curses.clearOnNextRefresh()
    try Curses.update()  // after endwin, the first doupdate puts the program modes and the screen back
    invalidate()
    if events.last != .key(.resize) { events.append(.key(.resize)) }
  }

  /// The next frame is sent whole.
  private func invalidate() { previousFrame = nil }

  // MARK: - Output

  /// Draws `canvas` from the top-left corner: only the cells that differ from the last frame presented (all of
  /// them after a resize, a SIGCONT, a theme change or a canvas of another size), then one doupdate.
  public func present(_ canvas: Canvas, theme: Theme) throws {
    guard !closed, !suspended else { return }
    if theme != self.theme {
      self.theme = theme
      looks = [:]
      invalidate()
    }
    let (rows, columns) = Curses.screenSize
    if let changed = FrameDiff.cellsToDraw(from: previousFrame, to: canvas) {
      for index in changed { try draw(canvas, index: index, rows: rows, columns: columns, theme: theme) }
    } else {
      try Curses.erase()
      for index in canvas.cells.indices { try draw(canvas, index: index, rows: rows, columns: columns, theme: theme) }
    }
    try Curses.noOutRefresh()
    try Curses.update()
    previousFrame = canvas
  }

  private func draw(_ canvas: Canvas, index: Int, rows: Int, columns: Int, theme: Theme) throws {
    let (row, column) = index.quotientAndRemainder(dividingBy: canvas.width)
    guard row < rows, column < columns else { return }
    let cell = canvas.cells[index]
    guard cell.scalar != Canvas.wideTailScalar else { return }
    let look = try look(for: cell.style, theme: theme)
    var points = CellText.codePoints(of: cell)
    try withUnsafePointer(to: &points) { tuple in
      try tuple.withMemoryRebound(to: wchar_t.self, capacity: 3) { text in
        try Curses.putCell(
          row: Int32(row), column: Int32(column), text: text, attributes: look.attributes, pair: look.pair)
      }
    }
  }

  private func look(for style: CellStyle, theme: Theme) throws -> CellLook {
    if let look = looks[style] { return look }
    let resolved = lookRule.resolve(style, in: theme)
    let pair =
      lookRule.depth == .none
      ? 0
      : try pairs.pair(foreground: resolved.foreground, background: resolved.background) { number, fg, bg in
        try Curses.initPair(number, foreground: fg, background: bg)
      }
    let look = CellLook(attributes: LookRule.attributes(resolved), pair: pair)
    looks[style] = look
    return look
  }
}
