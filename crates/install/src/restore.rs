//! Backups on demand and `backup restore`: the database replaced by an
//! older state, then the records that live outside it — the import ledger
//! and the handover journal — applied again, so an old backup can neither
//! re-enable an imported bundle nor bring back clients who now live on
//! another PC.

use crate::audit::{self, Event};
use crate::backup::{self, BackupInfo, PRE_RESTORE_PREFIX};
use crate::ledger::{self, JournalEntry};
use crate::{BackupProblem, Home, InstallError, InstallLock, Session};

/// Keeps the first error of writing the restored database. Decryption
/// reports every failure of its copy loop as a damaged backup; a full disk
/// on the writing side must be reported as what it is, with its advice.
struct NoteWriteError<W> {
    inner: W,
    error: Option<std::io::Error>,
}

impl<W: std::io::Write> std::io::Write for NoteWriteError<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.inner.write(buf).map_err(|e| {
            let kind = e.kind();
            self.error.get_or_insert(e);
            std::io::Error::from(kind)
        })
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush().map_err(|e| {
            let kind = e.kind();
            self.error.get_or_insert(e);
            std::io::Error::from(kind)
        })
    }
}

/// Decrypts the backup `source` into `out`, the file `target`: a failure
/// to write is reported as one, not as the damaged backup decryption would
/// call it.
fn decrypt_into(
    source: &std::path::Path,
    identity: &age::x25519::Identity,
    out: impl std::io::Write,
    target: &std::path::Path,
) -> Result<(), InstallError> {
    let mut noted = NoteWriteError { inner: out, error: None };
    match backup::decrypt_backup(source, identity, &mut noted) {
        Ok(_) => Ok(()),
        Err(e) => Err(match noted.error {
            Some(write) => InstallError::io("writing", target, write),
            None => e,
        }),
    }
}

/// Re-applies the records that live outside the database to a database
/// that may be older than them: imported bundle ids, confirmed handovers
/// (their clients purged again) and cancelled ones. Returns the number of
/// clients purged again.
pub fn reapply_records(home: &Home) -> Result<usize, InstallError> {
    let mut session = Session::open(home)?;
    let conn = session.db.conn_mut();
    let tx = crate::lock::begin_exclusive(conn)?;
    ledger::reconcile_ledger(&tx, &home.import_ledger_path())?;
    let mut purged = 0;
    let now = bemx_format::time::rfc3339(bemx_format::time::now());
    for entry in ledger::read_journal(&home.handover_journal_path())? {
        match entry {
            JournalEntry::Exported { bundle_id, recipient_fingerprint, created_at, clients } => {
                // A backup from before the export: the clients are handed
                // over all the same, read-only and hidden until the receipt.
                let inserted = tx.execute(
                    "INSERT OR IGNORE INTO handovers (bundle_id, recipient_fingerprint, created_at, state) VALUES (?1, ?2, ?3, 'open')",
                    rusqlite::params![bundle_id, recipient_fingerprint, created_at],
                )?;
                if inserted == 1 {
                    let mut add =
                        tx.prepare("INSERT OR IGNORE INTO handover_clients (bundle_id, client_uuid) VALUES (?1, ?2)")?;
                    for uuid in &clients {
                        add.execute(rusqlite::params![bundle_id, uuid])?;
                    }
                }
            }
            JournalEntry::Confirmed { bundle_id, clients } => {
                let present = bemx_db::existing_client_uuids(&tx, &clients)?;
                tx.execute(
                    "INSERT INTO handovers (bundle_id, recipient_fingerprint, created_at, state, receipt_at)
                     VALUES (?1, 'restored', ?2, 'confirmed', ?2)
                     ON CONFLICT(bundle_id) DO UPDATE SET state = 'confirmed'",
                    rusqlite::params![bundle_id, now],
                )?;
                if !present.is_empty() {
                    let uuids: Vec<String> = present.into_iter().map(|(u, _)| u).collect();
                    bemx_db::purge_clients(&tx, &uuids)?;
                    purged += uuids.len();
                    let detail = format!("clients={}", uuids.len());
                    audit::record(&tx, &now, Event::HandoverReapplied, &bundle_id, &detail)?;
                }
            }
            JournalEntry::Cancelled { bundle_id } => {
                tx.execute(
                    "UPDATE handovers SET state = 'cancelled' WHERE bundle_id = ?1 AND state = 'open'",
                    [&bundle_id],
                )?;
            }
        }
    }
    tx.commit()?;
    Ok(purged)
}

