//! Schema, migrations and the [`Database`] handle.

use std::ops::ControlFlow;
use std::path::{Path, PathBuf};

use rusqlite::{Connection, OpenFlags, OptionalExtension, params};
use sha2::{Digest, Sha256};

use crate::error::{DbError, Result};
use crate::i18n::fl;

/// Schema version this build writes and accepts (`PRAGMA user_version`).
pub const SCHEMA_VERSION: u32 = 1;

/// Migrations, index `i` upgrades from version `i` to `i + 1`.
///
/// Never edit a released entry: append a new one and bump
/// [`SCHEMA_VERSION`], otherwise installations on the same version would
/// disagree on [`schema_fingerprint`].
const MIGRATIONS: &[&str] = &[concat!(include_str!("bookkeeping.sql"), include_str!("schema.sql"))];

/// bemx's own records (`meta`, the audit log, handovers, the import
/// ledger): part of bemx's schema, and what `bemx init --profile` adds to
/// a host database. Never edited: a change is a new schema version.
const BOOKKEEPING: &str = include_str!("bookkeeping.sql");

/// The tables [`BOOKKEEPING`] creates.
const BOOKKEEPING_TABLES: &[&str] = &["meta", "audit_log", "handovers", "handover_clients", "import_ledger"];

/// Schema name under which an installation's own records file is attached
/// to a host database whose schema stays untouched (DESIGN.md §17.6).
/// Unqualified table names resolve in `main` first, then in attached
/// databases, so every query on bemx's records finds them there — which is
/// why a host table of one of [`BOOKKEEPING_TABLES`]' names is refused at
/// every open, not only at `init`.
pub const RECORDS_SCHEMA: &str = "bemx_records";

/// Meta key, in a records file, naming the host database it belongs to (its
/// canonical path at `init`).
pub const HOST_DATABASE_KEY: &str = "host_database";

/// Meta key the purge sets (inside its own transaction) so that the
/// read-only trigger lets handed-over clients be deleted.
pub(crate) const PURGING_KEY: &str = "purging";

/// A value as SQLite stored it, bytes and all: text need not be UTF-8,
/// and a batch of the client list starts after its last BEM-ID whatever
/// that holds.
#[derive(Debug)]
enum StoredValue {
    Null,
    Integer(i64),
    Real(f64),
    Text(Vec<u8>),
    Blob(Vec<u8>),
}

impl StoredValue {
    fn of(v: rusqlite::types::ValueRef<'_>) -> Self {
        use rusqlite::types::ValueRef as V;
        match v {
            V::Null => Self::Null,
            V::Integer(n) => Self::Integer(n),
            V::Real(x) => Self::Real(x),
            V::Text(b) => Self::Text(b.to_vec()),
            V::Blob(b) => Self::Blob(b.to_vec()),
        }
    }

    /// Bound as stored (rusqlite binds text bytes as they are).
    fn as_sql(&self) -> rusqlite::types::ToSqlOutput<'_> {
        use rusqlite::types::ValueRef as V;
        rusqlite::types::ToSqlOutput::Borrowed(match self {
            Self::Null => V::Null,
            Self::Integer(n) => V::Integer(*n),
            Self::Real(x) => V::Real(*x),
            Self::Text(b) => V::Text(b),
            Self::Blob(b) => V::Blob(b),
        })
    }
}

/// How many clients [`Database::for_each_client_summary`] reads at a time.
const LIST_BATCH: usize = 1000;

/// One line of `clients list`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ClientSummary {
    /// Local row id (valid on this PC only).
    pub id: i64,
    /// Stable identity that travels with the client.
    pub uuid: String,
    /// Local pseudonym such as "Anna".
    pub bem_id: String,
    /// Status of the latest case (by start date), if any.
    pub case_status: Option<String>,
    /// Bundle id of the open handover holding this client, if any.
    pub handover_bundle: Option<String>,
    /// When the handover consent in force was given (`YYYY-MM-DD`), if any.
    pub consent_given: Option<String>,
    /// When the last handover consent was revoked, if any.
    pub consent_revoked: Option<String>,
}

/// What an export checks of each client it is asked to hand over: a
/// narrower [`ClientSummary`], looked up without the latest case's status
/// and the last revocation, which an export does not show (a fifth of the
/// time of an export of 20,000 clients went to those look-ups; issue 18,
/// item 3).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HandoverCandidate {
    /// Local row id (valid on this PC only).
    pub id: i64,
    /// Stable identity that travels with the client.
    pub uuid: String,
    /// Local pseudonym such as "Anna".
    pub bem_id: String,
    /// Bundle id of the open handover holding this client, if any.
    pub handover_bundle: Option<String>,
    /// When the handover consent in force was given (`YYYY-MM-DD`), if any.
    pub consent_given: Option<String>,
}

impl From<ClientSummary> for HandoverCandidate {
    fn from(c: ClientSummary) -> Self {
        Self {
            id: c.id,
            uuid: c.uuid,
            bem_id: c.bem_id,
            handover_bundle: c.handover_bundle,
            consent_given: c.consent_given,
        }
    }
}

/// An open bemx database.
#[derive(Debug)]
pub struct Database {
    conn: Connection,
    path: PathBuf,
    installation_id: String,
}

/// The schemas of a connection that are files: `main` and every attached
/// database (not `temp`), for settings SQLite keeps per schema.
fn file_schemas(conn: &Connection) -> Result<Vec<(String, PathBuf)>> {
    let mut stmt = conn.prepare("SELECT name, file FROM pragma_database_list WHERE name != 'temp'")?;
    let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, Option<String>>(1)?)))?;
    let mut out = Vec::new();
    for row in rows {
        let (name, file) = row?;
        out.push((name, PathBuf::from(file.unwrap_or_default())));
    }
    Ok(out)
}

/// Refuses a journal mode SQLite answered that is none of `wanted` (or
/// `memory`, an in-memory database's): a database another program holds
/// open in WAL stays in it, and is refused as in use.
fn expect_journal_mode(mode: &str, wanted: &[&str]) -> Result<()> {
    if wanted.iter().chain(&["memory"]).any(|w| mode.eq_ignore_ascii_case(w)) { Ok(()) } else { Err(DbError::Busy) }
}

/// Settings applied to every connection bemx opens.
///
/// The rollback journal (not WAL) keeps the database one self-contained
/// file, so copying it is a valid backup; `synchronous=FULL` because a
/// handover must survive a pulled plug. Temp storage stays in memory so
/// no scratch data reaches the disk outside the database.
///
/// A transaction that purges runs in `PERSIST` instead (see
/// [`keep_journal_for_purge`]): a rollback journal holds the *original*
/// pages a transaction changed, so a purge's journal holds the purged
/// client in plaintext. `DELETE` and `TRUNCATE` hand those blocks back to
/// the file system unoverwritten, where bemx can never reach them again; a
/// kept journal is overwritten in place by [`scrub_journal`] after the
/// purge commits. `MEMORY`, `OFF` and `WAL` were measured too (see
/// `crates/db/tests/purge_journal.rs`): the first two give up crash safety,
/// WAL leaves the purged rows in the database file until a checkpoint and
/// makes the file copy under a transaction no longer a backup.
pub fn configure_connection(conn: &Connection) -> Result<()> {
    // Another program holding the database means "close it first", never
    // "wait and maybe fail halfway": refuse at once.
    conn.busy_timeout(std::time::Duration::ZERO)?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    conn.pragma_update(None, "temp_store", "MEMORY")?;
    // Per file: a host database and bemx's records attached to it (§17.6)
    // commit together only if both keep a rollback journal, the condition
    // for SQLite's super-journal.
    for (schema, _) in file_schemas(conn)? {
        let schema = crate::graph::q(&schema);
        // Purged clients must leave no trace: zero deleted content instead
        // of leaving it readable in free pages of the file.
        conn.execute_batch(&format!("PRAGMA {schema}.secure_delete=ON"))?;
        // SQLite answers with the mode in force; a database another program
        // holds open in WAL mode stays in it, and then a copy of the file
        // is no backup and a purge's rows outlive it in the WAL: refused.
        let mode: String = conn.query_row(&format!("PRAGMA {schema}.journal_mode=DELETE"), [], |r| r.get(0))?;
        expect_journal_mode(&mode, &["delete"])?;
        // -1 (no limit) is the default, set anyway: any limit makes SQLite
        // truncate a kept (PERSIST) journal at commit, freeing its blocks
        // before `scrub_journal` could overwrite them.
        let _limit: i64 = conn.query_row(&format!("PRAGMA {schema}.journal_size_limit=-1"), [], |r| r.get(0))?;
        conn.execute_batch(&format!("PRAGMA {schema}.synchronous=FULL"))?;
    }
    Ok(())
}

