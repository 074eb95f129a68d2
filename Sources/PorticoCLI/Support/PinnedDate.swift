import ArgumentParser
import Foundation
import PorticoCore

/// `PORTICO_TODAY` pins the date every command judges expiry and future pages by: for tests and benchmarks.
/// Left set by mistake it keeps expired readers in, so every command says so.
enum PinnedDate {
    /// The warning for the environment; a value that is not a date (it would be ignored) is a usage error (exit 2).
    static func check(_ environment: [String: String] = ProcessInfo.processInfo.environment) throws -> String? {
        guard let pinned = environment["PORTICO_TODAY"], !pinned.isEmpty else { return nil }
        guard Day(pinned) != nil else {
            Terminal.error("error: PORTICO_TODAY=\(pinned) is not a date: write it as YYYY-MM-DD (e.g. 2026-11-20), or unset it to use today's date")
            throw ExitCode(2)
        }
        return "warning: PORTICO_TODAY=\(pinned) fakes today's date: expiry dates and future pages are judged as on \(pinned), not today (unset it outside tests)"
    }
}
