import Foundation
import GRDB
import HTTPTypes
import PorticoGate
import Testing
@testable import PorticoFeedback

/// The byte-level texts on ingest's path give what the Foundation paths they replace gave.
@Suite struct IngestTextTests {
    /// Seeded, so a failure repeats (a linear congruential generator is plenty here).
    struct Numbers {
        var state: UInt64
        init(_ seed: UInt64) { state = seed }
        mutating func next() -> UInt64 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return state >> 11
        }
    }

    /// Dates from 1970 to 9999, sub-millisecond parts included, and the edges of days, years and leap years.
    static func dates() -> [Date] {
        var random = Numbers(18)
        var dates = (0..<5000).map { _ in Date(timeIntervalSince1970: Double(random.next() % 253_402_300_799_000) / 1000 + Double(random.next() % 1000) / 1e6) }
        dates += [0, 0.0005, 0.9999, 86_399.9995, 951_782_400, 951_868_799.999, 4_107_542_400, 1_780_000_000.123456, 253_402_300_799.999]
            .map { Date(timeIntervalSince1970: $0) }
        dates += [Date(), Date(timeIntervalSinceReferenceDate: 0), Date(timeIntervalSinceReferenceDate: -0.0001)]
        return dates
    }

    @Test func storageTextIsWhatGRDBStoresForTheDate() {
        for date in Self.dates() {
            #expect(UTCDateText.storage(date) == String.fromDatabaseValue(date.databaseValue), "\(date.timeIntervalSince1970)")
        }
        // Outside 1970–9999: GRDB's own text.
        let early = Date(timeIntervalSince1970: -1)
        #expect(UTCDateText.storage(early) == String.fromDatabaseValue(early.databaseValue))
    }

    @Test func iso8601TextIsFoundations() {
        for date in Self.dates() { #expect(UTCDateText.iso8601(date) == date.formatted(.iso8601), "\(date.timeIntervalSince1970)") }
    }

    @Test func base64URLDecodesWhatFoundationDecodes() {
        var random = Numbers(64)
        for length in 0..<70 {
            let bytes = Data((0..<length).map { _ in UInt8(truncatingIfNeeded: random.next()) })
            let text = bytes.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
                .replacingOccurrences(of: "=", with: "")
            #expect(Base64URL.decode(text) == bytes)
            #expect(Base64URL.decode(Base64URL.encode(bytes)) == bytes)
        }
    }

    @Test func base64URLRefusesWhatIsNotOneSpellingOfBytes() {
        let proof = Base64URL.encode(Data(repeating: 0xA5, count: 32))
        #expect(proof.utf8.count == 43)
        for bad in ["A", "AAAAA", "ab+c", "ab/c", "ab=c", "AB==", "é", "AAA ", proof.dropLast() + "V"] {
            #expect(Base64URL.decode(String(bad)) == nil, "\(bad)")
        }
        // The last character of 43 carries 4 bits and 2 left over: only the spelling with those 2 unset decodes.
        let last = proof.last!
        let other = String(proof.dropLast()) + String(Character(Unicode.Scalar(last.asciiValue! + 1)))
        #expect(Base64URL.decode(proof) != nil && Base64URL.decode(other) == nil)
    }

    @Test func mediaTypesCompareAsBefore() {
        for (header, expected) in [("application/json", true), ("Application/JSON; charset=utf-8", true), (" application/json ;x", true),
                                   ("\tapplication/json", true), ("application/jsonx", false), ("application/json\u{A0}", true),
                                   ("text/plain", false), ("", false), ("application/jso", false)] {
            #expect(MediaType.matches(header, "application/json") == expected, "\(header)")
        }
        #expect(!MediaType.matches(nil, "application/json"))
        #expect(MediaType.matches("TEXT/PLAIN;charset=UTF-8", "text/plain"))
    }

    @Test func aKeyedProofKeyGivesTheHMACOfEachMessageAndIsNotChangedByUse() async {
        var random = Numbers(7)
        for keyLength in [0, 1, 31, 32, 33, 64, 65, 200] {
            let key = Data((0..<keyLength).map { _ in UInt8(truncatingIfNeeded: random.next()) })
            let proofKey = ProofKey(key)
            // The same keyed state serves every message, in any order, from many tasks at once.
            let messages = (0..<40).map { n in Data((0..<Int(random.next() % 300)).map { _ in UInt8(truncatingIfNeeded: random.next() + UInt64(n)) }) }
            let macs = await withTaskGroup(of: (Int, Data).self) { group in
                for (index, message) in messages.enumerated() { group.addTask { (index, proofKey.mac(message)) } }
                return await group.reduce(into: [Int: Data]()) { $0[$1.0] = $1.1 }
            }
            for (index, message) in messages.enumerated() {
                #expect(macs[index] == KeyDerivation.hmac(key, message), "key of \(keyLength) bytes, message \(index)")
                #expect(proofKey.mac(message) == macs[index])
            }
        }
    }

    @Test func theFirstUnknownKeyIsTheSmallestOne() {
        let allowed: Set<String> = ["account", "page"]
        #expect(firstUnknownKey(of: ["account": .null, "page": .null], allowed: allowed) == nil)
        #expect(firstUnknownKey(of: ["zeta": .null, "account": .null, "beta": .null, "gamma": .null], allowed: allowed) == "beta")
        #expect(firstUnknownKey(of: [:], allowed: allowed) == nil)
    }

    @Test func aHeaderValueIsWhatTheSubscriptGives() {
        let proof = HTTPField.Name("X-Portico-Proof")!
        var fields: HTTPFields = [.contentType: "application/json", .contentLength: "12"]
        #expect(fields.value(.contentType) == "application/json")
        #expect(fields.value(proof) == nil)
        fields.append(HTTPField(name: proof, value: "first"))
        fields.append(HTTPField(name: .accept, value: "*/*"))
        fields.append(HTTPField(name: proof, value: "second"))
        for name in [HTTPField.Name.contentType, .contentLength, proof, .accept, .cookie] {
            #expect(fields.value(name) == fields[name], "\(name)")
        }
        #expect(fields.value(proof) == "first, second", "two proofs are joined, so neither verifies alone")
    }

    @Test func aPagePathIsReadAsTheSplittingRuleReadIt() {
        func splitting(_ text: String) -> Bool {
            guard text.unicodeScalars.count <= Envelope.pageMaxLength, text.hasSuffix("/index.html") else { return false }
            let parts = text.split(separator: "/", omittingEmptySubsequences: false)
            return parts.count == 3 && Envelope.pageKinds.contains(String(parts[0])) && !parts[1].isEmpty
        }
        var texts = ["insights/a/index.html", "solutions/x-y/index.html", "case-studies/z/index.html", "insights//index.html",
                     "insights/a/b/index.html", "insight/a/index.html", "/insights/a/index.html", "insights/a/index.htm", "insights/a/index.html/",
                     "insights/index.html", "index.html", "", "/", "//", "insights/é/index.html", "insights/\(String(repeating: "a", count: 180))/index.html",
                     "insights/\(String(repeating: "a", count: 190))/index.html", "INSIGHTS/a/index.html", "insights/a/Index.html"]
        // Random paths from the pieces a page path is made of.
        var random = Numbers(31)
        let pieces = ["insights", "solutions", "case-studies", "a", "", "index.html", "é", "/", "index", ".html", "x/"]
        for _ in 0..<3000 {
            texts.append((0..<Int(random.next() % 6)).map { _ in pieces[Int(random.next() % UInt64(pieces.count))] }.joined(separator: random.next() % 4 == 0 ? "" : "/"))
        }
        // And paths shaped like a page's, each part drawn from right and wrong ones.
        let kinds = ["insights", "solutions", "case-studies", "insight", "", "x/insights"], slugs = ["a", "cloud-costs", "", "é", "x/y"]
        let files = ["index.html", "index.htm", "Index.html", "", "index.html/"]
        for _ in 0..<1000 {
            texts.append([kinds, slugs, files].map { $0[Int(random.next() % UInt64($0.count))] }.joined(separator: "/"))
        }
        for text in texts { #expect(Envelope.isPage(text) == splitting(text), "\(text)") }
        #expect(texts.filter(Envelope.isPage).count > 50, "the random paths include valid ones")
    }
}
