import Foundation

/// The webhook's JSON: who asked what on which page, and who should answer. `type` tells a feedback submission
/// (`feedback`) from a workshop request (`workshop_request`).
enum Notification {
    static func payload(id: Int64, accountSlug: String, new: NewSubmission) -> String {
        let object: [String: JSONValue] = [
            "type": .string("feedback"),
            "id": .integer(id),
            "received_at": .string(new.receivedAt.formatted(.iso8601)),
            "account": .string(accountSlug),
            "page": .string(new.submission.page),
            "viewer": .string(new.submission.viewer),
            "fields": .object(new.submission.fields),
            "sme": sme(new.sme),
        ]
        return JSONValue.object(object).jsonText()
    }

    /// `submission_id` is the feedback that asked for it, or null when it came from the workshop form.
    static func workshopPayload(id: Int64, new: NewWorkshopRequest, submissionID: Int64? = nil) -> String {
        let object: [String: JSONValue] = [
            "type": .string("workshop_request"),
            "id": .integer(id),
            "received_at": .string(new.receivedAt.formatted(.iso8601)),
            "account": .string(new.accountSlug),
            "page": .string(new.page),
            "viewer": .string(new.viewer),
            "state": .string(WorkshopState.requested.rawValue),
            "topic": .string(new.topic),
            "preferred_weeks": .string(new.preferredWeeks),
            "participants": new.participants.map { .integer(Int64($0)) } ?? .null,
            "notes": .string(new.notes),
            "submission_id": submissionID.map(JSONValue.integer) ?? .null,
            "sme": sme(new.sme),
        ]
        return JSONValue.object(object).jsonText()
    }

    private static func sme(_ sme: NewSubmission.SME?) -> JSONValue {
        guard let sme else { return .null }
        return .object(["name": .string(sme.name), "email": sme.email.map(JSONValue.string) ?? .null])
    }
}
