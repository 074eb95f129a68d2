import Crypto
import Foundation

/// AES-256-GCM with a deterministic IV: `HMAC(key, "iv\0" + aad + "\0" + plaintext)[0..<12]`,
/// unique per (key, plaintext), so an unchanged page encrypts to the same bytes.
public enum Sealer {
    public struct Box: Sendable, Equatable {
        public let iv: Data
        /// Ciphertext followed by the 16-byte tag (WebCrypto's layout).
        public let ciphertext: Data
    }

    public static func seal(_ plaintext: Data, key: Data, aad: String) throws -> Box {
        var message = Data("iv\0".utf8)
        message.append(Data(aad.utf8))
        message.append(0)
        message.append(plaintext)
        let iv = KeyDerivation.hmac(key, message).prefix(12)
        let box = try AES.GCM.seal(plaintext, using: SymmetricKey(data: key), nonce: AES.GCM.Nonce(data: iv), authenticating: Data(aad.utf8))
        return Box(iv: Data(iv), ciphertext: box.ciphertext + box.tag)
    }

    public static func open(_ box: Box, key: Data, aad: String) throws -> Data {
        guard box.ciphertext.count >= 16 else { throw CryptoKitError.incorrectParameterSize }
        let sealed = try AES.GCM.SealedBox(nonce: AES.GCM.Nonce(data: box.iv), ciphertext: box.ciphertext.dropLast(16), tag: box.ciphertext.suffix(16))
        return try AES.GCM.open(sealed, using: SymmetricKey(data: key), authenticating: Data(aad.utf8))
    }
}
