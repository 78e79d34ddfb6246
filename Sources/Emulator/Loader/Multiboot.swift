/// Multiboot v1 loader: puts a kernel into guest RAM the way `qemu-system-i386 -kernel` does.
///
/// Models (Multiboot Specification 0.6.96, §3.1 header, §3.3 information; QEMU `hw/i386/multiboot.c` and its
/// `multiboot.bin` option ROM):
/// - The header: magic 0x1BADB002, flags, checksum (magic + flags + checksum = 0 mod 2^32), 4-byte aligned,
///   wholly inside the first 8192 bytes; the first one whose checksum holds is used, as QEMU does.
/// - Flag bit 16 (a.out kludge): load `load_addr…load_end_addr` from the file (0 = to the end of the file),
///   zero up to `bss_end_addr` (0 = none), enter at `entry_addr` — even when the file is an ELF, as QEMU does.
/// - Otherwise an ELF32 i386 file: every PT_LOAD segment goes to its `p_paddr` (QEMU's `load_elf` uses the
///   physical address), with `p_memsz - p_filesz` zeroed; segments of size 0 are skipped. When the entry point
///   lies in an executable segment whose `p_vaddr` differs from `p_paddr` (a higher-half kernel), it is moved by
///   the same difference, as QEMU's ELF loader does.
/// - The information structure, memory map, command line, boot loader name and a GDT in low memory (see `Layout`).
///
/// Where QEMU and the specification differ:
/// - Flag bits 3–15 are "required features"; the spec says a loader that does not know one must refuse the kernel.
///   QEMU never looks at them; we refuse (with the bit numbers), so a kernel is not silently run without what it
///   asked for. Bit 2 (video mode) QEMU only warns about and boots in VGA text mode; so do we (see `notes`).
/// - The memory-map entries and `mem_upper` are what QEMU's option ROM reads from SeaBIOS's E820 table, reduced to
///   the four regions a PC with no ACPI tables has (SeaBIOS also reports its ACPI area and the 0xFFFC0000 BIOS
///   flash; we have neither).
/// - QEMU writes its GDT inside the option ROM (around 0xC0000–0xDFFFF); we have no option ROM, so it goes in low
///   memory with the other boot data, same descriptors, same order.
/// - QEMU puts the command line and boot loader name just above the kernel; we keep all boot data below 0x9FC00
///   so nothing lands in memory the kernel may treat as its own free space above its end.
///
/// Not modelled: boot modules (`-initrd`; mods_count is 0), the a.out/ELF symbol fields (flag bits 4 and 5 stay
/// clear, as in QEMU), drive and APM tables, VBE/framebuffer information.
///
/// The loader checks everything before it writes anything, so a rejected kernel leaves RAM untouched.
public enum MultibootLoader {
  /// Where the loader puts its boot data in low memory (all below 0x9FC00, the start of the EBDA, so a kernel
  /// linked at or above 1 MiB never overlaps it). Kernel segments that would overlap `Layout.reserved` are refused.
  public enum Layout {
    /// Start of the area the loader reserves: the initial stack grows down from `stackTop` towards here and below.
    public static let reservedStart: UInt32 = 0x6000
    /// Initial ESP: the top of free low memory, just below the GDT page. QEMU leaves ESP about 0x6F08 (where
    /// SeaBIOS's stack was); 0x7000 is as good and 16-byte aligned. 0x500–0x7000 (IVT and BDA end at 0x500) is
    /// free, so about 27 KiB of stack before anything is overwritten.
    public static let stackTop: UInt32 = 0x7000
    /// GDT: null, 0x08 flat 32-bit code, 0x10 flat data, 0x18 16-bit code, 0x20 16-bit data (QEMU's order).
    public static let gdt: UInt32 = 0x8000
    /// Memory map (Multiboot `mmap_addr`): QEMU's ADDR_E820_MAP.
    public static let memoryMap: UInt32 = 0x9000
    /// Multiboot information structure (the EBX the kernel receives): QEMU's ADDR_MBI.
    public static let info: UInt32 = 0x9500
    /// Boot module list (`mods_addr`): empty, since there are no modules, but a valid address as QEMU gives one.
    public static let modules: UInt32 = 0x9580
    /// Boot loader name, NUL-terminated.
    public static let bootLoaderName: UInt32 = 0x9600
    /// Command line, NUL-terminated; may run up to `end`.
    public static let commandLine: UInt32 = 0x9700
    /// End of usable low memory (start of the EBDA that `mmap` reports as reserved).
    public static let end: UInt32 = 0x9_FC00
  }

