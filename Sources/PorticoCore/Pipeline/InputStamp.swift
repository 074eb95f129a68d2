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

    /// Stands for inputs that could not be stamped (a linked folder): no other stamp compares equal to it.
    static let unusable = InputStamp(settings: "unusable", files: [:], taken: 0)

    /// Scans `contentRoot` and `themeFolders`; hidden entries are skipped, as the loader skips them.
    static func scan(contentRoot: URL, themeFolders: [URL], settings: String) -> InputStamp {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        // Each account folder is walked on its own, in parallel: a stamp is taken before every build.
        let content = contentRoot.path
        let accounts = content + "/accounts"
        var walks: [Walk] = [Walk(folder: content, label: "content", skipping: "accounts"), Walk(folder: accounts, label: "content/accounts", shallow: true)]
        walks += directoryNames(in: accounts).map { Walk(folder: accounts + "/" + $0, label: "content/accounts/" + $0) }
        walks += themeFolders.enumerated().map { Walk(folder: $1.path, label: "theme\($0)") }
        var files: [String: FileState] = [:]
        for part in walks.concurrentMap({ walk in
            var found: [String: FileState] = [:]
            collect(walk.folder, label: walk.label, skipping: walk.skipping, shallow: walk.shallow, into: &found)
            return found
        }) {
            files.merge(part) { first, _ in first }
        }
        return InputStamp(settings: settings, files: files, taken: Int64(now.tv_sec) * 1_000_000_000 + Int64(now.tv_nsec))
    }

    private struct Walk: Sendable {
        var folder: String
        var label: String
        /// A folder name at the top not to enter (walked separately).
        var skipping: String? = nil
        /// Only the entries that are not folders.
        var shallow = false
    }

    private static func directoryNames(in folder: String) -> [String] {
        FileListing.entries(of: folder).map(\.name).filter { FileKind.at(folder + "/" + $0) == .directory }
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

    private static func collect(_ folder: String, label: String, skipping: String? = nil, shallow: Bool = false,
                                into files: inout [String: FileState]) {
        for (name, _) in FileListing.entries(of: folder) where name != skipping {
            let path = folder + "/" + name
            var info = stat()
            guard lstat(path, &info) == 0 else { continue }
            if info.st_mode & S_IFMT == S_IFDIR {
                if !shallow { collect(path, label: label + "/" + name, into: &files) }
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

    // MARK: Stored form: three header lines, then one tab-separated line per file, read and written as bytes
    // (a stamp has a line per content file, and splitting it as a String was a measurable part of a one-page rebuild:
    // bench/RESULTS.md, "What the shortcuts in the source save").

    var text: Data? {
        var out = [UInt8]()
        out.reserveCapacity(files.count * 96)
        func add(_ text: String) { out.append(contentsOf: text.utf8) }
        add("portico-inputs 1\n\(settings)\n\(taken)\n")
        // Digits appended as bytes: interpolating four numbers a line was a fiftieth of a one-page edit.
        func number(_ value: Int64) {
            if value < 0 { out.append(UInt8(ascii: "-")) }
            unsigned(value.magnitude)
        }
        func unsigned(_ value: UInt64) {
            var count = 1, rest = value
            while rest >= 10 { rest /= 10; count += 1 }
            out.append(contentsOf: repeatElement(UInt8(ascii: "0"), count: count))
            rest = value
            for index in stride(from: out.count - 1, through: out.count - count, by: -1) {
                out[index] = UInt8(ascii: "0") + UInt8(rest % 10)
                rest /= 10
            }
        }
        for (path, state) in files.sorted(by: { $0.key < $1.key }) {
            guard state.size >= 0, !path.utf8.contains(where: { $0 == UInt8(ascii: "\n") || $0 == UInt8(ascii: "\t") }) else { return nil }
            add(path)
            for field in [state.size, state.modified, state.changed] {
                out.append(UInt8(ascii: "\t"))
                number(field)
            }
            out.append(UInt8(ascii: "\t"))
            unsigned(state.inode)
            out.append(UInt8(ascii: "\n"))
        }
        return Data(out)
    }

    init(settings: String, files: [String: FileState], taken: Int64) {
        self.settings = settings
        self.files = files
        self.taken = taken
    }

    init?(text data: Data) {
        guard let parsed = data.withUnsafeBytes({ Self.parse($0.bindMemory(to: UInt8.self)) }) else { return nil }
        self = parsed
    }

    private static func parse(_ bytes: UnsafeBufferPointer<UInt8>) -> InputStamp? {
        var position = 0
        func field(until end: UInt8) -> UnsafeBufferPointer<UInt8>? {
            let start = position
            while position < bytes.count, bytes[position] != end { position += 1 }
            guard position < bytes.count else { return nil }
            defer { position += 1 }
            return UnsafeBufferPointer(rebasing: bytes[start..<position])
        }
        func unsigned(_ digits: UnsafeBufferPointer<UInt8>) -> UInt64? {
            guard !digits.isEmpty else { return nil }
            var value: UInt64 = 0
            for digit in digits {
                guard digit >= 48, digit <= 57 else { return nil }
                let (times, overflow) = value.multipliedReportingOverflow(by: 10)
                let (sum, carry) = times.addingReportingOverflow(UInt64(digit - 48))
                guard !overflow, !carry else { return nil }
                value = sum
            }
            return value
        }
        func number(until end: UInt8) -> Int64? {
            guard let digits = field(until: end), !digits.isEmpty else { return nil }
            let negative = digits[0] == UInt8(ascii: "-")
            guard let magnitude = unsigned(negative ? UnsafeBufferPointer(rebasing: digits.dropFirst()) : digits),
                  magnitude <= UInt64(Int64.max) else { return nil }
            return negative ? -Int64(magnitude) : Int64(magnitude)
        }
        guard let header = field(until: 10), String(decoding: header, as: UTF8.self) == "portico-inputs 1",
              let settings = field(until: 10).map({ String(decoding: $0, as: UTF8.self) }), let taken = number(until: 10) else { return nil }
        var files: [String: FileState] = [:]
        while position < bytes.count {
            guard let path = field(until: 9), let size = number(until: 9), let modified = number(until: 9), let changed = number(until: 9),
                  let inode = field(until: 10).flatMap(unsigned) else { return nil }
            files[String(decoding: path, as: UTF8.self)] = FileState(size: size, modified: modified, changed: changed, inode: inode)
        }
        return InputStamp(settings: settings, files: files, taken: taken)
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
