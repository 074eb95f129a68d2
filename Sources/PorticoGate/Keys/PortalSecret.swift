import Crypto
import Foundation
import PorticoCore

/// The 256-bit portal secret every key derives from. Never written into content/ or site/.
public struct PortalSecret: Sendable {
    public let bytes: Data

    public init(bytes: Data) throws {
        guard bytes.count == 32 else { throw SecretError.invalid("the secret must be 32 bytes (64 hex characters), got \(bytes.count) bytes") }
        self.bytes = bytes
    }

    public init(hex: String) throws {
        let text = hex.trimmingCharacters(in: .whitespacesAndNewlines)
        guard let data = Data(hexString: text) else {
            throw SecretError.invalid("the secret must be 64 hexadecimal characters")
        }
        try self.init(bytes: data)
    }

    public static func generate() -> PortalSecret {
        try! PortalSecret(bytes: SymmetricKey(size: .bits256).withUnsafeBytes { Data($0) })
    }

    public var hex: String { bytes.hexString }

    /// `PORTICO_SECRET`, else `<project>/.portico/secret`.
    public static func load(project: URL, environment: [String: String] = ProcessInfo.processInfo.environment) throws -> PortalSecret {
        if let value = environment["PORTICO_SECRET"], !value.isEmpty {
            do { return try PortalSecret(hex: value) } catch SecretError.invalid(let why) {
                throw SecretError.invalid("PORTICO_SECRET is not usable: \(why)")
            }
        }
        let file = secretFile(project: project)
        guard let text = try? String(contentsOf: file, encoding: .utf8) else {
            throw SecretError.missing(file.path)
        }
        do { return try PortalSecret(hex: text) } catch SecretError.invalid(let why) {
            throw SecretError.invalid("\(file.path) is not usable: \(why)")
        }
    }

    public static func secretFile(project: URL) -> URL {
        project.appendingPathComponent(".portico/secret")
    }

    /// Creates `.portico/secret` with mode 0600 from the first byte on (`open` with `O_EXCL`: never over an
    /// existing file, never readable by others even for a moment), inside a `.portico/` made 0700.
    @discardableResult
    public static func create(project: URL) throws -> (PortalSecret, URL) {
        let file = secretFile(project: project)
        let folder = file.deletingLastPathComponent()
        try PrivateFolder.create(folder)
        let descriptor = open(file.path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            if errno == EEXIST { throw SecretError.exists(file.path) }
            throw SecretError.invalid("could not create \(file.path): \(String(cString: strerror(errno)))")
        }
        let secret = generate()
        let handle = FileHandle(fileDescriptor: descriptor, closeOnDealloc: true)
        do {
            try handle.write(contentsOf: Data((secret.hex + "\n").utf8))
            try handle.synchronize()
        } catch {
            try? FileManager.default.removeItem(at: file)
            throw SecretError.invalid("could not write \(file.path): \(error)")
        }
        let ignore = folder.appendingPathComponent(".gitignore")
        if !FileManager.default.fileExists(atPath: ignore.path) { try "*\n".write(to: ignore, atomically: true, encoding: .utf8) }
        return (secret, file)
    }

    /// An identifier of the secret for `.portico/publishes/` (which secret published last): one-way, and
    /// unrelated to every key the site uses.
    public var fingerprint: String { Hex.encode(KeyDerivation.hkdf(bytes, "portico publish history", 8)) }
}

public enum SecretError: Error, CustomStringConvertible, Equatable {
    case missing(String)
    case invalid(String)
    case exists(String)

    public var description: String {
        switch self {
        case .missing(let path):
            "no portal secret: set PORTICO_SECRET (64 hex characters) or run `portico init` to create \(path)"
        case .invalid(let why): why
        case .exists(let path): "\(path) already exists; Portico never overwrites a secret (every access link derives from it)"
        }
    }
}

extension Data {
    init?(hexString: String) {
        guard hexString.count % 2 == 0 else { return nil }
        var data = Data(capacity: hexString.count / 2)
        var index = hexString.startIndex
        while index < hexString.endIndex {
            let next = hexString.index(index, offsetBy: 2)
            guard let byte = UInt8(hexString[index..<next], radix: 16) else { return nil }
            data.append(byte)
            index = next
        }
        self = data
    }

    var hexString: String { Hex.encode(self) }

    var base64URL: String {
        base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    init?(base64URL text: String) {
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.count % 4 != 0 { base64 += "=" }
        guard let data = Data(base64Encoded: base64) else { return nil }
        self = data
    }
}
