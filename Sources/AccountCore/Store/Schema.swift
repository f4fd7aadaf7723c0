import SQLiteDB

/// The store's schema, as the history of its migrations.
///
/// A step, once released, never changes: a new need is a new step, and a
/// fixture file of each earlier version is kept under Tests to prove the
/// upgrade from it.
enum Schema {
    static let migrator = Migrator([
        Migration(version: 1, name: "cache and outbox", sql: """
            -- What the user last saw, per account: one row per kind of value.
            CREATE TABLE cache (
                account TEXT NOT NULL,
                entry   TEXT NOT NULL CHECK (entry IN ('profile', 'deletion', 'usernameCooldown')),
                value   TEXT NOT NULL,    -- the domain value as JSON
                as_of   INTEGER NOT NULL, -- ms since 1970: when it was true
                source  TEXT NOT NULL CHECK (source IN ('server', 'local')),
                PRIMARY KEY (account, entry)
            ) WITHOUT ROWID;

            -- What the user did and the server has not yet answered. `seq`
            -- keeps the order the user acted in.
            CREATE TABLE outbox (
                seq                 INTEGER PRIMARY KEY,
                id                  TEXT NOT NULL UNIQUE,
                account             TEXT NOT NULL,
                idempotency_key     TEXT NOT NULL UNIQUE,
                kind                TEXT NOT NULL,
                payload             TEXT NOT NULL,
                created_at          INTEGER NOT NULL,
                attempts            INTEGER NOT NULL DEFAULT 0,
                next_attempt_at     INTEGER,
                last_error          TEXT,
                state               TEXT NOT NULL DEFAULT 'queued'
                                    CHECK (state IN ('queued', 'sending', 'failed', 'missed')),
                deletion_request_id TEXT,
                deadline            INTEGER
            );
            CREATE INDEX outbox_by_account ON outbox (account, seq);
            """),
        Migration(version: 2, name: "audit trail", sql: """
            -- What the user did and what the server answered. No tokens, no
            -- bodies: an action, an outcome, a status and an error code.
            CREATE TABLE audit (
                seq          INTEGER PRIMARY KEY,
                account      TEXT NOT NULL,
                at           INTEGER NOT NULL,
                action       TEXT NOT NULL,
                outcome      TEXT NOT NULL,
                http_status  INTEGER,
                error_code   TEXT,
                operation_id TEXT
            );
            CREATE INDEX audit_by_account ON audit (account, seq);
            """),
    ])
}
