import Foundation
import Testing
import TestSupport

/// `smartsetup sim` as another program uses it: the export line, a scan against it, a fault,
/// and a clean stop on SIGTERM.
@Suite(.serialized, .cleansUp) struct SimCommandTests {
    @Test func simPrintsTheBusAddressServesScansAndStopsOnSIGTERM() async throws {
        let sim = try RunningTool.start(smartsetupExecutable.path, ["sim", "--printers", "1", "--interval-ms", "2"], ending: .smartsetup)
        let prefix = "export DBUS_SYSTEM_BUS_ADDRESS='"
        var address: String?
        try await eventually("smartsetup sim's export line", within: .seconds(30), every: .milliseconds(50)) {
            address = sim.stdout.split(separator: "\n").first { $0.hasPrefix(prefix) }.map { String($0.dropFirst(prefix.count).dropLast()) }
            return address != nil
        }
        let bus = try #require(address)
        let scan = try await runSmartsetup(["scan", "--timeout", "2", "--json"], environment: ["DBUS_SYSTEM_BUS_ADDRESS": bus])
        #expect(scan.status == 0, "\(scan.stderr)")
        #expect(scan.jsonLines.first?["shortId"] as? String == "3F0A")
        let fault = try await runSmartsetup(["sim", "fault", "--sim-bus", bus, "drop-notification"])
        #expect(fault.status == 0, "\(fault.stderr)")
        sim.terminate()
        #expect(await sim.finish(within: .seconds(30)).status == 0)
    }
}
