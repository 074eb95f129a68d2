import Foundation

/// The output folders of `portico build --shard i/n`, checked to make one site together: each account's folder in
/// exactly one of them, and in each the same shared files (root page, `_portico/` …) as this build writes.
struct ShardFolders {
    /// Site path → the shard file it is copied from, for every file in an account's folder.
    let accountFiles: [String: URL]

    /// `directories`: each account's folder in the site, by folder, with its slug; `shared`: the shared files'
    /// paths, whose expected bytes are under `expected` (the merge's staging folder).
    init(_ folders: [URL], directories: [String: String], shared: [String], expected: URL) throws {
        var problems: [String] = []
        var owner: [String: URL] = [:]
        var files: [String: URL] = [:]
        var doubled = Set<String>()
        let shared = Set(shared)
        // One folder named twice (`shards/1` and `shards/1/`) is one shard, not a doubled one.
        var named = Set<String>()
        let folders = folders.map(\.standardizedFileURL).filter { named.insert($0.path.hasSuffix("/") ? String($0.path.dropLast()) : $0.path).inserted }
        for folder in folders {
            guard FileKind.at(folder.path) == .directory else {
                problems.append("\(folder.path) is not a folder (give the output folder of each `portico build --shard i/n`)")
                continue
            }
            var seenShared = Set<String>()
            for path in FileListing.regularFiles(under: folder.standardizedFileURL.path, hidden: true).sorted() where path != ".gitkeep" {
                let top = SiteWriter.topLevel(path)
                let source = folder.appendingPathComponent(path)
                if let slug = directories[top] {
                    if let other = owner[top], other != folder {
                        guard doubled.insert(top).inserted else { continue }
                        problems.append("account \(slug) is in both \(other.path) and \(folder.path): merge the folders of one sharded build (the same --shard count), each once")
                        continue
                    }
                    owner[top] = folder
                    files[path] = source
                } else if shared.contains(path) {
                    seenShared.insert(path)
                    if !FileManager.default.contentsEqual(atPath: source.path, andPath: expected.appendingPathComponent(path).path) {
                        problems.append("\(folder.path)/\(path) differs from the one this merge writes: the shards were built with another portal.yml, theme or portico than this merge; build them again with this commit")
                    }
                } else {
                    problems.append("\(folder.path)/\(path) is neither a shared file nor in the folder of an account of this portal (another secret, a removed account, or not a shard's output?)")
                }
            }
            for path in shared.subtracting(seenShared).sorted() {
                problems.append("\(folder.path) lacks the shared file \(path): is it the output of a `portico build --shard i/n`?")
            }
        }
        for (directory, slug) in directories.sorted(by: { $0.value < $1.value }) where owner[directory] == nil {
            problems.append("account \(slug) is in none of the shard folders: pass every shard's folder (was one shard not built?)")
        }
        if !problems.isEmpty { throw ShardMergeFailed(problems: problems) }
        accountFiles = files
    }
}

/// Why the shard folders do not make one site; nothing was written.
public struct ShardMergeFailed: Error, CustomStringConvertible {
    public let problems: [String]
    public var description: String { problems.joined(separator: "\n") }
}
