/// The kernel's symbols, for naming addresses in the dashboard and traces: `kmain`, `isr_common+0x1c`.
///
/// Built from an ELF symbol table: functions (STT_FUNC) and objects (STT_OBJECT) with their sizes, and untyped
/// labels (STT_NOTYPE, what assembly files make of `_start:` unless told `.type`) with size 0. Section and file
/// symbols, undefined symbols, nameless ones and assembler-local `.L…` labels are left out.
///
/// Where several symbols share an address one name is kept: a function before an object before a label, a global
/// before a local, then the first in the file. Lookups are binary searches over the sorted addresses.
public struct SymbolTable: Sendable, Equatable {
  /// One named address.
  public struct Symbol: Sendable, Equatable {
    public let name: String
    public let address: UInt32
    /// Bytes the function or object spans; 0 when unknown (most assembly labels).
    public let size: UInt32
    public let kind: Kind

    public init(name: String, address: UInt32, size: UInt32, kind: Kind) {
      self.name = name
      self.address = address
      self.size = size
      self.kind = kind
    }
  }

  /// What a symbol names, in the order preferred when several share an address.
  public enum Kind: Int, Sendable, Equatable, Comparable {
    case function = 0
    case object = 1
    case label = 2

    public static func < (lhs: Kind, rhs: Kind) -> Bool { lhs.rawValue < rhs.rawValue }
  }

  /// How far past a size-0 symbol `describe` still names an address by it.
  public static let unsizedReach: UInt32 = 0x1000

  /// One symbol per address, sorted by address.
  public let symbols: [Symbol]
  /// `symbols[i].address`, kept apart so the binary search touches one compact array.
  private let addresses: [UInt32]
  /// Every kept name (including those that lost their address to a preferred alias) → address.
  private let byName: [String: UInt32]

  /// A table with no symbols (a stripped ELF or an a.out-kludge kernel).
  public static let empty = SymbolTable([])

  /// Copies of one table (every snapshot carries the machine's) share this token and are equal at once; only
  /// tables built apart are compared name by name. The dashboard compares tables every frame.
  private final class Identity: Sendable {}
  private let identity = Identity()

  /// Whether `other` is a copy of this very table (not merely equal): what a cache keyed by a table compares, so
  /// that two machines' tables never meet in a slow comparison.
  public func isSameTable(as other: SymbolTable) -> Bool { identity === other.identity }

  public static func == (lhs: SymbolTable, rhs: SymbolTable) -> Bool {
    lhs.identity === rhs.identity
      || (lhs.symbols == rhs.symbols && lhs.addresses == rhs.addresses && lhs.byName == rhs.byName)
  }

  public var isEmpty: Bool { symbols.isEmpty }
  public var count: Int { symbols.count }

  /// Builds the table from symbols in any order; candidates for the same address are ranked as described above,
  /// the earlier one in `symbols` winning ties.
  public init(_ candidates: [Symbol]) {
    self.init(ranked: candidates.enumerated().map { (symbol: $0.element, global: true, order: $0.offset) })
  }

  /// Builds the table from an ELF file's symbols.
  public init(elf: ELF32) {
    var ranked: [(symbol: Symbol, global: Bool, order: Int)] = []
    ranked.reserveCapacity(elf.symbols.count)
    for (order, entry) in elf.symbols.enumerated() {
      guard entry.isDefined, !entry.name.isEmpty, !entry.name.hasPrefix(".L") else { continue }
      let kind: Kind
      switch entry.kind {
      case ELF32.Symbol.kindFunction: kind = .function
      case ELF32.Symbol.kindObject: kind = .object
      case ELF32.Symbol.kindNoType: kind = .label
      default: continue
      }
      let symbol = Symbol(name: entry.name, address: entry.value, size: entry.size, kind: kind)
      ranked.append((symbol, entry.binding != ELF32.Symbol.bindingLocal, order))
    }
    self.init(ranked: ranked)
  }

  private init(ranked: [(symbol: Symbol, global: Bool, order: Int)]) {
    let sorted = ranked.sorted { a, b in
      if a.symbol.address != b.symbol.address { return a.symbol.address < b.symbol.address }
      if a.symbol.kind != b.symbol.kind { return a.symbol.kind < b.symbol.kind }
      if a.global != b.global { return a.global }
      return a.order < b.order
    }
    var kept: [Symbol] = []
    kept.reserveCapacity(sorted.count)
    var byName: [String: UInt32] = [:]
    // Names in rank order, so a global name beats a local one of the same spelling in `address(of:)`.
    for entry in sorted.sorted(by: { ($0.global ? 0 : 1, $0.order) < ($1.global ? 0 : 1, $1.order) }) {
      if byName[entry.symbol.name] == nil { byName[entry.symbol.name] = entry.symbol.address }
    }
    for entry in sorted where kept.last?.address != entry.symbol.address {
      kept.append(entry.symbol)
    }
    symbols = kept
    addresses = kept.map(\.address)
    self.byName = byName
  }

  /// The name of the symbol that starts exactly at `address`.
  public func name(at address: UInt32) -> String? {
    guard let index = lastIndex(atOrBelow: address), addresses[index] == address else { return nil }
    return symbols[index].name
  }

  /// The nearest symbol at or before `address` that covers it (within its size, or within `unsizedReach` for a
  /// size-0 symbol), with the offset of `address` into it.
  public func symbol(containing address: UInt32) -> (symbol: Symbol, offset: UInt32)? {
    guard let index = lastIndex(atOrBelow: address) else { return nil }
    let symbol = symbols[index]
    let offset = address &- symbol.address
    let reach = symbol.size > 0 ? symbol.size : SymbolTable.unsizedReach
    guard offset < reach || offset == 0 else { return nil }
    return (symbol, offset)
  }

  /// `name` or `name+0x1c` for the symbol covering `address`; nil when none does.
  public func describe(_ address: UInt32) -> String? {
    guard let (symbol, offset) = symbol(containing: address) else { return nil }
    return offset == 0 ? symbol.name : symbol.name + "+0x" + String(offset, radix: 16)
  }

  /// The address of the symbol with this name.
  public func address(of name: String) -> UInt32? {
    byName[name]
  }

  /// Index of the last symbol whose address is <= `address`.
  private func lastIndex(atOrBelow address: UInt32) -> Int? {
    var low = 0
    var high = addresses.count  // the answer is in low - 1 ..< high
    while low < high {
      let middle = low + (high - low) / 2
      if addresses[middle] <= address { low = middle + 1 } else { high = middle }
    }
    return low == 0 ? nil : low - 1
  }
}
