/// A reader for 32-bit little-endian i386 ELF files (System V ABI, "ELF" chapter; i386 supplement).
///
/// Reads what the Multiboot loader and the symbol table need: the file header, the program headers
/// (segments to load), the section headers and the symbols of `.symtab` with their names from the linked string
/// table. Every offset, count and size comes from the file, so every one is checked against the file's length
/// before use, in 64-bit arithmetic that cannot overflow: no input makes the reader trap.
///
/// The file header and program headers must be sound or `init` throws. The section headers and symbols are
/// optional extras: when they are missing or malformed (a stripped kernel, a mangled file) the reader simply
/// reports none, since a kernel without symbols still boots.
///
/// Not modelled: relocations, dynamic linking, big-endian files, extended section numbering (`e_shnum` 0 with the
/// count in section 0) — none of which a Multiboot kernel uses.
public struct ELF32: Sendable {
  /// `e_type`: object file type (2 = ET_EXEC, an executable).
  public let type: UInt16
  /// `e_machine`: architecture (3 = EM_386).
  public let machine: UInt16
  /// `e_entry`: virtual address of the first instruction.
  public let entry: UInt32
  /// The program header table, in file order.
  public let programHeaders: [ProgramHeader]
  /// The section header table, or empty when the file has none (or a malformed one).
  public let sectionHeaders: [SectionHeader]
  /// The symbols of `.symtab` (or `.dynsym` when there is no `.symtab`), index 0 (the null symbol) dropped.
  public let symbols: [Symbol]

  /// `EM_386`: Intel 80386.
  public static let machineI386: UInt16 = 3
  /// `EM_X86_64`: AMD x86-64.
  public static let machineX86_64: UInt16 = 62

  /// What the first bytes of a file say it is, without parsing further.
  public enum Identity: Sendable, Equatable {
    /// No `\x7FELF` magic.
    case notELF
    /// `ELFCLASS32`, `ELFDATA2LSB`: the only kind this reader parses.
    case elf32LittleEndian
    /// `ELFCLASS64`.
    case elf64
    /// ELF with another class/data encoding (big-endian, or invalid).
    case otherELF(elfClass: UInt8, dataEncoding: UInt8)
  }

  /// Classifies a file by its `e_ident` bytes.
  public static func identify(_ bytes: [UInt8]) -> Identity {
    guard bytes.count >= 6, bytes[0] == 0x7F, bytes[1] == 0x45, bytes[2] == 0x4C, bytes[3] == 0x46 else {
      return .notELF
    }
    // e_ident[EI_CLASS] (1 = 32-bit, 2 = 64-bit), e_ident[EI_DATA] (1 = little-endian, 2 = big-endian).
    let elfClass = bytes[4]
    let dataEncoding = bytes[5]
    if elfClass == 2 { return .elf64 }
    if elfClass == 1, dataEncoding == 1 { return .elf32LittleEndian }
    return .otherELF(elfClass: elfClass, dataEncoding: dataEncoding)
  }

  /// Parses the file header, the program headers, and (leniently) the sections and symbols.
  public init(_ bytes: [UInt8]) throws(ParseError) {
    switch ELF32.identify(bytes) {
    case .notELF: throw .notELF
    case .elf64: throw .elf64
    case .otherELF(let elfClass, let dataEncoding): throw .unsupportedEncoding(elfClass: elfClass, data: dataEncoding)
    case .elf32LittleEndian: break
    }
    let file = ELFBytes(bytes)
    let headerSize = 52
    guard bytes.count >= headerSize else { throw .truncatedFileHeader(fileSize: bytes.count) }
    type = file.u16(16)
    machine = file.u16(18)
    guard machine == ELF32.machineI386 else { throw .notI386(machine: machine) }
    entry = file.u32(24)

    // e_phoff: file offset of the program header table; e_phentsize: bytes per entry; e_phnum: entries.
    let phoff = file.u32(28)
    let phentsize = file.u16(42)
    let phnum = file.u16(44)
    var programHeaders: [ProgramHeader] = []
    if phnum > 0 {
      guard phentsize >= ProgramHeader.size else { throw .programHeaderSize(phentsize) }
      let tableEnd = UInt64(phoff) + UInt64(phnum) * UInt64(phentsize)
      guard tableEnd <= UInt64(bytes.count) else {
        throw .programHeadersTruncated(offset: phoff, count: phnum, entrySize: phentsize, fileSize: bytes.count)
      }
      programHeaders.reserveCapacity(Int(phnum))
      for index in 0..<Int(phnum) {
        let at = Int(phoff) + index * Int(phentsize)
        programHeaders.append(
          ProgramHeader(
            index: index, type: file.u32(at), offset: file.u32(at + 4), virtualAddress: file.u32(at + 8),
            physicalAddress: file.u32(at + 12), fileSize: file.u32(at + 16), memorySize: file.u32(at + 20),
            flags: file.u32(at + 24), alignment: file.u32(at + 28)))
      }
    }
    self.programHeaders = programHeaders

    // e_shoff: file offset of the section header table; e_shentsize, e_shnum; e_shstrndx: section-name table.
    sectionHeaders = ELF32.readSectionHeaders(
      file, offset: file.u32(32), entrySize: file.u16(46), count: file.u16(48), namesIndex: file.u16(50))
    symbols = ELF32.readSymbols(file, sections: sectionHeaders)
  }

