/// Finds the line a key was written on. TOMLKit reports lines only for syntax errors, so for a key that parses but
/// means nothing (an unknown role, a bad colour) the theme reader looks the key up in the source text: table
/// headers (`[roles]`, `[roles.irr]`), `key = value` lines (dotted keys too) and the keys of one-line inline
/// tables (`irr = { fg = "#fab387" }`). Multi-line strings and arrays are not followed; themes do not use them.
enum TOMLKeyLocator {
  /// The 1-based line where `path` (e.g. `["roles", "irr", "fg"]`) is defined, or nil.
  static func line(of path: [String], in source: String) -> Int? {
    var table: [String] = []
    for (index, rawLine) in source.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
      let line = withoutComment(rawLine).trimming(" \t\r")
      guard !line.isEmpty else { continue }
      if line.hasPrefix("[") {
        let inner = line.trimming("[] \t")
        table = splitKey(inner)
        if table == path { return index + 1 }
        continue
      }
      guard let equals = firstUnquoted("=", in: line) else { continue }
      let full = table + splitKey(String(line[..<equals]))
      if full == path { return index + 1 }
      // The rest of the path inside this line's inline table: `irr = { fg = "#…" }`.
      if full.count < path.count, Array(path.prefix(full.count)) == full {
        var rest = Substring(line[line.index(after: equals)...])
        var found = true
        for key in path.dropFirst(full.count) {
          guard let after = inlineKey(key, in: rest) else {
            found = false
            break
          }
          rest = after
        }
        if found { return index + 1 }
      }
    }
    return nil
  }

  /// The dotted key path of `key` at 1-based `line` (for naming the key a syntax error is in), or nil.
  static func keyPath(atLine line: Int, in source: String) -> String? {
    var table: [String] = []
    for (index, rawLine) in source.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
      let text = withoutComment(rawLine).trimming(" \t\r")
      if text.hasPrefix("[") {
        table = splitKey(text.trimming("[] \t"))
        if index + 1 == line { return table.joined(separator: ".") }
        continue
      }
      guard index + 1 == line else { continue }
      guard let equals = firstUnquoted("=", in: text) else { return nil }
      let key = table + splitKey(String(text[..<equals]))
      return key.joined(separator: ".")
    }
    return nil
  }

  /// The text after `key =` inside an inline table, or nil when `key` is not one of its keys.
  private static func inlineKey(_ key: String, in text: Substring) -> Substring? {
    var quote: Character?
    var position = text.startIndex
    var atKeyStart = false
    while position < text.endIndex {
      let character = text[position]
      if let open = quote {
        if character == open { quote = nil }
      } else if character == "\"" || character == "'" {
        if atKeyStart, text[position...].hasPrefix("\"\(key)\"") || text[position...].hasPrefix("'\(key)'") {
          let after = text.index(position, offsetBy: key.count + 2)
          if let rest = afterEquals(text[after...]) { return rest }
        }
        quote = character
      } else if character == "{" || character == "," {
        atKeyStart = true
      } else if atKeyStart && character != " " && character != "\t" {
        if text[position...].hasPrefix(key) {
          let after = text.index(position, offsetBy: key.count)
          if let rest = afterEquals(text[after...]) { return rest }
        }
        atKeyStart = false
      }
      position = text.index(after: position)
    }
    return nil
  }

  private static func afterEquals(_ text: Substring) -> Substring? {
    let trimmed = text.drop { $0 == " " || $0 == "\t" }
    guard trimmed.first == "=" else { return nil }
    return trimmed.dropFirst()
  }

  /// A dotted key split into its parts, quotes removed: `roles."irr"` → ["roles", "irr"].
  private static func splitKey(_ key: String) -> [String] {
    var parts: [String] = []
    var current = ""
    var quote: Character?
    for character in key {
      if let open = quote {
        if character == open { quote = nil } else { current.append(character) }
      } else if character == "\"" || character == "'" {
        quote = character
      } else if character == "." {
        parts.append(current.trimming(" \t"))
        current = ""
      } else {
        current.append(character)
      }
    }
    parts.append(current.trimming(" \t"))
    return parts
  }

  /// The line up to a `#` that is not inside a string.
  private static func withoutComment(_ line: Substring) -> String {
    guard let hash = firstUnquoted("#", in: String(line)) else { return String(line) }
    let text = String(line)
    return String(text[..<hash])
  }

  private static func firstUnquoted(_ target: Character, in text: String) -> String.Index? {
    var quote: Character?
    var index = text.startIndex
    while index < text.endIndex {
      let character = text[index]
      if let open = quote {
        if character == open { quote = nil }
      } else if character == "\"" || character == "'" {
        quote = character
      } else if character == target {
        return index
      }
      index = text.index(after: index)
    }
    return nil
  }
}

extension String {
  fileprivate func trimming(_ set: String) -> String {
    let characters = Set(set)
    var text = Substring(self)
    while let first = text.first, characters.contains(first) { text = text.dropFirst() }
    while let last = text.last, characters.contains(last) { text = text.dropLast() }
    return String(text)
  }
}
