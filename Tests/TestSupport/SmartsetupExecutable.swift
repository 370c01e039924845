import Foundation

/// The path of the built `smartsetup` executable: next to the test bundle (or one folder up),
/// else `.build/debug/smartsetup` of this checkout. The test targets that run the command use it.
public var smartsetupExecutable: String {
    let beside = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
    for directory in [beside, beside.deletingLastPathComponent()] {
        let candidate = directory.appendingPathComponent("smartsetup")
        if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate.path }
    }
    return URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent(".build/debug/smartsetup").path
}
