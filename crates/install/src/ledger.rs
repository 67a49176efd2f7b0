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
pub(crate) fn read_lines(path: &Path) -> Result<Vec<(usize, String)>, InstallError> {
    let mut file = match std::fs::File::open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(InstallError::io(crate::IoAction::Reading, path, e)),
    };
    let mut bytes = Vec::new();
    (&mut file)
        .take(MAX_FILE + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| InstallError::io(crate::IoAction::Reading, path, e))?;
    if bytes.len() as u64 > MAX_FILE {
        return Err(InstallError::RecordFile {
            path: path.to_path_buf(),
            line: 0,
            reason: crate::RecordFault::TooLarge,
        });
    }
    let complete = match bytes.iter().rposition(|&b| b == b'\n') {
        Some(at) => &bytes[..=at],
        None => &[][..],
    };
    let text = std::str::from_utf8(complete).map_err(|e| InstallError::RecordFile {
        path: path.to_path_buf(),
        line: complete[..e.valid_up_to()].iter().filter(|&&b| b == b'\n').count() + 1,
        reason: crate::RecordFault::NotUtf8,
    })?;
    Ok(text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty() && !l.starts_with('#'))
        .map(|(n, l)| (n + 1, l.to_owned()))
        .collect())
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
            // A torn last line (see read_lines) was never a record: cut it
            // off, so it cannot become a malformed line once this one follows.
            let mut bytes = Vec::new();
            f.rewind().and_then(|()| (&mut f).take(MAX_FILE).read_to_end(&mut bytes)).map_err(err)?;
            end = bytes.iter().rposition(|&b| b == b'\n').map_or(0, |at| at as u64 + 1);
            f.set_len(end).map_err(err)?;
        }
    }
    f.seek(io::SeekFrom::Start(end)).map_err(err)?;
    f.write_all(line.as_bytes()).map_err(err)?;
    f.sync_all().map_err(|e| InstallError::io(crate::IoAction::Syncing, path, e))
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

    fn parse(line: &str) -> Option<Self> {
        let mut f = line.split_whitespace();
        if f.next()? != "imported" {
            return None;
        }
        let bundle_id = f.next()?.to_string();
        let imported_at = f.next()?.to_string();
        let sender_fingerprint = f.next()?.to_string();
        let sender_installation = f.next()?.strip_prefix("sender=")?.to_string();
        let rows = f.next()?.strip_prefix("rows=")?.parse().ok()?;
        let backup_name = f.next()?.strip_prefix("backup=")?.to_string();
        let client_uuids = uuid_list(Some(f.next()?.strip_prefix("clients=")?));
        let entry =
            Self { sender_installation, bundle_id, imported_at, sender_fingerprint, client_uuids, rows, backup_name };
        f.next().is_none().then_some(entry)
    }
}

/// A comma-separated UUID list (possibly empty).
pub(crate) fn uuid_list(field: Option<&str>) -> Vec<String> {
    let field = field.unwrap_or_default();
    // Sized once: a list of 100,000 clients would otherwise grow by
    // doubling, for a while holding the old list beside the new.
    let mut list = Vec::with_capacity(field.split(',').filter(|s| !s.is_empty()).count());
    list.extend(field.split(',').filter(|s| !s.is_empty()).map(str::to_owned));
    list
}

/// Entries of the ledger file, by (sender, bundle id).
pub fn read_ledger(path: &Path) -> Result<BTreeMap<LedgerKey, LedgerEntry>, InstallError> {
    read_lines(path)?
        .iter()
        .map(|(n, l)| LedgerEntry::parse(l).map(|e| (e.key(), e)).ok_or_else(|| malformed(path, *n)))
        .collect()
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
    match in_db {
        Some(at) => Ok(Some(at)),
        None => {
            Ok(read_ledger(file)?.get(&(sender_hex.to_string(), bundle_hex.to_string())).map(|e| e.imported_at.clone()))
        }
    }
}

/// Appends one entry to the ledger file.
pub fn append_ledger(path: &Path, entry: &LedgerEntry) -> Result<(), InstallError> {
    append_line(path, entry.to_line())
}

/// Ledger rows of the database, oldest first.
pub fn db_ledger(conn: &rusqlite::Connection) -> Result<Vec<LedgerEntry>, InstallError> {
    let mut stmt = conn.prepare(
        "SELECT sender_installation, bundle_id, imported_at, sender_fingerprint, client_uuids, rows, coalesce(backup_name, '')
         FROM import_ledger ORDER BY imported_at, rowid",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok(LedgerEntry {
            sender_installation: r.get(0)?,
            bundle_id: r.get(1)?,
            imported_at: r.get(2)?,
            sender_fingerprint: r.get(3)?,
            client_uuids: uuid_list(Some(&r.get::<_, String>(4)?)),
            rows: r.get::<_, i64>(5)? as u64,
            backup_name: r.get(6)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
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
    let file = read_ledger(path)?;
    let db = db_ledger(conn)?;
    for e in &db {
        if !file.contains_key(&e.key()) {
            append_ledger(path, e)?;
        }
    }
    for (key, e) in &file {
        if !db.iter().any(|d| &d.key() == key) {
            insert_db_ledger(conn, e)?;
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
            assert_eq!(read_lines(&file).unwrap().len(), 2);
        }
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
        assert!(read_lines(&dir.path().join("missing.log")).unwrap().is_empty());
        // Windows reports a file used as a folder as not found: only unix
        // can show the other failure this way.
        #[cfg(unix)]
        {
            let file = dir.path().join("file");
            std::fs::write(&file, b"x").unwrap();
            let e = read_lines(&file.join("l.log")).unwrap_err();
            assert!(matches!(e, InstallError::Io { .. }), "{e:?}");
        }
    }

    /// Record files are read up to 64 MiB: a file of exactly 67,108,864
    /// bytes is read, one byte more is refused as too large (line 0).
    #[test]
    fn a_record_file_of_64_mib_is_read_and_one_byte_more_is_not() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("l.log");
        let mut bytes = vec![b'#'; 67_108_864];
        bytes[67_108_863] = b'\n';
        std::fs::write(&p, &bytes).unwrap();
        assert!(read_lines(&p).unwrap().is_empty());
        bytes.push(b'\n');
        std::fs::write(&p, &bytes).unwrap();
        match read_lines(&p) {
            Err(InstallError::RecordFile { line: 0, reason: crate::RecordFault::TooLarge, .. }) => {}
            other => panic!("{other:?}"),
        }
    }

    /// A line that is not UTF-8 is named by its number, counting from 1.
    #[test]
    fn a_line_that_is_not_utf8_is_named_by_its_number() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("l.log");
        std::fs::write(&p, b"# one\n# two\n# thr\xffee\n").unwrap();
        match read_lines(&p) {
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
