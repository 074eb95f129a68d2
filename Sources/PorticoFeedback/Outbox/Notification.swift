import Foundation

/// The webhook's JSON: who asked what on which page, and who should answer. `type` tells a feedback submission
/// (`feedback`) from a workshop request (`workshop_request`).
enum Notification {
    /// A payload written but for its `id`, which the store knows only inside its transaction: everything else is
    /// written before the transaction starts, so the write lock is not held while the JSON is built.
    struct Template: Sendable {
        var before: String
        var after: String

        init(_ object: [String: JSONValue]) {
            (before, after) = JSONWriter.textAround(hole: "id", in: object)
        }

        func with(id: Int64) -> String { before + String(id) + after }
    }

    static func payload(id: Int64, accountSlug: String, new: NewSubmission) -> String {
        template(accountSlug: accountSlug, new: new).with(id: id)
    }

    static func template(accountSlug: String, new: NewSubmission) -> Template {
        let object: [String: JSONValue] = [
            "type": .string("feedback"),
            "received_at": .string(new.receivedAt.formatted(.iso8601)),
            "account": .string(accountSlug),
            "page": .string(new.submission.page),
            "viewer": .string(new.submission.viewer),
            "fields": .object(new.submission.fields),
            "sme": sme(new.sme),
        ]
        return Template(object)
    }

    /// `submission_id` is the feedback that asked for it, or null when it came from the workshop form.
    static func workshopPayload(id: Int64, new: NewWorkshopRequest, submissionID: Int64? = nil) -> String {
        workshopTemplate(new: new, submissionID: submissionID).with(id: id)
    }

    static func workshopTemplate(new: NewWorkshopRequest, submissionID: Int64? = nil) -> Template {
        let object: [String: JSONValue] = [
            "type": .string("workshop_request"),
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
        return Template(object)
    }

    private static func sme(_ sme: NewSubmission.SME?) -> JSONValue {
        guard let sme else { return .null }
        return .object(["name": .string(sme.name), "email": sme.email.map(JSONValue.string) ?? .null])
    }
}
