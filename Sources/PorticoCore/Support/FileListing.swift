import Foundation

/// Lists regular files with readdir and plain path strings: FileManager's enumerator builds a URL and asks
/// for resource values per file, which was a seventh of a no-op build.
enum FileListing {
    /// Paths of the regular files under `folder` (recursively), relative to it, unsorted. Hidden entries are
    /// skipped unless `hidden` is set; symbolic links are neither followed nor listed.
    static func regularFiles(under folder: String, hidden: Bool = false) -> [String] {
        var result: [String] = []
        collect(folder, prefix: "", hidden: hidden, into: &result)
        return result
    }

    /// The names in a folder (hidden ones only with `hidden`), each with readdir's type (`DT_UNKNOWN` where the
    /// file system does not say).
    static func entries(of folder: String, hidden: Bool = false) -> [(name: String, type: Int32)] {
        guard let directory = opendir(folder) else { return [] }
        defer { closedir(directory) }
        var entries: [(name: String, type: Int32)] = []
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { buffer in
                String(decoding: buffer.prefix { $0 != 0 }, as: UTF8.self)
            }
            if name == "." || name == ".." || (!hidden && name.hasPrefix(".")) { continue }
            entries.append((name, Int32(entry.pointee.d_type)))
        }
        return entries
    }

    private static func collect(_ folder: String, prefix: String, hidden: Bool, into result: inout [String]) {
        for (name, type) in entries(of: folder, hidden: hidden) {
            let path = folder + "/" + name
            let kind: FileKind? = switch type {
            case Int32(DT_DIR): .directory
            case Int32(DT_REG): .file
            case Int32(DT_UNKNOWN): FileKind.at(path)  // file systems that leave d_type unset
            default: .other
            }
            if kind == .directory {
                collect(path, prefix: prefix + name + "/", hidden: hidden, into: &result)
            } else if kind == .file {
                result.append(prefix + name)
            }
        }
    }
}

/// What is at a path, without following a symbolic link.
enum FileKind {
    case file, directory, other

    /// Nil when nothing is there.
    static func at(_ path: String) -> FileKind? {
        var info = stat()
        guard lstat(path, &info) == 0 else { return nil }
        switch info.st_mode & S_IFMT {
        case S_IFREG: return .file
        case S_IFDIR: return .directory
        default: return .other
        }
    }
}
