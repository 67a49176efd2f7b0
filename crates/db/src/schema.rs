//! Schema, migrations and the [`Database`] handle.

use std::path::{Path, PathBuf};

use rusqlite::{Connection, OpenFlags, OptionalExtension, params};
use sha2::{Digest, Sha256};

use crate::error::{DbError, Result};

/// Schema version this build writes and accepts (`PRAGMA user_version`).
pub const SCHEMA_VERSION: u32 = 1;

/// Migrations, index `i` upgrades from version `i` to `i + 1`.
///
/// Never edit a released entry: append a new one and bump
/// [`SCHEMA_VERSION`], otherwise installations on the same version would
/// disagree on [`schema_fingerprint`].
const MIGRATIONS: &[&str] = &[include_str!("schema.sql")];

/// Tables that stay on this PC: never exported, never reachable by
/// extraction, and (for the handover/import records) re-applied by the
/// importer after a restore.
pub const LOCAL_TABLES: &[&str] = &["meta", "audit_log", "handovers", "handover_clients", "import_ledger"];

/// Prefix of catalogue tables; their rows are matched by `code`.
pub const CATALOGUE_PREFIX: &str = "cat_";

/// Meta key the purge sets (inside its own transaction) so that the
/// read-only trigger lets handed-over clients be deleted.
pub(crate) const PURGING_KEY: &str = "purging";

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
}

/// An open bemx database.
#[derive(Debug)]
pub struct Database {
    conn: Connection,
    path: PathBuf,
    installation_id: String,
}

/// Settings applied to every connection bemx opens.
///
/// The rollback journal (not WAL) keeps the database one self-contained
/// file, so copying it is a valid backup; `synchronous=FULL` because a
/// handover must survive a pulled plug. Temp storage stays in memory so
/// no scratch data reaches the disk outside the database.
pub fn configure_connection(conn: &Connection) -> Result<()> {
    // Another program holding the database means "close it first", never
    // "wait and maybe fail halfway": refuse at once.
    conn.busy_timeout(std::time::Duration::ZERO)?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    // Purged clients must leave no trace: zero deleted content instead of
    // leaving it readable in free pages of the file.
    conn.pragma_update(None, "secure_delete", "ON")?;
    let _mode: String = conn.query_row("PRAGMA journal_mode=DELETE", [], |r| r.get(0))?;
    conn.pragma_update(None, "synchronous", "FULL")?;
    conn.pragma_update(None, "temp_store", "MEMORY")?;
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
        // Health data: the file is the user's alone. SQLite gives its
        // journal the database file's permissions.
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .mode(0o600)
                .open(&path)
                .map_err(|e| DbError::io("creating the database", e))?;
        }
        let mut conn = Connection::open_with_flags(
            &path,
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        configure_connection(&conn)?;
        migrate(&mut conn)?;
        let id = id.hyphenated().to_string();
        conn.execute("INSERT INTO meta (key, value) VALUES ('installation_id', ?1)", [&id])?;
        Ok(Database { conn, path, installation_id: id })
    }

    /// Opens an existing database; refuses any other schema version.
    pub fn open(path: impl AsRef<Path>) -> Result<Self> {
        Self::open_inner(path.as_ref(), false)
    }

    /// Opens an existing database and applies pending migrations.
    ///
    /// The caller should have made a backup first; newer databases are
    /// still refused.
    pub fn open_upgrading(path: impl AsRef<Path>) -> Result<Self> {
        Self::open_inner(path.as_ref(), true)
    }

    fn open_inner(path: &Path, upgrade: bool) -> Result<Self> {
        let path = path.to_path_buf();
        if !path.is_file() {
            return Err(DbError::NotFound { path });
        }
        let mut conn =
            Connection::open_with_flags(&path, OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX)?;
        configure_connection(&conn)?;
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
    pub fn clients_list(&self, include_handed_over: bool) -> Result<Vec<ClientSummary>> {
        let mut stmt = self.conn.prepare(&format!("{CLIENT_SUMMARY_SELECT} ORDER BY c.bem_id, c.id"))?;
        let rows = stmt.query_map([], client_summary_row)?;
        let mut out = Vec::new();
        for row in rows {
            let row = row?;
            if include_handed_over || row.handover_bundle.is_none() {
                out.push(row);
            }
        }
        Ok(out)
    }

    /// Finds a client by UUID (preferred) or BEM-ID.
    pub fn find_client(&self, query: &str) -> Result<ClientSummary> {
        // Cached: an export of thousands of clients looks each one up.
        let by_uuid = self
            .conn
            .prepare_cached(&format!("{CLIENT_SUMMARY_SELECT} WHERE c.uuid = lower(?1)"))?
            .query_row([query.trim()], client_summary_row)
            .optional()?;
        if let Some(c) = by_uuid {
            return Ok(c);
        }
        self.conn
            .prepare_cached(&format!("{CLIENT_SUMMARY_SELECT} WHERE c.bem_id = ?1"))?
            .query_row([query], client_summary_row)
            .optional()?
            .ok_or_else(|| DbError::UnknownClient { query: query.to_owned() })
    }
}

const CLIENT_SUMMARY_SELECT: &str = "SELECT c.id, c.uuid, c.bem_id,
    (SELECT b.status FROM bem_cases b WHERE b.client_id = c.id
      ORDER BY b.start_date DESC, b.id DESC LIMIT 1),
    (SELECT hc.bundle_id FROM handover_clients hc JOIN handovers h ON h.bundle_id = hc.bundle_id
      WHERE h.state = 'open' AND hc.client_uuid = c.uuid ORDER BY h.created_at LIMIT 1)
    FROM clients c";

fn client_summary_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<ClientSummary> {
    Ok(ClientSummary {
        id: r.get(0)?,
        uuid: r.get(1)?,
        bem_id: r.get(2)?,
        case_status: r.get(3)?,
        handover_bundle: r.get(4)?,
    })
}
