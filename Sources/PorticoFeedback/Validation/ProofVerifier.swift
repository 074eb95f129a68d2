import Foundation
import PorticoGate

/// `X-Portico-Proof`: b64u(HMAC-SHA256(feedbackKey, rawBody)), feedbackKey derived from the viewer's token.
public enum ProofVerifier {
    public static func proof(feedbackKey: Data, body: Data) -> String {
        Base64URL.encode(KeyDerivation.hmac(feedbackKey, body))
    }

    /// True when `header` is the proof of `body` under `feedbackKey`; compares in constant time.
    public static func verify(header: String?, body: Data, feedbackKey: Data) -> Bool {
        guard let header, header.utf8.count == 43, let given = Base64URL.decode(header), given.count == 32 else { return false }
        let expected = KeyDerivation.hmac(feedbackKey, body)
        var difference: UInt8 = 0
        for (a, b) in zip(given, expected) { difference |= a ^ b }
        return difference == 0
    }
}
