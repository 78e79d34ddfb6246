import Foundation

/// A headless-run script: one command per line, `#` starts a comment.
///
///     wait 50ms                      advance virtual time
///     type "text\n"                  type on the keyboard (US layout; \n Enter, \t Tab, \b Backspace, \e Esc, \\, \")
///     press KEY / release KEY        one key (Enter, Esc, F1, Up, LShift, a, …)
///     mask IRQ / unmask IRQ          set or clear the line's IMR bit, as an OCW1 write would
///     nmi                            raise an NMI
///     expect screen "regex" [within 500ms]   wait until the VGA text matches, else fail
///     expect serial "regex" [within 500ms]   the same for COM1's output
///     dump                           print the machine state as JSON
public struct Script: Sendable, Equatable {
  public enum Command: Sendable, Equatable {
    case wait(cycles: UInt64)
    case type(String)
    case press(String)
    case release(String)
    case mask(irq: Int)
    case unmask(irq: Int)
    case nmi
    case expectScreen(pattern: String, withinCycles: UInt64)
    case expectSerial(pattern: String, withinCycles: UInt64)
    case dump
  }

  public struct Line: Sendable, Equatable {
    public let number: Int
    public let text: String
    public let command: Command
  }

  /// How long an `expect` waits when the script gives no `within`.
  public static let defaultExpectTimeout = "1s"

  public let fileName: String
  public let lines: [Line]

