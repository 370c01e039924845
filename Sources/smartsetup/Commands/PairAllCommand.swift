import ArgumentParser
import SetupCentral
import SetupProtocol

/// `smartsetup pair --all`: every printer in setup mode, one after another.
extension PairCommand {
    /// Reads the passphrase once, scans once (`--scan-time`), then pairs each printer heard (in
    /// short-id order), asking for its PIN on the terminal by its short id and name (or in button
    /// mode), each under its own `--timeout`. One summary line per printer (`result` in JSON).
    /// Exits 0 when all succeeded, else with the first failure's code; no printer exits 12.
    func runAll(_ console: Console) async throws {
        try await runReporting(console) { () throws(SetupError) in
            guard target.button || SecretInput.isInteractive else {
                throw SetupError(.usage, "pair --all asks for each printer's PIN on a terminal: run it on one, or use --button")
            }
            let (credentials, corrected) = try await CommandDeadline(seconds: target.timeout).run { () throws(SetupError) in
                try await makeCredentials()
            }
            let service = SmartSetup(radio: try await RadioFactory.central(adapter: target.adapter), options: target.serviceOptions)
            let printers = try await CommandDeadline(seconds: target.timeout).run { () throws(SetupError) in
                try await service.scan { console.progress($0) }
            }.sorted { $0.shortID < $1.shortID }
            guard !printers.isEmpty else { throw SetupError(.noPrinterFound, "no printer in setup mode found") }
            console.event(
                "batch", ["printers": .array(printers.map { .string($0.shortID) })],
                text: "• \(printers.count) printer\(printers.count == 1 ? "" : "s") to pair: \(printers.map(\.shortID).joined(separator: " "))")
            var failures: [(printer: DiscoveredPrinter, error: SetupError)] = []
            for printer in printers {
                let request = PairRequest(
                    target: PrinterTarget(selector: PrinterSelector(printer.address), authentication: authentication(for: printer)),
                    credentials: credentials, correctedPassphrase: corrected)
                do throws(SetupError) {
                    let result = try await CommandDeadline(seconds: target.timeout).run { () throws(SetupError) in
                        try await service.pair(request) { console.progress($0) }
                    }
                    console.event(
                        "result", ["shortId": .string(printer.shortID), "outcome": "succeeded", "exitCode": 0, "address": .string(result.address.description)],
                        text: "✓ \(printer.shortID) joined \(networkLabel) with address \(result.address)")
                } catch {
                    failures.append((printer, error))
                    console.event(
                        "result",
                        ["shortId": .string(printer.shortID), "outcome": "failed", "exitCode": .int(Int(error.exitCode)),
                         "error": .string(error.kindName), "message": .string(error.message)],
                        text: "✗ \(printer.shortID) failed: \(error.message) [\(error.kindName), exit \(error.exitCode)]")
                }
            }
            if let first = failures.first {
                throw SetupError(
                    first.error.kind,
                    "\(failures.count) of \(printers.count) printers failed; the first, \(first.printer.shortID): \(first.error.message)",
                    cause: first.error)
            }
        }
    }

    /// Button mode, or a terminal prompt that names the printer (asked again after a wrong PIN
    /// while attempts are left; an empty line gives this printer up).
    private func authentication(for printer: DiscoveredPrinter) -> PINSource {
        if target.button { return .button }
        let name = printer.name.map { " (\($0))" } ?? ""
        return .ask { attemptsLeft in
            let prompt = attemptsLeft.map { "Wrong PIN for printer \(printer.shortID) (\($0) attempts left). PIN: " }
                ?? "PIN for printer \(printer.shortID)\(name): "
            while let typed = await SecretInput.prompt(prompt, limit: SecretInput.pinLimit).text, !typed.isEmpty {
                if let pin = try? SetupPIN(validating: typed) { return pin }
                FileHandleOutput.note("That is not a valid PIN (8 digits, last one a check digit); try again.")
            }
            return nil
        }
    }
}
