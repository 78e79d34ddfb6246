import Foundation
import Testing

@testable import Emulator

/// The Multiboot loader against real kernels built with clang + ld.lld, and against hand-made a.out images.
/// Expected values come from the Multiboot 0.6.96 spec, QEMU's option ROM GDT listing and the toolchain's own
/// `llvm-nm` / `llvm-objcopy` output — never from the loader.
struct MultibootLoaderTests {
  // MARK: - Kernels

  /// An ELF kernel: Multiboot header (flags 0x3, no a.out kludge), `_start` in assembly, `kmain` in C,
  /// an initialised word in .data and two bss arrays.
  static let elfSources = [
    "boot.s": """
    .section .multiboot, "a"
    .align 4
    .long 0x1BADB002
    .long 0x00000003
    .long -(0x1BADB002 + 0x00000003)

    .text
    .globl _start
    .type _start, @function
    _start:
      mov $stack_top, %esp
      push %ebx
      push %eax
      call kmain
    1: hlt
      jmp 1b
    .size _start, . - _start

    .bss
    .align 16
    .globl stack_bottom
    stack_bottom:
    .space 0x4000
    .globl stack_top
    stack_top:
    """,
    "main.c": """
    volatile unsigned int counter = 0x12345678u;
    unsigned char scratch[0x800];
    void kmain(unsigned int magic, unsigned int info) {
      for (int i = 0; i < 16; i++) scratch[i] = (unsigned char)(magic + i);
      counter += info;
    }
    """,
  ]

  /// The same kernel linked higher-half: virtual 0xC0100000, physical 0x100000.
  static let higherHalfScript = """
    ENTRY(_start)
    SECTIONS {
      . = 0xC0100000;
      .text : AT(0x100000) { KEEP(*(.multiboot)) *(.text*) }
      .rodata : AT(ADDR(.rodata) - 0xC0000000) { *(.rodata*) }
      .data : AT(ADDR(.data) - 0xC0000000) { *(.data*) }
      .bss : AT(ADDR(.bss) - 0xC0000000) { *(COMMON) *(.bss*) }
    }
    """

  /// An a.out-kludge kernel (flags 0x10003) at 2 MiB whose header gives its own load addresses.
  static let aoutSources = [
    "boot.s": """
    .section .multiboot, "a"
    .align 4
    mb_header:
    .long 0x1BADB002
    .long 0x00010003
    .long -(0x1BADB002 + 0x00010003)
    .long mb_header
    .long _image_start
    .long _data_end
    .long _bss_end
    .long _start

    .text
    .globl _start
    .type _start, @function
    _start:
      mov $stack_top, %esp
    1: hlt
      jmp 1b
    .size _start, . - _start

    .data
    .globl marker
    marker: .long 0xCAFEF00D

    .bss
    .globl bss_start
    bss_start:
    .space 0x3000
    stack_top:
    """
  ]

  static let aoutScript = """
    ENTRY(_start)
    SECTIONS {
      . = 2M;
      _image_start = .;
      .text : { KEEP(*(.multiboot)) *(.text*) }
      .data : { *(.data*) }
      _data_end = .;
      .bss : { *(.bss*) }
      _bss_end = .;
    }
    """

  /// Built once and shared by the tests (each build is a few clang runs).
  static let elfKernel = Result { try Toolchain.build(sources: elfSources) }
  static let aoutKernel = Result { try Toolchain.build(sources: aoutSources, linkerScript: aoutScript) }

  static let mib = 1 << 20

  /// 32 MiB of RAM with `pattern` everywhere, so untouched and zeroed bytes can be told apart.
  static func memory(size: Int = 32 << 20, pattern: UInt8 = 0xAA) -> PhysicalMemory {
    let memory = PhysicalMemory(size: size)
    memory.bytes.initializeMemory(as: UInt8.self, repeating: pattern, count: size)
    return memory
  }

  static func cString(_ memory: PhysicalMemory, at address: UInt32) -> String {
    var bytes: [UInt8] = []
    var at = address
    while bytes.count < 4096, memory.read8(at) != 0 {
      bytes.append(memory.read8(at))
      at += 1
    }
    return String(decoding: bytes, as: UTF8.self)
  }

  static func expectLoadError(
    _ data: [UInt8], fileName: String = "kernel.elf", memory: PhysicalMemory = memory(),
    sourceLocation: SourceLocation = #_sourceLocation
  ) -> LoadError? {
    do {
      let kernel = try MultibootLoader.load(data, fileName: fileName, into: memory, commandLine: "")
      Issue.record(
        "expected a load error, but the kernel loaded with entry \(kernel.entry)", sourceLocation: sourceLocation)
      return nil
    } catch {
      return error
    }
  }

