//! Records that must outlive a database restore, kept in append-only text
//! files beside the database: the import ledger (which bundles were
//! imported here) and the handover journal (which handovers were confirmed
//! or cancelled on this sender). They hold bundle ids, fingerprints, client
//! UUIDs and counts — never personal data.
//!
//! The database's own tables are the primary record, written inside the
//! import's transaction. The files are appended after each commit and
//! reconciled from the database before any restore, so a crash between
//! commit and append loses nothing that a restore could need.

use std::collections::BTreeMap;
use std::fs::OpenOptions;
use std::io::{self, Read, Seek, Write};
use std::path::Path;

use crate::InstallError;

/// Longest ledger or journal file read.
const MAX_FILE: u64 = 64 * 1024 * 1024;

/// The record lines of a file with their 1-based line numbers. Blank lines
/// and `#` comments are skipped. A last line without its newline is an
/// append that a crash cut short: it is not a record (the event it was to
/// record is re-derived from the database, which is written first), and the
/// next append starts a new line after it. Any other line must parse, or
/// the reader refuses the file (see spec/DESIGN.md, "Record files").
fn read_lines(path: &Path) -> Result<Vec<(usize, String)>, InstallError> {
    let mut file = match std::fs::File::open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(InstallError::io("reading", path, e)),
    };
    let mut bytes = Vec::new();
    (&mut file).take(MAX_FILE + 1).read_to_end(&mut bytes).map_err(|e| InstallError::io("reading", path, e))?;
    if bytes.len() as u64 > MAX_FILE {
        return Err(InstallError::RecordFile { path: path.to_path_buf(), line: 0, reason: "larger than 64 MiB" });
    }
    let complete = match bytes.iter().rposition(|&b| b == b'\n') {
        Some(at) => &bytes[..=at],
        None => &[][..],
    };
    let text = std::str::from_utf8(complete).map_err(|e| InstallError::RecordFile {
        path: path.to_path_buf(),
        line: complete[..e.valid_up_to()].iter().filter(|&&b| b == b'\n').count() + 1,
        reason: "not UTF-8 text",
    })?;
    Ok(text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty() && !l.starts_with('#'))
        .map(|(n, l)| (n + 1, l.to_owned()))
        .collect())
}

fn malformed(path: &Path, line: usize) -> InstallError {
    InstallError::RecordFile { path: path.to_path_buf(), line, reason: "not a record this version knows" }
}

fn append_line(path: &Path, line: &str) -> Result<(), InstallError> {
    let mut f = OpenOptions::new()
        .create(true)
        .read(true)
        .append(true)
        .open(path)
        .map_err(|e| InstallError::io("appending to", path, e))?;
    // A torn last line (see read_lines) must not swallow this record.
    let len = f.metadata().map_err(|e| InstallError::io("appending to", path, e))?.len();
    let mut text = String::with_capacity(line.len() + 2);
    if len > 0 {
        let mut last = [0u8; 1];
        f.seek(io::SeekFrom::Start(len - 1))
            .and_then(|_| f.read_exact(&mut last))
            .map_err(|e| InstallError::io("reading", path, e))?;
        if last[0] != b'\n' {
            text.push('\n');
        }
    }
    text.push_str(line);
    text.push('\n');
    f.write_all(text.as_bytes()).map_err(|e| InstallError::io("appending to", path, e))?;
    f.sync_all().map_err(|e| InstallError::io("syncing", path, e))
}

/// One imported bundle.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct LedgerEntry {
    /// Bundle id, hex.
    pub bundle_id: String,
    /// Import time, RFC 3339.
    pub imported_at: String,
    /// Sender's contact fingerprint.
    pub sender_fingerprint: String,
    /// Clients imported.
    pub clients: u64,
    /// Rows imported.
    pub rows: u64,
    /// The safety backup taken before.
    pub backup_name: String,
}

impl LedgerEntry {
    fn to_line(&self) -> String {
        format!(
            "imported {} {} {} clients={} rows={} backup={}",
            self.bundle_id, self.imported_at, self.sender_fingerprint, self.clients, self.rows, self.backup_name
        )
    }

    fn parse(line: &str) -> Option<Self> {
        let mut f = line.split_whitespace();
        if f.next()? != "imported" {
            return None;
        }
        let bundle_id = f.next()?.to_string();
        let imported_at = f.next()?.to_string();
        let sender_fingerprint = f.next()?.to_string();
        let clients = f.next()?.strip_prefix("clients=")?.parse().ok()?;
        let rows = f.next()?.strip_prefix("rows=")?.parse().ok()?;
        let backup_name = f.next()?.strip_prefix("backup=")?.to_string();
        Some(Self { bundle_id, imported_at, sender_fingerprint, clients, rows, backup_name })
    }
}

