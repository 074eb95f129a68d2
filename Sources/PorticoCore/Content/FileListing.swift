import Foundation

/// Lists regular files with readdir and plain path strings: FileManager's enumerator builds a URL and asks
/// for resource values per file, which was a seventh of a no-op build.
enum FileListing {
    /// Paths of the regular files under `folder` (recursively), relative to it, unsorted. Hidden entries are
    /// skipped and symbolic links are neither followed nor listed, as FileManager's enumerator does.
    static func regularFiles(under folder: String) -> [String] {
        var result: [String] = []
        collect(folder, prefix: "", into: &result)
        return result
    }

    private static func collect(_ folder: String, prefix: String, into result: inout [String]) {
        guard let directory = opendir(folder) else { return }
        defer { closedir(directory) }
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { buffer in
                String(decoding: buffer.prefix { $0 != 0 }, as: UTF8.self)
            }
            guard !name.hasPrefix(".") else { continue }
            let path = folder + "/" + name
            var type = Int32(entry.pointee.d_type)
            if type == Int32(DT_UNKNOWN) {
                var info = stat()
                guard lstat(path, &info) == 0 else { continue }
                type = (info.st_mode & S_IFMT) == S_IFDIR ? Int32(DT_DIR) : (info.st_mode & S_IFMT) == S_IFREG ? Int32(DT_REG) : Int32(DT_LNK)
            }
            if type == Int32(DT_DIR) {
                collect(path, prefix: prefix + name + "/", into: &result)
            } else if type == Int32(DT_REG) {
                result.append(prefix + name)
            }
        }
    }
}
