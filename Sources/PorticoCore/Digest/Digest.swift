import Foundation

/// What is new or updated for one account since a date or a publish, as email-ready HTML and plain text.
public struct Digest: Sendable {
    public var account: ResolvedAccount
    public var new: [ResolvedPage]
    public var updated: [ResolvedPage]
    public var sinceText: String

    public enum Since: Sendable, Equatable {
        case date(Day)
        case lastPublish
    }

    public enum Failure: Error, CustomStringConvertible {
        case noPublishRecorded(String)
        public var description: String {
            switch self {
            case .noPublishRecorded(let folder):
                "no publish is recorded in \(folder) yet: run `portico build` once, or use --since YYYY-MM-DD"
            }
        }
    }

    /// `records` oldest first. For `last-publish` the baseline is the newest record that differs from
    /// the current content, so the digest reads the same before and after today's publish.
    public init(account: ResolvedAccount, since: Since, records: [PublishRecord], recordsFolder: String = ".portico/publishes") throws {
        self.account = account
        let current = PublishRecord.fingerprints(of: account)
        switch since {
        case .lastPublish:
            guard let baseline = records.reversed().first(where: { $0.accounts[account.slug] != current }) ?? records.last else {
                throw Failure.noPublishRecorded(recordsFolder)
            }
            let before = baseline.accounts[account.slug] ?? [:]
            new = account.pages.filter { before[$0.outputPath] == nil }
            updated = account.pages.filter { page in before[page.outputPath].map { $0 != current[page.outputPath] } ?? false }
            sinceText = baseline.date
        case .date(let day):
            new = account.pages.filter { $0.source.date >= day }
            let baseline = records.last { $0.date < day.description }?.accounts[account.slug]
            updated = account.pages.filter { page in
                page.source.date < day && (baseline?[page.outputPath]).map { $0 != current[page.outputPath] } == true
            }
            sinceText = day.description
        }
    }

    public var isEmpty: Bool { new.isEmpty && updated.isEmpty }

    /// Renders through the theme's `digest.mustache` (HTML, inline styles) and `digest.txt.mustache`.
    public func render(theme: Theme, portalTitle: String, accountURL: String) -> (html: String, text: String) {
        let language = account.config.locale
        let palette = BrandPalette(brand: Color(hex: account.config.brand.color) ?? Color(hex: "#1f4e8c")!)
        func item(_ page: ResolvedPage) -> [String: Any] {
            var item: [String: Any] = [
                "title": page.source.title, "url": accountURL + RelativeURL.between("index.html", page.outputPath),
                "kindLabel": theme.string(page.source.kind == .caseStudies ? "caseStudies" : page.source.kind.rawValue, language),
                "dateText": Formatting.date(page.source.date, language),
            ]
            if let summary = page.source.summary { item["summary"] = summary }
            return item
        }
        let context: [String: Any] = [
            "lang": language.rawValue, "t": theme.strings(for: language),
            "portal": ["title": portalTitle], "accountURL": accountURL,
            "account": ["name": account.config.name[language]],
            "brand": ["accent": palette.accent.hex, "accentInk": palette.accentInk.hex, "onAccent": palette.onAccent.hex],
            "intro": theme.string("digestIntro", language, ["name": account.config.name[language], "since": sinceText]),
            "new": new.map(item), "hasNew": !new.isEmpty, "updated": updated.map(item), "hasUpdated": !updated.isEmpty,
        ]
        return (theme.render("digest", context), theme.render("digest.txt", context))
    }
}
