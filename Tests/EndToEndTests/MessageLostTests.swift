import SetupCentral
import SetupLab
import SetupProtocol
import Testing
import TestSupport

/// A notification the link repeats or loses in the encrypted phase ends the session with its
/// own failure class (exit 23, "message-lost"), not as an internal error.
@Suite(.cleansUp) struct MessageLostTests {
    @Test(arguments: ["duplicate", "drop"])
    func aDamagedSessionIsMessageLost(fault: String) async throws {
        let lab = try await startLab()
        let setup = try await service(lab)
        let simulator = lab.simulator
        let pin = try #require(lab.printers[0].presentedPIN)
        let request = PairRequest(target: PrinterTarget(authentication: .pin(pin)), credentials: try credentials())
        do throws(SetupError) {
            _ = try await setup.pair(request) { step in
                // The next notification is the first sealed one (JoinStatus "received").
                guard case .authenticated = step else { return }
                if fault == "duplicate" { simulator.faults.duplicateNextNotification() } else { simulator.faults.dropNextNotification() }
            }
            Issue.record("the pairing succeeded through a \(fault)d notification")
        } catch {
            #expect(error.kind == .messageLost, "\(error.diagnostic)")
            #expect(error.exitCode == 23)
            #expect(error.message.hasSuffix("try again"))
        }
    }
}
