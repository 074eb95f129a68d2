import Crypto
import Foundation

/// A viewer's feedback key with HMAC-SHA-256 already keyed: the key's inner and outer pads are hashed once, when the
/// directory loads, so checking a proof hashes only the message. Each `mac` works on its own copy of the keyed state
/// (the digests are copy-on-write), so one key serves concurrent requests.
public struct ProofKey: Sendable {
    public let bytes: Data
    private let keyed: HMAC<SHA256>

    public init(_ bytes: Data) {
        self.bytes = bytes
        keyed = HMAC<SHA256>(key: SymmetricKey(data: bytes))
    }

    /// HMAC-SHA-256 of `message` under this key (the same bytes as `KeyDerivation.hmac(bytes, message)`).
    public func mac(_ message: Data) -> Data {
        var state = keyed
        state.update(data: message)
        return Data(state.finalize())
    }
}
