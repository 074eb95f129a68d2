import HTTPTypes
import Testing
@testable import PorticoFeedback

@Suite struct ClientAddressTests {
    let proxies = ["10.0.0.0/8", "::1", "2001:db8::/32"].compactMap(AddressRange.init)

    func client(_ peer: String, _ value: String?, header: ForwardingHeader = .xForwardedFor, trusted: [AddressRange]? = nil) -> String {
        var headers: HTTPFields = [:]
        if let value { headers[HTTPField.Name(header.rawValue)!] = value }
        return ClientAddress.resolve(peer: peer, headers: headers, trusted: trusted ?? proxies, header: header)
    }

    @Test func believesTheHeaderOnlyFromATrustedPeer() {
        #expect(client("10.1.2.3", "198.51.100.7") == "198.51.100.7")
        #expect(client("203.0.113.9", "198.51.100.7") == "203.0.113.9", "a spoofed header from the internet is ignored")
        #expect(client("10.1.2.3", "198.51.100.7", trusted: []) == "10.1.2.3", "no --trusted-proxy: the peer")
        #expect(client("10.1.2.3", nil) == "10.1.2.3")
    }

    @Test func takesTheRightmostUntrustedHop() {
        // The client wrote "1.1.1.1" itself; the proxy appended the address it saw.
        #expect(client("10.1.2.3", "1.1.1.1, 198.51.100.7") == "198.51.100.7")
        #expect(client("10.1.2.3", "1.1.1.1, 198.51.100.7, 10.9.9.9") == "198.51.100.7", "chained trusted proxies are skipped")
        #expect(client("10.1.2.3", "10.0.0.5, 10.9.9.9") == "10.0.0.5", "all trusted: the leftmost")
    }

    @Test func readsIPv6AndPorts() {
        #expect(client("::1", "2001:db8::1, [2a00:1450::5]:4711") == "2a00:1450::5")
        #expect(client("::ffff:10.1.2.3", "198.51.100.7:8080") == "198.51.100.7", "an IPv4-mapped peer is IPv4")
        #expect(client("2001:db8:aa::1", "2a00:1450::5") == "2a00:1450::5")
    }

    @Test func readsRFC7239Forwarded() {
        let value = #"for=1.1.1.1;proto=https, for="[2a00:1450::5]:4711";by=10.0.0.1"#
        #expect(client("10.1.2.3", value, header: .forwarded) == "2a00:1450::5")
        #expect(client("10.1.2.3", "for=198.51.100.7", header: .forwarded) == "198.51.100.7")
        #expect(client("10.1.2.3", "for=unknown", header: .forwarded) == "unknown")
    }

    @Test func parsesRanges() {
        #expect(AddressRange("10.0.0.0/8")?.description == "10.0.0.0/8")
        #expect(AddressRange("192.168.1.77/24")?.description == "192.168.1.0/24")
        #expect(AddressRange("fd00::/8")?.description == "fd00::/8")
        #expect(AddressRange("::1")?.description == "::1/128")
        for bad in ["10.0.0.0/33", "::/129", "example.com", "10.0.0/8", "10.0.0.0/", ""] {
            #expect(AddressRange(bad) == nil, "\(bad)")
        }
    }
}
