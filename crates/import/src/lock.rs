//! Exclusive access to an installation: a lock file for bemx processes
//! (the handover procedure's "no other program window may be open"), and a
//! busy timeout of zero so that a SQLite lock held by any other program
//! makes bemx refuse at once instead of waiting or failing halfway.

use std::fs::{File, OpenOptions};
use std::path::Path;

use crate::ImportError;

/// Held while a command works on an installation; released on drop.
#[derive(Debug)]
pub struct InstallLock {
    _file: File,
}

impl InstallLock {
    /// Takes the lock or refuses at once.
    pub fn acquire(lock_path: &Path) -> Result<Self, ImportError> {
        let file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(lock_path)
            .map_err(|e| ImportError::io("opening the lock file", lock_path, e))?;
        match file.try_lock() {
            Ok(()) => Ok(Self { _file: file }),
            Err(std::fs::TryLockError::WouldBlock) => Err(ImportError::Busy),
            Err(std::fs::TryLockError::Error(e)) => Err(ImportError::io("locking", lock_path, e)),
        }
    }
}

/// Makes a connection refuse immediately when another program holds the database.
pub fn no_waiting(conn: &rusqlite::Connection) -> Result<(), ImportError> {
    conn.busy_timeout(std::time::Duration::ZERO).map_err(|e| ImportError::Db(e.into()))?;
    Ok(())
}

/// Starts the exclusive transaction every writing command runs in; a
/// database held by another program is refused with [`ImportError::Busy`].
pub fn begin_exclusive(conn: &mut rusqlite::Connection) -> Result<rusqlite::Transaction<'_>, ImportError> {
    no_waiting(conn)?;
    conn.transaction_with_behavior(rusqlite::TransactionBehavior::Exclusive).map_err(|e| match e.sqlite_error_code() {
        Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked) => ImportError::Busy,
        _ => ImportError::Db(e.into()),
    })
}