  /// EAX at kernel entry: tells the kernel a Multiboot loader started it.
  public static let bootMagic: UInt32 = 0x2BAD_B002
  /// The header's magic word.
  public static let headerMagic: UInt32 = 0x1BAD_B002
  /// How far into the file the header may lie.
  public static let searchLimit = 8192
  /// Reported in the information structure's `boot_loader_name`.
  public static let bootLoaderName = "irqscope"

  /// Multiboot information `flags` bits we fill in.
  static let infoFlagMemory: UInt32 = 1 << 0  // mem_lower, mem_upper
  static let infoFlagBootDevice: UInt32 = 1 << 1  // boot_device
  static let infoFlagCommandLine: UInt32 = 1 << 2  // cmdline
  static let infoFlagModules: UInt32 = 1 << 3  // mods_count, mods_addr
  static let infoFlagMemoryMap: UInt32 = 1 << 6  // mmap_length, mmap_addr
  static let infoFlagBootLoaderName: UInt32 = 1 << 9  // boot_loader_name
  /// Bytes of the information structure QEMU writes (through `vbe_interface_len`).
  static let infoSize = 88

  /// Header flag bits.
  static let headerFlagVideoMode: UInt32 = 1 << 2
  static let headerFlagAoutKludge: UInt32 = 1 << 16
  /// Required-feature bits (0–15) this loader does not know: the spec defines only bits 0, 1 and 2.
  static let headerFlagsUnsupported: UInt32 = 0xFFF8

  /// The GDT QEMU's option ROM loads, as the 8-byte descriptors appear in memory.
  public static let gdtDescriptors: [UInt64] = [
    0,  // 0x00 null
    0x00CF_9A00_0000_FFFF,  // 0x08 code: base 0, limit 0xFFFFF × 4 KiB, 32-bit, execute/read, DPL 0
    0x00CF_9200_0000_FFFF,  // 0x10 data: base 0, limit 0xFFFFF × 4 KiB, 32-bit, read/write, DPL 0
    0x0000_9E00_0000_FFFF,  // 0x18 code: base 0, limit 0xFFFF bytes, 16-bit, execute/read conforming, DPL 0
    0x0000_9200_0000_FFFF,  // 0x20 data: base 0, limit 0xFFFF bytes, 16-bit, read/write, DPL 0
  ]

