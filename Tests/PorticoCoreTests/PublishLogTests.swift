import Foundation
import Testing
@testable import PorticoCore

/// Recording a publish only when it differs from the newest one, with or without the shortcut file.
@Suite struct PublishLogTests {
    let first = PublishRecord(date: "2026-01-01", accounts: ["a": ["index.html": "x", "b/index.html": "y"], "b": [:]])
    let second = PublishRecord(date: "2026-01-01", accounts: ["a": ["index.html": "x", "b/index.html": "z"], "b": [:]])

    @Test func recordsOnlyWhatDiffersFromTheNewestRecord() throws {
        let log = PublishLog(project: Fixtures.temporaryFolder())
        let mark = log.folder.appendingPathComponent("latest.digest")
        #expect(try log.recordIfChanged(first, at: Date(timeIntervalSince1970: 1_000)))
        #expect(try !log.recordIfChanged(first, at: Date(timeIntervalSince1970: 2_000)))
        #expect(log.records() == [first])
        // Without the shortcut the newest record is read instead, and the shortcut written again.
        try FileManager.default.removeItem(at: mark)
        #expect(try !log.recordIfChanged(first, at: Date(timeIntervalSince1970: 3_000)))
        #expect(FileManager.default.fileExists(atPath: mark.path))
        #expect(try log.recordIfChanged(second, at: Date(timeIntervalSince1970: 4_000)))
        #expect(log.records() == [first, second])
        // A newer record the shortcut does not describe (written by another version) is read.
        try log.record(first, at: Date(timeIntervalSince1970: 5_000))
        #expect(try !log.recordIfChanged(first, at: Date(timeIntervalSince1970: 6_000)))
        #expect(try log.recordIfChanged(second, at: Date(timeIntervalSince1970: 7_000)))
        #expect(log.records() == [first, second, first, second])
        // A damaged shortcut is only a miss.
        try "garbage".write(to: mark, atomically: true, encoding: .utf8)
        #expect(try !log.recordIfChanged(second, at: Date(timeIntervalSince1970: 8_000)))
        #expect(log.records().count == 4)
    }

    @Test func knownFingerprintsAreUsedAsGiven() throws {
        let content = try Fixtures.content()
        let (_, accounts) = Fixtures.builder(content: content, output: Fixtures.temporaryFolder()).loadAndResolve(log: DiagnosticLog())
        let computed = PublishRecord(date: Fixtures.today, accounts: accounts)
        let known = Dictionary(accounts.flatMap(\.pages).map { ($0.source.sourcePath, $0.source.readerFingerprint) },
                               uniquingKeysWith: { first, _ in first })
        #expect(PublishRecord(date: Fixtures.today, accounts: accounts, known: known) == computed)
    }
}

@Suite struct PublishRecordJSONTests {
    @Test func readsBackWithJSONDecoderAndMatchesJSONEncoder() throws {
        let odd = "q\"uote\\back/slash\n\t\u{1}é😀"
        let records = [
            PublishRecord(date: "2026-01-01", accounts: [:]),
            PublishRecord(date: "2026-01-01", accounts: ["a": [:], "b": ["x/index.html": "1", odd: odd], "c": ["z": "2"]]),
        ]
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        for record in records {
            #expect(try JSONDecoder().decode(PublishRecord.self, from: record.json()) == record)
            #expect(PublishRecord.read(record.json()) == record)
        }
        // What JSONEncoder writes (other key order, escaped slashes) reads back too, and what is not a record does not.
        let compact = PublishRecord(date: "2026-01-01", accounts: ["b": ["x/index.html": "1", odd: odd], "a": [:]])
        #expect(PublishRecord.read(try JSONEncoder().encode(compact)) == compact)
        #expect(PublishRecord.read(Data("{\"accounts\":{\"a\":{\"p\":1}},\"date\":\"d\"}".utf8)) == nil)
        #expect(PublishRecord.read(Data("{\"date\":\"d\"}".utf8)) == nil)
        #expect(PublishRecord.read(Data("{\"accounts\":{},\"date\":\"d\"} x".utf8)) == nil)
        #expect(PublishRecord.read(Data("{\"accounts\":{},\"date\":\"d\"}".utf8)) == PublishRecord(date: "d", accounts: [:]))
        // Same text as JSONEncoder (bar its escaped slashes and control characters) for ordinary records.
        let plain = PublishRecord(date: "2026-01-01", accounts: ["a": [:], "b": ["x/index.html": "1", "y": "é"]])
        #expect(String(decoding: plain.json(), as: UTF8.self) == String(decoding: try encoder.encode(plain), as: UTF8.self))
    }
}