/// Opens any SQLite database read-only, for looking at its schema (`bemx
/// profile check` and `suggest` on a host program's database): nothing is
/// created, nothing written, and a lock held by another program is
/// reported at once.
pub fn open_read_only(path: &Path) -> Result<Connection> {
    if !path.is_file() {
        return Err(DbError::NotFound { path: path.to_path_buf() });
    }
    let conn = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX)?;
    conn.busy_timeout(std::time::Duration::ZERO)?;
    conn.pragma_update(None, "query_only", "ON")?;
    // Reading the schema proves the file is a database at all.
    conn.query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get::<_, i64>(0))?;
    Ok(conn)
}

/// The rollback journal SQLite keeps beside the database file `db`.
pub fn journal_path(db: &Path) -> PathBuf {
    let mut s = db.as_os_str().to_owned();
    s.push("-journal");
    PathBuf::from(s)
}

/// Whether the rollback journal beside `db` holds a transaction SQLite has
/// yet to roll back. A journal kept (PERSIST) by a purge that failed before
/// its scrub stays with its header zeroed, so the file's mere existence
/// means nothing; SQLite writes the journal magic only once the journal is
/// synced, before it changes the database, so a non-zero first header word
/// means a hot journal.
pub fn journal_is_hot(db: &Path) -> std::io::Result<bool> {
    use std::io::Read;
    let mut head = [0u8; 8];
    let mut file = match std::fs::File::open(journal_path(db)) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(false),
        Err(e) => return Err(e),
    };
    let mut read = 0;
    while read < head.len() {
        match file.read(&mut head[read..])? {
            0 => break,
            n => read += n,
        }
    }
    Ok(head[..read].iter().any(|&b| b != 0))
}

/// Switches the connection to `journal_mode=PERSIST` for a transaction
/// that may purge, so its journal — the purged clients' original pages —
/// is kept for [`scrub_journal`] to overwrite instead of being unlinked
/// unread. Call it before the transaction begins (SQLite refuses to change
/// the mode inside one).
pub fn keep_journal_for_purge(conn: &Connection) -> Result<()> {
    // `main` only: a purge writes nothing else (DESIGN.md P1), and records
    // attached beside a host database keep deleting their journal as usual.
    let mode: String = conn.query_row("PRAGMA main.journal_mode=PERSIST", [], |r| r.get(0))?;
    // Refused as at the open: a purge's rows would outlive the scrub in a WAL.
    expect_journal_mode(&mode, &["persist"])
}

/// What another program may have changed since the connection was opened,
/// checked at the start of every transaction, whose locks then keep it
/// from changing further: every file still keeps a rollback journal (a
/// host program that switches its database to WAL while bemx waits between
/// two transactions takes bemx's connection along, and then a host
/// database and bemx's records no longer commit together, nor does a
/// purge's journal hold what the scrub must overwrite), and where bemx's
/// records are attached, the host database has not since got an object of
/// one of their names (it would be found before them). A database in WAL
/// is refused as in use ([`DbError::Busy`]): once the other program has
/// closed it, the next open switches it back.
pub fn check_in_transaction(conn: &Connection) -> Result<()> {
    let schemas = file_schemas(conn)?;
    for (schema, _) in &schemas {
        let mode: String =
            conn.query_row(&format!("PRAGMA {}.journal_mode", crate::graph::q(schema)), [], |r| r.get(0))?;
        expect_journal_mode(&mode, &["delete", "persist"])?;
    }
    if schemas.iter().any(|(schema, _)| schema == RECORDS_SCHEMA) {
        refuse_record_names(conn)?;
    }
    Ok(())
}

/// Overwrites the kept rollback journal with zeros, syncs, truncates it,
/// then returns the connection to `journal_mode=DELETE`, which removes the
/// now empty file. So the original pages of the purge — the purged clients
/// in plaintext — are gone from the file and from the blocks it held. Call
/// it after the commit of every transaction begun after
/// [`keep_journal_for_purge`].
///
/// Runs under `BEGIN IMMEDIATE`: that RESERVED lock keeps every other
/// writer from opening a journal of its own meanwhile, and it tells every
/// reader the journal is not hot, while readers may go on reading. The
/// zeros are synced *before* the truncation: truncating dirty, unwritten
/// pages would drop them and leave the old blocks as they were.
///
/// Limit (threat model): this overwrites the journal's blocks where the
/// file system writes in place (ext4, NTFS, HFS+ without snapshots).
/// Copy-on-write or log-structured file systems (btrfs, ZFS, APFS), file
/// system snapshots and SSD wear levelling may keep the old blocks; SQLite
/// cannot reach them and neither can bemx. Only full-disk encryption
/// protects those.
pub fn scrub_journal(conn: &Connection) -> Result<()> {
    // Every file of the connection: bemx's records attached to a host
    // database (§17.6) journal their pages too. An in-memory database has
    // no journal file.
    let files: Vec<PathBuf> =
        file_schemas(conn)?.into_iter().map(|(_, file)| file).filter(|f| !f.as_os_str().is_empty()).collect();
    if files.is_empty() {
        return Ok(());
    }
    conn.execute_batch("BEGIN IMMEDIATE")?;
    let scrubbed = files.iter().try_for_each(|db| overwrite_journal(&journal_path(db)));
    // Nothing was written through SQLite, so COMMIT only drops the lock.
    conn.execute_batch(if scrubbed.is_ok() { "COMMIT" } else { "ROLLBACK" })?;
    scrubbed?;
    // Back to DELETE, as every other transaction runs; leaving PERSIST
    // deletes the (now empty) journal file.
    let _mode: String = conn.query_row("PRAGMA journal_mode=DELETE", [], |r| r.get(0))?;
    Ok(())
}

/// Overwrites the file at `path` with zeros, syncs and removes it: for a
/// leftover no connection has open (a killed restore's plaintext copy and
/// its journal). A missing file is fine. Same limit as [`scrub_journal`].
pub fn wipe_file(path: &Path) -> Result<()> {
    overwrite_journal(path)?;
    match std::fs::remove_file(path) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
            Err(DbError::io(fl!("db-io-removing", path = path.display().to_string()), e))
        }
        _ => Ok(()),
    }
}

fn overwrite_journal(path: &Path) -> Result<()> {
    use std::io::Write;
    let err = |e| DbError::io(fl!("db-io-overwriting-journal", path = path.display().to_string()), e);
    let mut file = match std::fs::OpenOptions::new().write(true).open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(err(e)),
    };
    let len = file.metadata().map_err(err)?.len();
    if len == 0 {
        return Ok(());
    }
    let zeros = vec![0u8; 64 * 1024];
    let mut left = len;
    while left > 0 {
        let n = usize::try_from(left.min(zeros.len() as u64)).unwrap_or(zeros.len());
        file.write_all(&zeros[..n]).map_err(err)?;
        left -= n as u64;
    }
    file.sync_all().map_err(err)?;
    file.set_len(0).map_err(err)?;
    file.sync_all().map_err(err)?;
    Ok(())
}

/// Reads `PRAGMA user_version`.
pub fn user_version(conn: &Connection) -> Result<u32> {
    let v: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    Ok(u32::try_from(v).unwrap_or(u32::MAX))
}

/// Applies all migrations above the current `user_version` in one
/// transaction and records the versions in `meta`.
pub fn migrate(conn: &mut Connection) -> Result<()> {
    let current = user_version(conn)?;
    if current > SCHEMA_VERSION {
        return Err(DbError::SchemaTooNew { found: current, expected: SCHEMA_VERSION });
    }
    let tx = conn.transaction()?;
    for (i, sql) in MIGRATIONS.iter().enumerate().skip(current as usize) {
        tx.execute_batch(sql)?;
        if i == 0 {
            tx.execute_batch(&crate::graph::read_only_triggers(&tx)?)?;
        }
        tx.pragma_update(None, "user_version", i as i64 + 1)?;
    }
    tx.execute(
        "INSERT INTO meta (key, value) VALUES ('schema_version', ?1), ('app_version', ?2)
         ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        params![SCHEMA_VERSION.to_string(), env!("CARGO_PKG_VERSION")],
    )?;
    tx.commit()?;
    Ok(())
}

/// SHA-256 over the normalised `CREATE` statements of all tables, indexes
/// and triggers, sorted by name.
///
/// Each statement contributes `type NUL name NUL sql LF`, with runs of
/// whitespace collapsed to one space, so formatting does not matter but any
/// change of a column, constraint, index or trigger does.
pub fn schema_fingerprint(conn: &Connection) -> Result<[u8; 32]> {
    let mut stmt = conn.prepare(
        "SELECT type, name, sql FROM sqlite_master
         WHERE sql IS NOT NULL AND type IN ('table', 'index', 'trigger', 'view')
           AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'",
    )?;
    let mut entries = stmt
        .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?)))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    entries.sort_by(|a, b| a.1.cmp(&b.1).then_with(|| a.0.cmp(&b.0)));
    let mut h = Sha256::new();
    for (kind, name, sql) in entries {
        let normalised = sql.split_whitespace().collect::<Vec<_>>().join(" ");
        h.update(kind.as_bytes());
        h.update([0]);
        h.update(name.as_bytes());
        h.update([0]);
        h.update(normalised.as_bytes());
        h.update([b'\n']);
    }
    Ok(h.finalize().into())
}

