import ArgumentParser
import Foundation
import PorticoCore

struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Validate content, links, anchors, images and accounts without writing anything.")

    enum Format: String, ExpressibleByArgument, CaseIterable { case text, json, github }

    @OptionGroup var project: ProjectOptions
    @OptionGroup var theme: ThemeOptions
    @Option(help: "text, json, or github (workflow annotations).") var format: Format = .text
    @Flag(help: "Check drafts too.") var drafts = false
    @Flag(help: "Check future-dated pages too.") var future = false
    @Flag(help: "Fail on warnings too.") var strict = false

    func run() throws {
        let log = DiagnosticLog()
        var builder = SiteBuilder(contentRoot: project.contentURL, themeFolders: theme.folders, output: URL(fileURLWithPath: "/dev/null"),
                                  options: BuildOptions(drafts: drafts, future: future, strict: strict), publisher: PlainPublisher())
        // Links taken back must stay taken back: the publishes so far say which (keep .portico/publishes in CI).
        ProjectSecret.warnAboutModes(project)
        builder.access = AccessGuard(file: AccessHistoryFile(project: project.projectURL), records: false)
        do {
            try SiteChecker(builder: builder).check(log: log)
        } catch {
            Terminal.error("internal error: \(error)")
            throw Exit.internalError
        }
        let diagnostics = log.all
        print(DiagnosticFormatter.format(diagnostics, as: format.rawValue, contentFolder: project.contentURL,
                                         workingDirectory: Terminal.workingDirectory), terminator: "")
        let errors = diagnostics.filter { $0.severity == .error }.count
        if format == .text {
            Terminal.error(Terminal.summary(errors: errors, warnings: diagnostics.count - errors))
        }
        if errors > 0 || (strict && !diagnostics.isEmpty) { throw Exit.contentErrors }
    }
}
