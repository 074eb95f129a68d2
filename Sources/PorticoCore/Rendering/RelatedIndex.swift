/// "Related" pages of an account: those sharing the most tags, newest first, three at most.
/// Built once per account from a tag → pages index, so each page looks only at pages it shares a tag with.
struct RelatedIndex {
    private let pages: [(path: String, tags: [String], date: Day)]
    private let pagesByTag: [String: [Int]]
    private let indexByPath: [String: Int]

    init(_ pages: [ResolvedPage]) {
        self.pages = pages.map { ($0.outputPath, $0.source.tags, $0.source.date) }
        var byTag: [String: [Int]] = [:]
        for (index, page) in pages.enumerated() {
            for tag in Set(page.source.tags) { byTag[tag, default: []].append(index) }
        }
        pagesByTag = byTag
        indexByPath = Dictionary(pages.enumerated().map { ($1.outputPath, $0) }, uniquingKeysWith: { first, _ in first })
    }

    /// Indices into the account's pages, best match first; ties keep the account's page order.
    func related(to path: String, limit: Int = 3) -> [Int] {
        guard let index = indexByPath[path] else { return [] }
        var shared: [Int: Int] = [:]
        for tag in Set(pages[index].tags) {
            for other in pagesByTag[tag] ?? [] where pages[other].path != path { shared[other, default: 0] += 1 }
        }
        return shared.keys.sorted()
            .map { ($0, shared[$0]!) }
            .sorted { ($0.1, pages[$0.0].date) > ($1.1, pages[$1.0].date) }
            .prefix(limit).map(\.0)
    }
}
