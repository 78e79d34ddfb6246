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
///     packet [LEN] [payload "text"]  inject a UDP datagram to the card (next sequence number; LEN = frame length)
///     packet [LEN] hex:ffff…         inject a raw Ethernet frame (padded with zeros to LEN)
///     packet arp                     inject an ARP request (broadcast)
///     burst N [LEN]                  inject N datagrams back to back (they arrive at line rate)
///     pcap FILE [rate N/s]           replay a capture from now (path relative to the script's directory)
///     expect rx N [within 500ms]     wait until the card has delivered N frames in all, else fail
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
    case packet(PacketSpec)
    case burst(count: Int, length: Int?)
    case pcap(path: String, ratePerSecond: Double?)
    case expectRx(count: Int, withinCycles: UInt64)
    case dump
    /// One keystroke with modifiers held around it: `key ctrl+c`, `key up`, `key alt+shift+x`.
    case key(String, modifiers: [String])
    /// Bytes arriving on COM1's receive line: `serial "ls\n"`.
    case serial([UInt8])
    /// A request on IRQ 7 or 15 withdrawn between INTR and INTA: `spurious 7`.
    case spurious(irq: Int)
    /// Reset the machine and boot the kernel again.
    case reset
  }

  /// What a `packet` line injects.
  public enum PacketSpec: Sendable, Equatable {
    /// The default UDP datagram, with a given whole-frame length and payload when set.
    case udp(length: Int?, payload: [UInt8]?)
    case arp
    case raw([UInt8])
  }

  public struct Line: Sendable, Equatable {
    public let number: Int
    public let text: String
    public let command: Command

    /// An `expect` line.
    public var isExpectation: Bool {
      switch command {
      case .expectScreen, .expectSerial, .expectRx: true
      default: false
      }
    }
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

  /// The bytes of a `serial` string: UTF-8, with the `type` escapes and `\xHH` for any byte.
  static func byteText(_ raw: String) throws(WordError) -> [UInt8] {
    var bytes: [UInt8] = []
    var characters = Array(raw)[...]
    var plain = ""
    while let c = characters.first {
      if c == "\\", characters.dropFirst().first == "x" {
        let digits = String(characters.dropFirst(2).prefix(2))
        guard digits.count == 2, let byte = UInt8(digits, radix: 16) else {
          throw WordError(message: "\\x needs two hex digits (\\x03)")
        }
        bytes += Array(try typedText(plain).utf8)
        plain = ""
        bytes.append(byte)
        characters.removeFirst(4)
      } else if c == "\\", let next = characters.dropFirst().first {
        plain.append(c)
        plain.append(next)
        characters.removeFirst(2)
      } else {
        plain.append(c)
        characters.removeFirst()
      }
    }
    return bytes + Array(try typedText(plain).utf8)
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
    func within(at index: Int) throws(ScriptError) -> UInt64 {
      guard args.count > index else { return VirtualDuration.cycles(defaultExpectTimeout)! }
      guard try bare(index, "within DURATION") == "within" else {
        throw fail("after the \(verb == "expect" ? "expectation" : verb) only `within DURATION` may follow")
      }
      let word = try bare(index + 1, "a duration after within")
      guard let cycles = VirtualDuration.cycles(word) else { throw fail("\(word) is not a duration (write 500ms)") }
      try noMore(index + 2)
      return cycles
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
    case "reset":
      try noMore(0)
      return .reset
    case "spurious":
      let irq = try irqNumber()
      guard irq == 7 || irq == 15 else {
        throw fail("spurious takes IRQ 7 or 15 (the lines whose spurious vector the 8259A gives)")
      }
      return .spurious(irq: irq)
    case "key":
      let chord = try bare(0, "a key, with modifiers joined by +: key ctrl+c, key up")
      try noMore(1)
      let names = chord.split(separator: "+", omittingEmptySubsequences: false).map(String.init)
      for name in names where name.isEmpty || !isKeyName(name) {
        throw fail(
          "\(name.isEmpty ? "an empty key name" : name) is not a key name in \(chord) (try ctrl+c, up, alt+x, f5)")
      }
      return .key(names[names.count - 1], modifiers: Array(names.dropLast()))
    case "serial":
      guard args.count >= 1, case .quoted(let raw) = args[0] else {
        throw fail("serial needs a quoted string: serial \"ls\\n\"")
      }
      try noMore(1)
      do {
        return .serial(try byteText(raw))
      } catch {
        throw fail(error.message)
      }
    case "dump":
      try noMore(0)
      return .dump
    case "expect":
      let target = try bare(0, "what to expect: screen, serial or rx")
      if target == "rx" {
        let word = try bare(1, "a frame count: expect rx 10")
        guard let count = Int(word), count >= 0 else { throw fail("\(word) is not a frame count") }
        return .expectRx(count: count, withinCycles: try within(at: 2))
      }
      guard target == "screen" || target == "serial" else {
        throw fail(
          "expect \(target): only `expect screen \"regex\"`, `expect serial \"regex\"` and `expect rx N` exist")
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
      let timeout = try within(at: 2)
      return target == "screen"
        ? .expectScreen(pattern: pattern, withinCycles: timeout)
        : .expectSerial(pattern: pattern, withinCycles: timeout)
    case "packet":
      return .packet(try packetSpec(args, fail: fail))
    case "burst":
      let word = try bare(0, "a frame count: burst 100")
      guard let count = Int(word), (1...10_000_000).contains(count) else {
        throw fail("\(word) is not a frame count from 1 to 10,000,000")
      }
      var length: Int?
      if args.count > 1 {
        let text = try bare(1, "a frame length")
        guard let value = Int(text) else { throw fail("\(text) is not a frame length in bytes") }
        do {
          _ = try EthernetFrame.udp(to: E1000.defaultMAC, sequence: 1, length: value)
        } catch {
          throw fail(error.description)
        }
        length = value
      }
      try noMore(length == nil ? 1 : 2)
      return .burst(count: count, length: length)
    case "pcap":
      let path: String
      switch args.first {
      case .bare(let word)?: path = word
      case .quoted(let word)?: path = word
      case nil: throw fail("pcap needs a capture file: pcap capture.pcap [rate 1000/s]")
      }
      var rate: Double?
      if args.count > 1 {
        guard try bare(1, "rate N/s") == "rate" else { throw fail("after the file only `rate N/s` may follow") }
        let word = try bare(2, "a rate such as 1000/s")
        guard let value = PacketRate.perSecond(word) else { throw fail("\(word) is not a rate (write 1000/s)") }
        rate = value
        try noMore(3)
      }
      return .pcap(path: path, ratePerSecond: rate)
    default:
      throw fail(
        "unknown command \(verb) (known: wait, type, key, press, release, serial, mask, unmask, nmi, spurious, "
          + "reset, packet, burst, pcap, expect screen, expect serial, expect rx, dump)"
      )
    }
  }

  /// `packet [LEN] [payload "text" | hex:…]` or `packet arp`; the frame is built once here so a bad length or
  /// hex digit is reported with its line.
  static func packetSpec(_ args: [Word], fail: (String) -> ScriptError) throws(ScriptError) -> PacketSpec {
    var rest = args[...]
    if case .bare("arp")? = rest.first {
      guard rest.count == 1 else { throw fail("packet arp takes nothing more") }
      return .arp
    }
    var length: Int?
    if case .bare(let word)? = rest.first, let value = Int(word) {
      length = value
      rest.removeFirst()
    }
    var spec = PacketSpec.udp(length: length, payload: nil)
    switch rest.first {
    case nil: break
    case .bare("payload")?:
      guard rest.count >= 2, case .quoted(let raw) = rest[rest.startIndex + 1] else {
        throw fail("payload needs a quoted string: packet payload \"hello\"")
      }
      do {
        spec = .udp(length: length, payload: try byteText(raw))
      } catch {
        throw fail(error.message)
      }
      rest.removeFirst(2)
    case .bare(let word)? where word.hasPrefix("hex:"):
      var frame: [UInt8]
      do {
        frame = try EthernetFrame.raw(hex: word)
      } catch {
        throw fail(error.description)
      }
      if let length {
        guard length >= frame.count, length <= EthernetFrame.maximumLength else {
          throw fail(
            "LEN \(length) must be from the raw frame's \(frame.count) bytes to \(EthernetFrame.maximumLength)")
        }
        frame += [UInt8](repeating: 0, count: length - frame.count)
      }
      spec = .raw(frame)
      rest.removeFirst()
    case let other?:
      throw fail("packet: \(describe(other)) is neither a length, payload \"text\", hex:… nor arp")
    }
    if let extra = rest.first { throw fail("unexpected text after packet: \(describe(extra))") }
    if case .udp(let length, let payload) = spec {
      do {
        _ = try EthernetFrame.udp(to: E1000.defaultMAC, sequence: 1, payload: payload, length: length)
      } catch {
        throw fail(error.description)
      }
    }
    return spec
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
