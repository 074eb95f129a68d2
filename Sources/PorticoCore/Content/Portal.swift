import Foundation

/// Everything loaded from a content folder: the parsed model the later stages work on.
public struct Portal: Sendable {
    public var config: PortalConfig
    public var library: [SourcePage]
    /// Files under `library/assets/`, relative to the content folder.
    public var libraryAssets: [String]
    public var accounts: [Account]
    /// Markdown files that exist but could not be read (their errors are reported); links to them are not reported again.
    public var unreadablePages: Set<String> = []
    /// By source path, when the load went through the front-matter cache (which computes them anyway).
    public var fingerprints: [String: PageFingerprint] = [:]
    /// What loading each account folder reported, by folder name (also in the load's log).
    public var accountDiagnostics: [String: [Diagnostic]] = [:]

    public init(config: PortalConfig, library: [SourcePage] = [], libraryAssets: [String] = [], accounts: [Account] = []) {
        self.config = config
        self.library = library
        self.libraryAssets = libraryAssets
        self.accounts = accounts
    }

    public func account(_ slug: String) -> Account? { accounts.first { $0.config.slug == slug } }
}

public struct Account: Sendable {
    public var config: AccountConfig
    public var pages: [SourcePage]
    /// Files under `accounts/<slug>/assets/`, relative to the content folder.
    public var assets: [String]

    public init(config: AccountConfig, pages: [SourcePage] = [], assets: [String] = []) {
        self.config = config
        self.pages = pages
        self.assets = assets
    }

    public var slug: String { config.slug }
}

/// Hashes of one source page: `content` of the file and its place (for the build cache), `publish` as
/// `SourcePage.readerFingerprint` computes it.
public struct PageFingerprint: Sendable, Equatable {
    public var content: String
    public var publish: String?
}
