@testable import ShortInterest
import Testing

/// A JSON page writes each double exactly as `description` does; most
/// prices and ratios take a shortcut (`ShortDecimal`), which must agree
/// with it on every double, including those next to where it gives up.
@Suite struct JSONDoubleTests {
    @Test func pricesAndRatiosTakeTheShortcut() {
        for value in [467.8, 0.56, 5.0, 100.0, 12_345_678.9, 0.001, 0.123456789, 999_999_999_999_999.0, -3.25] {
            #expect(ShortDecimal(value) != nil, "\(value)")
        }
        for value in [0.1 + 0.2, 1e-7, 0.000999, 1e15, 1.5e300, 0.0, -0.0, 1.0 / 3.0] {
            #expect(ShortDecimal(value) == nil, "\(value)")
        }
    }

    @Test func everyDoubleAsDescriptionWritesIt() {
        var random = SplitMix64(seed: 0x5EED_0F_D0_0B1E)
        var values: [Double] = [1e-4, 1e-3, 1e15, 0x1p53, 0.5, 0.05, 0.005, 0.0005, 9.5, 0.95, 99.995]
        var power = 1.0
        for _ in 0...10 {
            values += [power, 1 / power, 999_999_999_999_999 / power, 0.001 * power]
            power *= 10
        }
        // Decimals of up to 11 places and 1 to 16 digits, as OpenD's prices and ratios are.
        for _ in 0..<60_000 {
            let places = Double(Int(random.next() % 12))
            let digits = random.next() % (1 << 53) >> (random.next() % 53)
            values.append(Double(digits) / pow10(places))
        }
        // Any bit pattern, and any double from 1e-5 to 2^54.
        for _ in 0..<20_000 {
            values.append(Double(bitPattern: random.next()))
            values.append(Double(sign: .plus, exponent: Int(random.next() % 72) - 17,
                                 significand: 1 + Double(random.next() >> 12) / 0x1p52))
        }
        var mismatches: [String] = []
        for value in values {
            for neighbour in [value, -value, value.nextUp, value.nextDown] {
                var writer = JSONWriter(reservingCapacity: 16)
                writer.object { $0.field("v", neighbour) }
                let expected = neighbour.isFinite ? "{\"v\":\(neighbour.description)}" : "{}"
                let written = writer.text()
                if written != expected, mismatches.count < 10 { mismatches.append("\(written) for \(expected)") }
            }
        }
        #expect(mismatches.isEmpty, "\(mismatches)")
    }

    private func pow10(_ exponent: Double) -> Double {
        var result = 1.0
        for _ in 0..<Int(exponent) { result *= 10 }
        return result
    }
}

/// A seeded generator (SplitMix64), so that a failure repeats.
private struct SplitMix64: RandomNumberGenerator {
    var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
