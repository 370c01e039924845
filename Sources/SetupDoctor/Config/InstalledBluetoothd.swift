import Foundation

/// The version of the installed bluetoothd, from `bluetoothd --version` (bluetoothd has no
/// version on D-Bus). Reads at most 256 octets and waits at most `timeout`.
public enum InstalledBluetoothd {
    /// Where Debian and others install it.
    public static let paths = ["/usr/libexec/bluetooth/bluetoothd", "/usr/sbin/bluetoothd", "/usr/lib/bluetooth/bluetoothd"]

    /// The version it prints (e.g. "5.66"), or nil when none of `paths` runs or answers in time.
    public static func version(paths: [String] = paths, timeout: Duration = .seconds(2)) async -> String? {
        guard let path = paths.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else { return nil }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = ["--version"]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        do { try process.run() } catch { return nil }
        let deadline = ContinuousClock.now + timeout
        while process.isRunning, ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(10))
        }
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
            return nil
        }
        let data = (try? output.fileHandleForReading.read(upToCount: 256)).flatMap { $0 } ?? Data()
        let text = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        return process.terminationStatus == 0 && !text.isEmpty ? text : nil
    }
}
