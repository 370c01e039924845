import Foundation
import SetupLab
import Testing
import TestSupport

/// `smartsetup sim` as another program uses it: the export line, a scan against it, a fault,
/// and a clean stop on SIGTERM.
@Suite(.serialized, .cleansUp) struct SimCommandTests {
    @Test func simPrintsTheBusAddressServesScansAndStopsOnSIGTERM() async throws {
        let sim = try RunningTool.start(smartsetupExecutable, ["sim", "--printers", "1", "--interval-ms", "2"], ending: .smartsetup)
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

/// `smartsetup sim --adapters N`: free adapters beside the printers' own.
@Suite(.serialized, .cleansUp) struct SimAdaptersTests {
    /// Starts `sim` with `arguments` and returns its bus address and the process.
    func startSim(_ arguments: [String]) async throws -> (bus: String, sim: RunningTool) {
        let sim = try RunningTool.start(smartsetupExecutable, ["sim", "--interval-ms", "2"] + arguments, ending: .smartsetup)
        let prefix = "export DBUS_SYSTEM_BUS_ADDRESS='"
        var address: String?
        try await eventually("smartsetup sim's export line", within: .seconds(30), every: .milliseconds(50)) {
            address = sim.stdout.split(separator: "\n").first { $0.hasPrefix(prefix) }.map { String($0.dropFirst(prefix.count).dropLast()) }
            return address != nil
        }
        return (try #require(address), sim)
    }

    func adapters(on bus: String) async throws -> [String] {
        let tree = try await Tool.run("busctl", ["--address=\(bus)", "--list", "tree", "org.bluez"]).requireFinished()
        #expect(tree.status == 0, "\(tree)")
        return tree.stdout.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { $0.hasPrefix("/org/bluez/hci") && !$0.dropFirst("/org/bluez/".count).contains("/") }
            .map { String($0.dropFirst("/org/bluez/".count)) }.sorted()
    }

    @Test func freeAdaptersFollowThePrintersAndEachCanScan() async throws {
        let (bus, sim) = try await startSim(["--printers", "1", "--adapters", "3"])
        #expect(try await adapters(on: bus) == ["hci0", "hci1", "hci2", "hci3"])
        #expect(sim.stderr.contains("free adapters: hci0 hci2 hci3"))
        for adapter in ["hci0", "hci3"] {
            let scan = try await runSmartsetup(["scan", "--adapter", adapter, "--timeout", "2", "--json"], environment: ["DBUS_SYSTEM_BUS_ADDRESS": bus])
            #expect(scan.status == 0, "\(adapter): \(scan.stderr)")
            #expect(scan.jsonLines.first?["shortId"] as? String == "3F0A", "\(adapter)")
        }
        sim.terminate()
        #expect(await sim.finish(within: .seconds(30)).status == 0)
    }

    @Test func withoutPrintersTheAdaptersAreAllFreeAndZeroIsRefused() async throws {
        let (bus, sim) = try await startSim(["--printers", "0", "--adapters", "2"])
        #expect(try await adapters(on: bus) == ["hci0", "hci1"])
        sim.terminate()
        #expect(await sim.finish(within: .seconds(30)).status == 0)
        for count in ["0", "17"] {
            let refused = try await runSmartsetup(["sim", "--adapters", count])
            #expect(refused.status == 64, "--adapters \(count): \(refused)")
            #expect(refused.stderr.contains("--adapters must be 1 to 16"))
        }
    }
}

/// Issue 10 item 7: `smartsetup sim button SHORTID` presses an emulated printer's setup button
/// through the lab's control object: a PIN printer shows a new PIN; an unknown short id is a
/// usage error.
@Suite(.serialized, .cleansUp) struct SimButtonTests {
    @Test func simButtonShowsANewPINAndRefusesAnUnknownPrinter() async throws {
        let lab = try await SimulatedPrinterLab.start(printers: 1, interval: .milliseconds(2), output: { _ in })
        try CleanupScope.atEnd(of: "the lab") { await lab.stop() }
        let old = try #require(lab.printers[0].presentedPIN)
        let press = try await runSmartsetup(["sim", "button", "--sim-bus", lab.busAddress, "3f0a"])
        #expect(press.status == 0, "\(press)")
        #expect(press.stdout.contains("button pressed on 3F0A"), "\(press.stdout)")
        let new = try #require(lab.printers[0].presentedPIN)
        #expect(new != old)
        let unknown = try await runSmartsetup(["sim", "button", "--sim-bus", lab.busAddress, "BEEF"])
        #expect(unknown.status == 64, "\(unknown)")
        #expect(unknown.stderr.contains("no emulated printer with short id BEEF"), "\(unknown.stderr)")
    }
}
