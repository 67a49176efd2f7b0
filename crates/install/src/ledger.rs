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
use std::io::{self, BufRead, BufReader, Read, Seek, Write};
use std::path::Path;

use crate::InstallError;

/// Longest record line read, its LF included. A line names the clients of
/// one bundle, at most `MAX_CLIENTS` (100,000) of them in at most 45
/// characters each (a UUID's longest spelling, `urn:uuid:…`) with a comma:
/// 4.6 MB and its head. Only a line is held at a time, never the file
/// (issue 18, item 5): a record file grows by one line per event, without
/// end, and a cap on the file would one day stop the installation.
pub(crate) const MAX_LINE: usize = 8 * 1024 * 1024;

/// Reads a record file line by line and hands each record line to `each`
/// with its 1-based line number (spec/DESIGN.md §4.1). Blank lines and `#`
/// comments are skipped. A last line without its newline is an append that
/// a crash cut short: it is not a record (the event it was to record is
/// re-derived from the database, which is written first), and the next
/// append starts a new line after it. Any other line must be UTF-8 and at
/// most [`MAX_LINE`] long, and `each` decides whether it parses; the first
/// line that fails stops the reading with its error.
pub(crate) fn for_each_record(
    path: &Path,
    mut each: impl FnMut(usize, &str) -> Result<(), InstallError>,
) -> Result<(), InstallError> {
    for_each_record_while(path, |n, line| each(n, line).map(|()| true))
}

/// [`for_each_record`], stopping where `each` returns `false`: for a
/// reader that has what it came for, in a file read whole before under the
/// same lock (the lines after are not checked).
pub(crate) fn for_each_record_while(
    path: &Path,
    mut each: impl FnMut(usize, &str) -> Result<bool, InstallError>,
) -> Result<(), InstallError> {
    let file = match std::fs::File::open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(InstallError::io(crate::IoAction::Reading, path, e)),
    };
    let fault = |line, reason| InstallError::RecordFile { path: path.to_path_buf(), line, reason };
    let io_err = |e| InstallError::io(crate::IoAction::Reading, path, e);
    let mut reader = BufReader::with_capacity(64 * 1024, file);
    // One buffer for every line, grown to the longest.
    let mut line = Vec::new();
    let mut number = 0;
    loop {
        line.clear();
        let read = (&mut reader).take(MAX_LINE as u64).read_until(b'\n', &mut line).map_err(io_err)?;
        if read == 0 {
            return Ok(());
        }
        number += 1;
        if line.last() != Some(&b'\n') {
            // Either the file ended inside this line (a torn append), or
            // the line is longer than the cap: whether an LF still ends it
            // tells which.
            if !skip_to_newline(&mut reader).map_err(io_err)? {
                return Ok(());
            }
            return Err(fault(number, crate::RecordFault::TooLong));
        }
        line.pop();
        if line.last() == Some(&b'\r') {
            line.pop();
        }
        let text = std::str::from_utf8(&line).map_err(|_| fault(number, crate::RecordFault::NotUtf8))?;
        if text.trim().is_empty() || text.starts_with('#') {
            continue;
        }
        if !each(number, text)? {
            return Ok(());
        }
    }
}

