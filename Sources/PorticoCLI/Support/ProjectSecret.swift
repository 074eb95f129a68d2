import Foundation
import PorticoCore
import PorticoGate

/// The portal secret as every command loads it: `PORTICO_SECRET`, else `.portico/secret`, with a warning when
/// `.portico/` or the secret file is open to other users.
enum ProjectSecret {
    static func load(_ project: ProjectOptions, environment: [String: String] = ProcessInfo.processInfo.environment) throws -> PortalSecret {
        let fromFile = (environment["PORTICO_SECRET"] ?? "").isEmpty
        warnAboutModes(project, secretRead: fromFile)
        do { return try PortalSecret.load(project: project.projectURL, environment: environment) } catch {
            Terminal.error("error: \(error)")
            throw Exit.contentErrors
        }
    }

    /// Commands that read `.portico/` without the secret (check, digest) warn about its mode too.
    static func warnAboutModes(_ project: ProjectOptions, secretRead: Bool = false) {
        for warning in PrivateFolder.modeWarnings(project: project.projectURL, secretRead: secretRead) { Terminal.error(warning) }
    }
}
