import Foundation

/// What a build left for the next one, in one file per output folder (`.portico/cache/build-<hash>.state`),
/// made whole and written once, after the site is in place. `BuildPlan` decides from it what the next build
/// reads, renders and keeps.
///
/// On disk: the format line, the byte count of the summary, the summary in `CacheBytesWriter`'s format (it names
/// every page and every diagnostic, which JSONDecoder was slow to read back), then the input stamp in its
/// own byte format (a line per content file).
struct BuildState: Equatable {
    static let format = "portico-build-state-3"

    /// Everything but the input stamp.
    var summary: Summary
    /// The inputs as the build found them before reading them (`InputStamp.unusable` when they could not be stamped).
    var inputs: InputStamp

    struct Summary: Equatable, Sendable {
        /// The output folder, standardized.
        var output: String
        /// By slug.
        var accounts: [String: AccountState]
        var totals: BuildCache.Totals
        /// Everything the build reported, for a build that finds nothing changed.
        var diagnostics: [Diagnostic]
        /// What links could point at when the build read every account.
        var known: BuildCache.KnownFiles
        /// Files the build wrote at the site root and under `_portico/`.
        var shared: [String]
        /// `OutputState.digest` of the output after the commit.
        var outputState: String
        /// `LatestPublishMark.digest` of what the build published; empty when it recorded no publish.
        var publishDigest: String
        /// `AccessHistoryFile.digest` of the access history the build left; empty when it checked none.
        var accessDigest: String
    }

    struct AccountState: Equatable, Sendable {
        /// The account's folder in the output.
        var directory: String
        var fingerprint: String
        var pages: Int
        var files: Int
        /// What loading and resolving the account reported.
        var sources: [Diagnostic]
        /// What rendering its pages reported.
        var diagnostics: [Diagnostic]
        /// Each output page's fingerprint (see `PageReuse`).
        var pageRecords = PageRecords()
    }

    var data: Data {
        let bytes = summary.bytes
        var out = Data("\(Self.format)\n\(bytes.count)\n".utf8)
        out.append(bytes)
        out.append(inputs.text ?? InputStamp.unusable.text ?? Data())
        return out
    }

    /// nil for any other format (an older portico's state: the next build reads everything) or a damaged file.
    init?(data: Data) {
        guard let formatEnd = data.firstIndex(of: 10), String(decoding: data[..<formatEnd], as: UTF8.self) == Self.format else { return nil }
        let rest = data[(formatEnd + 1)...]
        guard let countEnd = rest.firstIndex(of: 10), let count = Int(String(decoding: rest[..<countEnd], as: UTF8.self)),
              count >= 0, countEnd + 1 + count <= data.endIndex else { return nil }
        let summaryEnd = countEnd + 1 + count
        guard let summary = Summary(bytes: Data(data[(countEnd + 1)..<summaryEnd])),
              let inputs = InputStamp(text: Data(data[summaryEnd...])) else { return nil }
        self.init(summary: summary, inputs: inputs)
    }

    init(summary: Summary, inputs: InputStamp) {
        self.summary = summary
        self.inputs = inputs
    }
}

extension BuildState.Summary {
    /// Accounts in slug order: the same state is the same bytes.
    var bytes: Data {
        var writer = CacheBytesWriter()
        writer.string(output)
        writer.int(accounts.count)
        for (slug, account) in accounts.sorted(by: { $0.key < $1.key }) {
            writer.string(slug)
            writer.string(account.directory)
            writer.string(account.fingerprint)
            writer.int(account.pages)
            writer.int(account.files)
            writer.diagnostics(account.sources)
            writer.diagnostics(account.diagnostics)
            writer.string(account.pageRecords.packed)
            writer.int(account.pageRecords.notable.count)
            for (fingerprint, record) in account.pageRecords.notable.sorted(by: { $0.key < $1.key }) {
                writer.string(fingerprint)
                writer.diagnostics(record.diagnostics)
                writer.strings(record.assets.flatMap { [$0.sourcePath, $0.outputPath] })
            }
        }
        for total in [totals.accounts, totals.pages, totals.files] { writer.int(total) }
        writer.diagnostics(diagnostics)
        for list in [known.pages, known.assets, known.unreadable, shared] { writer.strings(list) }
        for text in [outputState, publishDigest, accessDigest] { writer.string(text) }
        return writer.sealed()
    }

