import Foundation
import SetupDoctor
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// BlueZ's GATT cache of printers (`/var/lib/bluetooth/<adapter>/cache/<device>`, in the format
/// of BlueZ's `store_gatt_db`): a printer's cached setup service against SPEC §5.1.
@Suite struct DeviceCacheTests {
    /// A printer's cache file as bluetoothd 5.66 wrote it in the VM tier (scenario
    /// smartsetup-pair, after a pairing with the emulated printer on hci1: never paired, still
    /// cached): GAP, GATT with Service Changed, Client Features, Database Hash and Server Features,
    /// Device Information, then the setup service. `request` is Request's properties octet;
    /// `events` the Events line (nil leaves it out).
    static func cacheFile(request properties: String = "0c", events: String? = "001c=2803:001d:10:6fa9a0e7-3710-4ad4-b6d7-2f426d4f9725") -> String {
        """
        [General]
        Name=Printer-3F0A

        [Attributes]
        0001=2800:0007:00001800-0000-1000-8000-00805f9b34fb
        0002=2803:0003:02:00002a00-0000-1000-8000-00805f9b34fb
        0004=2803:0005:02:00002a01-0000-1000-8000-00805f9b34fb
        0006=2803:0007:02:00002aa6-0000-1000-8000-00805f9b34fb
        0008=2800:0011:00001801-0000-1000-8000-00805f9b34fb
        0009=2803:000a:20:00002a05-0000-1000-8000-00805f9b34fb
        000b=00002902-0000-1000-8000-00805f9b34fb
        000c=2803:000d:0a:00002b29-0000-1000-8000-00805f9b34fb
        000e=2803:000f:02:0b68948490261887f5c173300fbdcc65:00002b2a-0000-1000-8000-00805f9b34fb
        0010=2803:0011:02:00002b3a-0000-1000-8000-00805f9b34fb
        0012=2800:0014:0000180a-0000-1000-8000-00805f9b34fb
        0013=2803:0014:02:00002a50-0000-1000-8000-00805f9b34fb
        0015=2800:001f:6fa9a0e4-3710-4ad4-b6d7-2f426d4f9725
        0016=2803:0017:02:6fa9a0e5-3710-4ad4-b6d7-2f426d4f9725
        0018=00002901-0000-1000-8000-00805f9b34fb
        0019=2803:001a:\(properties):6fa9a0e6-3710-4ad4-b6d7-2f426d4f9725
        001b=00002901-0000-1000-8000-00805f9b34fb
        \(events ?? "")
        001e=00002902-0000-1000-8000-00805f9b34fb
        001f=00002901-0000-1000-8000-00805f9b34fb

        """
    }