  /// The section with this name, if any.
  public func section(named name: String) -> SectionHeader? {
    sectionHeaders.first { $0.name == name }
  }

  private static func readSectionHeaders(
    _ file: ELFBytes, offset: UInt32, entrySize: UInt16, count: UInt16, namesIndex: UInt16
  ) -> [SectionHeader] {
    guard count > 0, offset > 0, entrySize >= SectionHeader.size else { return [] }
    let tableEnd = UInt64(offset) + UInt64(count) * UInt64(entrySize)
    guard tableEnd <= UInt64(file.count) else { return [] }
    var sections: [SectionHeader] = []
    sections.reserveCapacity(Int(count))
    for index in 0..<Int(count) {
      let at = Int(offset) + index * Int(entrySize)
      sections.append(
        SectionHeader(
          index: index, nameOffset: file.u32(at), name: "", type: file.u32(at + 4), flags: file.u32(at + 8),
          address: file.u32(at + 12), offset: file.u32(at + 16), size: file.u32(at + 20), link: file.u32(at + 24),
          info: file.u32(at + 28), alignment: file.u32(at + 32), entrySize: file.u32(at + 36)))
    }
    // Names come from the section-name string table, itself a section.
    if Int(namesIndex) < sections.count, let names = file.range(of: sections[Int(namesIndex)]) {
      for index in sections.indices {
        sections[index].name = file.string(at: sections[index].nameOffset, in: names)
      }
    }
    return sections
  }

  private static func readSymbols(_ file: ELFBytes, sections: [SectionHeader]) -> [Symbol] {
    let table =
      sections.first { $0.type == SectionHeader.typeSymbolTable }
      ?? sections.first { $0.type == SectionHeader.typeDynamicSymbols }
    guard let table, let entries = file.range(of: table) else { return [] }
    // sh_link of a symbol table is the index of its string table.
    guard table.link < UInt32(sections.count), let names = file.range(of: sections[Int(table.link)]) else {
      return []
    }
    let entrySize = table.entrySize >= UInt32(Symbol.size) ? Int(table.entrySize) : Symbol.size
    let count = entries.count / entrySize
    guard count > 1 else { return [] }
    var symbols: [Symbol] = []
    symbols.reserveCapacity(count - 1)
    for index in 1..<count {
      let at = entries.lowerBound + index * entrySize
      let nameOffset = file.u32(at)
      symbols.append(
        Symbol(
          name: file.string(at: nameOffset, in: names), value: file.u32(at + 4), size: file.u32(at + 8),
          info: file.u8(at + 12), other: file.u8(at + 13), sectionIndex: file.u16(at + 14)))
    }
    return symbols
  }
}

