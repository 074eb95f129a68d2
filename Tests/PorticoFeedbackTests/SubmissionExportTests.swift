import Testing
@testable import PorticoFeedback

@Suite struct SubmissionExportTests {
    @Test func quotesCellsAndDefusesFormulas() {
        #expect(SubmissionExport.cell("plain") == "plain")
        #expect(SubmissionExport.cell("a,b") == "\"a,b\"")
        #expect(SubmissionExport.cell("say \"hi\"\nbye") == "\"say \"\"hi\"\"\nbye\"")
        #expect(SubmissionExport.cell("=HYPERLINK(1)") == "'=HYPERLINK(1)")
    }
}