/// Reads past the rest of an overlong line: whether a newline ends it
/// (otherwise the file ended inside it).
fn skip_to_newline(reader: &mut impl BufRead) -> io::Result<bool> {
    loop {
        let buf = match reader.fill_buf() {
            Ok(buf) => buf,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if buf.is_empty() {
            return Ok(false);
        }
        if let Some(at) = buf.iter().position(|&b| b == b'\n') {
            reader.consume(at + 1);
            return Ok(true);
        }
        let n = buf.len();
        reader.consume(n);
    }
}

pub(crate) fn malformed(path: &Path, line: usize) -> InstallError {
    InstallError::RecordFile { path: path.to_path_buf(), line, reason: crate::RecordFault::Unknown }
}

pub(crate) fn append_line(path: &Path, mut line: String) -> Result<(), InstallError> {
    // F1: one write of the line with its LF. A caller that built the line
    // with room for the LF (`record_line`) gets it without a copy of a
    // line that names every client (3.7 MB at 100,000 clients).
    if !line.ends_with('\n') {
        line.push('\n');
    }
    let err = |e| InstallError::io(crate::IoAction::AppendingTo, path, e);
    let mut f = OpenOptions::new().create(true).read(true).write(true).truncate(false).open(path).map_err(err)?;
    let len = f.metadata().map_err(err)?.len();
    let mut end = len;
    if len > 0 {
        let mut last = [0u8; 1];
        f.seek(io::SeekFrom::Start(len - 1)).and_then(|_| f.read_exact(&mut last)).map_err(err)?;
        if last[0] != b'\n' {
            // A torn last line (see for_each_record) was never a record:
            // cut it off, so it cannot become a malformed line once this
            // one follows.
            end = after_last_newline(&mut f, len).map_err(err)?;
            f.set_len(end).map_err(err)?;
        }
    }
    f.seek(io::SeekFrom::Start(end)).map_err(err)?;
    f.write_all(line.as_bytes()).map_err(err)?;
    f.sync_all().map_err(|e| InstallError::io(crate::IoAction::Syncing, path, e))
}

/// Where the last complete line of a file of `len` bytes ends (0 if it has
/// none), found by reading backwards from the end in blocks: the file may
/// be of any size, and only its torn tail is cut.
fn after_last_newline(f: &mut std::fs::File, len: u64) -> io::Result<u64> {
    let mut block = vec![0u8; 64 * 1024];
    let mut end = len;
    while end > 0 {
        let start = end.saturating_sub(block.len() as u64);
        // At most the block's length: fits in usize.
        let chunk = &mut block[..(end - start) as usize];
        f.seek(io::SeekFrom::Start(start))?;
        f.read_exact(chunk)?;
        if let Some(at) = chunk.iter().rposition(|&b| b == b'\n') {
            return Ok(start + at as u64 + 1);
        }
        end = start;
    }
    Ok(0)
}

/// `head` followed by `list` joined by commas and the line's LF, built in
/// one allocation of the exact size: the list names every client of a
/// handover, and neither a joined copy nor a growing buffer is kept
/// beside it (issue 18, item 5).
pub(crate) fn record_line(head: String, list: &[String]) -> String {
    // The head, the items, a comma between each two, the LF.
    let len = head.len() + list.iter().map(String::len).sum::<usize>() + list.len().saturating_sub(1) + 1;
    let mut line = String::with_capacity(len);
    line.push_str(&head);
    for (i, item) in list.iter().enumerate() {
        if i > 0 {
            line.push(',');
        }
        line.push_str(item);
    }
    line.push('\n');
    line
}

/// One imported bundle.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct LedgerEntry {
    /// The verified sender's installation id, hex: with the bundle id, the key.
    pub sender_installation: String,
    /// Bundle id, hex.
    pub bundle_id: String,
    /// Import time, RFC 3339.
    pub imported_at: String,
    /// Sender's contact fingerprint.
    pub sender_fingerprint: String,
    /// UUIDs of the clients imported.
    pub client_uuids: Vec<String>,
    /// Rows imported.
    pub rows: u64,
    /// The safety backup taken before.
    pub backup_name: String,
}

/// A ledger key: (sender installation, bundle id), both hex. A bundle id is
/// its sender's nonce: keyed by it alone, a bundle of one trusted contact
/// could use up the id of another's.
pub type LedgerKey = (String, String);

impl LedgerEntry {
    fn key(&self) -> LedgerKey {
        (self.sender_installation.clone(), self.bundle_id.clone())
    }

    fn to_line(&self) -> String {
        record_line(
            format!(
                "imported {} {} {} sender={} rows={} backup={} clients=",
                self.bundle_id,
                self.imported_at,
                self.sender_fingerprint,
                self.sender_installation,
                self.rows,
                self.backup_name,
            ),
            &self.client_uuids,
        )
    }

    #[cfg(test)]
    fn parse(line: &str) -> Option<Self> {
        LedgerLine::parse(line).map(|l| l.to_entry())
    }
}

