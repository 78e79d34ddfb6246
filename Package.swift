// swift-tools-version:6.0
import PackageDescription

// The interpreter's hot loop relies on unchecked exclusivity: every guest instruction touches the
// CPU's stored properties, and dynamic exclusivity checks would cost more than the instruction itself.
let emulatorSettings: [SwiftSetting] = [
  .unsafeFlags(["-enforce-exclusivity=unchecked"])
]

let package = Package(
  name: "irqscope",
  platforms: [.macOS(.v15)],
  products: [
    .executable(name: "irqscope", targets: ["irqscope"])
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    .package(url: "https://github.com/LebJe/TOMLKit", exact: "0.6.0"),
  ],
  targets: [
    // No pkgConfig: ncursesw.pc carries -D flags that SwiftPM refuses with a warning; the header is on the
    // default include path and module.modulemap links the library.
    .systemLibrary(
      name: "CNcurses",
      providers: [.apt(["libncurses-dev"])]
    ),
    // The terminal's signal-time code: the self-pipe and the crash handler that restores the terminal (C, because
    // a signal handler may only make async-signal-safe calls).
    .target(name: "CTerminalGuard"),
    // The only Swift code that calls ncurses: start-up, teardown, keys, blitting a Canvas.
    .target(
      name: "CursesUI",
      dependencies: ["CNcurses", "CTerminalGuard", "Dashboard"]
    ),
    .target(
      name: "Emulator",
      resources: [
        .copy("Resources/bench-cpu.elf"), .copy("Resources/bench-irq.elf"), .copy("Resources/bench-net.elf"),
        .copy("Resources/kernel.elf"),
      ],
      swiftSettings: emulatorSettings
    ),
    // The CPU conformance check: the native oracle runner, the case generator, the emulator side, the report.
    .target(
      name: "Conformance",
      dependencies: ["Emulator"]
    ),
    .target(
      name: "Dashboard",
      dependencies: ["Emulator", .product(name: "TOMLKit", package: "TOMLKit")],
      resources: [.copy("Resources/Themes")]
    ),
    // The gdb remote stub: the packet layer, the command layer over a DebugTarget, the 127.0.0.1 server.
    .target(
      name: "GDBStub",
      dependencies: ["Emulator"]
    ),
    .executableTarget(
      name: "irqscope",
      dependencies: [
        "Emulator",
        "Dashboard",
        "Conformance",
        "GDBStub",
        "CNcurses",
        "CTerminalGuard",
        "CursesUI",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ]
    ),
    .testTarget(
      name: "EmulatorTests",
      dependencies: ["Emulator", "Conformance"]
    ),
    .testTarget(
      name: "DashboardTests",
      dependencies: ["Dashboard"],
      resources: [.copy("Fixtures")]
    ),
    .testTarget(
      name: "CursesUITests",
      dependencies: ["CursesUI", "CNcurses", "CTerminalGuard", "Dashboard"]
    ),
    .testTarget(
      name: "GDBStubTests",
      dependencies: ["GDBStub", "Emulator", "Conformance"]
    ),
  ],
  swiftLanguageModes: [.v6]
)
