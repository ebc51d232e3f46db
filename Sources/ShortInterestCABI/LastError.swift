import CShortInterest
import ShortInterest

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Each thread's `si_error` record, created on first use and freed with the thread.
private let errorKey: pthread_key_t = {
    var key = pthread_key_t()
    pthread_key_create(&key) { record in
        guard let record = record?.assumingMemoryBound(to: si_error.self) else { return }
        free(UnsafeMutableRawPointer(mutating: record.pointee.message))
        free(record)
    }
    return key
}()

func threadErrorRecord() -> UnsafeMutablePointer<si_error> {
    if let existing = pthread_getspecific(errorKey) {
        return existing.assumingMemoryBound(to: si_error.self)
    }
    let record = calloc(1, MemoryLayout<si_error>.stride)!.assumingMemoryBound(to: si_error.self)
    record.pointee.status = SI_OK
    record.pointee.message = UnsafePointer(strdup(""))
    pthread_setspecific(errorKey, record)
    return record
}

/// Records `status` and `message` as this thread's last error and returns `status`.
@discardableResult
func fail(_ status: si_status, _ message: String, retType: Int32 = 0, errCode: Int32? = nil, retryAfter: Duration = .zero) -> si_status {
    let record = threadErrorRecord()
    free(UnsafeMutableRawPointer(mutating: record.pointee.message))
    record.pointee.message = UnsafePointer(strdup(message))
    record.pointee.status = status
    record.pointee.opend_ret_type = retType
    record.pointee.opend_err_code = errCode ?? 0
    record.pointee.has_opend_err_code = errCode == nil ? 0 : 1
    record.pointee.retry_after_ms = retryAfter.wholeMilliseconds
    return status
}

/// Records `error` as this thread's last error and returns its status code.
@discardableResult
func fail(_ error: ShortInterestError) -> si_status {
    switch error {
    case let .invalidArgument(message): return fail(SI_ERR_INVALID_ARGUMENT, message)
    case let .connectFailed(message): return fail(SI_ERR_CONNECT, message)
    case let .timeout(message): return fail(SI_ERR_TIMEOUT, message)
    case let .disconnected(message): return fail(SI_ERR_DISCONNECTED, message)
    case let .protocolError(message): return fail(SI_ERR_PROTOCOL, message)
    case let .store(message): return fail(SI_ERR_STORE, message)
    case .rateLimited(let retryAfter): return fail(SI_ERR_RATE_LIMITED, error.description, retryAfter: retryAfter)
    case let .rejected(retType, errCode, message):
        return fail(SI_ERR_REJECTED, "rejected by OpenD (retType \(retType)\(errCode.map { ", errCode \($0)" } ?? "")): \(message)",
                    retType: retType, errCode: errCode)
    }
}
