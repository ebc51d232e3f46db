import CShortInterest
import FoundationEssentials
import NIOCore
import NIOPosix
import ShortInterest
import ShortInterestStore

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// The C entry points with arguments a careless or hostile C caller might
/// pass: NULL, closed and made-up handles, text that is not UTF-8, codes,
/// keys and sizes of every shape, key files of any content. Calls go
/// through the C declarations of include/shortinterest.h, as C callers'
/// do, on a client over a store built once from samples/, so nothing
/// touches the network.
///
/// Every call must end with a status a store can give (never
/// SI_ERR_INTERNAL), set its result exactly when it succeeds, record the
/// failure in si_error_last() when it fails, and hand back memory that its
/// free function releases cleanly (AddressSanitizer watches the rest).
enum CABITarget {
    private struct Clients: Sendable {
        var directory: String
        /// Handles as numbers: a `si_client *` is one (Handles.swift).
        var open: UInt
        var closed: UInt
    }

    private static let clients = Locked<Clients?>(nil)

    /// Codes the store has rows for; the fuzzer writes any other itself.
    private static let knownCodes = ["HK.00700", "HK.09988", "HK.00005", "US.AAPL", "US.GME", "US.BRK.B", "US.MSFT", "US.ZVZZT", "US.AMC"]

    static func prepare() throws {
        let opened = try clients.withLock { (clients: inout Clients?) throws -> Bool in
            guard clients == nil else { return false }
            clients = try openClients()
            return true
        }
        guard opened else { return }
        atexit {
            guard let directory = CABITarget.clients.withLock({ $0?.directory }) else { return }
            try? FileManager.default.removeItem(atPath: directory)
        }
    }

    static func run(_ input: inout FuzzInput) {
        guard let clients = clients.withLock({ $0 }) else { preconditionFailure("CABITarget.prepare() has not run") }
        // A few calls per input: enough for one call to follow another on
        // the same thread (the last-error record), few enough to stay fast.
        for _ in 0..<4 where !input.isEmpty {
            switch input.byte() % 7 {
            case 0: getPage(&input, clients)
            case 1: getPageJSON(&input, clients)
            case 2: getHistory(&input, clients)
            case 3: getHistories(&input, clients)
            case 4: setConfiguration(&input)
            case 5: setEncryptionKeyFile(&input, in: clients.directory)
            default: describeStatus(&input)
            }
        }
    }

    // MARK: Calls

    private static func getPage(_ input: inout FuzzInput, _ clients: Clients) {
        let client = chooseClient(&input, clients)
        let num = input.smallOrFullInt32()
        withCString(code(&input)) { code in
            withCString(text(&input)) { nextKey in
                var page: UnsafeMutablePointer<si_page>?
                let status = si_get_page(client, code, nextKey, num, &page)
                expect(status, gave: page != nil, allowed: [SI_OK])
                guard let page else { return }
                checkPage(page.pointee, maxRows: Int(num))
                precondition(si_page_is_last(page) == (String(cString: page.pointee.next_key) == "-1" ? 1 : 0))
                si_page_free(page)
            }
        }
    }

    private static func getPageJSON(_ input: inout FuzzInput, _ clients: Clients) {
        let client = chooseClient(&input, clients)
        let num = input.smallOrFullInt32()
        withCString(code(&input)) { code in
            withCString(text(&input)) { nextKey in
                var json: UnsafeMutablePointer<CChar>?
                let status = si_get_page_json(client, code, nextKey, num, &json)
                expect(status, gave: json != nil, allowed: [SI_OK])
                guard let json else { return }
                let text = String(cString: json)
                precondition((try? ShortInterestPage(json: text)) != nil, "si_get_page_json gave JSON that does not read back: \(text)")
                si_string_free(json)
            }
        }
    }

    private static func getHistory(_ input: inout FuzzInput, _ clients: Clients) {
        let client = chooseClient(&input, clients)
        let maxPages = input.smallOrFullInt32()
        withCString(code(&input)) { code in
            var page: UnsafeMutablePointer<si_page>?
            let status = si_get_history(client, code, maxPages, &page)
            expect(status, gave: page != nil, allowed: [SI_OK, SI_INCOMPLETE])
            guard let page else { return }
            checkPage(page.pointee, maxRows: Int.max)
            precondition((status == SI_OK) == (si_page_is_last(page) == 1), "si_get_history says \(name(status)) for next_key \(String(cString: page.pointee.next_key))")
            si_page_free(page)
        }
    }

