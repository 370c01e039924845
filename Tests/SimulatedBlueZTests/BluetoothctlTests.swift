import DBus
import Foundation
import SimulatedBlueZ
import Testing

/// bluetoothctl (BlueZ 5.66's own client) on a pty, talking to the simulator over the private
/// bus through DBUS_SYSTEM_BUS_ADDRESS.
final class BluetoothctlSession: Sendable {
    let process: Process
    let input: FileHandle
    let output = TextBuffer()

    init(busAddress: String) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/script")
        process.arguments = ["-qfec", "bluetoothctl", "/dev/null"]
        var environment = ProcessInfo.processInfo.environment
        environment["DBUS_SYSTEM_BUS_ADDRESS"] = busAddress
        environment["TERM"] = "dumb"
        environment["NO_COLOR"] = "1"
        process.environment = environment
        let stdin = Pipe(), stdout = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = stdout
        let output = self.output
        stdout.fileHandleForReading.readabilityHandler = { handle in
            let data = handle.availableData
            guard !data.isEmpty else { handle.readabilityHandler = nil; return }
            let text = Self.stripEscapes(String(decoding: data, as: UTF8.self))
            output.text.withLock { $0 += text }
        }
        try process.run()
        self.process = process
        self.input = stdin.fileHandleForWriting
    }

    var transcript: String { output.text.withLock { $0 } }

    /// Sends one command line and waits until every pattern appears after it.
    func run(_ command: String, expecting patterns: [String], timeout: Duration = .seconds(30)) async throws {
        let start = transcript.count
        input.write(Data((command + "\n").utf8))
        try await waitFor(patterns, after: start, timeout: timeout)
    }

    func waitFor(_ patterns: [String], after start: Int = 0, timeout: Duration = .seconds(30)) async throws {
        try await eventually("\(patterns) in bluetoothctl's output", timeout: timeout) {
            let text = String(self.transcript.dropFirst(start))
            return patterns.allSatisfy { text.range(of: $0, options: .regularExpression) != nil }
        }
    }

    func quit() {
        input.write(Data("quit\n".utf8))
        try? input.close()
        if process.isRunning { process.terminate() }
    }

    /// Removes ANSI escape sequences (colours, prompt redraws) and carriage returns.
    static func stripEscapes(_ text: String) -> String {
        var result = ""
        var iterator = text.makeIterator()
        while let character = iterator.next() {
            if character == "\u{1B}" {
                guard let next = iterator.next() else { break }
                if next == "[" {
                    while let c = iterator.next(), !(c.isLetter || c == "~") {}
                }
                continue
            }
            if character == "\r" || character == "\u{01}" || character == "\u{02}" { continue }
            result.append(character)
        }
        return result
    }
}

@Suite("Simulated bluetoothd: bluetoothctl", .stopsHarnesses, .timeLimit(.minutes(3)))
struct BluetoothctlTests {
    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/bluetoothctl"), "apt-get install bluez"))
    func scanConnectReadWriteNotify() async throws {
        let harness = try await SimulatorHarness.start(configuration: .init(connectionInterval: .milliseconds(5)))
        let app = try TestPeripheral(connection: harness.peripheral)
        try await app.register(on: "/org/bluez/hci1")
        let session = try BluetoothctlSession(busAddress: try #require(harness.simulator.busAddress))
        defer { session.quit() }
        do {
            try await session.waitFor(["Agent registered"])
            try await session.run("select 00:AA:01:00:00:00", expecting: [])
            try await session.run("show", expecting: ["Controller 00:AA:01:00:00:00 \\(public\\)", "Powered: yes"])
            try await session.run("menu scan", expecting: ["transport"])
            try await session.run("transport le", expecting: [])
            try await session.run("uuids \(TestPeripheral.serviceUUID)", expecting: [])
            try await session.run("back", expecting: ["Menu main"])
            try await session.run("scan on", expecting: ["Discovery started", "\\[NEW\\] Device 00:AA:01:01:00:01"])
            try await session.run("scan off", expecting: ["Discovery stopped"])
            try await session.run("devices", expecting: ["Device 00:AA:01:01:00:01 smartsetup"])
            try await session.run("info 00:AA:01:01:00:01", expecting: ["\\(5e7a0001-5e7a-4f00-8000-00805f9b34fb\\)", "ManufacturerData Key: 0xffff"])
            try await session.run("connect 00:AA:01:01:00:01", expecting: ["Connection successful", "ServicesResolved: yes"])
            try await session.run("menu gatt", expecting: ["list-attributes"])
            try await session.run("list-attributes 00:AA:01:01:00:01", expecting: [
                "5e7a0002-5e7a-4f00-8000-00805f9b34fb", "5e7a0003-5e7a-4f00-8000-00805f9b34fb", "5e7a0004-5e7a-4f00-8000-00805f9b34fb",
            ])
            try await session.run("select-attribute 5e7a0002-5e7a-4f00-8000-00805f9b34fb", expecting: ["/char0016\\]# "])
            try await session.run("read", expecting: ["smartsetup-read"])
            try await session.run("attribute-info", expecting: ["Flags: read"])
            try await session.run("select-attribute 5e7a0004-5e7a-4f00-8000-00805f9b34fb", expecting: ["/char001c\\]# "])
            try await session.run("notify on", expecting: ["Notify started|Notifying: yes"])
            try await session.run("select-attribute 5e7a0003-5e7a-4f00-8000-00805f9b34fb", expecting: ["/char0019\\]# "])
            try await session.run("write \"0x68 0x69\"", expecting: ["Attempting to write"])
            try await eventually("the write to reach the application") { app.recorded("WriteValue").map(\.value).contains([0x68, 0x69]) }
            try app.notify([0x6F, 0x6B])
            try await eventually("the simulator's notification") {
                harness.log.changes(of: "Value", at: "/org/bluez/hci0/dev_00_AA_01_01_00_01/service0015/char001c").contains(.bytes([0x6F, 0x6B]))
            }
            // bluetoothctl 5.66 does not print this change by itself (neither against real
            // bluetoothd: see the VM tier's bluetoothctl recording); its cached Value shows it.
            try await session.run("select-attribute 5e7a0004-5e7a-4f00-8000-00805f9b34fb", expecting: ["/char001c\\]# "])
            try await session.run("attribute-info", expecting: ["Notifying: yes", "6f 6b +ok"])
            try await session.run("notify off", expecting: ["Notify stopped|Notifying: no"])
            try await session.run("back", expecting: ["Menu main"])
            try await session.run("disconnect 00:AA:01:01:00:01", expecting: ["Successful disconnected", "Connected: no"])
            try await session.run("remove 00:AA:01:01:00:01", expecting: ["Device has been removed"])
        } catch {
            Issue.record("bluetoothctl transcript:\n\(session.transcript)")
            throw error
        }
    }
}
