// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "smartsetup",
    products: [
        .library(name: "DBus", targets: ["DBus"]),
        .library(name: "SetupProtocol", targets: ["SetupProtocol"]),
        .library(name: "SimulatedBlueZ", targets: ["SimulatedBlueZ"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-crypto.git", from: "3.12.3"),
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
        // The handoff protocol core: codec, crypto, state machines. No I/O.
        .target(
            name: "SetupProtocol",
            dependencies: [.product(name: "Crypto", package: "swift-crypto")]
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
        .testTarget(name: "DBusTests", dependencies: ["DBus"]),
        // The simulated bluetoothd: owns org.bluez on a private bus (see its README.md).
        .target(name: "SimulatedBlueZ", dependencies: ["DBus"], exclude: ["README.md"]),
        .testTarget(name: "SimulatedBlueZTests", dependencies: ["SimulatedBlueZ", "DBus"]),
        .testTarget(
            name: "SetupProtocolTests",
            dependencies: ["SetupProtocol"],
            // JSON fixtures and their generator script, read through #filePath, not bundled.
            exclude: ["Crypto/Fixtures"]
        ),
    ]
)