extension ELF32 {
  /// One entry of the program header table (`Elf32_Phdr`): a segment.
  public struct ProgramHeader: Sendable, Equatable {
    /// Position in the table (0-based), as error messages and `readelf -l` count.
    public let index: Int
    /// `p_type`: 1 = PT_LOAD (a segment to load); others are notes, stack flags and so on.
    public let type: UInt32
    /// `p_offset`: where the segment's bytes start in the file.
    public let offset: UInt32
    /// `p_vaddr`: where the program expects the segment in its (virtual) address space.
    public let virtualAddress: UInt32
    /// `p_paddr`: where the segment is to be loaded in physical memory (QEMU and GRUB load here).
    public let physicalAddress: UInt32
    /// `p_filesz`: bytes taken from the file.
    public let fileSize: UInt32
    /// `p_memsz`: bytes in memory; the part beyond `p_filesz` (bss) is zeroed.
    public let memorySize: UInt32
    /// `p_flags`: PF_X 1, PF_W 2, PF_R 4.
    public let flags: UInt32
    /// `p_align`.
    public let alignment: UInt32

    /// Bytes per entry in the file.
    static let size: UInt16 = 32
    /// `PT_LOAD`.
    public static let typeLoad: UInt32 = 1
    /// `PF_X`: executable.
    public static let flagExecute: UInt32 = 1

    public var isLoad: Bool { type == ProgramHeader.typeLoad }
    public var isExecutable: Bool { flags & ProgramHeader.flagExecute != 0 }
  }

  /// One entry of the section header table (`Elf32_Shdr`).
  public struct SectionHeader: Sendable, Equatable {
    /// Position in the table; symbols refer to sections by this number.
    public let index: Int
    /// `sh_name`: offset of the name in the section-name string table.
    public let nameOffset: UInt32
    /// The name (".text", ".symtab"…), or "" when it cannot be read.
    public internal(set) var name: String
    /// `sh_type`: 1 PROGBITS, 2 SYMTAB, 3 STRTAB, 8 NOBITS (bss, no file bytes), 11 DYNSYM…
    public let type: UInt32
    /// `sh_flags`: SHF_WRITE 1, SHF_ALLOC 2, SHF_EXECINSTR 4.
    public let flags: UInt32
    /// `sh_addr`: address in memory when allocated.
    public let address: UInt32
    /// `sh_offset`: where the section's bytes start in the file.
    public let offset: UInt32
    /// `sh_size`: bytes (in memory for NOBITS, in the file otherwise).
    public let size: UInt32
    /// `sh_link`: a related section (for a symbol table, its string table).
    public let link: UInt32
    /// `sh_info`: extra information (for a symbol table, one past the last local symbol).
    public let info: UInt32
    /// `sh_addralign`.
    public let alignment: UInt32
    /// `sh_entsize`: bytes per entry for tables.
    public let entrySize: UInt32

    /// Bytes per entry in the file.
    static let size: UInt16 = 40
    /// `SHT_SYMTAB`.
    public static let typeSymbolTable: UInt32 = 2
    /// `SHT_NOBITS`: occupies memory but no file bytes.
    public static let typeNoBits: UInt32 = 8
    /// `SHT_DYNSYM`.
    public static let typeDynamicSymbols: UInt32 = 11
  }

  /// One entry of a symbol table (`Elf32_Sym`).
  public struct Symbol: Sendable, Equatable {
    /// The name from the linked string table ("" when absent or out of bounds).
    public let name: String
    /// `st_value`: for a defined symbol in an executable, its address.
    public let value: UInt32
    /// `st_size`: bytes the function or object spans (0 when unknown, as for most assembly labels).
    public let size: UInt32
    /// `st_info`: binding in the high nibble (0 LOCAL, 1 GLOBAL, 2 WEAK), type in the low nibble.
    public let info: UInt8
    /// `st_other`: visibility.
    public let other: UInt8
    /// `st_shndx`: the section it is defined in; 0 = SHN_UNDEF (undefined), 0xFFF1 = SHN_ABS (absolute).
    public let sectionIndex: UInt16

    /// Bytes per entry in the file.
    static let size = 16

    /// `STT_*`: 0 NOTYPE, 1 OBJECT, 2 FUNC, 3 SECTION, 4 FILE.
    public var kind: UInt8 { info & 0x0F }
    /// `STB_*`: 0 LOCAL, 1 GLOBAL, 2 WEAK.
    public var binding: UInt8 { info >> 4 }
    /// Defined somewhere (not SHN_UNDEF).
    public var isDefined: Bool { sectionIndex != 0 }

