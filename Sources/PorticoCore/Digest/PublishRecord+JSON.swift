import Foundation

extension PublishRecord {
    /// The record as pretty-printed JSON with sorted keys, the shape JSONEncoder gives it, written directly:
    /// JSONEncoder took a twentieth of a one-page rebuild for fifteen thousand short strings (appended as bytes: joined
    /// Strings still took a twentieth).
    func json() -> Data {
        var out = [UInt8]()
        out.reserveCapacity(accounts.reduce(64) { $0 + 32 + $1.value.count * 112 })
        func add(_ text: String) { out.append(contentsOf: text.utf8) }
        func addQuoted(_ text: String) {
            if text.utf8.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) { return add(Self.quoted(text)) }
            out.append(UInt8(ascii: "\""))
            add(text)
            out.append(UInt8(ascii: "\""))
        }
        add("{\n  \"accounts\" : {")
        for (index, (slug, pages)) in accounts.sorted(by: { $0.key < $1.key }).enumerated() {
            add(index == 0 ? "\n    " : ",\n    ")
            addQuoted(slug)
            add(" : {")
            for (pageIndex, (path, fingerprint)) in pages.sorted(by: { $0.key < $1.key }).enumerated() {
                add(pageIndex == 0 ? "\n      " : ",\n      ")
                addQuoted(path)
                add(" : ")
                addQuoted(fingerprint)
            }
            add(pages.isEmpty ? "\n\n    }" : "\n    }")
        }
        add(accounts.isEmpty ? "\n\n  },\n" : "\n  },\n")
        add("  \"date\" : ")
        addQuoted(date)
        add("\n}")
        return Data(out)
    }

    static func quoted(_ text: String) -> String {
        // Paths and fingerprints almost never need an escape: then the text goes in whole.
        if !text.utf8.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) {
            return "\"" + text + "\""
        }
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20: out += String(format: "\\u%04x", scalar.value)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}

extension PublishRecord {
    /// Reads a record. The JSON `json()` writes (any spacing, every string escape) is read directly: a megabyte
    /// through JSONDecoder was a sixth of a one-page rebuild. Anything else goes to JSONDecoder.
    static func read(_ data: Data) -> PublishRecord? {
        if let record = data.withUnsafeBytes({ bytes -> PublishRecord? in
            var reader = RecordReader(bytes: bytes.bindMemory(to: UInt8.self))
            return reader.record()
        }) {
            return record
        }
        return try? JSONDecoder().decode(PublishRecord.self, from: data)
    }
}

/// The JSON subset of a publish record: objects whose values are strings or objects of strings.
private struct RecordReader {
    let bytes: UnsafeBufferPointer<UInt8>
    var position = 0

    mutating func record() -> PublishRecord? {
        var accounts: [String: [String: String]]?
        var date: String?
        guard object({ reader, key in
            switch key {
            case "accounts":
                var result: [String: [String: String]] = [:]
                guard reader.object({ reader, slug in
                    var pages: [String: String] = [:]
                    guard reader.object({ reader, path in
                        guard let fingerprint = reader.string() else { return false }
                        pages[path] = fingerprint
                        return true
                    }) else { return false }
                    result[slug] = pages
                    return true
                }) else { return false }
                accounts = result
            case "date":
                date = reader.string()
                return date != nil
            default:
                return false
            }
            return true
        }) else { return nil }
        skipSpace()
        guard position == bytes.count, let accounts, let date else { return nil }
        return PublishRecord(date: date, accounts: accounts)
    }

    /// `{ "key" : value, … }`, calling `value` with each key to read what follows the colon.
    mutating func object(_ value: (inout RecordReader, String) -> Bool) -> Bool {
        guard expect(UInt8(ascii: "{")) else { return false }
        skipSpace()
        if peek == UInt8(ascii: "}") { position += 1; return true }
        while true {
            guard let key = string(), expect(UInt8(ascii: ":")), value(&self, key) else { return false }
            skipSpace()
            guard let next = peek else { return false }
            position += 1
            if next == UInt8(ascii: "}") { return true }
            guard next == UInt8(ascii: ",") else { return false }
        }
    }

    mutating func string() -> String? {
        guard expect(UInt8(ascii: "\"")) else { return nil }
        let start = position
        while position < bytes.count, bytes[position] != UInt8(ascii: "\""), bytes[position] != UInt8(ascii: "\\"), bytes[position] >= 0x20 {
            position += 1
        }
        guard position < bytes.count else { return nil }
        if bytes[position] == UInt8(ascii: "\"") {
            defer { position += 1 }
            return String(validatingUTF8: UnsafeBufferPointer(rebasing: bytes[start..<position]))
        }
        // Escapes or control characters: JSONDecoder decides.
        return nil
    }

    var peek: UInt8? { position < bytes.count ? bytes[position] : nil }

    mutating func expect(_ byte: UInt8) -> Bool {
        skipSpace()
        guard peek == byte else { return false }
        position += 1
        return true
    }

    mutating func skipSpace() {
        while let byte = peek, byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 { position += 1 }
    }
}

private extension String {
    init?(validatingUTF8 bytes: UnsafeBufferPointer<UInt8>) {
        guard let text = String(validating: bytes, as: UTF8.self) else { return nil }
        self = text
    }
}
