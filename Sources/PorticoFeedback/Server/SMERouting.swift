import PorticoCore

/// Who follows up: the page's `sme`, else the first SME whose topics share a tag with the page,
/// else the account's first SME.
public enum SMERouting {
    public static func assign(page: FeedbackDirectory.PageRouting?, account: AccountConfig) -> SME? {
        if let named = page?.sme, let sme = account.sme(named: named) { return sme }
        let tags = Set((page?.tags ?? []).map { $0.lowercased() })
        if let match = account.smes.first(where: { !tags.isDisjoint(with: $0.topics.map { $0.lowercased() }) }) { return match }
        return account.smes.first
    }
}
