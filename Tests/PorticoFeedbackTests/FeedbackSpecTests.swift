import Foundation
import OpenAPIKit
import PorticoCore
import Testing
@testable import PorticoFeedback

@Suite struct FeedbackSpecTests {
    let portal = PortalConfig(title: "Test", baseURL: "https://portal.example.test", feedback: FeedbackConfig(
        endpoint: "https://feedback.example.test/v1/feedback",
        fields: FeedbackField.defaults + [FeedbackField(name: "topic", kind: .choice(options: [.init(value: "a", label: LocalizedText("A"))]),
                                                        required: true, label: LocalizedText("Topic"))]))

    @Test func describesTheEndpointFromTheFieldDefinitions() throws {
        let document = FeedbackSpec.document(for: portal)
        #expect(document.openAPIVersion == .v3_1_1)
        #expect(document.servers.first?.urlTemplate.absoluteString == "https://feedback.example.test")
        let submission = try #require(document.components.schemas["Submission"])
        let fields = try #require(submission.objectContext?.properties["fields"]?.objectContext)
        #expect(fields.properties.keys.elementsEqual(["rating", "message", "workshop", "topic"]))
        #expect(fields.requiredProperties.sorted() == ["message", "topic"])
        #expect(fields.properties["message"]?.stringContext?.maxLength == 2000)
        #expect(fields.properties["rating"]?.integerContext?.maximum?.value == 5)
        #expect(fields.properties["topic"]?.allowedValues == [AnyCodable("a")])
    }

    @Test func yamlNamesNoAccount() throws {
        let yaml = try FeedbackSpec.yaml(for: portal)
        #expect(yaml.hasPrefix("openapi: 3.1.1"))
        #expect(yaml.contains("/v1/feedback:"))
        #expect(!yaml.contains("acme"))
    }
}
