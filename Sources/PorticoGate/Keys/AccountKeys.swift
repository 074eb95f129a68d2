import Foundation
import PorticoCore

/// One account's keys for one build: the account key, its path, the content key and the keyring.
public struct AccountKeys: Sendable {
    public let account: AccountConfig
    public let accountKey: Data
    public let path: String
    public let activeViewers: [Viewer]
    public let contentKey: Data
    public let keyCheck: String
    let contentSealingKey: Sealer.Key

    public init(secret: PortalSecret, account: AccountConfig, today: Day) {
        self.account = account
        accountKey = KeyDerivation.accountKey(secret: secret, account: account.slug)
        path = KeyDerivation.accountPath(secret: secret, account: account)
        activeViewers = account.activeViewers(on: today)
        contentKey = KeyDerivation.contentKey(accountKey: accountKey, generation: account.generation, activeViewers: activeViewers)
        keyCheck = KeyDerivation.keyCheck(contentKey: contentKey)
        contentSealingKey = Sealer.Key(contentKey)
    }

    public func token(for viewer: Viewer) -> String {
        KeyDerivation.token(accountKey: accountKey, viewer: viewer, generation: account.generation)
    }

    /// The keyring JSON: the content key wrapped for each active viewer, sorted by key id.
    public func keyringJSON() throws -> String {
        var entries: [(String, String)] = []
        for viewer in activeViewers {
            guard let keys = KeyDerivation.tokenKeys(token(for: viewer)) else { continue }
            let plaintext = "{\"k\":\(json(contentKey.base64EncodedString())),\"v\":\(json(viewer.id)),\"n\":\(json(viewer.displayName)),\"x\":\(json(viewer.expires?.description ?? ""))}"
            let box = try Sealer.seal(Data(plaintext.utf8), key: keys.wrapKey, aad: "portico-keyring\0\(path)")
            entries.append((keys.keyID, "{\"id\":\(json(keys.keyID)),\"iv\":\(json(box.iv.base64EncodedString())),\"ct\":\(json(box.ciphertext.base64EncodedString()))}"))
        }
        let list = entries.sorted { $0.0 < $1.0 }.map(\.1).joined(separator: ",")
        return "{\"v\":1,\"a\":\(json(path)),\"kc\":\(json(keyCheck)),\"e\":[\(list)]}"
    }

    public func pageJSON(path pagePath: String, html: String) throws -> String {
        try pageJSON(path: pagePath, html: Array(html.utf8))
    }

    public func pageJSON(path pagePath: String, html: [UInt8]) throws -> String {
        String(decoding: try sealedPage(path: pagePath, html: html), as: UTF8.self)
    }

    /// The page's payload, `{"v":1,"p":…,"iv":…,"ct":…}`, between `head` and `tail` (its gate shell), in one buffer.
    public func sealedPage(path pagePath: String, html: [UInt8], head: [UInt8] = [], tail: [UInt8] = []) throws -> Data {
        let sealed = try html.withUnsafeBytes { try Sealer.sealCombined($0, key: contentSealingKey, aad: "portico-page\0\(path)\0\(pagePath)") }
        // Base64 needs no JSON escaping: its alphabet is letters, digits, + / and =.
        let lead = Array("{\"v\":1,\"p\":\(json(pagePath)),\"iv\":\"".utf8), middle = Array("\",\"ct\":\"".utf8), end = Array("\"}".utf8)
        let ivCount = Sealer.ivCount, ciphertextCount = sealed.count - ivCount
        var out = ByteWriter(capacity: head.count + lead.count + Base64Text.encodedCount(ivCount) + middle.count
                             + Base64Text.encodedCount(ciphertextCount) + end.count + tail.count)
        out.append(head)
        out.append(lead)
        sealed.withUnsafeBytes { bytes in
            out.appendBase64(UnsafeRawBufferPointer(rebasing: bytes[..<ivCount]))
            out.append(middle)
            out.appendBase64(UnsafeRawBufferPointer(rebasing: bytes[ivCount...]))
        }
        out.append(end)
        out.append(tail)
        return out.finish()
    }

    /// Where the encrypted copy of an asset is written, relative to the account root; the name reveals nothing.
    public func assetFile(name: String) -> String {
        "assets/" + KeyDerivation.assetName(accountKey: accountKey, path: name)
    }

    public func sealAsset(_ data: Data, name: String) throws -> (path: String, data: Data) {
        (assetFile(name: name), try Sealer.sealCombined(data, key: contentSealingKey, aad: "portico-asset\0\(path)\0\(name)"))
    }

    private func json(_ text: String) -> String { JSONText.quote(text) }
}
