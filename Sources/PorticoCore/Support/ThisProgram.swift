import Foundation

/// Which portico binary is running (device, inode, size, modification time of its file): what the build's caches
/// are only valid for, since a new binary may parse and render differently.
enum ThisProgram {
    static let identity: String = {
        var info = stat()
        let path = FileManager.default.fileExists(atPath: "/proc/self/exe") ? "/proc/self/exe" : (Bundle.main.executablePath ?? "")
        guard stat(path, &info) == 0 else { return "unknown " + UUID().uuidString }
        return "\(info.st_dev) \(info.st_ino) \(info.st_size) \(info.st_mtim.tv_sec).\(info.st_mtim.tv_nsec)"
    }()
}
