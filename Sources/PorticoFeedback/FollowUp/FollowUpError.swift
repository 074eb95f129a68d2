/// Why a change to a feedback item or workshop request was refused.
public enum FollowUpError: Error, Sendable, Equatable, CustomStringConvertible {
    case notFound(FollowUpKind, id: Int64)
    case invalidTransition(from: WorkshopState, to: WorkshopState)
    /// `scheduled` needs the day the workshop takes place.
    case dateRequired
    /// A note must say something.
    case emptyNote

    public var description: String {
        switch self {
        case .notFound(.feedback, let id): "there is no feedback submission \(id)"
        case .notFound(.workshop, let id): "there is no workshop request \(id)"
        case .invalidTransition(let from, let to):
            from.allowedNext.isEmpty
                ? "a workshop request that is \(from.rawValue) cannot change any more (not to \(to.rawValue))"
                : "a workshop request that is \(from.rawValue) cannot become \(to.rawValue); it can become \(from.allowedNext.map(\.rawValue).joined(separator: ", "))"
        case .dateRequired: "a scheduled workshop needs its date (YYYY-MM-DD)"
        case .emptyNote: "a note must not be empty"
        }
    }
}