  /// A raw (non-ELF) a.out-kludge image: `prefix` bytes, then the 32-byte header, then `payload`.
  static func aoutImage(
    prefix: [UInt8] = [], flags: UInt32 = 0x0001_0000, headerAddress: UInt32, loadAddress: UInt32,
    loadEndAddress: UInt32, bssEndAddress: UInt32, entryAddress: UInt32, payload: [UInt8]
  ) -> [UInt8] {
    var words: [UInt32] = [0x1BAD_B002, flags, 0 &- 0x1BAD_B002 &- flags]
    words += [headerAddress, loadAddress, loadEndAddress, bssEndAddress, entryAddress]
    var bytes = prefix
    for word in words { bytes += withUnsafeBytes(of: word.littleEndian) { Array($0) } }
    return bytes + payload
  }

  // MARK: - ELF kernels

  @Test func elfKernelLoadsAtItsPhysicalAddressWithDataAndEntry() throws {
    let kernel = try Self.elfKernel.get()
    let symbols = try kernel.nm()
    let memory = Self.memory()
    let loaded = try MultibootLoader.load(kernel.elf, fileName: "kernel.elf", into: memory, commandLine: "")

    #expect(loaded.format == .elf)
    // ENTRY(_start) in the linker script: e_entry is _start.
    #expect(loaded.entry == symbols["_start"])
    // The .multiboot section is placed first at 1 MiB: the magic, little-endian, is the first word there.
    #expect(memory.read32(0x10_0000) == 0x1BAD_B002)
    #expect(memory.read32(0x10_0004) == 0x0000_0003)
    let counter = try #require(symbols["counter"])
    #expect(memory.read32(counter) == 0x1234_5678)
    // The instructions of _start: `mov $stack_top, %esp` is BC imm32.
    let start = try #require(symbols["_start"])
    #expect(memory.read8(start) == 0xBC)
    #expect(memory.read32(start + 1) == symbols["stack_top"])
  }

  @Test func elfKernelBssIsZeroed() throws {
    let kernel = try Self.elfKernel.get()
    let symbols = try kernel.nm()
    let memory = Self.memory()  // 0xAA everywhere beforehand
    _ = try MultibootLoader.load(kernel.elf, fileName: "kernel.elf", into: memory, commandLine: "")

    let bottom = try #require(symbols["stack_bottom"])
    let top = try #require(symbols["stack_top"])
    #expect(top - bottom == 0x4000)
    let stack = try #require(memory.read(bottom, count: Int(top - bottom)))
    #expect(stack.allSatisfy { $0 == 0 })
    let scratch = try #require(symbols["scratch"])
    let scratchBytes = try #require(memory.read(scratch, count: 0x800))
    #expect(scratchBytes.allSatisfy { $0 == 0 })
  }

  @Test func higherHalfKernelLoadsAtPaddrAndEntersAtPhysicalEntry() throws {
    let kernel = try Toolchain.build(sources: Self.elfSources, linkerScript: Self.higherHalfScript)
    let symbols = try kernel.nm()
    let memory = Self.memory()
    let loaded = try MultibootLoader.load(kernel.elf, fileName: "hh.elf", into: memory, commandLine: "")

    let virtualStart = try #require(symbols["_start"])
    #expect(virtualStart >= 0xC010_0000)
    // e_entry is virtual; QEMU moves it into the executable segment's physical range.
    #expect(loaded.entry == virtualStart - 0xC000_0000)
    #expect(memory.read32(0x10_0000) == 0x1BAD_B002)
    let counter = try #require(symbols["counter"])
    #expect(memory.read32(counter - 0xC000_0000) == 0x1234_5678)
    // Symbols stay virtual, as the kernel's own code refers to them.
    #expect(loaded.symbols.address(of: "_start") == virtualStart)
  }

  // MARK: - a.out kludge

  @Test func aoutKludgeFlatBinaryLoadsAtLoadAddr() throws {
    let kernel = try Self.aoutKernel.get()
    let symbols = try kernel.nm()
    let flat = try kernel.flatBinary()
    let memory = Self.memory()
    let loaded = try MultibootLoader.load(flat, fileName: "kernel.bin", into: memory, commandLine: "")

    #expect(loaded.format == .aoutKludge)
    #expect(loaded.headerOffset == 0)
    #expect(loaded.entry == symbols["_start"])
    let imageStart = try #require(symbols["_image_start"])
    #expect(imageStart == 0x20_0000)
    #expect(memory.read(imageStart, count: flat.count) == flat)
    let marker = try #require(symbols["marker"])
    #expect(memory.read32(marker) == 0xCAFE_F00D)
    // load_end_addr .. bss_end_addr is zeroed; the byte after bss_end_addr is not touched.
    let dataEnd = try #require(symbols["_data_end"])
    let bssEnd = try #require(symbols["_bss_end"])
    #expect(bssEnd - dataEnd >= 0x3000)
    let bss = try #require(memory.read(dataEnd, count: Int(bssEnd - dataEnd)))
    #expect(bss.allSatisfy { $0 == 0 })
    #expect(memory.read8(bssEnd) == 0xAA)
    // A raw binary has no symbols.
    #expect(loaded.symbols.isEmpty)
  }