  /// Loads `data` (the kernel file called `fileName`) into `memory` and writes the boot information.
  ///
  /// `commandLine` is the `-append` text; the kernel sees `fileName + " " + commandLine`, as under QEMU
  /// (which prints `"%s %s"`, so an empty `-append` leaves a trailing space).
  public static func load(
    _ data: [UInt8], fileName: String, into memory: PhysicalMemory, commandLine: String
  ) throws(LoadError) -> LoadedKernel {
    func fail(_ message: String) -> LoadError { LoadError(fileName: fileName, message: message) }
    let hex = LoaderFormat.hex(_:) as (UInt64) -> String

    guard memory.size >= 0x10_0000 else {
      throw fail("RAM is \(LoaderFormat.size(memory.size)); a Multiboot kernel needs at least 1 MiB")
    }
    let header = try findHeader(in: data, fail: fail)
    if header.flags & headerFlagsUnsupported != 0 {
      let unknown = (3...15).filter { header.flags & (UInt32(1) << UInt32($0)) != 0 }
      let bits = unknown.map(String.init).joined(separator: ", ")
      throw fail(
        "Multiboot header at offset \(hex(UInt64(header.offset))) has flags \(LoaderFormat.hex(header.flags)) "
          + "requiring features this loader does not know (bit \(bits)); only bits 0 (page-align modules), "
          + "1 (memory info) and 2 (video mode) of the required bits 0–15 are defined")
    }
    var notes: [String] = []
    if header.flags & headerFlagVideoMode != 0 {
      notes.append("the Multiboot header asks for a video mode (flag bit 2); ignored as QEMU does: VGA text mode")
    }

    let identity = ELF32.identify(data)
    let image: Image
    if header.flags & headerFlagAoutKludge != 0 {
      image = try aoutImage(data, header: header, fail: fail)
    } else {
      switch identity {
      case .notELF:
        throw fail(
          "not an ELF file (no \\x7FELF magic), and its Multiboot header at offset \(hex(UInt64(header.offset))) "
            + "does not set flag bit 16 (a.out kludge) to give load addresses; link it as an ELF or set bit 16")
      case .elf64, .otherELF, .elf32LittleEndian:
        let elf: ELF32
        do { elf = try ELF32(data) } catch { throw fail(error.message) }
        image = try elfImage(data, elf: elf, fail: fail)
      }
    }

    // Everything is checked against RAM before anything is written.
    let ramSize = UInt64(memory.size)
    let ram = LoaderFormat.size(memory.size)
    for piece in image.pieces {
      let start = UInt64(piece.address)
      let end = start + UInt64(piece.memorySize)
      let what = "\(piece.label) loads \(hex(UInt64(piece.memorySize))) bytes at \(hex(start))"
      if end > ramSize {
        throw fail("\(what), beyond the end of RAM (\(ram))")
      }
      if start < UInt64(0x10_0000), end > UInt64(Layout.end) {
        throw fail(
          "\(what), overlapping \(hex(UInt64(Layout.end)))–0x100000 (EBDA, VGA memory, BIOS ROM), which is not "
            + "RAM on a PC; link the kernel at or above 1 MiB (0x100000)")
      }
    }
    let commandLineBytes = Array((fileName + " " + commandLine).utf8) + [0]
    let commandLineEnd = UInt64(Layout.commandLine) + UInt64(commandLineBytes.count)
    guard commandLineEnd <= UInt64(Layout.end) else {
      throw fail(
        "the command line is \(commandLineBytes.count) bytes; at most "
          + "\(Layout.end - Layout.commandLine) fit between \(hex(UInt64(Layout.commandLine))) and "
          + "\(hex(UInt64(Layout.end)))")
    }
    for piece in image.pieces {
      let start = UInt64(piece.address)
      let end = start + UInt64(piece.memorySize)
      if start < commandLineEnd, end > UInt64(Layout.reservedStart) {
        throw fail(
          "\(piece.label) loads \(hex(UInt64(piece.memorySize))) bytes at \(hex(start)), overlapping "
            + "\(hex(UInt64(Layout.reservedStart)))–\(hex(commandLineEnd)) where the loader puts the initial "
            + "stack, GDT and Multiboot information; link the kernel at or above 1 MiB (0x100000)")
      }
    }
    guard UInt64(image.entry) < ramSize else {
      throw fail("the entry point \(hex(UInt64(image.entry))) is beyond the end of RAM (\(ram))")
    }

    for piece in image.pieces { copy(piece, from: data, into: memory) }
    let bootAreas = writeBootInformation(into: memory, commandLine: commandLineBytes)

    let symbols: SymbolTable
    if identity == .elf32LittleEndian, let elf = try? ELF32(data) {
      symbols = SymbolTable(elf: elf)
    } else {
      symbols = .empty
    }
    return LoadedKernel(
      fileName: fileName, format: image.format, headerOffset: header.offset, headerFlags: header.flags,
      entry: image.entry, multibootInfoAddress: Layout.info, gdtBase: Layout.gdt,
      gdtLimit: UInt16(gdtDescriptors.count * 8 - 1), initialESP: Layout.stackTop,
      segments: image.pieces.map {
        LoadedRange(start: $0.address, fileSize: $0.fileSize, memorySize: $0.memorySize, label: $0.label)
      },
      bootAreas: bootAreas, commandLine: fileName + " " + commandLine, symbols: symbols, notes: notes)
  }

