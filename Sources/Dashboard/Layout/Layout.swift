/// Where each pane goes for a terminal size.
///
/// - At `fullWidth`×`fullHeight` (160×50) and above, every pane: on the left the guest screen at full size (80×25 in a
///   frame, 82×27) over the serial and log panes; on the right two columns (registers, code, IDT | PIC, DMA ring,
///   event queue, stats). Extra rows go to the panes that scroll.
/// - From `minimumWidth`×`minimumHeight` (80×24) up to that: the guest screen plus the focused pane (side by side
///   when the screen fits at full size beside a 40-column pane, else stacked); zoom gives the focused pane everything.
/// - Below 80×24: nothing but a message with the current and the needed size.
///
/// The bottom two rows are always the status line and the key bar.
public struct Layout: Sendable, Equatable {
  public static let minimumWidth = 80
  public static let minimumHeight = 24
  public static let fullWidth = 160
  public static let fullHeight = 50
  /// The guest screen in its frame.
  static let screenWidth = 82
  static let screenHeight = 27

  public enum Mode: Sendable, Equatable {
    case full
    case focused
    case tooSmall
  }

  public struct Frame: Sendable, Equatable {
    public var pane: PaneID
    public var rect: Rect
  }

  public var mode: Mode
  public var frames: [Frame]
  public var status: Rect
  public var keyBar: Rect

  public func rect(of pane: PaneID) -> Rect? { frames.first { $0.pane == pane }?.rect }

  public static func compute(width: Int, height: Int, focused: PaneID, zoomed: Bool) -> Layout {
    guard width >= minimumWidth, height >= minimumHeight else {
      return Layout(mode: .tooSmall, frames: [], status: .zero, keyBar: .zero)
    }
    let content = Rect(x: 0, y: 0, width: width, height: height - 2)
    let status = Rect(x: 0, y: height - 2, width: width, height: 1)
    let keyBar = Rect(x: 0, y: height - 1, width: width, height: 1)
    if zoomed {
      return Layout(mode: .focused, frames: [Frame(pane: focused, rect: content)], status: status, keyBar: keyBar)
    }
    let frames =
      width >= fullWidth && height >= fullHeight ? full(content) : focusedFrames(content, focused: focused)
    return Layout(
      mode: width >= fullWidth && height >= fullHeight ? .full : .focused, frames: frames, status: status,
      keyBar: keyBar)
  }

  /// Splits `rect` from the top into rows of the given heights; the last takes what is left.
  static func stack(_ rect: Rect, _ heights: [Int]) -> [Rect] {
    var rest = rect
    var rects: [Rect] = []
    for height in heights.dropLast() {
      let (top, below) = rest.splitTop(height)
      rects.append(top)
      rest = below
    }
    rects.append(rest)
    return rects
  }

  static func full(_ content: Rect) -> [Frame] {
    let extra = content.height - (fullHeight - 2)
    let (left, right) = content.splitLeft(screenWidth)
    let (columnA, columnB) = right.splitLeft((right.width + 1) / 2)
    let leftRects = stack(left, [screenHeight, 6 + extra / 3, 0])
    let aRects = stack(columnA, [15, 11 + extra / 3, 0])
    let bRects = stack(columnB, [16, 14 + extra / 3, 8 + extra / 6, 0])
    let panes: [(PaneID, Rect)] = [
      (.screen, leftRects[0]), (.serial, leftRects[1]), (.log, leftRects[2]),
      (.registers, aRects[0]), (.code, aRects[1]), (.idt, aRects[2]),
      (.pic, bRects[0]), (.ring, bRects[1]), (.events, bRects[2]), (.stats, bRects[3]),
    ]
    return panes.map { Frame(pane: $0.0, rect: $0.1) }
  }

  /// The guest screen and the focused pane (when the screen is focused, the log keeps it company).
  static func focusedFrames(_ content: Rect, focused: PaneID) -> [Frame] {
    let companion = focused == .screen ? PaneID.log : focused
    if content.width >= screenWidth + 40 && content.height >= screenHeight {
      let (left, right) = content.splitLeft(screenWidth)
      var frames = [Frame(pane: .screen, rect: left.splitTop(screenHeight).top), Frame(pane: companion, rect: right)]
      let below = left.splitTop(screenHeight).rest
      if below.height >= 4 {
        frames.append(Frame(pane: companion == .log ? .serial : .log, rect: below))
      }
      return frames
    }
    let wanted = companion.preferredHeight(width: content.width) ?? content.height / 2
    let screenRows = min(screenHeight, max(6, content.height - wanted), max(6, content.height / 2))
    let (top, bottom) = content.splitTop(screenRows)
    return [Frame(pane: .screen, rect: top), Frame(pane: companion, rect: bottom)]
  }
}

extension PaneID {
  /// Rows (frame included) the pane needs to show everything at this width, for panes of a fixed size; nil for the
  /// ones that scroll and take what they get.
  func preferredHeight(width: Int) -> Int? {
    switch self {
    case .pic: width >= 2 * PICPane.chipWidth + 4 ? 9 : 16
    case .registers: 15
    default: nil
    }
  }
}
