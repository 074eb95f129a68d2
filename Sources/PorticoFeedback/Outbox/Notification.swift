import Foundation

/// The webhook's JSON: who asked what on which page, and who should answer. `type` tells a feedback submission
/// (`feedback`) from a workshop request (`workshop_request`).
enum Notification {
    /// A payload written but for its ids, which the store knows only inside its transaction: everything else is
    /// written before the transaction starts, so the write lock is not held while the JSON is built.
    struct Template: Sendable {
        /// The text around the holes: one piece more than `holes`.
        private var pieces: [String]
        /// The members left out (`id`, and `submission_id` for a workshop asked for with a feedback), in text order.
        private var holes: [String]

        init(_ object: [String: JSONValue], holes: [String] = ["id"]) {
            (self.holes, pieces) = JSONWriter.textAround(holes: holes, in: object)
        }

        func with(id: Int64) -> String {
            precondition(holes == ["id"], "this notification needs its submission's id too")
            return pieces[0] + String(id) + pieces[1]
        }

        /// A workshop request's, when it came with the feedback `submissionID`.
        func with(id: Int64, submissionID: Int64) -> String {
            var text = pieces[0]
            for (hole, piece) in zip(holes, pieces.dropFirst()) { text += String(hole == "id" ? id : submissionID) + piece }
            return text
        }
    }

    static func payload(id: Int64, accountSlug: String, new: NewSubmission) -> String {
        template(accountSlug: accountSlug, new: new).with(id: id)
    }

    static func template(accountSlug: String, new: NewSubmission) -> Template {
        let object: [String: JSONValue] = [
            "type": .string("feedback"),
            "received_at": .string(UTCDateText.iso8601(new.receivedAt)),
            "account": .string(accountSlug),
            "page": .string(new.submission.page),
            "viewer": .string(new.submission.viewer),
            "fields": .object(new.submission.fields),
            "sme": sme(new.sme),
        ]
        return Template(object)
    }

    /// A request from the workshop form (`submission_id` null).
    static func workshopPayload(id: Int64, new: NewWorkshopRequest) -> String {
        workshopTemplate(new: new).with(id: id)
    }

    /// With `withFeedback`, the request came with a feedback submission, whose id fills `submission_id`
    /// (`with(id:submissionID:)`); else `submission_id` is null.
    static func workshopTemplate(new: NewWorkshopRequest, withFeedback: Bool = false) -> Template {
        var object: [String: JSONValue] = [
            "type": .string("workshop_request"),
            "received_at": .string(UTCDateText.iso8601(new.receivedAt)),
            "account": .string(new.accountSlug),
            "page": .string(new.page),
            "viewer": .string(new.viewer),
            "state": .string(WorkshopState.requested.rawValue),
            "topic": .string(new.topic),
            "preferred_weeks": .string(new.preferredWeeks),
            "participants": new.participants.map { .integer(Int64($0)) } ?? .null,
            "notes": .string(new.notes),
            "sme": sme(new.sme),
        ]
        if !withFeedback { object["submission_id"] = .null }
        return Template(object, holes: withFeedback ? ["id", "submission_id"] : ["id"])
    }

    private static func sme(_ sme: NewSubmission.SME?) -> JSONValue {
        guard let sme else { return .null }
        return .object(["name": .string(sme.name), "email": sme.email.map(JSONValue.string) ?? .null])
    }
}
