import Foundation
import PorticoCore
import Testing
@testable import PorticoFeedback

/// The follow-up store API the console and the CLI call: the workshop pipeline, history, assignment, notes.
@Suite struct WorkshopStoreTests {
    static let ada = NewSubmission.SME(name: "Ada Lovelace", email: "ada@vendor.example")
    static let june10 = Day(year: 2025, month: 6, day: 10)
    static let later = Fixture.now.addingTimeInterval(3600)

    func request(nonce: String? = Fixture.freshNonce(), page: String = "insights/cloud-costs/index.html") -> NewWorkshopRequest {
        NewWorkshopRequest(receivedAt: Fixture.now, accountSlug: "acme", accountPath: Fixture.acmePath, viewer: "alice", page: page,
                           nonce: nonce, topic: "Cloud costs", preferredWeeks: "weeks 24-26", participants: 8, notes: "on site", sme: Self.ada)
    }

    func storeOne(_ store: FeedbackStore, _ new: NewWorkshopRequest? = nil) async throws -> Int64 {
        let new = new ?? request()
        return try await store.insertWorkshop(new) { Notification.workshopPayload(id: $0, new: new) }
    }

    func submission(workshop: Bool, nonce: String = Fixture.freshNonce()) -> NewSubmission {
        let fields: [String: JSONValue] = ["message": .string("hi"), "workshop": .bool(workshop)]
        let submission = Submission(account: Fixture.acmePath, page: "insights/cloud-costs/index.html", viewer: "alice",
                                    timestamp: 1, nonce: nonce, fields: fields)
        var new = NewSubmission(receivedAt: Fixture.now, accountSlug: "acme", submission: submission, body: Data("{}".utf8), sme: Self.ada)
        if workshop { new.workshopRequest = request(nonce: nil) }
        return new
    }

    func outbox(_ store: FeedbackStore) async throws -> [OutboxEntry] {
        try await store.dueNotifications(at: .distantFuture, limit: 100)
    }

    @Test func storesARequestWithItsCreatedEventAndOneNotification() async throws {
        let store = try FeedbackStore(path: Fixture.databasePath())
        let id = try await storeOne(store)
        let stored = try #require(try store.workshopRequest(id: id))
        #expect(stored.state == .requested && stored.topic == "Cloud costs" && stored.participants == 8 && stored.preferredWeeks == "weeks 24-26")
        #expect(stored.smeName == "Ada Lovelace" && stored.assignee == nil && stored.scheduledFor == nil && stored.submissionID == nil)
        let history = try store.history(.workshop, id: id)
        #expect(history.map(\.action) == ["created"] && history[0].actor == "reader" && history[0].toValue == "requested")
        let entries = try await outbox(store)
        #expect(entries.count == 1 && entries[0].workshopID == id && entries[0].submissionID == nil)
        let payload = try JSONValue.parse(Data(entries[0].payload.utf8))
        guard case .object(let object) = payload else { Issue.record("payload is not an object"); return }
        #expect(object["type"] == .string("workshop_request") && object["id"] == .integer(id) && object["participants"] == .integer(8))
    }

