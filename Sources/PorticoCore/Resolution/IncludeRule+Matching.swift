extension IncludeRule {
    public func matches(_ page: SourcePage) -> Bool {
        if let industries, Set(industries).isDisjoint(with: page.industries) { return false }
        if let tags, Set(tags).isDisjoint(with: page.tags) { return false }
        if let pages, !pages.contains(page.libraryPath ?? "") { return false }
        return industries != nil || tags != nil || pages != nil
    }
}
