#!/usr/bin/env python3
"""Writes store-v1.sqlite: a store as schema version 1 left it, with data.

Kept for provenance: the fixture is committed and never regenerated, because
it stands for files already on users' phones. The SQL is migration 1 of
Sources/AccountCore/Store/Schema.swift, read from that file; the JSON is what
version 1 wrote.
"""
import os, re, sqlite3, sys

here = os.path.dirname(os.path.abspath(__file__))
schema = open(os.path.join(here, "../../../Sources/AccountCore/Store/Schema.swift")).read()
v1 = re.search(r'version: 1, name: "[^"]*", sql: """\n(.*?)"""', schema, re.S).group(1)

path = os.path.join(here, "store-v1.sqlite")
if os.path.exists(path):
    sys.exit("store-v1.sqlite exists: fixtures are never regenerated")
db = sqlite3.connect(path)
db.execute("PRAGMA journal_mode = WAL")
db.executescript(v1)
db.execute("PRAGMA user_version = 1")
db.execute("INSERT INTO cache VALUES (?, ?, ?, ?, ?)", (
    "allmine:u1", "profile",
    '{"id":"u1","isLocked":true,"username":"fixture_user"}', 1775217600000, "server"))
db.execute("INSERT INTO cache VALUES (?, ?, ?, ?, ?)", (
    "allmine:u1", "deletion",
    '{"canCancelUntil":1777636800000,"cancellation":"api","isLocked":true,"requestID":"r1",'
    '"requestedAt":1775217600000,"scheduledFor":1777636800000,"state":"pending","wipesData":false}',
    1775217600000, "server"))
db.execute("""INSERT INTO outbox (id, account, idempotency_key, kind, payload, created_at, state,
              deletion_request_id, deadline) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)""", (
    "5B1F1C9E-3D43-4C55-9F0A-1B2C3D4E5F60", "allmine:u1", "0F8E2D4C-6B5A-4938-8271-6A5B4C3D2E1F",
    "cancelDeletion", '{"cancelDeletion":{}}', 1775304000000, "queued", "r1", 1777636800000))
db.execute("""INSERT INTO outbox (id, account, idempotency_key, kind, payload, created_at, state)
              VALUES (?, ?, ?, ?, ?, ?, ?)""", (
    "7C2A3B4D-5E6F-4071-8293-A4B5C6D7E8F9", "allmine:u1", "1A2B3C4D-5E6F-4A7B-8C9D-0E1F2A3B4C5D",
    "changeUsername", '{"changeUsername":{"_0":"renamed_user"}}', 1775390400000, "queued"))
db.commit()
db.execute("PRAGMA journal_mode = DELETE")
db.close()
os.chmod(path, 0o600)