  /// Parses a script. `isKeyName` says whether a `press`/`release` argument names a key.
  public init(text: String, fileName: String, isKeyName: (String) -> Bool) throws(ScriptError) {
    self.fileName = fileName
    var lines: [Line] = []
    for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
      let number = index + 1
      func fail(_ message: String) -> ScriptError { ScriptError(fileName: fileName, line: number, message: message) }
      let words: [Word]
      do {
        words = try Self.words(String(raw))
      } catch {
        throw fail(error.message)
      }
      guard let first = words.first else { continue }
      guard case .bare(let verb) = first else { throw fail("a line must start with a command, not a quoted string") }
      let command = try Self.command(verb, Array(words.dropFirst()), isKeyName: isKeyName, fail: fail)
      lines.append(Line(number: number, text: String(raw).trimmingSpaces, command: command))
    }
    self.lines = lines
  }

  enum Word: Equatable {
    case bare(String)
    /// A quoted string, with the raw text between the quotes (escapes not yet interpreted).
    case quoted(String)
  }

  struct WordError: Error { let message: String }

  /// Splits a line into words and quoted strings; stops at a `#` outside quotes.
  static func words(_ line: String) throws(WordError) -> [Word] {
    var words: [Word] = []
    var characters = Array(line)[...]
    while let c = characters.first {
      if c == " " || c == "\t" || c == "\r" {
        characters.removeFirst()
      } else if c == "#" {
        break
      } else if c == "\"" {
        characters.removeFirst()
        var raw = ""
        var closed = false
        while let d = characters.popFirst() {
          if d == "\\", let next = characters.popFirst() {
            raw.append(d)
            raw.append(next)
          } else if d == "\"" {
            closed = true
            break
          } else {
            raw.append(d)
          }
        }
        guard closed else { throw WordError(message: "unterminated string: a closing \" is missing") }
        words.append(.quoted(raw))
      } else {
        var word = ""
        while let d = characters.first, d != " ", d != "\t", d != "\r", d != "\"" {
          word.append(d)
          characters.removeFirst()
        }
        words.append(.bare(word))
      }
    }
    return words
  }

  /// Interprets the escapes of a `type` string.
  static func typedText(_ raw: String) throws(WordError) -> String {
    var out = ""
    var characters = Array(raw)[...]
    while let c = characters.popFirst() {
      guard c == "\\" else {
        out.append(c)
        continue
      }
      switch characters.popFirst() {
      case "n": out.append("\n")
      case "t": out.append("\t")
      case "b": out.append("\u{8}")
      case "e": out.append("\u{1B}")
      case "\\": out.append("\\")
      case "\"": out.append("\"")
      case let other?: throw WordError(message: "unknown escape \\\(other) (known: \\n \\t \\b \\e \\\\ \\\")")
      case nil: throw WordError(message: "a string cannot end with a lone backslash")
      }
    }
    return out
  }

  /// A regex string keeps its backslashes for the regex engine; only \" stands for a quote.
  static func pattern(_ raw: String) -> String { raw.replacingOccurrences(of: "\\\"", with: "\"") }

  static func command(
    _ verb: String, _ args: [Word], isKeyName: (String) -> Bool, fail: (String) -> ScriptError
  ) throws(ScriptError) -> Command {
    func bare(_ i: Int, _ what: String) throws(ScriptError) -> String {
      guard i < args.count, case .bare(let word) = args[i] else { throw fail("\(verb) needs \(what)") }
      return word
    }
    func noMore(_ count: Int) throws(ScriptError) {
      if args.count > count { throw fail("unexpected text after \(verb): \(describe(args[count]))") }
    }
    func irqNumber() throws(ScriptError) -> Int {
      let word = try bare(0, "an IRQ number 0–15")
      let digits = word.lowercased().hasPrefix("irq") ? String(word.dropFirst(3)) : word
      guard let irq = Int(digits), (0...15).contains(irq) else { throw fail("\(word) is not an IRQ number 0–15") }
      try noMore(1)
      return irq
    }
    switch verb {
    case "wait":
      let word = try bare(0, "a duration such as 50ms, 2s, 100us or 1000cycles")
      guard let cycles = VirtualDuration.cycles(word) else {
        throw fail("\(word) is not a duration (write 50ms, 2s, 100us, 250ns or 1000cycles)")
      }
      try noMore(1)
      return .wait(cycles: cycles)
    case "type":
      guard args.count >= 1, case .quoted(let raw) = args[0] else {
        throw fail("type needs a quoted string: type \"hello\\n\"")
      }
      try noMore(1)
      do {
        return .type(try typedText(raw))
      } catch {
        throw fail(error.message)
      }
    case "press", "release":
      let key = try bare(0, "a key name (Enter, Esc, F1, Up, LShift, a …)")
      guard isKeyName(key) else { throw fail("\(key) is not a key name (try Enter, Esc, Tab, F1, Up, LCtrl, a)") }
      try noMore(1)
      return verb == "press" ? .press(key) : .release(key)
    case "mask": return .mask(irq: try irqNumber())
    case "unmask": return .unmask(irq: try irqNumber())
    case "nmi":
      try noMore(0)
      return .nmi
    case "dump":
      try noMore(0)
      return .dump
    case "expect":
      let target = try bare(0, "what to expect: screen or serial")
      guard target == "screen" || target == "serial" else {
        throw fail("expect \(target): only `expect screen \"regex\"` and `expect serial \"regex\"` exist")
      }
      guard args.count >= 2, case .quoted(let raw) = args[1] else {
        throw fail("expect \(target) needs a quoted regex")
      }
      let pattern = pattern(raw)
      do {
        _ = try Regex(pattern)
      } catch {
        throw fail("\"\(pattern)\" is not a valid regex: \(error)")
      }
      var timeout = VirtualDuration.cycles(defaultExpectTimeout)!
      if args.count > 2 {
        guard try bare(2, "within DURATION") == "within" else {
          throw fail("after the regex only `within DURATION` may follow")
        }
        let word = try bare(3, "a duration after within")
        guard let cycles = VirtualDuration.cycles(word) else { throw fail("\(word) is not a duration (write 500ms)") }
        timeout = cycles
        try noMore(4)
      }
      return target == "screen"
        ? .expectScreen(pattern: pattern, withinCycles: timeout)
        : .expectSerial(pattern: pattern, withinCycles: timeout)
    default:
      throw fail(
        "unknown command \(verb) (known: wait, type, press, release, mask, unmask, nmi, expect screen, expect serial, dump)"
      )
    }
  }

  static func describe(_ word: Word) -> String {
    switch word {
    case .bare(let text): text
    case .quoted(let text): "\"\(text)\""
    }
  }
}

/// A script error names the file, the line and the problem.
public struct ScriptError: Error, Equatable, CustomStringConvertible {
  public let fileName: String
  public let line: Int
  public let message: String

  public var description: String { "\(fileName):\(line): \(message)" }
}

extension String {
  var trimmingSpaces: String {
    var s = Substring(self)
    while let c = s.first, c == " " || c == "\t" || c == "\r" { s.removeFirst() }
    while let c = s.last, c == " " || c == "\t" || c == "\r" { s.removeLast() }
    return String(s)
  }
}
