import Foundation
import Testing

@testable import Dashboard

#if canImport(FoundationXML)
  import FoundationXML
#endif

struct RenderTextTests {
  @Test func textIsOneLinePerRowWithoutTrailingSpaces() {
    var canvas = Canvas(width: 5, height: 3)
    canvas.put("ab", row: 0, column: 0, style: .role(.irr))
    canvas.put("c界d", row: 1, column: 1)
    #expect(TextRenderer.render(canvas) == "ab\n c界d\n\n")
    #expect(TextRenderer.render(canvas, keepTrailingSpaces: true) == "ab   \n c界d\n     \n")
  }
}

struct RenderANSITests {
  let theme: Theme

  init() throws { theme = try BuiltInThemes.defaultTheme() }

  func canvas() -> Canvas {
    var canvas = Canvas(width: 4, height: 1)
    canvas.put("hi", row: 0, column: 0, style: .role(.irr))
    canvas.put("x", row: 0, column: 3)
    return canvas
  }

  @Test func trueColourRunsStartWithAFullSGRAndLinesEndWithAReset() {
    // default.toml: irr = #fab387 bold on text's #1e1e2e; text = #cdd6f4.
    let expected =
      "\u{1B}[0;1;38;2;250;179;135;48;2;30;30;46mhi"
      + "\u{1B}[0;38;2;205;214;244;48;2;30;30;46m x" + "\u{1B}[0m\n"
    #expect(ANSIRenderer.render(canvas(), theme: theme) == expected)
  }

  @Test func xterm256UsesThePaletteIndices() {
    let expected = "\u{1B}[0;1;38;5;216;48;5;235mhi\u{1B}[0;38;5;189;48;5;235m x\u{1B}[0m\n"
    #expect(ANSIRenderer.render(canvas(), theme: theme, depth: .xterm256) == expected)
  }

  @Test func sixteenColoursUseSGR30To37And40To47() {
    // #fab387 is nearest #aaaaaa (ANSI 7: 80²+9²+35² = 7706 against #ffffff's 20201); #cdd6f4 nearest #ffffff
    // (ANSI 15: 50²+41²+11² = 4302 against #aaaaaa's 8637); #1e1e2e black (0).
    let expected = "\u{1B}[0;1;37;40mhi\u{1B}[0;97;40m x\u{1B}[0m\n"
    #expect(ANSIRenderer.render(canvas(), theme: theme, depth: .ansi16) == expected)
  }

  @Test func brightColoursUseSGR90And100() {
    let look = Appearance(foreground: RGB(hex: "#ff5555"), background: RGB(hex: "#ffffff"))
    #expect(ANSIRenderer.sgr(look, depth: .ansi16) == "\u{1B}[0;91;107m")
  }

  @Test func monochromeIsAttributesOnly() throws {
    let mono = try BuiltInThemes.theme(named: "monochrome")
    var canvas = Canvas(width: 3, height: 1)
    canvas.put("1", row: 0, column: 0, style: .role(.irr))
    canvas.put("1", row: 0, column: 1, style: .role(.isr))
    canvas.put("1", row: 0, column: 2, style: .role(.imr))
    #expect(ANSIRenderer.render(canvas, theme: mono) == "\u{1B}[0;1m1\u{1B}[0;7m1\u{1B}[0;4m1\u{1B}[0m\n")
  }

  @Test func wideGlyphTailIsNotWritten() {
    var canvas = Canvas(width: 3, height: 1)
    canvas.put("界x", row: 0, column: 0)
    let output = ANSIRenderer.render(canvas, theme: theme, depth: .none)
    #expect(output == "\u{1B}[0m界x\u{1B}[0m\n")
  }
}

/// Reads an SVG back with Foundation's XML parser: element names with their attributes, and text contents.
final class SVGReader: NSObject, XMLParserDelegate {
  var elements: [(name: String, attributes: [String: String])] = []
  var texts: [String] = []
  var current: String?

  static func read(_ svg: String) -> SVGReader? {
    let reader = SVGReader()
    let parser = XMLParser(data: Data(svg.utf8))
    parser.delegate = reader
    return parser.parse() ? reader : nil
  }

  func parser(
    _ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?, qualifiedName: String?,
    attributes: [String: String]
  ) {
    elements.append((elementName, attributes))
    if elementName == "text" { current = "" }
  }

  func parser(_ parser: XMLParser, foundCharacters string: String) { current? += string }

  func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName: String?) {
    if elementName == "text", let current { texts.append(current) }
    current = nil
  }

  func all(_ name: String) -> [[String: String]] { elements.filter { $0.name == name }.map(\.attributes) }
}

