import Foundation
import PorticoGate

/// A Standard Webhooks signing secret: `whsec_` then the key in base64 (standardwebhooks.com).
public struct WebhookSecret: Sendable, Equatable {
    public static let prefix = "whsec_"
    let key: Data

    /// Throws the reason when `text` is not `whsec_<base64 of 24 to 64 bytes>`.
    public init(_ text: String) throws(WebhookSecretError) {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard trimmed.hasPrefix(Self.prefix) else { throw WebhookSecretError("must start with `\(Self.prefix)`") }
        guard let key = Data(base64Encoded: String(trimmed.dropFirst(Self.prefix.count))) else {
            throw WebhookSecretError("after `\(Self.prefix)` must come base64")
        }
        guard (24...64).contains(key.count) else { throw WebhookSecretError("must hold 24 to 64 bytes, not \(key.count)") }
        self.key = key
    }

    /// The three headers of one delivery: `webhook-id` (the same on every retry, so the receiver can drop
    /// repeats), `webhook-timestamp` (now, in Unix seconds) and `webhook-signature` (`v1,` + base64 of
    /// HMAC-SHA256 over `id.timestamp.body`).
    public func headers(id: String, timestamp: Date, body: Data) -> [(name: String, value: String)] {
        let seconds = String(Int64(timestamp.timeIntervalSince1970.rounded(.down)))
        let signature = KeyDerivation.hmac(key, Data("\(id).\(seconds).".utf8) + body).base64EncodedString()
        return [("webhook-id", id), ("webhook-timestamp", seconds), ("webhook-signature", "v1,\(signature)")]
    }
}

public struct WebhookSecretError: Error, CustomStringConvertible {
    public var problem: String
    init(_ problem: String) { self.problem = problem }
    public var description: String { "the webhook secret \(problem) (make one with: echo \"whsec_$(openssl rand -base64 32)\")" }
}
