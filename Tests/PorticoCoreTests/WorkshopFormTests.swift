import Foundation
import PorticoTheme
import Testing
@testable import PorticoCore

/// The default theme's "Request a workshop" form: on every article (topic = its title) and home page (empty topic),
/// posting beside the feedback endpoint, with ids no heading can take.
@Suite struct WorkshopFormTests {
    func build() throws -> URL {
        let content = try Fixtures.content()
        let output = Fixtures.temporaryFolder().appendingPathComponent("site")
        _ = try Fixtures.builder(content: content, output: output, theme: [PorticoTheme.directory]).build(log: DiagnosticLog())
        return output
    }

    func form(_ html: String) -> String? {
        guard let start = html.range(of: "<form class=\"pt-form\" data-portico-workshop"), let end = html.range(of: "</form>", range: start.upperBound..<html.endIndex)
        else { return nil }
        return String(html[start.lowerBound..<end.upperBound])
    }

    @Test func articlesAndHomePagesCarryTheForm() throws {
        let site = try build()
        let article = try #require(form(try String(contentsOf: site.appendingPathComponent("acme/case-studies/depot/index.html"), encoding: .utf8)))
        #expect(article.contains(#"data-endpoint="https://feedback.example.com/v1/workshop""#))
        #expect(article.contains(#"data-page="case-studies/depot/index.html""#))
        #expect(article.contains(#"name="topic" value="Depot automation" maxlength="200" required"#))
        #expect(article.contains(#"name="participants" min="1" max="200" step="1" required"#))
        #expect(article.contains(#"name="notes" rows="3" maxlength="2000""#))
        let home = try #require(form(try String(contentsOf: site.appendingPathComponent("acme/index.html"), encoding: .utf8)))
        #expect(home.contains(#"data-page="index.html""#) && home.contains(#"name="topic" value="" maxlength"#))
        #expect(home.contains("Request the workshop"))
    }

    @Test func itsIDsAreReservedFromHeadings() {
        let theme = Theme(folders: [PorticoTheme.directory], log: DiagnosticLog())
        let reserved = LayoutIDs.reserved(theme: theme, feedback: FeedbackField.defaults)
        for id in ["pt-ws-title", "pt-ws-topic", "pt-ws-weeks", "pt-ws-weeks-hint", "pt-ws-participants", "pt-ws-notes"] {
            #expect(reserved.contains(id), "\(id)")
        }
        var headings = HeadingIDs(reserved: reserved)
        #expect(headings.next(for: "PT WS Topic") == "pt-ws-topic-1")
    }

    @Test func theEndpointSitsBesideFeedbacks() {
        #expect(FeedbackConfig(endpoint: "https://fb.example/v1/feedback").workshopEndpoint == "https://fb.example/v1/workshop")
        #expect(FeedbackConfig(endpoint: "https://fb.example/api").workshopEndpoint == "https://fb.example/api/v1/workshop")
    }

    @Test func bothLanguagesHaveTheFormsStrings() {
        let theme = Theme(folders: [PorticoTheme.directory], log: DiagnosticLog())
        for language in Language.all {
            for key in ["workshopTitle", "workshopIntro", "workshopTopic", "workshopWeeks", "workshopWeeksHint", "workshopParticipants",
                        "workshopNotes", "workshopSubmit", "workshopSuccess", "workshopError"] {
                #expect(theme.strings[language]?[key]?.isEmpty == false, "\(language.rawValue) \(key)")
            }
        }
    }
}
