import Foundation
import Synchronization
import Testing

/// `smartsetup sim` as another program uses it: the export line, a scan against it, a fault,
/// and a clean stop on SIGTERM.
@Suite(.serialized) struct SimCommandTests {
    final class Output: Sendable {
        let text = Mutex("")
    }

    @Test func simPrintsTheBusAddressServesScansAndStopsOnSIGTERM() async throws {
        let process = Process()
        process.executableURL = smartsetupExecutable
        process.arguments = ["sim", "--printers", "1", "--interval-ms", "2"]
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        let output = Output()
        out.fileHandleForReading.readabilityHandler = { handle in
            let data = handle.availableData
            output.text.withLock { $0 += String(decoding: data, as: UTF8.self) }
        }
        let exited = AsyncStream.makeStream(of: Int32.self)
        process.terminationHandler = { exited.continuation.yield($0.terminationStatus) }
        try process.run()
        defer { if process.isRunning { process.terminate() } }

        var address: String?
        for _ in 0..<600 where address == nil {
            try await Task.sleep(for: .milliseconds(50))
            address = output.text.withLock { text in
                text.split(separator: "\n").first { $0.hasPrefix("export DBUS_SYSTEM_BUS_ADDRESS='") }
                    .map { String($0.dropFirst("export DBUS_SYSTEM_BUS_ADDRESS='".count).dropLast()) }
            }
        }
        let bus = try #require(address)
        let scan = try await runSmartsetup(["scan", "--timeout", "2", "--json"], environment: ["DBUS_SYSTEM_BUS_ADDRESS": bus])
        #expect(scan.status == 0, "\(scan.stderr)")
        #expect(scan.jsonLines.first?["shortId"] as? String == "3F0A")
        let fault = try await runSmartsetup(["sim", "fault", "--sim-bus", bus, "drop-notification"])
        #expect(fault.status == 0, "\(fault.stderr)")
        process.terminate()
        var statuses = exited.stream.makeAsyncIterator()
        #expect(await statuses.next() == 0)
        out.fileHandleForReading.readabilityHandler = nil
    }
}
