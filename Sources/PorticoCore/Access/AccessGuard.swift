import Foundation

/// How a build uses the access history: every account is checked against it and, when the build is a publish,
/// what it published is recorded into it once the site is in place.
public struct AccessGuard: Sendable {
    public var file: AccessHistoryFile
    /// A publish (not a check, nor a preview built with a secret of its own).
    public var records: Bool
    /// `PortalSecret.fingerprint` of the build's secret.
    public var secret: String?

    public init(file: AccessHistoryFile, records: Bool, secret: String? = nil) {
        self.file = file
        self.records = records
        self.secret = secret
    }

    /// The history after the build (to save, when it records) and the digest of the file as the build leaves it.
    public struct Reviewed: Sendable {
        let history: AccessHistory?
        let digest: String
    }

    /// Reports every problem of `configs` against the history; nil, with an error reported, when it is unreadable.
    func review(_ configs: [AccountConfig], today: Day, complete: Bool, log: DiagnosticLog) -> Reviewed? {
        guard let history = file.load(into: log) else { return nil }
        log.report(contentsOf: history.problems(configs, today: today))
        guard records else { return Reviewed(history: nil, digest: file.digest()) }
        let next = history.publishing(configs, on: today, secret: secret, complete: complete)
        return Reviewed(history: next, digest: AccessHistoryFile.digest(of: file.data(next)))
    }

    func save(_ reviewed: Reviewed?) throws {
        guard records, let history = reviewed?.history else { return }
        try file.save(history)
    }

    /// Checks only (`portico check`, and `SiteChecker` for a builder without a guard of its own).
    public func check(_ configs: [AccountConfig], today: Day, log: DiagnosticLog) {
        _ = AccessGuard(file: file, records: false).review(configs, today: today, complete: false, log: log)
    }
}
