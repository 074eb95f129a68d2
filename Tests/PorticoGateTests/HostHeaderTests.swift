import Testing
@testable import PorticoGate

/// The two headers a `<meta>` cannot carry are in both host files the build writes.
@Suite struct HostHeaderTests {
    @Test func netlifyHeadersCarryHSTSAndCOOP() {
        let file = ContentSecurityPolicy.netlifyHeaders(feedbackEndpoint: "https://feedback.example.com/v1/feedback")
        let pageRules = file.components(separatedBy: "/_portico/*")[0]
        #expect(pageRules.contains("  Strict-Transport-Security: max-age=31536000\n"))
        #expect(pageRules.contains("  Cross-Origin-Opener-Policy: same-origin\n"))
        #expect(!file.contains("includeSubDomains"), "the portal must not bind other sites under its name")
    }

    @Test func nginxSnippetCarriesHSTSAndCOOP() {
        let snippet = ContentSecurityPolicy.nginxSnippet(feedbackEndpoint: "https://feedback.example.com/v1/feedback")
        #expect(snippet.contains(#"add_header Strict-Transport-Security "max-age=31536000" always;"#))
        #expect(snippet.contains(#"add_header Cross-Origin-Opener-Policy "same-origin" always;"#))
    }
}
