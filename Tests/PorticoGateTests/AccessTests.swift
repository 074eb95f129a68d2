import Foundation
import Testing
import PorticoCore
@testable import PorticoGate

/// The access rules: who gets a key, when keys change, and what the keyring reveals.
@Suite struct AccessTests {
    let secret = try! PortalSecret(hex: String(repeating: "ab", count: 32))
    let today = Day(year: 2026, month: 6, day: 1)

    func account(_ viewers: [Viewer], generation: Int = 1) -> AccountConfig {
        AccountConfig(slug: "acme", name: LocalizedText("Acme Corp"), generation: generation, viewers: viewers)
    }

    @Test func expiredAndRevokedViewersGetNoKeyringEntry() throws {
        let keys = AccountKeys(secret: secret, account: account([
            Viewer(id: "active"), Viewer(id: "expired", expires: Day("2026-05-31")), Viewer(id: "today", expires: Day("2026-06-01")),
            Viewer(id: "revoked", revoked: true),
        ]), today: today)
        #expect(keys.activeViewers.map(\.id) == ["active", "today"])
        let keyring = try keys.keyringJSON()
        for id in ["expired", "revoked"] {
            #expect(!keyring.contains(keys.tokenKeys(for: Viewer(id: id)).keyID))
        }
        for viewer in keys.activeViewers {
            #expect(keyring.contains(keys.tokenKeys(for: viewer).keyID))
        }
    }

    @Test func droppingAViewerRotatesTheContentKey() {
        let before = AccountKeys(secret: secret, account: account([Viewer(id: "a"), Viewer(id: "b")]), today: today)
        let after = AccountKeys(secret: secret, account: account([Viewer(id: "a"), Viewer(id: "b", revoked: true)]), today: today)
        let again = AccountKeys(secret: secret, account: account([Viewer(id: "b"), Viewer(id: "a")]), today: today)
        #expect(before.contentKey != after.contentKey)
        #expect(before.contentKey == again.contentKey)
        #expect(before.token(for: Viewer(id: "a")) == after.token(for: Viewer(id: "a")))
    }

    @Test func oldKeyringEntriesAreUselessAfterRotation() throws {
        let before = AccountKeys(secret: secret, account: account([Viewer(id: "a"), Viewer(id: "b")]), today: today)
        let after = AccountKeys(secret: secret, account: account([Viewer(id: "a")]), today: today)
        let page = try after.pageJSON(path: "index.html", html: "<p>new</p>")
        let payload = try JSONSerialization.jsonObject(with: Data(page.utf8)) as! [String: Any]
        let box = Sealer.Box(iv: Data(base64Encoded: payload["iv"] as! String)!, ciphertext: Data(base64Encoded: payload["ct"] as! String)!)
        #expect(throws: (any Error).self) { try Sealer.open(box, key: KeyDerivation.contentAESKey(before.contentKey), aad: "portico-page\0\(after.path)\0index.html") }
        let opened = try Sealer.open(box, key: KeyDerivation.contentAESKey(after.contentKey), aad: "portico-page\0\(after.path)\0index.html")
        #expect(Padding.unpadded(opened) == Data("<p>new</p>".utf8))
    }

    @Test func generationReissuesTokens() {
        let one = AccountKeys(secret: secret, account: account([Viewer(id: "a")]), today: today)
        let two = AccountKeys(secret: secret, account: account([Viewer(id: "a")], generation: 2), today: today)
        #expect(one.token(for: Viewer(id: "a")) != two.token(for: Viewer(id: "a")))
        #expect(one.contentKey != two.contentKey)
    }

    @Test func tokensCarry128BitsAndDifferPerViewerAndAccount() {
        let keys = AccountKeys(secret: secret, account: account([Viewer(id: "a"), Viewer(id: "b")]), today: today)
        let other = AccountKeys(secret: secret, account: AccountConfig(slug: "other", name: LocalizedText("O"), viewers: [Viewer(id: "a")]), today: today)
        let token = keys.token(for: Viewer(id: "a"))
        #expect(Data(base64URL: token)?.count == 16)
        #expect(token != keys.token(for: Viewer(id: "b")))
        #expect(token != other.token(for: Viewer(id: "a")))
        #expect(keys.path != other.path)
    }

    @Test func keyringRevealsNoNameOrEmail() throws {
        let keys = AccountKeys(secret: secret, account: account([Viewer(id: "a", name: "Zelda Quintessence", email: "zq@client.example")]), today: today)
        let keyring = try keys.keyringJSON()
        #expect(!keyring.contains("Zelda"))
        #expect(!keyring.contains("client.example"))
        #expect(!keyring.contains("acme"))
    }

