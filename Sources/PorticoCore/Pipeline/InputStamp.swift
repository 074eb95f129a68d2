import Foundation

/// What a build's inputs looked like before it read them: size, modification and change times and inode of
/// every file in the content and theme folders (as git's index tells an unchanged file without reading it),
/// and `settings`, everything else the output depends on (options, publisher, today, this executable).
///
/// Comparing two stamps names the files that changed. A file modified in the two seconds before a stamp
/// was taken counts as changed in the next comparison whatever its metadata: a second write in the same
/// clock tick would leave every field the same ("racily clean" in git's terms).
struct InputStamp: Equatable {
    struct FileState: Equatable {
        var size: Int64
        var modified: Int64
        var changed: Int64
        var inode: UInt64
    }

    var settings: String
    /// By path: `content/…` or `theme<N>/…`.
    var files: [String: FileState]
    /// When the scan began, in nanoseconds since 1970.
    var taken: Int64

    static let racyWindow: Int64 = 2_000_000_000

    /// Scans `contentRoot` and `themeFolders`; hidden entries are skipped, as the loader skips them.
    static func scan(contentRoot: URL, themeFolders: [URL], settings: String) -> InputStamp {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        var files: [String: FileState] = [:]
        collect(contentRoot.path, label: "content", into: &files)
        for (index, folder) in themeFolders.enumerated() { collect(folder.path, label: "theme\(index)", into: &files) }
        return InputStamp(settings: settings, files: files, taken: Int64(now.tv_sec) * 1_000_000_000 + Int64(now.tv_nsec))
    }

    /// Content paths (relative to the content folder) that were added, removed or modified since `previous`;
    /// nil when the two cannot be compared (other settings, or a theme file changed).
    /// `racyWindow`: how long before the previous scan a file's last change makes it count as changed anyway.
    func changedContent(since previous: InputStamp, racyWindow: Int64 = racyWindow) -> Set<String>? {
        guard settings == previous.settings else { return nil }
        var changed = Set<String>()
        for path in Set(files.keys).union(previous.files.keys) {
            let before = previous.files[path]
            if let before, let now = files[path], now == before,
               max(before.modified, before.changed) < previous.taken - racyWindow { continue }
            guard path.hasPrefix("content/") else { return nil }
            changed.insert(String(path.dropFirst("content/".count)))
        }
        return changed
    }

    private static func collect(_ folder: String, label: String, into files: inout [String: FileState]) {
        guard let directory = opendir(folder) else { return }
        defer { closedir(directory) }
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            guard !name.hasPrefix(".") else { continue }
            let path = folder + "/" + name
            var info = stat()
            guard lstat(path, &info) == 0 else { continue }
            if info.st_mode & S_IFMT == S_IFDIR {
                collect(path, label: label + "/" + name, into: &files)
                continue
            }
            files[label + "/" + name] = FileState(info)
            // A link is read through: its target's metadata changes when the target is edited. A linked folder's
            // files are not listed, so no stamp is complete with one (`text` is nil): every build reads it all.
            var target = stat()
            if info.st_mode & S_IFMT == S_IFLNK, stat(path, &target) == 0 {
                files[label + "/" + name + "\u{0}target"] = target.st_mode & S_IFMT == S_IFDIR ? FileState(size: -1, modified: 0, changed: 0, inode: 0)
                                                                                             : FileState(target)
            }
        }
    }

    // MARK: Stored form: a header line, then one tab-separated line per file.

    var text: String? {
        var lines = ["portico-inputs 1", settings, String(taken)]
        for (path, state) in files.sorted(by: { $0.key < $1.key }) {
            guard !path.contains("\n"), !path.contains("\t"), state.size >= 0 else { return nil }
            lines.append("\(path)\t\(state.size)\t\(state.modified)\t\(state.changed)\t\(state.inode)")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    init(settings: String, files: [String: FileState], taken: Int64) {
        self.settings = settings
        self.files = files
        self.taken = taken
    }

    init?(text: String) {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        guard lines.count >= 3, lines[0] == "portico-inputs 1", let taken = Int64(lines[2]) else { return nil }
        if lines.last == "" { lines.removeLast() }
        var files: [String: FileState] = [:]
        files.reserveCapacity(lines.count)
        for line in lines.dropFirst(3) {
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false)
            guard fields.count == 5, let size = Int64(fields[1]), let modified = Int64(fields[2]), let changed = Int64(fields[3]),
                  let inode = UInt64(fields[4]) else { return nil }
            files[String(fields[0])] = FileState(size: size, modified: modified, changed: changed, inode: inode)
        }
        self.init(settings: String(lines[1]), files: files, taken: taken)
    }
}

extension InputStamp.FileState {
    init(_ info: stat) {
        self.init(size: Int64(info.st_size),
                  modified: Int64(info.st_mtim.tv_sec) * 1_000_000_000 + Int64(info.st_mtim.tv_nsec),
                  changed: Int64(info.st_ctim.tv_sec) * 1_000_000_000 + Int64(info.st_ctim.tv_nsec),
                  inode: UInt64(info.st_ino))
    }
}
