import ArgumentParser
import Foundation
import PorticoCore
import PorticoGate

struct DigestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "digest",
        abstract: "Write an email-ready HTML and a plain-text digest of what is new for an account.")

    @OptionGroup var project: ProjectOptions
    @OptionGroup var theme: ThemeOptions
    @Argument(help: "The account slug.") var account: String
    @Option(help: "YYYY-MM-DD, or last-publish (the last recorded `portico build`).") var since: String
    @Option(help: "Folder for the two files.") var out: String = "."

    func validate() throws {
        if since != "last-publish" && Day(since) == nil { throw ValidationError("--since must be YYYY-MM-DD or last-publish") }
    }

    func run() throws {
        let log = DiagnosticLog()
        let builder = SiteBuilder(contentRoot: project.contentURL, themeFolders: theme.folders, output: URL(fileURLWithPath: out),
                                  options: BuildOptions(), publisher: PlainPublisher())
        let (portal, accounts) = builder.loadAndResolve(log: log)
        let themeLoaded = Theme(folders: theme.folders, log: log)
        if log.hasErrors {
            Terminal.print(log.errors, contentFolder: project.contentURL)
            throw Exit.contentErrors
        }
        guard let resolved = accounts.first(where: { $0.slug == account }) else {
            Terminal.error("error: no account `\(account)`; accounts: \(accounts.map(\.slug).joined(separator: ", "))")
            throw Exit.contentErrors
        }
        let path: String
        ProjectSecret.warnAboutModes(project, secretRead: !resolved.config.readablePath && (ProcessInfo.processInfo.environment["PORTICO_SECRET"] ?? "").isEmpty)
        if resolved.config.readablePath { path = resolved.slug } else {
            do { path = KeyDerivation.accountPath(secret: try PortalSecret.load(project: project.projectURL), account: resolved.config) } catch {
                Terminal.error("error: \(error) (the digest links into the portal, whose address derives from the secret)")
                throw Exit.contentErrors
            }
        }
        let publishes = PublishLog(project: project.projectURL)
        let digest: Digest
        do {
            digest = try Digest(account: resolved, since: since == "last-publish" ? .lastPublish : .date(Day(since)!),
                                records: publishes.records(), recordsFolder: publishes.folder.path)
        } catch {
            Terminal.error("error: \(error)")
            throw Exit.contentErrors
        }
        let (html, text) = digest.render(theme: themeLoaded, portalTitle: portal.config.title, accountURL: "\(portal.config.baseURL)/\(path)/")
        let folder = URL(fileURLWithPath: out)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let base = "digest-\(account)-\(Day.today())"
        try html.write(to: folder.appendingPathComponent(base + ".html"), atomically: true, encoding: .utf8)
        try text.write(to: folder.appendingPathComponent(base + ".txt"), atomically: true, encoding: .utf8)
        print("\(digest.new.count) new, \(digest.updated.count) updated since \(digest.sinceText):")
        print(folder.appendingPathComponent(base + ".html").path)
        print(folder.appendingPathComponent(base + ".txt").path)
    }
}
