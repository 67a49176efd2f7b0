//! Backups on demand and `backup restore`: the database replaced by an
//! older state, then the records that live outside it — the import ledger
//! and the handover journal — applied again, so an old backup can neither
//! re-enable an imported bundle nor bring back clients who now live on
//! another PC.

use std::collections::HashSet;

use crate::backup::{self, BackupInfo, PRE_RESTORE_PREFIX};
use crate::space::{self, Margin, Need, Purpose};
use sha2::{Digest, Sha256};

use crate::{BackupProblem, Home, InstallError, InstallLock, Session, journal, ledger};

/// Where the decrypted backup passes on its way into the file: it is
/// hashed, so the restored bytes can be compared with the signed statement
/// without decrypting the backup twice, and the first error of writing it
/// is kept. Decryption reports every failure of its copy loop as a damaged
/// backup; a full disk on the writing side must be reported as what it is,
/// with its advice.
struct RestoreSink<W> {
    inner: W,
    hasher: Sha256,
    error: Option<std::io::Error>,
}

impl<W: std::io::Write> std::io::Write for RestoreSink<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        match self.inner.write(buf) {
            Ok(n) => {
                self.hasher.update(&buf[..n]);
                Ok(n)
            }
            Err(e) => {
                let kind = e.kind();
                self.error.get_or_insert(e);
                Err(std::io::Error::from(kind))
            }
        }
    }

    /// Nothing to pass on: `decrypt_backup` copies with `io::copy`, which
    /// never flushes, into a file that holds no buffer of its own (the
    /// restore syncs it after). A flush handed through to it could not be
    /// told from this one by anything, so it is not written.
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Decrypts the backup `source` into `out`, the file `target`: a failure
/// to write is reported as one, not as the damaged backup decryption would
/// call it. Returns the SHA-256 and length of the bytes written.
fn decrypt_into(
    source: &std::path::Path,
    identity: &age::x25519::Identity,
    out: impl std::io::Write,
    target: &std::path::Path,
) -> Result<([u8; 32], u64), InstallError> {
    let mut sink = RestoreSink { inner: out, hasher: Sha256::new(), error: None };
    match backup::decrypt_backup(source, identity, &mut sink) {
        Ok(n) => Ok((sink.hasher.finalize().into(), n)),
        Err(e) => Err(match sink.error {
            Some(write) => InstallError::io(crate::IoAction::Writing, target, write),
            None => e,
        }),
    }
}

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
    // DESIGN.md F1: refused with the numbers before the file is created.
    space::ensure(&[backup::need(file, &home.backups_dir())?], Margin::Installation)?;
    let name = format!("{prefix}-{}", bemx_format::time::compact(bemx_format::time::now()));
    let info = backup::create_backup(&tx, file, &home.backups_dir(), &name, identity)?;
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

/// `bemx backup restore NAME`: checks the backup's signature (before
/// anything is written: a backup anyone could have encrypted to us is no
/// proof of anything), decrypts it beside the database, compares it with
/// the signed hash before SQLite opens it,
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
    prepare_restore(home, lock, identity, name)?.commit(home, lock, identity)
}

/// What a restore will change in the client list, for the question before
/// it (issue 15, item 3): BEM-IDs.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct RestoreChanges {
    /// Clients here now that the backup does not hold: made or brought
    /// back here after it was taken (an imported one refuses the restore).
    pub disappear: Vec<String>,
    /// Clients the backup holds that are not here now: deleted here after
    /// it was taken (handed-over ones are purged again, never back).
    pub come_back: Vec<String>,
}

/// A restore checked and ready: the backup decrypted beside the database,
/// verified and brought up to date with the records, not yet swapped in.
/// Dropped without [`PreparedRestore::commit`], its file is removed and
/// nothing has changed.
#[derive(Debug)]
pub struct PreparedRestore {
    name: String,
    /// `None` once committed.
    guard: Option<bemx_format::durable::TempFile>,
    applied: journal::Applied,
    /// The database as it was when the changes were worked out.
    seen: Option<DbStamp>,
    /// What the restore will change.
    pub changes: RestoreChanges,
}

