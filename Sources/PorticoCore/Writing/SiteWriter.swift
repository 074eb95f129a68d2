import Foundation

/// Stage 4: writes a site into a staging folder beside the output and puts it in place only when the build
/// succeeds, so a failed build leaves the previous output exactly as it was.
///
/// Three ways to write:
/// - `init(output:)`: the whole site is staged, and `commit()` swaps it in with one rename.
/// - `init(updating:)`: only changed account folders and the shared files are staged; `commit()` swaps
///   in just what differs (see SiteWriter+Update.swift). Folders passed to `keep` stay as they are; in
///   folders passed to `refresh`, only the files whose bytes changed are staged and renamed in.
/// - `init(inPlace:)` (preview): straight into the output; nothing is staged, swapped or thrown away.
public final class SiteWriter: Sendable {
    public let output: URL
    public let staging: URL
    private let stagingPath: String
    public let inPlace: Bool
    public let updating: Bool
    let fileManager = FileManager.default
    private struct State {
        var createdDirectories = Set<String>()
        /// Files written (or kept) per top-level entry of the site.
        var counts: [String: Int] = [:]
        /// Top-level folders of the previous output that stay untouched (reused accounts).
        var kept = Set<String>()
        /// Top-level folders replaced whole by their staged version (or removed, when nothing was staged).
        var replaced = Set<String>()
        /// Top-level folders of the previous output rendered again but updated file by file (`refresh`).
        var refreshed = Set<String>()
        /// Every file the build produced under a refreshed folder, staged or already right in the output.
        var produced = Set<String>()
    }
    private let state = Locked(State())

    var kept: Set<String> { state.current.kept }
    var replaced: Set<String> { state.current.replaced }
    var refreshed: Set<String> { state.current.refreshed }
    var produced: Set<String> { state.current.produced }

    public convenience init(output: URL) throws {
        try self.init(output: output, updating: false)
    }

    public convenience init(updating output: URL) throws {
        try self.init(output: output, updating: true)
    }

    private init(output: URL, updating: Bool) throws {
        self.output = output.standardizedFileURL
        staging = Self.sibling(of: self.output, "staging")
        stagingPath = staging.path
        inPlace = false
        self.updating = updating
        try fileManager.createDirectory(at: self.output.deletingLastPathComponent(), withIntermediateDirectories: true)
        try? fileManager.removeItem(at: staging)
        try fileManager.createDirectory(at: staging, withIntermediateDirectories: true)
    }

    public init(inPlace output: URL) throws {
        self.output = output.standardizedFileURL
        staging = self.output
        stagingPath = staging.path
        inPlace = true
        updating = false
        try fileManager.createDirectory(at: staging, withIntermediateDirectories: true)
    }

    /// A hidden folder beside the output, on the same file system so renames between them are atomic.
    static func sibling(of output: URL, _ role: String) -> URL {
        output.deletingLastPathComponent().appendingPathComponent(".\(output.lastPathComponent).\(role)-\(ProcessInfo.processInfo.processIdentifier)")
    }

    public var filesWritten: Int {
        state.withLock { $0.counts.values.reduce(0, +) }
    }

    /// Files written or kept under one top-level folder.
    public func files(in folder: String) -> Int {
        state.withLock { $0.counts[folder] ?? 0 }
    }

    /// Leaves a top-level folder of the previous output as it is (`updating` only); it holds `files` files.
    public func keep(_ folder: String, files: Int) {
        precondition(updating, "only an updating writer keeps folders of the previous output")
        state.withLock { $0.kept.insert(folder); $0.counts[folder] = files }
    }

    /// Declares a top-level folder as rendered again: at commit its staged version replaces the old one whole.
    public func replace(_ folder: String) {
        state.withLock { _ = $0.replaced.insert(folder) }
    }

    /// Declares a top-level folder of the previous output as rendered again, to be updated file by file (`updating`
    /// only): a file whose bytes are already in the output is not staged, and at commit the staged files are
    /// renamed in one by one and the folder's files the build no longer produced are removed. A one-page edit
    /// then writes a few files instead of the account's hundreds, deletes none, and the folder is never missing.
    public func refresh(_ folder: String) {
        precondition(updating, "only an updating writer refreshes folders of the previous output")
        state.withLock { _ = $0.refreshed.insert(folder) }
    }

    /// Counts a file of a refreshed folder as produced without writing it, when the output holds it (a regular
    /// file) as the last build left it; false when it is not there, or its folder is not being refreshed.
    func keepFile(_ path: String) -> Bool {
        let top = Self.topLevel(path)
        guard state.withLock({ $0.refreshed.contains(top) }), FileKind.at(output.path + "/" + path) == .file else { return false }
        state.withLock { state in
            state.produced.insert(path)
            state.counts[top, default: 0] += 1
        }
        return true
    }

