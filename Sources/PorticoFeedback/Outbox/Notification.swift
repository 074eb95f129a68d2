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

        fileprivate init(pieces: [String], holes: [String]) {
            (self.pieces, self.holes) = (pieces, holes)
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
        feedbackTemplate(accountSlug: accountSlug, fieldsText: new.fieldsText, page: new.submission.page,
                         receivedAt: new.receivedAt, sme: new.sme, viewer: new.submission.viewer)
    }

    /// A feedback submission's, from its stored columns (an outbox entry written without its payload, `SubmissionTrail`).
    static func feedbackTemplate(accountSlug: String, fieldsText: String, page: String, receivedAt: Date, sme: NewSubmission.SME?,
                                 viewer: String) -> Template {
        // Member by member in key order, as JSONWriter writes an object (a test compares the two): without building and
        // sorting a dictionary first.
        var before: [UInt8] = [], after: [UInt8] = []
        before.reserveCapacity(256)
        after.reserveCapacity(256)
        before += #"{"account":"#.utf8
        JSONWriter.string(accountSlug, into: &before)
        before += #","fields":"#.utf8
        before += fieldsText.utf8
        before += #","id":"#.utf8
        after += #","page":"#.utf8
        JSONWriter.string(page, into: &after)
        after += #","received_at":"#.utf8
        JSONWriter.string(UTCDateText.iso8601(receivedAt), into: &after)
        after += #","sme":"#.utf8
        if let sme = sme {
            // {"email":…,"name":…}, as JSONWriter writes `sme(sme)`.
            after += #"{"email":"#.utf8
            if let email = sme.email { JSONWriter.string(email, into: &after) } else { after += "null".utf8 }
            after += #","name":"#.utf8
            JSONWriter.string(sme.name, into: &after)
            after += "}".utf8
        } else {
            after += "null".utf8
        }
        after += #","type":"feedback","viewer":"#.utf8
        JSONWriter.string(viewer, into: &after)
        after += "}".utf8
        return Template(pieces: [String(decoding: before, as: UTF8.self), String(decoding: after, as: UTF8.self)], holes: ["id"])
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

    static func sme(_ sme: NewSubmission.SME?) -> JSONValue {
        guard let sme else { return .null }
        return .object(["name": .string(sme.name), "email": sme.email.map(JSONValue.string) ?? .null])
    }
}
