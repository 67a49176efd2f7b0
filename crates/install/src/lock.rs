//! Exclusive access to an installation: a lock file for bemx processes
//! (the handover procedure's "no other program window may be open"), and a
//! busy timeout of zero so that a SQLite lock held by any other program
//! makes bemx refuse at once instead of waiting or failing halfway.

use std::fs::{File, OpenOptions};
use std::path::Path;

use crate::InstallError;

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
    Ok(conn.transaction_with_behavior(rusqlite::TransactionBehavior::Exclusive)?)
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
}