  @Test func aoutKludgeInAnELFFileUsesHeaderAddressesNotProgramHeaders() throws {
    let kernel = try Self.aoutKernel.get()
    let symbols = try kernel.nm()
    let flat = try kernel.flatBinary()
    let memory = Self.memory()
    let loaded = try MultibootLoader.load(kernel.elf, fileName: "kernel.elf", into: memory, commandLine: "")

    #expect(loaded.format == .aoutKludge)
    #expect(loaded.entry == symbols["_start"])
    // The header's load_addr..load_end_addr bytes are exactly what objcopy puts in the flat binary.
    #expect(memory.read(0x20_0000, count: flat.count) == flat)
    // The ELF's symbols are still read.
    #expect(loaded.symbols.address(of: "marker") == symbols["marker"])
  }

  @Test func aoutZeroLoadEndTakesWholeFileAndZeroBssEndMeansNone() throws {
    // Header at file offset 8, so load_addr = header_addr - 8 and file byte 0 goes to load_addr.
    let payload: [UInt8] = (0..<24).map { UInt8($0) &+ 0x40 }
    let image = Self.aoutImage(
      prefix: [0xEB, 0xFE, 0x90, 0x90, 0x90, 0x90, 0x90, 0x90], headerAddress: 0x30_0008, loadAddress: 0x30_0000,
      loadEndAddress: 0, bssEndAddress: 0, entryAddress: 0x30_0000, payload: payload)
    #expect(image.count == 64)
    let memory = Self.memory()
    let loaded = try MultibootLoader.load(image, fileName: "raw.bin", into: memory, commandLine: "")

    #expect(loaded.entry == 0x30_0000)
    #expect(memory.read(0x30_0000, count: 64) == image)
    #expect(memory.read8(0x30_0040) == 0xAA)
    #expect(memory.read8(0x2F_FFFF) == 0xAA)
  }

  @Test func aoutHeaderDeeperInTheFileSkipsTheBytesBeforeTheImage() throws {
    // Header at offset 0x20, header_addr = load_addr + 0x10: the image starts at file offset 0x10.
    let prefix = [UInt8](repeating: 0x11, count: 0x10) + [UInt8](repeating: 0x22, count: 0x10)
    let image = Self.aoutImage(
      prefix: prefix, headerAddress: 0x40_0010, loadAddress: 0x40_0000, loadEndAddress: 0x40_0040,
      bssEndAddress: 0x40_0100, entryAddress: 0x40_0000, payload: [UInt8](repeating: 0x33, count: 0x40))
    let memory = Self.memory()
    _ = try MultibootLoader.load(image, fileName: "raw.bin", into: memory, commandLine: "")

    #expect(memory.read(0x40_0000, count: 0x40) == Array(image[0x10..<0x50]))
    #expect(memory.read(0x40_0040, count: 0xC0)?.allSatisfy { $0 == 0 } == true)
    #expect(memory.read8(0x40_0100) == 0xAA)
  }

  // MARK: - Multiboot information

