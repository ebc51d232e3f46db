// The C entry points declared in include/shortinterest.h. Each one checks
// its arguments, calls the core, and maps the outcome to an si_status; the
// behaviour lives in the ShortInterest module.
import CShortInterest
import OpenDProtocol
import ShortInterest
import ShortInterestStore

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

// MARK: Version

private let versionText = StaticString("1.2.0")

@_cdecl("si_version_number")
public func si_version_number() -> Int32 { SI_VERSION_MAJOR * 10000 + SI_VERSION_MINOR * 100 + SI_VERSION_PATCH }

@_cdecl("si_version")
public func si_version() -> UnsafePointer<CChar> {
    UnsafeRawPointer(versionText.utf8Start).assumingMemoryBound(to: CChar.self)
}

// MARK: Status codes and the last error

@_cdecl("si_status_name")
public func si_status_name(_ status: si_status) -> UnsafePointer<CChar> {
    let name: StaticString
    switch status {
    case SI_OK: name = "SI_OK"
    case SI_ERR_INVALID_ARGUMENT: name = "SI_ERR_INVALID_ARGUMENT"
    case SI_ERR_CONNECT: name = "SI_ERR_CONNECT"
    case SI_ERR_TIMEOUT: name = "SI_ERR_TIMEOUT"
    case SI_ERR_DISCONNECTED: name = "SI_ERR_DISCONNECTED"
    case SI_ERR_PROTOCOL: name = "SI_ERR_PROTOCOL"
    case SI_ERR_REJECTED: name = "SI_ERR_REJECTED"
    case SI_ERR_NO_MEMORY: name = "SI_ERR_NO_MEMORY"
    case SI_ERR_INTERNAL: name = "SI_ERR_INTERNAL"
    case SI_ERR_STORE: name = "SI_ERR_STORE"
    case SI_ERR_RATE_LIMITED: name = "SI_ERR_RATE_LIMITED"
    case SI_INCOMPLETE: name = "SI_INCOMPLETE"
    default: name = "SI_UNKNOWN_STATUS"
    }
    return UnsafeRawPointer(name.utf8Start).assumingMemoryBound(to: CChar.self)
}

@_cdecl("si_error_last")
public func si_error_last() -> UnsafePointer<si_error> {
    UnsafePointer(threadErrorRecord())
}

@_cdecl("si_error_clear")
public func si_error_clear() {
    fail(SI_OK, "")
}

// MARK: Configuration

@_cdecl("si_config_new")
public func si_config_new() -> OpaquePointer? {
    OpaquePointer(Unmanaged.passRetained(ConfigurationBox()).toOpaque())
}

@_cdecl("si_config_free")
public func si_config_free(_ config: OpaquePointer?) {
    guard let config else { return }
    Unmanaged<ConfigurationBox>.fromOpaque(UnsafeRawPointer(config)).release()
}

@_cdecl("si_config_set_opend")
public func si_config_set_opend(_ config: OpaquePointer?, _ host: UnsafePointer<CChar>?, _ port: Int32) -> si_status {
    updating(config) { (settings: inout SourceConfiguration) throws(ShortInterestError) in
        settings.openD.host = try string(host, named: "host")
        settings.openD.port = Int(port)
    }
}

@_cdecl("si_config_set_timeouts")
public func si_config_set_timeouts(_ config: OpaquePointer?, _ connectTimeoutMS: Int32, _ replyTimeoutMS: Int32) -> si_status {
    updating(config) { (settings: inout SourceConfiguration) throws(ShortInterestError) in
        for (name, value) in [("connect timeout", connectTimeoutMS), ("reply timeout", replyTimeoutMS)] where !(1...86_400_000).contains(value) {
            throw .invalidArgument("\(name) \(value) ms is not in 1...86400000")
        }
        settings.openD.connectTimeout = .milliseconds(connectTimeoutMS)
        settings.openD.replyTimeout = .milliseconds(replyTimeoutMS)
    }
}

