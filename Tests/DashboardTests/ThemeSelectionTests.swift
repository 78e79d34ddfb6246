import Testing

@testable import Dashboard

struct ThemeSelectionTests {
  func choose(
    _ option: String? = nil, noColor: Bool = false, _ environment: [String: String] = [:], colours: Int = 256
  ) -> ThemeSelection.Choice {
    ThemeSelection.choose(option: option, noColor: noColor, environment: environment, terminalColours: colours).choice
  }

  @Test func nothingGivenIsDefault() {
    #expect(choose() == .builtIn("default"))
  }

  @Test func themeOptionNamesABuiltInThemeOrAFile() {
    #expect(choose("light") == .builtIn("light"))
    #expect(choose("./mine.toml") == .file("./mine.toml"))
    #expect(choose("themes/mine") == .file("themes/mine"))
    #expect(choose("mine.toml") == .file("mine.toml"))
  }

  @Test func environmentThemeIsUsedWithoutAnOption() {
    #expect(choose(nil, ["IRQSCOPE_THEME": "high-contrast"]) == .builtIn("high-contrast"))
    #expect(choose("light", ["IRQSCOPE_THEME": "high-contrast"]) == .builtIn("light"))
    #expect(choose(nil, ["IRQSCOPE_THEME": ""]) == .builtIn("default"))
  }

  @Test func noColorWithAnyNonEmptyValueSelectsMonochrome() {
    #expect(choose(nil, ["NO_COLOR": "1"]) == .builtIn("monochrome"))
    #expect(choose(nil, ["NO_COLOR": "0"]) == .builtIn("monochrome"))
    #expect(choose(nil, ["NO_COLOR": ""]) == .builtIn("default"))
    #expect(choose(nil, ["NO_COLOR": "1", "IRQSCOPE_THEME": "light"]) == .builtIn("monochrome"))
  }

  @Test func commandLineThemeOverridesNoColorAsNoColorOrgAsks() {
    #expect(choose("light", ["NO_COLOR": "1"]) == .builtIn("light"))
  }

  @Test func noColorFlagWinsOverATheme() {
    #expect(choose("light", noColor: true) == .builtIn("monochrome"))
  }

  @Test func terminalWithoutColoursGetsMonochrome() {
    #expect(choose("light", colours: 0) == .builtIn("monochrome"))
    #expect(choose(colours: -1) == .builtIn("monochrome"))
    #expect(choose(colours: 2) == .builtIn("monochrome"))
    #expect(choose(colours: 8) == .builtIn("default"))
  }

  @Test func reasonSaysWhy() {
    let selection = ThemeSelection.choose(
      option: nil, noColor: false, environment: ["NO_COLOR": "1"], terminalColours: 256)
    #expect(selection.reason == "NO_COLOR is set")
  }
}
