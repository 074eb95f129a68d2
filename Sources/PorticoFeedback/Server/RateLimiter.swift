import Foundation
import PorticoCore

/// `burst` requests at once, refilled at `burst` per `seconds`.
public struct RateLimit: Sendable, Equatable {
    public var burst: Int
    public var seconds: Double
    public init(burst: Int, per seconds: Double) { self.burst = burst; self.seconds = seconds }
    public static let unlimited = RateLimit(burst: .max, per: 1)
}

/// Token buckets by key (a viewer, an address). `take` answers nil when allowed, else the seconds to wait.
public final class RateLimiter: Sendable {
    private struct Bucket { var tokens: Double; var updated: Date }
    private let limit: RateLimit
    private let buckets = Locked<[String: Bucket]>([:])

    public init(_ limit: RateLimit) { self.limit = limit }

    public func take(_ key: String, now: Date) -> Int? {
        guard limit.burst != .max else { return nil }
        let capacity = Double(limit.burst)
        let rate = capacity / limit.seconds
        return buckets.withLock { buckets in
            var bucket = buckets[key] ?? Bucket(tokens: capacity, updated: now)
            bucket.tokens = min(capacity, bucket.tokens + max(0, now.timeIntervalSince(bucket.updated)) * rate)
            bucket.updated = now
            defer {
                buckets[key] = bucket
                if buckets.count > 100_000 { Self.prune(&buckets, now: now, rate: rate, capacity: capacity) }
            }
            if bucket.tokens >= 1 {
                bucket.tokens -= 1
                return nil
            }
            return max(1, Int(((1 - bucket.tokens) / rate).rounded(.up)))
        }
    }

    /// Drops buckets that have refilled completely (they are the same as no bucket).
    private static func prune(_ buckets: inout [String: Bucket], now: Date, rate: Double, capacity: Double) {
        buckets = buckets.filter { $0.value.tokens + now.timeIntervalSince($0.value.updated) * rate < capacity }
    }
}
