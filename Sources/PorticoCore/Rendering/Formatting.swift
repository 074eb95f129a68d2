import Foundation

/// Dates and reading times as each language writes them.
public enum Formatting {
    static let monthsEN = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    /// `12 Sep 2026` / `2026年9月12日`.
    public static func date(_ day: Day, _ language: Language) -> String {
        switch language {
        case .en: "\(day.day) \(monthsEN[day.month - 1]) \(day.year)"
        case .zhCN: "\(day.year)年\(day.month)月\(day.day)日"
        }
    }
}

/// Relative URLs between output files, so a site works under any prefix and from any host.
public enum RelativeURL {
    /// `from` and `to` are paths relative to one root (`insights/x/index.html`); a trailing `index.html` becomes `/`.
    public static func between(_ from: String, _ to: String) -> String {
        let target: Substring = if to == "index.html" { "" } else if to.hasSuffix("/index.html") { to.dropLast("index.html".count) } else { to[...] }
        let depth = folders(above: from)
        if depth == 0 { return target.isEmpty ? "./" : String(target) }
        return up(depth) + target
    }

    /// `../` repeated once per folder above `path`.
    public static func toRoot(from path: String) -> String {
        let depth = folders(above: path)
        return depth == 0 ? "./" : up(depth)
    }

    /// The folders `path` lies in: its non-empty `/`-separated parts but the last (relative links are built
    /// for every page, several times each, so this counts bytes instead of splitting).
    static func folders(above path: String) -> Int {
        var parts = 0, inPart = false
        for byte in path.utf8 {
            if byte == UInt8(ascii: "/") { inPart = false } else if !inPart { inPart = true; parts += 1 }
        }
        return max(parts - 1, 0)
    }

    private static let ups = (0..<16).map { String(repeating: "../", count: $0) }

    private static func up(_ depth: Int) -> String { depth < ups.count ? ups[depth] : String(repeating: "../", count: depth) }
}
