/// Why bytes are not a valid protobuf message, named as swift-protobuf's
/// `BinaryDecodingError` names it, so that a bad body reads the same whichever
/// decoder found it.
enum ProtobufWireError: Error, Sendable {
    case truncated
    case malformedProtobuf
    case invalidUTF8
    case messageDepthLimit
}

// Protobuf's binary wire format, read and written by hand for the one
// request and the one reply on the hot path (Qot_GetShortInterest): through
// swift-protobuf's generated messages they cost several times as much. The
// generated code stays the definition: the `replies` fuzz target checks
// that both give the same bytes and the same pages.

/// Reads protobuf's binary wire format field by field, accepting and
/// refusing exactly what swift-protobuf's `BinaryDecoder` does (same tag
/// rules, same limits, same errors).
///
/// A reader knows one message's bytes; ``message()`` gives a reader for an
/// embedded message.
struct ProtobufReader {
    enum WireType: UInt8 {
        case varint = 0, fixed64 = 1, lengthDelimited = 2, startGroup = 3, endGroup = 4, fixed32 = 5
    }

    private let bytes: UnsafeRawBufferPointer
    private var index: Int
    /// Messages and groups that may still be opened inside this one
    /// (swift-protobuf allows 100 levels).
    private let depthBudget: Int

    /// A reader of a top-level message. `bytes` must outlive it.
    init(topLevel bytes: UnsafeRawBufferPointer) throws(ProtobufWireError) {
        try self.init(bytes, depthBudget: 100)
    }

    private init(_ bytes: UnsafeRawBufferPointer, depthBudget: Int) throws(ProtobufWireError) {
        guard depthBudget > 0 else { throw .messageDepthLimit }
        self.bytes = bytes
        self.index = 0
        self.depthBudget = depthBudget - 1
    }

    /// The next field's number and wire type, or nil at the end of the message.
    @inline(__always)
    mutating func nextField() throws(ProtobufWireError) -> (number: Int, wireType: WireType)? {
        guard index < bytes.count else { return nil }
        // Every field of these messages has a one-byte tag: decode it here,
        // inline in the callers' loops.
        let first = bytes[index]
        if first < 0x80, let wireType = WireType(rawValue: first & 7), first >> 3 != 0, wireType != .endGroup {
            index += 1
            return (Int(first >> 3), wireType)
        }
        return try longField()
    }

    private mutating func longField() throws(ProtobufWireError) -> (number: Int, wireType: WireType) {
        // As swift-protobuf's nextFieldNumber: the wire type from the first
        // byte, then at most 5 bytes of tag, the fifth at most 15.
        guard let wireType = WireType(rawValue: bytes[index] & 7) else { throw .malformedProtobuf }
        var number = 0
        var shift = 0
        for position in 0..<5 {
            guard index + position < bytes.count else { throw .malformedProtobuf }
            let byte = bytes[index + position]
            if position == 4 && byte > 15 { throw .malformedProtobuf }
            number |= Int(byte & 0x7f) << shift
            shift += 7
            if byte & 0x80 == 0 || position == 4 {
                index += position + 1
                break
            }
        }
        number >>= 3
        // An end of group outside a group (these messages are not groups).
        guard number != 0, wireType != .endGroup else { throw .malformedProtobuf }
        return (number, wireType)
    }

    @inline(__always)
    mutating func varint() throws(ProtobufWireError) -> UInt64 {
        guard index < bytes.count else { throw .truncated }
        if bytes[index] < 0x80 {
            defer { index += 1 }
            return UInt64(bytes[index])
        }
        return try longVarint()
    }

