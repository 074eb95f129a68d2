import Foundation
import Testing
import PorticoCore
@testable import PorticoGate

/// Portico's own derivations against Tests/Fixtures/gate-vectors.json, written by an independent Python
/// implementation (tests/tools/make_gate_vectors.py) and checked by gate.js in Node and in Chromium too.
@Suite struct FormatVectorTests {
    struct Vectors {
        let raw: [String: Any]
        subscript(_ key: String) -> Any? { raw[key] }
        func string(_ key: String) -> String { raw[key] as! String }
        func map(_ key: String) -> [String: String] { raw[key] as! [String: String] }
        func object(_ key: String) -> [String: Any] { raw[key] as! [String: Any] }

        static func load() throws -> Vectors {
            let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
                .appendingPathComponent("Fixtures/gate-vectors.json")
            return Vectors(raw: try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as! [String: Any])
        }

        var secret: PortalSecret { try! PortalSecret(hex: string("secretHex")) }
        var account: AccountConfig {
            let names = map("viewerNames"), expires = map("viewerExpires")
            return AccountConfig(slug: string("accountSlug"), name: LocalizedText("Acme"), generation: raw["generation"] as! Int,
                                 viewers: (raw["viewers"] as! [String]).map {
                                     Viewer(id: $0, name: names[$0], expires: Day(expires[$0] ?? ""))
                                 })
        }
    }

    @Test func accountKeyPathTokensAndContentKey() throws {
        let v = try Vectors.load()
        let keys = AccountKeys(secret: v.secret, account: v.account, today: Day(year: 2026, month: 1, day: 1))
        #expect(keys.accountKey.hexString == v.string("accountKeyHex"))
        #expect(keys.path == v.string("accountPath"))
        for viewer in v.account.viewers {
            #expect(keys.token(for: viewer) == v.map("tokens")[viewer.id])
        }
        #expect(keys.contentKey.hexString == v.string("contentKeyHex"))
        #expect(keys.keyCheck == v.string("keyCheck"))
    }

    @Test func keysDerivedFromTokens() throws {
        let v = try Vectors.load()
        let keyCheck = v.string("keyCheck")
        for (viewer, token) in v.map("tokens") {
            let derived = try #require(KeyDerivation.tokenKeys(token, keyCheck: keyCheck))
            #expect(derived.keyID == v.map("keyIds")[viewer])
            #expect(derived.wrapKey.hexString == v.map("wrapKeysHex")[viewer])
            #expect(derived.wrapIVKey.hexString == v.map("wrapIvKeysHex")[viewer])
            #expect(derived.feedbackKey.hexString == v.map("feedbackKeysHex")[viewer])
        }
        #expect(KeyDerivation.tokenKeys("not-a-token", keyCheck: keyCheck) == nil)
        let contentKey = Data(hex: v.string("contentKeyHex"))
        #expect(KeyDerivation.contentAESKey(contentKey).hexString == v.string("contentAesKeyHex"))
        #expect(KeyDerivation.contentIVKey(contentKey).hexString == v.string("contentIvKeyHex"))
    }

    @Test func feedbackKeyForAViewerIsTheVectorsAndFollowsTheContentKey() throws {
        let v = try Vectors.load()
        let keys = AccountKeys(secret: v.secret, account: v.account, today: Day(year: 2026, month: 1, day: 1))
        let alice = v.account.viewers.first { $0.id == "alice" }!
        #expect(keys.feedbackKey(for: alice).hexString == v.map("feedbackKeysHex")["alice"])
        var rotatedAccount = v.account
        rotatedAccount.viewers = [alice]
        let rotated = AccountKeys(secret: v.secret, account: rotatedAccount, today: Day(year: 2026, month: 1, day: 1))
        let rotation = v.object("rotation")
        #expect(rotated.feedbackKey(for: alice).hexString == rotation["feedbackKeyAliceHex"] as! String)
        #expect(rotated.tokenKeys(for: alice).keyID == rotation["keyIdAlice"] as! String)
        #expect(rotated.feedbackKey(for: alice) != keys.feedbackKey(for: alice))
    }

    @Test func keyringPagePayloadAndAssetAreByteExact() throws {
        let v = try Vectors.load()
        let keys = AccountKeys(secret: v.secret, account: v.account, today: Day(year: 2026, month: 1, day: 1))
        #expect(try keys.keyringJSON() == v.string("keyring"))
        let page = v.object("page")
        #expect(try keys.pageJSON(path: page["path"] as! String, html: page["plaintext"] as! String) == page["payload"] as! String)
        let asset = v.object("asset")
        let sealed = try keys.sealAsset(Data(hex: asset["bytesHex"] as! String), name: asset["name"] as! String)
        #expect(sealed.path == asset["fileName"] as! String)
        #expect(sealed.data.base64EncodedString() == asset["fileB64"] as! String)
    }

    @Test func rotationAndGeneration() throws {
        let v = try Vectors.load()
        let rotation = v.object("rotation")
        var account = v.account
        account.viewers = account.viewers.filter { (rotation["activeViewers"] as! [String]).contains($0.id) }
        let rotated = AccountKeys(secret: v.secret, account: account, today: Day(year: 2026, month: 1, day: 1))
        #expect(rotated.contentKey.hexString == rotation["contentKeyHex"] as! String)
        #expect(rotated.keyCheck == rotation["keyCheck"] as! String)
        #expect(rotated.contentKey.hexString != v.string("contentKeyHex"))
        let generation2 = v.object("generation2")
        var bumped = v.account
        bumped.generation = generation2["generation"] as! Int
        let keys = AccountKeys(secret: v.secret, account: bumped, today: Day(year: 2026, month: 1, day: 1))
        #expect(keys.token(for: bumped.viewers[0]) == generation2["tokenAlice"] as! String)
    }

    @Test func feedbackProof() throws {
        let v = try Vectors.load()
        let feedback = v.object("feedback")
        let key = Data(hex: feedback["feedbackKeyHex"] as! String)
        #expect(KeyDerivation.hmac(key, Data((feedback["body"] as! String).utf8)).base64URL == feedback["proof"] as! String)
    }
}
