import Crypto
import CryptoExtras
import FoundationEssentials
import NIOCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Why a body could not be encrypted or decrypted; the codec adds which frame.
public struct CipherFailure: Error {
    public let reason: String
}

/// The RSA private key OpenD and its clients share when protocol encryption
/// is on. It encrypts the InitConnect request and reply (PKCS#1 v1.5, in
/// chunks); the reply then carries the AES key for every later body.
///
/// OpenD's keys are typically 1024-bit, which swift-crypto refuses through
/// its ordinary initializers (they want 2048 bits or more): the key is read
/// with `unsafePEMRepresentation`, swift-crypto's supported way to accept
/// 1024-bit keys "for compatibility reasons".
public struct OpenDRSAKey: Sendable, Equatable {
    /// Kept as text: swift-crypto's key type is not Sendable. It is parsed
    /// once per connection, for its InitConnect.
    private let pem: String
    private let modulusBytes: Int

    public init(pem: String) throws(OpenDFrameError) {
        self.pem = pem
        modulusBytes = try Self.parse(pem).keySizeInBits / 8
    }

    private static func parse(_ pem: String) throws(OpenDFrameError) -> _RSA.Encryption.PrivateKey {
        do {
            return try _RSA.Encryption.PrivateKey(unsafePEMRepresentation: pem)
        } catch {
            throw .badKey("not an RSA private key in PEM form of 1024 bits or more (\(error))")
        }
    }

    public init(contentsOfFile path: String) throws(OpenDFrameError) {
        // Foundation (Swift 6.3.1) leaks a 4 KiB buffer on every read of an
        // empty file, which fuzzing si_config_set_encryption found: an empty
        // file is refused without being read.
        var status = stat()
        if stat(path, &status) == 0, status.st_size == 0, status.st_mode & S_IFMT == S_IFREG {
            throw .badKey("RSA key file \(path) is empty")
        }
        let pem: String
        do {
            pem = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw .badKey("cannot read RSA key file \(path): \(error)")
        }
        try self.init(pem: pem)
    }

    /// futu-api encrypts 100-byte chunks with a 1024-bit key (200 with 2048).
    private var plaintextChunk: Int { modulusBytes * 25 / 32 }

    func encrypt(_ plaintext: [UInt8]) throws(CipherFailure) -> [UInt8] {
        guard let key = try? Self.parse(pem) else { throw CipherFailure(reason: "the RSA key no longer parses") }
        var out: [UInt8] = []
        var start = 0
        repeat {
            let chunk = plaintext[start..<min(start + plaintextChunk, plaintext.count)]
            do {
                out += try key.publicKey.encrypt(chunk, padding: ._WEAK_AND_INSECURE_PKCS_V1_5)
            } catch {
                throw CipherFailure(reason: "RSA encryption failed: \(error)")
            }
            start += plaintextChunk
        } while start < plaintext.count
        return out
    }

    func decrypt(_ ciphertext: [UInt8]) throws(CipherFailure) -> [UInt8] {
        guard !ciphertext.isEmpty, ciphertext.count % modulusBytes == 0 else {
            throw CipherFailure(reason: "\(ciphertext.count) bytes are not whole \(modulusBytes)-byte RSA blocks")
        }
        guard let key = try? Self.parse(pem) else { throw CipherFailure(reason: "the RSA key no longer parses") }
        var out: [UInt8] = []
        for start in stride(from: 0, to: ciphertext.count, by: modulusBytes) {
            do {
                out += try key.decrypt(ciphertext[start..<start + modulusBytes], padding: ._WEAK_AND_INSECURE_PKCS_V1_5)
            } catch {
                throw CipherFailure(reason: "RSA decryption failed (wrong key?): \(error)")
            }
        }
        return out
    }
}

/// How bodies after InitConnect are encrypted, with the AES key from the
/// InitConnect reply.
public enum OpenDBodyCipher: Sendable {
    /// Futu's AES-ECB variant: zero padding to 16 bytes, then one extra block
    /// whose last byte is the original length mod 16. Used when the
    /// InitConnect reply carries no IV.
    case futuECB(SymmetricKey)
    /// AES-128-CBC with PKCS#7 padding, each body encrypted afresh from the IV
    /// of the InitConnect reply.
    case cbc(SymmetricKey, iv: AES._CBC.IV)

