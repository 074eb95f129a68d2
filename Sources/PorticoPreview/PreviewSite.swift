import Foundation
import PorticoCore

/// The preview's build state: an unencrypted site (drafts and future pages included) rebuilt on the build's
/// plan as files change, with the latest errors for the browser overlay.
public actor PreviewSite {
    public let contentRoot: URL
    public let themeFolders: [URL]
    public let output: URL
    let script: Data?
    private(set) var accounts: [ResolvedAccount] = []
    private(set) public var diagnostics: [Diagnostic] = []
    private(set) public var version = 0
    /// The last build's state and front-matter cache, kept between rebuilds (their files are written too).
    let memory = BuildMemory(savesStateLater: true)

    public nonisolated var unownedExecutor: UnownedSerialExecutor { RebuildExecutor.shared.asUnownedSerialExecutor() }

    func onRebuildQueue() -> Bool { RebuildExecutor.shared.isCurrent }

    public init(contentRoot: URL, themeFolders: [URL], output: URL, script: Data?) {
        self.contentRoot = contentRoot.standardizedFileURL
        self.themeFolders = themeFolders
        self.output = output
        self.script = script
    }

    /// The preview's build memory, beside the output (never inside it: the output is served).
    public nonisolated var cacheFolder: URL { output.deletingLastPathComponent().appendingPathComponent(output.lastPathComponent + ".cache") }

    var builder: SiteBuilder {
        var builder = SiteBuilder(contentRoot: contentRoot, themeFolders: themeFolders, output: output,
                                  options: BuildOptions(drafts: true, future: true), publisher: PlainPublisher(script: script), preview: true)
        builder.cache = BuildCache(folder: cacheFolder)
        builder.cache?.memory = memory
        builder.commitsWithErrors = true
        return builder
    }

    /// Rebuilds on the build's own plan, as `portico build` does: only the accounts whose inputs changed are read
    /// and rendered. Returns the accounts rendered.
    @discardableResult
    public func rebuild() throws -> Set<String> {
        let log = DiagnosticLog()
        let summary = try builder.build(log: log)
        switch summary.scope {
        case .all: accounts = summary.read
        case .accounts:
            let read = Dictionary(summary.read.map { ($0.slug, $0) }, uniquingKeysWith: { first, _ in first })
            accounts = accounts.map { read[$0.slug] ?? $0 }
        case .unchanged: break
        }
        diagnostics = log.all.filter { $0.severity == .error }
        version += 1
        return summary.rendered
    }

    /// Runs `read` on this actor: rebuilds run here without suspending, so `read` sees the site before a rebuild or
    /// after it, never in between. Requests arriving during a rebuild wait for it instead of finding files missing.
    func betweenRebuilds<T: Sendable>(_ read: @Sendable () -> T) -> T { read() }

    public var accountList: [(slug: String, name: String, pages: Int, drafts: Int)] {
        accounts.map { ($0.slug, $0.config.name[$0.config.locale], $0.pages.count, $0.pages.filter { $0.source.draft || $0.isFuture }.count) }
    }
}
