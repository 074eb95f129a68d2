import Foundation
import PorticoCore
import PorticoGate

/// A build with `--base-url` other than portal.yml's is a preview. Built with the published portal's secret, a
/// preview of an older branch would hand out again links revoked since: so previews need a secret of their own,
/// and only publishes record into `.portico/publishes/`.
enum PreviewSecret {
    static func access(for secret: PortalSecret, portal: PortalConfig, baseURL: String?, project: ProjectOptions) throws -> AccessGuard {
        let file = AccessHistoryFile(project: project.projectURL)
        let published = (try? file.load())?.secret // a damaged history is reported by the build itself
        let trimmed = baseURL.map { $0.hasSuffix("/") ? String($0.dropLast()) : $0 }
        if let trimmed, trimmed != portal.baseURL {
            if published == secret.fingerprint {
                Terminal.error("error: this preview build (--base-url \(trimmed)) uses the secret of the published portal: a preview of an older branch would make links revoked since work again, for anyone who can reach the preview.\n"
                               + "  fix: build previews with a secret of their own, e.g. PORTICO_SECRET=\"$PORTICO_PREVIEW_SECRET\" (make one with `openssl rand -hex 32`); see docs/ci.md")
                throw Exit.contentErrors
            }
            return AccessGuard(file: file, records: false, secret: secret.fingerprint)
        }
        if let published, published != secret.fingerprint {
            Terminal.error("warning: this secret is not the one that made the last publish (\(AccessHistoryFile.displayPath.dropFirst(3))): every link of every account changes. "
                           + "For a preview, pass --base-url with the preview's address so nothing is recorded as published.")
        }
        return AccessGuard(file: file, records: true, secret: secret.fingerprint)
    }
}