@_cdecl("si_config_set_busy_poll")
public func si_config_set_busy_poll(_ config: OpaquePointer?, _ microseconds: Int32) -> si_status {
    updating(config) { (settings: inout SourceConfiguration) throws(ShortInterestError) in
        switch microseconds {
        case SI_BUSY_POLL_ADAPTIVE: settings.openD.busyPoll = .adaptive
        case 0: settings.openD.busyPoll = .off
        // The upper bound is OpenDConfiguration.validate's, which updating applies.
        case 1...: settings.openD.busyPoll = .fixed(.microseconds(microseconds))
        default: throw .invalidArgument("busy poll \(microseconds) us is neither SI_BUSY_POLL_ADAPTIVE, 0 nor 1...10000")
        }
    }
}

@_cdecl("si_config_set_client_id")
public func si_config_set_client_id(_ config: OpaquePointer?, _ clientID: UnsafePointer<CChar>?) -> si_status {
    updating(config) { (settings: inout SourceConfiguration) throws(ShortInterestError) in
        settings.openD.clientID = try string(clientID, named: "client id")
        if settings.openD.clientID.isEmpty { throw .invalidArgument("client id is empty") }
    }
}

@_cdecl("si_config_set_rate_limit")
public func si_config_set_rate_limit(_ config: OpaquePointer?, _ requests: Int32, _ windowMS: Int32,
                                     _ mode: si_rate_limit_mode, _ maxWaitMS: Int32) -> si_status {
    updating(config) { (settings: inout SourceConfiguration) throws(ShortInterestError) in
        guard (0...100_000).contains(requests) else { throw .invalidArgument("rate-limit requests \(requests) is not in 0...100000") }
        guard (1...3_600_000).contains(windowMS) else { throw .invalidArgument("rate-limit window \(windowMS) ms is not in 1...3600000") }
        guard (0...86_400_000).contains(maxWaitMS) else { throw .invalidArgument("rate-limit wait \(maxWaitMS) ms is not in 0...86400000") }
        switch mode {
        case SI_RATE_LIMIT_WAIT: settings.openD.rateLimitMode = .wait
        case SI_RATE_LIMIT_FAIL_FAST: settings.openD.rateLimitMode = .failFast
        default: throw .invalidArgument("rate-limit mode \(mode.rawValue) is neither SI_RATE_LIMIT_WAIT nor SI_RATE_LIMIT_FAIL_FAST")
        }
        settings.openD.rateLimit = requests == 0 ? nil : RateLimit(requests: Int(requests), window: .milliseconds(windowMS))
        settings.openD.rateLimitMaxWait = .milliseconds(maxWaitMS)
    }
}

@_cdecl("si_config_set_encryption")
public func si_config_set_encryption(_ config: OpaquePointer?, _ rsaKeyPath: UnsafePointer<CChar>?, _ mode: si_encryption_mode) -> si_status {
    updating(config) { (settings: inout SourceConfiguration) throws(ShortInterestError) in
        guard let path = try optionalPath(rsaKeyPath, named: "RSA key path") else {
            settings.openD.encryption = nil
            return
        }
        let cipherMode: OpenDEncryption.Mode
        switch mode {
        case SI_ENCRYPTION_AES_CBC: cipherMode = .cbc
        case SI_ENCRYPTION_FUTU_ECB: cipherMode = .futuECB
        default: throw .invalidArgument("encryption mode \(mode.rawValue) is neither SI_ENCRYPTION_AES_CBC nor SI_ENCRYPTION_FUTU_ECB")
        }
        do {
            settings.openD.encryption = OpenDEncryption(rsaKey: try OpenDRSAKey(contentsOfFile: path), mode: cipherMode)
        } catch {
            throw .invalidArgument("\(error)")
        }
    }
}

