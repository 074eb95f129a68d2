import ArgumentParser
import Foundation
import PorticoCore

/// Output helpers: diagnostics to standard error, a progress bar only on a terminal.
enum Terminal {
    static let isInteractive = isatty(STDERR_FILENO) == 1

    static func error(_ text: String) {
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }

    /// Diagnostics as text, their paths opening from the current directory (see `DiagnosticFormatter.displayPath`).
    static func print(_ diagnostics: [Diagnostic], contentFolder: URL) {
        guard !diagnostics.isEmpty else { return }
        FileHandle.standardError.write(Data(DiagnosticFormatter.format(diagnostics, as: "text", contentFolder: contentFolder,
                                                                        workingDirectory: workingDirectory).utf8))
    }

    static var workingDirectory: URL { URL(fileURLWithPath: FileManager.default.currentDirectoryPath, isDirectory: true) }

    /// "2 errors, 1 warning".
    static func summary(errors: Int, warnings: Int) -> String {
        "\(counted(errors, "error")), \(counted(warnings, "warning"))"
    }

    static func progress(done: Int, total: Int) {
        guard isInteractive, total > 0, done % 50 == 0 || done == total else { return }
        let width = 30
        let filled = min(width, done * width / total)
        let bar = String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled)
        FileHandle.standardError.write(Data("\r[\(bar)] \(done)/\(total) pages".utf8))
        if done == total { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
    }
}

/// Exit codes documented in the README: 1 content errors, 2 usage, 3 internal.
enum Exit {
    static let contentErrors = ExitCode(1)
    static let internalError = ExitCode(3)
}
