@testable import ShortInterest
import Testing

/// The adaptive busy poll's decisions, from the round trips a connection sees.
@Suite struct BusyPollPolicyTests {
    private let microsecond: Int64 = 1_000

    @Test func offNeverPollsAndFixedAlwaysPollsItsDuration() {
        var off = BusyPollPolicy(.off)
        var fixed = BusyPollPolicy(.fixed(.microseconds(300)))
        for roundTrip in [50, 5_000, 50] as [Int64] {
            off.record(roundTripNanoseconds: roundTrip * microsecond)
            fixed.record(roundTripNanoseconds: roundTrip * microsecond)
            #expect(off.budgetNanoseconds == nil)
            #expect(fixed.budgetNanoseconds == 300 * microsecond)
        }
    }

    @Test func adaptivePollsTwiceTheTypicalRoundTripOnceItHasSeenOne() {
        var policy = BusyPollPolicy(.adaptive)
        #expect(policy.budgetNanoseconds == nil)
        policy.record(roundTripNanoseconds: 100 * microsecond)
        #expect(policy.budgetNanoseconds == 200 * microsecond)
        // A moving average: a quarter of the way to each new round trip.
        policy.record(roundTripNanoseconds: 180 * microsecond)
        #expect(policy.typicalRoundTrip == 120 * microsecond)
        #expect(policy.budgetNanoseconds == 240 * microsecond)
    }

    @Test func adaptiveStopsPollingForASlowServerAndStartsAgainWhenItIsFast() {
        var policy = BusyPollPolicy(.adaptive)
        policy.record(roundTripNanoseconds: 100 * microsecond)
        // Replies of 20 ms: polling stops by the third, and the poll never
        // passes twice the ceiling meanwhile.
        var budgets: [Int64?] = []
        for _ in 0..<3 {
            policy.record(roundTripNanoseconds: 20_000 * microsecond)
            budgets.append(policy.budgetNanoseconds)
        }
        #expect(budgets.last! == nil)
        #expect(budgets.compactMap { $0 }.allSatisfy { $0 <= 1_000 * microsecond })
        // One slow reply among fast ones does not stop it.
        for _ in 0..<10 { policy.record(roundTripNanoseconds: 100 * microsecond) }
        #expect(policy.budgetNanoseconds != nil)
        policy.record(roundTripNanoseconds: 20_000 * microsecond)
        #expect(policy.budgetNanoseconds != nil)
    }

    @Test func aServerFarAwayIsNeverPolledFor() {
        var policy = BusyPollPolicy(.adaptive)
        for _ in 0..<20 {
            policy.record(roundTripNanoseconds: 3_000 * microsecond)
            #expect(policy.budgetNanoseconds == nil)
        }
    }
}