    private static func getHistories(_ input: inout FuzzInput, _ clients: Clients) {
        let client = chooseClient(&input, clients)
        let maxPages = input.smallOrFullInt32()
        let codesAreNull = input.byte() == 0xFF
        let codeTexts = (0..<Int(input.byte() % 4)).map { _ in code(&input) }
        let count = codeTexts.count
        // strdup'd so that a NULL code (nil) can sit among the others.
        let codes = codeTexts.map { $0.flatMap { strdup($0) }.map { UnsafePointer($0) } }
        defer { codes.forEach { free(UnsafeMutablePointer(mutating: $0)) } }
        var progressCalls = 0
        var histories: UnsafeMutablePointer<si_histories>?
        let status = codes.withUnsafeBufferPointer { codeArray in
            si_get_histories(client, codesAreNull ? nil : codeArray.baseAddress, count, maxPages, { progress, userData in
                let calls = userData!.assumingMemoryBound(to: Int.self)
                calls.pointee += 1
                precondition(progress!.pointee.codes_done == calls.pointee, "progress out of order")
            }, &progressCalls, &histories)
        }
        expect(status, gave: histories != nil, allowed: [SI_OK])
        guard let histories else { return }
        precondition(histories.pointee.count == count && progressCalls == count, "\(count) codes, \(histories.pointee.count) results, \(progressCalls) progress calls")
        for item in UnsafeBufferPointer(start: histories.pointee.items, count: count) {
            precondition(item.code != nil && item.message != nil, "a history item without its code or message")
            let succeeded = item.status == SI_OK || item.status == SI_INCOMPLETE
            precondition(succeeded == (item.page != nil), "history item \(name(item.status)) with page \(String(describing: item.page))")
            precondition(name(item.status) != "SI_ERR_INTERNAL", "SI_ERR_INTERNAL for \(String(cString: item.code)): \(String(cString: item.message))")
            if let page = item.page { checkPage(page.pointee, maxRows: Int.max) }
        }
        si_histories_free(histories)
    }

    /// Every setter with the fuzzer's arguments, on a fresh configuration
    /// (or NULL). None opens anything; each says OK or refuses the argument.
    private static func setConfiguration(_ input: inout FuzzInput) {
        let config = input.byte() == 0xFF ? nil : si_config_new()
        defer { si_config_free(config) }
        let setter = input.byte() % 6
        let (first, second, third) = (input.smallOrFullInt32(), input.smallOrFullInt32(), input.smallOrFullInt32())
        withCString(text(&input)) { argument in
            let status: si_status
            switch setter {
            case 0: status = si_config_set_opend(config, argument, first)
            case 1: status = si_config_set_timeouts(config, first, second)
            case 2: status = si_config_set_client_id(config, argument)
            case 3: status = si_config_set_rate_limit(config, first, second, si_rate_limit_mode(UInt32(bitPattern: third)), first &* 1000)
            case 4: status = si_config_set_cache(config, argument, first)
            default: status = si_config_set_store(config, argument)
            }
            expect(status, gave: status == SI_OK, allowed: [SI_OK])
        }
    }

    /// si_config_set_encryption reads the RSA key file at once: the file
    /// holds the fuzzer's bytes (the seeds include a real PEM key).
    private static func setEncryptionKeyFile(_ input: inout FuzzInput, in directory: String) {
        let mode = si_encryption_mode(UInt32(input.byte() % 4))
        let path = directory + "/key.pem"
        let contents = input.remainingBytes()
        guard FileManager.default.createFile(atPath: path, contents: Data(contents)) else {
            preconditionFailure("cannot write \(path)")
        }
        let config = si_config_new()
        defer { si_config_free(config) }
        let status = si_config_set_encryption(config, path, mode)
        expect(status, gave: status == SI_OK, allowed: [SI_OK])
    }

    private static func describeStatus(_ input: inout FuzzInput) {
        let status = si_status(UInt32(bitPattern: input.smallOrFullInt32()))
        precondition(si_status_name(status) != nil)
        precondition(si_page_is_last(nil) == 1)
        si_error_clear()
        precondition(si_error_last().pointee.status == SI_OK && String(cString: si_error_last().pointee.message).isEmpty)
    }

    // MARK: Arguments

    /// The open client, NULL, a closed one, or a number never handed out.
    private static func chooseClient(_ input: inout FuzzInput, _ clients: Clients) -> OpaquePointer? {
        switch input.byte() % 4 {
        case 0: return OpaquePointer(bitPattern: clients.open)
        case 1: return nil
        case 2: return OpaquePointer(bitPattern: clients.closed)
        default: return OpaquePointer(bitPattern: UInt(UInt32(bitPattern: input.int32())))
        }
    }

    /// A code: after the byte 0xFE one the store knows, else any `text`.
    private static func code(_ input: inout FuzzInput) -> [CChar]? {
        text(&input, orKnownCode: true)
    }

    /// A length byte, then that many bytes of any kind, NUL-terminated (so a
    /// zero byte inside cuts it short); the length 0xFF stands for NULL.
    private static func text(_ input: inout FuzzInput, orKnownCode: Bool = false) -> [CChar]? {
        switch input.byte() {
        case 0xFF:
            return nil
        case 0xFE where orKnownCode:
            return knownCodes[Int(input.byte()) % knownCodes.count].utf8CString.map { $0 }
        case let count:
            return input.bytes(count: Int(count)).map { CChar(bitPattern: $0) } + [0]
        }
    }

