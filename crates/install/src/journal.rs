//! The handover journal: every event that moves a client into or out of
//! this installation, in the order it happened, in an append-only text file
//! beside the database (`handover-journal.log`), so that it survives any
//! restore of the database — by bemx or by hand.
//!
//! Lines (spec/DESIGN.md, "Record files"; `<uuids>` is a comma-separated
//! list of client UUIDs):
//!
//! ```text
//! exported  <bundle> <recipient-fingerprint> <created> <manifest-sha256> <uuids>
//! confirmed <bundle> <uuids>
//! cancelled <bundle>
//! imported  <bundle> <sender-installation> <imported-at> <uuids>
//! ```
//!
//! Ordering invariants (DESIGN.md): an `exported` line is written before
//! its bundle can exist (E1); `confirmed` and `cancelled` lines before the
//! database changes (C1, X1); an `imported` line right after the import's
//! commit, and again from the database's ledger at the next open if a crash
//! came between (I2). So the journal is never behind the database except
//! for that one gap, which every locked open closes before anything else is
//! appended. Read in order, the later event about a client wins.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

use crate::InstallError;
use crate::audit::{self, Event};
use crate::ledger::{self, append_line, malformed, read_lines, record_line, uuid_list};

/// One event of the journal.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum JournalEntry {
    /// The clients were exported and are handed over until confirmed or cancelled.
    Exported {
        /// Bundle id.
        bundle_id: String,
        /// The recipient contact's fingerprint.
        recipient_fingerprint: String,
        /// Export time, RFC 3339.
        created_at: String,
        /// SHA-256 of the exact signed manifest, hex: a receipt must name it.
        manifest_sha256: String,
        /// The clients' UUIDs.
        clients: Vec<String>,
    },
    /// The receiver's receipt confirmed the handover; the clients are purged here.
    Confirmed {
        /// Bundle id.
        bundle_id: String,
        /// The clients' UUIDs.
        clients: Vec<String>,
    },
    /// The sender took the clients back.
    Cancelled {
        /// Bundle id.
        bundle_id: String,
    },
    /// A bundle was imported: its clients live here now.
    Imported {
        /// Bundle id.
        bundle_id: String,
        /// The verified sender's installation id, hex.
        sender_installation: String,
        /// Import time, RFC 3339.
        imported_at: String,
        /// The clients' UUIDs.
        clients: Vec<String>,
    },
}

impl JournalEntry {
    fn parse(line: &str) -> Option<Self> {
        let mut f = line.split_whitespace();
        let entry = match (f.next()?, f.next()?) {
            ("exported", id) => JournalEntry::Exported {
                bundle_id: id.to_string(),
                recipient_fingerprint: f.next()?.to_string(),
                created_at: f.next()?.to_string(),
                manifest_sha256: f.next()?.to_string(),
                clients: uuid_list(f.next()),
            },
            ("confirmed", id) => JournalEntry::Confirmed { bundle_id: id.to_string(), clients: uuid_list(f.next()) },
            ("cancelled", id) => JournalEntry::Cancelled { bundle_id: id.to_string() },
            ("imported", id) => JournalEntry::Imported {
                bundle_id: id.to_string(),
                sender_installation: f.next()?.to_string(),
                imported_at: f.next()?.to_string(),
                clients: uuid_list(f.next()),
            },
            _ => return None,
        };
        f.next().is_none().then_some(entry)
    }

    fn to_line(&self) -> String {
        match self {
            JournalEntry::Exported { bundle_id, recipient_fingerprint, created_at, manifest_sha256, clients } => {
                let fp: String = recipient_fingerprint.split_whitespace().collect();
                record_line(format!("exported {bundle_id} {fp} {created_at} {manifest_sha256} "), clients)
            }
            JournalEntry::Confirmed { bundle_id, clients } => record_line(format!("confirmed {bundle_id} "), clients),
            JournalEntry::Cancelled { bundle_id } => format!("cancelled {bundle_id}\n"),
            JournalEntry::Imported { bundle_id, sender_installation, imported_at, clients } => {
                record_line(format!("imported {bundle_id} {sender_installation} {imported_at} "), clients)
            }
        }
    }
}

