import ArgumentParser

/// `portico`: the root command; every subcommand is a thin wrapper over the library targets.
public struct PorticoCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "portico",
        abstract: "Private, encrypted microsites for key accounts, from Markdown.",
        discussion: "Exit codes: 0 ok, 1 content errors, 2 a PORTICO_TODAY that is not a date, 3 internal error, 64 usage.",
        version: "0.1.0 (\(Allocator.name))",
        subcommands: [Init.self, Build.self, Check.self, Preview.self, New.self, DigestCommand.self, TokenCommand.self,
                      Serve.self, DbCommand.self, FeedbackCommand.self, WorkshopCommand.self, EngagementCommand.self, ReportCommand.self])

    public init() {}
}

extension PorticoCommand {
    /// Parses the arguments and runs the command, async or not (what `main()` does, without its platform check).
    public static func start() async {
        do {
            if let warning = try PinnedDate.check() { Terminal.error(warning) }
            var command = try parseAsRoot()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            exit(withError: error)
        }
    }
}
