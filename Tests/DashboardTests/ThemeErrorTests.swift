import Foundation
import Testing

@testable import Dashboard

/// One broken theme per mistake (Fixtures/themes), each with the exact message a person gets.
struct ThemeErrorTests {
  func fixture(_ name: String) throws -> String {
    try #require(Bundle.module.url(forResource: name, withExtension: "toml", subdirectory: "Fixtures/themes")).path
  }

  func message(loading name: String) throws -> (path: String, message: String?) {
    let path = try fixture(name)
    do {
      _ = try BuiltInThemes.theme(atPath: path)
      return (path, nil)
    } catch {
      return (path, error.description)
    }
  }

  @Test func tomlSyntaxErrorNamesLineColumnAndKey() throws {
    let (path, message) = try message(loading: "syntax-error")
    // Line 5 is `irr = { fg = "#fab387, bold = true }`: the string never closes before the end of the line.
    // toml++ stops at column 37, the line's end (36 characters), where it meets the newline inside the string.
    #expect(
      message
        == "\(path):5:37: roles.irr: TOML syntax error: Error while parsing string: "
        + "unescaped control characters other than TAB (U+0009) are explicitly prohibited")
  }

  @Test func unknownRoleSuggestsTheNearestRole() throws {
    let (path, message) = try message(loading: "unknown-role")
    #expect(message == "\(path):6: roles.irq: unknown role \"irq\"; did you mean \"irr\"?")
  }

  @Test func badHexDigitIsNotAColour() throws {
    let (path, message) = try message(loading: "bad-hex")
    #expect(message == "\(path):6: roles.border.fg: \"#58g70\" is not a colour; write \"#rrggbb\" (six hex digits)")
  }

  @Test func threeDigitColourIsNotAccepted() throws {
    let (path, message) = try message(loading: "bad-hex-short")
    #expect(message == "\(path):4: roles.vga0: \"#000\" is not a colour; write \"#rrggbb\" (six hex digits)")
  }

  @Test func stringForABooleanIsAWrongType() throws {
    let (path, message) = try message(loading: "wrong-type")
    #expect(message == "\(path):5: roles.irr.bold: expected true or false, found a string")
  }

  @Test func numberForARoleIsAWrongType() throws {
    let (path, message) = try message(loading: "wrong-type-role")
    #expect(
      message
        == "\(path):4: roles.imr: expected a table like { fg = \"#89b4fa\", bold = true } or a colour string, found an integer"
    )
  }

  @Test func unknownAttributeListsTheAttributes() throws {
    let (path, message) = try message(loading: "unknown-attribute")
    #expect(
      message
        == "\(path):4: roles.title.italic: unknown attribute \"italic\"; a role has fg, bg, bold, underline and reverse"
    )
  }

  @Test func unknownTopLevelKeyIsAnError() throws {
    let (path, message) = try message(loading: "unknown-key")
    #expect(message == "\(path):2: colours: unknown key \"colours\"; a theme has name, description and [roles]")
  }

  @Test func firstMistakeInTheFileIsTheOneNamed() throws {
    // warning (line 4) comes before error (line 5) in the file, though not in alphabetical order.
    let (path, message) = try message(loading: "two-mistakes")
    #expect(message == "\(path):4: roles.warning.fg: \"yellow\" is not a colour; write \"#rrggbb\" (six hex digits)")
  }
}
