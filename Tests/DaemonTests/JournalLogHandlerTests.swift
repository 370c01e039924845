import Logging
import SetupDaemon
import Synchronization
import Testing

@Suite struct JournalLogHandlerTests {
    @Test func journaldLinesStartWithTheSyslogPriority() {
        let lines = Mutex<[String]>([])
        var logger = Logger(label: "test") { label in
            JournalLogHandler(label: label, level: .info, journald: true) { line in lines.withLock { $0.append(line) } }
        }
        logger[metadataKey: "job"] = "7"
        logger.info("job queued", metadata: ["reason": "waiting in the queue"])
        logger.warning("job failed")
        logger.debug("not written at info")
        #expect(lines.withLock { $0 } == [#"<6>job queued job=7 reason="waiting in the queue""#, "<4>job failed job=7"])
    }

    @Test func withoutTheJournalLinesNameTheirLevel() {
        #expect(JournalLogHandler.line(level: .error, message: "m", metadata: ["a": "b c"], journald: false) == #"error: m a="b c""#)
        #expect(JournalLogHandler.priority(of: .critical) == 2)
        #expect(JournalLogHandler.priority(of: .notice) == 5)
        #expect(JournalLogHandler.priority(of: .trace) == 7)
    }
}
