import CZeroMQ
import Foundation
import SupervisorModel

/// The daemon's side of CurveZMQ, owned by the reactor: the ZAP handler that admits client keys
/// listed in `keys/authorized`, the key store the rights of each request are read from, and the
/// log of refusals.
///
/// Refusals are logged with the key's name or abbreviated key and the peer address. A client
/// with a wrong server key retries every ~100-200 ms, so repeats of one refusal within
/// `quietPeriod` are counted and summed up in the next line instead of logged one by one.
final class CurveGate {
    let store: KeyStore
    let zap: ZAPHandler
    static let quietPeriod: TimeInterval = 10
    private var lastLogged: [String: (at: TimeInterval, suppressed: Int)] = [:]
    private var loggedIssues: [String] = []

    /// Binds the ZAP handler; must run before any Curve server socket binds.
    init(keysDirectory: String) throws {
        store = KeyStore(directory: keysDirectory)
        zap = try ZAPHandler(keyStore: store)
    }

    /// Answers pending ZAP requests; returns the log lines for refusals.
    func answerZAP(now: TimeInterval) -> [String] {
        var lines: [String] = []
        for decision in zap.handlePending() where !decision.accepted {
            if let line = throttled("zap \(decision.address) \(decision.publicKey ?? "")", now: now, "control: \(decision.description)") {
                lines.append(line)
            }
        }
        return lines + newAuthorizedIssues()
    }

    /// Problems of `keys/authorized` not logged yet (at start, and after each edit of it).
    func newAuthorizedIssues() -> [String] {
        let issues = store.authorized().issues.map(\.description)
        guard issues != loggedIssues else { return [] }
        loggedIssues = issues
        return issues.map { "control: \($0)" }
    }

    /// Log lines for handshake failures seen by a server socket's monitor (`what` names it).
    func describe(_ events: [SocketEvent], on what: String, now: TimeInterval) -> [String] {
        events.compactMap { event in
            let reason: String
            switch event.kind {
            case .handshakeFailedProtocol(let code) where code == UInt32(ZMQ_PROTOCOL_ERROR_ZMTP_MECHANISM_MISMATCH):
                reason = "the client did not use CurveZMQ (no key)"
            case .handshakeFailedProtocol(let code):
                reason = "CurveZMQ handshake failed (\(SocketEvent.protocolErrorName(code))): the client may expect another server key"
            case .handshakeFailedNoDetail:
                // A client that is refused may close before this side has read its greeting
                // (its close resets the connection): then only this is seen.
                reason = "the connection ended during the CurveZMQ handshake (a client without a key, or with another server key)"
            case .handshakeFailedAuth:
                return nil // the ZAP decision was logged with the key
            default:
                return nil
            }
            // libzmq names the endpoint that was connected to, not the client's address.
            let target = event.endpoint.isEmpty ? "" : " to \(event.endpoint)"
            return throttled("\(what) \(reason)", now: now, "\(what): refused a connection\(target): \(reason)")
        }
    }

    private func throttled(_ key: String, now: TimeInterval, _ line: String) -> String? {
        if lastLogged.count > 1000 {
            // Many distinct peers: forget the ones quiet for a while (a scan must not grow this).
            lastLogged = lastLogged.filter { now - $0.value.at < Self.quietPeriod }
        }
        if let last = lastLogged[key], now - last.at < Self.quietPeriod {
            lastLogged[key] = (last.at, last.suppressed + 1)
            return nil
        }
        let suppressed = lastLogged[key]?.suppressed ?? 0
        lastLogged[key] = (now, 0)
        return suppressed > 0 ? "\(line) (and \(suppressed) more like it in the last \(Int(Self.quietPeriod)) s)" : line
    }
}
