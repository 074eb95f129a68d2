import Foundation
import PorticoCore

/// What the feedback server needs and nothing more (docs/feedback.md, "The server key file"): per
/// account its path, per viewer the status, expiry and the key that verifies its proofs. The proof
/// key is one-way from the viewer's token, so the file opens no page, asset or keyring entry.
public struct ServerKeyFile: Sendable, Equatable {
    public static let format = "portico-server-keys"
    public static let version = 1

    public struct Viewer: Sendable, Equatable {
        public var id: String
        /// As of the build's day; the server recomputes expiry from `expires` with its own clock.
        public var status: ViewerStatus
        public var expires: Day?
        public var proofKey: Data

        public init(id: String, status: ViewerStatus, expires: Day?, proofKey: Data) {
            self.id = id
            self.status = status
            self.expires = expires
            self.proofKey = proofKey
        }
    }

    public struct Account: Sendable, Equatable {
        public var slug: String
        public var path: String
        public var viewers: [Viewer]

        public init(slug: String, path: String, viewers: [Viewer]) {
            self.slug = slug
            self.path = path
            self.viewers = viewers
        }
    }

    public var accounts: [Account]
    /// Console staff by id: the public key each one's sign-in links verify with (StaffLink).
    public var staffKeys: [String: Data]

    public init(accounts: [Account], staffKeys: [String: Data] = [:]) {
        self.accounts = accounts
        self.staffKeys = staffKeys
    }

    /// Derived through the same functions the build seals with, so the keys are the browser's.
    public init(secret: PortalSecret, accounts configs: [AccountConfig], staff: [StaffMember] = [], today: Day) {
        staffKeys = Dictionary(staff.map { ($0.id, StaffLink.verificationKey(secret: secret, staff: $0.id)) }, uniquingKeysWith: { first, _ in first })
        accounts = configs.sorted { $0.slug < $1.slug }.map { config in
            let keys = AccountKeys(secret: secret, account: config, today: today)
            let viewers = config.viewers.sorted { $0.id < $1.id }.map { viewer in
                Viewer(id: viewer.id, status: ViewerStatus(viewer, today: today), expires: viewer.expires,
                       proofKey: keys.feedbackKey(for: viewer))
            }
            return Account(slug: config.slug, path: keys.path, viewers: viewers)
        }
    }

    /// `<project>/.portico/server-keys`: where `build` writes it and `serve` reads it by default.
    public static func defaultLocation(project: URL) -> URL {
        project.appendingPathComponent(".portico/server-keys")
    }

    /// Sorted keys, one line per viewer: the same accounts give the same bytes.
    public func encoded() -> Data {
        var lines = ["{\"format\":\(JSONText.quote(Self.format)),\"version\":\(Self.version),\"accounts\":["]
        for (index, account) in accounts.enumerated() {
            lines.append(" {\"slug\":\(JSONText.quote(account.slug)),\"path\":\(JSONText.quote(account.path)),\"viewers\":[")
            for (number, viewer) in account.viewers.enumerated() {
                let expires = viewer.expires.map { JSONText.quote($0.description) } ?? "null"
                let comma = number == account.viewers.count - 1 ? "" : ","
                lines.append("  {\"id\":\(JSONText.quote(viewer.id)),\"status\":\(JSONText.quote(viewer.status.rawValue)),"
                             + "\"expires\":\(expires),\"proof_key\":\(JSONText.quote(viewer.proofKey.base64URL))}\(comma)")
            }
            lines.append(" ]}" + (index == accounts.count - 1 ? "" : ","))
        }
        lines.append("],\"staff\":[")
        for (number, id) in staffKeys.keys.sorted().enumerated() {
            let comma = number == staffKeys.count - 1 ? "" : ","
            lines.append(" {\"id\":\(JSONText.quote(id)),\"verify_key\":\(JSONText.quote(staffKeys[id]!.base64URL))}\(comma)")
        }
        lines.append("]}")
        return Data((lines.joined(separator: "\n") + "\n").utf8)
    }