/// Every trigger of every schema `conn` has open (`main`, `temp`,
/// attached), as (schema, name, statement exactly as stored), sorted.
fn triggers(conn: &Connection) -> Result<Vec<(String, String, String)>> {
    let schemas: Vec<String> = conn
        .prepare("SELECT name FROM pragma_database_list")?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let mut found = Vec::new();
    for schema in schemas {
        let mut stmt = conn.prepare(&format!(
            "SELECT name, sql FROM {}.sqlite_master WHERE type = 'trigger'",
            crate::graph::q(&schema)
        ))?;
        let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, Option<String>>(1)?)))?;
        for row in rows {
            let (name, sql) = row?;
            // Exactly: text that differs in whitespace alone could differ
            // inside a literal or a comment.
            found.push((schema.clone(), name, sql.unwrap_or_default()));
        }
    }
    found.sort();
    Ok(found)
}

/// The triggers of bemx's own schema as [`migrate`] creates them: the
/// read-only guards of handed-over clients, and nothing else.
pub(crate) fn reference_triggers() -> Result<Vec<(String, String, String)>> {
    let mut fresh = Connection::open_in_memory()?;
    migrate(&mut fresh)?;
    triggers(&fresh)
}

/// Whether every trigger of the database behind `conn` is one of bemx's
/// read-only guards, unchanged ([`reference_triggers`]): none writes, and
/// none fires on a delete while the `purging` key is set (a test holds
/// each to that).
pub(crate) fn only_guards(conn: &Connection) -> Result<bool> {
    Ok(triggers(conn)? == reference_triggers()?)
}

/// Whether a purge's deletes can run without the guards: [`only_guards`],
/// and no foreign key of `main` sets a column when its parent row is
/// deleted (`ON DELETE SET NULL` / `SET DEFAULT`). SQLite carries out such
/// an action with the triggers off too, as an `UPDATE` of the child row
/// (another client's, perhaps handed over) that no guard would then see;
/// bemx's schema only cascades deletes, which every guard lets through.
pub(crate) fn purge_guards_idle(conn: &Connection) -> Result<bool> {
    let sets: bool = conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM main.sqlite_master m, pragma_foreign_key_list(m.name, 'main') f
           WHERE m.type = 'table' AND f.on_delete IN ('SET NULL', 'SET DEFAULT'))",
        [],
        |r| r.get(0),
    )?;
    Ok(!sets && only_guards(conn)?)
}

/// Whether no trigger can fire on any write while no handover opens: every
/// trigger of the database behind `conn` is one of bemx's read-only guards,
/// unchanged ([`reference_triggers`]), each guard fires only while a
/// handover is open (a test holds each to that), and none is open now.
/// Inside a transaction that holds the database's write lock and opens no
/// handover, that stays true until it ends.
pub(crate) fn guards_idle(conn: &Connection) -> Result<bool> {
    if !only_guards(conn)? {
        return Ok(false);
    }
    let open: bool =
        conn.query_row("SELECT EXISTS (SELECT 1 FROM main.handovers WHERE state = 'open')", [], |r| r.get(0))?;
    Ok(!open)
}

/// The host-schema setting a way of setting up requires, and the refusal
/// list: bemx adds no trigger to a host's schema, so its handed-over
/// clients are kept on the refusal list, and a profile that promises
/// triggers would promise what is not there.
fn check_host_profile(profile: &crate::profile::Profile, wanted: crate::profile::HostSchema) -> Result<()> {
    if profile.host_schema != wanted {
        return Err(DbError::ProfileMismatch {
            table: profile.root.table.clone(),
            detail: fl!("db-detail-host-schema-setting"),
        });
    }
    if profile.read_only.method != crate::profile::ReadOnlyMethod::RefusalList {
        return Err(DbError::ProfileMismatch {
            table: profile.root.table.clone(),
            detail: fl!("db-detail-host-needs-refusal-list"),
        });
    }
    Ok(())
}

/// Whether a host program's database can hold an installation described by
/// `profile`, checked without writing: the profile fits it (its graph, which
/// is returned) and it has no table of one of bemx's record names. What
/// `init --profile` asks before the keys are made, and set-up again.
pub fn check_host(conn: &Connection, profile: &crate::profile::Profile) -> Result<crate::graph::Graph> {
    refuse_record_names(conn)?;
    crate::graph::derive(conn, profile)
}

/// The host database's path, which must be a file, and the installation id
/// in its one form: what both ways of setting up on a host database take.
fn host_and_id(path: &Path, installation_id: &str) -> Result<(PathBuf, String)> {
    let id = uuid::Uuid::parse_str(installation_id)
        .map_err(|_| DbError::InvalidInstallationId { value: installation_id.to_owned() })?
        .hyphenated()
        .to_string();
    if !path.is_file() {
        return Err(DbError::NotFound { path: path.to_path_buf() });
    }
    Ok((path.to_path_buf(), id))
}

/// Refuses a host database (`main`) with a table of one of bemx's record
/// names: added to it, bemx's table could not be made; beside it, in an
/// attached records file, the host's would be found first.
fn refuse_record_names(conn: &Connection) -> Result<()> {
    for table in BOOKKEEPING_TABLES {
        let taken: bool = conn.query_row(
            "SELECT EXISTS (SELECT 1 FROM main.sqlite_master WHERE name = ?1 COLLATE NOCASE)",
            [table],
            |r| r.get(0),
        )?;
        if taken {
            return Err(DbError::HostNameTaken { name: (*table).to_owned() });
        }
    }
    Ok(())
}

/// Attaches an installation's records file as [`RECORDS_SCHEMA`]. The
/// connection was opened without `SQLITE_OPEN_CREATE`, which ATTACH
/// inherits, so a missing file is refused rather than made empty.
fn attach_records(conn: &Connection, records: &Path) -> Result<()> {
    if !records.is_file() {
        return Err(DbError::NotFound { path: records.to_path_buf() });
    }
    let name = records.to_str().ok_or_else(|| DbError::NotUtf8Path { path: records.to_path_buf() })?;
    conn.execute(&format!("ATTACH DATABASE ?1 AS {RECORDS_SCHEMA}"), [name])?;
    Ok(())
}

/// Creates an empty database file at `path`, refusing one that exists;
/// health data and bemx's records are the user's alone (SQLite gives the
/// journal the database file's permissions).
fn create_private_database(path: &Path) -> Result<Connection> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(path)
            .map_err(|e| DbError::io(fl!("db-io-creating-database"), e))?;
    }
    Ok(Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?)
}

/// The host database a records file belongs to, as recorded at `init`
/// ([`Database::adopt_untouched`]); read without writing.
pub fn recorded_host(records: &Path) -> Result<PathBuf> {
    let conn = open_read_only(records)?;
    let host: Option<String> = conn
        .query_row("SELECT value FROM meta WHERE key = ?1", [HOST_DATABASE_KEY], |r| r.get(0))
        .optional()
        .map_err(|_| DbError::NotBemx { path: records.to_path_buf() })?;
    host.map(PathBuf::from).ok_or_else(|| DbError::NotBemx { path: records.to_path_buf() })
}

impl Database {
    /// Creates a new database at `path` with the current schema.
    ///
    /// Refuses if the file exists, so an installation is never overwritten.
    pub fn create(path: impl AsRef<Path>, installation_id: &str) -> Result<Self> {
        let path = path.as_ref().to_path_buf();
        let id = uuid::Uuid::parse_str(installation_id)
            .map_err(|_| DbError::InvalidInstallationId { value: installation_id.to_owned() })?;
        if path.exists() {
            return Err(DbError::AlreadyExists { path });
        }
        let mut conn = create_private_database(&path)?;
        configure_connection(&conn)?;
        migrate(&mut conn)?;
        let id = id.hyphenated().to_string();
        conn.execute("INSERT INTO meta (key, value) VALUES ('installation_id', ?1)", [&id])?;
        Ok(Database { conn, path, installation_id: id })
    }

    /// Opens an existing database; refuses any other schema version.
    pub fn open(path: impl AsRef<Path>) -> Result<Self> {
        Self::open_inner(path.as_ref(), None, false)
    }

    /// Opens a host database whose schema stays untouched with the
    /// installation's own records file attached ([`Database::adopt_untouched`]),
    /// or, without `records`, as [`Database::open`]. Every transaction then
    /// spans both files and SQLite commits them together (its super-journal).
    /// Refused: a records file that is missing or not one of an untouched
    /// host's, and a host database that has meanwhile got a table of one of
    /// bemx's record names (it would be found before the records).
    pub fn open_with_records(path: impl AsRef<Path>, records: Option<&Path>) -> Result<Self> {
        Self::open_inner(path.as_ref(), records, false)
    }