    /// The cipher for `connAESKey` (16 characters) and, for CBC, `aesCBCiv`.
    public init(connAESKey: String, cbcIV: String?) throws(OpenDFrameError) {
        let key = Array(connAESKey.utf8)
        guard key.count == 16 else { throw .badKey("connAESKey has \(key.count) bytes, not 16") }
        guard let cbcIV else {
            self = .futuECB(SymmetricKey(data: key))
            return
        }
        do {
            self = .cbc(SymmetricKey(data: key), iv: try AES._CBC.IV(ivBytes: Array(cbcIV.utf8)))
        } catch {
            throw .badKey("aesCBCiv is not 16 bytes: \(error)")
        }
    }

    public func encrypt(_ plaintext: [UInt8]) throws(CipherFailure) -> [UInt8] {
        do {
            switch self {
            case let .futuECB(key):
                let tail = plaintext.count % 16
                var blocks = plaintext + [UInt8](repeating: 0, count: tail == 0 ? 0 : 16 - tail)
                for start in stride(from: 0, to: blocks.count, by: 16) {
                    try AES.permute(&blocks[start..<start + 16], key: key)
                }
                return blocks + [UInt8](repeating: 0, count: 15) + [UInt8(tail)]
            case let .cbc(key, iv):
                return Array(try AES._CBC.encrypt(plaintext, using: key, iv: iv))
            }
        } catch {
            throw CipherFailure(reason: "AES encryption failed: \(error)")
        }
    }

    public func decrypt(_ ciphertext: [UInt8]) throws(CipherFailure) -> [UInt8] {
        switch self {
        case let .futuECB(key):
            guard ciphertext.count >= 16, ciphertext.count % 16 == 0, let tail = ciphertext.last, tail < 16 else {
                throw CipherFailure(reason: "\(ciphertext.count) bytes are not a Futu AES-ECB body")
            }
            var blocks = Array(ciphertext.dropLast(16))
            do {
                for start in stride(from: 0, to: blocks.count, by: 16) {
                    try AES.inversePermute(&blocks[start..<start + 16], key: key)
                }
            } catch {
                throw CipherFailure(reason: "AES decryption failed: \(error)")
            }
            if tail != 0 {
                guard !blocks.isEmpty else { throw CipherFailure(reason: "Futu AES-ECB tail \(tail) on an empty body") }
                blocks.removeLast(16 - Int(tail))
            }
            return blocks
        case let .cbc(key, iv):
            do {
                return Array(try AES._CBC.decrypt(ciphertext, using: key, iv: iv))
            } catch {
                throw CipherFailure(reason: "AES-CBC decryption failed (bad padding or key): \(error)")
            }
        }
    }
}

/// One connection's encryption state, shared by its decoder, its encoder and
/// the handler that completes InitConnect. Lives on the connection's event loop.
public final class OpenDFrameCrypto {
    /// Encrypts InitConnect (proto 1001) in both directions.
    public var rsa: OpenDRSAKey?
    /// Encrypts every other body, once InitConnect has set it.
    public var body: OpenDBodyCipher?

    public init(rsa: OpenDRSAKey?) {
        self.rsa = rsa
    }

    // The body is copied out of its ByteBuffer only when a cipher applies:
    // copying every body in the clear was 6 % of a 1-row call (callgrind).

    /// `plaintext` encrypted for proto `protoID`, or nil when it travels in the clear.
    func encrypt(_ plaintext: ByteBuffer, protoID: UInt32) throws(CipherFailure) -> [UInt8]? {
        if protoID == ProtoID.initConnect {
            guard let rsa else { return nil }
            return try rsa.encrypt(Array(plaintext.readableBytesView))
        }
        guard let body else { return nil }
        return try body.encrypt(Array(plaintext.readableBytesView))
    }

    /// `ciphertext` decrypted for proto `protoID`, or nil when it travels in the clear.
    func decrypt(_ ciphertext: ByteBuffer, protoID: UInt32) throws(CipherFailure) -> [UInt8]? {
        if protoID == ProtoID.initConnect {
            guard let rsa else { return nil }
            return try rsa.decrypt(Array(ciphertext.readableBytesView))
        }
        guard let body else { return nil }
        return try body.decrypt(Array(ciphertext.readableBytesView))
    }
}