  // MARK: - Header

  /// The Multiboot header's fields (the a.out ones are 0 unless flag bit 16 is set).
  struct Header {
    var offset: Int
    var flags: UInt32
    var headerAddress: UInt32 = 0  // header_addr: where the header itself is loaded
    var loadAddress: UInt32 = 0  // load_addr: where the image (and the file bytes before the header) starts
    var loadEndAddress: UInt32 = 0  // load_end_addr: end of the bytes taken from the file; 0 = end of file
    var bssEndAddress: UInt32 = 0  // bss_end_addr: end of the zeroed area; 0 = no bss
    var entryAddress: UInt32 = 0  // entry_addr: where to jump
  }

  static func findHeader(in data: [UInt8], fail: (String) -> LoadError) throws(LoadError) -> Header {
    let file = ELFBytes(data)
    var firstBadChecksum: Int?
    let lastStart = min(searchLimit, data.count) - 12
    var offset = 0
    while offset <= lastStart {
      defer { offset += 4 }
      guard file.u32(offset) == headerMagic else { continue }
      let flags = file.u32(offset + 4)
      let checksum = file.u32(offset + 8)
      guard headerMagic &+ flags &+ checksum == 0 else {
        if firstBadChecksum == nil { firstBadChecksum = offset }
        continue
      }
      var header = Header(offset: offset, flags: flags)
      if flags & headerFlagAoutKludge != 0 {
        guard offset + 32 <= data.count else {
          throw fail(
            "truncated: the Multiboot header at offset \(LoaderFormat.hex(offset)) sets flag bit 16 (a.out kludge) "
              + "but the file ends at \(LoaderFormat.hex(data.count)), before its address fields "
              + "(\(LoaderFormat.hex(offset + 12))–\(LoaderFormat.hex(offset + 32)))")
        }
        header.headerAddress = file.u32(offset + 12)
        header.loadAddress = file.u32(offset + 16)
        header.loadEndAddress = file.u32(offset + 20)
        header.bssEndAddress = file.u32(offset + 24)
        header.entryAddress = file.u32(offset + 28)
      }
      return header
    }
    if let bad = firstBadChecksum {
      let flags = file.u32(bad + 4)
      let checksum = file.u32(bad + 8)
      throw fail(
        "bad Multiboot header checksum at offset \(LoaderFormat.hex(bad)): magic 0x1BADB002 + flags "
          + "\(LoaderFormat.hex(flags)) + checksum \(LoaderFormat.hex(checksum)) = "
          + "\(LoaderFormat.hex(headerMagic &+ flags &+ checksum)) (mod 2^32), must be 0; "
          + "the checksum should be \(LoaderFormat.hex(0 &- headerMagic &- flags))")
    }
    throw fail(
      "no Multiboot header (magic 0x1BADB002) in the first 8192 bytes (4-byte aligned); "
        + "put it in a section the linker script places first")
  }

  // MARK: - What to load

  /// Bytes to place in RAM: `fileSize` bytes from `fileOffset`, then zeros up to `memorySize`.
  struct Piece {
    var label: String
    var address: UInt32
    var fileOffset: Int
    var fileSize: UInt32
    var memorySize: UInt32
  }

  struct Image {
    var format: LoadedKernel.Format
    var pieces: [Piece]
    var entry: UInt32
  }