/// Reads the journal; a line this version cannot read is refused with its number.
pub fn read_journal(path: &Path) -> Result<Vec<JournalEntry>, InstallError> {
    // Each line is dropped once parsed: a line lists every client of its
    // event, so the text and its parsed entries are not held twice.
    read_lines(path)?.into_iter().map(|(n, l)| JournalEntry::parse(&l).ok_or_else(|| malformed(path, n))).collect()
}

/// Appends one event (fsynced).
pub fn append_journal(path: &Path, entry: &JournalEntry) -> Result<(), InstallError> {
    append_line(path, entry.to_line())
}

/// A handover as the journal tells it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Handover {
    /// The recipient's fingerprint.
    pub recipient_fingerprint: String,
    /// Export time.
    pub created_at: String,
    /// SHA-256 of the signed manifest, hex.
    pub manifest_sha256: String,
    /// The clients.
    pub clients: Vec<String>,
    /// Its state now.
    pub state: HandoverState,
}

/// Where a handover stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HandoverState {
    /// Exported; neither confirmed nor cancelled.
    Open,
    /// The receipt came; the clients are gone from here.
    Confirmed,
    /// Taken back.
    Cancelled,
}

/// Where a client stands, by the last event about it.
///
/// The bundle id is shared by all the clients of one event (a handover of
/// 100,000 clients would otherwise hold 100,000 copies of it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ClientFate {
    /// In an open handover: read-only here.
    HandedOver(Arc<str>),
    /// Confirmed away by this bundle: must not exist here.
    Gone(Arc<str>),
    /// Taken back from this cancelled bundle: lives here.
    Back(Arc<str>),
    /// Arrived with this imported bundle: lives here.
    Arrived(Arc<str>),
}

/// The journal read in order: the later event about a client wins.
#[derive(Debug, Clone, Default)]
pub struct Replay {
    /// Handovers exported from here, by bundle id.
    pub handovers: BTreeMap<String, Handover>,
    /// Every client the journal speaks of, by UUID.
    pub clients: BTreeMap<String, ClientFate>,
}

impl Replay {
    /// Folds the events in order. A bundle's first `exported` line opens it;
    /// a later one (a re-appended line after a cancel, say) cannot reopen it.
    /// `confirmed` and `cancelled` settle only an open handover.
    ///
    /// The events are consumed: their client lists move into the replay
    /// rather than being copied, so a journal of many clients is held once.
    pub fn of(entries: impl IntoIterator<Item = JournalEntry>) -> Self {
        Self::fold(entries, true)
    }

    /// The handovers alone, folded exactly as [`Replay::of`] folds them,
    /// without the map of every client's fate: a receipt's check needs one
    /// handover's state and manifest, and holds the handover's client list
    /// already (100,000 clients: about 10 MB less at the confirm's peak).
    pub fn handovers_of(entries: impl IntoIterator<Item = JournalEntry>) -> BTreeMap<String, Handover> {
        Self::fold(entries, false).handovers
    }

    /// [`Replay::of`]; the clients' fates only `with_clients`.
    fn fold(entries: impl IntoIterator<Item = JournalEntry>, with_clients: bool) -> Self {
        let mut r = Replay::default();
        for e in entries {
            match e {
                JournalEntry::Exported { bundle_id, recipient_fingerprint, created_at, manifest_sha256, clients } => {
                    if r.handovers.contains_key(&bundle_id) {
                        continue;
                    }
                    if with_clients {
                        let bundle: Arc<str> = Arc::from(bundle_id.as_str());
                        for c in &clients {
                            r.clients.insert(c.clone(), ClientFate::HandedOver(Arc::clone(&bundle)));
                        }
                    }
                    r.handovers.insert(
                        bundle_id,
                        Handover {
                            recipient_fingerprint,
                            created_at,
                            manifest_sha256,
                            clients,
                            state: HandoverState::Open,
                        },
                    );
                }
                JournalEntry::Confirmed { bundle_id, clients } => {
                    if let Some(h) = r.handovers.get_mut(&bundle_id) {
                        if h.state != HandoverState::Open {
                            continue;
                        }
                        h.state = HandoverState::Confirmed;
                    }
                    if with_clients {
                        let bundle: Arc<str> = Arc::from(bundle_id);
                        for c in clients {
                            r.clients.insert(c, ClientFate::Gone(Arc::clone(&bundle)));
                        }
                    }
                }
                JournalEntry::Cancelled { bundle_id } => {
                    let Some(h) = r.handovers.get_mut(&bundle_id).filter(|h| h.state == HandoverState::Open) else {
                        continue;
                    };
                    h.state = HandoverState::Cancelled;
                    let bundle: Arc<str> = Arc::from(bundle_id);
                    for c in h.clients.iter().filter(|_| with_clients) {
                        if let Some(fate) = r.clients.get_mut(c)
                            && matches!(fate, ClientFate::HandedOver(b) if *b == bundle)
                        {
                            *fate = ClientFate::Back(Arc::clone(&bundle));
                        }
                    }
                }
                JournalEntry::Imported { bundle_id, clients, .. } if with_clients => {
                    let bundle: Arc<str> = Arc::from(bundle_id);
                    for c in clients {
                        r.clients.insert(c, ClientFate::Arrived(Arc::clone(&bundle)));
                    }
                }
                JournalEntry::Imported { .. } => {}
            }
        }
        r
    }

