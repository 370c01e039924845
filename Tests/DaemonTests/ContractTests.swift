import DBus
import Foundation
import SetupDaemon
import Testing
import TestSupport

/// The exported interfaces are exactly those of `Protocol/io.smartsetup1.xml`: every method with
/// its argument types, every property with its type.
@Suite(.cleansUp) struct ContractTests {
    /// "method Pair(a{sv})->(o)", "property State s" for each member of `interface` in `xml`.
    static func members(of interface: String, in xml: String) -> Set<String> {
        guard let start = xml.range(of: #"<interface name="\#(interface)">"#) else { return [] }
        let body = xml[start.upperBound...]
        let end = body.range(of: "</interface>")?.lowerBound ?? body.endIndex
        let text = String(body[..<end])
        var members: Set<String> = []
        let methodPattern = try! Regex(#"<method name="(\w+)"(/>|>([\s\S]*?)</method>)"#)
        let argPattern = try! Regex(#"<arg (?:name="\w+" )?type="([^"]+)" direction="(in|out)"/>"#)
        for match in text.matches(of: methodPattern) {
            let name = String(match.output[1].substring ?? "")
            let args = String(match.output[3].substring ?? "")
            var inputs: [String] = [], outputs: [String] = []
            for arg in args.matches(of: argPattern) {
                let type = String(arg.output[1].substring ?? "")
                if arg.output[2].substring == "in" { inputs.append(type) } else { outputs.append(type) }
            }
            members.insert("method \(name)(\(inputs.joined(separator: ",")))->(\(outputs.joined(separator: ",")))")
        }
        let propertyPattern = try! Regex(#"<property name="(\w+)" type="([^"]+)" access="(\w+)""#)
        for match in text.matches(of: propertyPattern) {
            members.insert("property \(match.output[1].substring ?? "") \(match.output[2].substring ?? "") \(match.output[3].substring ?? "")")
        }
        return members
    }

    private var contract: String {
        get throws {
            try String(contentsOfFile: URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
                .deletingLastPathComponent().appendingPathComponent("Protocol/io.smartsetup1.xml").path, encoding: .utf8)
        }
    }

    @Test func theDaemonExportsWhatTheContractSays() async throws {
        let bench = try await DaemonBench.start()
        let client = try await bench.client()
        func introspect(_ path: String) async throws -> String {
            try await client.callService(path, "org.freedesktop.DBus.Introspectable", "Introspect")[0].string ?? ""
        }
        let contract = try contract
        let manager = try await introspect(ServiceNames.managerPath)
        #expect(Self.members(of: ServiceNames.manager, in: manager) == Self.members(of: ServiceNames.manager, in: contract))
        #expect(Self.members(of: ServiceNames.manager, in: contract).count == 16)
        let job = try await client.submit("Reset", ["Printer": .string("FFFF"), "Button": .boolean(true)])
        #expect(Self.members(of: ServiceNames.job, in: try await introspect(job)) == Self.members(of: ServiceNames.job, in: contract))
        #expect(Self.members(of: ServiceNames.job, in: contract).count == 16)
        _ = try await client.callService(ServiceNames.managerPath, ServiceNames.manager, "StartDiscovery")
        var printer = ""
        try await eventually("a printer object", within: .seconds(20), every: .milliseconds(100)) {
            printer = try await client.callService("/", "org.freedesktop.DBus.ObjectManager", "GetManagedObjects")[0].managedObjects().keys
                .first { $0.rawValue.hasPrefix(ServiceNames.printersPath + "/") }?.rawValue ?? ""
            return !printer.isEmpty
        }
        #expect(Self.members(of: ServiceNames.printer, in: try await introspect(printer)) == Self.members(of: ServiceNames.printer, in: contract))
        #expect(Self.members(of: ServiceNames.printer, in: contract).count == 9)
    }
}
