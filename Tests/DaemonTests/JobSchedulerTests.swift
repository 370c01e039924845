import SetupDaemon
import Testing

@Suite struct JobSchedulerTests {
    private func ticket(_ id: UInt64, adapter: String? = nil, printer: String? = nil) -> JobScheduler.Ticket {
        JobScheduler.Ticket(id: id, adapter: adapter, printer: printer)
    }

    @Test func jobsStartFirstComeFirstServedUpToTheLimitPerAdapter() {
        var scheduler = JobScheduler(adapters: ["hci0"], jobsPerAdapter: 2, maxQueued: 8)
        for id in 1...4 { _ = scheduler.enqueue(ticket(UInt64(id))) }
        let first = scheduler.next()
        #expect(first.map(\.id) == [1, 2])
        let step1 = scheduler.next()
        #expect(step1.isEmpty)
        scheduler.finished(2)
        let step2 = scheduler.next()
        #expect(step2.map { "\($0.id)@\($0.adapter)" } == ["3@hci0"])
        #expect(scheduler.queuedCount == 1 && scheduler.runningCount == 2)
    }

    @Test func severalAdaptersShareTheWorkLeastBusyFirst() {
        var scheduler = JobScheduler(adapters: ["hci0", "hci1"], jobsPerAdapter: 1, maxQueued: 8)
        for id in 1...3 { _ = scheduler.enqueue(ticket(UInt64(id))) }
        let step3 = scheduler.next()
        #expect(step3.map(\.adapter) == ["hci0", "hci1"])
        scheduler.finished(1)
        let step4 = scheduler.next()
        #expect(step4.map { "\($0.id)@\($0.adapter)" } == ["3@hci0"])
    }

    @Test func aJobThatNamesItsAdapterWaitsForThatOne() {
        var scheduler = JobScheduler(adapters: ["hci0", "hci1"], jobsPerAdapter: 1, maxQueued: 8)
        _ = scheduler.enqueue(ticket(1, adapter: "hci1"))
        _ = scheduler.enqueue(ticket(2, adapter: "hci1"))
        _ = scheduler.enqueue(ticket(3))
        // Job 2 waits for hci1; job 3, later, may take the free hci0 meanwhile.
        let step5 = scheduler.next()
        #expect(step5.map(\.id) == [1, 3])
        scheduler.finished(1)
        let step6 = scheduler.next()
        #expect(step6.map { "\($0.id)@\($0.adapter)" } == ["2@hci1"])
    }

    @Test func onePrinterHasOneJobAtATime() {
        var scheduler = JobScheduler(adapters: ["hci0"], jobsPerAdapter: 4, maxQueued: 8)
        _ = scheduler.enqueue(ticket(1, printer: "3F0A"))
        _ = scheduler.enqueue(ticket(2, printer: "3f0a"))
        _ = scheduler.enqueue(ticket(3))
        let step7 = scheduler.next()
        #expect(step7.map(\.id) == [1, 3])
        // Job 3 chose the printer at 02:53:4D:00:00:02: a request naming that address waits too.
        scheduler.running(3, isOn: ["3F0B", "02:53:4D:00:00:02"])
        _ = scheduler.enqueue(ticket(4, printer: "02:53:4d:00:00:02"))
        let step8 = scheduler.next()
        #expect(step8.isEmpty)
        scheduler.finished(1)
        scheduler.finished(3)
        let step9 = scheduler.next()
        #expect(step9.map(\.id) == [2, 4])
    }

    @Test func theQueueIsBoundedAndQueuedJobsCanBeTakenOut() {
        var scheduler = JobScheduler(adapters: [], jobsPerAdapter: 1, maxQueued: 2)
        let accepted = [scheduler.enqueue(ticket(1)), scheduler.enqueue(ticket(2)), scheduler.enqueue(ticket(3))]
        #expect(accepted == [true, true, false])
        let removed = [scheduler.remove(1), scheduler.remove(1)]
        #expect(removed == [true, false])
        let started = scheduler.next()
        #expect(started.isEmpty)  // no adapter: nothing runs
        let rest = scheduler.removeAll()
        #expect(rest.map(\.id) == [2])
        #expect(scheduler.queuedCount == 0)
    }
}
