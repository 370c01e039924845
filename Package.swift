// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "smartsetup",
    products: [
        .executable(name: "smartsetup", targets: ["smartsetup"]),
        .library(name: "SetupCentral", targets: ["SetupCentral"]),
        .library(name: "SetupPrinter", targets: ["SetupPrinter"]),
        .library(name: "SetupLab", targets: ["SetupLab"]),
        .library(name: "SetupLink", targets: ["SetupLink"]),
        .library(name: "SimulatedBlueZ", targets: ["SimulatedBlueZ"]),
        .library(name: "BlueZ", targets: ["BlueZ"]),
        .library(name: "DBus", targets: ["DBus"]),
        .library(name: "SetupProtocol", targets: ["SetupProtocol"]),
        .library(name: "SetupHistory", targets: ["SetupHistory"]),
        .library(name: "SetupDoctor", targets: ["SetupDoctor"]),
        .library(name: "SetupMetrics", targets: ["SetupMetrics"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-crypto.git", from: "3.12.3"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/groue/GRDB.swift", exact: "7.10.0"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
    ],
    targets: [
        // libdbus-1 through pkg-config; apt: libdbus-1-dev.
        .systemLibrary(
            name: "CDBus",
            pkgConfig: "dbus-1",
            providers: [.apt(["libdbus-1-dev"])]
        ),
        // posix_spawn's close-from action (a GNU extension) for every child we start.
        .target(name: "CSpawn", exclude: ["README.md"]),
        // The one deadline helper (withDeadline); no dependencies.
        .target(name: "Deadlines", exclude: ["README.md"]),
        // D-Bus over libdbus-1. Knows nothing of Bluetooth.
        .target(name: "DBus", dependencies: ["CDBus", "CSpawn"], exclude: ["README.md"]),
        // BlueZ over D-Bus: object cache, adapters, devices, remote GATT, peripheral exports.
        // Knows nothing of the handoff protocol.
        .target(name: "BlueZ", dependencies: ["DBus", "Deadlines"], exclude: ["README.md"]),
        // The simulated bluetoothd: owns org.bluez on a private bus (see its README.md).
        .target(name: "SimulatedBlueZ", dependencies: ["DBus"], exclude: ["README.md"]),
        // The host's Wi-Fi from NetworkManager over D-Bus (pair --host-wifi). Knows nothing of Bluetooth.
        .target(name: "NetworkManager", dependencies: ["DBus"], exclude: ["README.md"]),
        // A simulated NetworkManager for that subset, on a private bus (see its README.md).
        .target(name: "SimulatedNetworkManager", dependencies: ["DBus"], exclude: ["README.md"]),
        // The host's Wi-Fi as a printer's credentials: NetworkManager's network and failures as
        // SetupCentral's WiFiCredentials and SetupError (pair --host-wifi, the daemon's HostNetwork).
        .target(name: "HostWiFi", dependencies: ["NetworkManager", "SetupCentral", "SetupProtocol", "DBus"], exclude: ["README.md"]),
        // The handoff protocol core: codec, crypto, state machines. No I/O.
        .target(
            name: "SetupProtocol",
            dependencies: [.product(name: "Crypto", package: "swift-crypto")],
            exclude: ["README.md"]
        ),
        // What both roles share: the GATT link protocols, link errors and counters, the session
        // clock, the in-memory loopback link. Knows nothing of BlueZ.
        .target(name: "SetupLink", dependencies: ["SetupProtocol"], exclude: ["README.md"]),
        // The central (kiosk) role: its session driver, its BlueZ radio and link, the in-memory
        // radio, and the service (scan / pick / pair / wifi-scan / identify / reset, SetupError).
        .target(
            name: "SetupCentral",
            dependencies: ["SetupLink", "SetupProtocol", "BlueZ", "DBus", "Deadlines"],
            exclude: ["README.md"]
        ),
        // The printer role: its session driver and application protocol, its BlueZ peripheral
        // host and link, and the emulated printer (display, Wi-Fi table, join simulation).
        .target(
            name: "SetupPrinter",
            dependencies: ["SetupLink", "SetupProtocol", "BlueZ", "DBus"],
            exclude: ["README.md"]
        ),
        // The in-process lab: the simulated BlueZ with N emulated printers, for `demo`, `sim`,
        // the tests and the benchmarks. Nothing that runs on a real adapter links it.
        .target(
            name: "SetupLab",
            dependencies: ["SimulatedBlueZ", "SetupPrinter", "SetupCentral", "SetupProtocol", "BlueZ", "DBus"],
            exclude: ["README.md"]
        ),
        // The kiosk service (`smartsetup serve`): the io.smartsetup1 D-Bus API over the service
        // the CLI uses: jobs, queue, agents, discovery (see its README.md and Protocol/dbus-api.md).
        .target(
            name: "SetupDaemon",
            dependencies: [
                "SetupCentral", "SetupProtocol", "DBus", "Deadlines", "SetupHistory", "SetupMetrics",
                "HostWiFi", "NetworkManager",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            exclude: ["README.md"]
        ),
        // The provisioning history: one record per finished job in SQLite (GRDB), crash-safe.
        .target(
            name: "SetupHistory",
            dependencies: [.product(name: "GRDB", package: "GRDB.swift")],
            exclude: ["README.md"]
        ),
        // Our protocol out of btmon captures (btsnoop, HCI, L2CAP, ATT): `smartsetup decode`. No I/O.
        .target(name: "TraceDecoding", dependencies: ["SetupProtocol"], exclude: ["README.md"]),
        // libbluetooth (BlueZ's HCI library) through pkg-config; apt: libbluetooth-dev.
        .systemLibrary(
            name: "CBluetooth",
            pkgConfig: "bluez",
            providers: [.apt(["libbluetooth-dev"])]
        ),
        // `smartsetup doctor`'s checklist: kernel, rfkill, controllers (libbluetooth), bluetoothd,
        // BlueZ's configuration, the daemon, NetworkManager. Not the role modules.
        .target(name: "SetupDoctor", dependencies: ["CBluetooth", "CSpawn", "DBus", "BlueZ", "SetupProtocol", "NetworkManager"], exclude: ["README.md"]),
        // Fleet metrics: counters and histograms per outcome and phase, written atomically as a
        // Prometheus text file for node_exporter (swift-metrics with swift-prometheus).
        .target(
            name: "SetupMetrics",
            dependencies: [
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ],
            exclude: ["README.md"]
        ),
        // The command-line tool.
        .executableTarget(
            name: "smartsetup",
            dependencies: [
                "SetupCentral", "SetupPrinter", "SetupLab", "SetupLink", "SetupProtocol", "BlueZ", "DBus",
                "SimulatedBlueZ", "Deadlines",
                "SetupHistory",
                "TraceDecoding",
                "NetworkManager", "SimulatedNetworkManager",
                "SetupDoctor",
                "HostWiFi",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                "SetupDaemon",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
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
            dependencies: ["SetupCentral", "SetupLab", "SetupLink", "SetupProtocol"],
            path: "Benchmarks/EndToEnd",
            exclude: ["RESULTS.md"]
        ),
        // Figures: N sequential pairings against one long-running simulator and printer (fds,
        // threads, RSS of both over the run).
        .executableTarget(
            name: "SoakBenchmark",
            dependencies: ["SetupCentral", "SetupProtocol"],
            path: "Benchmarks/Soak",
            exclude: ["RESULTS.md"]
        ),

        // What the test targets share: the private-bus fixture and the cleanup scope that stops
        // what a test case starts, the polling helper, the process runner (and its pty variant),
        // the Wi-Fi network and credential fixtures. Only test targets depend on it.
        .target(
            name: "TestSupport",
            dependencies: ["CSpawn", "DBus", "SetupPrinter", "SetupProtocol"],
            path: "Tests/TestSupport",
            exclude: ["README.md"]
        ),
        .testTarget(name: "TestSupportTests", dependencies: ["TestSupport", "DBus"]),
        // Test-only child of SetupHistoryTests' crash test: appends records until SIGKILLed.
        .executableTarget(name: "HistoryCrashWriter", dependencies: ["SetupHistory"], path: "Tests/HistoryCrashWriter"),
        .testTarget(name: "SetupHistoryTests", dependencies: ["SetupHistory", "HistoryCrashWriter", "TestSupport"]),

        .testTarget(name: "DeadlinesTests", dependencies: ["Deadlines"]),
        .testTarget(name: "DBusTests", dependencies: ["DBus", "TestSupport"]),
        .testTarget(name: "BlueZTests", dependencies: ["BlueZ", "DBus", "SimulatedBlueZ", "TestSupport"]),
        .testTarget(name: "SimulatedBlueZTests", dependencies: ["SimulatedBlueZ", "DBus", "TestSupport"]),
        .testTarget(
            name: "SetupProtocolTests",
            dependencies: ["SetupProtocol"],
            // JSON fixtures and their generator script, read through #filePath, not bundled.
            exclude: ["Crypto/Fixtures"]
        ),
        .testTarget(name: "SetupCentralTests", dependencies: ["SetupCentral", "SetupPrinter", "SetupLink", "SetupProtocol", "TestSupport"]),
        .testTarget(name: "SetupPrinterTests", dependencies: ["SetupPrinter", "SetupLink", "SetupProtocol", "BlueZ"]),
        // Over the simulated BlueZ, in process and through the built `smartsetup` executable.
        .testTarget(
            name: "EndToEndTests",
            dependencies: ["SetupCentral", "SetupPrinter", "SetupLab", "SetupLink", "SetupProtocol", "SimulatedBlueZ", "BlueZ", "DBus", "TestSupport"]
        ),
        // The kiosk service over the simulated BlueZ on a private bus, in process and through
        // the built `smartsetup serve`.
        .testTarget(
            name: "DaemonTests",
            dependencies: ["SetupDaemon", "SetupHistory", "SetupCentral", "SetupLab", "SetupProtocol", "DBus", "TestSupport", "SimulatedNetworkManager", "NetworkManager"]
        ),
        .testTarget(name: "TraceDecodingTests", dependencies: ["TraceDecoding", "SetupProtocol"], exclude: ["Fixtures"]),
        // The NetworkManager client against the simulated NetworkManager; the simulation against
        // the recordings of real NetworkManager (Tests/RealNetworkManager/reference).
        .testTarget(name: "NetworkManagerTests", dependencies: ["NetworkManager", "SimulatedNetworkManager", "DBus", "TestSupport"]),
        // The one mapping of the host's Wi-Fi to credentials and exit codes 40-47, against the simulation.
        .testTarget(name: "HostWiFiTests", dependencies: ["HostWiFi", "NetworkManager", "SimulatedNetworkManager", "SetupCentral", "SetupProtocol", "DBus", "TestSupport"]),
        .testTarget(name: "SetupMetricsTests", dependencies: ["SetupMetrics"]),
        .testTarget(name: "SetupDoctorTests", dependencies: ["SetupDoctor", "SimulatedBlueZ", "BlueZ", "DBus", "TestSupport", "SimulatedNetworkManager"]),
    ]
)
