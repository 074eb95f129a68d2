/// "Related" pages of an account: those sharing the most tags, newest first, three at most.
/// Built once per account from a tag → pages index, so each page looks only at pages it shares a tag with.
struct RelatedIndex {
    private let pages: [(path: String, tags: [String], date: Day)]
    private let pagesByTag: [String: [Int]]
    private let indexByPath: [String: Int]
    /// Two pages with one output path (an error reported elsewhere): then "the same page" is compared by path.
    private let pathsRepeat: Bool

    init(_ pages: [ResolvedPage]) {
        self.pages = pages.map { ($0.outputPath, $0.source.tags, $0.source.date) }
        var byTag: [String: [Int]] = [:]
        for (index, page) in pages.enumerated() {
            for tag in Set(page.source.tags) { byTag[tag, default: []].append(index) }
        }
        pagesByTag = byTag
        indexByPath = Dictionary(pages.enumerated().map { ($1.outputPath, $0) }, uniquingKeysWith: { first, _ in first })
        pathsRepeat = indexByPath.count != pages.count
    }

    /// Indices into the account's pages, best match first; ties keep the account's page order.
    func related(to path: String, limit: Int = 3) -> [Int] {
        guard let index = indexByPath[path] else { return [] }
        var shared = [Int](repeating: 0, count: pages.count)
        for tag in Set(pages[index].tags) {
            for other in pagesByTag[tag] ?? [] where other != index && (!pathsRepeat || pages[other].path != path) { shared[other] += 1 }
        }
        // The best `limit` by (shared tags, date), both descending; on a tie the earlier page wins.
        func better(_ a: Int, _ b: Int) -> Bool {
            (shared[a], pages[a].date) > (shared[b], pages[b].date) || ((shared[a], pages[a].date) == (shared[b], pages[b].date) && a < b)
        }
        var best: [Int] = []
        for other in shared.indices where shared[other] > 0 {
            guard best.count < limit || better(other, best[best.count - 1]) else { continue }
            let position = best.firstIndex { better(other, $0) } ?? best.count
            best.insert(other, at: position)
            if best.count > limit { best.removeLast() }
        }
        return best
    }
}
