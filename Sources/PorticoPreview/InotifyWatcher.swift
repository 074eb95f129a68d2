#if canImport(Glibc)
import Foundation
import Glibc

/// Linux inotify on every folder under the given roots, new folders watched as they appear: the preview sleeps
/// until something is saved instead of walking the tree four times a second. Events wait in the kernel while a
/// rebuild runs, so a save made then is reported when the rebuild is done.
enum InotifyWatcher {
    static let mask = UInt32(IN_MODIFY | IN_CLOSE_WRITE | IN_ATTRIB | IN_CREATE | IN_DELETE | IN_MOVED_FROM | IN_MOVED_TO
                             | IN_DELETE_SELF | IN_MOVE_SELF)

    /// Watches every folder before it returns (a save made after this call is never lost); nil when inotify is
    /// unavailable or a watch cannot be added (the per-user watch limit), and the caller polls instead.
    static func start(folders: [URL]) -> AsyncStream<FileChanges>? {
        let fd = inotify_init1(Int32(IN_CLOEXEC | IN_NONBLOCK))
        guard fd >= 0 else { return nil }
        var stop: [Int32] = [-1, -1]
        guard pipe(&stop) == 0 else { close(fd); return nil }
        var watches = Watches(fd: fd)
        for folder in folders where FileManager.default.fileExists(atPath: folder.path) {
            guard watches.addTree(folder.standardizedFileURL.path) != nil else {
                close(fd); close(stop[0]); close(stop[1])
                return nil
            }
        }
        let (stream, continuation) = AsyncStream<FileChanges>.makeStream()
        let (stopRead, stopWrite) = (stop[0], stop[1])
        continuation.onTermination = { _ in
            var byte: UInt8 = 1
            _ = write(stopWrite, &byte, 1)
        }
        let thread = Thread { [watches] in
            var watches = watches
            watches.run(stop: stopRead, continuation: continuation)
            continuation.finish()   // ends the stream if the thread stopped by itself; its wake-up writes before the close
            close(fd); close(stopRead); close(stopWrite)
        }
        thread.name = "portico-inotify"
        thread.start()
        return stream
    }

    /// Watch descriptors and the folders they stand for; owned by the reading thread once it starts.
    struct Watches: Sendable {
        let fd: Int32
        var folders: [Int32: String] = [:]

        init(fd: Int32) { self.fd = fd }

        /// Watches `path` and every folder below it (hidden ones aside, as the polling walk skips them); returns
        /// the files found, so files written into a new folder before its watch existed are not missed.
        mutating func addTree(_ path: String) -> [String]? {
            var files: [String] = []
            var pending = [path]
            while let folder = pending.popLast() {
                let descriptor = inotify_add_watch(fd, folder, Self.folderMask)
                guard descriptor >= 0 else { return errno == ENOENT ? files : nil }
                folders[descriptor] = folder
                for name in (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? [] where !name.hasPrefix(".") {
                    let child = folder + "/" + name
                    var isFolder: ObjCBool = false
                    guard FileManager.default.fileExists(atPath: child, isDirectory: &isFolder) else { continue }
                    if isFolder.boolValue { pending.append(child) } else { files.append(child) }
                }
            }
            return files
        }

        static let folderMask = InotifyWatcher.mask | UInt32(IN_ONLYDIR)

        mutating func run(stop: Int32, continuation: AsyncStream<FileChanges>.Continuation) {
            var buffer = [UInt8](repeating: 0, count: 64 * 1024)
            while true {
                var wait = [pollfd(fd: fd, events: Int16(POLLIN), revents: 0), pollfd(fd: stop, events: Int16(POLLIN), revents: 0)]
                let ready = poll(&wait, 2, -1)
                if ready < 0 && errno == EINTR { continue }
                if ready < 0 || wait[1].revents != 0 { return }
                var changes = FileChanges.paths([])
                drain(&buffer, into: &changes)
                // One save is often several events (truncate, write, close; or write a copy, rename): gather what
                // follows within 20 ms into the same report, for at most 200 ms of a steady stream.
                let started = ContinuousClock.now
                var more = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
                while poll(&more, 1, 20) > 0, ContinuousClock.now - started < .milliseconds(200) {
                    drain(&buffer, into: &changes)
                }
                if case .paths(let paths) = changes, paths.isEmpty { continue }
                continuation.yield(changes)
            }
        }

        /// Reads every queued event.
        mutating func drain(_ buffer: inout [UInt8], into changes: inout FileChanges) {
            while true {
                let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
                guard count > 0 else { return }
                var offset = 0
                let header = MemoryLayout<inotify_event>.size
                while offset + header <= count {
                    let (descriptor, mask, length) = buffer.withUnsafeBytes { raw in
                        (raw.loadUnaligned(fromByteOffset: offset, as: Int32.self),
                         raw.loadUnaligned(fromByteOffset: offset + 4, as: UInt32.self),
                         Int(raw.loadUnaligned(fromByteOffset: offset + 12, as: UInt32.self)))
                    }
                    let nameBytes = buffer[(offset + header)..<min(offset + header + length, count)]
                    let name = String(decoding: nameBytes.prefix { $0 != 0 }, as: UTF8.self)
                    offset += header + length
                    handle(descriptor: descriptor, mask: mask, name: name, into: &changes)
                }
            }
        }

        mutating func handle(descriptor: Int32, mask: UInt32, name: String, into changes: inout FileChanges) {
            if mask & UInt32(IN_Q_OVERFLOW) != 0 { changes = .everything; return }
            if mask & UInt32(IN_IGNORED) != 0 { folders[descriptor] = nil; return }
            guard let folder = folders[descriptor], !name.hasPrefix(".") else { return }
            guard !name.isEmpty else { return }   // about the watched folder itself: its parent reports it too
            let path = folder + "/" + name
            guard mask & UInt32(IN_ISDIR) != 0 else { changes.insert(path); return }
            if mask & UInt32(IN_CREATE | IN_MOVED_TO) != 0 {
                guard let files = addTree(path) else { changes = .everything; return }
                for file in files { changes.insert(file) }
                changes.insert(path)
            } else if mask & UInt32(IN_DELETE | IN_MOVED_FROM) != 0 {
                // The files of a folder moved away are not reported one by one: rebuild everything.
                for (watch, watched) in folders where watched == path || watched.hasPrefix(path + "/") {
                    inotify_rm_watch(fd, watch)
                    folders[watch] = nil
                }
                changes = .everything
            }
        }
    }
}
#endif
