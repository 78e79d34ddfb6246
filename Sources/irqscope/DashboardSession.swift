import CursesUI
import Dashboard
import Dispatch
import Emulator

/// The dashboard's main loop, on the main thread: take a snapshot, compose a frame, blit what changed, then wait
/// for keys until the next frame is due. Frames are capped at `fps`; keys are read between frames and none is
/// dropped when drawing lags (a slow terminal only makes frames rarer).
struct DashboardSession {
  /// The shortest a halted guest sleeps while the dashboard draws it (see `LiveMachine(minimumHaltedSleep:)`):
  /// well under the quarter second a live machine gives up catching up after.
  static let machineWakeInterval: Duration = .milliseconds(100)

  let live: LiveMachine
  let terminal: Terminal
  let fps: Int
  /// Picks the theme for the terminal's colour count.
  let themeName: (Int) -> ThemeSelection

  private var state = DashboardState()
  private var previous: MachineSnapshot?
  private var previousWall: UInt64 = 0
  private var targets: [ClickTarget] = []
  private var theme: Theme
  private var themeLabel: String
  /// The theme's key in `BuiltInThemes.names`, which cycling steps from; nil for a theme file (its `name` key may
  /// be anything, even a built-in theme's name), which cycles to `default`.
  private var builtInKey: String?

  init(live: LiveMachine, terminal: Terminal, fps: Int, themeName: @escaping (Int) -> ThemeSelection) throws {
    self.live = live
    self.terminal = terminal
    self.fps = fps
    self.themeName = themeName
    let selection = themeName(terminal.colourCount)
    theme = try BuiltInThemes.theme(for: selection.choice)
    themeLabel = theme.name
    if case .builtIn(let name) = selection.choice { builtInKey = name }
  }

  mutating func run() throws {
    live.start()
    let frameNanoseconds = UInt64(1_000_000_000 / fps)
    while true {
      let frameStart = DispatchTime.now().uptimeNanoseconds
      try drawFrame(at: frameStart)
      // Read input until the next frame is due; a redraw request draws at once.
      let deadline = frameStart &+ frameNanoseconds
      while true {
        let now = DispatchTime.now().uptimeNanoseconds
        guard now < deadline else { break }
        guard let event = try terminal.nextEvent(timeout: .nanoseconds(Int64(deadline &- now))) else { break }
        switch event {
        case .terminate(let signal):
          live.stop()
          terminal.terminate(bySignal: signal)
        case .key(let key):
          let (newState, actions) = KeyDispatch.handle(key, state: state, targets: targets)
          state = newState
          for action in actions {
            switch action {
            case .machine(let command): live.send(command)
            case .quit: return
            case .cycleTheme: try cycleTheme()
            case .redraw: break
            }
          }
        }
      }
    }
  }

  private mutating func drawFrame(at wall: UInt64) throws {
    let snapshot = live.snapshot()
    state.observe(snapshot, previous: previous)
    if let request = state.previewRequest(in: snapshot) {
      state.descriptorPreview = live.withMachine { machine in
        machine.peekPhysical(UInt32(truncatingIfNeeded: request.address), count: min(request.length, 2048))
      }
    } else {
      state.descriptorPreview = nil
    }
    let size = terminal.size
    let seconds = previous == nil ? 0 : Double(wall &- previousWall) / 1e9
    let (canvas, frameTargets) = compose(
      snapshot: snapshot, previous: previous, state: state, size: (size.columns, size.rows), wallSeconds: seconds)
    targets = frameTargets
    try terminal.present(canvas, theme: theme)
    previous = snapshot
    previousWall = wall
  }

  private mutating func cycleTheme() throws {
    let next = BuiltInThemes.next(after: builtInKey ?? "")
    theme = try BuiltInThemes.theme(named: next)
    builtInKey = next
    themeLabel = theme.name
  }
}
