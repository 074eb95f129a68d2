import Foundation
import PorticoCore

/// The `Date` header's text (RFC 9110 IMF-fixdate), made once a second: what Hummingbird's own date cache gives its
/// responses, for the answers `EventLoopIngestHandler` writes itself.
enum HTTPDate {
    private static let cache = Locked<(second: Int, text: String)>((-1, ""))
    private static let days = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"]  // 1 Jan 1970 was a Thursday
    private static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    static func now() -> String { text(second: Int(Date().timeIntervalSince1970)) }

    static func text(second: Int) -> String {
        if let cached = cache.withLock({ $0.second == second ? $0.text : nil }) { return cached }
        let text = format(second: second)
        cache.withLock { $0 = (second, text) }
        return text
    }

    /// Seconds since 1970 (the server's clock is never before it).
    static func format(second: Int) -> String {
        let ordinal = second / 86_400
        let time = second % 86_400
        let date = Day(ordinal: ordinal)
        func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
        return "\(days[ordinal % 7]), \(two(date.day)) \(months[date.month - 1]) \(date.year) "
            + "\(two(time / 3600)):\(two(time / 60 % 60)):\(two(time % 60)) GMT"
    }
}
