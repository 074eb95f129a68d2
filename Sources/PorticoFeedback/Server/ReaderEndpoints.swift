/// The controllers of the readers' signed POSTs, behind one gate: junk sent to any of them counts against the same
/// sender's address, and each limit (the gate's, engagement's reading budget) exists once per application.
struct ReaderEndpoints: Sendable {
    let feedback: FeedbackController
    let workshops: WorkshopController
    let engagement: EngagementController

    init(gate: ReaderGate, store: any PorticoStore) {
        feedback = FeedbackController(gate: gate, store: store)
        workshops = WorkshopController(gate: gate, store: store)
        engagement = EngagementController(gate: gate, store: store)
    }
}