    public static let kindNoType: UInt8 = 0
    public static let kindObject: UInt8 = 1
    public static let kindFunction: UInt8 = 2
    public static let bindingLocal: UInt8 = 0
  }

  /// Why a file is not a loadable ELF32 i386 executable.
  public enum ParseError: Error, Sendable, Equatable {
    case notELF
    case elf64
    case unsupportedEncoding(elfClass: UInt8, data: UInt8)
    case truncatedFileHeader(fileSize: Int)
    case notI386(machine: UInt16)
    case programHeaderSize(UInt16)
    case programHeadersTruncated(offset: UInt32, count: UInt16, entrySize: UInt16, fileSize: Int)

    /// The sentence shown to the user after the file name.
    public var message: String {
      switch self {
      case .notELF:
        return "not an ELF file (no \\x7FELF magic at offset 0)"
      case .elf64:
        return "64-bit ELF (ELFCLASS64) is not supported; build with --target=i386-unknown-none-elf "
          + "(or -m32 -march=i386), or set Multiboot flag bit 16 and give a.out load addresses"
      case .unsupportedEncoding(let elfClass, let data):
        let what = data == 2 ? "big-endian ELF (ELFDATA2MSB)" : "ELF with class \(elfClass), data encoding \(data)"
        return "\(what) is not supported; i386 kernels are 32-bit little-endian (ELFCLASS32, ELFDATA2LSB)"
      case .truncatedFileHeader(let fileSize):
        return "truncated: the ELF file header needs bytes 0x0–0x34 but the file has \(LoaderFormat.hex(fileSize))"
      case .notI386(let machine):
        let name =
          switch machine {
          case ELF32.machineX86_64: " (EM_X86_64)"
          case 40: " (EM_ARM)"
          case 183: " (EM_AARCH64)"
          case 243: " (EM_RISCV)"
          default: ""
          }
        return "ELF machine \(machine)\(name) is not i386 (EM_386 = 3); build with --target=i386-unknown-none-elf"
      case .programHeaderSize(let size):
        return "program header entries are \(size) bytes (e_phentsize at offset 0x2A); ELF32 needs 32"
      case .programHeadersTruncated(let offset, let count, let entrySize, let fileSize):
        let end = UInt64(offset) + UInt64(count) * UInt64(entrySize)
        let bytes = "\(LoaderFormat.hex(offset))–\(LoaderFormat.hex(end))"
        let size = LoaderFormat.hex(fileSize)
        return "truncated: the \(count) program headers want file bytes \(bytes) but the file has \(size)"
      }
    }
  }
}

/// Little-endian reads from a byte array that return 0 outside it, and checked file ranges.
struct ELFBytes {
  let bytes: [UInt8]
  init(_ bytes: [UInt8]) { self.bytes = bytes }

  var count: Int { bytes.count }

  func u8(_ at: Int) -> UInt8 {
    at >= 0 && at < bytes.count ? bytes[at] : 0
  }

  func u16(_ at: Int) -> UInt16 {
    UInt16(u8(at)) | UInt16(u8(at &+ 1)) << 8
  }

  func u32(_ at: Int) -> UInt32 {
    UInt32(u16(at)) | UInt32(u16(at &+ 2)) << 16
  }

  /// The file bytes of a section, or nil when it has none (NOBITS) or they lie beyond the end of the file.
  func range(of section: ELF32.SectionHeader) -> Range<Int>? {
    guard section.type != ELF32.SectionHeader.typeNoBits else { return nil }
    let end = UInt64(section.offset) + UInt64(section.size)
    guard end <= UInt64(bytes.count) else { return nil }
    return Int(section.offset)..<Int(end)
  }

  /// The NUL-terminated string at `offset` inside `table` (cut at the table's end), or "" when out of bounds.
  func string(at offset: UInt32, in table: Range<Int>) -> String {
    guard UInt64(offset) < UInt64(table.count) else { return "" }
    let start = table.lowerBound + Int(offset)
    var end = start
    while end < table.upperBound, bytes[end] != 0 { end += 1 }
    return String(decoding: bytes[start..<end], as: UTF8.self)
  }
}
