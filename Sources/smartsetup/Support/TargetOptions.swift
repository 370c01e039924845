import ArgumentParser
import SetupCentral
import SetupProtocol

/// Options shared by every command that talks to one printer.
struct TargetOptions: ParsableArguments {
    @Option(help: "The Bluetooth adapter (e.g. hci0); the default adapter when omitted.")
    var adapter: String?

    @Option(help: ArgumentHelp("The printer: its short id (4 hex digits), Bluetooth address or name.", valueName: "SHORTID|ADDRESS|NAME"))
    var printer: String?

    @Option(help: "The printer's PIN (8 digits). Prompted for, without echo, when omitted on a terminal.")
    var pin: String?

    @Flag(help: "Use button mode (the printer's Wi-Fi setup button was pressed). Protects against eavesdroppers only.")
    var button = false

    @Option(help: "Seconds to scan for printers.")
    var scanTime: Double = 5

    @Option(help: "Overall deadline in seconds.")
    var timeout: Double = 180

    @Flag(help: "One JSON object per line instead of readable progress.")
    var json = false

    func validate() throws {
        if button && pin != nil { throw ValidationError("--button and --pin exclude each other") }
        if let pin {
            do { _ = try SetupPIN(validating: pin) } catch { throw ValidationError("--pin is not a valid PIN: \(error)") }
        }
        guard scanTime > 0, timeout > 0 else { throw ValidationError("--scan-time and --timeout must be positive") }
    }

    /// The target for the service.
    func target() throws(SetupError) -> PrinterTarget {
        let source: PINSource
        if button {
            source = .button
        } else if let pin {
            do { source = .pin(try SetupPIN(validating: pin)) } catch { throw SetupError(.usage, "--pin is not a valid PIN") }
        } else if SecretInput.isInteractive {
            source = .ask { attemptsLeft in
                let prompt = attemptsLeft.map { "Wrong PIN (\($0) attempts left). PIN: " } ?? "Printer PIN (shown on the printer or its page): "
                while let typed = await SecretInput.prompt(prompt) {
                    if let pin = try? SetupPIN(validating: typed) { return pin }
                    FileHandleOutput.note("That is not a valid PIN (8 digits, last one a check digit); try again.")
                }
                return nil
            }
        } else {
            throw SetupError(.usage, "no PIN: pass --pin, --button, or run on a terminal to be prompted")
        }
        var chooser: (@Sendable ([DiscoveredPrinter]) async -> DiscoveredPrinter?)?
        if SecretInput.isInteractive && !json {
            chooser = { printers in
                FileHandleOutput.note("Several printers are in setup mode:")
                for (index, printer) in printers.enumerated() { FileHandleOutput.note("  \(index + 1)) \(Console.summary(printer))") }
                guard let answer = await SecretInput.promptVisible("Which one (1-\(printers.count))? "), let number = Int(answer),
                      printers.indices.contains(number - 1) else { return nil }
                return printers[number - 1]
            }
        }
        return PrinterTarget(selector: printer.map(PrinterSelector.init), authentication: source, chooser: chooser)
    }

    /// Service options from the command line.
    /// Opens the service on `--adapter`, resolves the printer to talk to (asking for a PIN if
    /// needed) and runs `request` on them within `--timeout`.
    func perform<Value: Sendable>(
        _ request: @escaping @Sendable (SmartSetup, PrinterTarget) async throws(SetupError) -> Value
    ) async throws(SetupError) -> Value {
        let service = SmartSetup(radio: try await RadioFactory.central(adapter: adapter), options: serviceOptions)
        let printer = try target()
        return try await withCommandTimeout(seconds: timeout) { () throws(SetupError) in try await request(service, printer) }
    }

    var serviceOptions: SmartSetup.Options {
        var options = SmartSetup.Options()
        options.scanTimeout = .milliseconds(Int(scanTime * 1000))
        return options
    }
}

/// Writes notes to stderr.
enum FileHandleOutput {
    static func note(_ text: String) { Console(json: false).note(text) }
}
