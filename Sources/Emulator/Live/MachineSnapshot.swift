/// Everything a pane shows, taken at one instant on the machine's queue: one immutable value, safe to hand to the
/// UI thread. It reuses the devices' own `state` values (the same ones the JSON dump writes) and adds what only
/// the CPU side knows: registers with their descriptor caches, the IDT decoded, code bytes around EIP.
public struct MachineSnapshot: Sendable {
  /// One segment register: the selector and the descriptor cache behind it.
  public struct Segment: Sendable, Equatable {
    public var name: String
    public var selector: UInt16
    public var base: UInt32
    public var limit: UInt32
    /// The descriptor's access byte: P, DPL, S, type.
    public var access: UInt8
    public var dpl: Int { Int(access >> 5) & 3 }
    public var present: Bool { access & 0x80 != 0 }

    init(_ name: String, _ cache: SegmentCache) {
      self.name = name
      selector = cache.selector
      base = cache.base
      limit = cache.limit
      access = cache.access
    }
  }

  public struct Processor: Sendable, Equatable {
    /// EAX, ECX, EDX, EBX, ESP, EBP, ESI, EDI (the encoding order).
    public var registers: [UInt32]
    public var eip: UInt32
    public var eflags: UInt32
    /// ES, CS, SS, DS, FS, GS.
    public var segments: [Segment]
    public var gdtr: TableRegister
    public var idtr: TableRegister
    public var ldtr: Segment
    public var tr: Segment
    public var cr0, cr2, cr3, cr4: UInt32
    public var cpl: Int
    public var halted: Bool
    /// The INTR pin's level, and whether an NMI waits or is blocked until IRET.
    public var intr: Bool
    public var nmiPending: Bool
    public var nmiBlocked: Bool
    /// Interrupts are held off for one instruction (after STI, MOV SS, POP SS).
    public var interruptShadow: Bool
    public var cycles: UInt64
    public var instructions: UInt64
    public var haltedCycles: UInt64

    public subscript(_ register: CPU.Register32) -> UInt32 { registers[register.rawValue] }
    public func segment(_ register: SegmentRegister) -> Segment { segments[register.rawValue] }
  }

  /// One IDT vector: its gate as the CPU would decode it (nil when the vector lies beyond IDTR's limit or its
  /// descriptor is not readable), and how often it was delivered.
  public struct Vector: Sendable, Equatable {
    public var number: Int
    public var gate: IDTGate?
    public var deliveries: UInt64
  }

  /// The guest's 80×25 text screen as the VGA shows it: character and attribute per cell, and the cursor.
  public struct Screen: Sendable, Equatable {
    public static let columns = VGAText.columns
    public static let rows = VGAText.rows
    /// `rows × columns` cells, row by row: low byte the code-page-437 character, high byte the attribute.
    public var cells: [UInt16]
    public var cursorRow: Int
    public var cursorColumn: Int
    public var cursorVisible: Bool
    /// Whether attribute bit 7 means blink (true) or a bright background.
    public var blinkEnabled: Bool

    public func character(row: Int, column: Int) -> UInt8 {
      UInt8(truncatingIfNeeded: cells[row * Self.columns + column])
    }
    public func attribute(row: Int, column: Int) -> UInt8 {
      UInt8(truncatingIfNeeded: cells[row * Self.columns + column] >> 8)
    }
  }

  /// Bytes around EIP (through the side-effect-free page walk), for the code pane's disassembly.
  public struct CodeWindow: Sendable, Equatable {
    /// The linear address of `bytes[0]`.
    public var start: UInt32
    /// nil where the page is unmapped.
    public var bytes: [UInt8?]
  }

  /// Host-side figures that are not guest state: what the live machine did with the host's input.
  public struct Host: Sendable, Equatable {
    public var paused: Bool
    /// Virtual seconds per wall second requested (nil = as fast as the host allows).
    public var speed: Double?
    /// Keys typed but not yet taken by the keyboard's FIFO, and keys dropped (with why, in the trace).
    public var keysQueued: Int
    public var keysDropped: Int
    /// Why the machine is stopped when it is, for the status line ("paused", "halted by gdb: breakpoint").
    public var stopReason: String?

    public init(
      paused: Bool = false, speed: Double? = 1, keysQueued: Int = 0, keysDropped: Int = 0, stopReason: String? = nil
    ) {
      self.paused = paused
      self.speed = speed
      self.keysQueued = keysQueued
      self.keysDropped = keysDropped
      self.stopReason = stopReason
    }
  }

  /// A running number, one per snapshot taken of this machine.
  public var number: UInt64
  public var processor: Processor
  public var vectors: [Vector]
  public var code: CodeWindow
  public var pic: PICPairState
  public var pit: PIT8254State
  public var keyboard: Keyboard8042State
  public var uart: UART16550State
  public var nic: E1000State
  public var pendingEvents: [Scheduler.PendingEvent]
  public var screen: Screen
  /// Trace records finished since the previous snapshot (at most `MachineSnapshot.traceLimit`, the newest), and
  /// the sequence number the next record will have.
  public var trace: [TraceEvent]
  public var traceSequence: UInt64
  /// Records finished since the previous snapshot that did not fit in `trace`.
  public var traceSkipped: UInt64
  /// Interrupts acknowledged per IRQ line since power-on, and trace records by kind.
  public var interruptsPerIRQ: [Int]
  public var traceCounts: [TraceEvent.Kind: Int]
  /// The last bytes COM1 transmitted (at most `serialLimit`), and how many it sent in all.
  public var serialTail: [UInt8]
  public var serialTotal: UInt64
  public var wireQueued: Int
  public var wireDropped: Int
  public var resets: [String]
  /// The guest's isa-debug-exit status, once it wrote port 0xF4.
  public var exitStatus: Int32?
  /// The kernel's symbol table (shared, not copied): panes look names up when they draw them.
  public var symbols: SymbolTable
  /// The kernel's file name, as it was booted.
  public var kernelName: String?
  /// The kernel's own structures read through its symbols (the teaching kernel's event queue and tasks); nil for
  /// any other kernel, and while its memory is not mapped.
  public var kernel: TeachingKernelView?
  public var host: Host

  public static let traceLimit = 1024
  public static let serialLimit = 8192
  /// Bytes before and after EIP in `code`.
  public static let codeBefore: UInt32 = 48
  public static let codeAfter: UInt32 = 80

  public var virtualNanoseconds: UInt64 { Scheduler.nanoseconds(cycles: processor.cycles) }
}
