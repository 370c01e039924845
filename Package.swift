// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "smartsetup",
    products: [
        .library(name: "DBus", targets: ["DBus"]),
        .library(name: "SetupProtocol", targets: ["SetupProtocol"]),
        .library(name: "BlueZ", targets: ["BlueZ"]),
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
        .target(name: "DBus", dependencies: ["CDBus"]),
        // BlueZ over D-Bus: object cache, adapters, devices, remote GATT, peripheral exports.
        .target(name: "BlueZ", dependencies: ["DBus"], exclude: ["README.md"]),
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
        .testTarget(name: "DBusTests", dependencies: ["DBus"]),
        .testTarget(name: "BlueZTests", dependencies: ["BlueZ", "DBus", "SimulatedBlueZ"]),
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
