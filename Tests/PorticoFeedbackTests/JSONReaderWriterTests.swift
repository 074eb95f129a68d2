import Foundation
import Testing
@testable import PorticoFeedback

/// The byte-level JSON reader and writer against Foundation's JSONDecoder and JSONEncoder (what they replaced): the
/// same documents accepted, the same values read, the same text written.
@Suite struct JSONReaderWriterTests {
    /// Foundation's reading, through `JSONValue`'s `Codable` conformance.
    static func foundation(_ text: String) -> JSONValue? {
        try? JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))
    }

    static let valid = [
        #"{"account":"acme-1f3a","page":"insights/x/index.html","viewer":"alice","timestamp":1700000000,"nonce":"abc","fields":{"rating":4}}"#,
        #"  {"a" : [1, -2, 3.5, -0.25, 1e3, 2E-2, 1.0, 0, -0, true, false, null] }  "#,
        #"{"esc":"quote \" backslash \\ slash \/ \b\f\n\r\t \u00e9 \u20AC \ud83d\ude00 end"}"#,
        #"{"utf8":"Grüße, 日本語, 😀","":"empty key"}"#,
        #"{"dup":1,"dup":2}"#,
        #"{"big":9223372036854775807,"small":-9223372036854775808,"over":9223372036854775808,"huge":1e300}"#,
        #"[[[[[]]]],{},{"a":{"b":{"c":[]}}}]"#,
        #""just a string""#, "42", "-7.5", "true", "null",
        "\u{FEFF}{\"bom\":true}",
    ]

    static let invalid = [
        "", " ", "{", "}", "[1,]", "{\"a\":1,}", "{\"a\" 1}", "{a:1}", "[1 2]", "01", "-", "1.", ".5", "1e", "+1", "--1",
        "tru", "nul", "True", "{\"a\":1}x", "{\"a\":1}{}", "\"unterminated", "\"bad \\x escape\"", "\"\\u12\"", "\"\\ud83d\"",
        "\"\\ude00\"", "\"\\ud83d\\u0041\"", "\"tab\tinside\"", "\"new\nline\"", "1e400", "[" + String(repeating: "[", count: 600) + "]",
        "NaN", "Infinity", "'single'",
    ]

    @Test(arguments: valid)
    func readsWhatJSONDecoderReadsTheSameWay(_ text: String) throws {
        let expected = try #require(Self.foundation(text), "JSONDecoder reads \(text)")
        #expect(try JSONValue.parse(Data(text.utf8)) == expected)
    }

    @Test(arguments: invalid)
    func refusesWhatIsNotJSON(_ text: String) {
        #expect(throws: JSONReader.Malformed.self) { try JSONValue.parse(Data(text.utf8)) }
    }

    /// A bad continuation, an overlong form, a surrogate, a code point past U+10FFFF, a truncated sequence and a lone
    /// continuation byte: in a plain string, after an escape, and as a key.
    static let invalidUTF8: [[UInt8]] = [[0xC3, 0x28], [0xC0, 0xAF], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xE4, 0xB8], [0x80]]

    @Test(arguments: invalidUTF8)
    func refusesInvalidUTF8InAString(_ bad: [UInt8]) {
        for bytes in [Array(#"{"a":"x"#.utf8) + bad + Array(#""}"#.utf8),
                      Array(#"{"a":"\n"#.utf8) + bad + Array(#""}"#.utf8),
                      Array(#"{"k"#.utf8) + bad + Array(#"":1}"#.utf8)] {
            #expect(throws: JSONReader.Malformed.self) { try JSONValue.parse(Data(bytes)) }
            #expect(throws: (any Error).self) { try JSONDecoder().decode(JSONValue.self, from: Data(bytes)) }
        }
    }

    @Test func readsValidUTF8AsItIs() throws {
        let text = "意见 Grüße \u{FFFD} 😀 end"   // U+FFFD itself is valid, and stays
        #expect(try JSONValue.parse(Data(("{\"a\":\"" + text + "\",\"b\":\"\\n" + text + "\"}").utf8))
                == .object(["a": .string(text), "b": .string("\n" + text)]))
    }

    @Test func refusesNestingDeeperThan512() throws {
        let deep = String(repeating: "[", count: 600) + String(repeating: "]", count: 600)
        #expect(throws: JSONReader.Malformed.self) { try JSONValue.parse(Data(deep.utf8)) }
        let fine = String(repeating: "[", count: 500) + String(repeating: "]", count: 500)
        #expect(throws: Never.self) { try JSONValue.parse(Data(fine.utf8)) }
    }

    /// Written text equals JSONEncoder's with sorted keys and unescaped slashes (ASCII keys sort the same in both).
    @Test(arguments: valid)
    func writesWhatJSONEncoderWrites(_ text: String) throws {
        let value = try JSONValue.parse(Data(text.utf8))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let expected = String(decoding: try encoder.encode(value), as: UTF8.self)
        #expect(value.jsonText() == expected)
        #expect(try JSONValue.parse(Data(value.jsonText().utf8)) == value)
    }

    @Test func escapesEveryControlCharacter() throws {
        let text = String((0..<0x20).map { Character(Unicode.Scalar(UInt8($0))) }) + "\"\\/\u{7F}é"
        let written = JSONValue.string(text).jsonText()
        #expect(!written.utf8.contains { $0 < 0x20 })
        #expect(written.hasPrefix(#""\u0000\u0001"#) && written.contains(#"\b\t\n\u000b\f\r"#) && written.hasSuffix("\\\"\\\\/\u{7F}é\""))
        #expect(try JSONValue.parse(Data(written.utf8)) == .string(text))
    }

    @Test func aNotificationTemplateIsThePayloadWithItsID() throws {
        let object: [String: JSONValue] = ["type": .string("feedback"), "account": .string("acme"), "page": .string("p"), "fields": .object(["a": .integer(1)])]
        let template = Notification.Template(object)
        var full = object
        full["id"] = .integer(42)
        #expect(template.with(id: 42) == JSONValue.object(full).jsonText())
        #expect(Notification.Template(["z": .null]).with(id: 7) == #"{"id":7,"z":null}"#)
        #expect(Notification.Template(["a": .null]).with(id: 7) == #"{"a":null,"id":7}"#)
        #expect(Notification.Template([:]).with(id: 7) == #"{"id":7}"#)
    }

    /// The feedback notification, written member by member, is the payload built as an object and written whole.
    @Test func theFeedbackTemplateIsThePayloadWrittenAsAnObject() throws {
        for (fields, sme) in [(["message": JSONValue.string("a \"quote\"\n/é"), "rating": .integer(4), "workshop": .bool(false)],
                               NewSubmission.SME(name: "Ada", email: "ada@x.example")),
                              ([:], nil), (["z": .array([.null, .number(1.5)]), "a": .object(["k": .string("v")])], NewSubmission.SME(name: "B", email: nil))] {
            let new = NewSubmission(receivedAt: Date(timeIntervalSince1970: 1_780_000_000.75), accountSlug: "acme",
                                    submission: Submission(account: "acme-x", page: "insights/a\"b/index.html", viewer: "bob@x", timestamp: 1,
                                                           nonce: "n", fields: fields), body: Data(), sme: sme)
            #expect(Notification.template(accountSlug: "acme", new: new).with(id: 12)
                    == Notification.templateFromObject(accountSlug: "acme", new: new).with(id: 12))
        }
    }

    /// A workshop request ticked on the feedback form: its notification is written before the transaction with two
    /// holes, its id and the submission's, and filled is the payload written whole.
    @Test func aWorkshopTemplateAskedWithFeedbackIsThePayloadWithBothIDs() throws {
        let new = NewWorkshopRequest(receivedAt: Date(timeIntervalSince1970: 1_780_000_000.5), accountSlug: "acme", accountPath: "acme-x",
                                     viewer: "alice", page: "insights/a/index.html", nonce: nil, topic: "Costs", preferredWeeks: "24",
                                     participants: 3, notes: "n", sme: NewSubmission.SME(name: "Ada", email: nil))
        let template = Notification.workshopTemplate(new: new, withFeedback: true)
        guard case .object(var whole) = try JSONValue.parse(Data(Notification.workshopPayload(id: 5, new: new).utf8)) else {
            Issue.record("the payload is not an object"); return
        }
        #expect(whole["submission_id"] == .null && whole["received_at"] == .string("2026-05-28T20:26:40Z"))
        whole["submission_id"] = .integer(81)
        #expect(template.with(id: 5, submissionID: 81) == JSONValue.object(whole).jsonText())
        #expect(Notification.Template(["a": .null, "t": .null], holes: ["id", "s"]).with(id: 1, submissionID: 2) == #"{"a":null,"id":1,"s":2,"t":null}"#)
    }
}

extension PorticoFeedback.Notification {
    /// The feedback payload built as an object and written whole: what `template` must write.
    static func templateFromObject(accountSlug: String, new: NewSubmission) -> Template {
        Template([
            "type": .string("feedback"),
            "received_at": .string(new.receivedAt.formatted(.iso8601)),
            "account": .string(accountSlug),
            "page": .string(new.submission.page),
            "viewer": .string(new.submission.viewer),
            "fields": .object(new.submission.fields),
            "sme": sme(new.sme),
        ])
    }
}