    /// Opens an existing database and applies pending migrations.
    ///
    /// The caller should have made a backup first; newer databases are
    /// still refused.
    pub fn open_upgrading(path: impl AsRef<Path>) -> Result<Self> {
        Self::open_inner(path.as_ref(), None, true)
    }

    /// Sets up a host program's database for bemx (`bemx init --db PATH
    /// --profile FILE`): checks that the profile describes it, then, in one
    /// transaction, adds bemx's record tables and records the installation
    /// id, the schema version and the profile in `meta`. Nothing else of
    /// the host's schema changes (`PRAGMA user_version` is the host's).
    /// Refuses a profile that does not fit, one whose host schema must stay
    /// untouched, and a database that already has a table of bemx's names.
    pub fn adopt(path: impl AsRef<Path>, installation_id: &str, profile: &crate::profile::Profile) -> Result<Self> {
        let (path, id) = host_and_id(path.as_ref(), installation_id)?;
        check_host_profile(profile, crate::profile::HostSchema::Bemx)?;
        let mut conn =
            Connection::open_with_flags(&path, OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX)?;
        configure_connection(&conn)?;
        let tx = conn.transaction()?;
        refuse_record_names(&tx)?;
        // The profile must fit before anything is added.
        crate::graph::derive(&tx, profile)?;
        tx.execute_batch(BOOKKEEPING)?;
        let text = profile.to_toml()?;
        tx.execute(
            "INSERT INTO meta (key, value) VALUES ('installation_id', ?1), ('schema_version', ?2),
             ('app_version', ?3), (?4, ?5)",
            params![id, SCHEMA_VERSION.to_string(), env!("CARGO_PKG_VERSION"), crate::graph::PROFILE_KEY, text],
        )?;
        // And it still fits with bemx's tables beside the host's.
        crate::graph::derive(&tx, profile)?;
        tx.commit()?;
        Ok(Database { conn, path, installation_id: id })
    }

    /// Sets up a host program's database whose schema must stay untouched
    /// (`host_schema = "untouched"`): the profile is checked against the
    /// database opened read-only, then bemx's record tables are made in a
    /// file of their own at `records` (the user's alone on unix), which
    /// records the installation id, the schema version, the profile and the
    /// host database's canonical path. Not a byte of the host database is
    /// written. On any failure the records file is removed again.
    pub fn adopt_untouched(
        path: impl AsRef<Path>,
        records: &Path,
        installation_id: &str,
        profile: &crate::profile::Profile,
    ) -> Result<Self> {
        let (path, id) = host_and_id(path.as_ref(), installation_id)?;
        if records.exists() {
            return Err(DbError::AlreadyExists { path: records.to_path_buf() });
        }
        check_host_profile(profile, crate::profile::HostSchema::Untouched)?;
        check_host(&open_read_only(&path)?, profile)?;
        let host = path.canonicalize().map_err(|e| DbError::io(fl!("db-io-reading-host-path"), e))?;
        let host = host.to_str().ok_or_else(|| DbError::NotUtf8Path { path: host.clone() })?.to_owned();
        let made = (|| {
            let mut conn = create_private_database(records)?;
            configure_connection(&conn)?;
            let tx = conn.transaction()?;
            tx.execute_batch(BOOKKEEPING)?;
            tx.execute(
                "INSERT INTO meta (key, value) VALUES ('installation_id', ?1), ('schema_version', ?2),
                 ('app_version', ?3), (?4, ?5), (?6, ?7)",
                params![
                    id,
                    SCHEMA_VERSION.to_string(),
                    env!("CARGO_PKG_VERSION"),
                    crate::graph::PROFILE_KEY,
                    profile.to_toml()?,
                    HOST_DATABASE_KEY,
                    host
                ],
            )?;
            tx.commit()?;
            drop(conn);
            Self::open_inner(&path, Some(records), false)
        })();
        if made.is_err() {
            let _ = std::fs::remove_file(records);
        }
        made
    }

    fn open_inner(path: &Path, records: Option<&Path>, upgrade: bool) -> Result<Self> {
        let path = path.to_path_buf();
        if !path.is_file() {
            return Err(DbError::NotFound { path });
        }
        let mut conn =
            Connection::open_with_flags(&path, OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX)?;
        if let Some(records) = records {
            attach_records(&conn, records)?;
        }
        configure_connection(&conn)?;
        let profile = crate::graph::installation_profile(&conn);
        if let Some(records) = records {
            refuse_record_names(&conn)?;
            let untouched = matches!(&profile, Ok(Some(p)) if p.host_schema == crate::profile::HostSchema::Untouched);
            if !untouched {
                return Err(DbError::NotBemx { path: records.to_path_buf() });
            }
        }
        // A host database set up by `init --profile` keeps bemx's schema
        // version in `meta`: its `user_version` is the host program's.
        if profile.map_err(|_| DbError::NotBemx { path: path.clone() })?.is_some() {
            let found: Option<String> =
                conn.query_row("SELECT value FROM meta WHERE key = 'schema_version'", [], |r| r.get(0)).optional()?;
            let found = found.and_then(|v| v.parse::<u32>().ok()).unwrap_or(0);
            if found > SCHEMA_VERSION {
                return Err(DbError::SchemaTooNew { found, expected: SCHEMA_VERSION });
            }
            if found < SCHEMA_VERSION {
                return Err(DbError::SchemaTooOld { found, expected: SCHEMA_VERSION });
            }
            return Self::with_installation_id(conn, path);
        }
        let found = user_version(&conn)?;
        if found == 0 {
            return Err(DbError::NotBemx { path });
        }
        if found > SCHEMA_VERSION {
            return Err(DbError::SchemaTooNew { found, expected: SCHEMA_VERSION });
        }
        if found < SCHEMA_VERSION {
            if !upgrade {
                return Err(DbError::SchemaTooOld { found, expected: SCHEMA_VERSION });
            }
            migrate(&mut conn)?;
        }
        Self::with_installation_id(conn, path)
    }

    fn with_installation_id(conn: Connection, path: PathBuf) -> Result<Self> {
        let installation_id: Option<String> = conn
            .query_row("SELECT value FROM meta WHERE key = 'installation_id'", [], |r| r.get(0))
            .optional()
            .map_err(|_| DbError::NotBemx { path: path.clone() })?;
        let Some(installation_id) = installation_id else {
            return Err(DbError::NotBemx { path });
        };
        Ok(Database { conn, path, installation_id })
    }

    /// The underlying connection.
    pub fn conn(&self) -> &Connection {
        &self.conn
    }

    /// The underlying connection, mutable (to start transactions).
    pub fn conn_mut(&mut self) -> &mut Connection {
        &mut self.conn
    }

    /// Path of the database file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The installation id stored in `meta`.
    pub fn installation_id(&self) -> &str {
        &self.installation_id
    }

    /// All clients ordered by BEM-ID; handed-over ones only if asked for.
    /// Held whole: for a list of any length, [`Self::for_each_client_summary`].
    pub fn clients_list(&self, include_handed_over: bool) -> Result<Vec<ClientSummary>> {
        let mut all = Vec::new();
        self.for_each_client_summary(include_handed_over, |c| {
            all.push(c);
            Ok::<_, DbError>(())
        })?;
        Ok(all)
    }

    /// [`Self::clients_list`] one client at a time, in the same order,
    /// so that a list of any length is never held (issue 18, item 5:
    /// `bemx clients list` of 100,000 clients peaked at 113 MiB). The
    /// clients are read [`LIST_BATCH`] at a time, each batch in a read of
    /// its own, and handed to `f` after it: no lock on the database is
    /// held while `f` waits (for a pager reading the list, say). A list
    /// read while another program writes may so show each batch as it was
    /// when read. A host database's clients are read whole first, as
    /// before. The first error of `f` ends the list and is returned.
    pub fn for_each_client_summary<E: From<DbError>>(
        &self,
        include_handed_over: bool,
        f: impl FnMut(ClientSummary) -> std::result::Result<(), E>,
    ) -> std::result::Result<(), E> {
        self.list_clients(include_handed_over, true, f)
    }

