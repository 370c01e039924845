extension ContinuousClock.Instant {
    /// The time left until this instant, or zero when it passed; used as a D-Bus call timeout.
    var remaining: Duration {
        let left = self - ContinuousClock.now
        return left > .zero ? left : .milliseconds(1)
    }
}