  static func aoutImage(_ data: [UInt8], header: Header, fail: (String) -> LoadError) throws(LoadError) -> Image {
    let hex = LoaderFormat.hex(_:) as (UInt32) -> String
    let what = "the Multiboot header's a.out kludge (flag bit 16)"
    guard header.headerAddress >= header.loadAddress else {
      throw fail(
        "\(what) has header_addr \(hex(header.headerAddress)) below load_addr \(hex(header.loadAddress)); "
          + "header_addr must be the address the header itself is loaded at")
    }
    // The file byte that goes to load_addr: the header's offset minus its distance from load_addr.
    let headerDistance = header.headerAddress - header.loadAddress
    guard UInt64(headerDistance) <= UInt64(header.offset) else {
      throw fail(
        "\(what) puts the header \(hex(headerDistance)) bytes after load_addr, but the header is at file offset "
          + "\(LoaderFormat.hex(header.offset)): the image would start before the file does")
    }
    let textOffset = header.offset - Int(headerDistance)
    let loadSize: UInt32
    if header.loadEndAddress != 0 {
      guard header.loadEndAddress >= header.loadAddress else {
        throw fail(
          "\(what) has load_end_addr \(hex(header.loadEndAddress)) below load_addr \(hex(header.loadAddress))")
      }
      loadSize = header.loadEndAddress - header.loadAddress
      let fileEnd = UInt64(textOffset) + UInt64(loadSize)
      guard fileEnd <= UInt64(data.count) else {
        throw fail(
          "truncated: \(what) wants file bytes \(LoaderFormat.hex(textOffset))–\(LoaderFormat.hex(fileEnd)) "
            + "(load_addr \(hex(header.loadAddress))–load_end_addr \(hex(header.loadEndAddress))) "
            + "but the file has \(LoaderFormat.hex(data.count))")
      }
    } else {
      loadSize = UInt32(truncatingIfNeeded: data.count - textOffset)
    }
    let loadEnd = UInt64(header.loadAddress) + UInt64(loadSize)
    var memorySize = loadSize
    if header.bssEndAddress != 0 {
      guard UInt64(header.bssEndAddress) >= loadEnd else {
        throw fail(
          "\(what) has bss_end_addr \(hex(header.bssEndAddress)) below the end of the loaded image "
            + "\(LoaderFormat.hex(loadEnd))")
      }
      memorySize = header.bssEndAddress - header.loadAddress
    }
    let piece = Piece(
      label: "the a.out kludge image", address: header.loadAddress, fileOffset: textOffset, fileSize: loadSize,
      memorySize: memorySize)
    return Image(format: .aoutKludge, pieces: [piece], entry: header.entryAddress)
  }

  static func elfImage(_ data: [UInt8], elf: ELF32, fail: (String) -> LoadError) throws(LoadError) -> Image {
    let hex = LoaderFormat.hex(_:) as (UInt64) -> String
    var pieces: [Piece] = []
    var entry = elf.entry
    for segment in elf.programHeaders where segment.isLoad {
      let label = "program header \(segment.index)"
      guard segment.fileSize <= segment.memorySize else {
        throw fail(
          "\(label) has p_filesz \(hex(UInt64(segment.fileSize))) larger than p_memsz "
            + "\(hex(UInt64(segment.memorySize)))")
      }
      let fileEnd = UInt64(segment.offset) + UInt64(segment.fileSize)
      guard fileEnd <= UInt64(data.count) else {
        throw fail(
          "truncated: \(label) wants file bytes \(hex(UInt64(segment.offset)))–\(hex(fileEnd)) "
            + "but the file has \(hex(UInt64(data.count)))")
      }
      // A higher-half kernel links at a high p_vaddr and loads at a low p_paddr; e_entry is virtual.
      if segment.virtualAddress != segment.physicalAddress, segment.isExecutable,
        elf.entry >= segment.virtualAddress,
        UInt64(elf.entry) < UInt64(segment.virtualAddress) + UInt64(segment.fileSize)
      {
        entry = elf.entry &- segment.virtualAddress &+ segment.physicalAddress
      }
      guard segment.memorySize > 0 else { continue }
      pieces.append(
        Piece(
          label: label, address: segment.physicalAddress, fileOffset: Int(segment.offset),
          fileSize: segment.fileSize, memorySize: segment.memorySize))
    }
    guard !pieces.isEmpty else {
      throw fail("the ELF file has no loadable segments (PT_LOAD with p_memsz > 0)")
    }
    return Image(format: .elf, pieces: pieces, entry: entry)
  }

