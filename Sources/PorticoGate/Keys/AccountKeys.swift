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
        contentSealingKey = Sealer.Key(aes: KeyDerivation.contentAESKey(contentKey), iv: KeyDerivation.contentIVKey(contentKey))
    }

    public func token(for viewer: Viewer) -> String {
        KeyDerivation.token(accountKey: accountKey, viewer: viewer, generation: account.generation)
    }

    /// The key viewer's browser signs feedback with on pages of this build: it changes with the content key.
    /// The one derivation the feedback server (or the file the build exports for it) relies on.
    public func feedbackKey(for viewer: Viewer) -> Data {
        KeyDerivation.feedbackKey(token: token(for: viewer), keyCheck: keyCheck)!
    }

    public func tokenKeys(for viewer: Viewer) -> KeyDerivation.TokenKeys {
        KeyDerivation.tokenKeys(token(for: viewer), keyCheck: keyCheck)!
    }

    /// The keyring JSON: the content key wrapped for each active viewer, every entry padded to one size, dummy
    /// entries up to `Padding.entryCount`, sorted by key id.
    public func keyringJSON() throws -> String {
        let plaintexts = activeViewers.map { viewer in
            "{\"k\":\(json(contentKey.base64EncodedString())),\"v\":\(json(viewer.id)),\"n\":\(json(viewer.displayName)),\"x\":\(json(viewer.expires?.description ?? ""))}"
        }
        let size = Padding.entryBucket((plaintexts.map(\.utf8.count).max() ?? 0) + 1)
        var entries: [(id: String, iv: Data, ciphertext: Data)] = []
        for (viewer, plaintext) in zip(activeViewers, plaintexts) {
            let keys = tokenKeys(for: viewer)
            let box = try Sealer.seal(Padding.padded(Array(plaintext.utf8), to: size), key: Sealer.Key(aes: keys.wrapKey, iv: keys.wrapIVKey),
                                      aad: "portico-keyring\0\(path)")
            entries.append((keys.keyID, box.iv, box.ciphertext))
        }
        for index in 0..<(Padding.entryCount(activeViewers.count) - activeViewers.count) {
            entries.append(KeyDerivation.dummyEntry(accountKey: accountKey, keyCheck: keyCheck, index: index, size: size))
        }
        let list = entries.sorted { Array($0.id.utf8).lexicographicallyPrecedes(Array($1.id.utf8)) }.map {
            "{\"id\":\(json($0.id)),\"iv\":\(json($0.iv.base64EncodedString())),\"ct\":\(json($0.ciphertext.base64EncodedString()))}"
        }.joined(separator: ",")
        return "{\"v\":\(GateFormat.version),\"a\":\(json(path)),\"kc\":\(json(keyCheck)),\"e\":[\(list)]}"
    }

    public func pageJSON(path pagePath: String, html: String) throws -> String {
        try pageJSON(path: pagePath, html: Array(html.utf8))
    }

    public func pageJSON(path pagePath: String, html: [UInt8]) throws -> String {
        String(decoding: try sealedPage(path: pagePath, html: html), as: UTF8.self)
    }

    /// The page's payload, `{"v":2,"p":…,"iv":…,"ct":…}` (the page padded to its size bucket), between `head` and `tail` (its gate shell), in one buffer.
    public func sealedPage(path pagePath: String, html: [UInt8], head: [UInt8] = [], tail: [UInt8] = []) throws -> Data {
        let sealed = try Sealer.sealCombined(Padding.padded(html), key: contentSealingKey, aad: "portico-page\0\(path)\0\(pagePath)")
        // Base64 needs no JSON escaping: its alphabet is letters, digits, + / and =.
        let lead = Array("{\"v\":\(GateFormat.version),\"p\":\(json(pagePath)),\"iv\":\"".utf8), middle = Array("\",\"ct\":\"".utf8), end = Array("\"}".utf8)
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
        (assetFile(name: name), try Sealer.sealCombined(Padding.padded(data), key: contentSealingKey, aad: "portico-asset\0\(path)\0\(name)"))
    }

    private func json(_ text: String) -> String { JSONText.quote(text) }
}