    /// Clients that must live here by the journal (arrived by import).
    pub fn arrived(&self) -> impl Iterator<Item = (&String, &Arc<str>)> {
        self.clients.iter().filter_map(|(c, f)| match f {
            ClientFate::Arrived(b) => Some((c, b)),
            _ => None,
        })
    }
}

/// What applying the journal to a database did or found.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct Applied {
    /// Clients purged again: confirmed away, yet present (an older backup).
    pub purged: Vec<String>,
    /// Handovers reopened: exported after the database's state.
    pub reopened: Vec<String>,
    /// Clients that arrived by import but are missing from the database:
    /// (client UUID, bundle id). Nothing can bring them back from here.
    pub missing: Vec<(String, String)>,
}

/// Makes the records agree with the journal: handovers the database does
/// not know are opened (their clients read-only), settled ones settled.
/// Runs inside the caller's transaction, which writes bemx's records only;
/// the clients confirmed away yet present are returned in
/// [`Applied::purged`] for [`purge_again`] to remove after it commits
/// (P1: a purge commits alone).
pub fn apply(tx: &rusqlite::Transaction<'_>, replay: &Replay) -> Result<Applied, InstallError> {
    let mut applied = Applied::default();
    for (bundle_id, h) in &replay.handovers {
        let state = match h.state {
            HandoverState::Open => "open",
            HandoverState::Confirmed => "confirmed",
            HandoverState::Cancelled => "cancelled",
        };
        let inserted = tx.execute(
            "INSERT OR IGNORE INTO handovers (bundle_id, recipient_fingerprint, created_at, state) VALUES (?1, ?2, ?3, ?4)",
            rusqlite::params![bundle_id, h.recipient_fingerprint, h.created_at, state],
        )?;
        if inserted == 1 {
            let mut add =
                tx.prepare("INSERT OR IGNORE INTO handover_clients (bundle_id, client_uuid) VALUES (?1, ?2)")?;
            for uuid in &h.clients {
                add.execute(rusqlite::params![bundle_id, uuid])?;
            }
            if h.state == HandoverState::Open {
                applied.reopened.push(bundle_id.clone());
            }
        } else if h.state != HandoverState::Open {
            tx.execute(
                "UPDATE handovers SET state = ?2 WHERE bundle_id = ?1 AND state = 'open'",
                rusqlite::params![bundle_id, state],
            )?;
        }
    }
    let gone: Vec<String> =
        replay.clients.iter().filter(|(_, f)| matches!(f, ClientFate::Gone(_))).map(|(c, _)| c.clone()).collect();
    applied.purged = bemx_db::existing_client_uuids(tx, &gone)?.into_iter().map(|(u, _)| u).collect();
    let arrived: Vec<String> = replay.arrived().map(|(c, _)| c.clone()).collect();
    let here: std::collections::BTreeSet<String> =
        bemx_db::existing_client_uuids(tx, &arrived)?.into_iter().map(|(u, _)| u).collect();
    applied.missing =
        replay.arrived().filter(|(c, _)| !here.contains(*c)).map(|(c, b)| (c.clone(), b.to_string())).collect();
    Ok(applied)
}

