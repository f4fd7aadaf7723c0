import SQLiteDB

/// A value the store keeps the last known copy of, one per account.
package protocol CacheableValue: Sendable {
    /// The slot the value fills.
    static var cacheEntry: CacheEntry { get }
    /// The value as the store writes it (see `StoreJSON`).
    var storedJSON: JSONValue { get }
    /// The value the store wrote as `json`; nil when `json` is not one.
    init?(storedJSON json: JSONValue)
}

/// The kinds of cached value.
package enum CacheEntry: String, Sendable, CaseIterable {
    case profile
    case deletion
    case usernameCooldown
}

/// Who said a cached value is true.
package enum CacheSource: String, Hashable, Sendable {
    /// The server answered it.
    case server
    /// The core derived it from what the user did (an optimistic value).
    case local
}

/// A cached value with the instant it was true and who said so.
package struct Cached<Value: CacheableValue & Hashable>: Hashable, Sendable {
    /// The value.
    package let value: Value
    /// When it was true.
    package let asOf: Instant
    /// Who said so.
    package let source: CacheSource
}

extension AccountStore {
    /// The last known `Value` of `account`, or nil when none was cached.
    package func cached<Value: CacheableValue & Hashable>(
        _ type: Value.Type, for account: AccountID
    ) throws(AccountError) -> Cached<Value>? {
        try read { database in try database.cachedValue(type, for: account, in: environment) }
    }

    /// Records `value` as the last known `Value` of `account`.
    func cache<Value: CacheableValue>(
        _ value: Value, for account: AccountID, source: CacheSource, asOf: Instant
    ) throws(AccountError) {
        try write { database in
            try database.saveCache(value, for: account, in: environment, source: source, asOf: asOf)
        }
    }
}

extension Database {
    /// Keyed by environment too: what a development server said of a person
    /// is never shown for production, and the other way round.
    func saveCache<Value: CacheableValue>(
        _ value: Value, for account: AccountID, in environment: ServerEnvironment, source: CacheSource, asOf: Instant
    ) throws {
        try execute("""
            INSERT INTO cache (account, environment, entry, value, as_of, source) VALUES (?, ?, ?, ?, ?, ?)
            ON CONFLICT (account, environment, entry) DO UPDATE SET
                value = excluded.value, as_of = excluded.as_of, source = excluded.source
            """, [account.rawValue, environment.rawValue, Value.cacheEntry.rawValue, StoreJSON.text(value.storedJSON),
                  asOf.millisecondsSince1970, source.rawValue])
    }

    func cachedValue<Value: CacheableValue & Hashable>(_ type: Value.Type, for account: AccountID,
                                                       in environment: ServerEnvironment) throws -> Cached<Value>? {
        try query("SELECT value, as_of, source FROM cache WHERE account = ? AND environment = ? AND entry = ?",
                  [account.rawValue, environment.rawValue, Value.cacheEntry.rawValue]) { row in
            guard let source = CacheSource(rawValue: row.text(2)) else { throw StoreRecordError(table: "cache") }
            guard let value = StoreJSON.value(row.text(0)).flatMap(Value.init(storedJSON:)) else {
                throw StoreRecordError(table: "cache")
            }
            return Cached(value: value,
                          asOf: Instant(millisecondsSince1970: row.int64(1)), source: source)
        }.first
    }
}

/// A row whose columns do not hold what this build wrote there.
struct StoreRecordError: Error, CustomStringConvertible {
    /// The table of the row.
    let table: String

    var description: String { "unreadable row in \(table)" }
}
