/// The two kinds of item the account team follows up, as `follow_up_event.item_kind` names them.
public enum FollowUpKind: String, Sendable, CaseIterable, Codable {
    case feedback, workshop

    /// The table holding items of this kind.
    var table: String {
        switch self {
        case .feedback: "submission"
        case .workshop: "workshop_request"
        }
    }
}
