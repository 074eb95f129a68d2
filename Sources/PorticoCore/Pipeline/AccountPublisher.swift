import Crypto
import Foundation

/// What turns a rendered account into files on disk. The plain writer leaves pages readable (preview,
/// validation); PorticoGate's sealer encrypts them. Core knows only this protocol.
public protocol AccountPublisher: Sendable {
    /// The folder name of the account under `site/`.
    func directory(for account: AccountConfig) -> String
    /// Prepares per-account state (keys) once before pages are emitted.
    func begin(_ account: ResolvedAccount, theme: Theme, log: DiagnosticLog) -> AccountSealing?
    /// A fingerprint of the per-account state the pages depend on beyond content (keys, viewers), for the build cache.
    /// It must change whenever the output would, and must not reveal any secret.
    func fingerprint(for account: ResolvedAccount) -> String
    /// Files beyond the theme's assets (scripts, host configuration), by path relative to the site root.
    func sharedFiles() -> [String: Data]
    /// What every account's output depends on beyond the content and theme files and the build options (the
    /// secret, the gate script), for the build cache. It must change whenever the output would, and must not
    /// reveal any secret.
    var identity: String { get }
}

/// Per-account writing: pages and assets, sealed or not.
public protocol AccountSealing: Sendable {
    func page(_ page: RenderedPage) throws -> Data
    /// Returns the output path (relative to the account root) and the bytes for an asset.
    func asset(_ data: Data, reference: AssetReference) throws -> (path: String, data: Data)
}

/// Writes pages as rendered: no encryption. For preview and checks, never for publishing.
public struct PlainPublisher: AccountPublisher {
    public let script: Data?

    public init(script: Data? = nil) { self.script = script }

    public func directory(for account: AccountConfig) -> String { account.slug }

    public func begin(_ account: ResolvedAccount, theme: Theme, log: DiagnosticLog) -> AccountSealing? { Plain() }

    public func sharedFiles() -> [String: Data] { script.map { ["_portico/gate.js": $0] } ?? [:] }

    public func fingerprint(for account: ResolvedAccount) -> String { "plain" }

    public var identity: String { "plain " + (script.map { Hex.encode(SHA256.hash(data: $0)) } ?? "no script") }

    struct Plain: AccountSealing {
        func page(_ page: RenderedPage) throws -> Data { Data(page.bytes) }
        func asset(_ data: Data, reference: AssetReference) throws -> (path: String, data: Data) { (reference.outputPath, data) }
    }
}
