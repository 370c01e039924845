import SetupCentral
import SetupDaemon
import SetupProtocol
import Testing

@Suite struct JobStateTests {
    @Test func theServiceStepsMapToTheDocumentedStates() {
        #expect(JobState.after(.scanning) == .scanning)
        #expect(JobState.after(.authenticating(attempt: 1, buttonMode: false)) == .authenticating)
        #expect(JobState.after(.authenticated) == .sending)
        #expect(JobState.after(.requestSent("credentials")) == .sending)
        #expect(JobState.after(.credentialsAccepted(roundTrips: 2)) == .joining)
        #expect(JobState.after(.joinStatus(.associating)) == .joining)
        #expect(JobState.after(.connected(mtu: 23)) == nil)
        #expect(JobState.allCases.filter(\.isFinal) == [.succeeded, .failed, .cancelled])
    }

    @Test func outcomesCarryTheExitCodeTableNames() {
        let wrong = JobOutcome.failed(SetupError(.wrongPIN(attemptsLeft: 2), "wrong PIN, 2 attempts left"))
        #expect(wrong.state == .failed && wrong.error == "wrong-pin" && wrong.exitCode == 14 && wrong.message == "wrong PIN, 2 attempts left")
        let stopped = JobOutcome.cancelled("the service is stopping")
        #expect(stopped.state == .cancelled && stopped.error == "cancelled" && stopped.exitCode == 50 && stopped.message == "the service is stopping")
        #expect(JobOutcome.failed(SetupError(.noAgent, "x")).exitCode == 54)
    }
}
