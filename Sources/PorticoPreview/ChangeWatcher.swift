import Foundation

/// Polls folders for changed, added and removed files (portable, no inotify needed); reports paths. The fallback
/// where inotify is unavailable: each poll walks the whole tree, which costs CPU on a large portal.
struct ChangeWatcher: Sendable {
    let folders: [URL]

    typealias Snapshot = [String: Date]

    func snapshot() -> Snapshot {
        var result: Snapshot = [:]
        let keys: [URLResourceKey] = [.contentModificationDateKey, .isRegularFileKey, .fileSizeKey]
        for folder in folders {
            guard let enumerator = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: keys, options: [.skipsHiddenFiles]) else { continue }
            for case let url as URL in enumerator {
                guard let values = try? url.resourceValues(forKeys: Set(keys)), values.isRegularFile == true else { continue }
                // Size as well as time: some editors save twice within one timestamp tick.
                let stamp = (values.contentModificationDate ?? .distantPast).addingTimeInterval(Double(values.fileSize ?? 0) * 1e-9)
                result[url.standardizedFileURL.path] = stamp
            }
        }
        return result
    }

    static func changes(from old: Snapshot, to new: Snapshot) -> Set<String> {
        var changed = Set<String>()
        for (path, stamp) in new where old[path] != stamp { changed.insert(path) }
        for path in old.keys where new[path] == nil { changed.insert(path) }
        return changed
    }

    /// Snapshots at once (a save after this call is reported), then compares a snapshot every `interval`.
    func stream(every interval: Duration) -> AsyncStream<FileChanges> {
        let (stream, continuation) = AsyncStream<FileChanges>.makeStream()
        let first = snapshot()
        let task = Task {
            var current = first
            while !Task.isCancelled {
                try? await Task.sleep(for: interval)
                let next = snapshot()
                let changed = Self.changes(from: current, to: next)
                current = next
                if !changed.isEmpty { continuation.yield(.paths(changed)) }
            }
            continuation.finish()
        }
        continuation.onTermination = { _ in task.cancel() }
        return stream
    }
}
