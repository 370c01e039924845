import ArgumentParser
import SetupCentral
import SetupProtocol

/// Options shared by every command that talks to one printer.
struct TargetOptions: ParsableArguments {
    @Option(help: "The Bluetooth adapter (e.g. hci0); the default adapter when omitted.")
    var adapter: String?

    @Option(help: ArgumentHelp("The printer: its short id (4 hex digits), Bluetooth address or name.", valueName: "SHORTID|ADDRESS|NAME"))
    var printer: String?

    @Option(help: "The printer's PIN (8 digits). Visible in ps for the whole run: scripts use --pin-file or --pin-stdin. Prompted for, without echo, when no PIN option is given on a terminal.")
    var pin: String?

    @Option(help: "Read the printer's PIN from the first line of this file.")
    var pinFile: String?

    @Flag(help: "Read the printer's PIN from the first line of stdin.")
    var pinStdin = false

    @Flag(help: "Use button mode (the printer's Wi-Fi setup button was pressed). Protects against eavesdroppers only.")
    var button = false

    @Option(parsing: .unconditional, help: "Seconds to scan for printers (above 0, at most 3600).")
    var scanTime: Double = 5

    @Option(parsing: .unconditional, help: "Overall deadline in seconds (above 0, at most 86400).")
    var timeout: Double = 180

    @Flag(help: "One JSON object per line instead of readable progress.")
    var json = false

    /// Whether a PIN option (or button mode) says how to authenticate without asking.
    var authenticationGiven: Bool { button || pin != nil || pinFile != nil || pinStdin }

    func validate() throws {
        let ways = [button, pin != nil, pinFile != nil, pinStdin].filter { $0 }.count
        if ways > 1 { throw ValidationError("--button, --pin, --pin-file and --pin-stdin exclude each other") }
        if let pin {
            do { _ = try SetupPIN(validating: pin) } catch { throw ValidationError("--pin is not a valid PIN: \(error)") }
        }
        try NumberOptions.seconds(scanTime, "--scan-time", maximum: NumberOptions.maximumScanTime)
        try NumberOptions.seconds(timeout, "--timeout", maximum: NumberOptions.maximumTimeout)
    }

    /// The target for the service; reads the PIN from its file or stdin when asked to.
    func target() async throws(SetupError) -> PrinterTarget {
        let source: PINSource
        if button {
            source = .button
        } else if let pin {
            do { source = .pin(try SetupPIN(validating: pin)) } catch { throw SetupError(.usage, "--pin is not a valid PIN: \(error)") }
        } else if let pinFile {
            source = .pin(try Self.pin(await SecretInput.firstLine(ofFile: pinFile, limit: SecretInput.pinLimit), from: pinFile))
        } else if pinStdin {
            source = .pin(try Self.pin(await SecretInput.firstLineOfStandardInput(limit: SecretInput.pinLimit), from: "stdin"))
        } else if SecretInput.isInteractive {
            source = .ask { attemptsLeft in
                let prompt = attemptsLeft.map { "Wrong PIN (\($0) attempts left). PIN: " } ?? "Printer PIN (shown on the printer or its page): "
                while let typed = await SecretInput.prompt(prompt, limit: SecretInput.pinLimit).text {
                    if let pin = try? SetupPIN(validating: typed) { return pin }
                    FileHandleOutput.note("That is not a valid PIN (8 digits, last one a check digit); try again.")
                }
                return nil
            }
        } else {
            throw SetupError(.usage, "no PIN: pass --pin-file, --pin-stdin, --pin or --button, or run on a terminal to be prompted")
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

    /// The PIN in a line read from `origin`; never shows the line.
    static func pin(_ line: SecretInput.Line, from origin: String) throws(SetupError) -> SetupPIN {
        switch line {
        case .line:
            do { return try SetupPIN(validating: line.text ?? "") } catch { throw SetupError(.usage, "the PIN in \(origin) is not valid: \(error)") }
        case .tooLong: throw SetupError(.usage, "the first line of \(origin) is too long for a PIN")
        case .unreadable: throw SetupError(.usage, "cannot read a PIN from \(origin)")
        case .cancelled: throw SetupError(.timedOut, "no PIN arrived on \(origin) in time")
        }
    }

    /// Opens the service on `--adapter`, resolves the printer to talk to (asking for a PIN if
    /// needed) and runs `request` on them within `--timeout`.
    func perform<Value: Sendable>(
        _ request: @escaping @Sendable (SmartSetup, PrinterTarget) async throws(SetupError) -> Value
    ) async throws(SetupError) -> Value {
        let deadline = CommandDeadline(seconds: timeout)
        let printer = try await deadline.run { () throws(SetupError) in try await target() }
        let service = SmartSetup(radio: try await RadioFactory.central(adapter: adapter), options: serviceOptions)
        return try await deadline.run { () throws(SetupError) in try await request(service, printer) }
    }

    var serviceOptions: SmartSetup.Options {
        var options = SmartSetup.Options()
        options.scanTimeout = NumberOptions.duration(seconds: scanTime)
        return options
    }
}

/// Writes notes to stderr.
enum FileHandleOutput {
    static func note(_ text: String) { Console(json: false).note(text) }
}
