/// The version of docs/design/gate-format.md the build writes and gate.js reads; gate.js refuses any other.
public enum GateFormat {
    public static let version = 2
}
