/// Hex digits as the remote protocol writes them: lower case out, either case in.
public enum Hex {
  static let digits: [UInt8] = Array("0123456789abcdef".utf8)

  /// The value of one hex digit, or nil.
  public static func digit(_ c: UInt8) -> UInt8? {
    switch c {
    case UInt8(ascii: "0")...UInt8(ascii: "9"): return c - UInt8(ascii: "0")
    case UInt8(ascii: "a")...UInt8(ascii: "f"): return c - UInt8(ascii: "a") + 10
    case UInt8(ascii: "A")...UInt8(ascii: "F"): return c - UInt8(ascii: "A") + 10
    default: return nil
    }
  }

  /// Bytes as pairs of hex digits.
  public static func encode<Bytes: Sequence<UInt8>>(_ bytes: Bytes) -> String {
    var out: [UInt8] = []
    for byte in bytes {
      out.append(digits[Int(byte >> 4)])
      out.append(digits[Int(byte & 0xF)])
    }
    return String(decoding: out, as: UTF8.self)
  }

  /// A 32-bit value in target (little-endian) byte order, as `g` and `p` send registers.
  public static func encodeLittleEndian(_ value: UInt32) -> String {
    encode([UInt8(value & 0xFF), UInt8(value >> 8 & 0xFF), UInt8(value >> 16 & 0xFF), UInt8(value >> 24)])
  }

  /// Pairs of hex digits as bytes; nil for an odd length or a non-hex character.
  public static func decode<Chars: Collection<UInt8>>(_ text: Chars) -> [UInt8]? {
    guard text.count % 2 == 0 else { return nil }
    var out: [UInt8] = []
    out.reserveCapacity(text.count / 2)
    var high: UInt8?
    for c in text {
      guard let d = digit(c) else { return nil }
      if let h = high {
        out.append(h << 4 | d)
        high = nil
      } else {
        high = d
      }
    }
    return out
  }

  /// A number written in hex (most significant digit first), at most 32 bits; nil when empty, too long or not hex.
  public static func number<Chars: Collection<UInt8>>(_ text: Chars) -> UInt32? {
    guard !text.isEmpty else { return nil }
    var value: UInt64 = 0
    for c in text {
      guard let d = digit(c) else { return nil }
      value = value << 4 | UInt64(d)
      guard value <= UInt64(UInt32.max) else { return nil }
    }
    return UInt32(value)
  }
}