    @Test func accountPathIsOpaqueUnlessOptedIn() {
        var config = account([])
        #expect(KeyDerivation.accountPath(secret: secret, account: config).count == 20)
        #expect(!KeyDerivation.accountPath(secret: secret, account: config).contains("acme"))
        config.readablePath = true
        #expect(KeyDerivation.accountPath(secret: secret, account: config) == "acme")
    }

    @Test func secretLoadingExplainsWhatToDo() throws {
        let project = FileManager.default.temporaryDirectory.appendingPathComponent("portico-secret-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: project) }
        #expect(throws: SecretError.self) { try PortalSecret.load(project: project, environment: [:]) }
        do { _ = try PortalSecret.load(project: project, environment: [:]) } catch {
            #expect("\(error)".contains("portico init"))
        }
        let (created, file) = try PortalSecret.create(project: project)
        let attributes = try FileManager.default.attributesOfItem(atPath: file.path)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        #expect(try PortalSecret.load(project: project, environment: [:]).bytes == created.bytes)
        #expect(throws: SecretError.self) { try PortalSecret.create(project: project) }
        #expect(throws: SecretError.self) { try PortalSecret.load(project: project, environment: ["PORTICO_SECRET": "short"]) }
        let fromEnv = try PortalSecret.load(project: project, environment: ["PORTICO_SECRET": String(repeating: "0f", count: 32)])
        #expect(fromEnv.hex == String(repeating: "0f", count: 32))
    }

    /// A reader revoked and let back in with a new serial: the old token finds no keyring entry, the new one
    /// does, and the content key is not the one from before the revocation (a remembered device opens nothing).
    @Test func aNewSerialIsANewLinkAndNewKeys() throws {
        let before = AccountKeys(secret: secret, account: account([Viewer(id: "a"), Viewer(id: "b")]), today: today)
        let oldToken = before.token(for: Viewer(id: "a"))
        let back = AccountKeys(secret: secret, account: account([Viewer(id: "a", serial: "k2"), Viewer(id: "b")]), today: today)
        let newToken = back.token(for: back.activeViewers[0])
        #expect(newToken != oldToken)
        let keyring = try back.keyringJSON()
        #expect(!keyring.contains(KeyDerivation.tokenKeys(oldToken, keyCheck: back.keyCheck)!.keyID))
        #expect(keyring.contains(KeyDerivation.tokenKeys(newToken, keyCheck: back.keyCheck)!.keyID))
        #expect(back.contentKey != before.contentKey)
        // A viewer without a serial keeps the token from before serials existed (the vectors pin it).
        #expect(oldToken == KeyDerivation.token(secret: secret, account: account([]), viewer: Viewer(id: "a")))
        #expect(KeyDerivation.token(secret: secret, account: account([]), viewer: Viewer(id: "a", serial: "k3")) != newToken)
    }

    /// `portico init`'s secret: made 0600 by open(2) itself, inside a .portico/ made 0700.
    @Test func theSecretAndItsFolderArePrivateFromTheStart() throws {
        let project = FileManager.default.temporaryDirectory.appendingPathComponent("portico-modes-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: project) }
        let (_, file) = try PortalSecret.create(project: project)
        var info = stat()
        #expect(stat(file.path, &info) == 0 && info.st_mode & 0o777 == 0o600)
        #expect(stat(file.deletingLastPathComponent().path, &info) == 0 && info.st_mode & 0o777 == 0o700)
        #expect(PrivateFolder.modeWarnings(project: project, secretRead: true).isEmpty)
        chmod(file.path, 0o644)
        chmod(file.deletingLastPathComponent().path, 0o755)
        let warnings = PrivateFolder.modeWarnings(project: project, secretRead: true)
        #expect(warnings.count == 2)
        #expect(warnings.contains { $0.contains("mode 755") && $0.contains("chmod 700") })
        #expect(warnings.contains { $0.contains("secret has mode 644") && $0.contains("chmod 600") })
    }

    /// A link planted where the secret goes is not followed: the secret is never written somewhere else.
    @Test func initDoesNotWriteThroughAPlantedLink() throws {
        let project = FileManager.default.temporaryDirectory.appendingPathComponent("portico-link-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: project) }
        try FileManager.default.createDirectory(at: project.appendingPathComponent(".portico"), withIntermediateDirectories: true)
        let elsewhere = project.appendingPathComponent("readable-by-all")
        try FileManager.default.createSymbolicLink(atPath: project.appendingPathComponent(".portico/secret").path, withDestinationPath: elsewhere.path)
        #expect(throws: SecretError.self) { try PortalSecret.create(project: project) }
        #expect(!FileManager.default.fileExists(atPath: elsewhere.path))
    }
}
