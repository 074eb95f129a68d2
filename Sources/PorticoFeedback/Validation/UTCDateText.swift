import Foundation
import GRDB
import PorticoCore

/// A date as the two texts ingest writes: GRDB's storage text (`2026-12-02 02:21:00.123`, what GRDB stores for a
/// `Date`) and ISO 8601 to the second (`2026-12-02T02:21:00Z`, what `.formatted(.iso8601)` gives), both UTC. Written
/// from the calendar arithmetic instead of through Foundation's formatters (ICU), which are costly per submission
/// (bench/RESULTS.md, "What the shortcuts in the source save"). Outside years 1970–9999 it falls back to the
/// formatters, so the text is always theirs.
enum UTCDateText {
    /// GRDB's text for `date`: binding it stores the same row as binding the `Date`.
    static func storage(_ date: Date) -> String {
        guard let parts = Parts(date, nearestMillisecond: true) else { return String.fromDatabaseValue(date.databaseValue) ?? "" }
        return parts.text(separator: " ", ending: .milliseconds)
    }

    /// `date.formatted(.iso8601)`.
    static func iso8601(_ date: Date) -> String {
        guard let parts = Parts(date, nearestMillisecond: false) else { return date.formatted(.iso8601) }
        return parts.text(separator: "T", ending: .zulu)
    }

    private struct Parts {
        var year, month, day, hour, minute, second, millisecond: Int

        /// Nil outside 1970–9999 (and for dates that are not finite). `nearestMillisecond` as DateFormatter (CFDateFormatter
        /// adds half a millisecond before ICU floors), else floored as the ISO 8601 format style does.
        init?(_ date: Date, nearestMillisecond: Bool) {
            let since1970 = (date.timeIntervalSinceReferenceDate + Date.timeIntervalBetween1970AndReferenceDate) * 1000
            let milliseconds = (nearestMillisecond ? since1970 + 0.5 : since1970).rounded(.down)
            guard milliseconds.isFinite, milliseconds >= 0, milliseconds < 253_402_300_800_000 else { return nil }
            let total = Int64(milliseconds)
            let (days, inDay) = total.quotientAndRemainder(dividingBy: 86_400_000)
            millisecond = Int(inDay % 1000)
            let seconds = Int(inDay / 1000)
            (hour, minute, second) = (seconds / 3600, seconds / 60 % 60, seconds % 60)
            let civil = Day(ordinal: Int(days))
            (year, month, day) = (civil.year, civil.month, civil.day)
        }

        enum Ending { case milliseconds, zulu }

        func text(separator: Unicode.Scalar, ending: Ending) -> String {
            String(unsafeUninitializedCapacity: 23) { buffer in
                var at = 0
                func put(_ value: Int, width: Int) {
                    var rest = value
                    for index in (at..<at + width).reversed() {
                        buffer[index] = UInt8(48 + rest % 10)
                        rest /= 10
                    }
                    at += width
                }
                func put(_ scalar: Unicode.Scalar) {
                    buffer[at] = UInt8(scalar.value)
                    at += 1
                }
                put(year, width: 4); put("-"); put(month, width: 2); put("-"); put(day, width: 2); put(separator)
                put(hour, width: 2); put(":"); put(minute, width: 2); put(":"); put(second, width: 2)
                switch ending {
                case .milliseconds: put("."); put(millisecond, width: 3)
                case .zulu: put("Z")
                }
                return at
            }
        }
    }
}