struct RenderSVGTests {
  let theme: Theme

  init() throws { theme = try BuiltInThemes.defaultTheme() }

  func framed() -> Canvas {
    var canvas = Canvas(width: 4, height: 3)
    canvas.box(canvas.bounds)
    canvas.put("x", row: 1, column: 1, style: .role(.isr))
    return canvas
  }

  @Test func svgIsWellFormedAndSizedByTheCellGrid() throws {
    let reader = try #require(SVGReader.read(SVGRenderer().render(framed(), theme: theme)))
    let svg = try #require(reader.all("svg").first)
    // 4 columns × 8.4 px, 3 rows × 17 px.
    #expect(svg["width"] == "33.6")
    #expect(svg["height"] == "51")
    #expect(svg["viewBox"] == "0 0 33.6 51")
  }

  @Test func styledCellHasABackgroundRectOfItsColourAtItsCell() throws {
    let reader = try #require(SVGReader.read(SVGRenderer().render(framed(), theme: theme)))
    // isr in default.toml: #11111b on #f38ba8; the cell is column 1, row 1 → x 8.4, y 17.
    let rects = reader.all("rect").filter { $0["fill"] == "#f38ba8" }
    #expect(rects.count == 1)
    #expect(rects.first?["x"] == "8.4")
    #expect(rects.first?["y"] == "17")
    #expect(rects.first?["width"] == "8.4")
    #expect(rects.first?["height"] == "17")
    let page = try #require(reader.all("rect").first)
    #expect(page["fill"] == "#1e1e2e")
    // The text glyph: at its cell's x, on the baseline 13 px into row 1, in the role's foreground, bold.
    let text = try #require(reader.all("text").first)
    #expect(text["x"] == "8.4")
    #expect(text["y"] == "30")
    #expect(text["fill"] == "#11111b")
    #expect(text["font-weight"] == "bold")
    #expect(reader.texts == ["x"])
  }

  @Test func boxCornerIsAPathNotAGlyph() throws {
    let reader = try #require(SVGReader.read(SVGRenderer().render(framed(), theme: theme)))
    let paths = reader.all("path")
    #expect(paths.count == 1)
    let path = try #require(paths.first)
    #expect(path["stroke"] == "#585b70")  // border in default.toml
    #expect(path["stroke-width"] == "1.2")
    // Collinear segments join into one line per side. The top edge runs from ┌'s centre (4.2, less half the
    // 1.2 px stroke: 3.6) to ┐'s (3·8.4 + 4.2 + 0.6 = 30) at y 8.5; the left edge from y 8.5 − 0.6 to
    // 2·17 + 8.5 + 0.6 = 43.1 at x 4.2; the others likewise — so the corners have no notch.
    let edges = [
      "M3.6 8.5L30 8.5", "M3.6 42.5L30 42.5", "M4.2 7.9L4.2 43.1", "M29.4 7.9L29.4 43.1",
    ]
    #expect(path["d"] == edges.joined(separator: " "))
    #expect(!reader.texts.joined().contains { "┌┐└┘─│".contains($0) })
  }

  @Test func doubleCornerIsTwoNestedLines() throws {
    var canvas = Canvas(width: 1, height: 1)
    canvas.put("╔", row: 0, column: 0)
    let reader = try #require(SVGReader.read(SVGRenderer().render(canvas, theme: theme)))
    let d = try #require(reader.all("path").first?["d"])
    // Centre (4.2, 8.5), lines 2 px either side, drawn quadrant by quadrant: the outer line along y 6.5 from the
    // right edge and down x 2.2 to the bottom edge, the inner one along y 10.5 and down x 6.2. Straight pieces
    // come first (horizontal, then vertical), then the corner pieces.
    let expected = [
      "M4.2 6.5L8.4 6.5", "M2.2 8.5L2.2 17", "M2.2 8.5L2.2 6.5L4.2 6.5", "M6.2 17L6.2 10.5L8.4 10.5",
    ]
    #expect(d == expected.joined(separator: " "))
  }

  @Test func singleLineHangsFromTheNearerDoubleLineAndCrossesWhenItContinues() throws {
    func pathData(_ character: Character) throws -> String {
      var canvas = Canvas(width: 1, height: 1)
      canvas.put(String(character), row: 0, column: 0)
      return try #require(SVGReader.read(SVGRenderer().render(canvas, theme: theme))?.all("path").first?["d"])
    }
    // ╤: the double lines at y 6.5 and 10.5 run across; the single line starts on the lower one's top edge
    // (10.5 − 0.6) and runs down — it does not cross into the gap between the double lines.
    #expect(try pathData("╤") == "M0 6.5L8.4 6.5 M0 10.5L8.4 10.5 M4.2 9.9L4.2 17")
    // ╪: the single line runs from top to bottom through both.
    #expect(try pathData("╪") == "M0 6.5L8.4 6.5 M0 10.5L8.4 10.5 M4.2 0L4.2 17")
  }