  // MARK: - Writing

  /// Copies a checked piece into RAM and zeroes its bss.
  static func copy(_ piece: Piece, from data: [UInt8], into memory: PhysicalMemory) {
    let destination = memory.bytes + Int(piece.address)
    if piece.fileSize > 0 {
      data.withUnsafeBytes { file in
        destination.copyMemory(from: file.baseAddress! + piece.fileOffset, byteCount: Int(piece.fileSize))
      }
    }
    (destination + Int(piece.fileSize)).initializeMemory(
      as: UInt8.self, repeating: 0, count: Int(piece.memorySize - piece.fileSize))
  }

  /// Writes the GDT, memory map, information structure, boot loader name and command line (`Layout`).
  static func writeBootInformation(into memory: PhysicalMemory, commandLine: [UInt8]) -> [LoadedRange] {
    // Clear the fixed part so a reused machine starts from the same bytes.
    memory.bytes.advanced(by: Int(Layout.gdt)).initializeMemory(
      as: UInt8.self, repeating: 0, count: Int(Layout.commandLine - Layout.gdt))

    for (index, descriptor) in gdtDescriptors.enumerated() {
      let at = Layout.gdt + UInt32(index * 8)
      memory.write32(at, UInt32(truncatingIfNeeded: descriptor))
      memory.write32(at + 4, UInt32(truncatingIfNeeded: descriptor >> 32))
    }

    // Memory map: each entry is size (20, the bytes that follow it), base_addr (u64), length (u64), type
    // (1 = available RAM, 2 = reserved).
    let top = UInt64(memory.size)
    var regions: [(base: UInt64, length: UInt64, type: UInt32)] = [
      (0, UInt64(Layout.end), 1),
      (UInt64(Layout.end), 0xA_0000 - UInt64(Layout.end), 2),
      (0xF_0000, 0x1_0000, 2),
    ]
    if top > 0x10_0000 { regions.append((0x10_0000, top - 0x10_0000, 1)) }
    for (index, region) in regions.enumerated() {
      let at = Layout.memoryMap + UInt32(index * 24)
      memory.write32(at, 20)
      memory.write32(at + 4, UInt32(truncatingIfNeeded: region.base))
      memory.write32(at + 8, UInt32(truncatingIfNeeded: region.base >> 32))
      memory.write32(at + 12, UInt32(truncatingIfNeeded: region.length))
      memory.write32(at + 16, UInt32(truncatingIfNeeded: region.length >> 32))
      memory.write32(at + 20, region.type)
    }

    memory.write(Array(bootLoaderName.utf8) + [0], at: Layout.bootLoaderName)
    memory.write(commandLine, at: Layout.commandLine)

    let info = Layout.info
    let flags =
      infoFlagMemory | infoFlagBootDevice | infoFlagCommandLine | infoFlagModules | infoFlagMemoryMap
      | infoFlagBootLoaderName
    memory.write32(info + 0, flags)
    memory.write32(info + 4, Layout.end / 1024)  // mem_lower: KiB of conventional memory from 0 (639)
    memory.write32(info + 8, UInt32(clamping: (top - 0x10_0000) / 1024))  // mem_upper: KiB from 1 MiB up
    memory.write32(info + 12, 0x8000_FFFF)  // boot_device: BIOS drive 0x80, no partition (QEMU's value)
    memory.write32(info + 16, Layout.commandLine)  // cmdline
    memory.write32(info + 20, 0)  // mods_count
    memory.write32(info + 24, Layout.modules)  // mods_addr
    memory.write32(info + 44, UInt32(regions.count * 24))  // mmap_length: bytes of entries
    memory.write32(info + 48, Layout.memoryMap)  // mmap_addr
    memory.write32(info + 64, Layout.bootLoaderName)  // boot_loader_name

    return [
      LoadedRange(start: Layout.gdt, fileSize: 0, memorySize: UInt32(gdtDescriptors.count * 8), label: "GDT"),
      LoadedRange(
        start: Layout.memoryMap, fileSize: 0, memorySize: UInt32(regions.count * 24), label: "Multiboot memory map"),
      LoadedRange(start: Layout.info, fileSize: 0, memorySize: UInt32(infoSize), label: "Multiboot information"),
      LoadedRange(
        start: Layout.bootLoaderName, fileSize: 0, memorySize: UInt32(bootLoaderName.utf8.count + 1),
        label: "boot loader name"),
      LoadedRange(
        start: Layout.commandLine, fileSize: 0, memorySize: UInt32(commandLine.count), label: "command line"),
    ]
  }
}