    /// The next [`LIST_BATCH`] clients by BEM-ID after `after`, each with
    /// its BEM-ID as stored; the statement is reset when they are read.
    fn client_batch(&self, after: Option<&StoredValue>) -> Result<Vec<(StoredValue, ClientSummary)>> {
        let mut stmt = self.conn.prepare_cached(&match after {
            None => format!("{CLIENT_SUMMARY_SELECT} ORDER BY c.bem_id LIMIT {LIST_BATCH}"),
            Some(_) => format!("{CLIENT_SUMMARY_SELECT} WHERE c.bem_id > ?1 ORDER BY c.bem_id LIMIT {LIST_BATCH}"),
        })?;
        let mut rows = match after {
            None => stmt.query([])?,
            Some(key) => stmt.query([key.as_sql()])?,
        };
        let mut batch = Vec::with_capacity(LIST_BATCH);
        while let Some(r) = rows.next()? {
            batch.push((StoredValue::of(r.get_ref(2)?), client_summary_row(r)?));
        }
        Ok(batch)
    }

    /// [`Self::clients_list`] one client at a time in no particular order
    /// (the order of the rows, which reads each client's cases and
    /// consents at nearby places: 100,000 clients in about half the time
    /// of the list by BEM-ID), for a pass that needs every client but not
    /// their order: the widths of a table's columns. `f` runs while the
    /// database is read.
    pub fn for_each_client_summary_unordered<E: From<DbError>>(
        &self,
        include_handed_over: bool,
        f: impl FnMut(ClientSummary) -> std::result::Result<(), E>,
    ) -> std::result::Result<(), E> {
        self.list_clients(include_handed_over, false, f)
    }

    /// [`Self::for_each_client_summary`] (`by_bem_id`) or
    /// [`Self::for_each_client_summary_unordered`].
    fn list_clients<E: From<DbError>>(
        &self,
        include_handed_over: bool,
        by_bem_id: bool,
        mut f: impl FnMut(ClientSummary) -> std::result::Result<(), E>,
    ) -> std::result::Result<(), E> {
        let mut each =
            |c: ClientSummary| if include_handed_over || c.handover_bundle.is_none() { f(c) } else { Ok(()) };
        match (crate::graph::installation_profile(&self.conn)?, by_bem_id) {
            (Some(profile), true) => host_clients(&self.conn, &profile)?.into_iter().try_for_each(each),
            (Some(profile), false) => for_each_host_client(&self.conn, &profile, each),
            (None, true) => {
                // BEM-IDs are unique and never NULL: the last one read is
                // where the next batch starts, in the order of their index.
                let mut after: Option<StoredValue> = None;
                loop {
                    let batch = self.client_batch(after.as_ref())?;
                    let full = batch.len() == LIST_BATCH;
                    for (key, c) in batch {
                        after = Some(key);
                        each(c)?;
                    }
                    if !full {
                        return Ok(());
                    }
                }
            }
            (None, false) => {
                let sql = |e: rusqlite::Error| E::from(DbError::from(e));
                let mut stmt = self.conn.prepare(CLIENT_SUMMARY_SELECT).map_err(sql)?;
                let mut rows = stmt.query([]).map_err(sql)?;
                while let Some(r) = rows.next().map_err(sql)? {
                    each(client_summary_row(r).map_err(sql)?)?;
                }
                Ok(())
            }
        }
    }

    /// Finds a client by UUID (preferred) or BEM-ID.
    pub fn find_client(&self, query: &str) -> Result<ClientSummary> {
        find_client(&self.conn, query)
    }
}

/// [`Database::find_client`] over any connection — a transaction's, so a
/// caller can resolve and check clients inside the transaction that then
/// acts on them.
pub fn find_client(conn: &Connection, query: &str) -> Result<ClientSummary> {
    if let Some(profile) = crate::graph::installation_profile(conn)? {
        // By id first, else by display value; one client held at a time.
        let wanted = query.trim().to_ascii_lowercase();
        let (mut by_id, mut by_display) = (None, None);
        for_each_host_client(conn, &profile, |c| {
            if by_id.is_none() && c.uuid == wanted {
                by_id = Some(c.clone());
            }
            if by_display.is_none() && c.bem_id == query {
                by_display = Some(c);
            }
            Ok::<_, DbError>(())
        })?;
        return by_id.or(by_display).ok_or_else(|| DbError::UnknownClient { query: query.to_owned() });
    }
    find_reference_client(conn, query)
}

/// [`find_client`] in bemx's own schema.
fn find_reference_client(conn: &Connection, query: &str) -> Result<ClientSummary> {
    find_reference(conn, query, CLIENT_SUMMARY_SELECT, client_summary_row)
}

/// [`find_reference_client`], narrowed to what an export checks.
fn find_reference_candidate(conn: &Connection, query: &str) -> Result<HandoverCandidate> {
    find_reference(conn, query, HANDOVER_CANDIDATE_SELECT, handover_candidate_row)
}

/// A row of [`HANDOVER_CANDIDATE_SELECT`].
fn handover_candidate_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<HandoverCandidate> {
    Ok(HandoverCandidate {
        id: r.get(0)?,
        uuid: r.get(1)?,
        bem_id: r.get(2)?,
        handover_bundle: r.get(3)?,
        consent_given: shown(r, 4)?,
    })
}

/// The client of bemx's own schema `query` names, by UUID (preferred) or
/// BEM-ID, as `select` (`SELECT … FROM clients c`) and `row` read it.
fn find_reference<T>(
    conn: &Connection,
    query: &str,
    select: &str,
    row: fn(&rusqlite::Row<'_>) -> rusqlite::Result<T>,
) -> Result<T> {
    // Cached: an export of thousands of clients looks each one up.
    let by_uuid = conn
        .prepare_cached(&format!("{select} WHERE c.uuid = lower(?1)"))?
        .query_row([query.trim()], row)
        .optional()?;
    if let Some(c) = by_uuid {
        return Ok(c);
    }
    conn.prepare_cached(&format!("{select} WHERE c.bem_id = ?1"))?
        .query_row([query], row)
        .optional()?
        .ok_or_else(|| DbError::UnknownClient { query: query.to_owned() })
}

/// [`find_client`] for each of `queries`, in their order; the first query
/// no client matches is refused. On a host database whose clients are
/// recognised by a natural key every client's id is derived once for all
/// the queries, not once per query.
pub fn find_clients(conn: &Connection, queries: &[String]) -> Result<Vec<HandoverCandidate>> {
    let mut found = vec![None; queries.len()];
    let unknown = for_each_client(conn, queries, |at, c| found[at] = Some(c))?;
    if let Some(&at) = unknown.first() {
        return Err(DbError::UnknownClient { query: queries[at].clone() });
    }
    Ok(found.into_iter().flatten().collect())
}

/// Refuses the first of `queries`, in their order, that names no client,
/// as [`find_client`] would, keeping none of them: a check before an
/// export. SQLite's read lock is held for the look-ups.
/// All are looked up in one read transaction (100,000 names looked up one
/// statement at a time took 12 s, each taking and releasing SQLite's lock),
/// and in one pass over the clients when they are many.
pub fn refuse_unknown_clients(conn: &Connection, queries: &[String]) -> Result<()> {
    let tx = conn.unchecked_transaction()?;
    let unknown = for_each_client(&tx, queries, |_, _| {})?;
    drop(tx);
    match unknown.first() {
        Some(&at) => Err(DbError::UnknownClient { query: queries[at].clone() }),
        None => Ok(()),
    }
}

/// [`find_client`] for each of `queries`: `found` is called with the
/// query's position and its client for every query that names one, in an
/// order of the database's choosing (several queries may name the same
/// client). Returns the positions of the queries that name none, in order.
/// Called inside a transaction (the export's), the clients cannot change
/// between the look-ups. The candidates are handed over as they are found, not collected: an
/// export of 100,000 clients held 30 MB of summaries it looks at once each
/// (issue 18, item 5).
pub fn for_each_client(
    conn: &Connection,
    queries: &[String],
    mut found: impl FnMut(usize, HandoverCandidate),
) -> Result<Vec<usize>> {
    let mut unknown = Vec::new();
    let Some(profile) = crate::graph::installation_profile(conn)? else {
        let clients: i64 = conn.query_row("SELECT count(*) FROM clients", [], |r| r.get(0))?;
        if in_one_pass(queries.len(), clients) {
            return reference_candidates_in_one_pass(conn, queries, found);
        }
        for (at, q) in queries.iter().enumerate() {
            match find_reference_candidate(conn, q) {
                Ok(c) => found(at, c),
                Err(DbError::UnknownClient { .. }) => unknown.push(at),
                Err(e) => return Err(e),
            }
        }
        return Ok(unknown);
    };
    let all = host_clients(conn, &profile)?;
    let mut by_id = std::collections::HashMap::new();
    let mut by_display = std::collections::HashMap::new();
    for c in &all {
        by_id.entry(c.uuid.as_str()).or_insert(c);
        by_display.entry(c.bem_id.as_str()).or_insert(c);
    }
    for (at, q) in queries.iter().enumerate() {
        let wanted = q.trim().to_ascii_lowercase();
        match by_id.get(wanted.as_str()).or_else(|| by_display.get(q.as_str())) {
            Some(c) => found(at, HandoverCandidate::from((*c).clone())),
            None => unknown.push(at),
        }
    }
    Ok(unknown)
}

/// Whether `queries` names of `clients` clients are looked up in one pass
/// over all clients rather than one by one. One look-up by UUID with its
/// handover and consent took about 20 µs, at random places in the file; a
/// pass reads the clients, their handovers and consents in order, about
/// 5 µs a client (issue 18, item 3: a sixth of an export of 20,000
/// clients went to the look-ups).
fn in_one_pass(queries: usize, clients: i64) -> bool {
    (queries as u64).saturating_mul(4) >= clients.max(0) as u64
}

/// [`for_each_client`] in bemx's own schema, in one pass over its clients.
/// The queries are indexed by what they are compared with one by one —
/// the trimmed, lower-cased query with a UUID (`c.uuid = lower(?1)`), the
/// query itself with a BEM-ID (`c.bem_id = ?1`), text byte by byte — and a
/// query some client's UUID matches names that client, not the one whose
/// BEM-ID it is, so either way a query names the same client.
fn reference_candidates_in_one_pass(
    conn: &Connection,
    queries: &[String],
    mut found: impl FnMut(usize, HandoverCandidate),
) -> Result<Vec<usize>> {
    use std::borrow::Cow;
    let uuids = QueryIndex::new(queries.iter().map(|q| {
        let trimmed = q.trim();
        match trimmed.bytes().any(|b| b.is_ascii_uppercase()) {
            true => Cow::Owned(trimmed.to_ascii_lowercase()),
            false => Cow::Borrowed(trimmed),
        }
    }));
    let bem_ids = QueryIndex::new(queries.iter().map(|q| Cow::Borrowed(q.as_str())));
    // First the queries a UUID matches, from the UUIDs' index alone: a
    // BEM-ID can then name its client as soon as the pass meets it.
    let mut named = vec![false; queries.len()];
    let mut stmt = conn.prepare("SELECT uuid FROM clients")?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        for at in uuids.positions(text_of(r, 0)?) {
            named[at] = true;
        }
    }
    let mut stmt = conn.prepare(HANDOVER_CANDIDATES_OF_ALL)?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        let by_uuid = uuids.positions(text_of(r, 1)?);
        let by_bem_id = bem_ids.positions(text_of(r, 2)?).filter(|&at| !named[at]);
        let mut at: Vec<usize> = by_uuid.chain(by_bem_id).collect();
        let Some(last) = at.pop() else { continue };
        let candidate = handover_candidate_row(r)?;
        for at in at {
            named[at] = true;
            found(at, candidate.clone());
        }
        named[last] = true;
        found(last, candidate);
    }
    Ok(named.iter().enumerate().filter(|(_, n)| !**n).map(|(at, _)| at).collect())
}

