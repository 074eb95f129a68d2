import Crypto
import Foundation
import PorticoCore

/// A console sign-in link for one member of staff: `<server>/console/sign-in?t=<token>`.
///
/// The token is `<staff id>.<expiry day>.<signature>`, the signature an Ed25519 signature over
/// `"portico-staff-link\0" + id + "\0" + expiry` by a key derived from the portal secret. The server holds only
/// the public half (in the server key file), so whoever steals that file or takes over the server cannot mint a
/// link; the build and `portico token issue --staff` can.
public enum StaffLink {
    public static let defaultDays = 14
    public static let maximumDays = 90

    static func signingKey(secret: PortalSecret, staff id: String) -> Curve25519.Signing.PrivateKey {
        // 32 bytes from the secret are a valid Ed25519 seed: the key is a fixed function of the secret and the id.
        try! Curve25519.Signing.PrivateKey(rawRepresentation: KeyDerivation.hkdf(secret.bytes, "staff-link\0\(id)", 32))
    }

    /// The public key the server verifies `id`'s links with.
    public static func verificationKey(secret: PortalSecret, staff id: String) -> Data {
        signingKey(secret: secret, staff: id).publicKey.rawRepresentation
    }

    static func message(id: String, expires: Day) -> Data { Data("portico-staff-link\0\(id)\0\(expires)".utf8) }

    public static func token(secret: PortalSecret, staff id: String, expires: Day) -> String {
        let signature = try! signingKey(secret: secret, staff: id).signature(for: message(id: id, expires: expires))
        return "\(id).\(expires).\(Data(signature).base64URL)"
    }

    public enum Refusal: Error, Equatable, CustomStringConvertible {
        case malformed
        case unknownStaff
        case expired(Day)
        case badSignature

        public var description: String {
            switch self {
            case .malformed: "this is not a Portico sign-in link"
            case .unknownStaff: "this sign-in link is not valid (unknown person, or a forged link)"
            case .expired(let day): "this sign-in link expired on \(day); ask for a new one (`portico token issue --staff <id>`)"
            case .badSignature: "this sign-in link is not valid (unknown person, or a forged link)"
            }
        }
    }

    /// The staff id the token signs in, when its signature verifies with that person's key and it has not expired.
    /// An unknown id and a bad signature are refused alike.
    public static func verify(_ token: String, keys: [String: Data], today: Day) throws(Refusal) -> String {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 3, token.utf8.count <= 512, let expires = Day(parts[1]),
              let signature = Data(base64URL: parts[2]), signature.count == 64 else { throw .malformed }
        let id = parts[0]
        // An unknown id still costs one verification, against a key that matches nothing.
        let key = keys[id] ?? Data(repeating: 0x5a, count: 32)
        let valid = (try? Curve25519.Signing.PublicKey(rawRepresentation: key))?.isValidSignature(signature, for: message(id: id, expires: expires)) ?? false
        guard valid, keys[id] != nil else { throw keys[id] == nil ? .unknownStaff : .badSignature }
        guard expires >= today else { throw .expired(expires) }
        return id
    }
}