  @Test func informationStructureMatchesTheSpecFor32MiB() throws {
    let kernel = try Self.elfKernel.get()
    let memory = Self.memory()
    let loaded = try MultibootLoader.load(
      kernel.elf, fileName: "kernel.elf", into: memory, commandLine: "console=ttyS0 debug")
    let info = loaded.multibootInfoAddress

    #expect(MultibootLoader.bootMagic == 0x2BAD_B002)
    // Below the EBDA, and clear of the kernel at 1 MiB.
    #expect(info >= 0x500 && info + 88 <= 0x9_FC00)
    let flags = memory.read32(info)
    #expect(flags & (1 << 0) != 0, "mem_lower/mem_upper valid")
    #expect(flags & (1 << 2) != 0, "cmdline valid")
    #expect(flags & (1 << 6) != 0, "mmap valid")
    #expect(flags & (1 << 9) != 0, "boot_loader_name valid")
    #expect(flags & (1 << 11) == 0, "no VBE information")
    #expect(flags & (1 << 12) == 0, "no framebuffer information")
    #expect(memory.read32(info + 4) == 639)  // mem_lower, KiB below 640 KiB
    #expect(memory.read32(info + 8) == 32 * 1024 - 1024)  // mem_upper, KiB above 1 MiB
    if flags & (1 << 3) != 0 { #expect(memory.read32(info + 20) == 0) }  // mods_count
    #expect(Self.cString(memory, at: memory.read32(info + 16)) == "kernel.elf console=ttyS0 debug")
    #expect(Self.cString(memory, at: memory.read32(info + 64)) == "irqscope")
    #expect(loaded.commandLine == "kernel.elf console=ttyS0 debug")
  }

  @Test func memoryMapEntriesFollowTheSpecLayout() throws {
    let kernel = try Self.elfKernel.get()
    let memory = Self.memory()
    let loaded = try MultibootLoader.load(kernel.elf, fileName: "kernel.elf", into: memory, commandLine: "")
    let info = loaded.multibootInfoAddress
    let length = memory.read32(info + 44)
    let start = memory.read32(info + 48)

    // Walk the map as the spec says a kernel must: `size` at offset -4 of each entry, next = entry + size + 4.
    var entries: [(base: UInt64, length: UInt64, type: UInt32)] = []
    var at = start
    while at < start + length, entries.count < 32 {
      let size = memory.read32(at)
      #expect(size == 20)
      let base = UInt64(memory.read32(at + 4)) | UInt64(memory.read32(at + 8)) << 32
      let bytes = UInt64(memory.read32(at + 12)) | UInt64(memory.read32(at + 16)) << 32
      entries.append((base, bytes, memory.read32(at + 20)))
      at += size + 4
    }
    #expect(at == start + length)
    let expected: [(UInt64, UInt64, UInt32)] = [
      (0, 0x9_FC00, 1), (0x9_FC00, 0x400, 2), (0xF_0000, 0x1_0000, 2), (0x10_0000, 31 << 20, 1),
    ]
    #expect(entries.count == expected.count)
    for (entry, want) in zip(entries, expected) {
      #expect(entry.base == want.0)
      #expect(entry.length == want.1)
      #expect(entry.type == want.2)
    }
  }

  @Test func memUpperFollowsTheRAMSize() throws {
    let kernel = try Self.elfKernel.get()
    let memory = Self.memory(size: 64 << 20)
    let loaded = try MultibootLoader.load(kernel.elf, fileName: "k", into: memory, commandLine: "")
    #expect(memory.read32(loaded.multibootInfoAddress + 8) == 64 * 1024 - 1024)
  }

  @Test func emptyAppendStillPassesTheFileNameAsQEMUDoes() throws {
    let kernel = try Self.elfKernel.get()
    let memory = Self.memory()
    let loaded = try MultibootLoader.load(kernel.elf, fileName: "/boot/kernel.elf", into: memory, commandLine: "")
    // QEMU formats "%s %s": file name, space, -append text.
    #expect(Self.cString(memory, at: memory.read32(loaded.multibootInfoAddress + 16)) == "/boot/kernel.elf ")
  }

  @Test func bootDataAndStackStayInFreeLowMemoryApartFromTheKernel() throws {
    let kernel = try Self.elfKernel.get()
    let memory = Self.memory()
    let loaded = try MultibootLoader.load(kernel.elf, fileName: "kernel.elf", into: memory, commandLine: "x")
    // ESP in usable low memory (above the IVT and BDA, below the EBDA), with 4 KiB below it free of boot data.
    #expect(loaded.initialESP >= 0x1500 && loaded.initialESP <= 0x9_FC00)
    #expect(loaded.initialESP % 16 == 0)
    let stack = UInt64(loaded.initialESP - 0x1000)..<UInt64(loaded.initialESP)
    for area in loaded.bootAreas + loaded.segments {
      #expect(!stack.overlaps(UInt64(area.start)..<area.end), "stack overlaps \(area.label)")
    }
    for area in loaded.bootAreas {
      #expect(area.end <= 0x9_FC00, "\(area.label) ends above 0x9FC00")
      for segment in loaded.segments {
        #expect(!(UInt64(area.start)..<area.end).overlaps(UInt64(segment.start)..<segment.end))
      }
    }
  }

  @Test func gdtHoldsQEMUsFiveDescriptors() throws {
    let kernel = try Self.elfKernel.get()
    let memory = Self.memory()
    let loaded = try MultibootLoader.load(kernel.elf, fileName: "kernel.elf", into: memory, commandLine: "")

    #expect(loaded.gdtLimit == 5 * 8 - 1)
    // QEMU pc-bios/optionrom/multiboot.S, byte for byte.
    let expected: [UInt8] = [
      0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,  // null
      0xFF, 0xFF, 0x00, 0x00, 0x00, 0x9A, 0xCF, 0x00,  // 0x08 32-bit code, base 0, limit 4 GiB
      0xFF, 0xFF, 0x00, 0x00, 0x00, 0x92, 0xCF, 0x00,  // 0x10 32-bit data, base 0, limit 4 GiB
      0xFF, 0xFF, 0x00, 0x00, 0x00, 0x9E, 0x00, 0x00,  // 0x18 16-bit code, limit 64 KiB
      0xFF, 0xFF, 0x00, 0x00, 0x00, 0x92, 0x00, 0x00,  // 0x20 16-bit data, limit 64 KiB
    ]
    #expect(memory.read(loaded.gdtBase, count: 40) == expected)
    #expect(loaded.gdtBase + 40 <= 0x9_FC00)
  }

  // MARK: - Symbols

  @Test func symbolTableResolvesStartAndFunctionsLikeLlvmNm() throws {
    let kernel = try Self.elfKernel.get()
    let symbols = try kernel.nm()
    let sizes = try kernel.symbolSizes()
    let memory = Self.memory()
    let table = try MultibootLoader.load(kernel.elf, fileName: "kernel.elf", into: memory, commandLine: "").symbols

    let start = try #require(symbols["_start"])
    let kmain = try #require(symbols["kmain"])
    #expect(table.address(of: "_start") == start)
    #expect(table.address(of: "kmain") == kmain)
    #expect(table.address(of: "counter") == symbols["counter"])
    #expect(table.name(at: start) == "_start")
    #expect(table.name(at: kmain) == "kmain")
    #expect(table.name(at: kmain + 1) == nil)
    #expect(table.describe(start) == "_start")
    #expect(table.describe(start + 5) == "_start+0x5")
    let kmainSize = try #require(sizes["kmain"])
    #expect(kmainSize > 0x1c)
    #expect(table.describe(kmain + 0x1c) == "kmain+0x1c")
    #expect(table.describe(kmain + kmainSize - 1) == "kmain+0x" + String(kmainSize - 1, radix: 16))
    let scratch = try #require(symbols["scratch"])
    #expect(table.describe(scratch + 0x7FF) == "scratch+0x7ff")
    #expect(table.address(of: "no_such_symbol") == nil)
    #expect(table.describe(0x1000) == nil)
  }

  @Test func strippedKernelLoadsWithAnEmptySymbolTable() throws {
    let kernel = try Toolchain.build(sources: Self.elfSources, ldflags: ["--strip-all"])
    let memory = Self.memory()
    let loaded = try MultibootLoader.load(kernel.elf, fileName: "kernel.elf", into: memory, commandLine: "")
    #expect(loaded.symbols.isEmpty)
    #expect(memory.read32(0x10_0000) == 0x1BAD_B002)
  }

  @Test func symbolTablePrefersFunctionsOverLabelsAtOneAddressAndLimitsUnsizedReach() {
    let table = SymbolTable([
      SymbolTable.Symbol(name: "entry_label", address: 0x1000, size: 0, kind: .label),
      SymbolTable.Symbol(name: "start", address: 0x1000, size: 0x20, kind: .function),
      SymbolTable.Symbol(name: "table", address: 0x2000, size: 8, kind: .object),
      SymbolTable.Symbol(name: "loose", address: 0x3000, size: 0, kind: .label),
    ])
    #expect(table.count == 3)
    #expect(table.name(at: 0x1000) == "start")
    #expect(table.address(of: "entry_label") == 0x1000)  // an alias is still found by name
    #expect(table.describe(0x101F) == "start+0x1f")
    #expect(table.describe(0x1020) == nil)  // past start's 0x20 bytes, before table
    #expect(table.describe(0x2007) == "table+0x7")
    #expect(table.describe(0x2008) == nil)
    #expect(table.describe(0x0FFF) == nil)  // before every symbol
    #expect(table.describe(0x3FFF) == "loose+0xfff")  // a size-0 label reaches 4 KiB
    #expect(table.describe(0x4000) == nil)
    #expect(SymbolTable.empty.describe(0x1000) == nil)
  }

  @Test func symbolTableBinarySearchAgreesWithALinearScan() {
    var rng = SplitMix64(state: 42)
    let symbols = (0..<500).map { index in
      SymbolTable.Symbol(
        name: "s\(index)", address: UInt32.random(in: 0...0xFFFF, using: &rng) * 16,
        size: UInt32.random(in: 0...64, using: &rng), kind: .function)
    }
    let table = SymbolTable(symbols)
    for _ in 0..<2000 {
      let probe = UInt32.random(in: 0...0x10_0100, using: &rng)
      // The nearest symbol at or below the probe, first in the input among equals.
      let best = symbols.enumerated().filter { $0.element.address <= probe }
        .max { ($0.element.address, -$0.offset) < ($1.element.address, -$1.offset) }?.element
      let expected: String? = best.flatMap { symbol in
        let offset = probe - symbol.address
        guard offset == 0 || offset < (symbol.size == 0 ? 0x1000 : symbol.size) else { return nil }
        return offset == 0 ? symbol.name : symbol.name + "+0x" + String(offset, radix: 16)
      }
      #expect(table.describe(probe) == expected)
    }
  }

  // MARK: - Rejections

  @Test func rejectsAFileThatIsNeitherELFNorAoutKludge() {
    var data = Self.aoutImage(
      flags: 0x3, headerAddress: 0, loadAddress: 0, loadEndAddress: 0, bssEndAddress: 0, entryAddress: 0,
      payload: Array("just some text".utf8))
    data = Array(data[0..<12]) + Array(data[32...])
    let error = Self.expectLoadError(data, fileName: "kernel.bin")
    #expect(error?.fileName == "kernel.bin")
    #expect(error?.description.hasPrefix("kernel.bin: not an ELF file") == true)
    #expect(error?.message.contains("flag bit 16") == true)
  }

  @Test func rejects64BitELF() throws {
    let sources = [
      "boot.s": """
      .section .multiboot, "a"
      .align 4
      .long 0x1BADB002
      .long 0x00000003
      .long -(0x1BADB002 + 0x00000003)
      .text
      .globl _start
      _start:
        hlt
        jmp _start
      """
    ]
    let kernel = try Toolchain.buildKernel(sources: sources, target: "x86_64-unknown-none-elf")
    #expect(kernel[4] == 2)  // e_ident[EI_CLASS] = ELFCLASS64
    let error = Self.expectLoadError(kernel, fileName: "kernel64.elf")
    #expect(
      error?.description.hasPrefix("kernel64.elf: 64-bit ELF (ELFCLASS64) is not supported; build with --target=i386-")
        == true)
  }

