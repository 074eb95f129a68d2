import Foundation

/// One tag of a kind's list, with the folder name of its own list.
struct ListTag: Equatable {
    let name: String
    let folderName: String
    let count: Int
}

/// One page of a kind's list: every piece of the kind, `ListPages.size` to a page (`insights/`,
/// `insights/page/2/` …), or every piece with one tag (`insights/tags/<n>/`, `insights/tags/<n>/page/2/` …).
/// Paths are relative to the account's language folder.
struct ListPage {
    let kind: PageKind
    let tag: ListTag?
    /// 1-based.
    let number: Int
    /// How many pages this list (all, or one tag) has.
    let count: Int
    /// Indices into the account's pages, newest first.
    let pages: ArraySlice<Int>

    var folder: String { tag.map { "\(kind.rawValue)/tags/\($0.folderName)/" } ?? "\(kind.rawValue)/" }
    var path: String { path(ofPage: number) }

    func path(ofPage number: Int) -> String {
        number == 1 ? folder + "index.html" : folder + "page/\(number)/index.html"
    }

    /// The page numbers a pagination bar shows: the first, the last, and two either side of this one; nil marks
    /// a gap, so a list of hundreds of pages does not link every one from every page.
    var window: [Int?] {
        var shown: [Int?] = []
        for candidate in 1...count where candidate == 1 || candidate == count || abs(candidate - number) <= 2 {
            if let last = shown.last, let previous = last, candidate > previous + 1 { shown.append(nil) }
            shown.append(candidate)
        }
        return shown
    }
}

enum ListPages {
    /// Cards per list page: a list of 1,500 pieces was one 856 KB page, fetched and decrypted whole.
    static let size = 50

    /// Every list page of `kind` (at least one, empty when the account has no piece of the kind), the
    /// whole list's pages first, then each tag's, tags in name order.
    static func plan(_ kind: PageKind, of account: ResolvedAccount) -> (tags: [ListTag], pages: [ListPage]) {
        let all = account.pageIndices(of: kind)
        var byTag: [String: [Int]] = [:]
        for index in all { for tag in Set(account.pages[index].source.tags) { byTag[tag, default: []].append(index) } }
        let tags = Self.tags(byTag.mapValues(\.count))
        var pages = split(all, kind: kind, tag: nil)
        for tag in tags { pages += split(byTag[tag.name]!, kind: kind, tag: tag) }
        return (tags, pages)
    }

    static func split(_ indices: [Int], kind: PageKind, tag: ListTag?) -> [ListPage] {
        let count = max(1, (indices.count + size - 1) / size)
        return (1...count).map { number in
            let start = (number - 1) * size
            return ListPage(kind: kind, tag: tag, number: number, count: count, pages: indices[start..<min(start + size, indices.count)])
        }
    }

    /// Tags in name order; each tag's list lives in a folder named by its place in that order (`tags/1/` …),
    /// never by its name: in a gated build every file name is public, and an account's topics are not.
    static func tags(_ counts: [String: Int]) -> [ListTag] {
        counts.keys.sorted().enumerated().map { index, name in ListTag(name: name, folderName: String(index + 1), count: counts[name]!) }
    }
}