/// Purges the clients [`apply`] found confirmed away yet present, in a
/// transaction of its own that writes only the database they live in (P1,
/// [`crate::lock::begin_for_purge`]), whose kept journal is overwritten as
/// soon as it commits ([`bemx_db::scrub_journal`]). Then, unless
/// `audit_here` is false (a restore's copy beside records kept apart: its
/// caller records the event once the copy is the database), the audit log
/// says so in the next transaction. A crash
/// between the two leaves the clients purged and the event unrecorded; the
/// journal still holds the confirmation that purged them.
pub fn purge_again(conn: &mut rusqlite::Connection, applied: &Applied, audit_here: bool) -> Result<(), InstallError> {
    if applied.purged.is_empty() {
        return Ok(());
    }
    let tx = crate::lock::begin_for_purge(conn)?;
    bemx_db::purge_clients(&tx, &applied.purged)?;
    tx.commit()?;
    // Overwritten at once, before another program's write could reuse the
    // kept journal and give its blocks back unscrubbed.
    bemx_db::scrub_journal(conn)?;
    if audit_here {
        record_purged_again(conn, applied)?;
    }
    Ok(())
}

/// The audit event of [`purge_again`].
pub(crate) fn record_purged_again(conn: &rusqlite::Connection, applied: &Applied) -> Result<(), InstallError> {
    let now = bemx_format::time::rfc3339(bemx_format::time::now());
    let detail = format!("clients={} uuids={}", applied.purged.len(), applied.purged.join(","));
    audit::record(conn, &now, Event::HandoverReapplied, "-", &detail)
}

