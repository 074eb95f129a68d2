import Foundation
import PorticoCore
import PorticoGate
import Testing

@Suite struct ServerKeyFileTests {
    @Test func holdsTheBrowsersProofKeysAndStanding() throws {
        let keys = Fixture.serverKeys()
        #expect(keys.accounts.map(\.slug) == ["acme", "beta"])
        #expect(keys.accounts.map(\.path) == [Fixture.acmePath, "beta"])
        let acme = keys.accounts[0]
        #expect(acme.viewers.map(\.id) == ["alice", "bob", "eve", "old"])
        #expect(acme.viewers.map(\.status) == [.active, .active, .revoked, .expired])
        #expect(acme.viewers[0].expires == Day(year: 2099, month: 12, day: 31))
        for viewer in acme.viewers { #expect(viewer.proofKey == Fixture.feedbackKey(account: "acme", viewer: viewer.id)) }
    }

    @Test func roundTripsAndIsDeterministic() throws {
        let keys = Fixture.serverKeys()
        #expect(keys.encoded() == Fixture.serverKeys().encoded())
        #expect(try ServerKeyFile.decode(keys.encoded()) == keys)
    }

    @Test func holdsNoKeyThatOpensContent() throws {
        let text = String(decoding: Fixture.serverKeys().encoded(), as: UTF8.self)
        let config = ContentLoader(root: Fixture.contentRoot).loadAccountsOnly(log: DiagnosticLog()).1.first { $0.slug == "acme" }!
        let keys = AccountKeys(secret: Fixture.secret, account: config, today: Fixture.today)
        var secrets = [Fixture.secretHex, Fixture.secret.bytes.base64EncodedString(), keys.accountKey.base64EncodedString(),
                       keys.contentKey.base64EncodedString(), KeyDerivation.contentAESKey(keys.contentKey).base64EncodedString(),
                       KeyDerivation.contentIVKey(keys.contentKey).base64EncodedString()]
        for viewer in config.viewers {
            let token = keys.token(for: viewer)
            let tokenKeys = KeyDerivation.tokenKeys(token, keyCheck: keys.keyCheck)!
            secrets += [token, tokenKeys.wrapKey.base64EncodedString(), tokenKeys.wrapIVKey.base64EncodedString()]
        }
        for secret in secrets {
            #expect(!text.contains(secret))
            #expect(!text.contains(secret.replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")))
        }
    }

    @Test func namesWhatIsWrong() {
        func problem(_ text: String) -> String? {
            do { _ = try ServerKeyFile.decode(Data(text.utf8)); return nil } catch { return error.problem }
        }
        #expect(problem("not json")?.contains("JSON") == true)
        #expect(problem(#"{"format":"other","version":1,"accounts":[]}"#)?.contains("format") == true)
        #expect(problem(#"{"format":"portico-server-keys","version":2,"accounts":[]}"#)?.contains("`version` is 2") == true)
        #expect(problem(#"{"format":"portico-server-keys","version":1,"accounts":[{"slug":"a","path":"a","viewers":[{"id":"x","status":"active","expires":null,"proof_key":"AAAA"}]}]}"#)
                == "accounts[0].viewers[0].proof_key must be 32 bytes in base64url")
        #expect(problem(#"{"format":"portico-server-keys","version":1,"accounts":[]}"#) == nil)
    }

    @Test func isWrittenWholeWithMode0600() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("portico-keys-\(UUID().uuidString)/.portico")
        let file = folder.appendingPathComponent("server-keys")
        try Fixture.serverKeys().write(to: file)
        try Fixture.serverKeys().write(to: file) // replaces
        #expect(try FileManager.default.attributesOfItem(atPath: file.path)[.posixPermissions] as? Int == 0o600)
        #expect(try FileManager.default.attributesOfItem(atPath: folder.path)[.posixPermissions] as? Int == 0o700)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["server-keys"], "no temporary file left")
        #expect(try ServerKeyFile.read(file) == Fixture.serverKeys())
    }
}