/// SQLite's file change counter (header bytes 24..28, raised by every
/// committed write in rollback-journal mode) and the file's size: what
/// tells whether another program wrote to the database meanwhile.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct DbStamp {
    counter: [u8; 4],
    len: u64,
}

fn stamp(db: &std::path::Path) -> Result<Option<DbStamp>, InstallError> {
    use std::io::Read as _;
    let mut file = match std::fs::File::open(db) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(InstallError::io(crate::IoAction::Reading, db, e)),
    };
    let len = file.metadata().map_err(|e| InstallError::io(crate::IoAction::Reading, db, e))?.len();
    let mut header = [0u8; 28];
    file.read_exact(&mut header).map_err(|e| InstallError::io(crate::IoAction::Reading, db, e))?;
    Ok(Some(DbStamp { counter: [header[24], header[25], header[26], header[27]], len }))
}

impl Drop for PreparedRestore {
    /// Not committed (the user said no, or an error): the plaintext copy
    /// is overwritten before it is removed, as every leftover of it is.
    fn drop(&mut self) {
        if let Some(guard) = self.guard.take() {
            let _ = bemx_db::wipe_file(guard.path());
        }
    }
}

impl PreparedRestore {
    /// Backs up the current state and swaps the restored database in.
    pub fn commit(
        mut self,
        home: &Home,
        lock: &InstallLock,
        identity: &bemx_identity::Identity,
    ) -> Result<RestoreReport, InstallError> {
        let db_path = home.db_path();
        // What the user confirmed was worked out against the database as
        // it was then; another program may have written since (the
        // installation lock keeps out only bemx). R3 again, too.
        if stamp(db_path)? != self.seen {
            return Err(InstallError::DatabaseChanged { database: db_path.to_path_buf() });
        }
        let pending = home.db_journal_path();
        if bemx_db::journal_is_hot(db_path).map_err(|e| InstallError::io(crate::IoAction::Reading, &pending, e))? {
            return Err(InstallError::PendingJournal { journal: pending });
        }
        let previous =
            if db_path.exists() { Some(create_backup(home, lock, identity, PRE_RESTORE_PREFIX)?.name) } else { None };
        let Some(guard) = self.guard.take() else {
            return Err(InstallError::DatabaseChanged { database: db_path.to_path_buf() });
        };
        guard.persist(db_path).map_err(|e| InstallError::io(crate::IoAction::ReplacingDatabase, db_path, e))?;
        if home.keeps_records_apart() && !self.applied.purged.is_empty() {
            journal::record_purged_again(home.open_database()?.conn(), &self.applied)?;
        }
        Ok(RestoreReport {
            restored: self.name.clone(),
            previous_state_backup: previous,
            clients_purged_again: self.applied.purged.len(),
            handovers_reopened: self.applied.reopened.len(),
        })
    }
}

