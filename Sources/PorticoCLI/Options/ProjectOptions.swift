import ArgumentParser
import Foundation
import PorticoCore
import PorticoTheme

/// `--content` (and where the project around it is), shared by every command.
struct ProjectOptions: ParsableArguments {
    @Option(name: .long, help: "The content folder.")
    var content: String = "content"

    var contentURL: URL { URL(fileURLWithPath: content).standardizedFileURL }

    /// The project folder: the content folder's parent; `.portico/` lives there.
    var projectURL: URL { contentURL.deletingLastPathComponent() }

    /// `--db` when given, else `feedback.sqlite` beside the content folder, so every command finds the same
    /// database from any current directory.
    func database(_ db: String?) -> String {
        db ?? projectURL.appendingPathComponent("feedback.sqlite").path
    }
}

struct ThemeOptions: ParsableArguments {
    @Option(name: .long, help: "A folder of templates that override the default theme file by file.")
    var templates: String?

    var folders: [URL] {
        (templates.map { [URL(fileURLWithPath: $0).standardizedFileURL] } ?? []) + [PorticoTheme.directory]
    }
}