/// Entries of the ledger file, by bundle id.
pub fn read_ledger(path: &Path) -> Result<BTreeMap<String, LedgerEntry>, InstallError> {
    read_lines(path)?
        .iter()
        .map(|(n, l)| LedgerEntry::parse(l).map(|e| (e.bundle_id.clone(), e)).ok_or_else(|| malformed(path, *n)))
        .collect()
}

/// When this installation imported bundle `bundle_hex`, by its database
/// ledger or, after a restore of an older backup, by its ledger file.
pub fn imported_at(conn: &rusqlite::Connection, file: &Path, bundle_hex: &str) -> Result<Option<String>, InstallError> {
    let in_db: Option<String> = conn
        .query_row("SELECT imported_at FROM import_ledger WHERE bundle_id = ?1", [bundle_hex], |r| r.get(0))
        .map(Some)
        .or_else(|e| if e == rusqlite::Error::QueryReturnedNoRows { Ok(None) } else { Err(e) })?;
    match in_db {
        Some(at) => Ok(Some(at)),
        None => Ok(read_ledger(file)?.get(bundle_hex).map(|e| e.imported_at.clone())),
    }
}

/// Appends one entry to the ledger file.
pub fn append_ledger(path: &Path, entry: &LedgerEntry) -> Result<(), InstallError> {
    append_line(path, &entry.to_line())
}

