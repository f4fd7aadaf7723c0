#!/usr/bin/env python3
"""Writes store-v2.sqlite: a store as schema version 2 left it, with data.

Kept for provenance: the fixture is committed and never regenerated, because
it stands for files already on users' phones. The SQL is migrations 1 and 2
of Sources/AccountCore/Store/Schema.swift, read from that file; the rows are
what version 2 wrote, under its account names (`backend@baseURL`):

- allmine@https://api.allmine.example: the demo user's, told by the profile
  cached under that name (id 507f1f77bcf86cd799439011): a queued rename and
  a queued request, and their audit entries;
- allmine@https://staging.allmine.example: no profile cached, so whose it
  is cannot be told: a queued request;
- ovok@https://api.ovok.example: no profile cached: a queued scheduled
  deletion (30 days, wipe).
"""
import os, re, sqlite3, sys

here = os.path.dirname(os.path.abspath(__file__))
schema = open(os.path.join(here, "../../../Sources/AccountCore/Store/Schema.swift")).read()
steps = [re.search(r'version: %d, name: "[^"]*", sql: """\n(.*?)"""' % n, schema, re.S).group(1) for n in (1, 2)]

path = os.path.join(here, "store-v2.sqlite")
if os.path.exists(path):
    sys.exit("store-v2.sqlite exists: fixtures are never regenerated")
db = sqlite3.connect(path)
db.execute("PRAGMA journal_mode = WAL")
for step in steps:
    db.executescript(step)
db.execute("PRAGMA user_version = 2")
known, staging, ovok = ("allmine@https://api.allmine.example", "allmine@https://staging.allmine.example",
                        "ovok@https://api.ovok.example")
db.execute("INSERT INTO cache VALUES (?, ?, ?, ?, ?)", (
    known, "profile", '{"id":"507f1f77bcf86cd799439011","isLocked":false,"username":"demo_user"}',
    1775217600000, "server"))
rows = [
    ("0B6E1F0A-1111-4A5B-8C9D-000000000001", known, "2C1D6E0A-1111-4A5B-8C9D-0000000000A1", "changeUsername",
     '{"changeUsername":{"_0":"fixture_v2"}}', 1775304000000),
    ("0B6E1F0A-1111-4A5B-8C9D-000000000002", known, "2C1D6E0A-1111-4A5B-8C9D-0000000000A2", "requestDeletion",
     '{"requestDeletion":{"reason":"moving on"}}', 1775304060000),
    ("0B6E1F0A-1111-4A5B-8C9D-000000000003", staging, "2C1D6E0A-1111-4A5B-8C9D-0000000000A3", "requestDeletion",
     '{"requestDeletion":{}}', 1775304120000),
    ("0B6E1F0A-1111-4A5B-8C9D-000000000004", ovok, "2C1D6E0A-1111-4A5B-8C9D-0000000000A4", "requestDeletion",
     '{"requestDeletion":{"days":30,"wipe":true}}', 1775304180000),
]
for row in rows:
    db.execute("""INSERT INTO outbox (id, account, idempotency_key, kind, payload, created_at, state)
                  VALUES (?, ?, ?, ?, ?, ?, 'queued')""", row)
    db.execute("INSERT INTO audit (account, at, action, outcome, operation_id) VALUES (?, ?, ?, 'queued', ?)",
               (row[1], row[5], row[3], row[0]))
db.commit()
db.execute("PRAGMA journal_mode = DELETE")
db.close()
os.chmod(path, 0o600)