/// Everything of [`restore`] up to the swap: the signature checked, the
/// backup decrypted into a temporary file and compared with the signed
/// hash, the records applied to it, the loss of an imported client
/// refused, and what the client list will look like afterwards.
pub fn prepare_restore(
    home: &Home,
    lock: &InstallLock,
    identity: &bemx_identity::Identity,
    name: &str,
) -> Result<PreparedRestore, InstallError> {
    let source = backup::backup_path(&home.backups_dir(), name)?;
    if !source.is_file() {
        return Err(InstallError::Backup { name: name.to_string(), problem: BackupProblem::Missing });
    }
    let statement = backup::verify_signature(&home.backups_dir(), name, identity)?;
    let db_path = home.db_path();
    // Records first: the ledger and journal must know every import and
    // handover the current database knows.
    let current = if db_path.exists() { Some(Session::open_locked(home, lock)?.0) } else { None };
    let pending = home.db_journal_path();
    // The journal is kept between transactions (PERSIST); only a hot one
    // means an interrupted transaction.
    if bemx_db::journal_is_hot(db_path).map_err(|e| InstallError::io(crate::IoAction::Reading, &pending, e))? {
        return Err(InstallError::PendingJournal { journal: pending });
    }
    let temp = home.restore_temp_path();
    // DESIGN.md F1: the decrypted copy and the backup of the state it
    // replaces must both fit before either is written.
    let mut needs = vec![Need { path: temp.clone(), bytes: statement.db_bytes, purpose: Purpose::Restore }];
    if let Some(s) = &current {
        needs.push(backup::need(&s.file, &home.backups_dir())?);
    }
    space::ensure(&needs, Margin::Installation)?;
    // Only the lock holder writes it, so a file of that name is stale.
    let _ = std::fs::remove_file(&temp);
    let (guard, out) = bemx_format::durable::TempFile::create(temp.clone())
        .map_err(|e| InstallError::io(crate::IoAction::Creating, &temp, e))?;
    // Held from here on, so every refusal below overwrites the plaintext
    // before it is removed (the guard alone would only unlink it), as the
    // drop of a restore the user said no to does.
    let mut prepared = PreparedRestore {
        name: name.to_string(),
        guard: Some(guard),
        applied: journal::Applied::default(),
        seen: None,
        changes: RestoreChanges::default(),
    };
    // Bound after `prepared`: on the way out the file is closed before it
    // is wiped.
    let mut out = out;
    let (sha256, len) = decrypt_into(&source, identity.age_identity(), &mut out, &temp)?;
    // Before SQLite sees the file: a swapped content under a genuine
    // signature file is refused here, and dropping `prepared` wipes the
    // temp file.
    if sha256 != statement.sha256 || len != statement.db_bytes {
        return Err(InstallError::Backup { name: name.to_string(), problem: BackupProblem::ContentMismatch });
    }
    out.sync_all().map_err(|e| InstallError::io(crate::IoAction::Writing, &temp, e))?;
    drop(out);
    // The database as it is read from here on: a change by another program
    // after this (a host's) makes the commit refuse.
    let seen = stamp(db_path)?;
    // The ids of the clients here now, for the changes a restore makes.
    // Their BEM-IDs are read again after the check, for those that
    // disappear: holding them too from here cost 8 MiB more at 100,000
    // clients (41.5 against 33.3 MiB) to save 1.5 s of 14.6.
    let mut before = HashSet::new();
    if let Some(s) = &current {
        s.db.for_each_client_summary_unordered(true, |c| {
            before.insert(c.uuid);
            Ok::<_, InstallError>(())
        })?;
    }
    // The restored file must be a healthy bemx database of our schema, and
    // agree with the records before it gets the database's name.
    let checked = (|| {
        let mut restored = home.open_database_as(&temp)?;
        backup::quick_check(restored.conn())?;
        // Applying the journal may purge: keep its journal to overwrite.
        bemx_db::keep_journal_for_purge(restored.conn())?;
        let tx = crate::lock::begin_exclusive(restored.conn_mut())?;
        ledger::reconcile_ledger(&tx, &home.import_ledger_path())?;
        let applied = journal::apply(&tx, &home.handover_journal_path())?;
        if !applied.missing.is_empty() {
            let uuids: Vec<String> = applied.missing.iter().map(|(c, _)| c.clone()).collect();
            let bem_ids = match &current {
                Some(s) => bemx_db::existing_client_uuids(s.db.conn(), &uuids)?.into_iter().map(|(_, b)| b).collect(),
                None => uuids,
            };
            return Err(InstallError::RestoreWouldLose { backup: name.to_string(), bem_ids });
        }
        tx.commit()?;
        // Records kept apart are the live ones: the purge of this copy is
        // recorded there only once the copy has become the database.
        journal::purge_again(restored.conn_mut(), &applied, !home.keeps_records_apart())?;
        // Purging again left the clients' original pages in the temp
        // file's journal; overwrite them before the journal is removed.
        bemx_db::scrub_journal(restored.conn())?;
        // Each list streamed by BEM-ID and compared by id, holding the ids
        // of both sides, not their lists: 100,000 clients on each side took
        // 420 s and 70 MiB when both lists were held and searched one by
        // one (issue 18, item 5).
        let mut after = HashSet::new();
        let mut come_back = Vec::new();
        restored.for_each_client_summary(true, |c| {
            if !before.contains(&c.uuid) {
                come_back.push(c.bem_id);
            }
            after.insert(c.uuid);
            Ok::<_, InstallError>(())
        })?;
        Ok::<_, InstallError>((applied, after, come_back))
    })();
    // The temp file's journal must not outlive it, whether the check passed
    // or not: after a refusal it is still kept (PERSIST) and holds pages.
    let wiped = bemx_db::wipe_file(&bemx_db::journal_path(&temp));
    let (applied, after, come_back) = checked?;
    wiped?;
    prepared.applied = applied;
    drop(before);
    let mut disappear = Vec::new();
    if let Some(s) = &current {
        s.db.for_each_client_summary(true, |c| {
            if !after.contains(&c.uuid) {
                disappear.push(c.bem_id);
            }
            Ok::<_, InstallError>(())
        })?;
    }
    drop(current);
    prepared.changes = RestoreChanges { disappear, come_back };
    prepared.seen = seen;
    Ok(prepared)
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

    /// An installation with a fresh database, its identity and lock.
    fn site() -> (tempfile::TempDir, Home, bemx_identity::Identity, InstallLock) {
        let dir = tempfile::tempdir().unwrap();
        let home = Home::new(dir.path().join("home"), None);
        std::fs::create_dir_all(home.root()).unwrap();
        let identity = bemx_identity::Identity::generate("Praxis").unwrap();
        bemx_db::Database::create(home.db_path(), &identity.installation_id().to_string()).unwrap();
        let lock = home.lock().unwrap();
        (dir, home, identity, lock)
    }

    /// Adds `n` demo clients (small documents) to the site's database.
    fn seed(home: &Home, n: u32, seed: u64) {
        let mut db = bemx_db::Database::open(home.db_path()).unwrap();
        let options = bemx_demo::SeedOptions { document_bytes: (16, 256), ..bemx_demo::SeedOptions::new(n, seed) };
        bemx_demo::seed_with(&mut db, &options).unwrap();
    }

    /// The clients in the database, as `(uuid, bem_id)`, by UUID.
    fn clients(home: &Home) -> Vec<(String, String)> {
        let db = bemx_db::Database::open(home.db_path()).unwrap();
        let mut list: Vec<_> = db.clients_list(true).unwrap().into_iter().map(|c| (c.uuid, c.bem_id)).collect();
        list.sort();
        list
    }

    /// Deletes clients from the database, as a purge does.
    fn purge(home: &Home, uuids: &[String]) {
        let mut db = bemx_db::Database::open(home.db_path()).unwrap();
        let tx = db.conn_mut().transaction().unwrap();
        bemx_db::purge_clients(&tx, uuids).unwrap();
        tx.commit().unwrap();
    }

    fn backup_names(home: &Home) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(home.backups_dir())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    fn problem(e: InstallError) -> BackupProblem {
        match e {
            InstallError::Backup { problem, .. } => problem,
            other => panic!("{other:?}"),
        }
    }

    /// Issue 15.3 review: what the restore question showed was worked out
    /// against the database as it was; a write by another program before
    /// the answer refuses the swap, and the decrypted copy is wiped.
    #[test]
    fn a_database_written_while_asked_is_not_replaced() {
        let (_dir, home, id, lock) = site();
        let b = create_backup(&home, &lock, &id, "backup").unwrap();
        let prepared = prepare_restore(&home, &lock, &id, &b.name).unwrap();
        assert!(home.restore_temp_path().exists());
        // Another program (BEMdok) writes meanwhile.
        let other = rusqlite::Connection::open(home.db_path()).unwrap();
        other.execute("INSERT INTO meta (key, value) VALUES ('written-by', 'another program')", []).unwrap();
        drop(other);
        let before = std::fs::read(home.db_path()).unwrap();
        match prepared.commit(&home, &lock, &id) {
            Err(InstallError::DatabaseChanged { .. }) => {}
            other => panic!("{other:?}"),
        }
        assert_eq!(std::fs::read(home.db_path()).unwrap(), before, "the database was replaced");
        assert!(!home.restore_temp_path().exists(), "the decrypted copy stayed");
        // Asked again, the restore goes through.
        prepare_restore(&home, &lock, &id, &b.name).unwrap().commit(&home, &lock, &id).unwrap();
    }

    /// Records kept apart beside a host database are the live ones: a
    /// restore whose decrypted copy has a confirmed client purged again
    /// records that once the copy has become the database, not while the
    /// user is asked, so a declined restore leaves the audit log as it was;
    /// and a restore that purges nothing records nothing.
    #[test]
    fn a_restore_beside_records_kept_apart_audits_its_purge_once_done() {
        let dir = tempfile::tempdir().unwrap();
        let host = dir.path().join("chinook.sqlite");
        let mut conn = rusqlite::Connection::open(&host).unwrap();
        bemx_demo::hosts::chinook::create(&mut conn, &bemx_demo::hosts::HostOptions { clients: 3, seed: 1 }).unwrap();
        drop(conn);
        let text =
            bemx_demo::hosts::chinook::PROFILE.replacen("host_schema = \"bemx\"", "host_schema = \"untouched\"", 1);
        let profile = bemx_db::Profile::from_toml(&text).unwrap();
        let home = Home::new(dir.path().join("home"), Some(host));
        let id = crate::setup::create_on_host(&home, "Praxis", None, &profile).unwrap();
        let lock = home.lock().unwrap();
        let reapplied = |home: &Home| {
            let db = home.open_database().unwrap();
            crate::audit::list(db.conn(), 100).unwrap().iter().filter(|e| e.event == "handover_reapplied").count()
        };
        let b = create_backup(&home, &lock, &id, "backup").unwrap();
        let client = home.open_database().unwrap().clients_list(true).unwrap()[0].uuid.clone();
        let confirmed = journal::JournalEntry::Confirmed { bundle_id: "ab".repeat(32), clients: vec![client] };
        journal::append_journal(&home.handover_journal_path(), &confirmed).unwrap();
        Session::open_locked(&home, &lock).unwrap();
        assert_eq!(reapplied(&home), 1);

        drop(prepare_restore(&home, &lock, &id, &b.name).unwrap());
        assert_eq!(reapplied(&home), 1, "a restore only asked about was recorded");
        let report = restore(&home, &lock, &id, &b.name).unwrap();
        assert_eq!(report.clients_purged_again, 1);
        assert_eq!(reapplied(&home), 2);
        assert_eq!(home.open_database().unwrap().clients_list(true).unwrap().len(), 2);

        let later = create_backup(&home, &lock, &id, "later").unwrap();
        assert_eq!(restore(&home, &lock, &id, &later.name).unwrap().clients_purged_again, 0);
        assert_eq!(reapplied(&home), 2, "a restore that purged nothing was recorded");
    }

    /// The records applied again purge every client the handover journal
    /// says was confirmed away, and report how many they purged.
    #[test]
    fn reapplying_the_records_purges_the_clients_confirmed_away_and_counts_them() {
        let (_dir, home, _id, lock) = site();
        seed(&home, 3, 7);
        let all: Vec<String> = clients(&home).into_iter().map(|(u, _)| u).collect();
        let confirmed = journal::JournalEntry::Confirmed { bundle_id: "ab".repeat(32), clients: all[..2].to_vec() };
        journal::append_journal(&home.handover_journal_path(), &confirmed).unwrap();

        assert_eq!(reapply_records(&home, &lock).unwrap(), 2);
        assert_eq!(clients(&home).into_iter().map(|(u, _)| u).collect::<Vec<_>>(), &all[2..]);
        // Once applied, there is nothing left to purge.
        assert_eq!(reapply_records(&home, &lock).unwrap(), 0);
    }

    /// The question before a restore names exactly the clients that
    /// disappear (here now, not in the backup) and those that come back
    /// (in the backup, deleted here since), and the restore does just that.
    #[test]
    fn a_restore_names_the_clients_that_disappear_and_those_that_come_back() {
        let (_dir, home, id, lock) = site();
        seed(&home, 3, 7);
        let all = clients(&home);
        let (kept, back, gone) = (all[0].clone(), all[1].clone(), all[2].clone());
        assert!(kept.1 != back.1 && kept.1 != gone.1 && back.1 != gone.1, "the list tells them apart: {all:?}");
        let with_all_three = std::fs::read(home.db_path()).unwrap();
        // The backup holds `kept` and `back`.
        purge(&home, std::slice::from_ref(&gone.0));
        let b = create_backup(&home, &lock, &id, "backup").unwrap();
        // Here now: `kept` and `gone`.
        std::fs::write(home.db_path(), &with_all_three).unwrap();
        purge(&home, std::slice::from_ref(&back.0));
        assert_eq!(clients(&home), [kept.clone(), gone.clone()]);

        let prepared = prepare_restore(&home, &lock, &id, &b.name).unwrap();
        assert_eq!(prepared.changes, RestoreChanges { disappear: vec![gone.1], come_back: vec![back.1.clone()] });
        prepared.commit(&home, &lock, &id).unwrap();
        assert_eq!(clients(&home), [kept, back]);
    }

    /// A restore prepared but not committed (the user said no) leaves
    /// nothing of its plaintext copy: the file is overwritten before it is
    /// removed, not merely unlinked, and the database stays as it was.
    #[test]
    fn a_restore_not_committed_overwrites_its_decrypted_copy() {
        let (dir, home, id, lock) = site();
        let b = create_backup(&home, &lock, &id, "backup").unwrap();
        let before = std::fs::read(home.db_path()).unwrap();
        let prepared = prepare_restore(&home, &lock, &id, &b.name).unwrap();
        // A second name for the copy's blocks, as the freed blocks of an
        // unlinked file are to anyone who reads the disk.
        let peek = dir.path().join("peek");
        std::fs::hard_link(home.restore_temp_path(), &peek).unwrap();
        assert!(std::fs::read(&peek).unwrap().starts_with(b"SQLite format 3\0"));

        drop(prepared);
        assert!(!home.restore_temp_path().exists(), "the decrypted copy stayed");
        let left = std::fs::read(&peek).unwrap();
        assert!(left.iter().all(|&b| b == 0), "{} bytes of the copy were left as they were", left.len());
        assert_eq!(std::fs::read(home.db_path()).unwrap(), before, "the database changed");
    }

    /// A backup restores an installation whose database file is gone:
    /// there is no state to back up first, and the backup takes its place.
    #[test]
    fn a_backup_restores_an_installation_whose_database_is_gone() {
        let (_dir, home, id, lock) = site();
        seed(&home, 2, 7);
        let all = clients(&home);
        let b = create_backup(&home, &lock, &id, "backup").unwrap();
        std::fs::remove_file(home.db_path()).unwrap();

        let report = restore(&home, &lock, &id, &b.name).unwrap();
        assert_eq!(report.restored, b.name);
        assert_eq!(report.previous_state_backup, None);
        assert_eq!(clients(&home), all);
        assert_eq!(backup_names(&home), [format!("{}.bemxbak", b.name), format!("{}.bemxsig", b.name)]);
    }

    /// Only a database that is not there counts as missing: one that is
    /// there but cannot be opened (a symbolic link to itself) refuses the
    /// restore with the error of reading it, and nothing is replaced or
    /// left behind.
    #[cfg(unix)]
    #[test]
    fn a_database_that_cannot_be_read_is_not_taken_for_a_missing_one() {
        let (_dir, home, id, lock) = site();
        let b = create_backup(&home, &lock, &id, "backup").unwrap();
        let backups = backup_names(&home);
        std::fs::remove_file(home.db_path()).unwrap();
        let name = home.db_path().file_name().unwrap().to_owned();
        std::os::unix::fs::symlink(&name, home.db_path()).unwrap();

        match restore(&home, &lock, &id, &b.name) {
            Err(InstallError::Io { action: crate::IoAction::Reading, path, .. }) => assert_eq!(path, home.db_path()),
            other => panic!("{other:?}"),
        }
        assert_eq!(std::fs::read_link(home.db_path()).unwrap(), std::path::Path::new(&name), "the link was replaced");
        assert!(!home.restore_temp_path().exists(), "the decrypted copy stayed");
        assert_eq!(backup_names(&home), backups);
    }

    #[test]
    fn a_signed_backup_round_trips_and_is_listed_as_signed() {
        let (_dir, home, id, lock) = site();
        let b = create_backup(&home, &lock, &id, "backup").unwrap();
        assert!(b.signed);
        assert!(home.backups_dir().join(format!("{}.bemxsig", b.name)).is_file());
        let list = backup::list_backups(&home.backups_dir(), &id).unwrap();
        assert_eq!(list.len(), 1, "the signature file is no backup: {list:?}");
        assert!(list[0].signed);
        let report = restore(&home, &lock, &id, &b.name).unwrap();
        assert_eq!(report.restored, b.name);
        // The state it replaced was backed up, signed too.
        let list = backup::list_backups(&home.backups_dir(), &id).unwrap();
        assert_eq!(list.len(), 2);
        assert!(list.iter().all(|b| b.signed), "{list:?}");
    }

    #[test]
    fn restore_refuses_unsigned_misnamed_forged_and_swapped_backups() {
        let (_dir, home, id, lock) = site();
        let dir = home.backups_dir();
        let a = create_backup(&home, &lock, &id, "backup").unwrap();
        // b must hold other bytes than a for the swapped content to differ.
        let conn = rusqlite::Connection::open(home.db_path()).unwrap();
        conn.execute("INSERT INTO meta (key, value) VALUES ('test', 'changed')", []).unwrap();
        drop(conn);
        let b = create_backup(&home, &lock, &id, "backup").unwrap();
        assert_ne!(a.name, b.name);
        let sig = |n: &str| dir.join(format!("{n}.bemxsig"));
        let before = std::fs::read(home.db_path()).unwrap();
        let refused = |name: &str| {
            let p = problem(restore(&home, &lock, &id, name).unwrap_err());
            assert_eq!(std::fs::read(home.db_path()).unwrap(), before, "the database changed");
            assert!(!home.restore_temp_path().exists(), "the decrypted temp file stayed");
            p
        };

        // b's signature under a's name: made for another backup.
        let a_sig = std::fs::read(sig(&a.name)).unwrap();
        std::fs::copy(sig(&b.name), sig(&a.name)).unwrap();
        assert_eq!(refused(&a.name), BackupProblem::SignedForOther { what: "name" });
        let list = backup::list_backups(&dir, &id).unwrap();
        assert!(!list.iter().find(|x| x.name == a.name).unwrap().signed);

        // One flipped character in the statement.
        let tampered = String::from_utf8(a_sig.clone()).unwrap().replace("bytes ", "bytes 1");
        std::fs::write(sig(&a.name), tampered).unwrap();
        assert_eq!(refused(&a.name), BackupProblem::BadSignature);

        // Signed by another installation's key.
        let other = bemx_identity::Identity::generate("Andere").unwrap();
        let statement = backup::BackupStatement {
            name: a.name.clone(),
            installation: id.installation_id(),
            sha256: [0; 32],
            db_bytes: 0,
        };
        std::fs::write(sig(&a.name), backup::signature_file(&statement, &other)).unwrap();
        assert_eq!(refused(&a.name), BackupProblem::BadSignature);

        // No signature at all.
        std::fs::remove_file(sig(&a.name)).unwrap();
        assert_eq!(refused(&a.name), BackupProblem::Unsigned);

        // a's genuine signature, but b's content under a's name.
        std::fs::write(sig(&a.name), &a_sig).unwrap();
        std::fs::copy(&b.path, &a.path).unwrap();
        assert_eq!(refused(&a.name), BackupProblem::ContentMismatch);

        // Every refusal says what to do, apart from what happened.
        for p in [BackupProblem::Unsigned, BackupProblem::BadSignature, BackupProblem::ContentMismatch] {
            let e = InstallError::Backup { name: "x".into(), problem: p };
            let advice = e.advice().unwrap();
            assert!(!e.to_string().contains(&advice), "{e}");
        }
        restore(&home, &lock, &id, &b.name).unwrap();
    }

    #[test]
    fn retention_deletes_signature_files_with_their_backups() {
        let (_dir, home, id, lock) = site();
        let dir = home.backups_dir();
        let b = create_backup(&home, &lock, &id, "backup").unwrap();
        let deleted = backup::apply_retention(&dir, backup::Retention::default(), "none").unwrap();
        assert_eq!(deleted, vec![b.name.clone()]);
        assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 0, "a side file stayed behind");
    }

    fn info(name: &str) -> backup::BackupInfo {
        backup::BackupInfo {
            name: name.into(),
            path: name.into(),
            size: 1,
            db_bytes: 0,
            safety: name.starts_with(backup::SAFETY_PREFIX),
            kind: backup::BackupKind::of(name),
            created: String::new(),
            signed: true,
        }
    }

    /// DESIGN.md B6: the newest N SICHERHEITSBACKUPs stay, the one just
    /// taken always among them; every other kind goes.
    #[test]
    fn retention_keeps_the_newest_safety_backups() {
        let names = [
            "SICHERHEITSBACKUP-20260101T000000Z-aaaaaaaa",
            "SICHERHEITSBACKUP-20260102T000000Z-bbbbbbbb",
            "SICHERHEITSBACKUP-20260103T000000Z-cccccccc",
            "SICHERHEITSBACKUP-20260103T000000Z-cccccccc-2",
            "backup-20260104T000000Z",
            "before-restore-20260105T000000Z",
        ];
        let list: Vec<_> = names.iter().map(|n| info(n)).collect();
        let victims = |newest, just: &str| -> Vec<String> {
            backup::retention_victims(&list, backup::Retention::KeepSafety { newest }, just)
                .into_iter()
                .map(|b| b.name.clone())
                .collect()
        };
        let just = names[3];
        // Keep 2: the one just taken and the newest other.
        assert_eq!(victims(2, just), [names[0], names[1], names[4], names[5]]);
        // At the boundary: 4 safety backups, keep 4 deletes none of them; keep 3 the oldest.
        assert_eq!(victims(4, just), [names[4], names[5]]);
        assert_eq!(victims(3, just), [names[0], names[4], names[5]]);
        // 0 is read as 1: the backup just taken always stays ...
        assert_eq!(victims(0, just), [names[0], names[1], names[2], names[4], names[5]]);
        // ... even when the clock went back and it sorts first.
        assert_eq!(victims(1, names[0]), [names[1], names[2], names[3], names[4], names[5]]);
        assert!(backup::retention_victims(&list, backup::Retention::KeepAll, just).is_empty());
    }

    #[test]
    fn backup_kinds_come_from_the_name() {
        use backup::BackupKind as K;
        assert_eq!(K::of("SICHERHEITSBACKUP-20260101T000000Z-aaaaaaaa"), K::Safety);
        assert_eq!(K::of("backup-20260101T000000Z"), K::Manual);
        assert_eq!(K::of("before-restore-20260101T000000Z"), K::BeforeRestore);
        assert_eq!(K::of("backupX"), K::Other);
        assert_eq!(K::of("my-copy"), K::Other);
    }

    /// Issue 20: the SICHERHEITSBACKUPs of attempts at this bundle go,
    /// those of other bundles and of imports that committed stay.
    #[test]
    fn abandoned_safety_backups_of_a_bundle_are_found_by_its_id() {
        let dir = tempfile::tempdir().unwrap();
        let names = [
            "SICHERHEITSBACKUP-20260101T000000Z-abcdef01",
            "SICHERHEITSBACKUP-20260102T000000Z-abcdef01-2",
            "SICHERHEITSBACKUP-20260103T000000Z-abcdef01",
            "SICHERHEITSBACKUP-20260103T000000Z-abcdef02",
            "SICHERHEITSBACKUP-20260103T000000Z-abcdef01-x",
            "backup-20260103T000000Z-abcdef01",
        ];
        for n in names {
            std::fs::write(dir.path().join(format!("{n}.bemxbak")), b"x").unwrap();
            std::fs::write(dir.path().join(format!("{n}.bemxsig")), b"x").unwrap();
        }
        let keep = vec![names[2].to_string()];
        let found = backup::abandoned_safety_backups(dir.path(), &"abcdef01".repeat(8), &keep).unwrap();
        assert_eq!(found.iter().map(|b| b.name.as_str()).collect::<Vec<_>>(), [names[0], names[1]]);
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
