import Testing

@testable import Dashboard
@testable import Emulator

extension Dashboard.KeyEvent {
  var isAltDigit: Bool {
    if case .alt(.character(let c)) = self { c.isNumber } else { false }
  }
}

struct KeyTableTests {
  @Test func noKeyIsBoundTwiceInTheSameScope() {
    var seen: Set<String> = []
    for binding in KeyTable.bindings {
      let name = binding.keyName
      #expect(!seen.contains(name), "\(name) bound twice")
      seen.insert(name)
    }
  }

  @Test func everyBindingAppearsInTheHelpScreen() {
    var canvas = Canvas(width: 160, height: 50)
    HelpScreen.draw(in: canvas.bounds, on: &canvas)
    let text = canvas.lines.joined(separator: "\n")
    for binding in KeyTable.bindings {
      let keys = binding.key.isAltDigit ? "M-1..M-0" : binding.keyName
      #expect(text.contains(Format.pad(keys, 9) + binding.help), "\(binding.keyName) missing from help")
    }
    #expect(text.contains("F1       show or hide this help"))
    #expect(text.contains("^A m     then 0-f: flip that IMR bit"))
    #expect(text.contains("^A Space pause or resume"))
  }

  @Test func helpFitsAt80By24() {
    var canvas = Canvas(width: 80, height: 24)
    HelpScreen.draw(in: Rect(x: 0, y: 0, width: 80, height: 22), on: &canvas)
    let text = canvas.lines.joined(separator: "\n")
    for binding in KeyTable.bindings {
      let keys = binding.key.isAltDigit ? "M-1..M-0" : binding.keyName
      #expect(text.contains(Format.pad(keys, 9) + binding.help), "\(binding.keyName) missing from help at 80×24")
    }
    #expect(text.contains(HelpScreen.footer))
  }

  @Test func theKeyBarShowsLabelledBindingsInTableOrder() {
    var canvas = Canvas(width: 160, height: 1)
    let targets = KeyBar.draw(in: canvas.bounds, on: &canvas)
    #expect(
      canvas.lines[0].hasPrefix(
        "F1Help F2Pane F3Zoom F4Input F5Theme F10Quit ^AmMask ^ApPacket ^AbBurst ^AnNMI ^A␣Pause ^AsStep ^AiToIRQ"))
    #expect(canvas.style(of: "F1", row: 0) == .role(.keyLabel))
    #expect(canvas.style(of: "Help", row: 0) == .role(.keyBar))
    #expect(targets.count == KeyTable.bindings.filter { $0.label != nil }.count)
  }

  @Test func clickingAKeyBarLabelIsPressingItsKey() {
    var canvas = Canvas(width: 160, height: 1)
    let targets = KeyBar.draw(in: canvas.bounds, on: &canvas)
    let quit = canvas.lines[0].range(of: "F10Quit")!
    let column = canvas.lines[0].distance(from: canvas.lines[0].startIndex, to: quit.lowerBound) + 2
    let (_, actions) = KeyDispatch.handle(
      .mouse(MouseEvent(row: 0, column: column, action: .press(button: 1))), state: DashboardState(), targets: targets)
    #expect(actions == [.quit])
    let (help, _) = KeyDispatch.handle(
      .mouse(MouseEvent(row: 0, column: 1, action: .press(button: 1))), state: DashboardState(), targets: targets)
    #expect(help.helpVisible)
  }

  @Test func aNarrowBarShowsOnlyWholeLabels() {
    var canvas = Canvas(width: 20, height: 1)
    _ = KeyBar.draw(in: canvas.bounds, on: &canvas)
    #expect(canvas.lines[0] == "F1Help F2Pane F3Zoom")
  }
}
