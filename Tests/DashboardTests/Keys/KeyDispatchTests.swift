import Testing

@testable import Dashboard
@testable import Emulator

struct KeyDispatchTests {
  /// Feeds keys one after another from a fresh state; returns the final state and every action.
  func press(_ keys: [Dashboard.KeyEvent], from start: DashboardState = DashboardState()) -> (DashboardState, [Action])
  {
    var state = start
    var actions: [Action] = []
    for key in keys {
      let (next, new) = KeyDispatch.handle(key, state: state)
      state = next
      actions += new
    }
    return (state, actions)
  }

  func machine(_ actions: [Action]) -> [MachineCommand] {
    actions.compactMap { if case .machine(let command) = $0 { command } else { nil } }
  }

  @Test func controlAMThenAHexDigitTogglesThatIRQsMask() {
    #expect(machine(press([.control("a"), .character("m"), .character("1")]).1) == [.toggleMask(irq: 1)])
    #expect(machine(press([.control("a"), .character("m"), .character("b")]).1) == [.toggleMask(irq: 11)])
    #expect(machine(press([.control("a"), .character("m"), .character("F")]).1) == [.toggleMask(irq: 15)])
  }

  @Test func controlAMThenANonDigitCancelsAndSendsNothing() {
    let (state, actions) = press([.control("a"), .character("m"), .character("x")])
    #expect(machine(actions).isEmpty)
    #expect(state.prefix == .none)
    // The key after that goes to the guest again.
    #expect(machine(press([.character("y")], from: state).1) == [.type("y")])
  }

  @Test func controlAControlASendsARealControlAToTheGuest() {
    #expect(machine(press([.control("a"), .control("a")]).1) == [.key(.a, modifiers: [.leftCtrl])])
    var com1 = DashboardState()
    com1.inputTarget = .com1
    #expect(machine(press([.control("a"), .control("a")], from: com1).1) == [.serial([0x01])])
  }

  @Test func theRequiredHotkeysSendTheirCommands() {
    let cases: [(Dashboard.KeyEvent, MachineCommand)] = [
      (.character("p"), .packet(.udp(length: nil, payload: nil))), (.character("b"), .burst(count: 32, length: nil)),
      (.character("n"), .nmi), (.character(" "), .togglePause), (.character("s"), .step),
      (.character("i"), .stepToInterrupt), (.character("+"), .faster), (.character("-"), .slower),
      (.character("r"), .reset), (.character("7"), .spurious(irq: 7)), (.character("8"), .spurious(irq: 15)),
    ]
    for (key, command) in cases {
      #expect(machine(press([.control("a"), key]).1) == [command], "^A \(key)")
    }
  }

  @Test func f10AndControlAQQuit() {
    #expect(press([.function(10)]).1 == [.quit])
    #expect(press([.control("a"), .character("q")]).1.last == .quit)
  }

  @Test func f1TogglesHelpAndAnyOtherKeyClosesItWithoutReachingTheGuest() {
    let (open, _) = press([.function(1)])
    #expect(open.helpVisible)
    let (closed, actions) = press([.character("x")], from: open)
    #expect(!closed.helpVisible)
    #expect(machine(actions).isEmpty)
    #expect(!press([.function(1), .function(1)]).0.helpVisible)
  }

  @Test func everythingElseGoesToTheGuestKeyboard() {
    let cases: [(Dashboard.KeyEvent, MachineCommand)] = [
      (.character("A"), .type("A")), (.character("é"), .type("é")), (.enter, .type("\n")),
      (.backspace, .type("\u{8}")), (.tab, .type("\t")), (.escape, .type("\u{1B}")),
      (.up, .key(.up, modifiers: [])), (.pageDown, .key(.pageDown, modifiers: [])),
      (.home, .key(.home, modifiers: [])), (.delete, .key(.delete, modifiers: [])),
      (.function(7), .key(.f7, modifiers: [])), (.control("c"), .key(.c, modifiers: [.leftCtrl])),
      (.alt(.character("x")), .key(.x, modifiers: [.leftAlt])),
      (.alt(.character("X")), .key(.x, modifiers: [.leftAlt, .leftShift])),
    ]
    for (key, command) in cases {
      #expect(machine(press([key]).1) == [command], "\(key)")
    }
  }

