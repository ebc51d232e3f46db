import FoundationEssentials
import NIOCore
import NIOPosix
import ShortInterest
import SQLiteNIO

/// A local SQLite store of short-interest history, filled from the free
/// public files (``ingestFINRA(files:progress:)``, ``ingestSFC(files:progress:)``,
/// ``ingestReference(files:progress:)``) and answering pages with OpenD's
/// semantics: newest first, 1...50 rows, an opaque next key, `"-1"` at the end.
///
///     let store = try await ShortInterestStore.open(path: "short-interest.sqlite")
///     let page = try await store.page(code: "HK.00700", num: 20)
///
/// SQLite comes through vapor/sqlite-nio rather than GRDB.swift: sqlite-nio
/// bundles its own SQLite, so `libshortinterest.so` needs no system
/// libsqlite3 and every user gets the same SQLite; it imports only
/// FoundationEssentials, where GRDB imports Foundation and uses
/// DateFormatter, which would link ICU into the static library (about
/// 58 MB instead of 21 MB, see shared/guides/swift-c-abi.md); and it runs
/// on SwiftNIO like the OpenD client. Its statements run on NIO's thread
/// pool, which costs a thread hop each way; page reads, the hot path, skip
/// it (``StorePageReaders``).
public final class ShortInterestStore: SynchronousShortInterestSource {
    let connection: SQLiteConnection
    private let readers: StorePageReaders
    public let path: String

    private init(connection: SQLiteConnection, readers: StorePageReaders, path: String) {
        self.connection = connection
        self.readers = readers
        self.path = path
    }

    /// Opens the store at `path`.
    ///
    /// - Parameter create: make an empty store if there is none (ingest
    ///   does); otherwise a missing file is an error, so that a mistyped path
    ///   fails loudly instead of answering every request with nothing.
    public static func open(path: String, create: Bool = false) async throws(ShortInterestError) -> ShortInterestStore {
        guard !path.isEmpty else { throw .invalidArgument("store path is empty") }
        if !create && !FileManager.default.fileExists(atPath: path) {
            throw .store("no store at \(path) (create one with `shortinterest ingest`)")
        }
        let connection: SQLiteConnection
        do {
            connection = try await SQLiteConnection.open(storage: .file(path: path))
        } catch {
            throw .store("cannot open store \(path): \(error)")
        }
        do {
            try await prepareSchema(connection, path: path)
            return ShortInterestStore(connection: connection, readers: try StorePageReaders(path: path), path: path)
        } catch {
            try? await connection.close()
            throw error
        }
    }

    public func fetchPageSynchronously(_ request: PageRequest) throws(ShortInterestError) -> ShortInterestPage {
        try readers.page(request)
    }

    public func close() async {
        readers.close()
        try? await connection.close()
    }

    func query(_ sql: String, _ binds: [SQLiteData] = []) async throws(ShortInterestError) -> [SQLiteRow] {
        try await Self.query(sql, binds, on: connection, path: path)
    }

    private static func query(_ sql: String, _ binds: [SQLiteData] = [], on connection: SQLiteConnection,
                              path: String) async throws(ShortInterestError) -> [SQLiteRow] {
        do {
            return try await connection.query(sql, binds)
        } catch {
            throw .store("\(error) (in store \(path))")
        }
    }

    private static func prepareSchema(_ connection: SQLiteConnection, path: String) async throws(ShortInterestError) {
        func run(_ sql: String) async throws(ShortInterestError) -> [SQLiteRow] {
            try await query(sql, on: connection, path: path)
        }
        func schemaVersion() async throws(ShortInterestError) -> Int {
            try await run("PRAGMA user_version").first?.column("user_version")?.integer ?? 0
        }
        // WAL lets a gateway keep reading while `shortinterest ingest` writes.
        _ = try await run("PRAGMA journal_mode = WAL")
        _ = try await run("PRAGMA busy_timeout = 5000")
        guard try await schemaVersion() != StoreSchema.version else { return }
        // Upgrading takes the write lock; another process may have upgraded
        // the store meanwhile, so the version is read again under it.
        _ = try await run("BEGIN IMMEDIATE")
        do throws(ShortInterestError) {
            let version = try await schemaVersion()
            let statements: [String]
            switch version {
            case 0: statements = StoreSchema.create
            case 1: statements = StoreSchema.dayIndexes
            case StoreSchema.version: statements = []
            default:
                throw .store("store \(path) has schema version \(version); this library reads version \(StoreSchema.version)")
            }
            for statement in statements {
                _ = try await run(statement)
            }
            _ = try await run("PRAGMA user_version = \(StoreSchema.version)")
            _ = try await run("COMMIT")
        } catch {
            _ = try? await run("ROLLBACK")
            throw error
        }
    }
}

/// The next key of a store page: the trading day of the first row of the
/// next page. Callers treat it as opaque.
struct StorePageKey {
    let text: String

    static let newest = StorePageKey(day: "9999-12-31")

    init(day: String) { text = day }

    /// Accepts only keys this store issues (`YYYY-MM-DD`).
    init?(_ key: String) {
        let bytes = Array(key.utf8)
        guard bytes.count == 10, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-"),
              bytes.enumerated().allSatisfy({ $0.offset == 4 || $0.offset == 7 || (0x30...0x39).contains($0.element) })
        else { return nil }
        text = key
    }
}

/// Absent (nil) is written as NULL, never as 0.
extension SQLiteData {
    init(_ value: UInt64?) {
        self = value.map { .integer(Int(Int64(bitPattern: $0))) } ?? .null
    }

    init(_ value: Int64?) {
        self = value.map { .integer(Int($0)) } ?? .null
    }

    init(_ value: Double?) {
        self = value.map { .float($0) } ?? .null
    }

    init(_ value: String?) {
        self = value.map { .text($0) } ?? .null
    }
}