/// Appends what the database knows and the journal does not: an import
/// whose `imported` line a crash prevented (I2), and — for a journal that
/// was lost or predates a bundle — handovers the journal has never heard of.
pub fn reconcile(conn: &rusqlite::Connection, path: &Path) -> Result<(), InstallError> {
    let journal = read_journal(path)?;
    let known_bundle = |id: &str| {
        journal.iter().any(|e| match e {
            JournalEntry::Exported { bundle_id, .. }
            | JournalEntry::Confirmed { bundle_id, .. }
            | JournalEntry::Cancelled { bundle_id }
            | JournalEntry::Imported { bundle_id, .. } => bundle_id == id,
        })
    };
    for e in ledger::db_ledger(conn)? {
        let imported = journal.iter().any(|j| {
            matches!(j, JournalEntry::Imported { bundle_id, sender_installation, .. }
                if *bundle_id == e.bundle_id && *sender_installation == e.sender_installation)
        });
        if !imported {
            append_journal(
                path,
                &JournalEntry::Imported {
                    bundle_id: e.bundle_id,
                    sender_installation: e.sender_installation,
                    imported_at: e.imported_at,
                    clients: e.client_uuids,
                },
            )?;
        }
    }
    let mut stmt = conn.prepare(
        "SELECT bundle_id, recipient_fingerprint, created_at, state FROM handovers ORDER BY created_at, rowid",
    )?;
    let rows = stmt
        .query_map([], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?, r.get::<_, String>(3)?))
        })?
        .collect::<Result<Vec<_>, _>>()?;
    let mut clients_of =
        conn.prepare("SELECT client_uuid FROM handover_clients WHERE bundle_id = ?1 ORDER BY client_uuid")?;
    for (bundle_id, recipient_fingerprint, created_at, state) in rows {
        if known_bundle(&bundle_id) {
            continue;
        }
        let clients = clients_of.query_map([&bundle_id], |r| r.get(0))?.collect::<Result<Vec<String>, _>>()?;
        append_journal(
            path,
            &JournalEntry::Exported {
                bundle_id: bundle_id.clone(),
                recipient_fingerprint,
                created_at,
                manifest_sha256: "-".into(),
                clients: clients.clone(),
            },
        )?;
        match state.as_str() {
            "confirmed" => append_journal(path, &JournalEntry::Confirmed { bundle_id, clients })?,
            "cancelled" => append_journal(path, &JournalEntry::Cancelled { bundle_id })?,
            _ => {}
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn exported(b: &str, clients: &[&str]) -> JournalEntry {
        JournalEntry::Exported {
            bundle_id: b.into(),
            recipient_fingerprint: "ABCD-EFGH".into(),
            created_at: "2026-11-28T02:39:39Z".into(),
            manifest_sha256: "00".repeat(32),
            clients: clients.iter().map(|c| c.to_string()).collect(),
        }
    }

    fn confirmed(b: &str, clients: &[&str]) -> JournalEntry {
        JournalEntry::Confirmed { bundle_id: b.into(), clients: clients.iter().map(|c| c.to_string()).collect() }
    }

    fn imported(b: &str, clients: &[&str]) -> JournalEntry {
        JournalEntry::Imported {
            bundle_id: b.into(),
            sender_installation: "11".repeat(16),
            imported_at: "2026-11-29T02:39:39Z".into(),
            clients: clients.iter().map(|c| c.to_string()).collect(),
        }
    }

    #[test]
    fn every_line_round_trips() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("j.log");
        let all = vec![
            exported("cc", &["u3"]),
            confirmed("aa", &["u1", "u2"]),
            JournalEntry::Cancelled { bundle_id: "bb".into() },
            imported("dd", &["u4"]),
        ];
        for e in &all {
            append_journal(&p, e).unwrap();
        }
        assert_eq!(read_journal(&p).unwrap(), all);
    }

    #[test]
    fn the_later_event_about_a_client_wins() {
        // Issue 13.3: A → B confirmed, then B → A imported: the client lives here.
        let r = Replay::of([exported("b1", &["c"]), confirmed("b1", &["c"]), imported("b2", &["c"])]);
        assert_eq!(r.clients["c"], ClientFate::Arrived("b2".into()));
        // And the other way round: imported, then exported and confirmed away.
        let r = Replay::of([imported("b0", &["c"]), exported("b1", &["c"]), confirmed("b1", &["c"])]);
        assert_eq!(r.clients["c"], ClientFate::Gone("b1".into()));
    }

    #[test]
    fn an_exported_line_after_a_cancel_does_not_reopen_the_handover() {
        let r = Replay::of([
            exported("b1", &["c"]),
            JournalEntry::Cancelled { bundle_id: "b1".into() },
            exported("b1", &["c"]),
        ]);
        assert_eq!(r.handovers["b1"].state, HandoverState::Cancelled);
        assert_eq!(r.clients["c"], ClientFate::Back("b1".into()));
    }

    #[test]
    fn a_cancel_takes_back_only_the_clients_its_handover_still_holds() {
        let r = Replay::of([
            exported("b1", &["c", "d"]),
            imported("b0", &["d"]),
            exported("b2", &["c"]),
            JournalEntry::Cancelled { bundle_id: "b1".into() },
        ]);
        assert_eq!(r.clients["c"], ClientFate::HandedOver("b2".into()));
        assert_eq!(r.clients["d"], ClientFate::Arrived("b0".into()));
        let r = Replay::of([exported("b1", &["c"]), JournalEntry::Cancelled { bundle_id: "b1".into() }]);
        assert_eq!(r.clients["c"], ClientFate::Back("b1".into()));
        assert_eq!(r.handovers["b1"].clients, ["c"]);
    }

    /// The handovers alone fold as the whole replay folds them, for every
    /// sequence of four of these events, and keep no client's fate.
    #[test]
    fn the_handovers_alone_are_the_handovers_of_the_whole_replay() {
        let events = [
            exported("b1", &["c", "d"]),
            confirmed("b1", &["c", "d"]),
            JournalEntry::Cancelled { bundle_id: "b1".into() },
            exported("b1", &["e"]),
            imported("b2", &["c"]),
            confirmed("b9", &["x"]),
        ];
        let n = events.len();
        for a in 0..n {
            for b in 0..n {
                for c in 0..n {
                    for d in 0..n {
                        let seq: Vec<JournalEntry> = [a, b, c, d].iter().map(|&i| events[i].clone()).collect();
                        assert_eq!(Replay::handovers_of(seq.clone()), Replay::of(seq.clone()).handovers, "{seq:?}");
                        // And no client's fate is kept for it: that map is
                        // what it saves.
                        assert!(Replay::fold(seq, false).clients.is_empty());
                    }
                }
            }
        }
    }

    #[test]
    fn a_cancel_does_not_undo_a_confirm() {
        let r = Replay::of([
            exported("b1", &["c"]),
            confirmed("b1", &["c"]),
            JournalEntry::Cancelled { bundle_id: "b1".into() },
        ]);
        assert_eq!(r.handovers["b1"].state, HandoverState::Confirmed);
        assert_eq!(r.clients["c"], ClientFate::Gone("b1".into()));
    }
}
