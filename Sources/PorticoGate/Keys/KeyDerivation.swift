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

    public static func keyCheck(contentKey: Data) -> String {
        hmac(contentKey, Data("check".utf8)).prefix(12).base64URL
    }

    /// The keys a browser derives from a token.
    public struct TokenKeys: Sendable, Equatable {
        public let keyID: String
        public let wrapKey: Data
        public let feedbackKey: Data
    }

    public static func tokenKeys(_ token: String) -> TokenKeys? {
        guard let bytes = Data(base64URL: token), bytes.count == 16 else { return nil }
        return TokenKeys(keyID: hkdf(bytes, "id", 9).base64URL, wrapKey: hkdf(bytes, "wrap", 32), feedbackKey: hkdf(bytes, "feedback", 32))
    }

    public static func assetName(accountKey: Data, path: String) -> String {
        hmac(accountKey, Data("asset\0\(path)".utf8)).prefix(10).hexString + ".bin"
    }
}