@_cdecl("si_config_set_cache")
public func si_config_set_cache(_ config: OpaquePointer?, _ path: UnsafePointer<CChar>?, _ ttlSeconds: Int32) -> si_status {
    updating(config) { (settings: inout SourceConfiguration) throws(ShortInterestError) in
        settings.cachePath = try optionalPath(path, named: "cache path")
        guard settings.cachePath != nil else { return }
        guard (1...31_536_000).contains(ttlSeconds) else { throw .invalidArgument("cache ttl \(ttlSeconds) s is not in 1...31536000") }
        settings.cacheTimeToLive = .seconds(ttlSeconds)
    }
}

@_cdecl("si_config_set_store")
public func si_config_set_store(_ config: OpaquePointer?, _ path: UnsafePointer<CChar>?) -> si_status {
    updating(config) { (settings: inout SourceConfiguration) throws(ShortInterestError) in
        settings.storePath = try optionalPath(path, named: "store path")
    }
}

/// Applies `change` to a copy of the configuration and keeps it only if the
/// result is valid, so a refused setting leaves the configuration as it was.
private func updating(_ config: OpaquePointer?, _ change: (inout SourceConfiguration) throws(ShortInterestError) -> Void) -> si_status {
    guard let config else { return fail(.invalidArgument("config is NULL")) }
    let box = Unmanaged<ConfigurationBox>.fromOpaque(UnsafeRawPointer(config)).takeUnretainedValue()
    do throws(ShortInterestError) {
        try box.settings.withLock { (settings: inout SourceConfiguration) throws(ShortInterestError) in
            var updated = settings
            try change(&updated)
            try updated.openD.validate()
            settings = updated
        }
    } catch {
        return fail(error)
    }
    return SI_OK
}

/// A path argument where NULL means "none": nil for NULL, else a non-empty UTF-8 string.
private func optionalPath(_ pointer: UnsafePointer<CChar>?, named name: String) throws(ShortInterestError) -> String? {
    guard let pointer else { return nil }
    let path = try string(pointer, named: name)
    guard !path.isEmpty else { throw .invalidArgument("\(name) is empty") }
    return path
}

// MARK: Client

@_cdecl("si_client_open")
public func si_client_open(_ config: OpaquePointer?, _ outClient: UnsafeMutablePointer<OpaquePointer?>?) -> si_status {
    guard let outClient else { return fail(.invalidArgument("out_client is NULL")) }
    outClient.pointee = nil
    guard let config else { return fail(.invalidArgument("config is NULL")) }
    let settings = Unmanaged<ConfigurationBox>.fromOpaque(UnsafeRawPointer(config)).takeUnretainedValue().settings.withLock { $0 }
    let source = blocking { () async throws(ShortInterestError) in try await settings.openSource() }
    switch source {
    case let .success(source):
        outClient.pointee = ClientHandles.register(source)
        return SI_OK
    case let .failure(error):
        return fail(error)
    }
}

@_cdecl("si_client_close")
public func si_client_close(_ client: OpaquePointer?) {
    guard let client, let source = ClientHandles.remove(client) else { return }
    _ = blocking { await source.close() }
}

// MARK: Pages

@_cdecl("si_get_page")
public func si_get_page(_ client: OpaquePointer?, _ code: UnsafePointer<CChar>?, _ nextKey: UnsafePointer<CChar>?,
                        _ num: Int32, _ outPage: UnsafeMutablePointer<UnsafeMutablePointer<si_page>?>?) -> si_status {
    guard let outPage else { return fail(.invalidArgument("out_page is NULL")) }
    outPage.pointee = nil
    switch fetch(client, code, nextKey, num) {
    case let .failure(error):
        return fail(error)
    case let .success(page):
        guard let cPage = page.allocateCPage() else { return fail(SI_ERR_NO_MEMORY, "out of memory for a page of \(page.usRows.count + page.hkRows.count) rows") }
        outPage.pointee = cPage
        return SI_OK
    }
}