    private mutating func longVarint() throws(ProtobufWireError) -> UInt64 {
        // With the longest varint's 10 bytes left, no byte needs a bounds
        // check: the rows' timestamps and share counts take 4-5 bytes each.
        if bytes.count - index >= 10 {
            let start = bytes.baseAddress! + index
            var value: UInt64 = 0
            for position in 0..<10 {
                let byte = start.load(fromByteOffset: position, as: UInt8.self)
                value |= UInt64(byte & 0x7f) &<< UInt64(7 * position)
                if byte & 0x80 == 0 {
                    index += position + 1
                    return value
                }
            }
            throw .malformedProtobuf
        }
        var value: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            guard index < bytes.count, shift <= 63 else { throw .malformedProtobuf }
            let byte = bytes[index]
            index += 1
            value |= UInt64(byte & 0x7f) &<< shift
            if byte & 0x80 == 0 { return value }
            shift += 7
        }
    }

    @inline(__always)
    mutating func fixed64() throws(ProtobufWireError) -> UInt64 {
        guard bytes.count - index >= 8 else { throw .truncated }
        defer { index += 8 }
        return UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: index, as: UInt64.self))
    }

    mutating func double() throws(ProtobufWireError) -> Double {
        Double(bitPattern: try fixed64())
    }

    mutating func string() throws(ProtobufWireError) -> String {
        let body = try lengthDelimited()
        // Nearly every string here is ASCII (dates, keys), for which checking
        // each byte is a tenth of the generic validation's cost; the bytes
        // are then copied straight into the string (a small string for a
        // date), which String(decoding:) would have validated a second time.
        if body.allSatisfy({ $0 < 0x80 }) {
            return String(unsafeUninitializedCapacity: body.count) { buffer in
                UnsafeMutableRawBufferPointer(buffer).copyMemory(from: body)
                return body.count
            }
        }
        guard let text = String(validating: body, as: UTF8.self) else { throw .invalidUTF8 }
        return text
    }

    /// A reader of the embedded message in a length-delimited field.
    mutating func message() throws(ProtobufWireError) -> ProtobufReader {
        try ProtobufReader(lengthDelimited(), depthBudget: depthBudget)
    }

    private mutating func lengthDelimited() throws(ProtobufWireError) -> UnsafeRawBufferPointer {
        let length = try varint()
        guard length < 0x7fff_ffff else { throw .malformedProtobuf }
        guard length <= UInt64(bytes.count - index) else { throw .truncated }
        defer { index += Int(length) }
        return UnsafeRawBufferPointer(rebasing: bytes[index..<index + Int(length)])
    }

    /// Skips the body of a field this reader does not know (or knows with
    /// another wire type, which swift-protobuf also treats as unknown).
    mutating func skip(field number: Int, wireType: WireType) throws(ProtobufWireError) {
        try skip(field: number, wireType: wireType, depthBudget: depthBudget)
    }

    private mutating func skip(field number: Int, wireType: WireType, depthBudget: Int) throws(ProtobufWireError) {
        switch wireType {
        case .varint:
            _ = try varint()
        case .fixed64:
            guard bytes.count - index >= 8 else { throw .truncated }
            index += 8
        case .fixed32:
            guard bytes.count - index >= 4 else { throw .truncated }
            index += 4
        case .lengthDelimited:
            let length = try varint()
            guard length <= UInt64(bytes.count - index) else { throw .truncated }
            index += Int(length)
        case .startGroup:
            guard depthBudget > 0 else { throw .messageDepthLimit }
            while true {
                // Inside a group swift-protobuf reads tags as one varint.
                guard index < bytes.count else { throw .truncated }
                let tag = try varint()
                guard tag < UInt64(UInt32.max), let innerType = WireType(rawValue: UInt8(tag & 7)), tag >> 3 != 0 else {
                    throw .malformedProtobuf
                }
                let innerNumber = Int(tag >> 3)
                if innerType == .endGroup {
                    guard innerNumber == number else { throw .malformedProtobuf }
                    return
                }
                try skip(field: innerNumber, wireType: innerType, depthBudget: depthBudget - 1)
            }
        case .endGroup:
            throw .truncated
        }
    }
}

/// Writes protobuf's binary wire format as swift-protobuf does: fields in
/// the order given (callers give them in field-number order), negative
/// int32 and int64 values as 10-byte varints, doubles as fixed64.
struct ProtobufWriter {
    private(set) var bytes: [UInt8]

    /// A writer with room for `capacity` bytes before it grows.
    init(capacity: Int = 64) {
        bytes = []
        bytes.reserveCapacity(capacity)
    }

    mutating func int32(field: Int, _ value: Int32) {
        tag(field, .varint)
        append(varint: UInt64(bitPattern: Int64(value)))
    }

    mutating func int64(field: Int, _ value: Int64) {
        tag(field, .varint)
        append(varint: UInt64(bitPattern: value))
    }

    mutating func uint64(field: Int, _ value: UInt64) {
        tag(field, .varint)
        append(varint: value)
    }

    mutating func double(field: Int, _ value: Double) {
        tag(field, .fixed64)
        withUnsafeBytes(of: value.bitPattern.littleEndian) { bytes.append(contentsOf: $0) }
    }

    mutating func string(field: Int, _ text: String) {
        tag(field, .lengthDelimited)
        append(varint: UInt64(text.utf8.count))
        bytes.append(contentsOf: text.utf8)
    }

    /// An embedded message, whose fields `write` writes.
    ///
    /// They are written in place after a one-byte length, widened afterwards
    /// when the message has 128 bytes or more: no writer and copy of its own
    /// for each of a reply's rows.
    mutating func message(field: Int, _ write: (inout ProtobufWriter) -> Void) {
        tag(field, .lengthDelimited)
        let lengthIndex = bytes.count
        bytes.append(0)
        write(&self)
        let length = bytes.count - lengthIndex - 1
        guard length >= 0x80 else {
            bytes[lengthIndex] = UInt8(length)
            return
        }
        var lengthVarint = ProtobufWriter(capacity: 10)
        lengthVarint.append(varint: UInt64(length))
        bytes.replaceSubrange(lengthIndex...lengthIndex, with: lengthVarint.bytes)
    }

    private mutating func tag(_ field: Int, _ wireType: ProtobufReader.WireType) {
        append(varint: UInt64(field) << 3 | UInt64(wireType.rawValue))
    }

    private mutating func append(varint value: UInt64) {
        var rest = value
        while rest >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: rest) | 0x80)
            rest >>= 7
        }
        bytes.append(UInt8(rest))
    }
}