    public static func decode(_ data: Data) throws(ServerKeyFileError) -> ServerKeyFile {
        guard let root = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw ServerKeyFileError("is not a JSON object")
        }
        guard root["format"] as? String == format else { throw ServerKeyFileError("`format` is not \"\(format)\"") }
        guard let version = root["version"] as? Int else { throw ServerKeyFileError("`version` is missing") }
        guard version == Self.version else {
            throw ServerKeyFileError("`version` is \(version); this portico reads version \(Self.version) (build with the same portico that serves)")
        }
        guard let accountList = root["accounts"] as? [[String: Any]] else { throw ServerKeyFileError("`accounts` must be a list of objects") }
        var accounts: [Account] = []
        for (index, object) in accountList.enumerated() {
            let at = "accounts[\(index)]"
            guard let slug = object["slug"] as? String, !slug.isEmpty else { throw ServerKeyFileError("\(at).slug must be a non-empty string") }
            guard let path = object["path"] as? String, !path.isEmpty else { throw ServerKeyFileError("\(at).path must be a non-empty string") }
            guard let viewerList = object["viewers"] as? [[String: Any]] else { throw ServerKeyFileError("\(at).viewers must be a list of objects") }
            var viewers: [Viewer] = []
            for (number, entry) in viewerList.enumerated() {
                let place = "\(at).viewers[\(number)]"
                guard let id = entry["id"] as? String, !id.isEmpty else { throw ServerKeyFileError("\(place).id must be a non-empty string") }
                guard let status = (entry["status"] as? String).flatMap(ViewerStatus.init(rawValue:)) else {
                    throw ServerKeyFileError("\(place).status must be active, expired or revoked")
                }
                var expires: Day?
                if let text = entry["expires"] as? String {
                    guard let day = Day(text) else { throw ServerKeyFileError("\(place).expires must be a date YYYY-MM-DD or null") }
                    expires = day
                } else if !(entry["expires"] is NSNull) {
                    throw ServerKeyFileError("\(place).expires must be a date YYYY-MM-DD or null")
                }
                guard let key = (entry["proof_key"] as? String).flatMap({ Data(base64URL: $0) }), key.count == 32 else {
                    throw ServerKeyFileError("\(place).proof_key must be 32 bytes in base64url")
                }
                viewers.append(Viewer(id: id, status: status, expires: expires, proofKey: key))
            }
            accounts.append(Account(slug: slug, path: path, viewers: viewers))
        }
        var staffKeys: [String: Data] = [:]
        if let staffList = root["staff"] {
            guard let entries = staffList as? [[String: Any]] else { throw ServerKeyFileError("`staff` must be a list of objects") }
            for (index, entry) in entries.enumerated() {
                guard let id = entry["id"] as? String, !id.isEmpty else { throw ServerKeyFileError("staff[\(index)].id must be a non-empty string") }
                guard let key = (entry["verify_key"] as? String).flatMap({ Data(base64URL: $0) }), key.count == 32 else {
                    throw ServerKeyFileError("staff[\(index)].verify_key must be 32 bytes in base64url")
                }
                staffKeys[id] = key
            }
        }
        return ServerKeyFile(accounts: accounts, staffKeys: staffKeys)
    }

    public static func read(_ url: URL) throws(ServerKeyFileError) -> ServerKeyFile {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw ServerKeyFileError("cannot be read; run `portico build` to write it, or name another with --server-keys", file: url.path)
        }
        do { return try decode(data) } catch {
            throw ServerKeyFileError(error.problem, file: url.path)
        }
    }

    /// Replaces `url` whole: written to a 0600 temporary file beside it, then renamed over it, so a
    /// server reloading meanwhile reads the old file or the new one, never half of one.
    public func write(to url: URL) throws {
        let folder = url.deletingLastPathComponent()
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let temporary = folder.appendingPathComponent(".\(url.lastPathComponent).\(getpid()).tmp")
        unlink(temporary.path)
        let descriptor = open(temporary.path, O_WRONLY | O_CREAT | O_EXCL, 0o600)
        guard descriptor >= 0 else { throw ServerKeyFileError("cannot create \(temporary.path): \(String(cString: strerror(errno)))", file: url.path) }
        let handle = FileHandle(fileDescriptor: descriptor, closeOnDealloc: true)
        do {
            try handle.write(contentsOf: encoded())
            try handle.synchronize()
            try handle.close()
        } catch {
            unlink(temporary.path)
            throw ServerKeyFileError("cannot be written: \(error)", file: url.path)
        }
        guard rename(temporary.path, url.path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporary.path)
            throw ServerKeyFileError("cannot be written: \(reason)", file: url.path)
        }
    }
}

public struct ServerKeyFileError: Error, CustomStringConvertible, Equatable {
    public var problem: String
    public var file: String?

    public init(_ problem: String, file: String? = nil) {
        self.problem = problem
        self.file = file
    }

    public var description: String { "\(file ?? "server key file"): \(problem)" }
}
