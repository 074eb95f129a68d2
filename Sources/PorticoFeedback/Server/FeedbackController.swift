import Foundation
import HTTPTypes
import Hummingbird
import PorticoCore

/// `POST /v1/feedback`: the reader gate's checks, then the page and the form's fields, then a committed insert
/// before the 201. A ticked `workshop` box stores a workshop request with the submission.
///
/// Two ways in, with the same checks and answers: Hummingbird's route (`submit(_:context:)`), and the event-loop
/// path (`submit(body:headers:peer:answer:)`, from `EventLoopIngestHandler`) for a request it can take whole.
struct FeedbackController: Sendable {
    let gate: ReaderGate
    let store: any PorticoStore

    /// The feedback form's field that asks for a workshop (a checkbox of that name in `feedback.fields`).
    static let workshopField = "workshop"
    static let what = "submission"

    func submit(_ request: Request, context: FeedbackRequestContext) async -> Response {
        await gate.respond(to: request, context: context, what: Self.what) { reader in
            let new = try prepare(reader)
            do {
                return ReaderGate.receipt(id: try await store.insert(new, notification: Self.notification(new)))
            } catch StoreError.duplicateNonce {
                throw Problem.replayed
            }
        }
    }

    /// The same for a request whose body is read: `answer` is called once, straight away when a check fails, or
    /// from the committing task once the insert is durable (or failed).
    func submit(body: Data, headers: HTTPFields, peer: String, answer: @escaping @Sendable (HTTPAnswer) -> Void) {
        let client = gate.clientAddress(peer: peer, headers: headers)
        let new: NewSubmission
        do {
            let reader = try gate.admit(body: body, headers: headers, client: client, now: gate.configuration.clock(), pages: .article)
            new = try prepare(reader)
        } catch let problem as Problem {
            return answer(problem.answer)
        } catch {
            return answer(internalError(error))
        }
        store.insert(new, notification: Self.notification(new)) { result in
            switch result {
            case .success(let id): answer(ReaderGate.receiptAnswer(id: id))
            case .failure(StoreError.duplicateNonce): answer(Problem.replayed.answer)
            case .failure(let error): answer(internalError(error))
            }
        }
    }

    private func internalError(_ error: any Error) -> HTTPAnswer {
        gate.internalError(error, what: Self.what, logger: gate.configuration.logger).answer
    }

    /// The rows to store for a verified reader, or the problem with the page or the fields.
    private func prepare(_ reader: ReaderGate.Authenticated) throws -> NewSubmission {
        let (envelope, account) = (reader.envelope, reader.account)
        guard let page = account.pages[envelope.page] else {
            throw Problem.invalid(ValidationFailure(field: "page", "`\(envelope.page)` is not a page of this account"))
        }
        let fields: [String: JSONValue]
        do { fields = try reader.snapshot.validator.validate(envelope.rawFields) } catch { throw Problem.invalid(error) }

        let submission = Submission(account: envelope.account, page: envelope.page, viewer: envelope.viewer,
                                    timestamp: envelope.timestamp, nonce: envelope.nonce, fields: fields)
        let sme = account.followUp(onPage: envelope.page)
        let slug = account.config.slug
        var new = NewSubmission(receivedAt: reader.now, accountSlug: slug, submission: submission, body: reader.body, sme: sme)
        if fields[Self.workshopField] == .bool(true) {
            new.workshopRequest = NewWorkshopRequest(receivedAt: reader.now, accountSlug: slug, accountPath: account.path, viewer: envelope.viewer,
                                                     page: envelope.page, nonce: nil, topic: page.title.isEmpty ? envelope.page : page.title, sme: sme)
        }
        return new
    }

    /// The notification's payload, built only by a store that writes it with the row (PostgreSQL): SQLite builds it
    /// from the stored row when it is sent, so a SQLite server does not spend a submission's time on it.
    private static func notification(_ new: NewSubmission) -> @Sendable (Int64) -> String {
        { Notification.template(accountSlug: new.accountSlug, new: new).with(id: $0) }
    }
}
