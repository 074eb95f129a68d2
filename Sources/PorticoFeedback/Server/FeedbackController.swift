import Foundation
import Hummingbird
import PorticoCore

/// `POST /v1/feedback`: the reader gate's checks, then the page and the form's fields, then a committed insert
/// before the 201. A ticked `workshop` box stores a workshop request with the submission.
struct FeedbackController: Sendable {
    let gate: ReaderGate
    let store: any PorticoStore

    /// The feedback form's field that asks for a workshop (a checkbox of that name in `feedback.fields`).
    static let workshopField = "workshop"

    func submit(_ request: Request, context: FeedbackRequestContext) async -> Response {
        await gate.respond(to: request, context: context, what: "submission") { try await accept($0) }
    }

    private func accept(_ reader: ReaderGate.Authenticated) async throws -> Response {
        let (envelope, account) = (reader.envelope, reader.account)
        guard let page = account.pages[envelope.page] else {
            throw Problem.invalid(ValidationFailure(field: "page", "`\(envelope.page)` is not a page of this account"))
        }
        let fields: [String: JSONValue]
        do { fields = try reader.snapshot.validator.validate(envelope.rawFields) } catch { throw Problem.invalid(error) }

        let submission = Submission(account: envelope.account, page: envelope.page, viewer: envelope.viewer,
                                    timestamp: envelope.timestamp, nonce: envelope.nonce, fields: fields)
        let sme = SMERouting.assign(page: page, account: account.config).map { NewSubmission.SME(name: $0.name, email: $0.email) }
        let slug = account.config.slug
        var new = NewSubmission(receivedAt: reader.now, accountSlug: slug, submission: submission, body: reader.body, sme: sme)
        if fields[Self.workshopField] == .bool(true) {
            new.workshopRequest = NewWorkshopRequest(receivedAt: reader.now, accountSlug: slug, accountPath: account.path, viewer: envelope.viewer,
                                                     page: envelope.page, nonce: nil, topic: page.title.isEmpty ? envelope.page : page.title, sme: sme)
        }
        do {
            let payload = Notification.template(accountSlug: slug, new: new)
            return ReaderGate.receipt(id: try await store.insert(new) { payload.with(id: $0) })
        } catch StoreError.duplicateNonce {
            throw Problem.replayed
        }
    }
}
