import Foundation

/// What one wake-up of the preview's watcher reports.
enum FileChanges: Sendable, Equatable {
    /// Absolute paths of files (and new folders) added, changed or removed.
    case paths(Set<String>)
    /// Anything may have changed (a folder moved away, the kernel's event queue overflowed).
    case everything

    mutating func insert(_ path: String) {
        if case .paths(var paths) = self {
            paths.insert(path)
            self = .paths(paths)
        }
    }
}

/// The preview's wake-ups: inotify on Linux, polling where inotify cannot be had (or with `--poll`, for file
/// systems whose changes inotify does not see, such as network mounts).
struct ChangeFeed: Sendable {
    enum Mechanism: String, Sendable { case inotify, polling }

    let mechanism: Mechanism
    let changes: AsyncStream<FileChanges>

    /// Starts watching before it returns: every save after this call is reported.
    static func start(folders: [URL], poll: Bool, interval: Duration) -> ChangeFeed {
        #if canImport(Glibc)
        if !poll, let stream = InotifyWatcher.start(folders: folders) { return ChangeFeed(mechanism: .inotify, changes: stream) }
        #endif
        return ChangeFeed(mechanism: .polling, changes: ChangeWatcher(folders: folders).stream(every: interval))
    }
}