/// `bemx backup create`: an encrypted backup named `backup-<time>`.
pub fn create_backup(
    home: &Home,
    _lock: &InstallLock,
    identity: &bemx_identity::Identity,
    prefix: &str,
) -> Result<BackupInfo, InstallError> {
    let mut session = Session::open(home)?;
    let Session { db, file } = &mut session;
    let tx = crate::lock::begin_exclusive(db.conn_mut())?;
    let name = format!("{prefix}-{}", bemx_format::time::compact(bemx_format::time::now()));
    let info =
        backup::create_backup(&tx, file, &home.backups_dir(), &name, &identity.recipient(), identity.age_identity())?;
    tx.commit()?;
    Ok(info)
}

/// What a restore did.
#[derive(Debug, Clone, serde::Serialize)]
pub struct RestoreReport {
    /// The backup restored.
    pub restored: String,
    /// The backup taken of the replaced state.
    pub previous_state_backup: Option<String>,
    /// Clients purged again because their handover had been confirmed.
    pub clients_purged_again: usize,
}

/// `bemx backup restore NAME`: backs up the current state, replaces the
/// database with the backup, and re-applies the import ledger and the
/// handover journal, which live outside the database for this reason.
pub fn restore(
    home: &Home,
    lock: &InstallLock,
    identity: &bemx_identity::Identity,
    name: &str,
) -> Result<RestoreReport, InstallError> {
    let source = backup::backup_path(&home.backups_dir(), name)?;
    if !source.is_file() {
        return Err(InstallError::Backup { name: name.to_string(), problem: BackupProblem::Missing });
    }
    let db_path = home.db_path();
    let previous = if db_path.exists() {
        // Files first: the ledger must know every import the database knows.
        {
            let session = Session::open(home)?;
            ledger::reconcile_ledger(session.db.conn(), &home.import_ledger_path())?;
            ledger::reconcile_journal(session.db.conn(), &home.handover_journal_path())?;
        }
        Some(create_backup(home, lock, identity, PRE_RESTORE_PREFIX)?.name)
    } else {
        None
    };
    let journal = home.db_journal_path();
    if journal.exists() {
        return Err(InstallError::PendingJournal { journal });
    }
    let temp = home.restore_temp_path();
    // Only the lock holder writes it, so a file of that name is stale.
    let _ = std::fs::remove_file(&temp);
    let (guard, mut out) =
        bemx_format::durable::TempFile::create(temp.clone()).map_err(|e| InstallError::io("creating", &temp, e))?;
    decrypt_into(&source, identity.age_identity(), &mut out, &temp)?;
    out.sync_all().map_err(|e| InstallError::io("writing", &temp, e))?;
    drop(out);
    // The restored file must be a healthy bemx database of our schema.
    let check = bemx_db::Database::open(&temp)?;
    backup::quick_check(check.conn())?;
    drop(check);
    guard.persist(db_path).map_err(|e| InstallError::io("replacing the database with", db_path, e))?;
    let clients_purged_again = reapply_records(home)?;
    Ok(RestoreReport { restored: name.to_string(), previous_state_backup: previous, clients_purged_again })
}

#[cfg(test)]
mod tests {
    use std::io::{self, Write};

    use super::*;

    /// A drive that is full.
    struct Full;

    impl Write for Full {
        fn write(&mut self, _: &[u8]) -> io::Result<usize> {
            Err(io::Error::new(io::ErrorKind::StorageFull, "no space left on device"))
        }

        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn a_full_disk_while_restoring_is_not_a_damaged_backup() {
        let dir = tempfile::tempdir().unwrap();
        let id = age::x25519::Identity::generate();
        let recipient = id.to_public();
        let plain = zstd::encode_all(&[7u8; 4096][..], 3).unwrap();
        let mut file = Vec::new();
        let encryptor = age::Encryptor::with_recipients(std::iter::once(&recipient as &dyn age::Recipient)).unwrap();
        let mut w = encryptor.wrap_output(&mut file).unwrap();
        w.write_all(&plain).unwrap();
        w.finish().unwrap();
        let source = dir.path().join("BACKUP-x.age");
        std::fs::write(&source, file).unwrap();

        let target = dir.path().join("restore.tmp");
        match decrypt_into(&source, &id, Full, &target) {
            Err(e @ InstallError::Io { .. }) => {
                assert!(e.to_string().contains("restore.tmp"), "{e}");
                assert!(e.advice().unwrap().contains("free some space"), "{:?}", e.advice());
            }
            other => panic!("{other:?}"),
        }
        decrypt_into(&source, &id, io::sink(), &target).unwrap();
    }
}
