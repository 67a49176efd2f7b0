-- bemx's own records, in bemx's database and in a host database set up
-- with `bemx init --db PATH --profile FILE`: nothing here ever travels
-- (the built-in profile lists these tables as local).

CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE audit_log (
    id        INTEGER PRIMARY KEY,
    at        TEXT NOT NULL,
    event     TEXT NOT NULL,
    bundle_id TEXT,
    detail    TEXT
);

CREATE TABLE handovers (
    bundle_id             TEXT PRIMARY KEY,
    recipient_fingerprint TEXT NOT NULL,
    recipient_name        TEXT,
    created_at            TEXT NOT NULL,
    state                 TEXT NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'confirmed', 'cancelled')),
    receipt_at            TEXT
);

CREATE TABLE handover_clients (
    bundle_id   TEXT NOT NULL REFERENCES handovers(bundle_id) ON DELETE CASCADE,
    client_uuid TEXT NOT NULL,
    PRIMARY KEY (bundle_id, client_uuid)
);
CREATE INDEX handover_clients_uuid ON handover_clients(client_uuid);

-- One row per imported bundle, keyed by its verified sender and its id: a
-- bundle id is the sender's nonce, so another sender cannot use it up.
CREATE TABLE import_ledger (
    sender_installation TEXT NOT NULL,
    bundle_id           TEXT NOT NULL,
    sender_fingerprint  TEXT NOT NULL,
    imported_at         TEXT NOT NULL,
    clients             INTEGER NOT NULL,
    client_uuids        TEXT NOT NULL,
    rows                INTEGER NOT NULL,
    backup_name         TEXT,
    receipt             BLOB,
    PRIMARY KEY (sender_installation, bundle_id)
);
