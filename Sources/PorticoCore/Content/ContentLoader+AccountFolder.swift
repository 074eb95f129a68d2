import Foundation

/// What loading one folder of pages found.
struct LoadedPages {
    var pages: [SourcePage] = []
    /// Markdown files that could not be read.
    var unreadable = Set<String>()
    var fingerprints: [String: PageFingerprint] = [:]
}

extension ContentLoader {
    /// One account folder: its account.yml, pages and assets; nil (with the problem reported) when it has none.
    func loadAccount(_ slug: String, log: DiagnosticLog) -> (Account, LoadedPages)? {
        let base = "accounts/\(slug)"
        guard Identifier.isSlug(slug) else {
            log.report(.error("bad-account-slug", at: SourceLocation(file: base), "account folder `\(slug)` is not a valid slug",
                              hint: "use lowercase letters, digits and hyphens"))
            return nil
        }
        guard let text = read("\(base)/account.yml", log: log, missingHint: "add \(base)/account.yml with at least `name:`") else { return nil }
        let (accountConfig, diagnostics) = ConfigParser.account(text, slug: slug, file: "\(base)/account.yml")
        log.report(contentsOf: diagnostics)
        let loaded = loadPages(in: base, origin: .account(slug), log: log)
        let account = Account(config: accountConfig, pages: loaded.pages, assets: files(under: "\(base)/assets"))
        if let logo = accountConfig.brand.logo, !account.assets.contains("\(base)/\(logo)") {
            log.report(.error("missing-logo", at: SourceLocation(file: "\(base)/account.yml"),
                              "brand.logo `\(logo)` does not exist", hint: "put the file at \(base)/\(logo) or fix the path"))
        }
        for page in account.pages {
            if let sme = page.sme, accountConfig.sme(named: sme) == nil {
                let known = accountConfig.smes.map(\.name)
                log.report(.error("unknown-sme", at: page.smeLocation ?? SourceLocation(file: page.sourcePath, line: 1),
                                  "`sme: \(sme)` is not one of the account's SMEs",
                                  hint: known.isEmpty ? "add the SME under `smes:` in \(base)/account.yml" : "use one of: \(known.joined(separator: ", "))"))
            }
        }
        return (account, loaded)
    }
}