    /// nil for damaged bytes.
    init?(bytes: Data) {
        guard var reader = CacheBytesReader(sealed: bytes), let output = reader.string(), let count = reader.int(), count >= 0 else { return nil }
        var accounts: [String: BuildState.AccountState] = [:]
        for _ in 0..<count {
            guard let slug = reader.string(), let directory = reader.string(), let fingerprint = reader.string(), let pages = reader.int(),
                  let files = reader.int(), let sources = reader.diagnostics(), let diagnostics = reader.diagnostics(),
                  let packed = reader.string(), let notableCount = reader.int(), notableCount >= 0 else { return nil }
            var notable: [String: PageReuse.Record] = [:]
            for _ in 0..<notableCount {
                guard let page = reader.string(), let pageDiagnostics = reader.diagnostics(), let assets = reader.strings(), assets.count % 2 == 0 else { return nil }
                notable[page] = PageReuse.Record(diagnostics: pageDiagnostics, assets: stride(from: 0, to: assets.count, by: 2).map {
                    AssetReference(url: "", sourcePath: assets[$0], outputPath: assets[$0 + 1])
                })
            }
            accounts[slug] = BuildState.AccountState(directory: directory, fingerprint: fingerprint, pages: pages, files: files,
                                                     sources: sources, diagnostics: diagnostics, pageRecords: PageRecords(packed: packed, notable: notable))
        }
        guard let totalAccounts = reader.int(), let totalPages = reader.int(), let totalFiles = reader.int(),
              let diagnostics = reader.diagnostics(), let pages = reader.strings(), let assets = reader.strings(),
              let unreadable = reader.strings(), let shared = reader.strings(), let outputState = reader.string(),
              let publishDigest = reader.string(), let accessDigest = reader.string(), reader.isAtEnd else { return nil }
        self.init(output: output, accounts: accounts, totals: .init(accounts: totalAccounts, pages: totalPages, files: totalFiles),
                  diagnostics: diagnostics, known: .init(pages: pages, assets: assets, unreadable: unreadable), shared: shared,
                  outputState: outputState, publishDigest: publishDigest, accessDigest: accessDigest)
    }
}

extension BuildCache.KnownFiles {
    /// The library's and every loaded account's pages, assets and unreadable pages, sorted.
    init(_ portal: Portal) {
        self.init(pages: (portal.library.map(\.sourcePath) + portal.accounts.flatMap { $0.pages.map(\.sourcePath) }).sorted(),
                  assets: (portal.libraryAssets + portal.accounts.flatMap(\.assets)).sorted(),
                  unreadable: portal.unreadablePages.sorted())
    }

    /// What a load of only these accounts (and the library) would know.
    func restricted(toAccounts slugs: Set<String>) -> BuildCache.KnownFiles {
        func kept(_ path: String) -> Bool {
            guard path.hasPrefix("accounts/") else { return true }
            let slug = path.dropFirst("accounts/".count).prefix { $0 != "/" }
            return slugs.contains(String(slug))
        }
        return BuildCache.KnownFiles(pages: pages.filter(kept), assets: assets.filter(kept), unreadable: unreadable.filter(kept))
    }
}

/// The site root and `_portico/` as a build left them: the names in both and each shared file's metadata, hashed.
enum OutputState {
    static func digest(output: URL, shared: [String]) -> String {
        var hasher = FieldHasher()
        for folder in [output.path, output.path + "/_portico"] {
            hasher.add(folder == output.path ? "/" : "/_portico")
            for name in ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).sorted() { hasher.add(name) }
        }
        for path in shared {
            var info = stat()
            guard lstat(output.path + "/" + path, &info) == 0 else { hasher.add(path + " missing"); continue }
            hasher.add("\(path) \(info.st_mode) \(info.st_size) \(info.st_mtim.tv_sec).\(info.st_mtim.tv_nsec) \(info.st_ino)")
        }
        return hasher.hex()
    }
}
