import Foundation
import HTTPTypes
import PorticoFeedback

/// Signed engagement bodies as gate.js builds them (docs/engagement.md).
enum ReadingFixture {
    static var nowSeconds: Int { Int(Fixture.now.timeIntervalSince1970) }

    static func view(page: String = "insights/cloud-costs/index.html", startedAt: Int? = nil, active: Int = 42, scroll: Int = 80) -> String {
        #"{"page":"\#(page)","kind":"view","started_at":\#(startedAt ?? nowSeconds - 120),"active_seconds":\#(active),"scroll_percent":\#(scroll)}"#
    }

    static func download(page: String = "insights/cloud-costs/index.html", file: String = "assets/report.pdf") -> String {
        #"{"page":"\#(page)","kind":"download","started_at":\#(nowSeconds - 60),"file":"\#(file)"}"#
    }

    static func batch(account: String? = nil, viewer: String = "alice", timestamp: Int? = nil, nonce: String = Fixture.freshNonce(),
                      events: [String] = [view()], extra: String = "") -> String {
        #"{"account":"\#(account ?? Fixture.acmePath)","viewer":"\#(viewer)","timestamp":\#(timestamp ?? nowSeconds),"nonce":"\#(nonce)","events":[\#(events.joined(separator: ","))]\#(extra)}"#
    }

    /// The text/plain body: `{"proof": …, "batch": …}`, signed with `signer`'s key unless `proof` is given.
    static func body(_ batch: String, slug: String = "acme", signer: String = "alice", proof: String? = nil, extra: String = "") -> String {
        let mac = proof ?? ProofVerifier.proof(feedbackKey: Fixture.feedbackKey(account: slug, viewer: signer), body: Data(batch.utf8))
        let quoted = String(decoding: try! JSONEncoder().encode(batch), as: UTF8.self)
        return #"{"proof":"\#(mac)","batch":\#(quoted)\#(extra)}"#
    }

    static let headers: HTTPFields = [.contentType: "text/plain;charset=UTF-8"]
}
