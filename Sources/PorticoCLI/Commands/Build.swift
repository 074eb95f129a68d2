import ArgumentParser
import Foundation
import PorticoCore
import PorticoFeedback
import PorticoGate

struct Build: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Render every account's encrypted site into --out.")

    @OptionGroup var project: ProjectOptions
    @OptionGroup var theme: ThemeOptions
    @Option(name: .customLong("out"), help: "The output folder; replaced only when the build succeeds (default: site; with --unencrypted, .portico/unencrypted beside the content folder).")
    var outOption: String?
    @Flag(name: .long, help: "Include pages marked draft: true.") var drafts = false
    @Flag(name: .long, help: "Include pages dated in the future.") var future = false
    @Flag(name: .long, help: "Fail on warnings too.") var strict = false
    @Option(name: .customLong("base-url"), help: "Override portal.yml's base_url (preview deployments).") var baseURL: String?
    @Flag(name: .long, help: "Write readable, unencrypted pages (for validation only; never into the folder you publish, which is refused).") var unencrypted = false
    @Flag(name: .customLong("no-cache"), help: "Render every account, ignoring .portico/cache.") var noCache = false
    @Flag(name: .long, help: "Print how long each stage of the build took.") var timings = false
    @Option(name: .customLong("server-keys"), help: "Where to write the feedback server's key file (default: .portico/server-keys).")
    var serverKeys: String?
    @Option(name: .customLong("shard"), help: ArgumentHelp("Render only this part of the accounts: INDEX/COUNT, numbered from 1 (e.g. 2/3). Records nothing of the whole portal; put the parts together with --merge-shards (docs/ci.md).", valueName: "index/count"),
            transform: { try Shard(parsing: $0) })
    var shard: Shard?
    @Option(name: .customLong("merge-shards"), parsing: .upToNextOption,
            help: ArgumentHelp("Put the output folders of every --shard i/n build together into --out, and record the publish, the access history and the server keys, without rendering (docs/ci.md).", valueName: "folder"))
    var mergeShards: [String] = []

    var out: String {
        outOption ?? (unencrypted ? PrivateFolder.folder(project: project.projectURL).appendingPathComponent("unencrypted").path : "site")
    }

    func validate() throws {
        if shard != nil && !mergeShards.isEmpty { throw ValidationError("--shard builds one part and --merge-shards puts the parts together: run them as separate steps") }
        if shard != nil && serverKeys != nil { throw ValidationError("a shard writes no server keys (they must list every account): pass --server-keys to the --merge-shards step") }
        if shard != nil && outOption == nil { throw ValidationError("--shard needs --out with a folder of its own (e.g. --out shards/\(shard!.index)): its output holds only part of the accounts, so it must not replace the site you publish") }
    }

    func run() throws {
        let options = BuildOptions(drafts: drafts, future: future, strict: strict, baseURL: baseURL)
        let log = DiagnosticLog()
        let (portal, _) = ContentLoader(root: project.contentURL).loadConfigOnly()
        let publisher: any AccountPublisher
        var access: AccessGuard?
        var secretForServer: PortalSecret?
        if unencrypted {
            if let refusal = UnencryptedOutput.refusal(for: URL(fileURLWithPath: out), project: project.projectURL) {
                Terminal.error("error: \(refusal)")
                throw Exit.contentErrors
            }
            if outOption == nil { try PrivateFolder.create(URL(fileURLWithPath: out).deletingLastPathComponent()) }
            publisher = PlainPublisher(script: GateScript.data)
        } else {
            let secret = try ProjectSecret.load(project)
            access = try PreviewSecret.access(for: secret, portal: portal, baseURL: baseURL, project: project)
            publisher = GatePublisher(secret: secret, today: options.today, portal: portal)
            secretForServer = secret
        }
        var builder = SiteBuilder(contentRoot: project.contentURL, themeFolders: theme.folders,
                                  output: URL(fileURLWithPath: out), options: options, publisher: publisher)
        builder.access = access
        let cache = BuildCache(project: project.projectURL)
        let whole = shard == nil && mergeShards.isEmpty
        if let shard {
            // The publish record, the access history and the cache describe the whole portal: a shard leaves them to the merge.
            builder.shard = shard
            builder.access?.records = false
        }
        if !whole || noCache {
            // This build replaces what the cache describes: forget it rather than let it vouch for the new site.
            cache.remove(for: builder.output)
        } else {
            builder.cache = cache
        }
        // Made while the site builds (it reads every account.yml and derives each account's keys), written once it succeeded.
        // Not made again when portal.yml, accounts/ and every account.yml are as they were when the key file was made.
        let keyInputs = secretForServer != nil && shard == nil
            ? ServerKeyStamp.inputs(content: project.contentURL, identity: publisher.identity, keyFile: serverKeyLocation) : nil
        let stampFile = ServerKeyStamp.location(cacheFolder: cache.folder, keyFile: serverKeyLocation)
        let keysCurrent = !noCache && keyInputs.map { ServerKeyStamp.isCurrent(inputs: $0.text, keyFile: serverKeyLocation, stamp: stampFile) } == true
        let serverKeyFile = secretForServer.flatMap { secret in shard == nil && !keysCurrent ? serverKeys(secret: secret, today: options.today) : nil }
        do {
            builder.extraFiles = { ["_portico/feedback.openapi.yaml": Data(try FeedbackSpec.yaml(for: portal).utf8)] }
            // Remember what each publish contained, for `portico digest --since last-publish` (a preview is no publish).
            if builder.access?.records == true { builder.publishLog = PublishLog(project: project.projectURL) }
            let summary = mergeShards.isEmpty
                ? try builder.build(log: log, progress: { Terminal.progress(done: $0, total: $1) })
                : try builder.mergeShards(mergeShards.map { URL(fileURLWithPath: $0) }, log: log)
            Terminal.print(log.warnings, contentFolder: project.contentURL)
            if let serverKeyFile {
                try writeServerKeys(serverKeyFile.value)
                if let keyInputs { ServerKeyStamp.remember(inputs: keyInputs, keyFile: serverKeyLocation, stamp: stampFile) }
            }
            let scope = switch summary.scope {
            case .unchanged: " (nothing changed since the last build: left as it was)"
            case .accounts(let slugs): " (only \(slugs.sorted().joined(separator: ", ")) changed: only \(slugs.count == 1 ? "it was" : "they were") read)"
            case .all: ""
            }
            let part = shard.map { " (shard \($0); merge the shards with --merge-shards)" } ?? (mergeShards.isEmpty ? "" : " (merged from \(counted(mergeShards.count, "shard folder")))")
            print((mergeShards.isEmpty ? "Built " : "Merged ") + "\(counted(summary.accounts, "account")), \(counted(summary.pages, "page")) (\(counted(summary.files, "file"))), "
                + "\(counted(summary.warnings, "warning")) in \(String(format: "%.2f", summary.seconds)) s → \(out)\(scope)"
                + part + (unencrypted ? " (UNENCRYPTED: do not publish)" : ""))
            if timings {
                for stage in summary.timings { print("  " + stage.stage.padding(toLength: 14, withPad: " ", startingAt: 0) + String(format: "%8.1f ms", stage.seconds * 1000)) }
                print("  library pieces rendered: \(summary.libraryRenders.pieces), Markdown renderings for them: \(summary.libraryRenders.renders)")
            }
        } catch let failure as BuildFailed {
            Terminal.print(failure.diagnostics, contentFolder: project.contentURL)
            let errors = failure.diagnostics.filter { $0.severity == .error }.count
            let warnings = failure.diagnostics.count - errors
            Terminal.error("Build failed: \(Terminal.summary(errors: errors, warnings: warnings))\(errors == 0 ? " (--strict)" : ""); \(out) was left as it was.")
            throw Exit.contentErrors
        } catch let failure as ShardMergeFailed {
            Terminal.error("error: the shard folders do not make one site:")
            for problem in failure.problems.prefix(20) { Terminal.error("  - \(problem)") }
            if failure.problems.count > 20 { Terminal.error("  … and \(failure.problems.count - 20) more") }
            Terminal.error("Merge failed; \(out) was left as it was.")
            throw Exit.contentErrors
        } catch {
            Terminal.error("internal error: \(error)")
            throw Exit.internalError
        }
    }

    /// Every gated build leaves the feedback server its keys (and only those), for every account: made on another
    /// thread from now on, collected with `value`.
    private func serverKeys(secret: PortalSecret, today: Day) -> Background<ServerKeyFile> {
        let content = project.contentURL
        return Background {
            let (portal, accounts) = ContentLoader(root: content).loadAccountsOnly(log: DiagnosticLog())
            return ServerKeyFile(secret: secret, accounts: accounts, staff: portal.staff, today: today)
        }
    }

    private var serverKeyLocation: URL {
        serverKeys.map { URL(fileURLWithPath: $0) } ?? ServerKeyFile.defaultLocation(project: project.projectURL)
    }

    /// A file already holding these keys is left as it is (no rewrite, no sync to disk).
    private func writeServerKeys(_ keys: ServerKeyFile) throws {
        let file = serverKeyLocation
        if FileManager.default.contents(atPath: file.path) == keys.encoded() { return }
        try keys.write(to: file)
    }
}
