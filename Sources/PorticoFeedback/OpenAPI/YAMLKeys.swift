import Yams

/// OpenAPI requires response codes as strings ("201"); YAMLEncoder writes integer-like keys plain,
/// which YAML reads back as numbers. This quotes every mapping key made only of digits.
enum YAMLKeys {
    static func quoteNumericKeys(_ yaml: String) throws -> String {
        guard let node = try Yams.compose(yaml: yaml) else { return yaml }
        return try Yams.serialize(node: quote(node), width: 100, allowUnicode: true, sortKeys: false)
    }

    private static func quote(_ node: Node) -> Node {
        switch node {
        case .mapping(let mapping):
            let pairs = mapping.map { pair -> (Node, Node) in
                var key = pair.key
                if case .scalar(let scalar) = key, !scalar.string.isEmpty, scalar.string.allSatisfy(\.isASCII), scalar.string.allSatisfy(\.isNumber) {
                    key = .scalar(Node.Scalar(scalar.string, .implicit, .singleQuoted))
                }
                return (key, quote(pair.value))
            }
            return .mapping(Node.Mapping(pairs, mapping.tag, mapping.style))
        case .sequence(let sequence):
            return .sequence(Node.Sequence(sequence.map(quote), sequence.tag, sequence.style))
        default:
            return node
        }
    }
}
