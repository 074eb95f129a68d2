/// A gate shell rendered once with a marker where the page payload goes, split around it. Pages at the same
/// depth share their shell, so sealing a page is then one buffer: head, payload, tail.
struct GateFrame {
    /// Has a quote, which HTML escaping would change: found verbatim only if the theme inserts `{{{pageJSON}}}` raw.
    static let marker = "\"PORTICO-GATE-PAGE-3c9e58\""

    let head: [UInt8]
    let tail: [UInt8]

    /// Nil when the theme does not insert the payload exactly once, unescaped: then each page renders its shell whole.
    init?(rendering render: (String) -> String) {
        let bytes = Array(render(Self.marker).utf8), marker = Array(Self.marker.utf8)
        var hits: [Int] = []
        var index = 0
        while index + marker.count <= bytes.count {
            if bytes[index] == marker[0] && bytes[index..<index + marker.count].elementsEqual(marker) { hits.append(index) }
            index += 1
        }
        guard hits.count == 1 else { return nil }
        head = Array(bytes[..<hits[0]])
        tail = Array(bytes[(hits[0] + marker.count)...])
    }
}
