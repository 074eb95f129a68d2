import Foundation

/// Stage 4: writes a site into a fresh folder beside the output and swaps it in only when the build succeeds,
/// so a failed build leaves the previous output exactly as it was.
public final class SiteWriter: @unchecked Sendable {
    public let output: URL
    public let staging: URL
    private let fileManager = FileManager.default
    private var createdDirectories = Set<String>()
    private let lock = NSLock()
    private(set) public var filesWritten = 0
    /// Writes straight into `output` (preview): nothing is staged, swapped or thrown away.
    public let inPlace: Bool

    public init(output: URL) throws {
        self.output = output.standardizedFileURL
        let parent = self.output.deletingLastPathComponent()
        try fileManager.createDirectory(at: parent, withIntermediateDirectories: true)
        staging = parent.appendingPathComponent(".\(self.output.lastPathComponent).staging-\(ProcessInfo.processInfo.processIdentifier)")
        inPlace = false
        try? fileManager.removeItem(at: staging)
        try fileManager.createDirectory(at: staging, withIntermediateDirectories: true)
    }

    public init(inPlace output: URL) throws {
        self.output = output.standardizedFileURL
        staging = self.output
        inPlace = true
        try fileManager.createDirectory(at: staging, withIntermediateDirectories: true)
    }

    /// Removes a folder of the output (an account about to be rebuilt in place).
    public func remove(_ path: String) {
        try? fileManager.removeItem(at: staging.appendingPathComponent(path))
        lock.lock()
        createdDirectories = createdDirectories.filter { !$0.hasPrefix(staging.appendingPathComponent(path).path) }
        lock.unlock()
    }

    /// Writes `data` at `path` (relative to the site root).
    public func write(_ data: Data, to path: String) throws {
        let url = staging.appendingPathComponent(path)
        let directory = url.deletingLastPathComponent().path
        lock.lock()
        let needsDirectory = createdDirectories.insert(directory).inserted
        filesWritten += 1
        lock.unlock()
        if needsDirectory { try fileManager.createDirectory(atPath: directory, withIntermediateDirectories: true) }
        try Self.writeFile(url.path, data)
    }

    /// Plain open/write/close: `Data.write` syncs every file to disk, which made a 15,000-file build wait
    /// on the disk for most of its wall time. Durability comes from the final rename of the whole folder.
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

    /// Hard-links every file of a previous output folder into the staged site (the build cache's reuse).
    public func link(tree source: URL, to path: String) throws {
        let base = source.standardizedFileURL.path
        guard let enumerator = fileManager.enumerator(at: source, includingPropertiesForKeys: [.isRegularFileKey]) else { return }
        var count = 0
        for case let file as URL in enumerator where (try file.resourceValues(forKeys: [.isRegularFileKey])).isRegularFile == true {
            let relative = String(file.standardizedFileURL.path.dropFirst(base.count + 1))
            let target = staging.appendingPathComponent(path).appendingPathComponent(relative)
            let directory = target.deletingLastPathComponent().path
            lock.lock()
            let needsDirectory = createdDirectories.insert(directory).inserted
            lock.unlock()
            if needsDirectory { try fileManager.createDirectory(atPath: directory, withIntermediateDirectories: true) }
            try fileManager.linkItem(at: file, to: target)
            count += 1
        }
        lock.lock(); filesWritten += count; lock.unlock()
    }

    /// Swaps the staged site in place of the output folder.
    public func commit() throws {
        if inPlace { return }
        // Keep a committed placeholder (site/.gitkeep) so the repository stays clean after a build.
        let keep = output.appendingPathComponent(".gitkeep")
        if fileManager.fileExists(atPath: keep.path) { try? fileManager.copyItem(at: keep, to: staging.appendingPathComponent(".gitkeep")) }
        if fileManager.fileExists(atPath: output.path) {
            let old = output.deletingLastPathComponent().appendingPathComponent(".\(output.lastPathComponent).old-\(ProcessInfo.processInfo.processIdentifier)")
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
    }

    /// Throws the staged files away; the output folder is untouched.
    public func abort() {
        if inPlace { return }
        try? fileManager.removeItem(at: staging)
    }
}
