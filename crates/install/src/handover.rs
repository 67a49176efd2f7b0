//! The sender's side of a handover: the export's own bookkeeping, then
//! list, confirm with the receiver's signed receipt (purging the clients
//! without a trace) and cancel (giving them back).

use bemx_format::receipt::Receipt;
use bemx_identity::Contacts;

use crate::audit::{self, Event};
use crate::journal::{self, HandoverState, JournalEntry, Replay};
use crate::{Home, InstallError, InstallLock, ReceiptFacts, ReceiptProblem, Session};

/// What the installation records of an export.
#[derive(Debug, Clone)]
pub struct ExportFacts {
    /// Bundle id, hex.
    pub bundle_id: String,
    /// The recipient contact's fingerprint.
    pub recipient_fingerprint: String,
    /// The recipient contact's name.
    pub recipient_name: String,
    /// The exported clients' UUIDs.
    pub clients: Vec<String>,
    /// SHA-256 of the exact signed manifest bytes, hex: the receipt must name it.
    pub manifest_sha256: String,
    /// Rows in the bundle.
    pub rows: u64,
    /// Documents in the bundle.
    pub documents: u64,
    /// UUIDs of the clients exported without a recorded handover consent,
    /// and the reason the user gave.
    pub without_consent: Option<(Vec<String>, String)>,
}

/// An export that the handover journal knows of before its bundle can
/// exist (spec/DESIGN.md, ordering invariant E1): were the process killed
/// after the bundle got its name and before the database commit, the
/// journal's line still marks the clients handed over at the next restore
/// or reconciliation, so no valid bundle is ever unknown to the sender.
///
/// Dropped without [`PendingExport::committed`], the export failed and its
/// bundle was removed: a `cancelled` line settles the journal.
#[derive(Debug)]
#[must_use = "an export that is neither committed nor dropped leaves its journal line open"]
pub struct PendingExport<'h> {
    home: &'h Home,
    facts: ExportFacts,
    settled: bool,
}

/// Appends the export to the handover journal (fsynced) before anything of
/// the bundle is written under its real name.
pub fn announce_export<'h>(home: &'h Home, mut facts: ExportFacts) -> Result<PendingExport<'h>, InstallError> {
    // The client list moves into the line and back, not copied: one list
    // per client count is what an export of many clients holds.
    let entry = JournalEntry::Exported {
        bundle_id: facts.bundle_id.clone(),
        recipient_fingerprint: facts.recipient_fingerprint.clone(),
        created_at: bemx_format::time::rfc3339(bemx_format::time::now()),
        manifest_sha256: facts.manifest_sha256.clone(),
        clients: std::mem::take(&mut facts.clients),
    };
    let appended = journal::append_journal(&home.handover_journal_path(), &entry);
    if let JournalEntry::Exported { clients, .. } = entry {
        facts.clients = clients;
    }
    appended?;
    Ok(PendingExport { home, facts, settled: false })
}

impl PendingExport<'_> {
    /// Marks the clients handed over and writes the audit entries, inside
    /// the export's transaction (the caller commits).
    pub fn record(&self, tx: &rusqlite::Transaction<'_>) -> Result<(), InstallError> {
        let f = &self.facts;
        let now = bemx_format::time::rfc3339(bemx_format::time::now());
        tx.execute(
            "INSERT INTO handovers (bundle_id, recipient_fingerprint, recipient_name, created_at, state) VALUES (?1, ?2, ?3, ?4, 'open')",
            rusqlite::params![f.bundle_id, f.recipient_fingerprint, f.recipient_name, now],
        )?;
        let mut insert = tx.prepare("INSERT INTO handover_clients (bundle_id, client_uuid) VALUES (?1, ?2)")?;
        // In the order of both its indexes (the key and the UUID's): each
        // row goes at the end of the last page, where in the clients' order
        // it went to a random one, and 20,000 clients' pages outgrew
        // SQLite's cache (half the time of this, issue 18, item 3).
        let mut uuids: Vec<&String> = f.clients.iter().collect();
        uuids.sort_unstable();
        for uuid in uuids {
            insert.execute(rusqlite::params![f.bundle_id, uuid])?;
        }
        let detail = format!(
            "clients={} rows={} documents={} recipient={}",
            f.clients.len(),
            f.rows,
            f.documents,
            f.recipient_fingerprint
        );
        audit::record(tx, &now, Event::Export, &f.bundle_id, &detail)?;
        if let Some((uuids, reason)) = f.without_consent.as_ref().filter(|(u, _)| !u.is_empty()) {
            let detail = format!("clients={} uuids={} reason={reason}", uuids.len(), uuids.join(","));
            audit::record(tx, &now, Event::ExportWithoutConsent, &f.bundle_id, &detail)?;
        }
        Ok(())
    }

    /// The export's transaction committed: the journal line stands. Hands
    /// back the exported clients' UUIDs, for the caller's report.
    pub fn committed(mut self) -> Vec<String> {
        self.settled = true;
        std::mem::take(&mut self.facts.clients)
    }
}

