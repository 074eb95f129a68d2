import Foundation

/// Reads a whole file with one open, fstat, read and close: `Data(contentsOf:)` builds a URL and asks for more
/// attributes than a loader of thousands of small files wants to pay for.
enum FileBytes {
    static func contents(of path: String) -> Data? {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var info = stat()
        guard fstat(descriptor, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { return nil }
        var data = Data(count: Int(info.st_size))
        var filled = 0
        let complete = data.withUnsafeMutableBytes { buffer -> Bool in
            while true {
                if filled == buffer.count {
                    // The file may have grown since fstat: a short extra read tells.
                    var probe: UInt8 = 0
                    return read(descriptor, &probe, 1) == 0
                }
                let count = read(descriptor, buffer.baseAddress! + filled, buffer.count - filled)
                if count < 0 && errno == EINTR { continue }
                guard count > 0 else { return false }
                filled += count
            }
        }
        if complete { return data }
        // It changed size while being read: fall back to reading it whole the ordinary way.
        return FileManager.default.contents(atPath: path)
    }
}
