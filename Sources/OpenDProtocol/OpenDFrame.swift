import Crypto
import NIOCore

/// One OpenD message: the 44-byte header's meaningful fields and the body.
///
/// On the wire every frame, in both directions, is
///
///     offset size field
///          0    2 "FT"
///          2    4 proto id        (u32, little endian, like every number here)
///          6    1 body format     (0 protobuf, 1 JSON)
///          7    1 proto version   (0)
///          8    4 serial number   (chosen by the client, echoed by the server)
///         12    4 body length
///         16   20 SHA-1 of the body
///         36    8 reserved zeros
///         44    … body
public struct OpenDFrame: Sendable, Equatable {
    public static let headerLength = 44
    public static let protobufFormat: UInt8 = 0

    public var protoID: UInt32
    public var serial: UInt32
    public var bodyFormat: UInt8
    public var protoVersion: UInt8
    public var body: ByteBuffer

    public init(protoID: UInt32, serial: UInt32, body: ByteBuffer,
                bodyFormat: UInt8 = OpenDFrame.protobufFormat, protoVersion: UInt8 = 0) {
        self.protoID = protoID
        self.serial = serial
        self.bodyFormat = bodyFormat
        self.protoVersion = protoVersion
        self.body = body
    }

    /// Appends the header (with the SHA-1 of the body) and the body to `buffer`.
    public func write(to buffer: inout ByteBuffer) {
        write(to: &buffer, sending: body)
    }

    /// Appends the header, with the SHA-1 of the (plaintext) body but the
    /// length of `wireBody`, then `wireBody`: the body as encrypted, if it is.
    func write(to buffer: inout ByteBuffer, sending wireBody: ByteBuffer) {
        buffer.reserveCapacity(minimumWritableBytes: Self.headerLength + wireBody.readableBytes)
        // The header is stored in one go: each of ByteBuffer's write calls
        // costs a dynamic exclusivity check on its storage.
        buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: Self.headerLength) { header in
            header.storeBytes(of: UInt8(ascii: "F"), toByteOffset: 0, as: UInt8.self)
            header.storeBytes(of: UInt8(ascii: "T"), toByteOffset: 1, as: UInt8.self)
            header.storeBytes(of: protoID.littleEndian, toByteOffset: 2, as: UInt32.self)
            header.storeBytes(of: bodyFormat, toByteOffset: 6, as: UInt8.self)
            header.storeBytes(of: protoVersion, toByteOffset: 7, as: UInt8.self)
            header.storeBytes(of: serial.littleEndian, toByteOffset: 8, as: UInt32.self)
            header.storeBytes(of: UInt32(wireBody.readableBytes).littleEndian, toByteOffset: 12, as: UInt32.self)
            body.withUnsafeReadableBytes { bytes in
                Insecure.SHA1.hash(data: bytes).withUnsafeBytes { digest in
                    UnsafeMutableRawBufferPointer(rebasing: header[16..<36]).copyMemory(from: digest)
                }
            }
            UnsafeMutableRawBufferPointer(rebasing: header[36..<Self.headerLength]).initializeMemory(as: UInt8.self, repeating: 0)
            return Self.headerLength
        }
        buffer.writeImmutableBuffer(wireBody)
    }
}

/// Why a byte stream is not a valid sequence of OpenD frames.
public enum OpenDFrameError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The first two bytes of a header are not "FT".
    case badHeader
    /// The header announces a body larger than the decoder accepts.
    case bodyTooLong(length: UInt32, limit: Int)
    /// The body does not hash to the SHA-1 in its header.
    case checksumMismatch(protoID: UInt32, serial: UInt32)
    /// The stream ended inside a frame.
    case truncated(bufferedBytes: Int)
    /// A body could not be decrypted (wrong key, truncated ciphertext, bad
    /// padding, or a peer that does not encrypt), or could not be encrypted.
    case cipherFailed(protoID: UInt32, serial: UInt32, reason: String)
    /// An encryption key is unusable.
    case badKey(String)

    public var description: String {
        switch self {
        case .badHeader:
            return "bad frame header (no \"FT\" flag)"
        case let .bodyTooLong(length, limit):
            return "frame body of \(length) bytes exceeds the limit of \(limit) bytes"
        case let .checksumMismatch(protoID, serial):
            return "SHA-1 mismatch in the body of proto \(protoID), serial \(serial)"
        case let .truncated(bufferedBytes):
            return "connection closed inside a frame (\(bufferedBytes) bytes buffered)"
        case let .cipherFailed(protoID, serial, reason):
            return "encrypted body of proto \(protoID), serial \(serial): \(reason)"
        case let .badKey(reason):
            return "encryption key: \(reason)"
        }
    }
}
