import NIOCore
import NIOEmbedded
import OpenDProtocol
import Testing

@Suite struct FramingTests {
    private func encoded(_ frames: [OpenDFrame]) -> [UInt8] {
        var buffer = ByteBuffer()
        for frame in frames { frame.write(to: &buffer) }
        return Array(buffer.readableBytesView)
    }

    private func frame(_ serial: UInt32, _ text: String) -> OpenDFrame {
        OpenDFrame(protoID: ProtoID.getShortInterest, serial: serial, body: ByteBuffer(string: text))
    }

    private func decoder() -> EmbeddedChannel {
        EmbeddedChannel(handler: ByteToMessageHandler(OpenDFrameDecoder(maxBodyLength: 4096)))
    }

    @Test func headerLayoutMatchesTheSpec() {
        let bytes = encoded([OpenDFrame(protoID: 0x0102_0304, serial: 0x0A0B_0C0D, body: ByteBuffer(string: "abc"))])
        #expect(bytes.count == 44 + 3)
        #expect(Array(bytes[0..<2]) == [0x46, 0x54])
        #expect(Array(bytes[2..<6]) == [0x04, 0x03, 0x02, 0x01])
        #expect(bytes[6] == 0 && bytes[7] == 0)
        #expect(Array(bytes[8..<12]) == [0x0D, 0x0C, 0x0B, 0x0A])
        #expect(Array(bytes[12..<16]) == [3, 0, 0, 0])
        // SHA-1("abc")
        #expect(Array(bytes[16..<20]) == [0xA9, 0x99, 0x3E, 0x36])
        #expect(Array(bytes[36..<44]) == Array(repeating: 0, count: 8))
        #expect(Array(bytes[44...]) == Array("abc".utf8))
    }

    @Test func aFrameSplitAcrossManyReads() throws {
        let channel = decoder()
        let sent = frame(42, String(repeating: "x", count: 300))
        for byte in encoded([sent]) {
            #expect(try channel.readInbound(as: OpenDFrame.self) == nil)
            try channel.writeInbound(ByteBuffer(bytes: [byte]))
        }
        #expect(try channel.readInbound(as: OpenDFrame.self) == sent)
        #expect(try channel.finish().isClean)
    }

    @Test func severalFramesInOneRead() throws {
        let channel = decoder()
        let sent = [frame(1, "one"), frame(2, ""), frame(3, "three")]
        try channel.writeInbound(ByteBuffer(bytes: encoded(sent)))
        for expected in sent {
            #expect(try channel.readInbound(as: OpenDFrame.self) == expected)
        }
        #expect(try channel.readInbound(as: OpenDFrame.self) == nil)
    }

    @Test func aBadChecksumIsRefused() throws {
        var bytes = encoded([frame(9, "payload")])
        bytes[20] ^= 0xFF
        let channel = decoder()
        #expect(throws: OpenDFrameError.checksumMismatch(protoID: ProtoID.getShortInterest, serial: 9)) {
            try channel.writeInbound(ByteBuffer(bytes: bytes))
        }
    }

    @Test func aCorruptedBodyIsRefused() throws {
        var bytes = encoded([frame(9, "payload")])
        bytes[bytes.count - 1] ^= 0x01
        let channel = decoder()
        #expect(throws: OpenDFrameError.self) {
            try channel.writeInbound(ByteBuffer(bytes: bytes))
        }
    }

    @Test func aHugeLengthFieldFailsAtTheHeader() throws {
        var bytes = Array(encoded([frame(5, "")]))
        bytes.replaceSubrange(12..<16, with: [0xFF, 0xFF, 0xFF, 0xFF])
        let channel = decoder()
        // Only the header is sent: the decoder must fail without waiting for 4 GiB.
        #expect(throws: OpenDFrameError.bodyTooLong(length: .max, limit: 4096)) {
            try channel.writeInbound(ByteBuffer(bytes: bytes))
        }
    }

    @Test func garbageIsRefusedAfterTwoBytes() throws {
        let channel = decoder()
        #expect(throws: OpenDFrameError.badHeader) {
            try channel.writeInbound(ByteBuffer(string: "GET / HTTP/1.1\r\n"))
        }
    }

    @Test func theStreamEndingInsideAFrameIsReported() throws {
        let channel = decoder()
        try channel.writeInbound(ByteBuffer(bytes: encoded([frame(1, "abcdef")]).dropLast(2)))
        #expect(throws: OpenDFrameError.truncated(bufferedBytes: 48)) {
            _ = try channel.finish()
        }
    }
}
