import NIOCore
import NIOPosix
import OpenDProtocol
import ShortInterest
import Synchronization
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The client as the C API and the Python binding use it: blocking threads
/// that share one connection and take turns reading it, against a real
/// OpenD-protocol server on loopback.
@Suite struct OpenDClientThreadTests {
    private func client(_ server: TestOpenDServer, replyTimeout: Duration = .seconds(10), busyPoll: BusyPoll = .off) throws -> OpenDClient {
        try OpenDClient(configuration: OpenDConfiguration(port: server.port, replyTimeout: replyTimeout, rateLimit: nil, busyPoll: busyPoll))
    }

    /// Runs `body(thread)` on `count` threads of their own at once and
    /// returns what each returned.
    private func onThreads<T: Sendable>(_ count: Int, _ body: @escaping @Sendable (Int) -> T) async throws -> [T] {
        let threads = NIOThreadPool(numberOfThreads: count)
        threads.start()
        defer { threads.shutdownGracefully { _ in } }
        return try await withThrowingTaskGroup(of: (Int, T).self) { group in
            for thread in 0..<count {
                group.addTask { (thread, try await threads.runIfActive { body(thread) }) }
            }
            var results = [T?](repeating: nil, count: count)
            for try await (thread, result) in group { results[thread] = result }
            return results.map { $0! }
        }
    }

    @Test func threadsSharingOneClientEachGetTheirOwnAnswers() async throws {
        let server = try await TestOpenDServer.start()
        let client = try client(server)
        let wrong = try await onThreads(8) { thread in
            var wrong = 0
            for round in 0..<50 {
                let num = 1 + (thread + round) % 10
                let start = (thread * 3 + round) % 20
                if thread % 2 == 0 {
                    let page = try? client.pageSynchronously(PageRequest(code: "US.AAPL", nextKey: String(start), num: num))
                    if page?.usRows.map(\.sharesShort) != TestHistories.apple[start..<min(start + num, 25)].map(\.sharesShort) { wrong += 1 }
                } else {
                    let page = try? client.pageSynchronously(PageRequest(code: "HK.00700", nextKey: String(start % 10), num: num))
                    let expected = TestHistories.tencent[(start % 10)..<min(start % 10 + num, 10)].map(\.aggregatedShort)
                    if page?.hkRows.map(\.aggregatedShort) != expected { wrong += 1 }
                }
            }
            return wrong
        }
        #expect(wrong == [Int](repeating: 0, count: 8))
        #expect(server.counts.connections == 1)
        #expect(server.counts.shortInterestRequests == 400)
        await client.close()
        await server.stop()
    }

    @Test func aBrokenStreamFailsEveryWaitingThreadAndTheNextCallReconnects() async throws {
        // The first four requests are held; the fourth is answered with bytes that are no frame.
        let held = Mutex(0)
        let server = try await TestOpenDServer.start { request, frame in
            let count = held.withLock { count in
                count += 1
                return count
            }
            switch count {
            case ..<4: return []
            case 4: return [.sendBytes(Array("GET / HTTP/1.1\r\n\r\n".utf8))]
            default: return TestHistories.standard.answer(request, frame)
            }
        }
        let client = try client(server)
        let outcomes = try await onThreads(4) { _ in
            Result { () throws(ShortInterestError) in try client.pageSynchronously(PageRequest(code: "HK.00700")) }
        }
        for outcome in outcomes {
            #expect(throws: ShortInterestError.protocolError("bad frame header (no \"FT\" flag)")) { try outcome.get() }
        }
        #expect(try client.pageSynchronously(PageRequest(code: "HK.00700")).hkRows.count == 10)
        #expect(server.counts.connections == 2)
        await client.close()
        await server.stop()
    }

    @Test func aThreadTimesOutWhileAnotherKeepsGettingAnswers() async throws {
        let server = try await TestOpenDServer.start { request, frame in
            request.security.code == "SLOW" ? [] : TestHistories.standard.answer(request, frame)
        }
        let client = try client(server, replyTimeout: .milliseconds(500))
        let clock = ContinuousClock()
        let results = try await onThreads(2) { thread -> (answered: Int, error: ShortInterestError?, took: Duration) in
            let started = clock.now
            if thread == 0 {
                do throws(ShortInterestError) {
                    _ = try client.pageSynchronously(PageRequest(code: "US.SLOW"))
                    return (1, nil, clock.now - started)
                } catch {
                    return (0, error, clock.now - started)
                }
            }
            // Requests during the slow one's wait, and after it.
            var answered = 0
            while clock.now - started < .seconds(1) {
                if (try? client.pageSynchronously(PageRequest(code: "HK.00700", num: 1)))?.hkRows.count == 1 { answered += 1 }
            }
            return (answered, nil, clock.now - started)
        }
        #expect(results[0].error == .timeout("no reply to proto 3249 within 0.5 seconds"))
        #expect(results[0].took < .seconds(3))
        #expect(results[1].error == nil && results[1].answered > 10)
        #expect(server.counts.connections == 1)
        await client.close()
        await server.stop()
    }

