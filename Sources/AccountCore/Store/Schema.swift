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
        Migration(version: 3, name: "owners", sql: """
            -- An account is a person: its back end and its user id (`AccountID`).
            -- Versions 1 and 2 named rows `backend@baseURL` (acct's
            -- `backend@embedded`, or a name the host chose, as `backend:id`):
            -- a row so named gets the user id of the profile cached under its
            -- old name; any other is held with an unknown owner
            -- (`backend?legacy:name`, or `?legacy:name` where the name does
            -- not say the back end), listed but never sent under a guess.
            CREATE TEMP TABLE legacy_owner (old TEXT PRIMARY KEY, new TEXT NOT NULL);
            INSERT INTO legacy_owner (old, new)
            SELECT name,
                   CASE WHEN backend = '' THEN '?legacy:' || name
                        WHEN user_id IS NULL OR user_id = '' THEN backend || '?legacy:' || name
                        ELSE backend || ':' || user_id END
            FROM (SELECT name,
                         CASE WHEN prefix GLOB '[a-z]*' AND prefix NOT GLOB '*[^a-z0-9_-]*' THEN prefix ELSE '' END
                             AS backend,
                         (SELECT json_extract(value, '$.id') FROM cache
                          WHERE cache.account = name AND entry = 'profile') AS user_id
                  FROM (SELECT name,
                               CASE WHEN instr(name, '@') > 0 AND (instr(name, ':') = 0 OR instr(name, '@') < instr(name, ':'))
                                         AND (substr(name, instr(name, '@')) GLOB '@http://*'
                                              OR substr(name, instr(name, '@')) GLOB '@https://*'
                                              OR substr(name, instr(name, '@')) = '@embedded')
                                        THEN substr(name, 1, instr(name, '@') - 1)
                                    WHEN instr(name, ':') > 0 AND (instr(name, '@') = 0 OR instr(name, ':') < instr(name, '@'))
                                        THEN substr(name, 1, instr(name, ':') - 1)
                                    ELSE '' END AS prefix
                        FROM (SELECT account AS name FROM cache UNION SELECT account FROM outbox
                              UNION SELECT account FROM audit)));
            -- Two old names of one user (two base URLs) become one account:
            -- of their cached values of one kind, the newest stays.
            DELETE FROM cache WHERE EXISTS (
                SELECT 1 FROM cache AS other
                WHERE other.entry = cache.entry AND other.account != cache.account
                  AND (SELECT new FROM legacy_owner WHERE old = other.account)
                      = (SELECT new FROM legacy_owner WHERE old = cache.account)
                  AND (other.as_of > cache.as_of OR (other.as_of = cache.as_of AND other.account > cache.account)));
            UPDATE cache SET account = (SELECT new FROM legacy_owner WHERE old = account);
            UPDATE outbox SET account = (SELECT new FROM legacy_owner WHERE old = account);
            UPDATE audit SET account = (SELECT new FROM legacy_owner WHERE old = account);
            DROP TABLE legacy_owner;

            -- The credential an operation was made under: the keyed
            -- fingerprint of its token (never the token); null in rows of
            -- earlier stores. `not_before` is a server's Retry-After, which
            -- even a sync the user asks for waits out.
            ALTER TABLE outbox ADD COLUMN credential TEXT;
            ALTER TABLE outbox ADD COLUMN not_before INTEGER;
            CREATE INDEX outbox_queued ON outbox (account, state, seq);

            -- The key of the fingerprints: random, made once per store. With
            -- it a fingerprint can be checked against a token in hand, but no
            -- token can be read back from the file.
            CREATE TABLE store_key (
                id  INTEGER PRIMARY KEY CHECK (id = 1),
                key BLOB NOT NULL
            );
            INSERT INTO store_key (id, key) VALUES (1, randomblob(32));

            -- Whose each credential is, so that a later process (one per
            -- command in acct) knows it offline. `confirmed`: the server said
            -- so; otherwise the host did, or nobody yet.
            CREATE TABLE credential (
                fingerprint TEXT PRIMARY KEY,  -- hex HMAC-SHA256(store key, back end, NUL, token)
                account     TEXT NOT NULL,
                confirmed   INTEGER NOT NULL CHECK (confirmed IN (0, 1)),
                seen_at     INTEGER NOT NULL   -- ms since 1970
            ) WITHOUT ROWID;
            CREATE INDEX credential_by_account ON credential (account);
            """),
        Migration(version: 4, name: "status without reading the queue", sql: """
            -- What the status shows, found by index rather than by reading
            -- every queued operation: a person's first queued request and
            -- cancel, their last unsent ones (what a new one coalesces with).
            CREATE INDEX outbox_by_kind ON outbox (account, kind, state, seq);

            -- How many operations each person has in each state, kept by the
            -- triggers below in the transaction that changes the outbox, so
            -- that counting costs the same with ten queued or a hundred
            -- thousand. A count that reaches zero leaves no row: a wiped
            -- account leaves no name behind.
            CREATE TABLE outbox_tally (
                account TEXT NOT NULL,
                state   TEXT NOT NULL,
                count   INTEGER NOT NULL CHECK (count > 0),
                PRIMARY KEY (account, state)
            ) WITHOUT ROWID;
            INSERT INTO outbox_tally (account, state, count)
            SELECT account, state, count(*) FROM outbox GROUP BY account, state;

            CREATE TRIGGER outbox_tally_insert AFTER INSERT ON outbox BEGIN
                INSERT INTO outbox_tally (account, state, count) VALUES (new.account, new.state, 1)
                ON CONFLICT (account, state) DO UPDATE SET count = count + 1;
            END;
            CREATE TRIGGER outbox_tally_delete AFTER DELETE ON outbox BEGIN
                DELETE FROM outbox_tally WHERE account = old.account AND state = old.state AND count = 1;
                UPDATE outbox_tally SET count = count - 1 WHERE account = old.account AND state = old.state;
            END;
            CREATE TRIGGER outbox_tally_update AFTER UPDATE OF account, state ON outbox
            WHEN old.account IS NOT new.account OR old.state IS NOT new.state BEGIN
                DELETE FROM outbox_tally WHERE account = old.account AND state = old.state AND count = 1;
                UPDATE outbox_tally SET count = count - 1 WHERE account = old.account AND state = old.state;
                INSERT INTO outbox_tally (account, state, count) VALUES (new.account, new.state, 1)
                ON CONFLICT (account, state) DO UPDATE SET count = count + 1;
            END;
            """),
        Migration(version: 5, name: "unreadable operations set aside", sql: """
            -- An operation this build cannot read (a newer version's payload,
            -- a damaged row) is set aside as 'unreadable': kept as it is,
            -- never sent, listed, dropped only by a sign-out that discards.
            -- A CHECK cannot be altered: the table is made again with the
            -- new state allowed, its rows copied as they are (the tally
            -- stays right: no trigger fires on the copy), then its indexes
            -- and the tally's triggers.
            CREATE TABLE outbox_v5 (
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
                                    CHECK (state IN ('queued', 'sending', 'failed', 'missed', 'unreadable')),
                deletion_request_id TEXT,
                deadline            INTEGER,
                credential          TEXT,
                not_before          INTEGER
            );
            INSERT INTO outbox_v5 (seq, id, account, idempotency_key, kind, payload, created_at, attempts,
                                   next_attempt_at, last_error, state, deletion_request_id, deadline,
                                   credential, not_before)
            SELECT seq, id, account, idempotency_key, kind, payload, created_at, attempts,
                   next_attempt_at, last_error, state, deletion_request_id, deadline, credential, not_before
            FROM outbox;
            DROP TABLE outbox;
            ALTER TABLE outbox_v5 RENAME TO outbox;
            CREATE INDEX outbox_by_account ON outbox (account, seq);
            CREATE INDEX outbox_queued ON outbox (account, state, seq);
            CREATE INDEX outbox_by_kind ON outbox (account, kind, state, seq);
            CREATE TRIGGER outbox_tally_insert AFTER INSERT ON outbox BEGIN
                INSERT INTO outbox_tally (account, state, count) VALUES (new.account, new.state, 1)
                ON CONFLICT (account, state) DO UPDATE SET count = count + 1;
            END;
            CREATE TRIGGER outbox_tally_delete AFTER DELETE ON outbox BEGIN
                DELETE FROM outbox_tally WHERE account = old.account AND state = old.state AND count = 1;
                UPDATE outbox_tally SET count = count - 1 WHERE account = old.account AND state = old.state;
            END;
            CREATE TRIGGER outbox_tally_update AFTER UPDATE OF account, state ON outbox
            WHEN old.account IS NOT new.account OR old.state IS NOT new.state BEGIN
                DELETE FROM outbox_tally WHERE account = old.account AND state = old.state AND count = 1;
                UPDATE outbox_tally SET count = count - 1 WHERE account = old.account AND state = old.state;
                INSERT INTO outbox_tally (account, state, count) VALUES (new.account, new.state, 1)
                ON CONFLICT (account, state) DO UPDATE SET count = count + 1;
            END;
            """),
        Migration(version: 6, name: "attempts that never left the device", sql: """
            -- Of an operation's attempts, those that failed before any byte
            -- could reach the server (connection refused, the host did not
            -- resolve, no route). An operation all of whose attempts are
            -- such was never sent, and may still cancel out. Rows of earlier
            -- stores count every attempt as maybe sent: the safe reading.
            ALTER TABLE outbox ADD COLUMN attempts_not_sent INTEGER NOT NULL DEFAULT 0;
            """),
        Migration(version: 7, name: "environments", sql: """
            -- What was made against a development server is never sent to,
            -- or shown for, production, and the other way round: every
            -- queued operation, cached value and audit entry records the
            -- environment it was made in. '' is a row of an earlier store:
            -- the first configuration that opens the file gives it its own
            -- (`AccountStore.init`), in the same process, before any read;
            -- `environment_unnamed` has a row until it has (none in a
            -- store with no rows to give one).
            CREATE TABLE environment_unnamed (id INTEGER PRIMARY KEY CHECK (id = 1));
            INSERT INTO environment_unnamed (id)
            SELECT 1 WHERE EXISTS (SELECT 1 FROM outbox) OR EXISTS (SELECT 1 FROM cache) OR EXISTS (SELECT 1 FROM audit);
            ALTER TABLE outbox ADD COLUMN environment TEXT NOT NULL DEFAULT '';
            ALTER TABLE audit ADD COLUMN environment TEXT NOT NULL DEFAULT '';

            -- One cached value per account, environment and kind: the key
            -- cannot be altered, so the table is made again.
            CREATE TABLE cache_v6 (
                account     TEXT NOT NULL,
                environment TEXT NOT NULL DEFAULT '',
                entry       TEXT NOT NULL CHECK (entry IN ('profile', 'deletion', 'usernameCooldown')),
                value       TEXT NOT NULL,
                as_of       INTEGER NOT NULL,
                source      TEXT NOT NULL CHECK (source IN ('server', 'local')),
                PRIMARY KEY (account, environment, entry)
            ) WITHOUT ROWID;
            INSERT INTO cache_v6 (account, entry, value, as_of, source)
            SELECT account, entry, value, as_of, source FROM cache;
            DROP TABLE cache;
            ALTER TABLE cache_v6 RENAME TO cache;

            -- The tally counts per environment too: the status counts what
            -- this environment can send, and the rest as held.
            DROP TRIGGER outbox_tally_insert;
            DROP TRIGGER outbox_tally_delete;
            DROP TRIGGER outbox_tally_update;
            DROP TABLE outbox_tally;
            CREATE TABLE outbox_tally (
                account     TEXT NOT NULL,
                environment TEXT NOT NULL,
                state       TEXT NOT NULL,
                count       INTEGER NOT NULL CHECK (count > 0),
                PRIMARY KEY (account, environment, state)
            ) WITHOUT ROWID;
            INSERT INTO outbox_tally (account, environment, state, count)
            SELECT account, environment, state, count(*) FROM outbox GROUP BY account, environment, state;
            CREATE TRIGGER outbox_tally_insert AFTER INSERT ON outbox BEGIN
                INSERT INTO outbox_tally (account, environment, state, count)
                VALUES (new.account, new.environment, new.state, 1)
                ON CONFLICT (account, environment, state) DO UPDATE SET count = count + 1;
            END;
            CREATE TRIGGER outbox_tally_delete AFTER DELETE ON outbox BEGIN
                DELETE FROM outbox_tally
                WHERE account = old.account AND environment = old.environment AND state = old.state AND count = 1;
                UPDATE outbox_tally SET count = count - 1
                WHERE account = old.account AND environment = old.environment AND state = old.state;
            END;
            CREATE TRIGGER outbox_tally_update AFTER UPDATE OF account, state, environment ON outbox
            WHEN old.account IS NOT new.account OR old.state IS NOT new.state
                 OR old.environment IS NOT new.environment BEGIN
                DELETE FROM outbox_tally
                WHERE account = old.account AND environment = old.environment AND state = old.state AND count = 1;
                UPDATE outbox_tally SET count = count - 1
                WHERE account = old.account AND environment = old.environment AND state = old.state;
                INSERT INTO outbox_tally (account, environment, state, count)
                VALUES (new.account, new.environment, new.state, 1)
                ON CONFLICT (account, environment, state) DO UPDATE SET count = count + 1;
            END;
            DROP INDEX outbox_queued;
            CREATE INDEX outbox_queued ON outbox (account, environment, state, seq);
            DROP INDEX outbox_by_kind;
            CREATE INDEX outbox_by_kind ON outbox (account, environment, kind, state, seq);
            DROP INDEX audit_by_account;
            CREATE INDEX audit_by_account ON audit (account, environment, seq);
            """),
    ], latestSchema: latestObjects)
}
