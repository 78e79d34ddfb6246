import Dashboard

/// The xterm key sequences after ESC, for when terminfo did not describe them (xterm's ctlseqs, "PC-Style
/// Function Keys"; btop keeps the same table as `Key_escapes`):
/// - `CSI A/B/C/D/H/F` arrows, Home, End (`SS3` = `ESC O` the same in application cursor mode); `CSI Z` Shift-Tab;
/// - `CSI n ~`: 1/7 Home, 2 Insert, 3 Delete, 4/8 End, 5 PgUp, 6 PgDn, 11–15 F1–F5, 17–21 F6–F10, 23–24 F11–F12;
/// - `SS3 P/Q/R/S` F1–F4;
/// - a second parameter is 1 + modifiers (Shift 1, Alt 2, Ctrl 4): `CSI 1;3A` is Alt-Up.
enum EscapeSequence {
  /// The most characters a sequence may take after ESC (longer runs are not key sequences).
  static let longest = 16

  /// Matches `characters` (what followed ESC, starting with `[` or `O`): the key (nil for a well-formed
  /// sequence that names no key, which is dropped) and how many characters the sequence took; nil when the
  /// characters do not form a sequence (then ESC was Alt plus `[` or `O`).
  static func match(_ characters: [UInt32]) -> (KeyEvent?, Int)? {
    guard let introducer = characters.first, characters.count >= 2 else { return nil }
    if introducer == 0x4F {  // SS3: one final character; ESC O then anything else is Alt-O and that key
      guard let key = key(final: characters[1], parameters: []) else { return nil }
      return (key, 2)
    }
    // CSI: parameter bytes 0x30–0x3F, intermediate bytes 0x20–0x2F, one final byte 0x40–0x7E.
    var index = 1
    while index < characters.count, (0x20...0x3F).contains(characters[index]) { index += 1 }
    guard index < characters.count, (0x40...0x7E).contains(characters[index]) else { return nil }
    let parameterText = String(
      decoding: characters[1..<index].map { UInt8(truncatingIfNeeded: $0) }, as: UTF8.self)
    if parameterText.first.map({ "<=>?".contains($0) }) == true { return (nil, index + 1) }  // private: not a key
    let parameters = parameterText.split(separator: ";", omittingEmptySubsequences: false).map { Int($0) }
    return (key(final: characters[index], parameters: parameters), index + 1)
  }

  private static func key(final: UInt32, parameters: [Int?]) -> KeyEvent? {
    let base: KeyEvent?
    switch Unicode.Scalar(final).map(Character.init) {
    case "A": base = .up
    case "B": base = .down
    case "C": base = .right
    case "D": base = .left
    case "H": base = .home
    case "F": base = .end
    case "Z": base = .backTab
    case "P": base = .function(1)
    case "Q": base = .function(2)
    case "R": base = .function(3)
    case "S": base = .function(4)
    case "~": base = tilde(parameters.first.flatMap { $0 } ?? 0)
    default: base = nil
    }
    guard let key = base else { return nil }
    let modifiers = (parameters.count > 1 ? parameters[1] ?? 1 : 1) - 1
    return modifiers & 2 != 0 ? .alt(key) : key
  }

  private static func tilde(_ number: Int) -> KeyEvent? {
    switch number {
    case 1, 7: .home
    case 2: .insert
    case 3: .delete
    case 4, 8: .end
    case 5: .pageUp
    case 6: .pageDown
    case 11...15: .function(number - 10)
    case 17...21: .function(number - 11)
    case 23, 24: .function(number - 12)
    default: nil
    }
  }
}