/// Column `i` of `r` as the bytes of its text; `None` for a value of
/// another type, which equals no query (SQLite compares text with text
/// only).
fn text_of<'r>(r: &'r rusqlite::Row<'_>, i: usize) -> rusqlite::Result<Option<&'r [u8]>> {
    Ok(match r.get_ref(i)? {
        rusqlite::types::ValueRef::Text(b) => Some(b),
        _ => None,
    })
}

/// Queries by their text: the positions of those that are equal to a value.
struct QueryIndex<'q> {
    /// The first position of each distinct text.
    first: std::collections::HashMap<std::borrow::Cow<'q, str>, usize>,
    /// The next position with the same text, after each position.
    next: Vec<Option<usize>>,
}

impl<'q> QueryIndex<'q> {
    fn new(texts: impl Iterator<Item = std::borrow::Cow<'q, str>>) -> Self {
        let texts: Vec<_> = texts.collect();
        let mut first = std::collections::HashMap::with_capacity(texts.len());
        let mut next = vec![None; texts.len()];
        // From the last query back: each text's position so far is the
        // next one after this.
        for (at, text) in texts.into_iter().enumerate().rev() {
            next[at] = first.insert(text, at);
        }
        QueryIndex { first, next }
    }

    /// The positions of the queries equal to `value`, in order; none for
    /// no value.
    fn positions(&self, value: Option<&[u8]>) -> impl Iterator<Item = usize> + '_ {
        let head = value.and_then(|v| std::str::from_utf8(v).ok()).and_then(|v| self.first.get(v).copied());
        std::iter::successors(head, |&at| self.next.get(at).copied().flatten())
    }
}

/// The clients of a host database set up with a profile, ordered by the
/// display column, then by key: the client id each travels under (its
/// UUID, or the id derived from its natural key), the display value, the
/// open handover holding it, and its consent where the host records one.
/// The host's cases are its own: no case status is shown.
pub(crate) fn host_clients(conn: &Connection, profile: &crate::profile::Profile) -> Result<Vec<ClientSummary>> {
    let mut all = Vec::new();
    for_each_host_client(conn, profile, |c| {
        all.push(c);
        Ok::<_, DbError>(())
    })?;
    Ok(all)
}

/// [`host_clients`] one at a time, in the same order; the first error of
/// `f` ends the pass and is returned.
fn for_each_host_client<E: From<DbError>>(
    conn: &Connection,
    profile: &crate::profile::Profile,
    mut f: impl FnMut(ClientSummary) -> std::result::Result<(), E>,
) -> std::result::Result<(), E> {
    let mut failed = None;
    host_client_pass(conn, profile, &mut |c| match f(c) {
        Ok(()) => ControlFlow::Continue(()),
        Err(e) => {
            failed = Some(e);
            ControlFlow::Break(())
        }
    })?;
    failed.map_or(Ok(()), Err)
}

/// The pass of [`for_each_host_client`], until `each` breaks it.
fn host_client_pass(
    conn: &Connection,
    profile: &crate::profile::Profile,
    each: &mut dyn FnMut(ClientSummary) -> ControlFlow<()>,
) -> Result<()> {
    use crate::graph::q;
    use crate::profile::{Consent, Identity};
    let graph = crate::graph::derive(conn, profile)?;
    let key = graph.root_key().to_owned();
    let identity = graph.identity.columns().to_vec();
    let cols: Vec<String> = identity.iter().map(|c| q(c)).collect();
    let mut stmt = conn.prepare(&format!(
        "SELECT {key}, {display}, {cols} FROM {root} ORDER BY {display}, {key}",
        key = q(&key),
        display = q(&graph.display),
        cols = cols.join(", "),
        root = q(&graph.root)
    ))?;
    let mut handover = conn.prepare_cached(
        "SELECT hc.bundle_id FROM handover_clients hc JOIN handovers h ON h.bundle_id = hc.bundle_id
         WHERE h.state = 'open' AND hc.client_uuid = ?1 ORDER BY h.created_at, hc.bundle_id LIMIT 1",
    )?;
    let consent_sql = match &profile.consent {
        Consent::Table { table, client, kind_column, kind: _, given, revoked } => Some((
            format!(
                "SELECT {g} FROM {t} WHERE {c} = ?1 AND {k} = ?2 AND {r} IS NULL ORDER BY {g} DESC LIMIT 1",
                g = q(given),
                t = q(table),
                c = q(client),
                k = q(kind_column),
                r = q(revoked)
            ),
            format!(
                "SELECT {r} FROM {t} WHERE {c} = ?1 AND {k} = ?2 AND {r} IS NOT NULL ORDER BY {r} DESC LIMIT 1",
                t = q(table),
                c = q(client),
                k = q(kind_column),
                r = q(revoked)
            ),
        )),
        Consent::None => None,
    };
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        let id: i64 = r.get(0)?;
        let display = shown(r, 1)?.unwrap_or_default();
        let values: Vec<rusqlite::types::Value> =
            (0..identity.len()).map(|i| r.get(2 + i)).collect::<rusqlite::Result<_>>()?;
        let uuid = match (&graph.identity, values.first()) {
            (Identity::Uuid(_), Some(rusqlite::types::Value::Text(u))) => u.to_ascii_lowercase(),
            (Identity::Uuid(_), _) => continue,
            (Identity::NaturalKey(_), _) => crate::graph::derived_client_id(&graph.root, &values),
        };
        let handover_bundle = handover.query_row([&uuid], |r| r.get(0)).optional()?;
        let (consent_given, consent_revoked) = match (&consent_sql, &profile.consent) {
            (Some((given, revoked)), Consent::Table { kind, .. }) => (
                conn.prepare_cached(given)?.query_row(params![id, kind], |r| shown(r, 0)).optional()?.flatten(),
                conn.prepare_cached(revoked)?.query_row(params![id, kind], |r| shown(r, 0)).optional()?.flatten(),
            ),
            _ => (None, None),
        };
        let summary = ClientSummary {
            id,
            uuid,
            bem_id: display,
            case_status: None,
            handover_bundle,
            consent_given,
            consent_revoked,
        };
        if each(summary).is_break() {
            break;
        }
    }
    Ok(())
}

