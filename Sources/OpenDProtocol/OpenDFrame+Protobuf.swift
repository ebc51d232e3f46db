import NIOCore
import SwiftProtobuf

extension OpenDFrame {
    /// A frame whose body is `message` in protobuf form.
    public init(protoID: UInt32, serial: UInt32, message: some SwiftProtobuf.Message) throws {
        let bytes: [UInt8] = try message.serializedBytes()
        self.init(protoID: protoID, serial: serial, body: ByteBuffer(bytes: bytes))
    }

    /// The body decoded as a protobuf message of type `M`.
    public func decode<M: SwiftProtobuf.Message>(_ type: M.Type = M.self) throws -> M {
        try M(serializedBytes: Array(body.readableBytesView), partial: true)
    }
}
