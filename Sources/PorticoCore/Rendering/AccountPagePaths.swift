extension AccountRenderer {
    /// Every HTML page `renderAll` emits for `account`, as paths relative to the account root: the articles, then
    /// per UI language its home, list pages and search page. The engagement server accepts reading signals for
    /// exactly these pages.
    public static func htmlPagePaths(of account: ResolvedAccount, portal: PortalConfig) -> [String] {
        let languages = languages(of: account, portal: portal)
        let lists = PageKind.allCases.flatMap { ListPages.plan($0, of: account).pages.map(\.path) }
        var paths = account.pages.map(\.outputPath)
        for language in languages {
            let lead = language == account.config.locale ? "" : language.rawValue + "/"
            paths.append(lead + "index.html")
            paths += lists.map { lead + $0 }
            paths.append(lead + "search/index.html")
        }
        return paths
    }
}
