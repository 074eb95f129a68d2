/// The "Request a workshop" form's fields and limits: the theme renders its inputs with them, the server
/// validates with them and the OpenAPI document states them (docs/workshops.md).
public enum WorkshopFormLimits {
    public static let topicMax = 200
    /// Free text ("weeks 12–14", "any Tuesday in May"): readers plan in their own terms.
    public static let preferredWeeksMax = 200
    public static let participants: ClosedRange<Int> = 1...200
    public static let notesMax = 2000
}
