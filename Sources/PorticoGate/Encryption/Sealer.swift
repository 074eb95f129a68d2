import Crypto
import Foundation

/// AES-256-GCM with a deterministic IV: `HMAC(ivKey, "iv\0" + aad + "\0" + message)[0..<12]`, unique per
/// (key, message), so an unchanged page encrypts to the same bytes. The IV key is not the AES key (format v2).
public enum Sealer {
    public struct Box: Sendable, Equatable {
        public let iv: Data
        /// Ciphertext followed by the 16-byte tag (WebCrypto's layout).
        public let ciphertext: Data
    }

    /// An AES key and its IV key, ready to seal many messages: the IV's HMAC starts from its keyed state.
    public struct Key: Sendable {
        let key: SymmetricKey
        let mac: HMAC<SHA256>

        public init(aes: Data, iv: Data) {
            key = SymmetricKey(data: aes)
            mac = HMAC<SHA256>(key: SymmetricKey(data: iv))
        }
    }

    public static func seal<Plaintext: DataProtocol>(_ plaintext: Plaintext, key: Key, aad: String) throws -> Box {
        let combined = try sealCombined(plaintext, key: key, aad: aad)
        return Box(iv: Data(combined.prefix(ivCount)), ciphertext: Data(combined.dropFirst(ivCount)))
    }

    static let ivCount = 12

    /// The IV, ciphertext and tag in the one buffer AES-GCM wrote them to (`iv + ciphertext` of a `Box`), for
    /// callers that would otherwise copy a page's ciphertext out of it.
    static func sealCombined<Plaintext: DataProtocol>(_ plaintext: Plaintext, key: Key, aad: String) throws -> Data {
        let aad = Data(aad.utf8)
        var mac = key.mac
        mac.update(data: Data("iv\0".utf8))
        mac.update(data: aad)
        mac.update(data: [0] as [UInt8])
        mac.update(data: plaintext)
        let iv = try AES.GCM.Nonce(data: Data(mac.finalize()).prefix(ivCount))
        return try AES.GCM.seal(plaintext, using: key.key, nonce: iv, authenticating: aad).combined!
    }

    /// The padded message; `Padding.unpadded` gives the plaintext.
    public static func open(_ box: Box, key: Data, aad: String) throws -> Data {
        guard box.ciphertext.count >= 16 else { throw CryptoKitError.incorrectParameterSize }
        let sealed = try AES.GCM.SealedBox(nonce: AES.GCM.Nonce(data: box.iv), ciphertext: box.ciphertext.dropLast(16), tag: box.ciphertext.suffix(16))
        return try AES.GCM.open(sealed, using: SymmetricKey(data: key), authenticating: Data(aad.utf8))
    }
}