@_cdecl("si_page_is_last")
public func si_page_is_last(_ page: UnsafePointer<si_page>?) -> Int32 {
    guard let page, let nextKey = page.pointee.next_key else { return 1 }
    return String(cString: nextKey) == PageRequest.endKey ? 1 : 0
}

@_cdecl("si_page_free")
public func si_page_free(_ page: UnsafeMutablePointer<si_page>?) {
    free(page)
}

@_cdecl("si_get_page_json")
public func si_get_page_json(_ client: OpaquePointer?, _ code: UnsafePointer<CChar>?, _ nextKey: UnsafePointer<CChar>?,
                             _ num: Int32, _ outJSON: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> si_status {
    guard let outJSON else { return fail(.invalidArgument("out_json is NULL")) }
    outJSON.pointee = nil
    switch fetch(client, code, nextKey, num) {
    case let .failure(error):
        return fail(error)
    case let .success(page):
        guard let text = page.jsonCString else { return fail(SI_ERR_NO_MEMORY, "out of memory for a JSON page") }
        outJSON.pointee = text
        return SI_OK
    }
}

@_cdecl("si_string_free")
public func si_string_free(_ string: UnsafeMutablePointer<CChar>?) {
    free(string)
}

// MARK: Whole histories

@_cdecl("si_get_history")
public func si_get_history(_ client: OpaquePointer?, _ code: UnsafePointer<CChar>?, _ maxPages: Int32,
                           _ outPage: UnsafeMutablePointer<UnsafeMutablePointer<si_page>?>?) -> si_status {
    guard let outPage else { return fail(.invalidArgument("out_page is NULL")) }
    outPage.pointee = nil
    let source: any ShortInterestSource
    let securityCode: SecurityCode
    do throws(ShortInterestError) {
        source = try ClientHandles.source(for: client)
        securityCode = try SecurityCode(string(code, named: "code"))
        try checkMaxPages(maxPages)
    } catch {
        return fail(error)
    }
    let result = blocking { () async throws(ShortInterestError) in
        try await source.wholeHistory(code: securityCode, maxPages: Int(maxPages))
    }
    switch result {
    case let .failure(error):
        return fail(error)
    case let .success(page):
        guard let cPage = page.allocateCPage() else { return fail(SI_ERR_NO_MEMORY, "out of memory for \(securityCode)'s history") }
        outPage.pointee = cPage
        return page.isLast ? SI_OK : SI_INCOMPLETE
    }
}

@_cdecl("si_get_histories")
public func si_get_histories(_ client: OpaquePointer?, _ codes: UnsafePointer<UnsafePointer<CChar>?>?, _ count: Int,
                             _ maxPages: Int32, _ progress: si_progress_fn?, _ userData: UnsafeMutableRawPointer?,
                             _ outHistories: UnsafeMutablePointer<UnsafeMutablePointer<si_histories>?>?) -> si_status {
    guard let outHistories else { return fail(.invalidArgument("out_histories is NULL")) }
    outHistories.pointee = nil
    let source: any ShortInterestSource
    var codeTexts: [String] = []
    do throws(ShortInterestError) {
        source = try ClientHandles.source(for: client)
        try checkMaxPages(maxPages)
        guard count >= 0, count <= 1_000_000 else { throw .invalidArgument("count \(count) is not in 0...1000000") }
        if count > 0 {
            guard let codes else { throw .invalidArgument("codes is NULL") }
            // A malformed code fails alone, in its own result.
            codeTexts = (0..<count).map { index in
                codes[index].flatMap { String(validatingCString: $0) } ?? ""
            }
        }
    } catch {
        return fail(error)
    }
    let codeList = codeTexts
    let results = blocking(posting: { post in
        await source.wholeHistories(codes: codeList, maxPages: Int(maxPages), progress: post)
    }, handle: { (event: HistoryProgress) in
        guard let progress else { return }
        event.code.withCString { code in
            var report = si_progress(codes_done: event.codesDone, code_count: event.codeCount, code: code,
                                     status: status(of: event.result),
                                     rows: (try? event.result.get()).map { $0.usRows.count + $0.hkRows.count } ?? 0)
            progress(&report, userData)
        }
    })
    guard let histories = allocateHistories(codes: codeList, results: results) else {
        return fail(SI_ERR_NO_MEMORY, "out of memory for \(count) histories")
    }
    outHistories.pointee = histories
    return SI_OK
}

@_cdecl("si_histories_free")
public func si_histories_free(_ histories: UnsafeMutablePointer<si_histories>?) {
    guard let histories else { return }
    let items = UnsafeMutablePointer(mutating: histories.pointee.items)
    for index in 0..<histories.pointee.count {
        if let item = items?[index] {
            free(UnsafeMutableRawPointer(mutating: item.code))
            free(UnsafeMutableRawPointer(mutating: item.message))
            free(UnsafeMutableRawPointer(mutating: item.page))
        }
    }
    free(items)
    free(histories)
}

private func checkMaxPages(_ maxPages: Int32) throws(ShortInterestError) {
    guard (1...1_000_000).contains(maxPages) else { throw .invalidArgument("max_pages \(maxPages) is not in 1...1000000") }
}

/// The status a whole-history result reports, without touching the last error.
private func status(of result: Result<ShortInterestPage, ShortInterestError>) -> si_status {
    switch result {
    case let .success(page): return page.isLast ? SI_OK : SI_INCOMPLETE
    case let .failure(error): return statusCode(of: error)
    }
}

private func allocateHistories(codes: [String], results: [Result<ShortInterestPage, ShortInterestError>]) -> UnsafeMutablePointer<si_histories>? {
    guard let histories = calloc(1, MemoryLayout<si_histories>.stride)?.assumingMemoryBound(to: si_histories.self),
          let items = calloc(max(codes.count, 1), MemoryLayout<si_history>.stride)?.assumingMemoryBound(to: si_history.self)
    else { return nil }
    histories.pointee = si_histories(count: codes.count, items: UnsafePointer(items))
    for (index, result) in results.enumerated() {
        var message = ""
        var page: UnsafeMutablePointer<si_page>? = nil
        switch result {
        case let .success(value): page = value.allocateCPage()
        case let .failure(error): message = ShortInterestCABI.message(of: error)
        }
        items[index] = si_history(code: UnsafePointer(strdup(codes[index])), status: status(of: result),
                                  message: UnsafePointer(strdup(message)), page: UnsafePointer(page))
        if items[index].code == nil || items[index].message == nil || (page == nil && message.isEmpty) {
            si_histories_free(histories)
            return nil
        }
    }
    return histories
}

// MARK: Arguments

private func fetch(_ client: OpaquePointer?, _ code: UnsafePointer<CChar>?, _ nextKey: UnsafePointer<CChar>?,
                   _ num: Int32) -> Result<ShortInterestPage, ShortInterestError> {
    let request: PageRequest
    let open: ClientHandles.Client
    do throws(ShortInterestError) {
        open = try ClientHandles.client(for: client)
        request = try PageRequest(code: string(code, named: "code"),
                                  nextKey: nextKey == nil ? nil : string(nextKey, named: "next_key"),
                                  num: Int(num))
    } catch {
        return .failure(error)
    }
    if let synchronous = open.synchronous {
        return Result { () throws(ShortInterestError) in try synchronous.pageSynchronously(request) }
    }
    let source = open.source
    return blocking { () async throws(ShortInterestError) in try await source.page(request) }
}

/// A caller's C string as a Swift string, refusing NULL and invalid UTF-8.
private func string(_ pointer: UnsafePointer<CChar>?, named name: String) throws(ShortInterestError) -> String {
    guard let pointer else { throw .invalidArgument("\(name) is NULL") }
    guard let text = String(validatingCString: pointer) else { throw .invalidArgument("\(name) is not valid UTF-8") }
    return text
}
