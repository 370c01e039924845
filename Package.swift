// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "smartsetup",
    products: [
        .executable(name: "smartsetup", targets: ["smartsetup"]),
        .library(name: "SmartSetup", targets: ["SmartSetup"]),
        .library(name: "PrinterEmulator", targets: ["PrinterEmulator"]),
        .library(name: "SimulatedBlueZ", targets: ["SimulatedBlueZ"]),
        .library(name: "BlueZ", targets: ["BlueZ"]),
        .library(name: "DBus", targets: ["DBus"]),
        .library(name: "SetupProtocol", targets: ["SetupProtocol"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-crypto.git", from: "3.12.3"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    ],
    targets: [
        // libdbus-1 through pkg-config; apt: libdbus-1-dev.
        .systemLibrary(
            name: "CDBus",
            pkgConfig: "dbus-1",
            providers: [.apt(["libdbus-1-dev"])]
        ),
        // D-Bus over libdbus-1. Knows nothing of Bluetooth.
        .target(name: "DBus", dependencies: ["CDBus"], exclude: ["README.md"]),
        // BlueZ over D-Bus: object cache, adapters, devices, remote GATT, peripheral exports.
        // Knows nothing of the handoff protocol.
        .target(name: "BlueZ", dependencies: ["DBus"], exclude: ["README.md"]),
        // The simulated bluetoothd: owns org.bluez on a private bus (see its README.md).
        .target(name: "SimulatedBlueZ", dependencies: ["DBus"], exclude: ["README.md"]),
        // The handoff protocol core: codec, crypto, state machines. No I/O.
        .target(
            name: "SetupProtocol",
            dependencies: [.product(name: "Crypto", package: "swift-crypto")]
        ),
        // The service: session drivers over abstract GATT links, scan/pick/pair/requests, errors.
        .target(name: "SmartSetup", dependencies: ["SetupProtocol", "BlueZ", "DBus"]),
        // The printer side: PIN display or printed page, Wi-Fi network table and join simulation.
        .target(
            name: "PrinterEmulator",
            dependencies: ["SmartSetup", "SetupProtocol", "BlueZ", "DBus", "SimulatedBlueZ"]
        ),
        // The command-line tool.
        .executableTarget(
            name: "smartsetup",
            dependencies: [
                "SmartSetup", "PrinterEmulator", "SetupProtocol", "BlueZ", "DBus", "SimulatedBlueZ",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            exclude: ["README.md"]
        ),

        // Corpus replayer for the protocol decoders; a libFuzzer target when built with
        // -Xswiftc -sanitize=fuzzer -Xswiftc -DFUZZING (see Fuzz/README.md).
        .executableTarget(
            name: "SetupProtocolFuzzer",
            dependencies: ["SetupProtocol"],
            path: "Fuzz/SetupProtocolFuzzer"
        ),
        // Method-call round trips against raw libdbus (Benchmarks/DBus/run.sh); not a test.
        .executableTarget(name: "DBusBenchmark", dependencies: ["DBus"], path: "Benchmarks/DBus/Swift"),
        // Figures: round trips, wall time against counted ATT operations x interval, parallel pairing.
        .executableTarget(
            name: "EndToEndBenchmark",
            dependencies: ["SmartSetup", "PrinterEmulator", "SetupProtocol", "SimulatedBlueZ", "BlueZ", "DBus"],
            path: "Benchmarks/EndToEnd",
            exclude: ["RESULTS.md"]
        ),

        .testTarget(name: "DBusTests", dependencies: ["DBus"]),
        .testTarget(name: "BlueZTests", dependencies: ["BlueZ", "DBus", "SimulatedBlueZ"]),
        .testTarget(name: "SimulatedBlueZTests", dependencies: ["SimulatedBlueZ", "DBus"]),
        .testTarget(
            name: "SetupProtocolTests",
            dependencies: ["SetupProtocol"],
            // JSON fixtures and their generator script, read through #filePath, not bundled.
            exclude: ["Crypto/Fixtures"]
        ),
        .testTarget(name: "SmartSetupTests", dependencies: ["SmartSetup", "PrinterEmulator", "SetupProtocol"]),
        .testTarget(name: "PrinterEmulatorTests", dependencies: ["PrinterEmulator", "SmartSetup", "SetupProtocol"]),
        // Over the simulated BlueZ, in process and through the built `smartsetup` executable.
        .testTarget(
            name: "EndToEndTests",
            dependencies: ["SmartSetup", "PrinterEmulator", "SetupProtocol", "SimulatedBlueZ", "BlueZ", "DBus"]
        ),
    ]
)
