import Foundation
import PorticoCore

/// The preview's build state: an unencrypted site (drafts and future pages included) rebuilt account by
/// account as files change, with the latest errors for the browser overlay.
public actor PreviewSite {
    public let contentRoot: URL
    public let themeFolders: [URL]
    public let output: URL
    let script: Data?
    private(set) var accounts: [ResolvedAccount] = []
    private(set) public var diagnostics: [Diagnostic] = []
    private(set) public var version = 0

    public nonisolated var unownedExecutor: UnownedSerialExecutor { RebuildExecutor.shared.asUnownedSerialExecutor() }

    func onRebuildQueue() -> Bool { RebuildExecutor.shared.isCurrent }

    public init(contentRoot: URL, themeFolders: [URL], output: URL, script: Data?) {
        self.contentRoot = contentRoot.standardizedFileURL
        self.themeFolders = themeFolders
        self.output = output
        self.script = script
    }

    var builder: SiteBuilder {
        SiteBuilder(contentRoot: contentRoot, themeFolders: themeFolders, output: output,
                    options: BuildOptions(drafts: true, future: true), publisher: PlainPublisher(script: script), preview: true)
    }

    /// Rebuilds what `changed` (absolute paths; nil = everything) affects; returns the accounts rebuilt.
    @discardableResult
    public func rebuild(changed: Set<String>? = nil) throws -> Set<String> {
        let log = DiagnosticLog()
        let previous = accounts
        let direct: Set<String>? = changed.flatMap { affectedAccounts($0) }
        let library = Set((changed ?? []).compactMap(relative).filter { $0.hasPrefix("library/") })
        let (_, resolved, rebuilt) = try builder.buildInPlace(log: log) { current in
            guard var selected = direct else { return nil }
            // A library page shows in every account that publishes it, before or after the change.
            for account in current + previous where library.contains(where: { account.bySource[$0] != nil }) {
                selected.insert(account.slug)
            }
            return selected
        }
        accounts = resolved
        diagnostics = log.all.filter { $0.severity == .error }
        version += 1
        return rebuilt
    }

    /// Runs `read` on this actor: rebuilds run here without suspending, so `read` sees the site before a rebuild or
    /// after it, never in between. Requests arriving during a rebuild wait for it instead of finding files missing.
    func betweenRebuilds<T: Sendable>(_ read: @Sendable () -> T) -> T { read() }

    func relative(_ path: String) -> String? {
        let root = contentRoot.path + "/"
        return path.hasPrefix(root) ? String(path.dropFirst(root.count)) : nil
    }

    /// nil means every account (portal.yml, templates, or an unknown place changed).
    nonisolated func affectedAccounts(_ changed: Set<String>) -> Set<String>? {
        var accounts = Set<String>()
        let root = contentRoot.path + "/"
        for path in changed {
            guard path.hasPrefix(root) else { return nil }
            let parts = path.dropFirst(root.count).split(separator: "/")
            if parts.first == "accounts", parts.count >= 2 {
                accounts.insert(String(parts[1]))
            } else if parts.first == "library" {
                continue
            } else {
                return nil
            }
        }
        return accounts
    }

    public var accountList: [(slug: String, name: String, pages: Int, drafts: Int)] {
        accounts.map { ($0.slug, $0.config.name[$0.config.locale], $0.pages.count, $0.pages.filter { $0.source.draft || $0.isFuture }.count) }
    }
}