    @Test func aPrintersCacheFileIsParsed() throws {
        let cache = BlueZDeviceCache(parsing: Self.cacheFile())
        #expect(cache.services.map(\.start) == [0x0001, 0x0008, 0x0012, 0x0015])
        let setup = try #require(cache.setupService)
        #expect(setup.start == 0x0015 && setup.end == 0x001F)
        #expect(setup.characteristics.map(\.valueHandle) == [0x0017, 0x001A, 0x001D])
        #expect(setup.characteristics.map(\.properties) == [0x02, 0x0C, 0x10])
        #expect(cache.services[1].characteristics.map(\.uuid) == [
            "00002a05-0000-1000-8000-00805f9b34fb", "00002b29-0000-1000-8000-00805f9b34fb",
            "00002b2a-0000-1000-8000-00805f9b34fb", "00002b3a-0000-1000-8000-00805f9b34fb",
        ])
        #expect(BlueZDeviceCache(parsing: Self.cacheFile().uppercased().replacingOccurrences(of: "ATTRIBUTES", with: "Attributes")).setupService?.start == 0x0015,
                "UUIDs and handles in upper case are read too")
        #expect(cache.setupServiceProblems.isEmpty)
        #expect(BlueZDeviceCache(parsing: "[General]\nName=Headset\n[ServiceRecords]\n0x10000=3601\n").setupService == nil)
    }

    @Test func aCachedSetupServiceUnlikeSPECIsStale() {
        let noEvents = BlueZDeviceCache(parsing: Self.cacheFile(events: nil))
        #expect(noEvents.setupServiceProblems == ["no Events characteristic"])
        let readOnlyRequest = BlueZDeviceCache(parsing: Self.cacheFile(request: "02"))
        #expect(readOnlyRequest.setupServiceProblems == ["Request without write"])
        let outside = BlueZDeviceCache(parsing: Self.cacheFile(events: "001c=2803:0030:10:6fa9a0e7-3710-4ad4-b6d7-2f426d4f9725"))
        #expect(outside.setupServiceProblems == ["Events with value handle 0x0030, outside the service 0x0015-0x001f"])
    }

    /// A storage tree like bluetoothd's: one adapter with a good printer, a stale one, a headset,
    /// a file whose name is no address and a FIFO; a second adapter without a cache directory.
    @Test func theStorageIsScannedAndStalePrintersNamedWithTheFix() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("smartsetup-bluez-\(UUID())").path
        defer { try? FileManager.default.removeItem(atPath: root) }
        let cache = "\(root)/00:AA:01:00:00:23/cache"
        try FileManager.default.createDirectory(atPath: cache, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: "\(root)/00:AA:01:01:00:24", withIntermediateDirectories: true)
        try Self.cacheFile().write(toFile: "\(cache)/C0:FF:EE:00:00:01", atomically: true, encoding: .utf8)
        try Self.cacheFile(events: nil).write(toFile: "\(cache)/C0:FF:EE:00:00:02", atomically: true, encoding: .utf8)
        try "[General]\nName=Headset\n".write(toFile: "\(cache)/11:22:33:44:55:66", atomically: true, encoding: .utf8)
        try Self.cacheFile(events: nil).write(toFile: "\(cache)/not-an-address", atomically: true, encoding: .utf8)
        #expect(mkfifo("\(cache)/C0:FF:EE:00:00:09", 0o600) == 0, "a FIFO is skipped, never opened")

        guard case .printers(let printers) = BlueZCacheCheck.scan(root: root) else {
            Issue.record("the storage was not scanned")
            return
        }
        #expect(printers.map(\.device) == ["C0:FF:EE:00:00:01", "C0:FF:EE:00:00:02"])
        let line = BlueZCacheCheck.check(.printers(printers), root: root)
        #expect(line.id == "config.device-cache" && line.status == .warning)
        #expect(line.found.hasSuffix("C0:FF:EE:00:00:02 (adapter 00:AA:01:00:00:23): no Events characteristic"), "\(line.found)")
        #expect(line.fix == "`systemctl stop bluetooth && rm \(cache)/C0:FF:EE:00:00:02 && systemctl start bluetooth` (`bluetoothctl remove` leaves the file); `Cache = yes` under `[GATT]` in /etc/bluetooth/main.conf keeps bluetoothd from caching printers, which are never paired")
        #expect(DoctorReport(checks: [line]).exitCode == 30)

        try FileManager.default.removeItem(atPath: "\(cache)/C0:FF:EE:00:00:02")
        let good = BlueZCacheCheck.check(BlueZCacheCheck.scan(root: root), root: root)
        #expect(good.status == .ok && good.found == "1 printer cached, each with the setup service as SPEC §5 lays it out")
    }

    @Test func missingAndUnreadableStorageAreSaidAsSuch() throws {
        let missing = "/nonexistent/bluetooth"
        #expect(BlueZCacheCheck.scan(root: missing) == .noStorage)
        #expect(BlueZCacheCheck.check(.noStorage, root: missing).found == "/nonexistent/bluetooth does not exist: nothing cached")
        // A file where the directory should be: opendir fails (as it does with EACCES for a
        // user other than root, which these tests, run as root, cannot be).
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("smartsetup-bluez-\(UUID())").path
        try "".write(toFile: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: file) }
        let scan = BlueZCacheCheck.scan(root: file)
        #expect(scan == .unreadable(file, "Not a directory"))
        let line = BlueZCacheCheck.check(scan, root: file)
        #expect(line.status == .info && line.found == "not checked: \(file) cannot be read (Not a directory)")
        #expect(line.fix == "bluetoothd keeps \(file) for root only: run `sudo smartsetup doctor` to check it")
    }

    /// The doctor runs the line with its storage option.
    @Test func theDoctorReadsTheStorageItIsGiven() async throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("smartsetup-bluez-\(UUID())").path
        defer { try? FileManager.default.removeItem(atPath: root) }
        try FileManager.default.createDirectory(atPath: "\(root)/00:AA:01:00:00:23/cache", withIntermediateDirectories: true)
        try Self.cacheFile(request: "02").write(toFile: "\(root)/00:AA:01:00:00:23/cache/C0:FF:EE:00:00:03", atomically: true, encoding: .utf8)
        var options = Doctor.Options()
        options.bus = .address("unix:path=/nonexistent/bus")
        options.timeout = .seconds(2)
        options.bluetoothStorage = root
        let report = await Doctor(options: options).run()
        let line = try #require(report.checks.first { $0.id == "config.device-cache" })
        #expect(line.status == .warning && line.found.hasSuffix("C0:FF:EE:00:00:03 (adapter 00:AA:01:00:00:23): Request without write"))
    }
}
