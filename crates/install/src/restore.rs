//! Backups on demand and `backup restore`: the database replaced by an
//! older state, then the records that live outside it — the import ledger
//! and the handover journal — applied again, so an old backup can neither
//! re-enable an imported bundle nor bring back clients who now live on
//! another PC.

use crate::backup::{self, BackupInfo, PRE_RESTORE_PREFIX};
use crate::{BackupProblem, Home, InstallError, InstallLock, Session, journal, ledger};

/// Re-applies the records that live outside the database — the import
/// ledger and the handover journal — to the database (see
/// [`Session::open_locked`]). Returns the number of clients purged again.
pub fn reapply_records(home: &Home, lock: &InstallLock) -> Result<usize, InstallError> {
    let (_, applied) = Session::open_locked(home, lock)?;
    Ok(applied.purged.len())
}

/// `bemx backup create`: an encrypted backup named `backup-<time>`.
pub fn create_backup(
    home: &Home,
    lock: &InstallLock,
    identity: &bemx_identity::Identity,
    prefix: &str,
) -> Result<BackupInfo, InstallError> {
    let (mut session, _) = Session::open_locked(home, lock)?;
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
    /// Handovers opened again because they were exported after the backup.
    pub handovers_reopened: usize,
}

/// `bemx backup restore NAME`: decrypts the backup beside the database,
/// applies the import ledger and the handover journal to it *before* it
/// becomes the database (so no kill can leave purged clients restored),
/// refuses if it would lose a client that arrived by import since the
/// backup was taken (that client exists nowhere else), backs up the
/// current state, and only then swaps the file in.
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
    // Records first: the ledger and journal must know every import and
    // handover the current database knows.
    let current = if db_path.exists() { Some(Session::open_locked(home, lock)?.0) } else { None };
    let pending = home.db_journal_path();
    if pending.exists() {
        return Err(InstallError::PendingJournal { journal: pending });
    }
    let temp = home.restore_temp_path();
    // Only the lock holder writes it, so a file of that name is stale.
    let _ = std::fs::remove_file(&temp);
    let (guard, mut out) =
        bemx_format::durable::TempFile::create(temp.clone()).map_err(|e| InstallError::io("creating", &temp, e))?;
    backup::decrypt_backup(&source, identity.age_identity(), &mut out)?;
    out.sync_all().map_err(|e| InstallError::io("writing", &temp, e))?;
    drop(out);
    // The restored file must be a healthy bemx database of our schema, and
    // agree with the records before it gets the database's name.
    let applied = {
        let mut restored = bemx_db::Database::open(&temp)?;
        backup::quick_check(restored.conn())?;
        let tx = crate::lock::begin_exclusive(restored.conn_mut())?;
        ledger::reconcile_ledger(&tx, &home.import_ledger_path())?;
        let replay = journal::Replay::of(&journal::read_journal(&home.handover_journal_path())?);
        let applied = journal::apply(&tx, &replay)?;
        if !applied.missing.is_empty() {
            let uuids: Vec<String> = applied.missing.iter().map(|(c, _)| c.clone()).collect();
            let bem_ids = match &current {
                Some(s) => bemx_db::existing_client_uuids(s.db.conn(), &uuids)?.into_iter().map(|(_, b)| b).collect(),
                None => uuids,
            };
            return Err(InstallError::RestoreWouldLose { backup: name.to_string(), bem_ids });
        }
        tx.commit()?;
        applied
    };
    drop(current);
    let previous =
        if db_path.exists() { Some(create_backup(home, lock, identity, PRE_RESTORE_PREFIX)?.name) } else { None };
    guard.persist(db_path).map_err(|e| InstallError::io("replacing the database with", db_path, e))?;
    Ok(RestoreReport {
        restored: name.to_string(),
        previous_state_backup: previous,
        clients_purged_again: applied.purged.len(),
        handovers_reopened: applied.reopened.len(),
    })
}
