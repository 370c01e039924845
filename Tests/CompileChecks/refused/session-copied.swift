// expected error: 'session' used after consume
// A session holds its channel once authenticated: a snapshot of it would be a second pair of
// counters, and sending from both would seal two requests under one nonce.
import SetupProtocol

func sendFromASnapshot(_ configuration: CentralConfiguration, now: MonotonicInstant) throws(ProtocolError) {
    var session = CentralSession(configuration: configuration)
    var snapshot = session
    _ = try snapshot.send(.deviceInfo, now: now)
    _ = try session.send(.scan, now: now)
}
