import NIOCore
import NIOEmbedded
import OpenDProtocol

/// Bytes from a peer into OpenDFrameDecoder, the way a connection's pipeline
/// receives them: in up to four reads cut where the fuzzer chooses (inside a
/// header, a body, between frames), then end of stream, with a chosen body
/// limit and encryption.
enum FrameDecodingTarget {
    /// A fixed AES key and IV: the ciphertext still comes from the fuzzer,
    /// so decryption sees bad lengths, tails and padding.
    private static let aesKey = "0123456789abcdef"
    private static let cbcIV = "fedcba9876543210"

    static func run(_ input: inout FuzzInput) {
        let cipherChoice = input.byte() % 3
        let limitChoice = input.byte()
        let cutChoices = (0..<Int(input.byte() % 4)).map { _ in Int(input.byte()) | Int(input.byte()) << 8 }
        let stream = input.remainingBytes()
        // Few reads keep an input fast; the decoder keeps no state between
        // reads but the buffer, so any cut is as good as one byte at a time.
        let cuts = cutChoices.map { $0 % (stream.count + 1) }.sorted()
        let reads = zip([0] + cuts, cuts + [stream.count]).map { stream[$0..<$1] }

        // Small limits put the body-length check in reach of short inputs.
        let maxBodyLength = limitChoice < 128 ? OpenDFrameDecoder.defaultMaxBodyLength : Int(limitChoice - 128) * 8
        let crypto = OpenDFrameCrypto(rsa: nil)
        switch cipherChoice {
        case 1: crypto.body = try! OpenDBodyCipher(connAESKey: aesKey, cbcIV: nil)
        case 2: crypto.body = try! OpenDBodyCipher(connAESKey: aesKey, cbcIV: cbcIV)
        default: break
        }

        let channel = EmbeddedChannel(handler: ByteToMessageHandler(OpenDFrameDecoder(maxBodyLength: maxBodyLength, crypto: crypto)))
        defer { _ = try? channel.finish(acceptAlreadyClosed: true) }
        var decodedBytes = 0
        do {
            for read in reads {
                try channel.writeInbound(ByteBuffer(bytes: read))
                while let frame = try channel.readInbound(as: OpenDFrame.self) {
                    decodedBytes += OpenDFrame.headerLength
                    check(frame, maxBodyLength: maxBodyLength)
                }
            }
            _ = try channel.finish()
        } catch {
            // A refused stream is the expected outcome for most inputs.
        }
        // Each frame took at least its header off the stream.
        precondition(decodedBytes <= stream.count, "decoded \(decodedBytes / OpenDFrame.headerLength) frames from \(stream.count) bytes")
    }

    /// A decoded frame is within the limit and survives being written and
    /// read again unchanged (as the gateway relays what it decoded).
    private static func check(_ frame: OpenDFrame, maxBodyLength: Int) {
        precondition(frame.body.readableBytes <= maxBodyLength, "a body of \(frame.body.readableBytes) bytes passed the limit of \(maxBodyLength)")
        var wire = ByteBuffer()
        frame.write(to: &wire)
        let reread = try? OpenDFrameDecoder.decodeFrame(from: &wire, maxBodyLength: Int(UInt32.max))
        precondition(reread == frame, "frame \(frame.protoID)/\(frame.serial) does not survive a round trip")
        precondition(wire.readableBytes == 0, "round trip of frame \(frame.protoID)/\(frame.serial) left \(wire.readableBytes) bytes")
    }
}
