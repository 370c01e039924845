import Foundation
import SetupHistory
import Testing

/// A fresh directory under the temporary directory; the caller removes it.
func temporaryDirectory() -> String {
    FileManager.default.temporaryDirectory.appendingPathComponent("smartsetup-history-\(UUID().uuidString)").path
}

func record(_ printer: String, started: TimeInterval, outcome: String = "succeeded", ssid: [UInt8]? = Array("HomeNet".utf8)) -> ProvisioningRecord {
    ProvisioningRecord(
        kind: "pair", started: Date(timeIntervalSince1970: started), finished: Date(timeIntervalSince1970: started + 4.25),
        printerShortId: printer, printerName: "HP Envy \(printer)", printerAddress: "AA:BB:CC:DD:EE:\(printer.suffix(2))",
        adapter: "hci0", ssid: ssid, outcome: outcome, error: outcome == "failed" ? "wrong-pin" : nil,
        exitCode: outcome == "failed" ? 14 : 0, message: outcome == "failed" ? "the PIN was wrong" : nil,
        printerIPv4: outcome == "succeeded" ? "192.0.2.7" : nil,
        phaseDurations: ["scan": 0.5, "connect": 0.25, "services": 0.125, "handshake": 0.0625, "credentials": 0.03125, "join": 3.25])
}

@Suite struct HistoryStoreTests {
    @Test func appendedRecordsComeBackWholeNewestFirstWithTheirIds() throws {
        let directory = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let store = try HistoryStore(directory: directory)
        let first = record("3F0A", started: 1_800_000_000, ssid: [0x48, 0xFF, 0x00, 0xC3])
        let second = record("3F0B", started: 1_800_000_100, outcome: "failed", ssid: nil)
        let firstId = try store.append(first)
        let secondId = try store.append(second)
        #expect(secondId > firstId)
        var expectedFirst = first
        expectedFirst.id = firstId
        var expectedSecond = second
        expectedSecond.id = secondId
        #expect(try store.records(matching: HistoryFilter()) == [expectedSecond, expectedFirst])
        // A second store on the same file (the daemon restarted) sees the same records.
        #expect(try HistoryStore(directory: directory).records(matching: HistoryFilter()) == [expectedSecond, expectedFirst])
    }

    @Test func theFilterSelectsByTimePrinterOutcomeAndLimit() throws {
        let directory = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let store = try HistoryStore(directory: directory)
        try store.append(record("3F0A", started: 1000))
        try store.append(record("3F0B", started: 2000, outcome: "failed"))
        try store.append(record("3F0A", started: 3000, outcome: "cancelled"))
        try store.append(record("3F0C", started: 4000))
        func printers(_ filter: HistoryFilter) throws -> [String] {
            try store.records(matching: filter).map { "\($0.printerShortId ?? "?")@\(Int($0.started.timeIntervalSince1970))" }
        }
        #expect(try printers(HistoryFilter(since: Date(timeIntervalSince1970: 2000))) == ["3F0C@4000", "3F0A@3000", "3F0B@2000"])
        #expect(try printers(HistoryFilter(until: Date(timeIntervalSince1970: 3000))) == ["3F0B@2000", "3F0A@1000"])
        #expect(try printers(HistoryFilter(printer: "3f0a")) == ["3F0A@3000", "3F0A@1000"])
        #expect(try printers(HistoryFilter(printer: "aa:bb:cc:dd:ee:0b")) == ["3F0B@2000"])
        #expect(try printers(HistoryFilter(printer: "HP Envy 3F0C")) == ["3F0C@4000"])
        #expect(try printers(HistoryFilter(outcome: "failed")) == ["3F0B@2000"])
        #expect(try printers(HistoryFilter(limit: 2)) == ["3F0C@4000", "3F0A@3000"])
        #expect(try printers(HistoryFilter(limit: 0)) == [])
        #expect(try printers(HistoryFilter(since: Date(timeIntervalSince1970: 1500), printer: "3F0A", limit: 5)) == ["3F0A@3000"])
    }

    @Test func theStoreCreatesItsDirectoryPrivateAndTheDatabaseInWALMode() throws {
        let parent = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: parent) }
        let directory = parent + "/var/lib/smartsetup"
        let store = try HistoryStore(directory: directory)
        #expect(store.path == directory + "/history.sqlite")
        let attributes = try FileManager.default.attributesOfItem(atPath: directory)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o700)
        try store.append(record("3F0A", started: 1))
        try store.checkIntegrity()
        // The first 100 octets of a WAL database say so: file format versions 2 (offsets 18, 19).
        let header = try #require(FileHandle(forReadingAtPath: store.path)).readData(ofLength: 20)
        #expect(header.prefix(15) == Data("SQLite format 3".utf8))
        #expect(header[18] == 2 && header[19] == 2)
    }

    @Test func readingOnlyFindsNothingWhereNothingWasRecordedAndCannotWrite() throws {
        let directory = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        #expect(throws: HistoryError.self) { try HistoryStore(readingFrom: directory) }
        do throws(HistoryError) {
            _ = try HistoryStore(readingFrom: directory)
        } catch {
            #expect(error.kind == .notFound)
            #expect(error.message.contains(directory))
        }
        #expect(!FileManager.default.fileExists(atPath: directory), "reading must create nothing")
        let writer = try HistoryStore(directory: directory)
        let id = try writer.append(record("3F0A", started: 5))
        let reader = try HistoryStore(readingFrom: directory)
        #expect(try reader.records(matching: HistoryFilter()).map(\.id) == [id])
        do throws(HistoryError) {
            try reader.append(record("3F0B", started: 6))
            Issue.record("a read-only store appended")
        } catch {
            #expect(error.kind == .permissionDenied)
        }
    }

    @Test func aFileThatIsNotADatabaseIsReportedAsSuch() throws {
        let directory = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try Data(repeating: 0x5A, count: 4096).write(to: URL(fileURLWithPath: directory + "/history.sqlite"))
        for readOnly in [false, true] {
            do throws(HistoryError) {
                _ = readOnly ? try HistoryStore(readingFrom: directory) : try HistoryStore(directory: directory)
                Issue.record("a file of 0x5A octets opened as a history (read-only: \(readOnly))")
            } catch {
                #expect(error.kind == .corrupt)
                #expect(error.message.contains("history.sqlite is not a history database"))
            }
        }
    }

    @Test func aDirectoryThatCannotBeCreatedIsReportedAsSuch() throws {
        let parent = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: parent) }
        try Data("a file".utf8).write(to: URL(fileURLWithPath: parent))
        do throws(HistoryError) {
            _ = try HistoryStore(directory: parent + "/state")
            Issue.record("a directory was created under a file")
        } catch {
            #expect(error.kind == .cannotCreateDirectory)
            #expect(error.message.contains("is not a directory"))
        }
        // A permission error: a parent without write permission; root passes such checks, but
        // not sysfs's (EPERM).
        let locked = parent + ".locked"
        try FileManager.default.createDirectory(atPath: locked, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o500])
        defer { try? FileManager.default.removeItem(atPath: locked) }
        let forbidden = getuid() == 0 ? "/sys/smartsetup-history-test" : locked + "/state"
        do throws(HistoryError) {
            _ = try HistoryStore(directory: forbidden)
            Issue.record("\(forbidden) was created")
        } catch {
            #expect(error.kind == .permissionDenied)
            #expect(error.message.contains("no permission to create the state directory \(forbidden)"))
        }
    }
}
