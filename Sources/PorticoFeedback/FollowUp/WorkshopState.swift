/// Where a workshop request stands. The pipeline runs requested → scheduled → held → poc-proposed → won or lost;
/// any open request can be closed instead, and a scheduled one can be moved to another date (docs/workshops.md).
public enum WorkshopState: String, Sendable, CaseIterable, Codable {
    case requested, scheduled, held, pocProposed = "poc-proposed", won, lost, closed

    /// The states this one may change to. `scheduled` → `scheduled` moves the workshop to another date.
    public var allowedNext: [WorkshopState] {
        switch self {
        case .requested: [.scheduled, .closed]
        case .scheduled: [.scheduled, .held, .closed]
        case .held: [.pocProposed, .closed]
        case .pocProposed: [.won, .lost, .closed]
        case .won, .lost, .closed: []
        }
    }

    /// Still waiting for someone to act: not won, lost or closed.
    public var isOpen: Bool { !allowedNext.isEmpty }

    public static var open: Set<WorkshopState> { Set(allCases.filter(\.isOpen)) }

    /// Whether changing to `next` needs a date (`scheduledFor`).
    public static func needsDate(_ next: WorkshopState) -> Bool { next == .scheduled }
}