/// A ledger line as read, borrowing it: its client list stays text until
/// the entry is wanted whole (the reconciliations compare keys, and a line
/// may name 100,000 clients).
#[derive(Debug, Clone, Copy)]
struct LedgerLine<'a> {
    sender_installation: &'a str,
    bundle_id: &'a str,
    imported_at: &'a str,
    sender_fingerprint: &'a str,
    rows: u64,
    backup_name: &'a str,
    clients: &'a str,
}

impl<'a> LedgerLine<'a> {
    /// spec/DESIGN.md §4.2: every field with its `key=` prefix, nothing after.
    fn parse(line: &'a str) -> Option<Self> {
        let mut f = line.split_whitespace();
        if f.next()? != "imported" {
            return None;
        }
        let bundle_id = f.next()?;
        let imported_at = f.next()?;
        let sender_fingerprint = f.next()?;
        let sender_installation = f.next()?.strip_prefix("sender=")?;
        let rows = f.next()?.strip_prefix("rows=")?.parse().ok()?;
        let backup_name = f.next()?.strip_prefix("backup=")?;
        let clients = f.next()?.strip_prefix("clients=")?;
        let line =
            LedgerLine { sender_installation, bundle_id, imported_at, sender_fingerprint, rows, backup_name, clients };
        f.next().is_none().then_some(line)
    }

    fn key(&self) -> LedgerKey {
        (self.sender_installation.to_owned(), self.bundle_id.to_owned())
    }

    fn to_entry(self) -> LedgerEntry {
        LedgerEntry {
            sender_installation: self.sender_installation.to_owned(),
            bundle_id: self.bundle_id.to_owned(),
            imported_at: self.imported_at.to_owned(),
            sender_fingerprint: self.sender_fingerprint.to_owned(),
            client_uuids: uuid_list(self.clients),
            rows: self.rows,
            backup_name: self.backup_name.to_owned(),
        }
    }
}

