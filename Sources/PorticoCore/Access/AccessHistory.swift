import Crypto
import Foundation

/// Which links the publishes gave out, so that a link once taken back is never given back: per account the
/// generation published last and, per viewer id, each serial published at that generation with its standing
/// at the last publish and whom it was for (hashes of the e-mail address and the name). A link that stopped
/// opening the portal (revoked, or its viewer, serial or account removed) stays `revoked` for good.
public struct AccessHistory: Codable, Sendable, Equatable {
    public var version = 1
    /// `PortalSecret.fingerprint` of the secret of the last publish, so a preview build can tell it apart.
    public var secret: String?
    /// By account slug.
    public var accounts: [String: Account] = [:]

    public init() {}

    public struct Account: Codable, Sendable, Equatable {
        public var generation: Int
        /// Viewer id → serial (`""` for a viewer without one) → the link.
        public var viewers: [String: [String: Link]]
    }

    public struct Link: Codable, Sendable, Equatable {
        public var state: State
        /// The date of the publish that gave the link this state.
        public var since: String
        public var email: String?
        public var name: String?
    }

    public enum State: String, Codable, Sendable {
        case active, expired, revoked

        init(_ status: ViewerStatus) {
            switch status {
            case .active: self = .active
            case .expired: self = .expired
            case .revoked: self = .revoked
            }
        }
    }

    /// The history once `accounts` are published on `date` with the secret `secret`. `complete`: these are all
    /// the portal's accounts, so an account missing from them was removed and its links end.
    public func publishing(_ configs: [AccountConfig], on date: Day, secret: String?, complete: Bool) -> AccessHistory {
        var next = self
        next.secret = secret ?? self.secret
        for config in configs {
            if let known = accounts[config.slug], known.generation > config.generation { continue } // refused by `problems`
            var account = next.accounts[config.slug].flatMap { $0.generation == config.generation ? $0 : nil }
                ?? Account(generation: config.generation, viewers: [:])
            var present = Set<String>()
            for viewer in config.viewers {
                let serial = viewer.serial ?? ""
                present.insert(viewer.id + "\0" + serial)
                let old = account.viewers[viewer.id]?[serial]
                let state = old?.state == .revoked ? .revoked : State(ViewerStatus(viewer, today: date))
                account.viewers[viewer.id, default: [:]][serial] = Link(
                    state: state, since: old.map { $0.state == state ? $0.since : date.description } ?? date.description,
                    email: Self.identity(viewer.email.map { $0.lowercased() }, "email"), name: Self.identity(viewer.name, "name"))
            }
            account.endLinks(except: present, on: date)
            next.accounts[config.slug] = account
        }
        if complete {
            let slugs = Set(configs.map(\.slug))
            for slug in next.accounts.keys where !slugs.contains(slug) { next.accounts[slug]?.endLinks(except: [], on: date) }
        }
        return next
    }

    /// A short one-way hash of an e-mail address or a name: enough to tell two people apart, not to read either.
    static func identity(_ text: String?, _ kind: String) -> String? {
        guard let text, !text.isEmpty else { return nil }
        return Hex.encode(SHA256.hash(data: Data("portico-\(kind)\0\(text)".utf8)).prefix(8))
    }
}

extension AccessHistory.Account {
    /// Every link not among `kept` (viewer id, NUL, serial) stops opening the portal: it is `revoked` from now on.
    mutating func endLinks(except kept: Set<String>, on date: Day) {
        for (id, links) in viewers {
            for (serial, link) in links where link.state != .revoked && !kept.contains(id + "\0" + serial) {
                viewers[id]?[serial] = AccessHistory.Link(state: .revoked, since: date.description, email: link.email, name: link.name)
            }
        }
    }
}

/// `.portico/publishes/access.ledger`: the `AccessHistory` as JSON, beside the publish records (keep both between
/// CI runs). Not `.json`: the publish log reads every `.json` file of the folder as a record.
public struct AccessHistoryFile: Sendable {
    public let file: URL
    /// How diagnostics name the file: relative to the content folder, like every other location.
    public static let displayPath = "../.portico/publishes/access.ledger"

    public init(project: URL) {
        file = PrivateFolder.folder(project: project).appendingPathComponent("publishes/access.ledger")
    }

    public enum LoadError: Error, Equatable { case damaged(String) }

    /// The history; empty when the file does not exist yet. A damaged file is an error, never an empty history:
    /// forgetting it would let revoked links back.
    public func load() throws -> AccessHistory {
        guard let data = FileBytes.contents(of: file.path) else { return AccessHistory() }
        do { return try JSONDecoder().decode(AccessHistory.self, from: data) } catch {
            throw LoadError.damaged("\(error)")
        }
    }

    /// Loads, or reports why it cannot at the file's location.
    public func load(into log: DiagnosticLog) -> AccessHistory? {
        do { return try load() } catch {
            log.report(.error("access-history-damaged", at: SourceLocation(file: Self.displayPath, line: 1, column: 1),
                              "the access history, which remembers which links were revoked, cannot be read: \(error)",
                              hint: "restore .portico/publishes/ from your CI cache or a backup; delete the file only if you accept that links revoked before are no longer recognised"))
            return nil
        }
    }

    public func data(_ history: AccessHistory) -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        return (try? encoder.encode(history)) ?? Data()
    }

    /// Writes the history unless the file already holds exactly it.
    public func save(_ history: AccessHistory) throws {
        let bytes = data(history)
        if FileBytes.contents(of: file.path) == bytes { return }
        try PrivateFolder.create(file.deletingLastPathComponent())
        try bytes.write(to: file, options: .atomic)
    }

    /// A hash of the file as it is now ("none" when absent): the build cache trusts a previous build only while
    /// the history is the one that build left.
    public func digest() -> String {
        guard let data = FileBytes.contents(of: file.path) else { return "none" }
        return Self.digest(of: data)
    }

    public static func digest(of data: Data) -> String { Hex.encode(SHA256.hash(data: data).prefix(16)) }
}
