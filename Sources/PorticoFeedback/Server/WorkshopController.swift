import Foundation
import Hummingbird
import PorticoCore

/// `POST /v1/workshop`: the "Request a workshop" form, through the same reader gate as feedback. Stores the request
/// (state `requested`), its `created` event and its notification in one transaction before the 201.
struct WorkshopController: Sendable {
    let gate: ReaderGate
    let store: any PorticoStore

    func submit(_ request: Request, context: FeedbackRequestContext) async -> Response {
        await gate.respond(to: request, context: context, what: "workshop request", pages: .articleOrHome) { try await accept($0) }
    }

    private func accept(_ reader: ReaderGate.Authenticated) async throws -> Response {
        let (envelope, account) = (reader.envelope, reader.account)
        let page = account.pages[envelope.page]
        guard page != nil || reader.snapshot.isHomePage(envelope.page, of: account) else {
            throw Problem.invalid(ValidationFailure(field: "page", "`\(envelope.page)` is not a page of this account"))
        }
        let fields: [String: JSONValue]
        do { fields = try WorkshopForm.validator.validate(envelope.rawFields) } catch { throw Problem.invalid(error) }

        let sme = account.followUp(onPage: envelope.page)
        let new = NewWorkshopRequest(
            receivedAt: reader.now, accountSlug: account.config.slug, accountPath: account.path, viewer: envelope.viewer, page: envelope.page,
            nonce: envelope.nonce, topic: fields["topic"]?.stringValue ?? "", preferredWeeks: fields["preferred_weeks"]?.stringValue ?? "",
            participants: fields["participants"]?.integerValue.map { Int($0) }, notes: fields["notes"]?.stringValue ?? "", sme: sme,
            sentAt: envelope.timestamp)
        do {
            let payload = Notification.workshopTemplate(new: new)
            return ReaderGate.receipt(id: try await store.insertWorkshop(new) { payload.with(id: $0) })
        } catch StoreError.duplicateNonce {
            throw Problem.replayed
        }
    }
}
