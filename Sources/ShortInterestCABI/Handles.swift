import ShortInterest
import ShortInterestStore
import Synchronization

/// What an `si_config *` points to. Any thread may call any function (the
/// header says so), so setters on one configuration may run at once: each
/// takes the lock for its read-modify-write.
final class ConfigurationBox: Sendable {
    let settings = Locked(SourceConfiguration())
}

/// Open clients by handle. A `si_client *` is a number, never an address:
/// it is never dereferenced and never reused, so a call with a closed
/// handle finds nothing instead of touching freed memory, and closing
/// twice is harmless.
enum ClientHandles {
    /// An open client: its source and, when the source can answer on the
    /// calling thread, the same source as such (cast once here, not per call).
    struct Client {
        let source: any ShortInterestSource
        let synchronous: (any SynchronousShortInterestSource)?
    }

    private static let clients = Locked<[UInt: Client]>([:])
    private static let lastHandle = Atomic<UInt>(0)

    static func register(_ source: any ShortInterestSource) -> OpaquePointer {
        let handle = lastHandle.wrappingAdd(1, ordering: .relaxed).newValue
        let client = Client(source: source, synchronous: source as? any SynchronousShortInterestSource)
        clients.withLock { $0[handle] = client }
        return OpaquePointer(bitPattern: handle)!
    }

    static func client(for handle: OpaquePointer?) throws(ShortInterestError) -> Client {
        guard let handle else { throw .invalidArgument("client is NULL") }
        guard let client = clients.withLock({ $0[UInt(bitPattern: handle)] }) else {
            throw .invalidArgument("client is closed (or was never opened)")
        }
        return client
    }

    static func source(for handle: OpaquePointer?) throws(ShortInterestError) -> any ShortInterestSource {
        try client(for: handle).source
    }

    static func remove(_ handle: OpaquePointer) -> (any ShortInterestSource)? {
        clients.withLock { $0.removeValue(forKey: UInt(bitPattern: handle)) }?.source
    }
}
