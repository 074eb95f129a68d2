/// `IncludeRule.matches` with the rule's lists made sets once, rather than once per library page.
struct IncludeMatcher {
    private let industries: Set<String>?
    private let tags: Set<String>?
    private let pages: Set<String>?

    init(_ rule: IncludeRule) {
        industries = rule.industries.map(Set.init)
        tags = rule.tags.map(Set.init)
        pages = rule.pages.map(Set.init)
    }

    func matches(_ page: SourcePage) -> Bool {
        if let industries, industries.isDisjoint(with: page.industries) { return false }
        if let tags, tags.isDisjoint(with: page.tags) { return false }
        if let pages, !pages.contains(page.libraryPath ?? "") { return false }
        return industries != nil || tags != nil || pages != nil
    }
}
