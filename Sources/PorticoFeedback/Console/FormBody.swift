import Foundation
import Hummingbird

/// An `application/x-www-form-urlencoded` body, as the console's forms send it without JavaScript.
struct FormBody: Sendable {
    static let limit = 32 * 1024
    private(set) var values: [String: [String]] = [:]

    init(_ text: String) {
        for pair in text.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = Self.decode(parts[0]), value = parts.count > 1 ? Self.decode(parts[1]) : ""
            values[name, default: []].append(value)
        }
    }

    static func decode(_ part: Substring) -> String {
        String(part).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? ""
    }

    subscript(_ name: String) -> String? { values[name]?.first }

    /// The request's form, or nil when it is not a form or larger than `limit`.
    static func read(_ request: Request) async -> FormBody? {
        let type = request.headers[.contentType]?.split(separator: ";").first?.trimmingCharacters(in: .whitespaces).lowercased()
        guard type == "application/x-www-form-urlencoded",
              let buffer = try? await request.body.collect(upTo: limit) else { return nil }
        return FormBody(String(decoding: buffer.readableBytesView, as: UTF8.self))
    }
}