    @Test func followsThePipelineAndRecordsEveryStep() async throws {
        let store = try FeedbackStore(path: Fixture.databasePath())
        let id = try await storeOne(store)
        let scheduled = try store.changeWorkshopState(id: id, to: .scheduled, scheduledFor: Self.june10, actor: "ada", note: "booked", at: Self.later)
        #expect(scheduled.state == .scheduled && scheduled.scheduledFor == Self.june10 && scheduled.updatedAt == Self.later)
        let moved = Day(year: 2025, month: 6, day: 17)
        #expect(try store.changeWorkshopState(id: id, to: .scheduled, scheduledFor: moved, actor: "ada", at: Self.later).scheduledFor == moved)
        try store.changeWorkshopState(id: id, to: .held, actor: "ada", at: Self.later)
        try store.changeWorkshopState(id: id, to: .pocProposed, actor: "cli", at: Self.later)
        let won = try store.changeWorkshopState(id: id, to: .won, actor: "grace", at: Self.later)
        #expect(won.state == .won && !won.state.isOpen && won.scheduledFor == moved)

        let steps = try store.history(.workshop, id: id).map { [$0.actor, $0.action, $0.fromValue ?? "-", $0.toValue ?? "-"] }
        #expect(steps == [
            ["reader", "created", "-", "requested"],
            ["ada", "state", "requested", "scheduled"], ["ada", "schedule", "-", "2025-06-10"],
            ["ada", "schedule", "2025-06-10", "2025-06-17"],
            ["ada", "state", "scheduled", "held"], ["cli", "state", "held", "poc-proposed"], ["grace", "state", "poc-proposed", "won"],
        ])
        #expect(try store.history(.workshop, id: id)[1].note == "booked")
    }

    @Test func refusesTransitionsThePipelineDoesNotAllow() async throws {
        let store = try FeedbackStore(path: Fixture.databasePath())
        let id = try await storeOne(store)
        #expect(throws: FollowUpError.invalidTransition(from: .requested, to: .held)) {
            try store.changeWorkshopState(id: id, to: .held, actor: "ada", at: Self.later)
        }
        #expect(throws: FollowUpError.invalidTransition(from: .requested, to: .requested)) {
            try store.changeWorkshopState(id: id, to: .requested, actor: "ada", at: Self.later)
        }
        #expect(throws: FollowUpError.dateRequired) { try store.changeWorkshopState(id: id, to: .scheduled, actor: "ada", at: Self.later) }
        #expect(throws: FollowUpError.notFound(.workshop, id: 999)) {
            try store.changeWorkshopState(id: 999, to: .closed, actor: "ada", at: Self.later)
        }
        #expect(try store.workshopRequest(id: id)?.state == .requested, "a refused change changes nothing")
        #expect(try store.history(.workshop, id: id).count == 1)

        try store.changeWorkshopState(id: id, to: .closed, actor: "ada", note: "no budget", at: Self.later)
        #expect(throws: FollowUpError.invalidTransition(from: .closed, to: .scheduled)) {
            try store.changeWorkshopState(id: id, to: .scheduled, scheduledFor: Self.june10, actor: "ada", at: Self.later)
        }
        #expect(String(describing: FollowUpError.invalidTransition(from: .held, to: .won))
            == "a workshop request that is held cannot become won; it can become poc-proposed, closed")
    }

    @Test func closedIsReachableFromEveryOpenStateAndNothingLeavesAClosedOne() {
        for state in WorkshopState.allCases {
            #expect(state.allowedNext.contains(.closed) == state.isOpen)
        }
        #expect(WorkshopState.open == [.requested, .scheduled, .held, .pocProposed])
        #expect(WorkshopState(rawValue: "poc-proposed") == .pocProposed)
    }

    @Test func assignsReassignsAndFiltersByAssignee() async throws {
        let store = try FeedbackStore(path: Fixture.databasePath())
        let first = try await storeOne(store)
        let second = try await storeOne(store)
        try store.assign(.workshop, id: first, to: "ada", actor: "manager1", at: Self.later)
        try store.assign(.workshop, id: first, to: "ada", actor: "manager1", at: Self.later)   // no change, no event
        try store.assign(.workshop, id: first, to: "grace", actor: "manager1", at: Self.later)
        try store.assign(.workshop, id: second, to: "ada", actor: "cli", at: Self.later)
        try store.assign(.workshop, id: second, to: nil, actor: "cli", at: Self.later)
        #expect(try store.workshopRequests(WorkshopFilter(assignee: "grace")).map(\.id) == [first])
        #expect(try store.workshopRequests(WorkshopFilter(assignee: "ada")).isEmpty)
        let assignments = try store.history(.workshop, id: first).filter { $0.action == "assign" }.map { [$0.fromValue ?? "-", $0.toValue ?? "-"] }
        #expect(assignments == [["-", "ada"], ["ada", "grace"]])
        #expect(try store.history(.workshop, id: second).last.map { [$0.action, $0.fromValue ?? "-", $0.toValue ?? "-"] } == ["assign", "ada", "-"])
        #expect(throws: FollowUpError.notFound(.feedback, id: 42)) { try store.assign(.feedback, id: 42, to: "ada", actor: "cli", at: Self.later) }
    }

    @Test func filtersByAccountStateAndDate() async throws {
        let store = try FeedbackStore(path: Fixture.databasePath())
        let first = try await storeOne(store)
        let second = try await storeOne(store)
        try store.changeWorkshopState(id: second, to: .closed, actor: "cli", at: Self.later)
        #expect(try store.workshopRequests().map(\.id) == [first, second])
        #expect(try store.workshopRequests(WorkshopFilter(states: WorkshopState.open)).map(\.id) == [first])
        #expect(try store.workshopRequests(WorkshopFilter(account: "acme", states: [.closed])).map(\.id) == [second])
        #expect(try store.workshopRequests(WorkshopFilter(account: Fixture.acmePath)).count == 2)
        #expect(try store.workshopRequests(WorkshopFilter(account: "beta")).isEmpty)
        #expect(try store.workshopRequests(WorkshopFilter(since: Self.later)).isEmpty)
        #expect(try store.workshopRequests(WorkshopFilter(states: [])).isEmpty)
    }

    @Test func notesAreKeptInTheHistoryOfEitherKind() async throws {
        let store = try FeedbackStore(path: Fixture.databasePath())
        let workshop = try await storeOne(store)
        let feedback = try await store.insert(submission(workshop: false)) { _ in "{}" }
        try store.addNote(.workshop, id: workshop, note: "called Alice", actor: "ada", at: Self.later)
        try store.addNote(.feedback, id: feedback, note: "answered by mail", actor: "grace", at: Self.later)
        #expect(try store.history(.workshop, id: workshop).last.map { [$0.action, $0.actor, $0.note ?? ""] } == ["note", "ada", "called Alice"])
        #expect(try store.history(.feedback, id: feedback).map(\.action) == ["created", "note"])
        #expect(try store.submission(id: feedback)?.updatedAt == Self.later)
        #expect(throws: FollowUpError.emptyNote) { try store.addNote(.workshop, id: workshop, note: "  ", actor: "ada", at: Self.later) }
        #expect(throws: FollowUpError.notFound(.workshop, id: 77)) { try store.addNote(.workshop, id: 77, note: "x", actor: "ada", at: Self.later) }
    }

    @Test func feedbackStatusChangesAndResolveRecordHistory() async throws {
        let store = try FeedbackStore(path: Fixture.databasePath())
        let id = try await store.insert(submission(workshop: false)) { _ in "{}" }
        #expect(try store.resolve(id: id, note: "sent the deck", at: Self.later))
        var stored = try #require(try store.submission(id: id))
        #expect(stored.status == .resolved && stored.note == "sent the deck" && stored.resolvedAt == Self.later && stored.updatedAt == Self.later)
        try store.changeFeedbackStatus(id: id, to: .open, actor: "ada", note: "more questions", at: Self.later)
        stored = try #require(try store.submission(id: id))
        #expect(stored.status == .open && stored.resolvedAt == nil)
        let steps = try store.history(.feedback, id: id).map { [$0.actor, $0.action, $0.fromValue ?? "-", $0.toValue ?? "-", $0.note ?? "-"] }
        #expect(steps == [["reader", "created", "-", "open", "-"], ["cli", "state", "open", "resolved", "sent the deck"],
                          ["ada", "state", "resolved", "open", "more questions"]])
        #expect(try store.resolve(id: 999, note: "x", at: Self.later) == false)
        #expect(throws: FollowUpError.notFound(.feedback, id: 999)) { try store.changeFeedbackStatus(id: 999, to: .open, actor: "a", at: Self.later) }
    }

    @Test func theFeedbackWorkshopBoxStoresARequestWithOneNotificationEach() async throws {
        let store = try FeedbackStore(path: Fixture.databasePath())
        let plain = try await store.insert(submission(workshop: false)) { _ in #"{"type":"feedback"}"# }
        let asking = try await store.insert(submission(workshop: true)) { _ in #"{"type":"feedback"}"# }
        let requests = try store.workshopRequests()
        #expect(requests.count == 1)
        #expect(requests[0].submissionID == asking && requests[0].nonce == nil && requests[0].topic == "Cloud costs" && requests[0].state == .requested)
        let entries = try await outbox(store)
        #expect(entries.map(\.submissionID) == [plain, asking, nil])
        #expect(entries.map(\.workshopID) == [nil, nil, requests[0].id])
        #expect(entries[2].payload.contains(#""submission_id":\#(asking)"#) && entries[2].payload.contains(#""type":"workshop_request""#))
        #expect(try store.history(.workshop, id: requests[0].id).map(\.action) == ["created"])
    }

    @Test func aNonceIsSpentOnEitherForm() async throws {
        let store = try FeedbackStore(path: Fixture.databasePath())
        let nonce = Fixture.freshNonce()
        _ = try await store.insert(submission(workshop: false, nonce: nonce)) { _ in "{}" }
        await #expect(throws: StoreError.duplicateNonce) { try await storeOne(store, request(nonce: nonce)) }
        let other = Fixture.freshNonce()
        _ = try await storeOne(store, request(nonce: other))
        await #expect(throws: StoreError.duplicateNonce) { try await storeOne(store, request(nonce: other)) }
        await #expect(throws: StoreError.duplicateNonce) { _ = try await store.insert(submission(workshop: false, nonce: other)) { _ in "{}" } }
        #expect(try store.workshopRequests().count == 1)
    }
}
