import Foundation

extension SiteBuilder {
    /// Puts the output folders of `build --shard 1/n` … `n/n` together into `output` and does what they left to
    /// the whole portal: the publish record and the access history. It renders nothing: it loads and checks every
    /// account as `build` does, writes the shared files and requires each shard's copies to be the same bytes, and
    /// copies every account's folder from the one shard that holds it (`ShardMergeFailed` when a folder is
    /// missing, doubled or foreign). As `build`, it replaces `output` only when all of that succeeds.
    public func mergeShards(_ folders: [URL], log: DiagnosticLog) throws -> BuildSummary {
        precondition(shard == nil && cache == nil, "a merge is of a whole portal and is not cached")
        let start = Date()
        let theme = Theme(folders: themeFolders, log: log)
        let (portal, accounts, _) = loadAndResolve(log: log, only: nil)
        let history = access?.review(portal.accounts.map(\.config), today: options.today, complete: true, log: log)
        let writer = try SiteWriter(output: output)
        do {
            let shared = try writeShared(portal: portal, theme: theme, writer: writer)
            if log.hasErrors || (options.strict && !log.warnings.isEmpty) { throw BuildFailed(diagnostics: log.all) }
            let directories = Dictionary(accounts.map { (publisher.directory(for: $0.config), $0.slug) }, uniquingKeysWith: { first, _ in first })
            let shards = try ShardFolders(folders, directories: directories, shared: shared, expected: writer.staging)
            for (path, source) in shards.accountFiles { try writer.copy(source, to: path) }
            let record = publishLog.map { _ in
                PublishRecord(date: options.today, accounts: accounts, known: portal.fingerprints.compactMapValues(\.publish))
            }
            try commit(writer, record: record, digest: record.map(LatestPublishMark.digest(of:)), json: record?.json(), history: history, state: nil)
            return BuildSummary(accounts: accounts.count, pages: accounts.reduce(0) { $0 + AccountRenderer.pageCount(of: $1, portal: portal.config) },
                                files: writer.filesWritten, warnings: log.warnings.count, seconds: Date().timeIntervalSince(start))
        } catch {
            writer.abort()
            throw error
        }
    }
}