    /// Removes a folder of the output (an account about to be rebuilt in place).
    public func remove(_ path: String) {
        let removed = staging.appendingPathComponent(path)
        try? fileManager.removeItem(at: removed)
        state.withLock { state in
            state.createdDirectories = state.createdDirectories.filter { !$0.hasPrefix(removed.path) }
            state.counts[Self.topLevel(path)] = nil
        }
    }

    static func topLevel(_ path: String) -> String {
        String(path.prefix { $0 != "/" })
    }

    /// Writes `data` at `path` (relative to the site root).
    public func write(_ data: Data, to path: String) throws {
        let top = Self.topLevel(path)
        let refreshing = state.withLock { state -> Bool in
            guard state.refreshed.contains(top) else { return false }
            state.produced.insert(path)
            return true
        }
        if refreshing, Self.holds(output.path + "/" + path, data) {
            state.withLock { $0.counts[top, default: 0] += 1 }
            return
        }
        let file = stagingPath + "/" + path
        let directory = String(file[..<file.utf8.lastIndex(of: UInt8(ascii: "/"))!])
        let needsDirectory = state.withLock { state in
            state.counts[Self.topLevel(path), default: 0] += 1
            return state.createdDirectories.insert(directory).inserted
        }
        if needsDirectory { try Self.makeDirectory(directory) }
        do {
            try Self.writeFile(file, data)
        } catch let error as CocoaError where (error.userInfo["errno"] as? Int32) == ENOENT && !needsDirectory {
            // Another thread registered the folder first and may still be creating it.
            try Self.makeDirectory(directory)
            try Self.writeFile(file, data)
        }
    }

    /// Whether `path` is a regular file (not a link to one) holding exactly `data`.
    static func holds(_ path: String, _ data: Data) -> Bool {
        var info = stat()
        guard lstat(path, &info) == 0, info.st_mode & S_IFMT == S_IFREG, Int(info.st_size) == data.count else { return false }
        return FileBytes.contents(of: path) == data
    }

    /// `mkdir -p` with one system call when the parent exists, as it almost always does here: FileManager
    /// checks every component of the path first.
    static func makeDirectory(_ path: String) throws {
        if mkdir(path, 0o755) == 0 || errno == EEXIST { return }
        guard errno == ENOENT, let slash = path.utf8.lastIndex(of: UInt8(ascii: "/")), slash != path.utf8.startIndex else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path, "errno": errno])
        }
        try makeDirectory(String(path[..<slash]))
        if mkdir(path, 0o755) != 0 && errno != EEXIST {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path, "errno": errno])
        }
    }

    /// Plain open/write/close: `Data.write` syncs every file to disk, which made a 15,000-file build wait
    /// on the disk for most of its wall time. Durability comes from the final renames.
    static func writeFile(_ path: String, _ data: Data) throws {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard fd >= 0 else { throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path, "errno": errno]) }
        defer { close(fd) }
        try data.withUnsafeBytes { (buffer: UnsafeRawBufferPointer) in
            var offset = 0
            while offset < buffer.count {
                let written = Foundation.write(fd, buffer.baseAddress! + offset, buffer.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path, "errno": errno])
                }
                offset += written
            }
        }
    }

    public func write(_ text: String, to path: String) throws {
        try write(Data(text.utf8), to: path)
    }

    public func copy(_ source: URL, to path: String) throws {
        try write(try Data(contentsOf: source), to: path)
    }

    /// Puts the staged site in place of the output folder. Returns whether anything in the output changed.
    @discardableResult
    public func commit() throws -> Bool {
        if inPlace { return true }
        if updating { return try commitUpdate() }
        // Keep a committed placeholder (site/.gitkeep) so the repository stays clean after a build.
        let keep = output.appendingPathComponent(".gitkeep")
        if fileManager.fileExists(atPath: keep.path) { try? fileManager.copyItem(at: keep, to: staging.appendingPathComponent(".gitkeep")) }
        if fileManager.fileExists(atPath: output.path) {
            let old = Self.sibling(of: output, "old")
            try? fileManager.removeItem(at: old)
            try fileManager.moveItem(at: output, to: old)
            do {
                try fileManager.moveItem(at: staging, to: output)
            } catch {
                try? fileManager.moveItem(at: old, to: output)
                throw error
            }
            try? fileManager.removeItem(at: old)
        } else {
            try fileManager.moveItem(at: staging, to: output)
        }
        return true
    }

    /// Throws the staged files away; the output folder is untouched.
    public func abort() {
        if inPlace { return }
        try? fileManager.removeItem(at: staging)
    }
}
