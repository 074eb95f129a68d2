import Foundation
import GRDB
import PostgresNIO

extension PostgresRow {
    /// This row as a GRDB row holding what SQLite would: integers, text, blobs, and timestamps as SQLite's
    /// `yyyy-MM-dd HH:mm:ss.SSS` text (UTC, to the millisecond), so every record type decodes both alike.
    func grdbRow() throws -> Row {
        var values: [String: (any DatabaseValueConvertible)?] = [:]
        for cell in self {
            guard cell.bytes != nil else { values[cell.columnName] = DatabaseValue.null; continue }
            switch cell.dataType {
            case .int2, .int4, .int8: values[cell.columnName] = try cell.decode(Int64.self)
            case .bool: values[cell.columnName] = try cell.decode(Bool.self)
            case .float4, .float8: values[cell.columnName] = try cell.decode(Double.self)
            case .numeric: values[cell.columnName] = NSDecimalNumber(decimal: try cell.decode(Decimal.self)).doubleValue
            case .bytea: values[cell.columnName] = Data(try cell.decode(ByteBuffer.self).readableBytesView)
            case .timestamptz, .timestamp:
                var buffer = cell.bytes!
                guard let microseconds = buffer.readInteger(as: Int64.self) else { throw PostgresDecodingError.Code.failure }
                values[cell.columnName] = Self.sqliteTimestamp(microsecondsSince2000: microseconds)
            default: values[cell.columnName] = try cell.decode(String.self)
            }
        }
        return Row(values)
    }

    /// Integer arithmetic, so that the text is the same however the microseconds round through a `Double`.
    static func sqliteTimestamp(microsecondsSince2000 microseconds: Int64) -> String {
        let milliseconds = microseconds >= 0 ? microseconds / 1000 : (microseconds - 999) / 1000
        let unixMilliseconds = milliseconds + 946_684_800_000
        var seconds = time_t(unixMilliseconds >= 0 ? unixMilliseconds / 1000 : (unixMilliseconds - 999) / 1000)
        let fraction = Int(unixMilliseconds - Int64(seconds) * 1000)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        return String(format: "%04d-%02d-%02d %02d:%02d:%02d.%03d", Int(parts.tm_year) + 1900, Int(parts.tm_mon) + 1, Int(parts.tm_mday),
                      Int(parts.tm_hour), Int(parts.tm_min), Int(parts.tm_sec), fraction)
    }
}
