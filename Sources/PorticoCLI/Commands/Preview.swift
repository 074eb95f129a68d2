import ArgumentParser
import Foundation
import PorticoCore
import PorticoGate
import PorticoPreview

struct Preview: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Serve every account unencrypted on 127.0.0.1, rebuild on save and reload the browser.")

    @OptionGroup var project: ProjectOptions
    @OptionGroup var theme: ThemeOptions
    @Option(help: "The port (127.0.0.1 only).") var port: Int = 1313
    @Flag(help: "Look for saved files four times a second instead of waiting for inotify (for network mounts, where inotify does not see changes made elsewhere).")
    var poll = false

    func run() async throws {
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("portico-preview-\(ProcessInfo.processInfo.processIdentifier)")
        let site = PreviewSite(contentRoot: project.contentURL, themeFolders: theme.folders, output: output, script: GateScript.data)
        defer { for folder in [output, site.cacheFolder] { try? FileManager.default.removeItem(at: folder) } }
        try await PreviewServer(site: site, port: port, poll: poll).run()
    }
}