/// [`CLIENT_SUMMARY_SELECT`]'s columns an export checks, in that order.
const HANDOVER_CANDIDATE_SELECT: &str = "SELECT c.id, c.uuid, c.bem_id,
    (SELECT hc.bundle_id FROM handover_clients hc JOIN handovers h ON h.bundle_id = hc.bundle_id
      WHERE h.state = 'open' AND hc.client_uuid = c.uuid ORDER BY h.created_at, hc.bundle_id LIMIT 1),
    (SELECT k.given_on FROM consents k WHERE k.client_id = c.id AND k.kind = 'handover'
      AND k.revoked_on IS NULL ORDER BY k.given_on DESC LIMIT 1)
    FROM clients c";

/// [`HANDOVER_CANDIDATE_SELECT`] of every client, for a pass over them
/// all: each client's consent in force from one grouped pass over the
/// consents, not a look-up per client (0.09 s instead of 0.30 s for
/// 20,000 clients). `max` picks the value `ORDER BY … DESC LIMIT 1` does
/// (SQLite orders and compares alike).
const HANDOVER_CANDIDATES_OF_ALL: &str = "SELECT c.id, c.uuid, c.bem_id,
    (SELECT hc.bundle_id FROM handover_clients hc JOIN handovers h ON h.bundle_id = hc.bundle_id
      WHERE h.state = 'open' AND hc.client_uuid = c.uuid ORDER BY h.created_at, hc.bundle_id LIMIT 1),
    k.given
    FROM clients c LEFT JOIN (SELECT client_id, max(given_on) AS given FROM consents
      WHERE kind = 'handover' AND revoked_on IS NULL GROUP BY client_id) k ON k.client_id = c.id";

const CLIENT_SUMMARY_SELECT: &str = "SELECT c.id, c.uuid, c.bem_id,
    (SELECT b.status FROM bem_cases b WHERE b.client_id = c.id
      ORDER BY b.start_date DESC, b.id DESC LIMIT 1),
    (SELECT hc.bundle_id FROM handover_clients hc JOIN handovers h ON h.bundle_id = hc.bundle_id
      WHERE h.state = 'open' AND hc.client_uuid = c.uuid ORDER BY h.created_at, hc.bundle_id LIMIT 1),
    (SELECT k.given_on FROM consents k WHERE k.client_id = c.id AND k.kind = 'handover'
      AND k.revoked_on IS NULL ORDER BY k.given_on DESC LIMIT 1),
    (SELECT k.revoked_on FROM consents k WHERE k.client_id = c.id AND k.kind = 'handover'
      AND k.revoked_on IS NOT NULL ORDER BY k.revoked_on DESC LIMIT 1)
    FROM clients c";

fn client_summary_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<ClientSummary> {
    Ok(ClientSummary {
        id: r.get(0)?,
        // Shown whatever was stored: a list read in batches would otherwise
        // stop part-way at the first odd value.
        uuid: shown(r, 1)?.unwrap_or_default(),
        bem_id: shown(r, 2)?.unwrap_or_default(),
        case_status: shown(r, 3)?,
        handover_bundle: shown(r, 4)?,
        consent_given: shown(r, 5)?,
        consent_revoked: shown(r, 6)?,
    })
}

