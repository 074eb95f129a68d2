import Foundation
import HTTPTypes
import Hummingbird
import PorticoCore
import PorticoFeedback
import PorticoGate

/// The content folder shared with the Python tests, a pinned clock, and signed request bodies.
enum Fixture {
    static let secretHex = "404142434445464748494a4b4c4d4e4f505152535455565758595a5b5c5d5e5f"
    static let secret = try! PortalSecret(hex: secretHex)
    static let contentRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("tests/feedback/fixture/content")
    /// 2025-06-01T00:00:00Z
    static let now = Date(timeIntervalSince1970: 1_748_736_000)
    static let today = Day(year: 2025, month: 6, day: 1)
    static let origin = "https://portal.example.test"

    static var acmePath: String { KeyDerivation.accountPath(secret: secret, account: AccountConfig(slug: "acme", name: LocalizedText("Acme"))) }

    /// One folder per test process for the databases and key files the tests make, removed when the process exits
    /// (a run used to leave some ninety SQLite files in the temporary folder).
    static let scratchFolder: URL = {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("portico-feedback-tests-\(UUID().uuidString)")
        try! FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        atexit { try? FileManager.default.removeItem(at: Fixture.scratchFolder) }
        return folder
    }()

    static func databasePath() -> String {
        scratchFolder.appendingPathComponent("portico-feedback-\(UUID().uuidString).sqlite").path
    }

    /// The key file a build of the fixture writes (`portico build`), once per test process.
    static let serverKeysFile: URL = {
        let file = scratchFolder.appendingPathComponent("portico-server-keys-\(UUID().uuidString)")
        try! serverKeys().write(to: file)
        return file
    }()

    static func serverKeys(contentRoot root: URL = Fixture.contentRoot) -> ServerKeyFile {
        let (_, accounts) = ContentLoader(root: root).loadAccountsOnly(log: DiagnosticLog())
        return ServerKeyFile(secret: secret, accounts: accounts, today: today)
    }

    static func configuration(database: String = databasePath(), configure: (inout ServerConfiguration) -> Void = { _ in }) -> ServerConfiguration {
        var configuration = ServerConfiguration(host: "127.0.0.1", port: 0, contentRoot: contentRoot, serverKeysFile: serverKeysFile,
                                                databasePath: database)
        configuration.viewerLimit = .unlimited
        configuration.addressLimit = .unlimited
        configuration.clock = { now }
        configuration.today = { today }
        configure(&configuration)
        return configuration
    }

    /// The key gate.js signs with on pages built `today` (it follows the account's content key).
    static func feedbackKey(account slug: String, viewer: String) -> Data {
        let portal = ContentLoader(root: contentRoot).load(into: DiagnosticLog())
        let account = portal.accounts.first { $0.slug == slug }!.config
        return AccountKeys(secret: secret, account: account, today: today).feedbackKey(for: account.viewers.first { $0.id == viewer }!)
    }

    static let nonceCounter = Locked(0)
    static func freshNonce() -> String {
        nonceCounter.withLock {
            $0 += 1
            return String(format: "nonce%016d", $0)
        }
    }

    /// A body as the browser builds it (gate.js): keys in this order, compact.
    static func body(account: String? = nil, page: String = "insights/cloud-costs/index.html", viewer: String = "alice",
                     timestamp: Int = Int(now.timeIntervalSince1970), nonce: String = freshNonce(),
                     fields: String = #"{"rating":4,"message":"Useful, thanks","topic":"pricing","workshop":true}"#) -> String {
        #"{"account":"\#(account ?? acmePath)","page":"\#(page)","viewer":"\#(viewer)","timestamp":\#(timestamp),"nonce":"\#(nonce)","fields":\#(fields)}"#
    }

    static func headers(for body: String, slug: String = "acme", viewer: String = "alice", proof: String? = nil) -> HTTPFields {
        var headers: HTTPFields = [.contentType: "application/json"]
        headers[HTTPField.Name(Envelope.proofHeader)!] = proof ?? ProofVerifier.proof(feedbackKey: feedbackKey(account: slug, viewer: viewer), body: Data(body.utf8))
        return headers
    }
}
