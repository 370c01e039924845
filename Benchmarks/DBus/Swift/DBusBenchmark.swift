import DBus

#if canImport(Glibc)
import Glibc
#endif

/// The Swift side of the D-Bus benchmark (see `Benchmarks/DBus/run.sh`):
///
///     DBusBenchmark serve ADDRESS NAME         export org.example.Echo1 at /org/example/echo as NAME
///     DBusBenchmark client ADDRESS NAME CALLS  CALLS sequential Echo calls, then one RESULT line
///     DBusBenchmark client-executor ADDRESS NAME CALLS
///                                              the same, run on the connection's executor
///                                              (`withTaskExecutorPreference(connection.executor)`)
///
/// The client prints `RESULT <calls> <calls per second> <p50 us> <p90 us> <p99 us>`, the same
/// line as the raw libdbus client in `raw_echo.c`.
@main
enum DBusBenchmark {
    static func main() async {
        let arguments = CommandLine.arguments
        do throws(DBusError) {
            switch (arguments.count, arguments.dropFirst().first) {
            case (4, "serve"):
                try await EchoServer.run(address: arguments[2], name: arguments[3])
            case (5, "client"), (5, "client-executor"):
                guard let calls = Int(arguments[4]), calls > 0 else { usage() }
                let result = try await RoundTripClient.run(
                    address: arguments[2], name: arguments[3], calls: calls, onConnectionExecutor: arguments[1] == "client-executor")
                print(result.line)
            default:
                usage()
            }
        } catch {
            printError("DBusBenchmark: \(error)\n")
            exit(1)
        }
    }

    /// Writes `text` to standard error.
    static func printError(_ text: String) {
        var text = text
        text.withUTF8 { bytes in _ = write(2, bytes.baseAddress, bytes.count) }
    }

    /// Prints the usage line and exits with status 2.
    static func usage() -> Never {
        printError("usage: DBusBenchmark serve ADDRESS NAME | DBusBenchmark client|client-executor ADDRESS NAME CALLS\n")
        exit(2)
    }
}