/// A value for display whatever another program or a bundle stored there
/// (a blob, a number, bytes that are not UTF-8), so that one odd value
/// cannot make the whole client list unreadable.
fn shown(r: &rusqlite::Row<'_>, i: usize) -> rusqlite::Result<Option<String>> {
    use rusqlite::types::ValueRef;
    Ok(match r.get_ref(i)? {
        ValueRef::Null => None,
        ValueRef::Integer(n) => Some(n.to_string()),
        ValueRef::Real(x) => Some(x.to_string()),
        ValueRef::Text(b) | ValueRef::Blob(b) => Some(String::from_utf8_lossy(b).into_owned()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Clients one by one and in one pass name the same client for every
    /// query, and the same queries none: UUIDs as stored, padded and in
    /// capitals, BEM-IDs, a BEM-ID padded (which names nothing), a BEM-ID
    /// that is another client's UUID (the UUID wins), names given twice,
    /// unknown names; with and without an open handover and a consent, and
    /// with several consents (the latest handover consent not revoked).
    #[test]
    fn clients_are_found_alike_one_by_one_and_in_one_pass() {
        let dir = tempfile::tempdir().unwrap();
        let db = Database::create(dir.path().join("db.sqlite"), "01010101-0101-0101-0101-010101010101").unwrap();
        let uuid = |i: u32| format!("{i:08x}-0000-4000-8000-00000000000{}", i % 10);
        let conn = db.conn();
        for i in 1..=6u32 {
            // Client 6's BEM-ID is client 1's UUID: "BEM-6" names no one.
            let bem = if i == 6 { uuid(1) } else { format!("BEM-{i}") };
            conn.execute("INSERT INTO clients (id, uuid, bem_id) VALUES (?1, ?2, ?3)", params![i, uuid(i), bem])
                .unwrap();
        }
        conn.execute_batch(
            "INSERT INTO consents (client_id, kind, given_on) VALUES (2, 'handover', '2026-01-01'), (3, 'handover', '2026-01-02');
             INSERT INTO consents (client_id, kind, given_on) VALUES (2, 'handover', '2026-01-05'), (2, 'survey', '2026-01-09');
             INSERT INTO consents (client_id, kind, given_on, revoked_on) VALUES (2, 'handover', '2026-01-07', '2026-01-08');
             INSERT INTO consents (client_id, kind, given_on, revoked_on) VALUES (4, 'handover', '2026-01-03', '2026-02-01');
             INSERT INTO handovers (bundle_id, recipient_fingerprint, created_at) VALUES ('b-open', 'f', '2026-03-01');",
        )
        .unwrap();
        conn.execute("INSERT INTO handover_clients (bundle_id, client_uuid) VALUES ('b-open', ?1)", [uuid(3)]).unwrap();
        // A client whose UUID and BEM-ID are not text equals no name, not
        // even an empty one.
        conn.execute("INSERT INTO clients (id, uuid, bem_id) VALUES (7, x'', x'')", []).unwrap();
        let queries: Vec<String> = vec![
            uuid(2),
            format!("  {} ", uuid(3).to_uppercase()),
            "BEM-4".into(),
            " BEM-5".into(),
            uuid(1),
            "BEM-6".into(),
            "Nobody".into(),
            "BEM-4".into(),
            uuid(2).to_uppercase(),
            String::new(),
            "BEM-1".into(),
            "  ".into(),
        ];
        let mut one_by_one = vec![None; queries.len()];
        let mut unknown = Vec::new();
        for (at, q) in queries.iter().enumerate() {
            match find_reference_candidate(conn, q) {
                Ok(c) => one_by_one[at] = Some(c),
                Err(DbError::UnknownClient { .. }) => unknown.push(at),
                Err(e) => panic!("{e}"),
            }
        }
        let mut passed = vec![None; queries.len()];
        let mut calls = 0;
        let none = reference_candidates_in_one_pass(conn, &queries, |at, c| {
            calls += 1;
            assert!(passed[at].replace(c).is_none(), "query {at} answered twice");
        })
        .unwrap();
        assert_eq!(passed, one_by_one);
        assert_eq!(none, unknown);
        assert_eq!(none, [3, 5, 6, 9, 11]);
        assert_eq!(calls, queries.len() - 5);
        assert_eq!(one_by_one[4].as_ref().unwrap().bem_id, "BEM-1", "the UUID wins over client 6's BEM-ID");
        assert_eq!(one_by_one[1].as_ref().unwrap().handover_bundle.as_deref(), Some("b-open"));
        assert!(one_by_one[2].as_ref().unwrap().consent_given.is_none(), "a revoked consent is none");
        let latest = one_by_one[0].as_ref().unwrap().consent_given.as_deref();
        assert_eq!(latest, Some("2026-01-05"), "the latest handover consent not revoked");
        // The check before an export refuses the first unknown name.
        match refuse_unknown_clients(conn, &queries) {
            Err(DbError::UnknownClient { query }) => assert_eq!(query, " BEM-5"),
            other => panic!("{other:?}"),
        }
        refuse_unknown_clients(conn, &queries[..3]).unwrap();
        // Through the public door, both ways are taken.
        assert!(!in_one_pass(1, 6) && in_one_pass(2, 6));
        for n in [1, queries.len()] {
            let mut found = vec![None; n];
            let none = for_each_client(conn, &queries[..n], |at, c| found[at] = Some(c)).unwrap();
            assert_eq!(found, one_by_one[..n]);
            assert_eq!(none, unknown.iter().copied().filter(|&at| at < n).collect::<Vec<_>>());
        }
    }

    /// The parenthesised group `text` starts with, and what follows it.
    fn group(text: &str) -> Option<(&str, &str)> {
        let mut depth = 0usize;
        for (i, ch) in text.char_indices() {
            match ch {
                '(' => depth += 1,
                ')' => {
                    depth = depth.checked_sub(1)?;
                    if depth == 0 {
                        return Some((&text[..=i], &text[i + 1..]));
                    }
                }
                _ if depth == 0 => return None,
                _ => {}
            }
        }
        None
    }

    /// What lets [`guards_idle`] switch the guards off (and [`only_guards`]
    /// for a purge, whose deletes every guard lets through): each fires only
    /// while a handover is open (its condition is that, AND something
    /// more) and only refuses (its body writes nothing). A trigger added
    /// to bemx's schema that does otherwise fails here, before an import
    /// could run without it.
    #[test]
    fn every_trigger_of_bemx_s_schema_is_a_guard_of_open_handovers() {
        let all = reference_triggers().unwrap();
        // Three per guarded table, two hand-written ones for `clients`.
        assert!(all.len() > 20, "{all:?}");
        for (schema, name, sql) in &all {
            assert_eq!(schema, "main", "{name}");
            let sql = sql.split_whitespace().collect::<Vec<_>>().join(" ");
            let (_, condition) = sql.split_once(" WHEN ").unwrap_or_else(|| panic!("{name} has no condition"));
            let open = condition.strip_prefix("EXISTS ").and_then(group);
            let Some((exists, rest)) = open else { panic!("{name} does not begin with EXISTS (...): {sql}") };
            assert!(exists.starts_with("(SELECT 1 FROM handover"), "{name}: {exists}");
            assert!(
                exists.contains(" WHERE h.state = 'open'") && !exists.contains(" OR "),
                "{name} does not require an open handover: {exists}"
            );
            assert!(rest.starts_with(" AND ") || rest.starts_with(" BEGIN "), "{name}: {rest}");
            // No OR outside parentheses: `open AND a OR b` is `(open AND a) OR b`.
            let (when, _) = condition.rsplit_once(" BEGIN ").unwrap_or_else(|| panic!("{name} has no body"));
            let mut depth = 0i32;
            for (i, ch) in when.char_indices() {
                match ch {
                    '(' => depth += 1,
                    ')' => depth -= 1,
                    _ if depth == 0 => assert!(!when[i..].starts_with(" OR "), "{name}: an OR outside parentheses"),
                    _ => {}
                }
            }
            // A purge deletes with `purging` set and without the guards
            // (`merge::GuardsOff::for_purge`): each guard of a delete lets
            // it through then, by a condition joined with AND at the top.
            if sql.contains(" BEFORE DELETE ON ") {
                let purging = " AND NOT EXISTS (SELECT 1 FROM meta WHERE key = 'purging' AND value = '1')";
                let at = when.find(purging).unwrap_or_else(|| panic!("{name} does not let a purge through: {when}"));
                let depth = when[..at].matches('(').count() - when[..at].matches(')').count();
                assert_eq!(depth, 0, "{name}: the purge's condition is inside parentheses");
            }
            let (_, body) = rest.rsplit_once(" BEGIN ").unwrap_or_else(|| panic!("{name} has no body"));
            assert!(
                body.starts_with("SELECT RAISE(ABORT, '")
                    && body.ends_with("'); END")
                    && body.matches(';').count() == 1,
                "{name} does more than refuse: {body}"
            );
        }
    }

    /// The list read in batches (issue 18, item 5) in BEM-ID order
    /// whatever the rows' order, across the batches' boundaries, each
    /// client as it is found alone; the unordered pass hands the same
    /// clients; the callback's first error ends either.
    #[test]
    fn the_client_list_streams_each_client_as_it_is_found_alone() {
        let dir = tempfile::tempdir().unwrap();
        let db = Database::create(dir.path().join("db.sqlite"), "01010101-0101-0101-0101-010101010101").unwrap();
        let conn = db.conn();
        for (id, bem) in [(1, "E"), (2, "C"), (3, "A"), (4, "D"), (5, "B"), (6, "A ")] {
            let uuid = format!("{id:08x}-0000-4000-8000-000000000000");
            conn.execute("INSERT INTO clients (id, uuid, bem_id) VALUES (?1, ?2, ?3)", params![id, uuid, bem]).unwrap();
        }
        // Two batches and a half more, their BEM-IDs against their ids' order.
        let many = 2 * LIST_BATCH as i64 + LIST_BATCH as i64 / 2;
        let tx = conn.unchecked_transaction().unwrap();
        for id in 7..7 + many {
            let uuid = format!("{id:08x}-0000-4000-8000-000000000000");
            conn.execute(
                "INSERT INTO clients (id, uuid, bem_id) VALUES (?1, ?2, ?3)",
                params![id, uuid, format!("Z{:06}", 1_000_000 - id)],
            )
            .unwrap();
        }
        tx.commit().unwrap();
        // A BEM-ID stored as bytes that are not UTF-8 is shown, not refused
        // part-way through the list; it sorts after every text.
        conn.execute("INSERT INTO clients (id, uuid, bem_id) VALUES (99999, 'odd', x'ff00')", []).unwrap();
        conn.execute("INSERT INTO clients (id, uuid, bem_id) VALUES (99998, 'odder', CAST(x'ff41' AS TEXT))", [])
            .unwrap();
        conn.execute_batch(
            "INSERT INTO bem_cases (client_id, trigger, status, start_date) VALUES
               (1, 'own_wish', 'closed', '2025-01-01'), (1, 'own_wish', 'running', '2026-01-01'),
               (3, 'own_wish', 'open', '2026-02-01'), (3, 'own_wish', 'refused', '2026-02-01');
             INSERT INTO consents (client_id, kind, given_on) VALUES (2, 'handover', '2026-01-01'), (2, 'handover', '2026-01-05');
             INSERT INTO consents (client_id, kind, given_on, revoked_on) VALUES (4, 'handover', '2026-01-03', '2026-02-01');
             INSERT INTO handovers (bundle_id, recipient_fingerprint, created_at) VALUES ('b-open', 'f', '2026-03-01');
             INSERT INTO handover_clients (bundle_id, client_uuid) VALUES ('b-open', '00000005-0000-4000-8000-000000000000');",
        )
        .unwrap();
        let mut all = Vec::new();
        db.for_each_client_summary(true, |c| {
            all.push(c);
            Ok::<_, DbError>(())
        })
        .unwrap();
        assert_eq!(all.len(), 6 + many as usize + 2);
        let order: Vec<&str> = all.iter().take(6).map(|c| c.bem_id.as_str()).collect();
        assert_eq!(order, ["A", "A ", "B", "C", "D", "E"]);
        assert!(all.windows(2).take(all.len() - 3).all(|w| w[0].bem_id < w[1].bem_id), "BEM-ID order across batches");
        let odd: Vec<&str> = all.iter().rev().take(2).map(|c| c.bem_id.as_str()).collect();
        assert_eq!(odd, ["\u{fffd}\0", "\u{fffd}A"], "text that is not UTF-8, then bytes, after every text");
        for c in all.iter().take(6) {
            assert_eq!(c, &find_client(conn, &c.uuid).unwrap());
        }
        assert_eq!(all[0].case_status.as_deref(), Some("refused"), "the later case of the same day: the higher id");
        assert_eq!(all[5].case_status.as_deref(), Some("running"));
        assert_eq!(all[3].consent_given.as_deref(), Some("2026-01-05"));
        assert_eq!(all[4].consent_revoked.as_deref(), Some("2026-02-01"));
        assert_eq!(all[2].handover_bundle.as_deref(), Some("b-open"));
        assert_eq!(db.clients_list(true).unwrap(), all);
        let here: Vec<_> = all.iter().filter(|c| c.handover_bundle.is_none()).cloned().collect();
        assert_eq!(db.clients_list(false).unwrap(), here);

        let mut unordered = Vec::new();
        db.for_each_client_summary_unordered(false, |c| {
            unordered.push(c);
            Ok::<_, DbError>(())
        })
        .unwrap();
        // The same clients: compared in the order of their ids.
        let mut here_by_id = here.clone();
        here_by_id.sort_by_key(|c| c.id);
        unordered.sort_by_key(|c| c.id);
        assert!(unordered == here_by_id, "the unordered pass hands other clients");

        for ordered in [true, false] {
            let mut calls = 0;
            let stop = |_| {
                calls += 1;
                if calls == LIST_BATCH + 2 { Err(DbError::UnknownClient { query: "stop".into() }) } else { Ok(()) }
            };
            let stopped = if ordered {
                db.for_each_client_summary(true, stop)
            } else {
                db.for_each_client_summary_unordered(true, stop)
            };
            assert!(matches!(stopped, Err(DbError::UnknownClient { query }) if query == "stop"));
            assert_eq!(calls, LIST_BATCH + 2);
        }
    }
}
