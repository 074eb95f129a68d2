import Crypto
import Foundation

/// The incremental build's memory (`.portico/cache/`): per output folder, the `BuildState` the last build
/// left. An account whose fingerprint is unchanged is not rendered again: its folder in the previous site is
/// left as it is and its warnings are reported again, so a cached build equals a clean one byte for byte and
/// says the same.
public struct BuildCache: Sendable {
    public let folder: URL
    /// A file changed less than this long (ns) before a build's scan of its inputs counts as changed in the
    /// next build whatever its metadata says (see `InputStamp`). Tests that edit files at once lower it.
    public var racyWindow = InputStamp.racyWindow
    /// Where a long-running process keeps the state and the front-matter cache between builds (the preview).
    public var memory: BuildMemory?

    public init(project: URL) {
        folder = project.appendingPathComponent(".portico/cache")
    }

    public init(folder: URL) {
        self.folder = folder
    }

    public struct Totals: Codable, Sendable, Equatable {
        public var accounts: Int
        public var pages: Int
        public var files: Int
    }

    /// What the content folder held that links may point at (library and every account).
    public struct KnownFiles: Codable, Sendable, Equatable {
        public var pages: [String]
        public var assets: [String]
        public var unreadable: [String]
    }

    func file(for output: URL) -> URL {
        let name = Hex.encode(SHA256.hash(data: Data(output.standardizedFileURL.path.utf8)).prefix(8))
        return folder.appendingPathComponent("build-\(name).state")
    }

    func load(for output: URL) -> BuildState? {
        memory?.settle()
        let file = file(for: output)
        var state = memory?.state(at: file)
        if state == nil, let data = FileBytes.contents(of: file.path) {
            memory?.countFileRead()
            state = BuildState(data: data)
        }
        guard let state, state.summary.output == output.standardizedFileURL.path else { return nil }
        memory?.remember(state, at: file)
        return state
    }

    func save(_ state: BuildState, for output: URL) {
        let (folder, file, memory) = (folder, file(for: output), memory)
        let write = { @Sendable in
            try? PrivateFolder.create(folder)
            do {
                try state.data.write(to: file, options: .atomic)
                memory?.remember(state, at: file)
            } catch {
                memory?.remember(nil, at: file)
            }
        }
        if let memory, memory.savesStateLater { memory.saveLater(write) } else { write() }
    }

    public func remove(for output: URL) {
        memory?.settle()
        try? FileManager.default.removeItem(at: file(for: output))
        memory?.remember(nil, at: file(for: output))
    }
}

/// Everything an account's output depends on, hashed.
struct AccountFingerprint {
    static let version = "portico-build-6"

    static func files(_ urls: [URL]) -> String {
        var hasher = SHA256()
        for url in urls.sorted(by: { $0.path < $1.path }) {
            hasher.update(data: Data(url.path.utf8))
            hasher.update(data: (try? Data(contentsOf: url)) ?? Data())
        }
        return hex(hasher.finalize())
    }

    static func theme(_ folders: [URL]) -> String {
        var urls: [URL] = []
        for folder in folders {
            guard let enumerator = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: [.isRegularFileKey]) else { continue }
            for case let url as URL in enumerator where (try? url.resourceValues(forKeys: [.isRegularFileKey]))?.isRegularFile == true {
                urls.append(url)
            }
        }
        return files(urls)
    }

    /// `settings`: the account's `settings(…)`. `pages` holds `SourcePage.inputFingerprint` of each source page by
    /// path, computed once for pages several accounts share.
    static func account(_ account: ResolvedAccount, settings: FieldHasher, pages: [String: String]) -> String {
        var hasher = settings
        for page in account.pages {
            hasher.add(page.outputPath)
            hasher.add(page.isFuture ? "future" : "past")
            hasher.add(page.language.rawValue)
            hasher.add(pages[page.source.sourcePath] ?? page.source.inputFingerprint())
        }
        return hasher.hex()
    }

    /// What every output page of the account depends on besides its own source and the cards it shows (`PageReuse`):
    /// the account's settings, this program, what links may point at (`known`, hashed) and the account's list of pages.
    /// `settings` as for `account`; `identity`: the publisher's (the gate script and the secret's mark).
    static func pageBase(_ account: ResolvedAccount, settings: FieldHasher, identity: String, directory: String, known: String,
                         today: Day) -> String {
        var hasher = settings
        for field in ["pages", identity, ThisProgram.identity, known, account.slug, directory, today.description] { hasher.add(field) }
        for page in account.pages {
            for field in [page.source.sourcePath, page.outputPath, page.isFuture ? "future" : "past", page.language.rawValue, page.source.kind.rawValue] {
                hasher.add(field)
            }
        }
        return hasher.hex()
    }

    /// What both fingerprints of an account start from: the shared inputs, its keys, the options, its account.yml and
    /// assets (read once for both).
    static func settings(_ account: ResolvedAccount, shared: String, contentRoot: URL, options: BuildOptions, preview: Bool,
                         publisher: String) -> FieldHasher {
        var hasher = FieldHasher()
        hasher.add(version)
        hasher.add(shared)
        hasher.add(publisher)
        hasher.add("\(options.drafts) \(options.future) \(preview) \(options.baseURL ?? "")")
        hasher.add(bytes: FileBytes.contents(of: contentRoot.path + "/accounts/\(account.slug)/account.yml") ?? Data())
        hasher.add(files(account.account.assets.map { contentRoot.appendingPathComponent($0) }))
        return hasher
    }

    /// `KnownFiles`, hashed.
    static func known(_ known: BuildCache.KnownFiles) -> String {
        var hasher = FieldHasher()
        for (label, list) in [("pages", known.pages), ("assets", known.assets), ("unreadable", known.unreadable)] {
            hasher.add(label)
            for path in list { hasher.add(path) }
        }
        return hasher.hex()
    }

    static func hex(_ digest: SHA256.Digest) -> String { Hex.encode(digest) }
}
