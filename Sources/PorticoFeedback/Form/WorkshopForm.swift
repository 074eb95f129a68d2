import PorticoCore

/// The fields `POST /v1/workshop` accepts, as `FieldRule`s so the validator and the OpenAPI document share them
/// with the feedback form's machinery.
public enum WorkshopForm {
    public static let rules: [FieldRule] = [
        FieldRule(name: "topic", required: true, value: .text(minLength: 1, maxLength: WorkshopFormLimits.topicMax),
                  label: LocalizedText("What the workshop should cover (the page's title unless the reader changed it).")),
        FieldRule(name: "preferred_weeks", required: false, value: .text(minLength: 0, maxLength: WorkshopFormLimits.preferredWeeksMax),
                  label: LocalizedText("When suits the reader's team, in their own words.")),
        FieldRule(name: "participants", required: true, value: .rating(WorkshopFormLimits.participants),
                  label: LocalizedText("How many people would attend.")),
        FieldRule(name: "notes", required: false, value: .text(minLength: 0, maxLength: WorkshopFormLimits.notesMax),
                  label: LocalizedText("Anything else the SME should know.")),
    ]

    public static let validator = FieldValidator(rules: rules)
}

extension FieldRule {
    init(name: String, required: Bool, value: Value, label: LocalizedText) {
        self.name = name
        self.required = required
        self.value = value
        self.label = label
    }
}
