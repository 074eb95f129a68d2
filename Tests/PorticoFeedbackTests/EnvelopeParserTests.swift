import Foundation
import Testing
@testable import PorticoFeedback

@Suite struct EnvelopeParserTests {
    func parse(_ text: String) -> Result<SubmissionEnvelope, ValidationFailure> {
        do { return .success(try EnvelopeParser.parse(try JSONValue.parse(Data(text.utf8)))) } catch let failure as ValidationFailure {
            return .failure(failure)
        } catch { return .failure(ValidationFailure(field: "json", "\(error)")) }
    }

    func failedField(_ text: String) -> String? {
        if case .failure(let failure) = parse(text) { return failure.field }
        return nil
    }

    @Test func parsesWhatTheBrowserSends() throws {
        let envelope = try parse(Fixture.body(account: "acme", nonce: "AAECAwQFBgcICQoLDA0ODw")).get()
        #expect(envelope.account == "acme" && envelope.viewer == "alice" && envelope.nonce == "AAECAwQFBgcICQoLDA0ODw")
    }

    @Test func namesTheFailingPart() {
        #expect(failedField(#"[1]"#) == "body")
        #expect(failedField(Fixture.body(account: "Bad Account")) == "account")
        #expect(failedField(Fixture.body(page: "../etc/passwd")) == "page")
        #expect(failedField(Fixture.body(viewer: "")) == "viewer")
        #expect(failedField(Fixture.body(nonce: "short")) == "nonce")
        #expect(failedField(Fixture.body(fields: "[]")) == "fields")
        #expect(failedField(#"{"extra":1}"#) == "extra")
        #expect(failedField(Fixture.body().replacingOccurrences(of: "}", with: #","website":""}"#)) == "website",
                "the honeypot is gone: `website` is an unknown key like any other")
        #expect(failedField(String(Fixture.body().dropLast()) + #","zeta":1,"beta":2,"gamma":3}"#) == "beta",
                "of several unknown keys, the first in sorted order is named, whatever order they came in")
        #expect(failedField("{}") == "account", "the missing keys are named in the envelope's order")
        #expect(failedField(#"{"account":"acme","page":"insights/x/index.html"}"#) == "viewer")
        #expect(failedField(Fixture.body().replacingOccurrences(of: #""timestamp":1748736000"#, with: #""timestamp":"now""#)) == "timestamp")
    }

    @Test func aRepeatedKeyKeepsItsFirstValue() throws {
        let body = String(Fixture.body(account: "acme").dropLast()) + #","account":"other"}"#
        #expect(try parse(body).get().account == "acme")
    }
}
