//! Backups on demand and `backup restore`: the database replaced by an
//! older state, then the records that live outside it — the import ledger
//! and the handover journal — applied again, so an old backup can neither
//! re-enable an imported bundle nor bring back clients who now live on
//! another PC.

use crate::audit::{self, Event};
use crate::backup::{self, BackupInfo, PRE_RESTORE_PREFIX};
use crate::ledger::{self, JournalEntry};
use crate::{BackupProblem, Home, InstallError, InstallLock, Session};

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
    backup::decrypt_backup(&source, identity.age_identity(), &mut out)?;
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