/// Ledger rows of the database.
pub fn db_ledger(conn: &rusqlite::Connection) -> Result<Vec<LedgerEntry>, InstallError> {
    let mut stmt = conn.prepare(
        "SELECT bundle_id, imported_at, sender_fingerprint, clients, rows, coalesce(backup_name, '') FROM import_ledger ORDER BY imported_at",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok(LedgerEntry {
            bundle_id: r.get(0)?,
            imported_at: r.get(1)?,
            sender_fingerprint: r.get(2)?,
            clients: r.get::<_, i64>(3)? as u64,
            rows: r.get::<_, i64>(4)? as u64,
            backup_name: r.get(5)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Writes a ledger row into the database (inside the import's transaction).
pub fn insert_db_ledger(conn: &rusqlite::Connection, e: &LedgerEntry) -> Result<(), InstallError> {
    conn.execute(
        "INSERT INTO import_ledger (bundle_id, sender_fingerprint, imported_at, clients, rows, backup_name) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        rusqlite::params![e.bundle_id, e.sender_fingerprint, e.imported_at, e.clients as i64, e.rows as i64, e.backup_name],
    )?;
    Ok(())
}

/// Appends database ledger rows missing from the file (after a crash
/// between commit and append), and inserts file entries missing from the
/// database (after a restore of an older backup).
pub fn reconcile_ledger(conn: &rusqlite::Connection, path: &Path) -> Result<(), InstallError> {
    let file = read_ledger(path)?;
    let db = db_ledger(conn)?;
    for e in &db {
        if !file.contains_key(&e.bundle_id) {
            append_ledger(path, e)?;
        }
    }
    for (id, e) in &file {
        if !db.iter().any(|d| &d.bundle_id == id) {
            insert_db_ledger(conn, e)?;
        }
    }
    Ok(())
}

/// A handover event, as the journal keeps it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JournalEntry {
    /// The clients were exported and are handed over until confirmed or cancelled.
    Exported {
        /// Bundle id.
        bundle_id: String,
        /// The recipient contact's fingerprint.
        recipient_fingerprint: String,
        /// Export time, RFC 3339.
        created_at: String,
        /// The clients' UUIDs.
        clients: Vec<String>,
    },
    /// The receiver confirmed; the clients were purged here.
    Confirmed {
        /// Bundle id.
        bundle_id: String,
        /// The clients' UUIDs.
        clients: Vec<String>,
    },
    /// The sender took the clients back.
    Cancelled {
        /// Bundle id.
        bundle_id: String,
    },
}

/// Reads the handover journal.
pub fn read_journal(path: &Path) -> Result<Vec<JournalEntry>, InstallError> {
    read_lines(path)?.iter().map(|(n, l)| JournalEntry::parse(l).ok_or_else(|| malformed(path, *n))).collect()
}

fn uuid_list(field: Option<&str>) -> Vec<String> {
    field.unwrap_or_default().split(',').filter(|s| !s.is_empty()).map(str::to_owned).collect()
}

impl JournalEntry {
    fn parse(line: &str) -> Option<Self> {
        let mut f = line.split_whitespace();
        let entry = match (f.next()?, f.next()?) {
            ("exported", id) => JournalEntry::Exported {
                bundle_id: id.to_string(),
                recipient_fingerprint: f.next()?.to_string(),
                created_at: f.next()?.to_string(),
                clients: uuid_list(f.next()),
            },
            ("confirmed", id) => JournalEntry::Confirmed { bundle_id: id.to_string(), clients: uuid_list(f.next()) },
            ("cancelled", id) => JournalEntry::Cancelled { bundle_id: id.to_string() },
            _ => return None,
        };
        f.next().is_none().then_some(entry)
    }
}

/// Appends to the handover journal.
pub fn append_journal(path: &Path, entry: &JournalEntry) -> Result<(), InstallError> {
    let line = match entry {
        JournalEntry::Exported { bundle_id, recipient_fingerprint, created_at, clients } => {
            format!("exported {bundle_id} {recipient_fingerprint} {created_at} {}", clients.join(","))
        }
        JournalEntry::Confirmed { bundle_id, clients } => format!("confirmed {bundle_id} {}", clients.join(",")),
        JournalEntry::Cancelled { bundle_id } => format!("cancelled {bundle_id}"),
    };
    append_line(path, &line)
}

/// Appends to the journal every handover event the database knows and the
/// journal does not (an export or confirm whose journal line was lost to a
/// crash), so a restore can re-apply them.
pub fn reconcile_journal(conn: &rusqlite::Connection, path: &Path) -> Result<(), InstallError> {
    let journal = read_journal(path)?;
    let has = |kind: &str, id: &str| {
        journal.iter().any(|e| match (e, kind) {
            (JournalEntry::Exported { bundle_id, .. }, "exported") => bundle_id == id,
            (JournalEntry::Confirmed { bundle_id, .. }, "confirmed") => bundle_id == id,
            (JournalEntry::Cancelled { bundle_id }, "cancelled") => bundle_id == id,
            _ => false,
        })
    };
    let mut stmt =
        conn.prepare("SELECT bundle_id, recipient_fingerprint, created_at, state FROM handovers ORDER BY created_at")?;
    let rows = stmt
        .query_map([], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?, r.get::<_, String>(3)?))
        })?
        .collect::<Result<Vec<_>, _>>()?;
    let mut clients_of =
        conn.prepare("SELECT client_uuid FROM handover_clients WHERE bundle_id = ?1 ORDER BY client_uuid")?;
    for (bundle_id, fingerprint, created_at, state) in rows {
        let clients = clients_of.query_map([&bundle_id], |r| r.get(0))?.collect::<Result<Vec<String>, _>>()?;
        if !has("exported", &bundle_id) {
            let recipient_fingerprint = fingerprint.split_whitespace().collect::<String>();
            append_journal(
                path,
                &JournalEntry::Exported {
                    bundle_id: bundle_id.clone(),
                    recipient_fingerprint,
                    created_at,
                    clients: clients.clone(),
                },
            )?;
        }
        match state.as_str() {
            "confirmed" if !has("confirmed", &bundle_id) => {
                append_journal(path, &JournalEntry::Confirmed { bundle_id, clients })?;
            }
            "cancelled" if !has("cancelled", &bundle_id) => {
                append_journal(path, &JournalEntry::Cancelled { bundle_id })?;
            }
            _ => {}
        }
    }
    Ok(())
}

/// The import's bookkeeping inside its transaction: the ledger row with
/// the signed receipt (so `bemx receipt` can write it again after any
/// crash) and the audit entry. The ledger file is appended after the
/// commit ([`append_ledger`]) and reconciled from this row if that fails.
pub fn record_import(
    tx: &rusqlite::Transaction<'_>,
    entry: &LedgerEntry,
    receipt: &[u8],
    audit_detail: &str,
) -> Result<(), InstallError> {
    insert_db_ledger(tx, entry)?;
    tx.execute(
        "UPDATE import_ledger SET receipt = ?2 WHERE bundle_id = ?1",
        rusqlite::params![entry.bundle_id, receipt],
    )?;
    crate::audit::record(tx, &entry.imported_at, crate::audit::Event::Import, &entry.bundle_id, audit_detail)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ledger_line_round_trip() {
        let e = LedgerEntry {
            bundle_id: "ab".repeat(32),
            imported_at: "2026-11-28T02:39:39Z".into(),
            sender_fingerprint: "ABCD-EFGH".into(),
            clients: 3,
            rows: 120,
            backup_name: "SICHERHEITSBACKUP-20261128T023939Z-abababab".into(),
        };
        assert_eq!(LedgerEntry::parse(&e.to_line()), Some(e));
        assert_eq!(LedgerEntry::parse("imported x"), None);
    }

    #[test]
    fn journal_round_trip() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("j.log");
        let c = JournalEntry::Confirmed { bundle_id: "aa".into(), clients: vec!["u1".into(), "u2".into()] };
        let x = JournalEntry::Cancelled { bundle_id: "bb".into() };
        let e = JournalEntry::Exported {
            bundle_id: "cc".into(),
            recipient_fingerprint: "ABCD-EFGH".into(),
            created_at: "2026-11-28T02:39:39Z".into(),
            clients: vec!["u3".into()],
        };
        append_journal(&p, &e).unwrap();
        append_journal(&p, &c).unwrap();
        append_journal(&p, &x).unwrap();
        assert_eq!(read_journal(&p).unwrap(), vec![e, c, x]);
    }
}
