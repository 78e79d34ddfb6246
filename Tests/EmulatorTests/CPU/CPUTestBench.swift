@testable import Emulator

/// A bare CPU with RAM and no devices, for instruction tests: code goes at `codeBase`, a flat GDT and an IDT
/// whose handlers record the vector are installed on request.
final class CPUTestBench {
  static let codeBase: UInt32 = 0x1000
  static let stackTop: UInt32 = 0x9_0000
  static let gdtBase: UInt32 = 0x500
  static let idtBase: UInt32 = 0x2_0000
  static let tssBase: UInt32 = 0x600
  /// Handler stubs live here: stub for vector v is at handlerBase + 16 * v and writes v to `lastVectorAddress`.
  static let handlerBase: UInt32 = 0x3_0000
  static let lastVectorAddress: UInt32 = 0x4_0000

  let memory = PhysicalMemory(size: 4 << 20)
  let io = IOBus()
  let cpu: CPU

  init() {
    cpu = CPU(memory: memory, io: io, mmio: MMIOMap())
    installGDT()
    cpu.eip = Self.codeBase
    cpu[.esp] = Self.stackTop
  }

  /// GDT: 0x08 flat code DPL0, 0x10 flat data DPL0, 0x18 flat code DPL3, 0x20 flat data DPL3, 0x28 32-bit TSS,
  /// 0x30 16-bit code DPL0 (limit 0xFFFF), 0x38 data DPL0 with limit 0xFFF (byte granular).
  func installGDT() {
    let entries: [(UInt32, UInt32)] = [
      (0, 0),
      (0x0000_FFFF, 0x00CF_9A00),
      (0x0000_FFFF, 0x00CF_9200),
      (0x0000_FFFF, 0x00CF_FA00),
      (0x0000_FFFF, 0x00CF_F200),
      (0x0000_0067 | (Self.tssBase << 16), 0x0000_8900 | (Self.tssBase >> 16) & 0xFF),
      (0x0000_FFFF, 0x0000_9A00),
      (0x0000_0FFF, 0x0040_9200),
    ]
    for (i, (low, high)) in entries.enumerated() {
      memory.write32(Self.gdtBase + UInt32(i * 8), low)
      memory.write32(Self.gdtBase + UInt32(i * 8) + 4, high)
    }
    cpu.gdtr = TableRegister(base: Self.gdtBase, limit: UInt16(entries.count * 8 - 1))
  }

  /// Writes an IDT gate. `type` 0xE = 32-bit interrupt gate, 0xF = 32-bit trap gate.
  func setGate(
    _ vector: Int, offset: UInt32, selector: UInt16 = 0x08, type: UInt32 = 0xE, dpl: UInt32 = 0,
    present: Bool = true
  ) {
    let address = Self.idtBase + UInt32(vector * 8)
    memory.write32(address, (offset & 0xFFFF) | UInt32(selector) << 16)
    memory.write32(address + 4, (offset & 0xFFFF_0000) | (present ? 0x8000 : 0) | dpl << 13 | type << 8)
  }

  /// Installs gates for all 256 vectors, each to a stub that stores its vector number at `lastVectorAddress`
  /// and halts: `mov dword [lastVector], v; hlt; jmp $-1`.
  func installRecordingIDT(type: UInt32 = 0xE, dpl: UInt32 = 0) {
    for v in 0..<256 {
      let stub = Self.handlerBase + UInt32(v * 16)
      let bytes: [UInt8] =
        [0xC7, 0x05] + le32(Self.lastVectorAddress) + le32(UInt32(v)) + [0xF4, 0xEB, 0xFD]
      memory.write(bytes, at: stub)
      setGate(v, offset: stub, type: type, dpl: dpl)
    }
    cpu.idtr = TableRegister(base: Self.idtBase, limit: 0x7FF)
    memory.write32(Self.lastVectorAddress, 0xFFFF_FFFF)
  }

  var lastVector: UInt32 { memory.read32(Self.lastVectorAddress) }

  /// Loads code at `codeBase` and runs until HLT (or `maxInstructions`).
  @discardableResult
  func run(_ code: [UInt8], maxInstructions: UInt64 = 100_000) -> CPU {
    memory.write(code, at: Self.codeBase)
    return resume(maxInstructions: maxInstructions)
  }

  /// Runs until HLT or until `maxInstructions` cycles pass (the CPU returns early after I/O; keep going).
  @discardableResult
  func resume(maxInstructions: UInt64 = 100_000) -> CPU {
    let target = cpu.cycles + maxInstructions
    repeat { cpu.run(until: target) } while cpu.cycles < target && !cpu.halted
    return cpu
  }

  /// Kernel code that enters ring 3 at `userEntry` with ESP 0x70000 the way kernels do: load TR (TSS with
  /// SS0:ESP0 = 0x10:`kernelStack`), load user data segments, then IRET to a ring-3 frame. It is
  /// `userModeEntryInstructions` instructions long.
  func userModeEntry(userEntry: UInt32, kernelStack: UInt32 = 0x8_0000) -> [UInt8] {
    memory.write32(Self.tssBase + 4, kernelStack)  // ESP0
    memory.write32(Self.tssBase + 8, 0x10)  // SS0
    // mov ax, 0x28; ltr ax; mov ax, 0x23; mov ds, ax; mov es, ax;
    // push 0x23; push 0x70000; push 0x202; push 0x1B; push userEntry; iret
    return [0x66, 0xB8, 0x28, 0x00, 0x0F, 0x00, 0xD8, 0x66, 0xB8, 0x23, 0x00, 0x8E, 0xD8, 0x8E, 0xC0]
      + [0x6A, 0x23, 0x68] + le32(0x7_0000) + [0x68] + le32(0x202) + [0x6A, 0x1B, 0x68] + le32(userEntry) + [0xCF]
  }

  static let userModeEntryInstructions: UInt64 = 11

  /// The value `count` bytes at the top of the stack, 32 bits each.
  func stack(_ count: Int) -> [UInt32] {
    (0..<count).map { memory.read32(cpu[.esp] + UInt32(4 * $0)) }
  }
}

func le32(_ value: UInt32) -> [UInt8] {
  [UInt8(value & 0xFF), UInt8((value >> 8) & 0xFF), UInt8((value >> 16) & 0xFF), UInt8(value >> 24)]
}

func le16(_ value: UInt16) -> [UInt8] { [UInt8(value & 0xFF), UInt8(value >> 8)] }

let hlt: [UInt8] = [0xF4]
