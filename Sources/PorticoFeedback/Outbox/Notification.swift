import Foundation

/// The webhook's JSON: who asked what on which page, and who should answer.
enum Notification {
    static func payload(id: Int64, accountSlug: String, new: NewSubmission) -> String {
        var object: [String: JSONValue] = [
            "id": .integer(id),
            "received_at": .string(ISO8601DateFormatter().string(from: new.receivedAt)),
            "account": .string(accountSlug),
            "page": .string(new.submission.page),
            "viewer": .string(new.submission.viewer),
            "fields": .object(new.submission.fields),
        ]
        if let sme = new.sme {
            object["sme"] = .object(["name": .string(sme.name), "email": sme.email.map(JSONValue.string) ?? .null])
        } else {
            object["sme"] = .null
        }
        return JSONValue.object(object).jsonText()
    }
}