/// Each line of the ledger file in file order, borrowed, with its number.
fn for_each_ledger_line(
    path: &Path,
    mut each: impl FnMut(usize, LedgerLine<'_>) -> Result<(), InstallError>,
) -> Result<(), InstallError> {
    for_each_record(path, |n, line| each(n, LedgerLine::parse(line).ok_or_else(|| malformed(path, n))?))
}

/// A comma-separated UUID list (possibly empty).
pub(crate) fn uuid_list(field: &str) -> Vec<String> {
    // Sized once: a list of 100,000 clients would otherwise grow by
    // doubling, for a while holding the old list beside the new.
    let mut list = Vec::with_capacity(field.split(',').filter(|s| !s.is_empty()).count());
    list.extend(field.split(',').filter(|s| !s.is_empty()).map(str::to_owned));
    list
}

/// Entries of the ledger file, by (sender, bundle id); of two lines with
/// one key the later. Every entry's client list is held: for tests and
/// callers that need the entries themselves.
pub fn read_ledger(path: &Path) -> Result<BTreeMap<LedgerKey, LedgerEntry>, InstallError> {
    let mut entries = BTreeMap::new();
    for_each_ledger_line(path, |_, line| {
        let e = line.to_entry();
        entries.insert(e.key(), e);
        Ok(())
    })?;
    Ok(entries)
}

/// When this installation imported bundle `bundle_hex` of `sender_hex`, by
/// its database ledger or, after a restore of an older backup, by its
/// ledger file.
pub fn imported_at(
    conn: &rusqlite::Connection,
    file: &Path,
    sender_hex: &str,
    bundle_hex: &str,
) -> Result<Option<String>, InstallError> {
    let in_db: Option<String> = conn
        .query_row(
            "SELECT imported_at FROM import_ledger WHERE sender_installation = ?1 AND bundle_id = ?2",
            [sender_hex, bundle_hex],
            |r| r.get(0),
        )
        .map(Some)
        .or_else(|e| if e == rusqlite::Error::QueryReturnedNoRows { Ok(None) } else { Err(e) })?;
    if in_db.is_some() {
        return Ok(in_db);
    }
    let mut at = None;
    for_each_ledger_line(file, |_, e| {
        if e.sender_installation == sender_hex && e.bundle_id == bundle_hex {
            at = Some(e.imported_at.to_owned());
        }
        Ok(())
    })?;
    Ok(at)
}

/// Appends one entry to the ledger file.
pub fn append_ledger(path: &Path, entry: &LedgerEntry) -> Result<(), InstallError> {
    append_line(path, entry.to_line())
}

/// The columns of a ledger row, as [`ledger_row`] reads them.
const LEDGER_COLUMNS: &str =
    "sender_installation, bundle_id, imported_at, sender_fingerprint, client_uuids, rows, coalesce(backup_name, '')";

fn ledger_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<LedgerEntry> {
    Ok(LedgerEntry {
        sender_installation: r.get(0)?,
        bundle_id: r.get(1)?,
        imported_at: r.get(2)?,
        sender_fingerprint: r.get(3)?,
        client_uuids: uuid_list(&r.get::<_, String>(4)?),
        rows: r.get::<_, i64>(5)? as u64,
        backup_name: r.get(6)?,
    })
}

/// Ledger rows of the database, oldest first.
pub fn db_ledger(conn: &rusqlite::Connection) -> Result<Vec<LedgerEntry>, InstallError> {
    let mut stmt = conn.prepare(&format!("SELECT {LEDGER_COLUMNS} FROM import_ledger ORDER BY imported_at, rowid"))?;
    let rows = stmt.query_map([], ledger_row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// The keys of the database's ledger rows, oldest first: what the
/// reconciliations compare, without every import's client list.
pub(crate) fn db_ledger_keys(conn: &rusqlite::Connection) -> Result<Vec<LedgerKey>, InstallError> {
    let mut stmt =
        conn.prepare("SELECT sender_installation, bundle_id FROM import_ledger ORDER BY imported_at, rowid")?;
    let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// One ledger row of the database, by its key.
pub(crate) fn db_ledger_entry(conn: &rusqlite::Connection, key: &LedgerKey) -> Result<LedgerEntry, InstallError> {
    Ok(conn.query_row(
        &format!("SELECT {LEDGER_COLUMNS} FROM import_ledger WHERE sender_installation = ?1 AND bundle_id = ?2"),
        [&key.0, &key.1],
        ledger_row,
    )?)
}

/// The safety backups either copy of the ledger names: those of imports
/// that committed, never abandoned. Read without the imports' client lists.
pub fn committed_backups(conn: &rusqlite::Connection, path: &Path) -> Result<Vec<String>, InstallError> {
    let mut stmt = conn.prepare("SELECT coalesce(backup_name, '') FROM import_ledger ORDER BY imported_at, rowid")?;
    let mut names = stmt.query_map([], |r| r.get(0))?.collect::<Result<Vec<String>, _>>()?;
    // Of two lines with one key (which bemx does not write) both names:
    // one backup kept too many rather than one deleted that is needed.
    for_each_ledger_line(path, |_, e| {
        names.push(e.backup_name.to_owned());
        Ok(())
    })?;
    Ok(names)
}

/// Writes a ledger row into the database (inside the import's transaction).
pub fn insert_db_ledger(conn: &rusqlite::Connection, e: &LedgerEntry) -> Result<(), InstallError> {
    conn.execute(
        "INSERT INTO import_ledger (sender_installation, bundle_id, sender_fingerprint, imported_at, clients, client_uuids, rows, backup_name)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        rusqlite::params![
            e.sender_installation,
            e.bundle_id,
            e.sender_fingerprint,
            e.imported_at,
            e.client_uuids.len() as i64,
            e.client_uuids.join(","),
            e.rows as i64,
            e.backup_name
        ],
    )?;
    Ok(())
}

/// Appends database ledger rows missing from the file (after a crash
/// between commit and append), and inserts file entries missing from the
/// database (after a restore of an older backup).
pub fn reconcile_ledger(conn: &rusqlite::Connection, path: &Path) -> Result<(), InstallError> {
    // Keys first, each with the line of its last entry (the one
    // `read_ledger` keeps); a whole entry is read only where a copy lacks
    // it (issue 18, item 5: the lists are every import's clients).
    let mut in_file: BTreeMap<LedgerKey, usize> = BTreeMap::new();
    for_each_ledger_line(path, |n, e| {
        in_file.insert(e.key(), n);
        Ok(())
    })?;
    let in_db = db_ledger_keys(conn)?;
    for key in &in_db {
        if in_file.remove(key).is_none() {
            append_ledger(path, &db_ledger_entry(conn, key)?)?;
        }
    }
    if in_file.is_empty() {
        return Ok(());
    }
    // In file order, the order the imports happened in (the rows are read
    // back by `imported_at`, then by this order).
    let wanted: std::collections::BTreeSet<usize> = in_file.into_values().collect();
    for_each_ledger_line(path, |n, e| if wanted.contains(&n) { insert_db_ledger(conn, &e.to_entry()) } else { Ok(()) })
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
        "UPDATE import_ledger SET receipt = ?3 WHERE sender_installation = ?1 AND bundle_id = ?2",
        rusqlite::params![entry.sender_installation, entry.bundle_id, receipt],
    )?;
    crate::audit::record(tx, &entry.imported_at, crate::audit::Event::Import, &entry.bundle_id, audit_detail)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ledger_line_round_trip() {
        let e = LedgerEntry {
            sender_installation: "11".repeat(16),
            bundle_id: "ab".repeat(32),
            imported_at: "2026-11-28T02:39:39Z".into(),
            sender_fingerprint: "ABCD-EFGH".into(),
            client_uuids: vec!["u1".into(), "u2".into()],
            rows: 120,
            backup_name: "SICHERHEITSBACKUP-20261128T023939Z-abababab".into(),
        };
        assert_eq!(LedgerEntry::parse(&e.to_line()), Some(e.clone()));
        assert_eq!(LedgerEntry::parse("imported x"), None);
        assert_eq!(LedgerEntry::parse(&format!("{} extra", e.to_line())), None, "trailing fields are refused");
    }

    fn entry(sender: &str, bundle: &str, at: &str) -> LedgerEntry {
        LedgerEntry {
            sender_installation: sender.repeat(16),
            bundle_id: bundle.repeat(32),
            imported_at: at.into(),
            sender_fingerprint: "ABCD-EFGH".into(),
            client_uuids: vec!["u1".into()],
            rows: 1,
            backup_name: "b".into(),
        }
    }

    /// A bundle id is its sender's nonce: the ledger keeps one entry per
    /// (sender, bundle id), so two senders' equal ids never share one.
    #[test]
    fn the_ledger_is_keyed_by_sender_and_bundle_id() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("l.log");
        append_ledger(&p, &entry("11", "ab", "2026-01-01T00:00:00Z")).unwrap();
        append_ledger(&p, &entry("22", "ab", "2026-02-02T00:00:00Z")).unwrap();
        let ledger = read_ledger(&p).unwrap();
        assert_eq!(ledger.len(), 2);
        let at = |sender: &str| ledger.get(&(sender.repeat(16), "ab".repeat(32))).map(|e| e.imported_at.as_str());
        assert_eq!(at("11"), Some("2026-01-01T00:00:00Z"));
        assert_eq!(at("22"), Some("2026-02-02T00:00:00Z"));
    }

    /// A fresh database with the ledger table, in a temporary folder.
    fn db() -> (tempfile::TempDir, rusqlite::Connection) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("bemx.sqlite");
        drop(bemx_db::Database::create(&path, "6f1c2b3a-0000-4000-8000-000000000001").unwrap());
        let conn = rusqlite::Connection::open(&path).unwrap();
        (dir, conn)
    }

    /// When a bundle was imported is read from the database's ledger, or,
    /// after a restore of an older database, from the ledger file; a bundle
    /// of another sender with the same id, or one never imported, was not.
    #[test]
    fn an_import_is_found_in_the_database_or_else_in_the_file() {
        let (dir, conn) = db();
        let file = dir.path().join("import-ledger.log");
        insert_db_ledger(&conn, &entry("11", "ab", "2026-01-01T00:00:00Z")).unwrap();
        append_ledger(&file, &entry("22", "cd", "2026-02-02T00:00:00Z")).unwrap();
        let at =
            |sender: &str, bundle: &str| imported_at(&conn, &file, &sender.repeat(16), &bundle.repeat(32)).unwrap();
        assert_eq!(at("11", "ab").as_deref(), Some("2026-01-01T00:00:00Z"));
        assert_eq!(at("22", "cd").as_deref(), Some("2026-02-02T00:00:00Z"));
        assert_eq!(at("22", "ab"), None);
        assert_eq!(at("11", "ef"), None);
    }

    /// The ledger's two copies agree after reconciling: a row the file
    /// lacks (a crash after the commit) is appended, an entry the database
    /// lacks (a restore) is inserted, each once however often it runs.
    #[test]
    fn the_ledger_file_and_table_are_reconciled_both_ways_once() {
        let (dir, conn) = db();
        let file = dir.path().join("import-ledger.log");
        let in_db = entry("11", "ab", "2026-01-01T00:00:00Z");
        let in_file = entry("22", "cd", "2026-02-02T00:00:00Z");
        insert_db_ledger(&conn, &in_db).unwrap();
        append_ledger(&file, &in_file).unwrap();
        for _ in 0..2 {
            reconcile_ledger(&conn, &file).unwrap();
            assert_eq!(db_ledger(&conn).unwrap(), [in_db.clone(), in_file.clone()]);
            let from_file: Vec<LedgerEntry> = read_ledger(&file).unwrap().into_values().collect();
            assert_eq!(from_file, [in_db.clone(), in_file.clone()]);
            assert_eq!(records(&file).len(), 2);
        }
    }

    /// The backups an import must keep are those either copy of the ledger
    /// names, read from each without its client lists.
    #[test]
    fn the_committed_backups_are_named_by_either_copy() {
        let (dir, conn) = db();
        let file = dir.path().join("import-ledger.log");
        let named = |sender: &str, bundle: &str, backup: &str| LedgerEntry {
            backup_name: backup.into(),
            ..entry(sender, bundle, "2026-01-01T00:00:00Z")
        };
        insert_db_ledger(&conn, &named("11", "ab", "SICHERHEITSBACKUP-db")).unwrap();
        append_ledger(&file, &named("22", "cd", "SICHERHEITSBACKUP-file")).unwrap();
        assert_eq!(committed_backups(&conn, &file).unwrap(), ["SICHERHEITSBACKUP-db", "SICHERHEITSBACKUP-file"]);
    }

    /// An import's bookkeeping in its transaction: the ledger row, the
    /// signed receipt kept with it, and the audit entry.
    #[test]
    fn an_import_records_its_ledger_row_receipt_and_audit_entry() {
        let (_dir, mut conn) = db();
        let e = entry("11", "ab", "2026-01-01T00:00:00Z");
        let tx = conn.transaction().unwrap();
        record_import(&tx, &e, b"signed receipt", "clients=1").unwrap();
        tx.commit().unwrap();
        assert_eq!(db_ledger(&conn).unwrap(), std::slice::from_ref(&e));
        let receipt: Vec<u8> = conn.query_row("SELECT receipt FROM import_ledger", [], |r| r.get(0)).unwrap();
        assert_eq!(receipt, b"signed receipt");
        let audit: (String, String, String) = conn
            .query_row("SELECT event, bundle_id, detail FROM audit_log", [], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .unwrap();
        assert_eq!(audit, ("import".to_owned(), e.bundle_id.clone(), "clients=1".to_owned()));
    }

    /// A missing record file holds no records; one that cannot be opened
    /// for another reason is an error, never an empty record.
    #[test]
    fn only_a_missing_record_file_reads_as_empty() {
        let dir = tempfile::tempdir().unwrap();
        assert!(records(&dir.path().join("missing.log")).is_empty());
        // Windows reports a file used as a folder as not found: only unix
        // can show the other failure this way.
        #[cfg(unix)]
        {
            let file = dir.path().join("file");
            std::fs::write(&file, b"x").unwrap();
            let e = for_each_record(&file.join("l.log"), |_, _| Ok(())).unwrap_err();
            assert!(matches!(e, InstallError::Io { .. }), "{e:?}");
        }
    }

    /// The record lines of a file with their numbers, as the reader hands them out.
    fn records(path: &Path) -> Vec<(usize, String)> {
        let mut lines = Vec::new();
        for_each_record(path, |n, l| {
            lines.push((n, l.to_owned()));
            Ok(())
        })
        .unwrap();
        lines
    }

    /// A record file may grow without end (it was once refused above
    /// 64 MiB, which ten handovers of 100,000 clients reach): only a line
    /// is held, and a line of `MAX_LINE` bytes with its LF is read, one
    /// byte more is refused by its number. An overlong last line without
    /// its LF is a torn append like any other.
    #[test]
    fn a_record_file_has_no_size_limit_and_a_line_has_one() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("l.log");
        let mut line = vec![b'#'; MAX_LINE];
        line[MAX_LINE - 1] = b'\n';
        let mut bytes = Vec::new();
        for _ in 0..9 {
            bytes.extend_from_slice(&line);
        }
        bytes.extend_from_slice(b"imported x\r\n");
        std::fs::write(&p, &bytes).unwrap();
        assert!(bytes.len() > 64 << 20);
        assert_eq!(records(&p), [(10, "imported x".to_owned())], "CR LF ends a line as LF does");
        let mut long = vec![b'#'; MAX_LINE];
        long.push(b'\n');
        let overlong = |before: &[u8], after: &[u8]| {
            std::fs::write(&p, [before, &long, after].concat()).unwrap();
            let mut seen = Vec::new();
            let result = for_each_record(&p, |n, _| {
                seen.push(n);
                Ok(())
            });
            (result, seen)
        };
        match overlong(b"# one\nimported\n", b"imported x\n") {
            (Err(InstallError::RecordFile { line: 3, reason: crate::RecordFault::TooLong, .. }), seen) => {
                assert_eq!(seen, [2]);
            }
            other => panic!("{other:?}"),
        }
        // Without its LF, at the end: torn, not too long, however long.
        for tail in [MAX_LINE, MAX_LINE + 1, MAX_LINE + 70_000] {
            std::fs::write(&p, [&b"imported\n"[..], &vec![b'#'; tail]].concat()).unwrap();
            assert_eq!(records(&p), [(1, "imported".to_owned())], "a torn tail of {tail} bytes");
        }
        std::fs::write(&p, [&b"imported\n"[..], &long[..MAX_LINE - 1], b"\n"].concat()).unwrap();
        assert_eq!(records(&p).len(), 1, "a comment of MAX_LINE bytes with its LF is read and skipped");
    }

    /// bemx never writes a line it would refuse to read: the longest lines
    /// it writes name a bundle's every client, at most `MAX_CLIENTS`, each
    /// in the longest spelling a UUID parses from (`urn:uuid:…`, which a
    /// host database may store), after the longest head (a ledger line's).
    #[test]
    fn the_longest_line_bemx_writes_is_read() {
        let urn = "urn:uuid:0b1e2d3c-4a5b-4c6d-8e7f-901234567890";
        assert!(uuid::Uuid::parse_str(urn).is_ok());
        let clients = vec![urn.to_owned(); bemx_format::MAX_CLIENTS];
        let longest = LedgerEntry {
            sender_installation: "11".repeat(16),
            bundle_id: "ab".repeat(32),
            imported_at: "2026-11-28T02:39:39Z".into(),
            sender_fingerprint: "ABCD-EFGH-IJKL-MNOP-QRST-UVWX-YZ23-4567".into(),
            client_uuids: clients,
            rows: u64::MAX,
            backup_name: "SICHERHEITSBACKUP-20261128T023939Z-abababab".into(),
        }
        .to_line();
        assert!(longest.len() < MAX_LINE, "{} bytes", longest.len());
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("l.log");
        append_line(&p, longest).unwrap();
        assert_eq!(read_ledger(&p).unwrap().into_values().next().unwrap().client_uuids.len(), bemx_format::MAX_CLIENTS);
    }

    /// Reading past an overlong line goes on through interrupted reads
    /// and stops just after its LF, or at the end of the file.
    #[test]
    fn the_rest_of_an_overlong_line_is_skipped_through_interruptions() {
        /// Hands out its bytes a few at a time, each read interrupted first.
        struct Stuttering<'a> {
            bytes: &'a [u8],
            interrupt: bool,
        }
        impl Read for Stuttering<'_> {
            fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
                self.interrupt = !self.interrupt;
                if self.interrupt {
                    return Err(io::ErrorKind::Interrupted.into());
                }
                let n = buf.len().min(self.bytes.len()).min(3);
                buf[..n].copy_from_slice(&self.bytes[..n]);
                self.bytes = &self.bytes[n..];
                Ok(n)
            }
        }
        let mut r = BufReader::with_capacity(4, Stuttering { bytes: b"#######\nnext\n", interrupt: false });
        assert!(skip_to_newline(&mut r).unwrap());
        let mut rest = String::new();
        r.read_to_string(&mut rest).unwrap();
        assert_eq!(rest, "next\n");
        let mut r = BufReader::with_capacity(4, Stuttering { bytes: b"########", interrupt: false });
        assert!(!skip_to_newline(&mut r).unwrap());
        /// Fails for good.
        struct Broken;
        impl Read for Broken {
            fn read(&mut self, _: &mut [u8]) -> io::Result<usize> {
                Err(io::ErrorKind::PermissionDenied.into())
            }
        }
        let e = skip_to_newline(&mut BufReader::new(Broken)).unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::PermissionDenied);
    }

    /// A torn tail is cut back to the last LF wherever it is, however far
    /// from the end, and a file without any LF is cut to nothing.
    #[test]
    fn an_append_cuts_a_torn_tail_of_any_length() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("l.log");
        let kept: Vec<u8> = (0..5000).flat_map(|i| format!("# line {i}\n").into_bytes()).collect();
        for torn in [1, 65_535, 65_536, 65_537, 200_000] {
            std::fs::write(&p, [&kept[..], &vec![b'x'; torn]].concat()).unwrap();
            append_line(&p, "# next".into()).unwrap();
            assert_eq!(std::fs::read(&p).unwrap(), [&kept[..], b"# next\n"].concat(), "torn {torn}");
            std::fs::write(&p, vec![b'x'; torn]).unwrap();
            append_line(&p, "# next".into()).unwrap();
            assert_eq!(std::fs::read(&p).unwrap(), b"# next\n", "torn {torn}, no LF at all");
        }
    }

    /// A line that is not UTF-8 is named by its number, counting from 1.
    #[test]
    fn a_line_that_is_not_utf8_is_named_by_its_number() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("l.log");
        std::fs::write(&p, b"# one\n# two\n# thr\xffee\n").unwrap();
        match for_each_record(&p, |_, _| Ok(())) {
            Err(InstallError::RecordFile { line: 3, reason: crate::RecordFault::NotUtf8, .. }) => {}
            other => panic!("{other:?}"),
        }
    }

    /// A record line is its head, the list joined by commas and its LF, in
    /// one allocation of exactly its size; appended, it is one line.
    #[test]
    fn a_record_line_is_built_to_its_exact_size_and_appended_whole() {
        let list: Vec<String> = ["a1", "b22", "c333"].iter().map(|s| s.to_string()).collect();
        for (items, want) in [(&list[..], "head a1,b22,c333\n"), (&list[..1], "head a1\n"), (&[][..], "head \n")] {
            let line = record_line("head ".into(), items);
            assert_eq!(line, want);
            assert_eq!(line.capacity(), line.len(), "{want:?}");
        }
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("r.log");
        append_line(&p, record_line("first ".into(), &list)).unwrap();
        append_line(&p, "second, without its LF".into()).unwrap();
        assert_eq!(std::fs::read_to_string(&p).unwrap(), "first a1,b22,c333\nsecond, without its LF\n");
    }

    #[test]
    fn a_malformed_line_is_refused_and_a_torn_last_line_is_not_a_record() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("l.log");
        std::fs::write(&p, "# comment\nnonsense\n").unwrap();
        assert!(matches!(read_ledger(&p), Err(InstallError::RecordFile { line: 2, .. })));
        std::fs::write(&p, "imported ab 2026").unwrap();
        assert!(read_ledger(&p).unwrap().is_empty(), "a torn append is no record");
        std::fs::write(&p, "# kept\nimported ab 2026").unwrap();
        append_line(&p, "# next".into()).unwrap();
        assert_eq!(std::fs::read_to_string(&p).unwrap(), "# kept\n# next\n", "the torn line is cut off");
    }
}