  @Test(arguments: BuiltInThemes.names)
  func everyLineAndBlockCharacterIsGeometryNotText(name: String) throws {
    let characters = "─│┌┐└┘├┤┬┴┼━┃┏┓┗┛┣┫┳┻╋═║╔╗╚╝╠╣╦╩╬╒╓╕╖╘╙╛╜╞╟╡╢╤╥╧╨╪╫╴╵╶╷╸╹╺╻╭╮╯╰▀▁▂▃▄▅▆▇█▉▊▋▌▍▎▏▐░▒▓▔▕"
    let canvas = Canvas(lines: [characters])
    let reader = try #require(
      SVGReader.read(SVGRenderer().render(canvas, theme: try BuiltInThemes.theme(named: name))))
    #expect(reader.texts.isEmpty)
    // 22 block elements, each one rectangle, besides the page's.
    #expect(reader.all("rect").count == 1 + 22)
  }

  @Test func specialCharactersAreEscaped() throws {
    let canvas = Canvas(lines: ["a<b&\"c\">"])
    let svg = SVGRenderer().render(canvas, theme: theme)
    #expect(svg.contains("a&lt;b&amp;&quot;c&quot;&gt;"))
    let reader = try #require(SVGReader.read(svg))
    #expect(reader.texts == ["a<b&\"c\">"])
  }

  @Test func titleIsEscapedIntoTheTitleElement() throws {
    var renderer = SVGRenderer()
    renderer.title = "irqscope: IRQ 1 & IRQ 11 <masked>"
    let svg = renderer.render(Canvas(lines: ["x"]), theme: theme)
    #expect(svg.contains("<title>irqscope: IRQ 1 &amp; IRQ 11 &lt;masked&gt;</title>"))
    #expect(SVGReader.read(svg) != nil)
  }

  @Test func everyGlyphHasItsCellsXAndWideTailsAreSkipped() throws {
    let canvas = Canvas(lines: ["界x y"])
    let reader = try #require(SVGReader.read(SVGRenderer().render(canvas, theme: theme)))
    let texts = reader.all("text")
    #expect(texts.map { $0["x"] } == ["0 16.8", "33.6"])
    #expect(reader.texts == ["界x", "y"])
  }

  @Test func underlineIsARectBelowTheBaseline() throws {
    var canvas = Canvas(width: 3, height: 1)
    canvas.put("ab", row: 0, column: 1, style: .role(.imr))
    let reader = try #require(SVGReader.read(SVGRenderer().render(canvas, theme: theme)))
    // imr in default.toml: #89dceb underlined; 1.5 px below the 13 px baseline, 1 px high, two cells wide.
    let line = reader.all("rect").filter { $0["fill"] == "#89dceb" }
    #expect(line.count == 1)
    #expect(line.first?["x"] == "8.4")
    #expect(line.first?["y"] == "14.5")
    #expect(line.first?["width"] == "16.8")
    #expect(line.first?["height"] == "1")
  }

  @Test func monochromeReverseIsPaperColoursSwapped() throws {
    let mono = try BuiltInThemes.theme(named: "monochrome")
    var canvas = Canvas(width: 2, height: 1)
    canvas.put("1", row: 0, column: 1, style: .role(.isr))
    let reader = try #require(SVGReader.read(SVGRenderer().render(canvas, theme: mono)))
    #expect(reader.all("rect").first?["fill"] == "#ffffff")
    let filled = reader.all("rect").filter { $0["fill"] == "#000000" }
    #expect(filled.first?["x"] == "8.4")
    #expect(reader.all("text").first?["fill"] == "#ffffff")
  }

  @Test func fullBlockIsARectangleFillingTheCell() throws {
    var canvas = Canvas(width: 2, height: 1)
    canvas.put("▄", row: 0, column: 1, style: .role(.good))
    let reader = try #require(SVGReader.read(SVGRenderer().render(canvas, theme: theme)))
    // good = #a6e3a1; lower half of the cell at column 1.
    let block = try #require(reader.all("rect").first { $0["fill"] == "#a6e3a1" })
    #expect(block["x"] == "8.4")
    #expect(block["y"] == "8.5")
    #expect(block["height"] == "8.5")
    #expect(reader.texts.isEmpty)
  }
}
