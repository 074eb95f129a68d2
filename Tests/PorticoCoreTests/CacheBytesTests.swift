import Foundation
import Testing
@testable import PorticoCore

@Suite struct CacheBytesTests {
    @Test func aBlockIsReadWholeOrSteppedOverByItsLength() throws {
        var writer = CacheBytesWriter()
        writer.block { $0.string("first"); $0.int(7) }
        writer.string("after")
        let sealed = writer.sealed()

        var reader = try #require(CacheBytesReader(sealed: sealed))
        let skipped = reader.skip()
        let after = reader.string()
        #expect(skipped && after == "after" && reader.isAtEnd)

        reader = try #require(CacheBytesReader(sealed: sealed))
        let read = reader.block { reader -> (String, Int)? in
            guard let text = reader.string(), let number = reader.int() else { return nil }
            return (text, number)
        }
        let next = reader.string()
        #expect(read?.0 == "first" && read?.1 == 7 && next == "after")

        // A reader that takes less or more than the block holds reads nothing: the two sides disagree.
        reader = try #require(CacheBytesReader(sealed: sealed))
        let less = reader.block { $0.string() }
        #expect(less == nil)
        reader = try #require(CacheBytesReader(sealed: sealed))
        let more = reader.block { reader -> Int? in _ = reader.string(); _ = reader.int(); return reader.int() }
        #expect(more == nil)
    }

    @Test func aDamagedOrTruncatedFileIsNotRead() {
        var writer = CacheBytesWriter()
        writer.string("text")
        var sealed = writer.sealed()
        #expect(CacheBytesReader(sealed: sealed.dropLast()) == nil)
        sealed[3] ^= 1
        #expect(CacheBytesReader(sealed: sealed) == nil)
    }
}
