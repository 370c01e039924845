#if FUZZING
import Glibc

/// The decoder libFuzzer drives, chosen by SETUP_FUZZ_TARGET (default: record).
nonisolated(unsafe) private var selectedTarget: FuzzTarget?

/// libFuzzer's entry point.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzerTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    if selectedTarget == nil {
        let name = getenv("SETUP_FUZZ_TARGET").map { String(cString: $0) } ?? "record"
        guard let target = FuzzTarget(rawValue: name) else {
            let message = Array("unknown SETUP_FUZZ_TARGET \(name)\n".utf8)
            _ = message.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
            exit(2)
        }
        selectedTarget = target
    }
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    selectedTarget?.run(bytes)
    return 0
}

/// libFuzzer's driver (exported by the fuzzer runtime that -sanitize=fuzzer links).
@_silgen_name("LLVMFuzzerRunDriver")
private func runFuzzerDriver(
    _ argc: UnsafeMutablePointer<CInt>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt
) -> CInt

/// The executable's entry point under SwiftPM (which links `main` to `<target>_main`): hands
/// control to libFuzzer's driver with the command-line flags.
@_cdecl("SetupProtocolFuzzer_main")
public func fuzzerMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    var count = argc
    var arguments = argv
    return runFuzzerDriver(&count, &arguments) { data, size in fuzzerTestOneInput(data, size) }
}
#else
import Foundation

/// Corpus replayer: `SetupProtocolFuzzer <target> <file or directory>...` runs the target's
/// decoder over every file and reports how many inputs it replayed.
@main
struct CorpusReplayer {
    static func main() throws {
        let arguments = CommandLine.arguments.dropFirst()
        guard let name = arguments.first, let target = FuzzTarget(rawValue: name) else {
            let names = FuzzTarget.allCases.map(\.rawValue).joined(separator: "|")
            FileHandle.standardError.write(Data("usage: SetupProtocolFuzzer <\(names)> <file or directory>...\n".utf8))
            exit(2)
        }
        var count = 0
        for path in arguments.dropFirst() {
            for file in try files(at: path) {
                target.run(Array(try Data(contentsOf: URL(fileURLWithPath: file))))
                count += 1
            }
        }
        print("\(target.rawValue): replayed \(count) inputs without a crash")
    }

    static func files(at path: String) throws -> [String] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { return [] }
        guard isDirectory.boolValue else { return [path] }
        return try FileManager.default.contentsOfDirectory(atPath: path).sorted().map { path + "/" + $0 }
    }
}
#endif
