import Foundation
import PorticoGate

/// `X-Portico-Proof`: b64u(HMAC-SHA256(feedbackKey, rawBody)), feedbackKey derived from the viewer's token.
public enum ProofVerifier {
    public typealias MAC = (_ key: ProofKey, _ message: Data) -> Data

    /// Stands in for the key of an unknown account or viewer, so that answer costs the same HMAC as a wrong proof.
    static let dummyKey = ProofKey(Data((0..<32).map { _ in UInt8.random(in: .min ... .max) }))

    public static func proof(feedbackKey: Data, body: Data) -> String {
        Base64URL.encode(KeyDerivation.hmac(feedbackKey, body))
    }

    /// True when `header` is the proof of `body` under `feedbackKey`. The same work whatever fails: the HMAC is
    /// computed (under a dummy key when `feedbackKey` is nil, an unknown viewer) and compared in constant time.
    public static func verify(header: String?, body: Data, feedbackKey: ProofKey?, mac: MAC = { $0.mac($1) }) -> Bool {
        let expected = mac(feedbackKey ?? dummyKey, body)
        let given = header.flatMap { $0.utf8.count == 43 ? Base64URL.decode($0) : nil } ?? Data()
        var difference: UInt8 = given.count == expected.count ? 0 : 1
        expected.withUnsafeBytes { expected in
            given.withUnsafeBytes { given in
                for index in expected.indices { difference |= expected[index] ^ (index < given.count ? given[index] : 0) }
            }
        }
        return difference == 0 && feedbackKey != nil
    }
}
