//! Exclusive access to an installation: a lock file for bemx processes
//! (the handover procedure's "no other program window may be open"), and a
//! busy timeout of zero so that a SQLite lock held by any other program
//! makes bemx refuse at once instead of waiting or failing halfway.

use std::fs::{File, OpenOptions};
use std::path::Path;

use crate::InstallError;
use rusqlite::OptionalExtension as _;

/// Held while a command works on an installation; released on drop.
#[derive(Debug)]
pub struct InstallLock {
    _file: File,
}

impl InstallLock {
    /// Takes the lock or refuses at once.
    pub fn acquire(lock_path: &Path) -> Result<Self, InstallError> {
        let file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(lock_path)
            .map_err(|e| InstallError::io(crate::IoAction::OpeningLockFile, lock_path, e))?;
        match file.try_lock() {
            Ok(()) => Ok(Self { _file: file }),
            Err(std::fs::TryLockError::WouldBlock) => Err(InstallError::Busy),
            Err(std::fs::TryLockError::Error(e)) => Err(InstallError::io(crate::IoAction::Locking, lock_path, e)),
        }
    }
}

/// Makes a connection refuse immediately when another program holds the database.
pub fn no_waiting(conn: &rusqlite::Connection) -> Result<(), InstallError> {
    conn.busy_timeout(std::time::Duration::ZERO)?;
    Ok(())
}

/// Starts the exclusive transaction every writing command runs in; a
/// database held by another program is refused with [`InstallError::Busy`]
/// (the one mapping of SQLite's busy codes is `bemx_db::DbError`'s).
pub fn begin_exclusive(conn: &mut rusqlite::Connection) -> Result<rusqlite::Transaction<'_>, InstallError> {
    no_waiting(conn)?;
    let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Exclusive)?;
    bemx_db::check_in_transaction(&tx)?;
    Ok(tx)
}

