/// Reads a target's choices off the front of its input. Past the end every
/// read gives zero or empty, so any byte string is a complete script, and a
/// one-byte change changes one choice (which keeps libFuzzer's mutations local).
struct FuzzInput {
    private var bytes: Slice<UnsafeRawBufferPointer>

    init(_ bytes: UnsafeRawBufferPointer) {
        self.bytes = bytes[...]
    }

    var isEmpty: Bool { bytes.isEmpty }

    mutating func byte() -> UInt8 {
        bytes.popFirst() ?? 0
    }

    mutating func bool() -> Bool {
        byte() & 1 == 1
    }

    /// Four bytes, little endian.
    mutating func int32() -> Int32 {
        (0..<4).reduce(Int32(0)) { value, shift in value | Int32(byte()) << (8 * shift) }
    }

    /// A small signed number (-128...127) from one byte, or after the
    /// marker byte 0x80 a full Int32: small values are where most range
    /// checks sit, and the fuzzer still reaches the extremes.
    mutating func smallOrFullInt32() -> Int32 {
        let first = byte()
        return first == 0x80 ? int32() : Int32(Int8(bitPattern: first))
    }

    /// The next `count` bytes, or as many as are left.
    mutating func bytes(count: Int) -> [UInt8] {
        Array(take(count))
    }

    /// All that is left.
    mutating func remainingBytes() -> [UInt8] {
        Array(take(bytes.count))
    }

    private mutating func take(_ count: Int) -> Slice<UnsafeRawBufferPointer> {
        let taken = bytes.prefix(count)
        bytes = bytes.dropFirst(taken.count)
        return taken
    }
}
