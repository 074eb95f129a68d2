import PorticoCore
import Testing
@testable import PorticoFeedback

@Suite struct FieldValidatorTests {
    let validator = FieldValidator(rules: FieldRule.rules(for: FeedbackConfig(fields: [
        FeedbackField(name: "rating", kind: .rating, required: false, label: LocalizedText("Rating")),
        FeedbackField(name: "message", kind: .text(max: 5), required: true, label: LocalizedText("Message")),
        FeedbackField(name: "topic", kind: .choice(options: [.init(value: "a", label: LocalizedText("A"))]), required: false, label: LocalizedText("Topic")),
        FeedbackField(name: "agree", kind: .checkbox, required: true, label: LocalizedText("Agree")),
    ])))

    func failure(_ fields: [String: JSONValue]) -> ValidationFailure? {
        do { _ = try validator.validate(fields); return nil } catch { return error }
    }

    let valid: [String: JSONValue] = ["message": .string("hi"), "agree": .bool(true)]

    @Test func acceptsTheMinimum() throws {
        #expect(try validator.validate(valid) == valid)
    }

    @Test func rejectsAnUnknownField() {
        #expect(failure(valid.merging(["colour": .string("red")]) { a, _ in a })?.field == "fields.colour")
    }

    @Test func namesTheFirstUnknownFieldInSortedOrderAndTheMissingOnesInTheFormsOrder() {
        #expect(failure(valid.merging(["zeta": .integer(1), "beta": .integer(2), "gamma": .integer(3)]) { a, _ in a })?.field == "fields.beta")
        #expect(failure([:])?.field == "fields.message", "message comes before agree in the form")
        #expect(failure(["agree": .bool(true)])?.field == "fields.message")
    }

    @Test func storesARatingWrittenWithAFractionAsAWholeNumber() throws {
        let checked = try validator.validate(valid.merging(["rating": .number(3.0), "topic": .string("a")]) { _, b in b })
        #expect(checked == valid.merging(["rating": .integer(3), "topic": .string("a")]) { _, b in b })
    }

    @Test func countsTextInCodePointsAsJSONSchemaDoes() {
        #expect(failure(valid.merging(["message": .string("很好很好好")]) { _, b in b }) == nil)
        #expect(failure(valid.merging(["message": .string("123456")]) { _, b in b })?.field == "fields.message")
        #expect(failure(valid.merging(["message": .string("")]) { _, b in b })?.field == "fields.message")
    }

    @Test func textWithANULCharacterIsRefusedSayingSo() throws {
        let refused = try #require(failure(valid.merging(["message": .string("a\u{0}b")]) { _, b in b }))
        #expect(refused.field == "fields.message" && refused.detail.contains("NUL character"))
        #expect(failure(valid.merging(["message": .string("a\u{1}b")]) { _, b in b }) == nil)
    }

    @Test func ratingIsAWholeNumberFromOneToFive() {
        #expect(failure(valid.merging(["rating": .integer(5)]) { _, b in b }) == nil)
        #expect(failure(valid.merging(["rating": .number(3.0)]) { _, b in b }) == nil)
        #expect(failure(valid.merging(["rating": .integer(6)]) { _, b in b })?.field == "fields.rating")
        #expect(failure(valid.merging(["rating": .number(2.5)]) { _, b in b })?.field == "fields.rating")
        #expect(failure(valid.merging(["rating": .string("3")]) { _, b in b })?.field == "fields.rating")
    }

    @Test func optionalChoiceAllowsTheEmptyEntry() {
        #expect(failure(valid.merging(["topic": .string("")]) { _, b in b }) == nil)
        #expect(failure(valid.merging(["topic": .string("b")]) { _, b in b })?.field == "fields.topic")
    }

    @Test func requiredCheckboxMustBeTicked() {
        #expect(failure(["message": .string("hi"), "agree": .bool(false)])?.field == "fields.agree")
        #expect(failure(["message": .string("hi"), "agree": .integer(1)])?.field == "fields.agree")
        #expect(failure(["message": .string("hi")])?.field == "fields.agree")
    }
}
