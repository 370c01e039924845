#if canImport(Glibc)
import Glibc
#endif

/// The API's times: microseconds since the Unix epoch (`CLOCK_REALTIME`).
enum WallClock {
    static func microseconds() -> UInt64 {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        return UInt64(now.tv_sec) * 1_000_000 + UInt64(now.tv_nsec / 1000)
    }
}
