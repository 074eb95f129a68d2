import Foundation

/// What a long-running process (the preview) keeps in memory between builds of one output: the last `BuildState` and
/// the front-matter cache, each with the identity of the file it mirrors. A build then takes them from memory instead
/// of decoding both files again (bench/RESULTS.md, "What the shortcuts in the source save"). The files are still
/// written as before, so a restart or another process's build reads the same thing; a file that changed under the
/// process (another writer) is read again, as its identity no longer matches.
public final class BuildMemory: FrontMatterMemory {
    private let state = Locked<Mirror<BuildState>?>(nil)
    private let frontMatter = Locked<Mirror<[String: FrontMatterCache.Stored]>?>(nil)
    private let reads = Locked(0)
    private let markdown = Locked<[String: MarkdownCache.Entry]>([:])
    private let pendingSave = Locked<Background<Void>?>(nil)
    /// Whether the state file is written on another thread once the site is in place, so the build returns (and
    /// the preview tells the browser) without waiting for it. The file is removed before each commit and the
    /// next build waits for the write, so nothing ever reads a state that does not describe the output.
    public let savesStateLater: Bool

    public init(savesStateLater: Bool = false) {
        self.savesStateLater = savesStateLater
    }

    /// Runs `write` on another thread, after any earlier one has finished.
    func saveLater(_ write: @escaping @Sendable () -> Void) {
        settle()
        pendingSave.withLock { $0 = Background(write) }
    }

    /// Waits for the state file's write started by `saveLater`, if one is under way.
    func settle() {
        guard let pending = pendingSave.current else { return }
        _ = pending.value
        pendingSave.withLock { if $0 === pending { $0 = nil } }
    }

    /// How many times a build read and decoded one of the two files because memory held nothing matching it.
    public var filesRead: Int { reads.current }

    func countFileRead() { reads.withLock { $0 += 1 } }

    /// A value and the identity (`FileIdentity`) of the file holding it.
    struct Mirror<Value: Sendable>: Sendable {
        var value: Value
        var file: FileIdentity
    }

    /// The state last saved to or read from `file`, while the file is still the one it was.
    func state(at file: URL) -> BuildState? {
        guard let mirror = state.current, mirror.file == FileIdentity(file) else { return nil }
        return mirror.value
    }

    func remember(_ value: BuildState?, at file: URL) {
        state.withLock { $0 = value.flatMap { value in FileIdentity(file).map { Mirror(value: value, file: $0) } } }
    }

    /// The front-matter entries last saved to or read from `file`, while the file is still the one it was.
    func frontMatter(at file: URL) -> [String: FrontMatterCache.Stored]? {
        guard let mirror = frontMatter.current, mirror.file == FileIdentity(file) else { return nil }
        return mirror.value
    }

    func remember(_ entries: [String: FrontMatterCache.Stored], at file: URL) {
        frontMatter.withLock { $0 = FileIdentity(file).map { Mirror(value: entries, file: $0) } }
    }

    /// A Markdown cache for the next build, starting from the one the last build left. A build that reads only
    /// some accounts renders their own pages through it too, and leaves it for the next (a writer saves in the
    /// same account again and again); a build of everything leaves nothing, so memory holds one account's pages.
    func markdownCache(readsEverything: Bool) -> MarkdownCache {
        MarkdownCache(earlier: markdown.current, coversAccountPages: !readsEverything)
    }

    func remember(_ cache: MarkdownCache) {
        markdown.withLock { $0 = cache.coversAccountPages ? cache.entriesForNextBuild : [:] }
    }
}

/// Which file is at a path, as far as one `lstat` tells: its device and the size, times and inode the input stamp
/// records. Files here are replaced by renaming a new one over them, which always gives a new inode.
struct FileIdentity: Equatable, Sendable {
    var device: UInt64
    var state: InputStamp.FileState

    init?(_ url: URL) {
        var info = stat()
        guard lstat(url.path, &info) == 0, info.st_mode & S_IFMT == S_IFREG else { return nil }
        device = UInt64(info.st_dev)
        state = InputStamp.FileState(info)
    }
}