/// Starts a transaction that purges (DESIGN.md P1). It writes the database
/// the clients live in and nothing else, and starts deferred: an exclusive
/// or immediate start would open a write on every attached file, and where
/// bemx's records are attached beside a host database (§17.6) two files in
/// one commit take SQLite's super-journal, which truncates the host's
/// journal at commit — handing the purged clients' original pages back to
/// the file system before [`bemx_db::scrub_journal`] could overwrite them.
/// Read, the records take no part in the commit. Its reads hold the
/// database against other writers until it ends; a write another program
/// keeps it from is refused at once, before anything changed.
pub fn begin_for_purge(conn: &mut rusqlite::Connection) -> Result<rusqlite::Transaction<'_>, InstallError> {
    no_waiting(conn)?;
    let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Deferred)?;
    // The write lock on `main` alone, at once, as the exclusive start took
    // it: a DELETE opens a write on its table's database even when it
    // matches no row (and fires no trigger). An ordinary table: a virtual
    // one may need a module this SQLite lacks.
    let table: Option<String> = tx
        .query_row(
            "SELECT name FROM pragma_table_list WHERE schema = 'main' AND type = 'table'
             AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name LIMIT 1",
            [],
            |r| r.get(0),
        )
        .optional()?;
    if let Some(table) = table {
        tx.execute(&format!("DELETE FROM main.{} WHERE 0", bemx_db::quote_identifier(&table)), [])?;
    }
    bemx_db::check_in_transaction(&tx)?;
    Ok(tx)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A database another program holds is refused at once with
    /// [`InstallError::Busy`], whatever busy timeout the connection came
    /// with: bemx never waits for the other program.
    #[test]
    fn a_database_held_by_another_program_is_refused_at_once() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("db.sqlite");
        let other = rusqlite::Connection::open(&path).unwrap();
        other.execute_batch("CREATE TABLE t (x); BEGIN EXCLUSIVE; INSERT INTO t VALUES (1);").unwrap();
        let mut conn = rusqlite::Connection::open(&path).unwrap();
        let waits = std::time::Duration::from_secs(5);
        conn.busy_timeout(waits).unwrap();

        let asked = std::time::Instant::now();
        match begin_exclusive(&mut conn) {
            Err(InstallError::Busy) => {}
            other => panic!("{other:?}"),
        }
        let took = asked.elapsed();
        assert!(took < waits / 2, "refused only after {took:?}");
        // The other program's transaction is untouched; once it is done,
        // the database is ours.
        other.execute_batch("COMMIT").unwrap();
        let tx = begin_exclusive(&mut conn).unwrap();
        assert_eq!(tx.query_row("SELECT count(*) FROM t", [], |r| r.get::<_, i64>(0)).unwrap(), 1);
    }

    /// A database of a few pages at `<dir>/<name>`, with a second file
    /// attached as bemx's records are beside a host database, both keeping
    /// their journals (PERSIST) as a purge does.
    fn two_files(dir: &Path) -> rusqlite::Connection {
        let conn = rusqlite::Connection::open(dir.join("host.sqlite")).unwrap();
        conn.execute_batch(
            "CREATE TABLE t (x); WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 200)
             INSERT INTO t SELECT randomblob(100) FROM n;",
        )
        .unwrap();
        let records = dir.join("records.sqlite");
        conn.execute("ATTACH DATABASE ?1 AS bemx_records", [records.to_str().unwrap()]).unwrap();
        conn.execute_batch("CREATE TABLE bemx_records.r (x); INSERT INTO bemx_records.r VALUES (1);").unwrap();
        let _mode: String = conn.query_row("PRAGMA journal_mode=PERSIST", [], |r| r.get(0)).unwrap();
        conn
    }

    fn journal_len(dir: &Path) -> u64 {
        std::fs::metadata(dir.join("host.sqlite-journal")).map(|m| m.len()).unwrap_or(0)
    }

    /// P1: a purge that only reads the attached records commits the host
    /// alone, and its kept journal still holds the pages for the scrub to
    /// overwrite. Why: the same purge in an exclusive transaction (a write
    /// on both files) commits through the super-journal, which truncates it.
    #[test]
    fn a_purge_commits_its_database_alone_and_keeps_the_journal_for_the_scrub() {
        let dir = tempfile::tempdir().unwrap();
        let mut conn = two_files(dir.path());
        let tx = begin_for_purge(&mut conn).unwrap();
        let _records: i64 = tx.query_row("SELECT count(*) FROM r", [], |r| r.get(0)).unwrap();
        tx.execute("DELETE FROM t WHERE rowid % 2 = 0", []).unwrap();
        tx.commit().unwrap();
        assert!(journal_len(dir.path()) > 4096, "the kept journal was truncated");

        let dir = tempfile::tempdir().unwrap();
        let mut conn = two_files(dir.path());
        let tx = begin_exclusive(&mut conn).unwrap();
        tx.execute("DELETE FROM t WHERE rowid % 2 = 0", []).unwrap();
        tx.commit().unwrap();
        assert_eq!(journal_len(dir.path()), 0, "SQLite no longer truncates a super-journal's child");
    }

    /// A host program that switches its database to WAL while bemx waits
    /// between two transactions takes bemx's connection along: both ways
    /// of beginning refuse it as busy, before anything is written.
    #[test]
    fn a_database_switched_to_wal_since_the_open_is_refused_at_the_next_begin() {
        let dir = tempfile::tempdir().unwrap();
        let mut conn = two_files(dir.path());
        let _mode: String = conn.query_row("PRAGMA journal_mode=DELETE", [], |r| r.get(0)).unwrap();
        let host = rusqlite::Connection::open(dir.path().join("host.sqlite")).unwrap();
        let mode: String = host.query_row("PRAGMA journal_mode=WAL", [], |r| r.get(0)).unwrap();
        assert_eq!(mode, "wal");
        assert!(matches!(begin_exclusive(&mut conn), Err(InstallError::Busy)));
        assert!(matches!(begin_for_purge(&mut conn), Err(InstallError::Busy)));
    }

    /// The write lock is taken through an ordinary table: a virtual table
    /// whose module this SQLite lacks, sorting first, would fail the DELETE.
    #[test]
    fn a_purge_takes_its_lock_past_a_virtual_table_of_an_unknown_module() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("host.sqlite");
        let conn = rusqlite::Connection::open(&path).unwrap();
        conn.execute_batch(
            "CREATE TABLE zzz (x); PRAGMA writable_schema = ON;
             INSERT INTO sqlite_master (type, name, tbl_name, rootpage, sql)
             VALUES ('table', 'aaa', 'aaa', 0, 'CREATE VIRTUAL TABLE aaa USING nosuchmodule(x)');",
        )
        .unwrap();
        drop(conn);
        let mut conn = rusqlite::Connection::open(&path).unwrap();
        let tx = begin_for_purge(&mut conn).unwrap();
        tx.execute("INSERT INTO zzz VALUES (1)", []).unwrap();
        tx.commit().unwrap();
    }

    /// The purge's transaction holds the database's write lock from its
    /// start, as the exclusive one did: another writer is kept out before
    /// anything is read, and one that holds it refuses the purge at once.
    #[test]
    fn a_purge_takes_the_write_lock_at_its_start() {
        let dir = tempfile::tempdir().unwrap();
        let mut conn = two_files(dir.path());
        let other = rusqlite::Connection::open(dir.path().join("host.sqlite")).unwrap();
        other.busy_timeout(std::time::Duration::ZERO).unwrap();
        let tx = begin_for_purge(&mut conn).unwrap();
        let refused = other.execute_batch("BEGIN IMMEDIATE");
        assert!(refused.is_err(), "another writer got in");
        // The records, read in it, are not written: their write lock is free.
        let _records: i64 = tx.query_row("SELECT count(*) FROM r", [], |r| r.get(0)).unwrap();
        let records = rusqlite::Connection::open(dir.path().join("records.sqlite")).unwrap();
        records.busy_timeout(std::time::Duration::ZERO).unwrap();
        records.execute_batch("BEGIN IMMEDIATE; ROLLBACK;").unwrap();
        drop(tx);
        other.execute_batch("BEGIN IMMEDIATE").unwrap();
        match begin_for_purge(&mut conn) {
            Err(InstallError::Busy) => {}
            other => panic!("{other:?}"),
        }
    }
}