  @Test func rejectsAKernelWithNoMultibootHeader() throws {
    let kernel = try Toolchain.buildKernel(sources: ["boot.s": ".text\n.globl _start\n_start:\n  hlt\n"])
    let error = Self.expectLoadError(kernel)
    #expect(
      error?.description.hasPrefix("kernel.elf: no Multiboot header (magic 0x1BADB002) in the first 8192 bytes") == true
    )
  }

  @Test func rejectsAHeaderBeyondTheFirst8192Bytes() throws {
    let sources = [
      "boot.s": """
      .text
      .globl _start
      _start:
        hlt
      .space 0x2400
      .align 4
      .long 0x1BADB002
      .long 0x00000003
      .long -(0x1BADB002 + 0x00000003)
      """
    ]
    let kernel = try Toolchain.buildKernel(sources: sources)
    let magic: [UInt8] = [0x02, 0xB0, 0xAD, 0x1B]
    let found = (0..<(kernel.count - 4)).first { Array(kernel[$0..<$0 + 4]) == magic }
    #expect((found ?? 0) > 8192)
    let error = Self.expectLoadError(kernel)
    #expect(error?.message.hasPrefix("no Multiboot header") == true)
  }

  @Test func rejectsABadChecksumNamingTheOffset() throws {
    var kernel = try Self.elfKernel.get().elf
    // ld.lld puts the first segment (the .multiboot section first in .text) at file offset 0x1000.
    #expect(Array(kernel[0x1000..<0x1004]) == [0x02, 0xB0, 0xAD, 0x1B])
    kernel[0x1008] &+= 1
    let error = Self.expectLoadError(kernel)
    #expect(error?.message.hasPrefix("bad Multiboot header checksum at offset 0x1000") == true)
    // magic + flags + (checksum + 1) = 1.
    #expect(error?.message.contains("= 0x1 (mod 2^32), must be 0") == true)
  }

  @Test func rejectsASegmentBeyondTheEndOfRAM() throws {
    let script = """
      ENTRY(_start)
      SECTIONS {
        . = 1M;
        .text : { KEEP(*(.multiboot)) *(.text*) }
        . = 0x1FFF800;
        .data : { *(.data*) LONG(1) . = . + 0x17FC; }
      }
      """
    let sources = [
      "boot.s": """
      .section .multiboot, "a"
      .align 4
      .long 0x1BADB002
      .long 0x00000003
      .long -(0x1BADB002 + 0x00000003)
      .text
      .globl _start
      _start:
        hlt
      """
    ]
    let kernel = try Toolchain.buildKernel(sources: sources, linkerScript: script)
    let memory = Self.memory()
    let error = Self.expectLoadError(kernel, memory: memory)
    // .data is 4 + 0x17FC = 0x1800 bytes from 0x1FFF800: it ends at 0x2001000, past 32 MiB (0x2000000).
    #expect(error?.message.hasPrefix("program header ") == true)
    #expect(error?.message.hasSuffix("loads 0x1800 bytes at 0x1FFF800, beyond the end of RAM (32 MiB)") == true)
    // Nothing was written: the first segment, which did fit, is not in RAM either.
    #expect(memory.read32(0x10_0000) == 0xAAAA_AAAA)
    #expect(memory.read32(0x9500) == 0xAAAA_AAAA)
  }

  @Test func rejectsATruncatedSegmentWithByteOffsets() throws {
    let kernel = try Self.elfKernel.get().elf
    let cut = Array(kernel[0..<0x1010])
    let error = Self.expectLoadError(cut)
    #expect(error?.message.hasPrefix("truncated: program header 0 wants file bytes 0x1000–0x") == true)
    #expect(error?.message.hasSuffix(" but the file has 0x1010") == true)
  }

  @Test func rejectsATruncatedAoutImage() throws {
    let flat = try Self.aoutKernel.get().flatBinary()
    let error = Self.expectLoadError(Array(flat[0..<0x20]), fileName: "kernel.bin")
    #expect(
      error?.message.hasPrefix("truncated: the Multiboot header's a.out kludge (flag bit 16) wants file bytes 0x0–0x")
        == true)
    #expect(error?.message.hasSuffix("but the file has 0x20") == true)
  }

  @Test func rejectsAProgramHeaderTableBeyondTheFile() throws {
    var kernel = try Self.elfKernel.get().elf
    let phnum = Int(kernel[44]) | Int(kernel[45]) << 8  // e_phnum
    #expect(phnum >= 2)
    // Point e_phoff (file offset 28) 16 bytes before the end of the file.
    let phoff = UInt32(kernel.count - 16)
    for index in 0..<4 { kernel[28 + index] = UInt8(truncatingIfNeeded: phoff >> (8 * UInt32(index))) }
    let end = Int(phoff) + phnum * 32
    func hex(_ value: some BinaryInteger) -> String { "0x" + String(value, radix: 16, uppercase: true) }
    let error = Self.expectLoadError(kernel)
    #expect(
      error?.message
        == "truncated: the \(phnum) program headers want file bytes \(hex(phoff))–\(hex(end)) "
        + "but the file has \(hex(kernel.count))")
  }

  @Test func rejectsUnknownRequiredFlagBitsButAcceptsVideoModeAsQEMUDoes() throws {
    let bad = Self.aoutImage(
      flags: 0x0001_0008, headerAddress: 0x20_0000, loadAddress: 0x20_0000, loadEndAddress: 0, bssEndAddress: 0,
      entryAddress: 0x20_0000, payload: [0xF4])
    let error = Self.expectLoadError(bad)
    #expect(error?.message.contains("(bit 3)") == true)

    let video = Self.aoutImage(
      flags: 0x0001_0004, headerAddress: 0x20_0000, loadAddress: 0x20_0000, loadEndAddress: 0, bssEndAddress: 0,
      entryAddress: 0x20_0000, payload: [0xF4])
    let loaded = try MultibootLoader.load(video, fileName: "v.bin", into: Self.memory(), commandLine: "")
    #expect(loaded.entry == 0x20_0000)
    #expect(loaded.notes.count == 1)
  }

  @Test func rejectsAoutAddressesThatContradictEachOther() {
    func image(header: UInt32, load: UInt32, loadEnd: UInt32, bssEnd: UInt32) -> [UInt8] {
      Self.aoutImage(
        headerAddress: header, loadAddress: load, loadEndAddress: loadEnd, bssEndAddress: bssEnd,
        entryAddress: load, payload: [UInt8](repeating: 0x90, count: 0x40))
    }
    #expect(
      Self.expectLoadError(image(header: 0x1F_FFF0, load: 0x20_0000, loadEnd: 0, bssEnd: 0))?.message
        .contains("header_addr 0x1FFFF0 below load_addr 0x200000") == true)
    #expect(
      Self.expectLoadError(image(header: 0x20_0010, load: 0x20_0000, loadEnd: 0, bssEnd: 0))?.message
        .contains("the image would start before the file does") == true)
    #expect(
      Self.expectLoadError(image(header: 0x20_0000, load: 0x20_0000, loadEnd: 0x1F_0000, bssEnd: 0))?.message
        .contains("load_end_addr 0x1F0000 below load_addr 0x200000") == true)
    #expect(
      Self.expectLoadError(image(header: 0x20_0000, load: 0x20_0000, loadEnd: 0x20_0020, bssEnd: 0x20_0010))?.message
        .contains("bss_end_addr 0x200010 below the end of the loaded image 0x200020") == true)
  }

  @Test func rejectsKernelsOverlappingLowMemoryHolesAndBootData() {
    let hole = Self.aoutImage(
      headerAddress: 0x9_F000, loadAddress: 0x9_F000, loadEndAddress: 0, bssEndAddress: 0xA_1000,
      entryAddress: 0x9_F000, payload: [0xF4])
    #expect(Self.expectLoadError(hole)?.message.contains("overlapping 0x9FC00–0x100000") == true)

    let bootData = Self.aoutImage(
      headerAddress: 0x8000, loadAddress: 0x8000, loadEndAddress: 0, bssEndAddress: 0,
      entryAddress: 0x8000, payload: [0xF4])
    #expect(Self.expectLoadError(bootData)?.message.contains("where the loader puts the initial stack") == true)
  }

  @Test func rejectsRAMSmallerThanOneMiB() throws {
    let kernel = try Self.elfKernel.get().elf
    let error = Self.expectLoadError(kernel, memory: PhysicalMemory(size: 512 << 10))
    #expect(error?.message == "RAM is 512 KiB; a Multiboot kernel needs at least 1 MiB")
  }

  @Test func rejectsNonI386Machine() throws {
    var kernel = try Self.elfKernel.get().elf
    kernel[18] = 40  // e_machine = EM_ARM
    kernel[19] = 0
    #expect(Self.expectLoadError(kernel)?.message.hasPrefix("ELF machine 40 (EM_ARM) is not i386") == true)
  }

  // MARK: - Fuzzing

  /// SplitMix64: a small seeded generator, so a failing mutation can be replayed.
  struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
      state &+= 0x9E37_79B9_7F4A_7C15
      var z = state
      z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
      z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
      return z ^ (z >> 31)
    }
  }

  static let interestingWords: [UInt32] = [
    0, 1, 0x7F, 0x80, 0xFF, 0xFFFF, 0x7FFF_FFFF, 0x8000_0000, 0xFFFF_FFFF, 0xFFFF_FFF0, 0x10_0000, 0x1000,
  ]

  /// Mutates `original` one of several ways; `kludgeHeader` is the a.out header offset whose checksum to repair.
  static func mutate(_ original: [UInt8], kludgeHeader: Int?, using rng: inout SplitMix64) -> [UInt8] {
    var data = original
    func put(_ word: UInt32, at offset: Int) {
      guard offset >= 0, offset + 4 <= data.count else { return }
      for index in 0..<4 { data[offset + index] = UInt8(truncatingIfNeeded: word >> (8 * UInt32(index))) }
    }
    func word(_ rng: inout SplitMix64) -> UInt32 {
      Bool.random(using: &rng)
        ? interestingWords.randomElement(using: &rng)! &+ UInt32.random(in: 0...2, using: &rng) &- 1
        : UInt32.random(in: 0...UInt32.max, using: &rng)
    }
    switch Int.random(in: 0..<5, using: &rng) {
    case 0:  // flip random bytes anywhere
      for _ in 0..<Int.random(in: 1...8, using: &rng) {
        data[Int.random(in: 0..<data.count, using: &rng)] ^= UInt8.random(in: 1...255, using: &rng)
      }
    case 1:  // an extreme word in the ELF and program headers
      put(word(&rng), at: Int.random(in: 0..<0x80, using: &rng) & ~1)
    case 2:  // an extreme word in the section headers and symbols at the end of the file
      put(word(&rng), at: data.count - Int.random(in: 4...min(0x600, data.count), using: &rng))
    case 3:  // cut the file short
      data.removeLast(Int.random(in: 1..<data.count, using: &rng))
    default:  // a.out fields (or the header's flags) with a repaired checksum
      let header = kludgeHeader ?? 0x1000
      let field = Int.random(in: 1...7, using: &rng)
      put(word(&rng), at: header + 4 * (field == 2 ? 1 : field))
      let flags =
        UInt32(data[header + 4]) | UInt32(data[header + 5]) << 8 | UInt32(data[header + 6]) << 16
        | UInt32(data[header + 7]) << 24
      put(0 &- 0x1BAD_B002 &- flags, at: header + 8)
    }
    return data
  }

  @Test func fuzzedKernelsLoadOrThrowButNeverTrap() throws {
    let elf = try Self.elfKernel.get().elf
    let aoutELF = try Self.aoutKernel.get().elf
    let flat = try Self.aoutKernel.get().flatBinary()
    let memory = PhysicalMemory(size: 4 << 20)
    var rng = SplitMix64(state: 0x1B4D_B002)
    var loaded = 0
    var rejected = 0
    for iteration in 0..<3000 {
      let (original, header): ([UInt8], Int?) =
        switch iteration % 3 {
        case 0: (elf, nil)
        case 1: (aoutELF, 0x1000)
        default: (flat, 0)
        }
      let data = Self.mutate(original, kludgeHeader: header, using: &rng)
      do {
        let kernel = try MultibootLoader.load(data, fileName: "fuzz", into: memory, commandLine: "")
        loaded += 1
        #expect(UInt64(kernel.entry) < UInt64(memory.size))
        for segment in kernel.segments { #expect(segment.end <= UInt64(memory.size)) }
        for probe in [kernel.entry, 0, 0xFFFF_FFFF, UInt32.random(in: 0...UInt32.max, using: &rng)] {
          _ = kernel.symbols.describe(probe)
        }
      } catch {
        rejected += 1
        #expect(!error.message.isEmpty)
      }
    }
    // Both outcomes happen, so the mutations reach past the first check and the loader is exercised.
    #expect(loaded > 100)
    #expect(rejected > 100)
  }
}
