import Foundation
import Testing
@testable import PorticoFeedback

/// Readers' feedback is private: the database is created 0600, and SQLite's -wal and -shm files follow it.
@Suite struct StoreModeTests {
    @Test func theDatabaseIsCreatedReadableByItsOwnerOnly() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("portico-store-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("feedback.sqlite").path
        let store = try FeedbackStore(path: path)
        for file in [path, path + "-wal", path + "-shm"] {
            var info = stat()
            #expect(stat(file, &info) == 0, "\(file) exists")
            #expect(info.st_mode & 0o777 == 0o600, "\(file) has mode \(String(info.st_mode & 0o777, radix: 8))")
        }
        _ = store
    }
}
