import Crypto
import NIOCore

/// Splits a byte stream into ``OpenDFrame``s, checking each body's SHA-1.
///
/// The body length is checked against `maxBodyLength` as soon as the header
/// has arrived, so a hostile length field (say 4 GiB) fails the stream at once
/// instead of making the decoder wait for, or reserve, that many bytes.
public struct OpenDFrameDecoder: ByteToMessageDecoder {
    public typealias InboundOut = OpenDFrame

    /// Large enough for a 50-row page many times over; OpenD's replies here are a few KiB.
    public static let defaultMaxBodyLength = 1 << 20

    public let maxBodyLength: Int
    /// The connection's encryption, if any: bodies are decrypted before their
    /// SHA-1 (always of the plaintext) is checked.
    private let crypto: OpenDFrameCrypto?

    public init(maxBodyLength: Int = OpenDFrameDecoder.defaultMaxBodyLength, crypto: OpenDFrameCrypto? = nil) {
        self.maxBodyLength = maxBodyLength
        self.crypto = crypto
    }

    public mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard let frame = try Self.decodeFrame(from: &buffer, maxBodyLength: maxBodyLength, crypto: crypto) else {
            return .needMoreData
        }
        context.fireChannelRead(Self.wrapInboundOut(frame))
        return .continue
    }

    public mutating func decodeLast(context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool) throws -> DecodingState {
        while try decode(context: context, buffer: &buffer) == .continue {}
        if buffer.readableBytes > 0 {
            let buffered = buffer.readableBytes
            buffer.moveReaderIndex(to: buffer.writerIndex)
            throw OpenDFrameError.truncated(bufferedBytes: buffered)
        }
        return .needMoreData
    }

    /// Takes one whole frame off the front of `buffer`, or returns nil and
    /// consumes nothing when the frame has not fully arrived.
    public static func decodeFrame(from buffer: inout ByteBuffer, maxBodyLength: Int,
                                   crypto: OpenDFrameCrypto? = nil) throws -> OpenDFrame? {
        let start = buffer.readerIndex
        guard buffer.readableBytes >= OpenDFrame.headerLength else {
            if buffer.readableBytes >= 2, buffer.getInteger(at: start, as: UInt16.self) != flag {
                throw OpenDFrameError.badHeader
            }
            return nil
        }
        // One access to the buffer's storage for the whole header: each
        // getInteger is a dynamically checked access of its own.
        let (hasFlag, protoID, bodyFormat, protoVersion, serial, bodyLength) = buffer.withUnsafeReadableBytes { header in
            (UInt16(bigEndian: header.loadUnaligned(as: UInt16.self)) == flag,
             UInt32(littleEndian: header.loadUnaligned(fromByteOffset: 2, as: UInt32.self)),
             header[6], header[7],
             UInt32(littleEndian: header.loadUnaligned(fromByteOffset: 8, as: UInt32.self)),
             UInt32(littleEndian: header.loadUnaligned(fromByteOffset: 12, as: UInt32.self)))
        }
        guard hasFlag else { throw OpenDFrameError.badHeader }
        guard bodyLength <= maxBodyLength else {
            throw OpenDFrameError.bodyTooLong(length: bodyLength, limit: maxBodyLength)
        }
        guard buffer.readableBytes >= OpenDFrame.headerLength + Int(bodyLength) else {
            return nil
        }
        var body = buffer.getSlice(at: start + OpenDFrame.headerLength, length: Int(bodyLength))!
        do {
            if let plaintext = try crypto?.decrypt(body, protoID: protoID) {
                body = ByteBuffer(bytes: plaintext)
            }
        } catch {
            buffer.moveReaderIndex(forwardBy: OpenDFrame.headerLength + Int(bodyLength))
            throw OpenDFrameError.cipherFailed(protoID: protoID, serial: serial, reason: error.reason)
        }
        let digestMatches = body.withUnsafeReadableBytes { payload in
            buffer.withUnsafeReadableBytes { bytes in
                // Compared as raw bytes: the digest as a Sequence went through its generic iterator.
                Insecure.SHA1.hash(data: payload).withUnsafeBytes { digest in
                    digest.elementsEqual(UnsafeRawBufferPointer(rebasing: bytes[16..<36]))
                }
            }
        }
        guard digestMatches else {
            throw OpenDFrameError.checksumMismatch(protoID: protoID, serial: serial)
        }
        buffer.moveReaderIndex(forwardBy: OpenDFrame.headerLength + Int(bodyLength))
        return OpenDFrame(protoID: protoID, serial: serial, body: body,
                          bodyFormat: bodyFormat, protoVersion: protoVersion)
    }

    /// "FT" read as a big-endian UInt16, the way `getInteger` reads it by default.
    private static let flag = UInt16(UInt8(ascii: "F")) << 8 | UInt16(UInt8(ascii: "T"))
}

/// Writes ``OpenDFrame``s with their 44-byte header, encrypting bodies when
/// the connection's crypto says so (the header's SHA-1 stays the plaintext's).
public struct OpenDFrameEncoder: MessageToByteEncoder {
    public typealias OutboundIn = OpenDFrame

    private let crypto: OpenDFrameCrypto?

    public init(crypto: OpenDFrameCrypto? = nil) {
        self.crypto = crypto
    }

    public func encode(data: OpenDFrame, out: inout ByteBuffer) throws {
        let encrypted: [UInt8]?
        do {
            encrypted = try crypto?.encrypt(data.body, protoID: data.protoID)
        } catch {
            throw OpenDFrameError.cipherFailed(protoID: data.protoID, serial: data.serial, reason: error.reason)
        }
        if let ciphertext = encrypted {
            data.write(to: &out, sending: ByteBuffer(bytes: ciphertext))
        } else {
            data.write(to: &out)
        }
    }
}
