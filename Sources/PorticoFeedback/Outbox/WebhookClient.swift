import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Posts one notification; throws unless the receiver answered 2xx.
public protocol WebhookClient: Sendable {
    /// `headers` are the Standard Webhooks signature headers.
    func post(_ body: Data, to url: URL, headers: [(name: String, value: String)]) async throws
}

public struct WebhookFailure: Error, CustomStringConvertible {
    public var description: String
}

/// Foundation's URLSession: already part of the toolchain, so no HTTP client dependency is added.
public struct URLSessionWebhookClient: WebhookClient {
    public var timeout: TimeInterval

    public init(timeout: TimeInterval = 10) { self.timeout = timeout }

    public func post(_ body: Data, to url: URL, headers: [(name: String, value: String)]) async throws {
        var request = URLRequest(url: url, timeoutInterval: timeout)
        request.httpMethod = "POST"
        request.httpBody = body
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        let (_, response) = try await URLSession.shared.data(for: request)
        let status = (response as? HTTPURLResponse)?.statusCode ?? 0
        guard (200..<300).contains(status) else { throw WebhookFailure(description: "the webhook answered HTTP \(status)") }
    }
}
