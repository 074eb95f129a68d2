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

    public static func token(accountKey: Data, viewer: String, generation: Int) -> String {
        hkdf(accountKey, "token\0\(viewer)\0\(generation)", 16).base64URL
    }

    public static func contentKey(accountKey: Data, generation: Int, activeViewers: [String]) -> Data {
        hkdf(accountKey, "content\0\(generation)\0\(activeViewers.sorted().joined(separator: "\n"))", 32)
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
