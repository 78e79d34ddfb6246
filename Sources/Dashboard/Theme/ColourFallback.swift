/// Fallbacks for terminals with fewer than 2^24 colours, computed from a theme's hex colours: the nearest entry of
/// xterm's 256-colour palette and the nearest of the 16 ANSI colours, by squared distance in RGB.
extension RGB {
  /// The six levels of each channel in xterm's 6×6×6 colour cube (indices 16–231).
  static let cubeLevels: [Int] = [0, 95, 135, 175, 215, 255]

  /// The nearest colour of xterm's 256-colour palette, from the 6×6×6 cube (16–231) or the grey ramp (232–255,
  /// 8 + 10·i). The first 16 are left out: every terminal sets them differently. On a tie the cube wins.
  public var xterm256Index: Int {
    let r = RGB.nearestCubeLevel(red)
    let g = RGB.nearestCubeLevel(green)
    let b = RGB.nearestCubeLevel(blue)
    let cube = RGB(
      red: UInt8(RGB.cubeLevels[r]), green: UInt8(RGB.cubeLevels[g]), blue: UInt8(RGB.cubeLevels[b]))
    let average = (Int(red) + Int(green) + Int(blue)) / 3
    let step = min(23, max(0, (average - 8 + 5) / 10))
    let grey = UInt8(8 + 10 * step)
    let greyColour = RGB(red: grey, green: grey, blue: grey)
    if squaredDistance(to: greyColour) < squaredDistance(to: cube) { return 232 + step }
    return 16 + 36 * r + 6 * g + b
  }

  /// The colour xterm shows for palette index 16–255 (the inverse of `xterm256Index`).
  public init?(xterm256Index index: Int) {
    switch index {
    case 16...231:
      let n = index - 16
      self.init(
        red: UInt8(RGB.cubeLevels[n / 36]), green: UInt8(RGB.cubeLevels[n / 6 % 6]),
        blue: UInt8(RGB.cubeLevels[n % 6]))
    case 232...255:
      let grey = UInt8(8 + 10 * (index - 232))
      self.init(red: grey, green: grey, blue: grey)
    default:
      return nil
    }
  }

  /// The 16 ANSI colours in ANSI order (0 black, 1 red, 2 green, 3 yellow, 4 blue, 5 magenta, 6 cyan, 7 white, then
  /// the bright eight) as the Linux console draws them: the VGA palette, whose "yellow" is brown (#aa5500).
  public static let ansi16: [RGB] = [
    0x000000, 0xAA0000, 0x00AA00, 0xAA5500, 0x0000AA, 0xAA00AA, 0x00AAAA, 0xAAAAAA,
    0x555555, 0xFF5555, 0x55FF55, 0xFFFF55, 0x5555FF, 0xFF55FF, 0x55FFFF, 0xFFFFFF,
  ].map { RGB(red: UInt8($0 >> 16), green: UInt8($0 >> 8 & 0xFF), blue: UInt8($0 & 0xFF)) }

  /// The nearest of the 16 ANSI colours (0–7 → SGR 30–37, 8–15 → SGR 90–97); on a tie the lower index wins.
  public var ansi16Index: Int {
    var best = 0
    for index in 1..<16 where squaredDistance(to: RGB.ansi16[index]) < squaredDistance(to: RGB.ansi16[best]) {
      best = index
    }
    return best
  }

  /// The squared Euclidean distance between two colours in RGB.
  public func squaredDistance(to other: RGB) -> Int {
    let dr = Int(red) - Int(other.red)
    let dg = Int(green) - Int(other.green)
    let db = Int(blue) - Int(other.blue)
    return dr * dr + dg * dg + db * db
  }

  static func nearestCubeLevel(_ channel: UInt8) -> Int {
    let value = Int(channel)
    var best = 0
    for index in 1..<cubeLevels.count where abs(cubeLevels[index] - value) < abs(cubeLevels[best] - value) {
      best = index
    }
    return best
  }
}
