// swift-tools-version:6.0
import PackageDescription

// The interpreter's hot loop relies on unchecked exclusivity: every guest instruction touches the
// CPU's stored properties, and dynamic exclusivity checks would cost more than the instruction itself.
let emulatorSettings: [SwiftSetting] = [
  .unsafeFlags(["-enforce-exclusivity=unchecked"])
]

let package = Package(
  name: "irqscope",
  platforms: [.macOS(.v13)],
  products: [
    .executable(name: "irqscope", targets: ["irqscope"])
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0")
  ],
  targets: [
    // No pkgConfig: ncursesw.pc carries -D flags that SwiftPM refuses with a warning; the header is on the
    // default include path and module.modulemap links the library.
    .systemLibrary(
      name: "CNcurses",
      providers: [.apt(["libncurses-dev"])]
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
      dependencies: ["Emulator"]
    ),
    .executableTarget(
      name: "irqscope",
      dependencies: [
        "Emulator",
        "Dashboard",
        "Conformance",
        "CNcurses",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ]
    ),
    .testTarget(
      name: "EmulatorTests",
      dependencies: ["Emulator", "Conformance"]
    ),
    .testTarget(
      name: "DashboardTests",
      dependencies: ["Dashboard"]
    ),
  ],
  swiftLanguageModes: [.v6]
)