    @Test func aThreadWhoseReplyComesLastReadsItItself() async throws {
        // Thread 0's reply comes after 100 ms, thread 1's after 300 ms; thread 1
        // asks 20 ms after thread 0, so it waits while thread 0 reads, and must
        // take over the reading when thread 0 has its reply.
        let server = try await TestOpenDServer.start(behavior: answering(after: { request in
            .milliseconds(request.security.code == "AAPL" ? 100 : 300)
        }))
        let client = try client(server, replyTimeout: .seconds(10))
        let clock = ContinuousClock()
        let took = try await onThreads(2) { thread -> Duration? in
            if thread == 1 { pauseForTest(.milliseconds(20)) }
            let started = clock.now
            let page = try? client.pageSynchronously(PageRequest(code: thread == 0 ? "US.AAPL" : "HK.00700"))
            return page == nil ? nil : clock.now - started
        }
        #expect(took[0] != nil && took[1] != nil)
        #expect(took[1].map { $0 < .seconds(5) } == true)
        await client.close()
        await server.stop()
    }

    @Test func closingWakesEveryWaitingThread() async throws {
        let server = try await TestOpenDServer.start(behavior: { _, _ in [] })
        let client = try client(server, replyTimeout: .seconds(60))
        let closer = Task {
            while server.counts.shortInterestRequests < 4 {
                try await Task.sleep(for: .milliseconds(10))
            }
            await client.close()
        }
        let outcomes = try await onThreads(4) { _ in
            Result { () throws(ShortInterestError) in try client.pageSynchronously(PageRequest(code: "HK.00700")) }
        }
        try await closer.value
        for outcome in outcomes {
            #expect(throws: ShortInterestError.disconnected("client closed")) { try outcome.get() }
        }
        await server.stop()
    }

    @Test func aCallerAlonePollsForAReplyWithinItsBusyPollInsteadOfSleeping() async throws {
        // Replies come 1 ms after their request. A caller that sleeps for its
        // reply shows as a voluntary context switch of its thread; one that
        // polls for up to 10 ms has its reply before it would sleep. Best of
        // twenty calls each: on a loaded machine the poller, which yields its
        // CPU, can see its window pass before it sees the reply.
        let server = try await TestOpenDServer.start(behavior: answering(after: { _ in .milliseconds(1) }))
        var sleeps: [Int] = []
        for busyPoll in [BusyPoll.fixed(.milliseconds(10)), .off] {
            let client = try client(server, busyPoll: busyPoll)
            let fewest = try await onThreads(1) { _ in
                _ = try? client.pageSynchronously(PageRequest(code: "HK.00700"))   // connects
                return (0..<20).map { _ in
                    let before = voluntaryContextSwitches()
                    let page = try? client.pageSynchronously(PageRequest(code: "HK.00700"))
                    return page?.hkRows.count == 10 ? voluntaryContextSwitches() - before : Int.max
                }.min()!
            }[0]
            sleeps.append(fewest)
            await client.close()
        }
        #expect(sleeps[0] == 0)
        #expect(sleeps[1] >= 1 && sleeps[1] != Int.max)
        await server.stop()
    }

    @Test func adaptivePollingPollsForAFastServerAndNotForASlowOne() async throws {
        // A server that answers at once: after a few calls the adaptive
        // caller has its reply before it would sleep. Not every call: a
        // loaded machine (the other tests) can stretch a round trip past the
        // poll, or another test's caller hold the process's poller place; so
        // up to 400 calls, until one that did not sleep (a caller that does
        // not poll sleeps in every call: the test above).
        let fast = try await TestOpenDServer.start()
        let polling = try client(fast, busyPoll: .adaptive)
        let aCallDidNotSleep = try await onThreads(1) { _ in
            for _ in 0..<5 { _ = try? polling.pageSynchronously(PageRequest(code: "HK.00700")) }
            for _ in 0..<400 {
                let before = voluntaryContextSwitches()
                let page = try? polling.pageSynchronously(PageRequest(code: "HK.00700"))
                if page?.hkRows.count == 10 && voluntaryContextSwitches() == before { return true }
            }
            return false
        }[0]
        #expect(aCallDidNotSleep)
        await polling.close()
        await fast.stop()

        // Replies 20 ms after their request: after the first few, which pull
        // the typical round trip above the ceiling, every call sleeps, and
        // spends next to none of the wait on the CPU.
        let slow = try await TestOpenDServer.start(behavior: answering(after: { _ in .milliseconds(20) }))
        let patient = try client(slow, busyPoll: .adaptive)
        let calls = try await onThreads(1) { _ in
            for _ in 0..<4 { _ = try? patient.pageSynchronously(PageRequest(code: "HK.00700")) }
            return (0..<10).map { _ in
                let (switches, cpu) = (voluntaryContextSwitches(), threadCPUTime())
                let page = try? patient.pageSynchronously(PageRequest(code: "HK.00700"))
                return (page?.hkRows.count, voluntaryContextSwitches() - switches, threadCPUTime() - cpu)
            }
        }[0]
        #expect(calls.allSatisfy { $0.0 == 10 && $0.1 >= 1 })
        // Less than the longest adaptive poll (1 ms) for each of the ten
        // (a call took about 0.2 ms of CPU here, in a debug build).
        #expect(calls.map(\.2).reduce(.zero, +) < .milliseconds(8))
        await patient.close()
        await slow.stop()
    }