/// A range of guest RAM the loader filled.
public struct LoadedRange: Sendable, Equatable {
  /// First physical address.
  public let start: UInt32
  /// Bytes copied from the kernel file (0 for boot data the loader made up).
  public let fileSize: UInt32
  /// Bytes in memory: the file bytes, then zeros (bss).
  public let memorySize: UInt32
  /// "program header 0", "the a.out kludge image", "GDT", "Multiboot information"…
  public let label: String

  public init(start: UInt32, fileSize: UInt32, memorySize: UInt32, label: String) {
    self.start = start
    self.fileSize = fileSize
    self.memorySize = memorySize
    self.label = label
  }

  /// One past the last byte (as a 64-bit value: a range may end exactly at 4 GiB).
  public var end: UInt64 { UInt64(start) + UInt64(memorySize) }
}

/// A kernel in RAM, and what the CPU needs to start it the way QEMU does: EAX = `MultibootLoader.bootMagic`,
/// EBX = `multibootInfoAddress`, EIP = `entry`, ESP = `initialESP`, GDTR = `gdtBase`/`gdtLimit`,
/// CS = 0x08 and DS = ES = FS = GS = SS = 0x10 (flat, loaded from that GDT), CR0.PE = 1, paging off, IF = 0, DF = 0.
public struct LoadedKernel: Sendable {
  /// How the load addresses were found.
  public enum Format: Sendable, Equatable {
    /// ELF program headers.
    case elf
    /// The Multiboot header's own addresses (flag bit 16).
    case aoutKludge
  }

  public let fileName: String
  public let format: Format
  /// File offset of the Multiboot header that was used.
  public let headerOffset: Int
  /// The header's flags.
  public let headerFlags: UInt32
  /// Physical address of the first instruction.
  public let entry: UInt32
  /// Physical address of the Multiboot information structure (EBX).
  public let multibootInfoAddress: UInt32
  /// GDTR base and limit (5 descriptors: limit 0x27).
  public let gdtBase: UInt32
  public let gdtLimit: UInt16
  /// Where ESP points at entry.
  public let initialESP: UInt32
  /// The kernel's ranges in RAM.
  public let segments: [LoadedRange]
  /// The boot data the loader wrote in low memory.
  public let bootAreas: [LoadedRange]
  /// The command line the kernel sees.
  public let commandLine: String
  /// The kernel's symbols; empty for a stripped ELF or an a.out-kludge image that is not ELF32.
  public let symbols: SymbolTable
  /// Things the user may want to know that did not stop the load (an ignored video-mode request).
  public let notes: [String]
}