    private static func withCString<T>(_ text: [CChar]?, _ body: (UnsafePointer<CChar>?) -> T) -> T {
        guard let text else { return body(nil) }
        return text.withUnsafeBufferPointer { body($0.baseAddress) }
    }

    // MARK: Checks

    /// Success exactly when a result was set; a failure recorded as the
    /// thread's last error, with a message, and never a status that needs
    /// the network (this client has none) or reports a library bug.
    private static func expect(_ status: si_status, gave result: Bool, allowed successes: [si_status]) {
        let failures = [SI_ERR_INVALID_ARGUMENT, SI_ERR_REJECTED]
        precondition(successes.contains(status) || failures.contains(status), "unexpected \(name(status)): \(lastMessage)")
        guard !successes.contains(status) else {
            precondition(result, "\(name(status)) without a result")
            return
        }
        precondition(!result, "\(name(status)) with a result")
        let error = si_error_last().pointee
        precondition(error.status == status && error.message != nil, "\(name(status)) recorded as \(name(error.status))")
    }

    /// A page's pointers and counts agree, every row is readable, and its
    /// presence bits are ones the header defines.
    private static func checkPage(_ page: si_page, maxRows: Int) {
        precondition(page.code != nil && page.next_key != nil, "a page without its code or next_key")
        precondition(page.us_count + page.hk_count <= maxRows, "\(page.us_count + page.hk_count) rows for num \(maxRows)")
        precondition((page.us_rows == nil) == (page.us_count == 0) && (page.hk_rows == nil) == (page.hk_count == 0),
                     "row pointers disagree with the counts \(page.us_count)/\(page.hk_count)")
        for row in UnsafeBufferPointer(start: page.us_rows, count: page.us_count) {
            precondition(row.present & ~0xFF == 0 && row.timestamp_str != nil, "US row with present bits \(row.present)")
            _ = strlen(row.timestamp_str)
        }
        for row in UnsafeBufferPointer(start: page.hk_rows, count: page.hk_count) {
            precondition(row.present & ~0x3F == 0 && row.timestamp_str != nil, "HK row with present bits \(row.present)")
            _ = strlen(row.timestamp_str)
        }
    }

    private static func name(_ status: si_status) -> String {
        String(cString: si_status_name(status))
    }

    private static var lastMessage: String {
        String(cString: si_error_last().pointee.message)
    }

    // MARK: Setup

    private static func openClients() throws -> Clients {
        var template = Array("\(ProcessInfo.processInfo.environment["TMPDIR"] ?? "/tmp")/shortinterest-fuzz-XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else { throw FuzzSetupError("mkdtemp failed: errno \(errno)") }
        let directory = String(cString: made)
        let storePath = directory + "/store.sqlite"
        try buildStore(at: storePath)

        let config = si_config_new()
        defer { si_config_free(config) }
        guard si_config_set_store(config, storePath) == SI_OK else { throw FuzzSetupError("si_config_set_store: \(lastMessage)") }
        var open: OpaquePointer?
        var closed: OpaquePointer?
        guard si_client_open(config, &open) == SI_OK, si_client_open(config, &closed) == SI_OK, let open, let closed else {
            throw FuzzSetupError("si_client_open: \(lastMessage)")
        }
        si_client_close(closed)
        return Clients(directory: directory, open: UInt(bitPattern: open), closed: UInt(bitPattern: closed))
    }

    /// The store `shortinterest ingest` makes of samples/.
    private static func buildStore(at path: String) throws {
        let samples = String(#filePath.split(separator: "/", omittingEmptySubsequences: false).dropLast(3).joined(separator: "/")) + "/samples"
        func files(in folder: String) throws -> [String] {
            try FileManager.default.contentsOfDirectory(atPath: "\(samples)/\(folder)").sorted().map { "\(samples)/\(folder)/\($0)" }
        }
        let finra = try files(in: "finra")
        let sfc = try files(in: "sfc")
        // On an event loop, not Swift's cooperative pool: the caller blocks
        // until it is done, and may itself be a test holding a pool thread.
        let eventLoop = MultiThreadedEventLoopGroup.singleton.any()
        let built = eventLoop.makePromise(of: Void.self)
        Task(executorPreference: EventLoopTaskExecutor(eventLoop)) {
            do throws(ShortInterestError) {
                let store = try await ShortInterestStore.open(path: path, create: true)
                do throws(ShortInterestError) {
                    _ = try await store.ingestFINRA(files: finra)
                    _ = try await store.ingestSFC(files: sfc)
                    _ = try await store.ingestReference(files: ["\(samples)/reference.csv"])
                } catch {
                    await store.close()
                    throw error
                }
                await store.close()
                built.succeed()
            } catch {
                built.fail(error)
            }
        }
        try built.futureResult.wait()
    }
}

struct FuzzSetupError: Error, CustomStringConvertible {
    let description: String

    init(_ description: String) {
        self.description = description
    }
}
