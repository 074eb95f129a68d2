import Crypto
import Foundation
import PorticoCore

/// Every derivation of docs/design/gate-format.md, in one place.
public enum KeyDerivation {
    static let salt = Data("portico/v1".utf8)

    public static func hkdf(_ ikm: Data, _ info: String, _ length: Int) -> Data {
        HKDF<SHA256>.deriveKey(inputKeyMaterial: SymmetricKey(data: ikm), salt: salt, info: Data(info.utf8), outputByteCount: length)
            .withUnsafeBytes { Data($0) }
    }

    public static func hmac(_ key: Data, _ message: Data) -> Data {
        Data(HMAC<SHA256>.authenticationCode(for: message, using: SymmetricKey(data: key)))
    }

    public static func accountKey(secret: PortalSecret, account: String) -> Data {
        hkdf(secret.bytes, "account\0\(account)", 32)
    }

    public static func accountPath(secret: PortalSecret, account: AccountConfig) -> String {
        account.readablePath ? account.slug : hkdf(secret.bytes, "path\0\(account.slug)", 10).hexString
    }

    /// A viewer's token: the one derivation the build, `portico token` and the feedback server's keys share.
    /// A serial, when the viewer has one, is mixed in: a new serial is a new link and the old one opens nothing.
    public static func token(accountKey: Data, viewer: Viewer, generation: Int) -> String {
        hkdf(accountKey, "token\0\(viewer.id)\0\(generation)" + (viewer.serial.map { "\0" + $0 } ?? ""), 16).base64URL
    }

    public static func token(secret: PortalSecret, account: AccountConfig, viewer: Viewer) -> String {
        token(accountKey: accountKey(secret: secret, account: account.slug), viewer: viewer, generation: account.generation)
    }

    /// The content key changes with the set of active viewers and their serials, so a reader let back in with a
    /// new serial never brings back a key that a dropped reader's browser may have kept.
    public static func contentKey(accountKey: Data, generation: Int, activeViewers: [Viewer]) -> Data {
        contentKey(accountKey: accountKey, generation: generation, activeMembers: activeViewers.map { $0.id + ($0.serial.map { "\0" + $0 } ?? "") })
    }

    /// `activeMembers`: each active viewer's id, followed by NUL and its serial when it has one.
    public static func contentKey(accountKey: Data, generation: Int, activeMembers: [String]) -> Data {
        hkdf(accountKey, "content\0\(generation)\0\(activeMembers.sorted().joined(separator: "\n"))", 32)
    }

    /// The AES-256-GCM key of pages and assets; the content key itself encrypts nothing (format v2).
    public static func contentAESKey(_ contentKey: Data) -> Data { hkdf(contentKey, "aes-gcm", 32) }

    /// The key of the deterministic IVs of pages and assets.
    public static func contentIVKey(_ contentKey: Data) -> Data { hkdf(contentKey, "iv", 32) }

    /// Public in every keyring: tells a browser its stored key is current; also salts key ids and feedback keys.
    public static func keyCheck(contentKey: Data) -> String {
        hkdf(contentKey, "check", 12).base64URL
    }

    /// The keys a browser derives from a token and the keyring's key check.
    public struct TokenKeys: Sendable, Equatable {
        /// Changes with the key check, so one viewer's entries cannot be linked across rotations.
        public let keyID: String
        public let wrapKey: Data
        public let wrapIVKey: Data
        /// Changes with the key check: a feedback key taken from a browser stops working at the next rotation.
        public let feedbackKey: Data
    }

    public static func tokenKeys(_ token: String, keyCheck: String) -> TokenKeys? {
        guard let bytes = tokenBytes(token) else { return nil }
        return TokenKeys(keyID: hkdf(bytes, "id\0\(keyCheck)", 9).base64URL, wrapKey: hkdf(bytes, "wrap", 32),
                         wrapIVKey: hkdf(bytes, "wrap-iv", 32), feedbackKey: feedbackKey(tokenBytes: bytes, keyCheck: keyCheck))
    }

    /// The key a viewer's browser signs feedback with: `HKDF(token, "feedback\0" + keyCheck, 32)`.
    public static func feedbackKey(token: String, keyCheck: String) -> Data? {
        tokenBytes(token).map { feedbackKey(tokenBytes: $0, keyCheck: keyCheck) }
    }

    static func feedbackKey(tokenBytes: Data, keyCheck: String) -> Data { hkdf(tokenBytes, "feedback\0\(keyCheck)", 32) }

    static func tokenBytes(_ token: String) -> Data? {
        guard let bytes = Data(base64URL: token), bytes.count == 16 else { return nil }
        return bytes
    }

    /// A keyring entry that belongs to nobody, indistinguishable from a real one without a token: pads the count.
    static func dummyEntry(accountKey: Data, keyCheck: String, index: Int, size: Int) -> (id: String, iv: Data, ciphertext: Data) {
        let label = "\0\(keyCheck)\0\(index)"
        return (hkdf(accountKey, "dummy-id" + label, 9).base64URL, hkdf(accountKey, "dummy-iv" + label, 12),
                hkdf(accountKey, "dummy-ct" + label, size + 16))
    }

    public static func assetName(accountKey: Data, path: String) -> String {
        hmac(accountKey, Data("asset\0\(path)".utf8)).prefix(10).hexString + ".bin"
    }
}
