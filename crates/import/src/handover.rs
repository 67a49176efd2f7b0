//! The sender's side of a handover after export: list, confirm with the
//! receiver's signed receipt (purging the clients without a trace), cancel
//! (giving them back), and re-applying confirmed handovers after a restore
//! so an old backup cannot bring handed-over clients back.

use std::path::Path;

use bemx_format::receipt::Receipt;
use bemx_identity::Contacts;

use crate::backup::{self, BackupInfo, PRE_RESTORE_PREFIX};
use crate::import::Session;
use crate::ledger::{self, JournalEntry};
use crate::{Home, ImportError, InstallLock};

/// What the journal needs to know of an export.
#[derive(Debug, Clone, Copy)]
pub struct ExportFacts<'a> {
    /// Bundle id, hex.
    pub bundle_id: &'a str,
    /// The recipient contact's fingerprint.
    pub recipient_fingerprint: &'a str,
    /// The exported clients' UUIDs.
    pub clients: &'a [String],
}

/// One handover as `handover list` shows it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct HandoverSummary {
    /// Bundle id, hex.
    pub bundle_id: String,
    /// The recipient contact's name.
    pub recipient_name: String,
    /// The recipient contact's fingerprint.
    pub recipient_fingerprint: String,
    /// Export time.
    pub created_at: String,
    /// open, confirmed or cancelled.
    pub state: String,
    /// Number of clients.
    pub clients: u64,
}

