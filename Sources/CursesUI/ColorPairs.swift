import Dashboard

/// How many colours the terminal can show, from has_colors() and COLORS.
enum ColorDepth: Sendable, Equatable {
  /// No colour: attributes only.
  case none
  case eight
  case sixteen
  /// The xterm 256-colour palette: 16 system colours, a 6×6×6 cube (16–231) and 24 greys (232–255).
  case palette256
  /// Direct colour (COLORS = 2^24, TERM=xterm-direct): a colour number is 0xRRGGBB.
  case direct

  init(hasColors: Bool, colors: Int) {
    switch colors {
    case _ where !hasColors: self = .none
    case 0x100_0000...: self = .direct
    case 256...: self = .palette256
    case 16...: self = .sixteen
    case 8...: self = .eight
    default: self = .none
    }
  }

  var name: String {
    switch self {
    case .none: "none"
    case .eight: "8"
    case .sixteen: "16"
    case .palette256: "256"
    case .direct: "24-bit"
    }
  }

  /// The colour number nearest `rgb`; -1 (the terminal's default) for nil when `defaults` is allowed, else
  /// `fallback` (COLOR_WHITE for a foreground, COLOR_BLACK for a background).
  func number(for rgb: RGB?, defaults: Bool, fallback: Int32) -> Int32 {
    guard let rgb else { return defaults ? -1 : fallback }
    switch self {
    case .none: return defaults ? -1 : fallback
    case .eight: return Int32(XtermPalette.nearest(rgb, among: 0..<8))
    case .sixteen: return Int32(XtermPalette.nearest(rgb, among: 0..<16))
    case .palette256: return Int32(XtermPalette.nearest256(rgb))
    case .direct: return Int32(rgb.red) << 16 | Int32(rgb.green) << 8 | Int32(rgb.blue)
    }
  }
}

/// xterm's default colours, by index.
enum XtermPalette {
  /// The 16 system colours as xterm sets them by default (its XTerm-col.ad resources).
  static let system: [(Int, Int, Int)] = [
    (0, 0, 0), (205, 0, 0), (0, 205, 0), (205, 205, 0), (0, 0, 238), (205, 0, 205), (0, 205, 205), (229, 229, 229),
    (127, 127, 127), (255, 0, 0), (0, 255, 0), (255, 255, 0), (92, 92, 255), (255, 0, 255), (0, 255, 255),
    (255, 255, 255),
  ]
  /// The levels of each channel in the 6×6×6 cube.
  static let cubeLevels = [0, 95, 135, 175, 215, 255]

  /// The RGB of palette entry `index` (0–255).
  static func rgb(_ index: Int) -> (Int, Int, Int) {
    switch index {
    case 0..<16: return system[index]
    case 16..<232:
      let cube = index - 16
      return (cubeLevels[cube / 36], cubeLevels[cube / 6 % 6], cubeLevels[cube % 6])
    default:
      let grey = 8 + 10 * (index - 232)
      return (grey, grey, grey)
    }
  }

  static func distance(_ a: (Int, Int, Int), _ b: RGB) -> Int {
    let (dr, dg, db) = (a.0 - Int(b.red), a.1 - Int(b.green), a.2 - Int(b.blue))
    return dr * dr + dg * dg + db * db
  }

  /// The nearest entry among `indices` (ties go to the lower index).
  static func nearest(_ rgb: RGB, among indices: Range<Int>) -> Int {
    indices.min { distance(self.rgb($0), rgb) < distance(self.rgb($1), rgb) } ?? 0
  }

  /// The nearest entry of the cube or the grey ramp. The 16 system colours are left out on purpose: users and
  /// themes redefine them, while 16–255 mean the same RGB in every xterm-compatible terminal.
  static func nearest256(_ rgb: RGB) -> Int {
    func level(_ value: UInt8) -> Int {
      (0..<6).min { abs(cubeLevels[$0] - Int(value)) < abs(cubeLevels[$1] - Int(value)) } ?? 0
    }
    let cube = 16 + 36 * level(rgb.red) + 6 * level(rgb.green) + level(rgb.blue)
    let average = (Int(rgb.red) + Int(rgb.green) + Int(rgb.blue)) / 3
    let grey = 232 + min(23, max(0, (average - 8 + 5) / 10))
    return distance(self.rgb(grey), rgb) < distance(self.rgb(cube), rgb) ? grey : cube
  }
}

/// Colour pairs allocated on demand: one per (foreground, background) the frames use, cached; pair 0 is the
/// terminal's default pair. When the terminal's COLOR_PAIRS run out, further combinations fall back to pair 0.
struct ColorPairs {
  private var numbers: [PairKey: Int32] = [:]
  private var next: Int32 = 1
  let limit: Int

  struct PairKey: Hashable {
    var foreground: Int32
    var background: Int32
  }

  init(limit: Int) { self.limit = limit }

  /// The pair for `foreground` on `background`; `allocate` (init_extended_pair) runs once per new pair.
  mutating func pair(
    foreground: Int32, background: Int32, allocate: (Int32, Int32, Int32) throws -> Void
  ) rethrows -> Int32 {
    if foreground == -1 && background == -1 { return 0 }
    let key = PairKey(foreground: foreground, background: background)
    if let number = numbers[key] { return number }
    guard Int(next) < limit else { return 0 }
    let number = next
    try allocate(number, foreground, background)
    next += 1
    numbers[key] = number
    return number
  }
}
