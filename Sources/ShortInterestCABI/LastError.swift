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

/// The status code of `error`: one per case.
func statusCode(of error: ShortInterestError) -> si_status {
    switch error {
    case .invalidArgument: return SI_ERR_INVALID_ARGUMENT
    case .connectFailed: return SI_ERR_CONNECT
    case .timeout: return SI_ERR_TIMEOUT
    case .disconnected: return SI_ERR_DISCONNECTED
    case .protocolError: return SI_ERR_PROTOCOL
    case .rejected: return SI_ERR_REJECTED
    case .store: return SI_ERR_STORE
    case .rateLimited: return SI_ERR_RATE_LIMITED
    }
}

/// The message C callers see for `error`; the status code says what kind it is.
func message(of error: ShortInterestError) -> String {
    switch error {
    case let .rejected(_, _, message):
        // OpenD's own words, as futu-api shows them.
        return message
    case .rateLimited:
        return error.description
    case let .invalidArgument(message), let .connectFailed(message), let .timeout(message),
         let .disconnected(message), let .protocolError(message), let .store(message):
        return message
    }
}

/// Records `error` as this thread's last error and returns its status code.
@discardableResult
func fail(_ error: ShortInterestError) -> si_status {
    switch error {
    case let .rejected(retType, errCode, _):
        return fail(SI_ERR_REJECTED, message(of: error), retType: retType, errCode: errCode)
    case let .rateLimited(retryAfter):
        return fail(SI_ERR_RATE_LIMITED, message(of: error), retryAfter: retryAfter)
    default:
        return fail(statusCode(of: error), message(of: error))
    }
}
