// Test-only child of SetupHistoryTests' crash test (never installed, not part of `smartsetup`):
// `HistoryCrashWriter DIRECTORY TAG` appends records to the history in DIRECTORY as fast as it
// can, forever, and prints each acknowledged id on its own line (flushed at once), so that the
// test can SIGKILL it at any moment and know which records the store had acknowledged.
// Exits 2 on a usage error, 1 when the store fails.
import Foundation
import SetupHistory

let arguments = CommandLine.arguments
guard arguments.count == 3 else {
    FileHandle.standardError.write(Data("usage: HistoryCrashWriter DIRECTORY TAG\n".utf8))
    exit(2)
}
do throws(HistoryError) {
    let store = try HistoryStore(directory: arguments[1])
    var sequence = 0
    while true {
        sequence += 1
        let now = Date()
        let record = ProvisioningRecord(
            kind: "pair", started: now, finished: now, printerShortId: "3F0A", printerName: arguments[2],
            printerAddress: "AA:BB:CC:DD:EE:\(String(format: "%02X", sequence % 256))", adapter: "hci0",
            ssid: [0x48, 0xFF, 0x00, UInt8(sequence % 256)], outcome: sequence % 3 == 0 ? "failed" : "succeeded",
            error: sequence % 3 == 0 ? "wrong-pin" : nil, exitCode: sequence % 3 == 0 ? 14 : 0,
            message: String(repeating: "m", count: sequence % 700), printerIPv4: "192.0.2.\(sequence % 250)",
            phaseDurations: ["scan": 0.5, "join": Double(sequence)])
        let id = try store.append(record)
        FileHandle.standardOutput.write(Data("\(id)\n".utf8))  // one write(2): unbuffered
    }
} catch {
    FileHandle.standardError.write(Data("HistoryCrashWriter: \(error.message)\n".utf8))
    exit(1)
}
