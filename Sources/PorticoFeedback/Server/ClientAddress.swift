import Foundation
import HTTPTypes

/// An IPv4 or IPv6 network, `10.0.0.0/8`, `2001:db8::/32`, or one address (`127.0.0.1`, `::1`).
public struct AddressRange: Sendable, Equatable, CustomStringConvertible {
    let network: [UInt8]
    let prefix: Int

    public init?(_ text: String) {
        let parts = text.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
        guard let address = IPAddress.bytes(parts[0]) else { return nil }
        let bits = address.count * 8
        var prefix = bits
        if parts.count == 2 {
            guard let given = Int(parts[1]), (0...bits).contains(given), parts[1].allSatisfy(\.isASCII) else { return nil }
            prefix = given
        }
        network = IPAddress.masked(address, prefix: prefix)
        self.prefix = prefix
    }

    public func contains(_ address: [UInt8]) -> Bool {
        address.count == network.count && IPAddress.masked(address, prefix: prefix) == network
    }

    public var description: String { "\(IPAddress.text(network))/\(prefix)" }
}

/// Which header a trusted proxy writes the client's address into.
public enum ForwardingHeader: String, Sendable, CaseIterable {
    /// `X-Forwarded-For: client, proxy1` (nginx `$proxy_add_x_forwarded_for`, most load balancers).
    case xForwardedFor = "x-forwarded-for"
    /// RFC 7239 `Forwarded: for=client;proto=https, for=proxy1`.
    case forwarded
}

/// The address the per-address limit counts by: the TCP peer, unless the peer is a trusted proxy;
/// then the rightmost hop of the forwarding header that is not itself trusted. Hops left of it
/// were written by the client and may be anything, so they are never believed.
public enum ClientAddress {
    public static func resolve(peer: String, headers: HTTPFields, trusted: [AddressRange], header: ForwardingHeader) -> String {
        guard !trusted.isEmpty, let peerBytes = IPAddress.bytes(peer), trusted.contains(where: { $0.contains(peerBytes) }) else {
            return peer
        }
        let hops = self.hops(headers, header)
        for hop in hops.reversed() {
            guard let bytes = IPAddress.bytes(hop) else { return hop } // `unknown`, an obfuscated id: still the proxy's word
            if !trusted.contains(where: { $0.contains(bytes) }) { return IPAddress.text(bytes) }
        }
        return hops.first.flatMap { IPAddress.bytes($0).map(IPAddress.text) } ?? peer
    }

    /// The header's hops, left (the client's claim) to right (the nearest proxy), every occurrence in order.
    static func hops(_ headers: HTTPFields, _ header: ForwardingHeader) -> [String] {
        guard let name = HTTPField.Name(header.rawValue) else { return [] }
        let elements = headers[values: name].flatMap { $0.split(separator: ",") }.map { $0.trimmingCharacters(in: .whitespaces) }
        switch header {
        case .xForwardedFor:
            return elements.filter { !$0.isEmpty }.map(stripPort)
        case .forwarded:
            return elements.compactMap { element in
                let pairs = element.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
                guard let pair = pairs.first(where: { $0.lowercased().hasPrefix("for=") }) else { return nil }
                var value = String(pair.dropFirst(4))
                if value.hasPrefix("\""), value.hasSuffix("\""), value.count >= 2 { value = String(value.dropFirst().dropLast()) }
                return stripPort(value)
            }
        }
    }

    /// `[2001:db8::1]:4711` → `2001:db8::1`, `192.0.2.1:80` → `192.0.2.1`; a bare IPv6 address stays whole.
    static func stripPort(_ hop: String) -> String {
        if hop.hasPrefix("["), let close = hop.firstIndex(of: "]") {
            return String(hop[hop.index(after: hop.startIndex)..<close])
        }
        if hop.filter({ $0 == ":" }).count == 1, let colon = hop.firstIndex(of: ":") { return String(hop[..<colon]) }
        return hop
    }
}

/// Textual IP addresses through inet_pton/inet_ntop; IPv4-mapped IPv6 (`::ffff:192.0.2.1`) counts as IPv4.
enum IPAddress {
    static func bytes(_ text: String) -> [UInt8]? {
        var v4 = in_addr()
        if inet_pton(AF_INET, text, &v4) == 1 { return withUnsafeBytes(of: &v4) { Array($0) } }
        var v6 = in6_addr()
        guard inet_pton(AF_INET6, text, &v6) == 1 else { return nil }
        let bytes = withUnsafeBytes(of: &v6) { Array($0) }
        if bytes[0..<10].allSatisfy({ $0 == 0 }), bytes[10] == 0xff, bytes[11] == 0xff { return Array(bytes[12...]) }
        return bytes
    }

    static func text(_ bytes: [UInt8]) -> String {
        var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        let family = bytes.count == 4 ? AF_INET : AF_INET6
        _ = bytes.withUnsafeBytes { inet_ntop(family, $0.baseAddress, &buffer, socklen_t(buffer.count)) }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    static func masked(_ bytes: [UInt8], prefix: Int) -> [UInt8] {
        bytes.enumerated().map { index, byte in
            let keep = min(8, max(0, prefix - index * 8))
            return keep == 8 ? byte : byte & ~(UInt8.max >> keep)
        }
    }
}