/// All handovers, newest first.
pub fn list(home: &Home) -> Result<Vec<HandoverSummary>, ImportError> {
    let session = Session::open(home)?;
    let conn = session.db.conn();
    let mut stmt = conn.prepare(
        "SELECT h.bundle_id, coalesce(h.recipient_name, ''), h.recipient_fingerprint, h.created_at, h.state,
                (SELECT count(*) FROM handover_clients c WHERE c.bundle_id = h.bundle_id)
         FROM handovers h ORDER BY h.created_at DESC, h.bundle_id",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok(HandoverSummary {
            bundle_id: r.get(0)?,
            recipient_name: r.get(1)?,
            recipient_fingerprint: r.get(2)?,
            created_at: r.get(3)?,
            state: r.get(4)?,
            clients: r.get::<_, i64>(5)? as u64,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

fn handover_row(conn: &rusqlite::Connection, bundle_id: &str) -> Result<(String, String, Vec<String>), ImportError> {
    let row: Option<(String, String)> = conn
        .query_row("SELECT state, recipient_fingerprint FROM handovers WHERE bundle_id = ?1", [bundle_id], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .map(Some)
        .or_else(|e| if e == rusqlite::Error::QueryReturnedNoRows { Ok(None) } else { Err(e) })?;
    let Some((state, fingerprint)) = row else {
        return Err(ImportError::UnknownHandover(bundle_id.to_string()));
    };
    let mut stmt =
        conn.prepare("SELECT client_uuid FROM handover_clients WHERE bundle_id = ?1 ORDER BY client_uuid")?;
    let uuids = stmt.query_map([bundle_id], |r| r.get(0))?.collect::<Result<Vec<String>, _>>()?;
    Ok((state, fingerprint, uuids))
}

/// What confirming did.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ConfirmReport {
    /// Bundle id.
    pub bundle_id: String,
    /// Clients purged.
    pub clients: usize,
    /// Rows deleted per table.
    pub rows_deleted: Vec<(String, u64)>,
}

/// Verifies the receiver's receipt and purges the handed-over clients.
pub fn confirm(
    home: &Home,
    _lock: &InstallLock,
    contacts: &Contacts,
    own_installation: [u8; 16],
    receipt_file: &[u8],
) -> Result<ConfirmReport, ImportError> {
    let (unverified, _, _) = Receipt::parse_unverified(receipt_file)?;
    let bundle_id = hex::encode(unverified.bundle_id);
    let mut session = Session::open(home)?;
    let conn = session.db.conn_mut();
    let tx = crate::lock::begin_exclusive(conn)?;
    let (state, fingerprint, uuids) = handover_row(&tx, &bundle_id)?;
    match state.as_str() {
        "open" => {}
        "cancelled" => {
            return Err(ImportError::Receipt(format!(
                "WARNING: this receipt says bundle {bundle_id} was imported, but you cancelled that handover and took the clients back: the clients now exist on two PCs; contact the receiver at once and agree who keeps them"
            )));
        }
        _ => {
            return Err(ImportError::HandoverState {
                bundle: bundle_id,
                state,
                hint: "it was already confirmed; nothing to do",
            });
        }
    }
    let contact = contacts.find(&fingerprint).map_err(|_| {
        ImportError::Receipt(format!(
            "the recipient of bundle {bundle_id} (fingerprint {fingerprint}) is no longer among your contacts: add their contact card again to check the receipt"
        ))
    })?;
    let receipt = Receipt::verify_file(receipt_file, &contact.card.signing_key)?;
    if receipt.sender != own_installation
        || receipt.receiver != *contact.card.installation_id.as_bytes()
        || receipt.clients != uuids.len() as u64
    {
        return Err(ImportError::Receipt(format!(
            "the receipt for bundle {bundle_id} does not match this handover (sender, receiver or client count differ): ask the receiver for the right receipt"
        )));
    }
    let purge = bemx_db::purge_clients(&tx, &uuids)?;
    let now = bemx_format::time::rfc3339(bemx_format::time::now());
    tx.execute(
        "UPDATE handovers SET state = 'confirmed', receipt_at = ?2 WHERE bundle_id = ?1",
        rusqlite::params![bundle_id, now],
    )?;
    let deleted: u64 = purge.rows_per_table.values().sum();
    tx.execute(
        "INSERT INTO audit_log (at, event, bundle_id, detail) VALUES (?1, 'handover_confirmed', ?2, ?3)",
        rusqlite::params![now, bundle_id, format!("clients={} rows_deleted={deleted}", uuids.len())],
    )?;
    tx.commit()?;
    drop(session);
    ledger::append_journal(
        &home.handover_journal_path(),
        &JournalEntry::Confirmed { bundle_id: bundle_id.clone(), clients: uuids.clone() },
    )?;
    Ok(ConfirmReport { bundle_id, clients: uuids.len(), rows_deleted: purge.rows_per_table.into_iter().collect() })
}

/// Gives the clients of an open handover back and records the bundle as revoked.
pub fn cancel(home: &Home, _lock: &InstallLock, bundle_id: &str) -> Result<usize, ImportError> {
    let bundle_id = bundle_id.trim().to_ascii_lowercase();
    let mut session = Session::open(home)?;
    let conn = session.db.conn_mut();
    let tx = crate::lock::begin_exclusive(conn)?;
    let (state, _, uuids) = handover_row(&tx, &bundle_id)?;
    if state != "open" {
        return Err(ImportError::HandoverState {
            bundle: bundle_id,
            state,
            hint: "only an open handover can be cancelled",
        });
    }
    let now = bemx_format::time::rfc3339(bemx_format::time::now());
    tx.execute("UPDATE handovers SET state = 'cancelled' WHERE bundle_id = ?1", [&bundle_id])?;
    tx.execute(
        "INSERT INTO audit_log (at, event, bundle_id, detail) VALUES (?1, 'handover_cancelled', ?2, ?3)",
        rusqlite::params![now, bundle_id, format!("clients={}", uuids.len())],
    )?;
    tx.commit()?;
    drop(session);
    ledger::append_journal(&home.handover_journal_path(), &JournalEntry::Cancelled { bundle_id })?;
    Ok(uuids.len())
}

/// Records a finished export in the handover journal, so that restoring a
/// backup from before the export cannot forget that the clients are
/// handed over. Call it right after `bemx_pack::export` returned.
pub fn record_export(home: &Home, report: &ExportFacts<'_>) -> Result<(), ImportError> {
    ledger::append_journal(
        &home.handover_journal_path(),
        &JournalEntry::Exported {
            bundle_id: report.bundle_id.to_string(),
            recipient_fingerprint: report.recipient_fingerprint.split_whitespace().collect(),
            created_at: bemx_format::time::rfc3339(bemx_format::time::now()),
            clients: report.clients.to_vec(),
        },
    )
}

/// Re-applies the records that live outside the database to a database
/// that may be older than them: imported bundle ids, confirmed handovers
/// (their clients purged again) and cancelled ones. Returns the number of
/// clients purged again.
pub fn reapply_records(home: &Home) -> Result<usize, ImportError> {
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
                    tx.execute(
                        "INSERT INTO audit_log (at, event, bundle_id, detail) VALUES (?1, 'handover_reapplied', ?2, ?3)",
                        rusqlite::params![now, bundle_id, format!("clients={}", uuids.len())],
                    )?;
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
) -> Result<BackupInfo, ImportError> {
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
) -> Result<RestoreReport, ImportError> {
    let source = backup::backup_path(&home.backups_dir(), name)?;
    if !source.is_file() {
        return Err(ImportError::Backup {
            name: name.to_string(),
            detail: "does not exist: run `bemx backup list` to see the backups".into(),
        });
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
    let journal = journal_path(db_path);
    if journal.exists() {
        return Err(ImportError::Backup {
            name: name.to_string(),
            detail: format!(
                "cannot restore while {} exists (an interrupted write): open the database once with bemx (`bemx db check`) so SQLite can roll it back, then restore",
                journal.display()
            ),
        });
    }
    let temp = home.restore_temp_path();
    let dir = match db_path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => std::path::PathBuf::from("."),
    };
    let _ = std::fs::remove_file(&temp);
    let result = (|| -> Result<(), ImportError> {
        let mut out = backup::create_private_file(&temp)?;
        backup::decrypt_backup(&source, identity.age_identity(), &mut out)?;
        out.sync_all().map_err(|e| ImportError::io("writing", &temp, e))?;
        drop(out);
        // The restored file must be a healthy bemx database of our schema.
        let check = bemx_db::Database::open(&temp)?;
        backup::quick_check(check.conn())?;
        drop(check);
        std::fs::rename(&temp, db_path).map_err(|e| ImportError::io("replacing the database with", db_path, e))?;
        backup::sync_dir(&dir);
        Ok(())
    })();
    if let Err(e) = result {
        let _ = std::fs::remove_file(&temp);
        return Err(e);
    }
    let clients_purged_again = reapply_records(home)?;
    Ok(RestoreReport { restored: name.to_string(), previous_state_backup: previous, clients_purged_again })
}

fn journal_path(db: &Path) -> std::path::PathBuf {
    let mut s = db.as_os_str().to_owned();
    s.push("-journal");
    std::path::PathBuf::from(s)
}