impl Drop for PendingExport<'_> {
    fn drop(&mut self) {
        if !self.settled {
            // Best effort: should this append fail too, the `exported` line
            // alone makes a later reconciliation treat the clients as handed
            // over — the safe side, undone with `bemx handover cancel`.
            let _ = journal::append_journal(
                &self.home.handover_journal_path(),
                &JournalEntry::Cancelled { bundle_id: self.facts.bundle_id.clone() },
            );
        }
    }
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
pub fn list(home: &Home) -> Result<Vec<HandoverSummary>, InstallError> {
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

fn handover_row(conn: &rusqlite::Connection, bundle_id: &str) -> Result<(String, String, Vec<String>), InstallError> {
    let row: Option<(String, String)> = conn
        .query_row("SELECT state, recipient_fingerprint FROM handovers WHERE bundle_id = ?1", [bundle_id], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .map(Some)
        .or_else(|e| if e == rusqlite::Error::QueryReturnedNoRows { Ok(None) } else { Err(e) })?;
    let Some((state, fingerprint)) = row else {
        return Err(InstallError::UnknownHandover(bundle_id.to_string()));
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
    /// Backups taken before the purge, which may still hold the clients'
    /// records (encrypted) until they are deleted: the purge does not reach
    /// into them, and every backup taken since the export holds them.
    pub still_in_backups: Vec<String>,
}

/// Verifies the receiver's receipt and purges the handed-over clients.
///
/// The receipt must be signed by the recipient's key and name this
/// installation as sender, the recipient as receiver, the exact manifest
/// this installation exported (its SHA-256, from the journal) and exactly
/// its clients. The journal's `confirmed` line is written before the purge
/// (invariant C1): were the purge interrupted, the next open completes it.
pub fn confirm(
    home: &Home,
    lock: &InstallLock,
    contacts: &Contacts,
    own_installation: [u8; 16],
    receipt_file: &[u8],
) -> Result<ConfirmReport, InstallError> {
    let (unverified, _, _) = Receipt::parse_unverified(receipt_file)?;
    let bundle_id = hex::encode(unverified.bundle_id);
    let (mut session, _) = Session::open_locked(home, lock)?;
    // This transaction purges: keep its journal to overwrite after it ends.
    bemx_db::keep_journal_for_purge(session.db.conn())?;
    let result = confirm_in(home, &mut session, contacts, own_installation, receipt_file, bundle_id);
    // Committed (the journal holds the purged clients' original pages) or
    // refused (rolled back, the journal kept all the same): overwrite it.
    let scrubbed = bemx_db::scrub_journal(session.db.conn());
    let report = result?;
    scrubbed?;
    Ok(report)
}

/// What [`confirm`] with `receipt_file` will remove, for the question
/// before it (issue 15, item 3): the bundle id the receipt names and the
/// BEM-IDs of that open handover's clients, after every check `confirm`
/// makes (so a refusal comes before the question). Reads only.
pub fn clients_to_remove(
    home: &Home,
    lock: &InstallLock,
    contacts: &Contacts,
    own_installation: [u8; 16],
    receipt_file: &[u8],
) -> Result<(String, Vec<String>), InstallError> {
    let (unverified, _, _) = Receipt::parse_unverified(receipt_file)?;
    let bundle_id = hex::encode(unverified.bundle_id);
    let (session, _) = Session::open_locked(home, lock)?;
    // The same checks as the confirm itself, so a refusal (a cancelled
    // handover's alarm above all) comes before any question.
    let uuids = check_receipt(home, session.db.conn(), contacts, own_installation, receipt_file, &bundle_id)?;
    // A disk too full for the purge, too, is said before the question.
    room_for_purge(&session.file, |db_bytes| {
        Ok(bemx_db::plan_purge(session.db.conn(), &uuids)?.journal_bytes(db_bytes))
    })?;
    let bem_ids = bemx_db::existing_client_uuids(session.db.conn(), &uuids)?.into_iter().map(|(_, b)| b).collect();
    Ok((bundle_id, bem_ids))
}

/// S1: the purge's rollback journal holds every page it overwrites (a
/// handover of 20,000 clients with documents: 10 GB) and sits beside the
/// database. Refused with the numbers before anything changes, not failed
/// as a full disk half-way. `journal_bytes` estimates the journal from the
/// database file's size; it is asked only when the disk cannot hold the
/// largest journal the file allows, since planning a purge walks every
/// row (2 s of a confirm of 100,000 clients).
fn room_for_purge(
    file: &crate::session::DbFileHandle,
    journal_bytes: impl FnOnce(u64) -> Result<u64, InstallError>,
) -> Result<(), InstallError> {
    let db_bytes = file.file.metadata().map_err(|e| InstallError::io(crate::IoAction::Reading, &file.path, e))?.len();
    let need = |bytes| [crate::space::Need { path: file.path.clone(), bytes, purpose: crate::space::Purpose::Purge }];
    let margin = crate::space::Margin::Installation;
    if crate::space::ensure(&need(bemx_db::PurgePlan::most_journal_bytes(db_bytes)), margin).is_ok() {
        return Ok(());
    }
    crate::space::ensure(&need(journal_bytes(db_bytes)?), margin)
}

/// Every check of a receipt before its purge (C2), reading only: the
/// handover open, the receipt signed by its recorded recipient, for these
/// two parties, this exact manifest and these clients. Returns the
/// handover's client UUIDs. [`confirm`] runs it inside its transaction,
/// [`clients_to_remove`] before the question.
fn check_receipt(
    home: &Home,
    conn: &rusqlite::Connection,
    contacts: &Contacts,
    own_installation: [u8; 16],
    receipt_file: &[u8],
    bundle_id: &str,
) -> Result<Vec<String>, InstallError> {
    let bundle_id = bundle_id.to_owned();
    let (state, fingerprint, uuids) = handover_row(conn, &bundle_id)?;
    match state.as_str() {
        "open" => {}
        "cancelled" => {
            return Err(InstallError::Receipt(ReceiptProblem::CancelledHandover(bundle_id)));
        }
        _ => {
            return Err(InstallError::HandoverState { bundle: bundle_id, state, attempted: "confirm" });
        }
    }
    // The recorded fingerprint, exactly: never a name or prefix match.
    let unknown = || {
        InstallError::Receipt(ReceiptProblem::RecipientUnknown {
            bundle: bundle_id.clone(),
            fingerprint: fingerprint.clone(),
        })
    };
    let recorded = bemx_identity::Fingerprint::parse(&fingerprint).map_err(|_| unknown())?;
    let contact = contacts.find_fingerprint(&recorded).ok_or_else(unknown)?;
    let receipt = Receipt::verify_file(receipt_file, &contact.card.signing_key)?;
    let mismatch = |what| InstallError::Receipt(ReceiptProblem::Mismatch { bundle: bundle_id.clone(), what });
    if receipt.sender != own_installation || receipt.receiver != *contact.card.installation_id.as_bytes() {
        return Err(mismatch(ReceiptFacts::Parties));
    }
    let handovers = Replay::handovers_read(&home.handover_journal_path())?;
    let exported = handovers.get(&bundle_id).filter(|h| h.state == HandoverState::Open);
    if exported.is_none_or(|h| h.manifest_sha256 != hex::encode(receipt.manifest_sha256)) {
        return Err(mismatch(ReceiptFacts::Manifest));
    }
    let ours: Vec<[u8; 16]> =
        uuids.iter().filter_map(|u| uuid::Uuid::parse_str(u).ok()).map(|u| *u.as_bytes()).collect();
    if ours.len() != uuids.len() || receipt.clients_sha256 != Receipt::clients_digest(&ours) {
        return Err(mismatch(ReceiptFacts::Clients));
    }
    Ok(uuids)
}

/// [`confirm`] inside its transaction.
fn confirm_in(
    home: &Home,
    session: &mut Session,
    contacts: &Contacts,
    own_installation: [u8; 16],
    receipt_file: &[u8],
    bundle_id: String,
) -> Result<ConfirmReport, InstallError> {
    // P1: the purge commits alone (the records are only read in it); the
    // handover's state and the audit entry follow in a transaction of their
    // own (C3).
    let tx = crate::lock::begin_for_purge(session.db.conn_mut())?;
    let uuids = check_receipt(home, &tx, contacts, own_installation, receipt_file, &bundle_id)?;
    // On a host database nothing keeps the host program from changing what
    // a client is recognised by: a handover whose clients cannot all be
    // found is not confirmed (their rows would stay here, unpurged).
    if bemx_db::installation_profile(&tx)?.is_some() {
        let missing = bemx_db::clients_not_found(&tx, &uuids)?;
        if !missing.is_empty() {
            return Err(InstallError::ClientsChanged { count: missing.len() });
        }
    }
    // Read before anything changes: an unreadable backups folder must
    // refuse the confirm, not fail it after the purge has committed. Named
    // by their files alone: checking signatures would need the identity.
    let still_in_backups: Vec<String> =
        crate::backup::scan_backups(&home.backups_dir())?.into_iter().map(|b| b.name).collect();
    // S1, checked again inside the transaction that purges.
    let plan = bemx_db::plan_purge(&tx, &uuids)?;
    room_for_purge(&session.file, |db_bytes| Ok(plan.journal_bytes(db_bytes)))?;
    journal::append_journal(
        &home.handover_journal_path(),
        &JournalEntry::Confirmed { bundle_id: bundle_id.clone(), clients: uuids.clone() },
    )?;
    let purge = plan.run(&tx)?;
    tx.commit()?;
    // Overwritten at once, before another program's write could reuse the
    // kept journal and give its blocks back unscrubbed.
    bemx_db::scrub_journal(session.db.conn())?;
    // A kill here leaves the journal's line to complete the state (R1).
    let now = bemx_format::time::rfc3339(bemx_format::time::now());
    let tx = session.begin()?;
    tx.execute(
        "UPDATE handovers SET state = 'confirmed', receipt_at = ?2 WHERE bundle_id = ?1",
        rusqlite::params![bundle_id, now],
    )?;
    let deleted: u64 = purge.rows_per_table.values().sum();
    let detail = format!("clients={} rows_deleted={deleted}", uuids.len());
    audit::record(&tx, &now, Event::HandoverConfirmed, &bundle_id, &detail)?;
    tx.commit()?;
    Ok(ConfirmReport {
        bundle_id,
        clients: uuids.len(),
        rows_deleted: purge.rows_per_table.into_iter().collect(),
        still_in_backups,
    })
}

/// The whole bundle id that `query` names in `table`: the id itself, or
/// its start as people are shown it (at least [`MIN_ID_PREFIX`] hex
/// characters) when exactly one id begins so. `table` is a constant of
/// ours (`handovers`, `import_ledger`), never input.
pub fn resolve_bundle_id(conn: &rusqlite::Connection, table: &str, query: &str) -> Result<String, InstallError> {
    let query = query.trim().to_ascii_lowercase();
    // An empty query is hex by this test and refused by its length.
    let hex = query.bytes().all(|b| b.is_ascii_hexdigit());
    if !hex || query.len() < MIN_ID_PREFIX || query.len() > 64 {
        return Err(InstallError::UnknownHandover(query));
    }
    let mut stmt = conn.prepare(&format!(
        "SELECT DISTINCT bundle_id FROM {table} WHERE substr(bundle_id, 1, ?1) = ?2 ORDER BY bundle_id LIMIT 10"
    ))?;
    let found: Vec<String> =
        stmt.query_map(rusqlite::params![query.len() as i64, query], |r| r.get(0))?.collect::<Result<_, _>>()?;
    match found.as_slice() {
        [one] => Ok(one.clone()),
        [] => Err(InstallError::UnknownHandover(query)),
        _ => Err(InstallError::AmbiguousBundle { query, matches: found }),
    }
}

/// Fewest hex characters of a bundle id that name it (people are shown
/// [`bemx_i18n::SHORT_ID`]).
pub const MIN_ID_PREFIX: usize = 8;

/// Gives the clients of an open handover back and records the bundle as
/// revoked; the journal's `cancelled` line is written first (invariant X1).
/// `bundle_id` may be the start shown to people (see [`resolve_bundle_id`]);
/// returns the whole id and the number of clients given back.
pub fn cancel(home: &Home, lock: &InstallLock, bundle_id: &str) -> Result<(String, usize), InstallError> {
    let (mut session, _) = Session::open_locked(home, lock)?;
    let tx = session.begin()?;
    let bundle_id = resolve_bundle_id(&tx, "handovers", bundle_id)?;
    let (state, _, uuids) = handover_row(&tx, &bundle_id)?;
    if state != "open" {
        return Err(InstallError::HandoverState { bundle: bundle_id, state, attempted: "cancel" });
    }
    journal::append_journal(&home.handover_journal_path(), &JournalEntry::Cancelled { bundle_id: bundle_id.clone() })?;
    let now = bemx_format::time::rfc3339(bemx_format::time::now());
    tx.execute("UPDATE handovers SET state = 'cancelled' WHERE bundle_id = ?1", [&bundle_id])?;
    audit::record(&tx, &now, Event::HandoverCancelled, &bundle_id, &format!("clients={}", uuids.len()))?;
    tx.commit()?;
    Ok((bundle_id, uuids.len()))
}