    @Test func aBusyPollEndsAndTheCallerSleepsThroughTheRestOfTheWait() async throws {
        // The reply comes 200 ms after the request: with a 10 ms busy poll the
        // caller must not spend anything like the whole wait on the CPU.
        let server = try await TestOpenDServer.start(behavior: answering(after: { _ in .milliseconds(200) }))
        let client = try client(server, busyPoll: .fixed(.milliseconds(10)))
        let (rows, cpu) = try await onThreads(1) { _ in
            let before = threadCPUTime()
            let page = try? client.pageSynchronously(PageRequest(code: "HK.00700"))
            return (page?.hkRows.count, threadCPUTime() - before)
        }[0]
        #expect(rows == 10)
        #expect(cpu < .milliseconds(100))
        await client.close()
        await server.stop()
    }

    @Test func aBusyPollingCallerStillTimesOutAtItsBound() async throws {
        let server = try await TestOpenDServer.start(behavior: { _, _ in [] })
        let client = try client(server, replyTimeout: .milliseconds(300), busyPoll: .fixed(.milliseconds(10)))
        let clock = ContinuousClock()
        let (outcome, took) = try await onThreads(1) { _ in
            let started = clock.now
            let outcome = Result { () throws(ShortInterestError) in try client.pageSynchronously(PageRequest(code: "HK.00700")) }
            return (outcome, clock.now - started)
        }[0]
        #expect(throws: ShortInterestError.timeout("no reply to proto 3249 within 0.3 seconds")) { try outcome.get() }
        #expect(took >= .milliseconds(300))
        #expect(took < .seconds(5))
        await client.close()
        await server.stop()
    }

    @Test func anIdleConnectionStaysUpAcrossKeepAlives() async throws {
        let server = try await TestOpenDServer.start(keepAliveInterval: 1)
        let client = try client(server, replyTimeout: .seconds(1))
        _ = try client.pageSynchronously(PageRequest(code: "HK.00700"))
        // Nobody reads while idle: each keep-alive's reply must be taken in
        // time for the next, or the connection would be dropped.
        for _ in 0..<100 where server.counts.keepAlives < 4 {
            try await Task.sleep(for: .milliseconds(100))
        }
        #expect(server.counts.keepAlives >= 4)
        #expect(try client.pageSynchronously(PageRequest(code: "HK.00700")).hkRows.count == 10)
        #expect(server.counts.connections == 1)
        await client.close()
        await server.stop()
    }

    @Test func unansweredKeepAlivesDropTheConnection() async throws {
        let server = try await TestOpenDServer.start(keepAliveInterval: 1, answersKeepAlives: false)
        let client = try client(server, replyTimeout: .milliseconds(500))
        _ = try client.pageSynchronously(PageRequest(code: "HK.00700"))
        // Sent at 0.8 s and due by 1.3 s, the first keep-alive is found
        // unanswered at 1.6 s; allow a slow machine ample time.
        for _ in 0..<100 where server.counts.keepAlives < 1 {
            try await Task.sleep(for: .milliseconds(100))
        }
        try await Task.sleep(for: .seconds(2))
        #expect(try client.pageSynchronously(PageRequest(code: "HK.00700")).hkRows.count == 10)
        #expect(server.counts.connections == 2)
        #expect(server.counts.initConnects == 2)
        await client.close()
        await server.stop()
    }
}

/// Answers as the standard histories do, each reply `delay(request)` after its request.
private func answering(after delay: @escaping @Sendable (QotGetShortInterest_C2S) -> TimeAmount) -> TestOpenDServer.Behavior {
    { request, frame in
        let answer = TestHistories.standard.answer(request, frame)
        guard case let .send(reply)? = answer.first else { return answer }
        return [.sendAfter(delay(request), reply)]
    }
}

/// The CPU time the calling thread has used.
private func threadCPUTime() -> Duration {
    var time = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
    return .seconds(time.tv_sec) + .nanoseconds(time.tv_nsec)
}

/// How often the calling thread has gone to sleep (ru_nvcsw).
private func voluntaryContextSwitches() -> Int {
    let thread = __rusage_who_t(1)   // RUSAGE_THREAD, which Swift's Glibc leaves out (it needs _GNU_SOURCE)
    var usage = rusage()
    getrusage(thread, &usage)
    return usage.ru_nvcsw
}

/// Blocks the calling thread (one of the test's own, not a task's).
private func pauseForTest(_ duration: Duration) {
    var time = timespec(tv_sec: 0, tv_nsec: Int(duration / .nanoseconds(1)))
    nanosleep(&time, nil)
}