  @Test func inCOM1ModeTextGoesDownTheSerialLine() {
    var state = DashboardState()
    state.inputTarget = .com1
    let cases: [(Dashboard.KeyEvent, [UInt8])] = [
      (.character("A"), [0x41]), (.enter, [0x0D]), (.backspace, [0x7F]), (.control("c"), [0x03]),
      (.up, [0x1B, 0x5B, 0x41]), (.alt(.character("x")), [0x1B, 0x78]),
    ]
    for (key, bytes) in cases {
      #expect(machine(press([key], from: state).1) == [.serial(bytes)], "\(key)")
    }
  }

  @Test func f4SwitchesTypingBetweenKeyboardAndCOM1() {
    let (com1, _) = press([.function(4)])
    #expect(com1.inputTarget == .com1)
    #expect(press([.function(4)], from: com1).0.inputTarget == .keyboard)
  }

  @Test func focusCyclesZoomsAndAltDigitJumpsToAPane() {
    var state = DashboardState()
    state.focused = .stats
    #expect(press([.function(2)], from: state).0.focused == .registers)  // wraps after the last pane
    #expect(press([.control("a"), .tab], from: state).0.focused == .registers)
    #expect(press([.backTab], from: state).0.focused == .log)
    #expect(press([.alt(.character("4"))]).0.focused == .pic)
    #expect(press([.alt(.character("0"))]).0.focused == .stats)
    #expect(press([.function(3)]).0.zoomed)
  }

  @Test func themeCyclingIsLeftToTheCaller() {
    #expect(press([.function(5)]).1.contains(.cycleTheme))
  }

  @Test func scrollKeysMoveTheFocusedPane() {
    var state = DashboardState()
    state.focused = .idt
    let (scrolled, _) = press([.control("a"), .pageDown, .control("a"), .down], from: state)
    #expect(scrolled.scrollOffset(.idt) == KeyDispatch.pageRows + 1)
    #expect(!scrolled.idtFollowsInFlight)
    let (back, _) = press([.control("a"), .character("j")], from: scrolled)
    #expect(back.idtFollowsInFlight)
    #expect(back.scrollOffset(.idt) == 0)
  }

  @Test func wheelScrollsThePaneUnderThePointer() {
    let targets = [
      ClickTarget(Rect(x: 0, y: 0, width: 10, height: 10), .pane(.log)),
      ClickTarget(Rect(x: 10, y: 0, width: 10, height: 10), .pane(.stats)),
    ]
    let (state, _) = KeyDispatch.handle(
      .mouse(MouseEvent(row: 3, column: 12, action: .wheelDown)), state: DashboardState(), targets: targets)
    #expect(state.scrollOffset(.stats) == KeyDispatch.wheelRows)
    #expect(state.scrollOffset(.log) == 0)
    let (clicked, _) = KeyDispatch.handle(
      .mouse(MouseEvent(row: 3, column: 2, action: .press(button: 1))), state: state, targets: targets)
    #expect(clicked.focused == .log)
  }
}

struct HelpClickTests {
  @Test func aClickClosesTheHelpScreen() {
    var state = DashboardState()
    state.helpVisible = true
    let targets = [ClickTarget(Rect(x: 0, y: 0, width: 10, height: 10), .toggleMask(irq: 1))]
    let (closed, actions) = KeyDispatch.handle(
      .mouse(MouseEvent(row: 1, column: 1, action: .press(button: 1))), state: state, targets: targets)
    #expect(!closed.helpVisible)
    #expect(actions == [.redraw])
  }
}
