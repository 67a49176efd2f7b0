//! The sender's side of a handover, as this crate keeps it: an export's
//! bookkeeping, the list, the receipt's checks before the purge, cancel,
//! and the agreement between database and journal at every locked open —
//! after a restore of an older database above all (spec/DESIGN.md E1, C1,
//! C2, X1, R1).
//!
//! The bundle itself is not made here (that is `bemx-pack`): each test
//! records an export's facts as the export does, then acts on them.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use bemx_format::receipt::Receipt;
use bemx_identity::{Contacts, Identity};
use bemx_install::handover::{self, ExportFacts};
use bemx_install::journal::{self, JournalEntry};
use bemx_install::{Home, InstallError, InstallLock, ReceiptFacts, ReceiptProblem, Session};

/// An installation with seeded clients, its identity and lock, and a
/// trusted receiver.
struct Site {
    _dir: tempfile::TempDir,
    home: Home,
    id: Identity,
    lock: InstallLock,
    receiver: Identity,
    contacts: Contacts,
}

fn site(clients: u32) -> Site {
    let dir = tempfile::tempdir().unwrap();
    let home = Home::new(dir.path().join("home"), None);
    let id = bemx_install::setup::create(&home, "Anna Schmidt", None).unwrap();
    let mut db = bemx_db::Database::open(home.db_path()).unwrap();
    // Small documents: these tests are about bookkeeping, not volume.
    let options = bemx_demo::SeedOptions { document_bytes: (16, 256), ..bemx_demo::SeedOptions::new(clients, 7) };
    bemx_demo::seed_with(&mut db, &options).unwrap();
    drop(db);
    let receiver = Identity::generate("Bernd Meier").unwrap();
    let mut contacts = Contacts::load(home.root()).unwrap();
    contacts.add(receiver.contact_card()).unwrap();
    let lock = home.lock().unwrap();
    Site { _dir: dir, home, id, lock, receiver, contacts }
}

impl Site {
    fn conn(&self) -> rusqlite::Connection {
        rusqlite::Connection::open(self.home.db_path()).unwrap()
    }

    /// Client UUIDs, ascending.
    fn clients(&self) -> Vec<String> {
        let conn = self.conn();
        let mut stmt = conn.prepare("SELECT uuid FROM clients ORDER BY uuid").unwrap();
        stmt.query_map([], |r| r.get(0)).unwrap().collect::<Result<_, _>>().unwrap()
    }

    fn facts(&self, bundle: u8, clients: &[String]) -> ExportFacts {
        ExportFacts {
            bundle_id: hex::encode([bundle; 32]),
            recipient_fingerprint: self.receiver.contact_card().fingerprint().to_string(),
            recipient_name: "Bernd Meier".into(),
            clients: clients.to_vec(),
            manifest_sha256: hex::encode([bundle ^ 0x55; 32]),
            rows: 10,
            documents: 2,
            without_consent: None,
        }
    }

    /// Records an export of `clients` as the export does: the locked open,
    /// the journal line, then the rows in the export's transaction.
    fn export(&self, facts: ExportFacts) -> String {
        let bundle_id = facts.bundle_id.clone();
        let (mut session, _) = Session::open_locked(&self.home, &self.lock).unwrap();
        let pending = handover::announce_export(&self.home, facts).unwrap();
        let tx = session.begin().unwrap();
        pending.record(&tx).unwrap();
        tx.commit().unwrap();
        pending.committed();
        bundle_id
    }

    /// The receipt the receiver signs for the export `facts` describes.
    fn receipt(&self, facts: &ExportFacts) -> Receipt {
        let uuids: Vec<[u8; 16]> =
            facts.clients.iter().map(|u| *uuid::Uuid::parse_str(u).unwrap().as_bytes()).collect();
        Receipt {
            rows: facts.rows,
            format: bemx_format::FORMAT_VERSION,
            sender: *self.id.installation_id().as_bytes(),
            clients: uuids.len() as u64,
            receiver: *self.receiver.installation_id().as_bytes(),
            bundle_id: hex::decode(&facts.bundle_id).unwrap().try_into().unwrap(),
            imported_at: 1_780_000_000,
            clients_sha256: Receipt::clients_digest(&uuids),
            manifest_sha256: hex::decode(&facts.manifest_sha256).unwrap().try_into().unwrap(),
        }
    }

    fn signed(&self, receipt: &Receipt) -> Vec<u8> {
        receipt.sign_to_file(self.receiver.signing_key())
    }

    fn confirm(&self, receipt_file: &[u8]) -> Result<handover::ConfirmReport, InstallError> {
        handover::confirm(&self.home, &self.lock, &self.contacts, *self.id.installation_id().as_bytes(), receipt_file)
    }

    fn to_remove(&self, receipt_file: &[u8]) -> Result<(String, Vec<String>), InstallError> {
        handover::clients_to_remove(
            &self.home,
            &self.lock,
            &self.contacts,
            *self.id.installation_id().as_bytes(),
            receipt_file,
        )
    }

    fn state(&self, bundle_id: &str) -> String {
        self.conn().query_row("SELECT state FROM handovers WHERE bundle_id = ?1", [bundle_id], |r| r.get(0)).unwrap()
    }

    /// The open handover holding the client, if any.
    fn held_by(&self, uuid: &str) -> Option<String> {
        bemx_db::find_client(&self.conn(), uuid).unwrap().handover_bundle
    }

    fn events(&self) -> Vec<String> {
        let conn = self.conn();
        let mut stmt = conn.prepare("SELECT event FROM audit_log ORDER BY id").unwrap();
        stmt.query_map([], |r| r.get(0)).unwrap().collect::<Result<_, _>>().unwrap()
    }

    fn journal(&self) -> Vec<JournalEntry> {
        journal::read_journal(&self.home.handover_journal_path()).unwrap()
    }

    /// Everything a refused confirm must leave as it was.
    fn snapshot(&self) -> (Vec<String>, Vec<String>, Vec<JournalEntry>) {
        (self.clients(), self.events(), self.journal())
    }

    /// The database file as it is now, to put back later as a restore
    /// made outside bemx would.
    fn copy_db(&self) -> Vec<u8> {
        std::fs::read(self.home.db_path()).unwrap()
    }

    fn put_back_db(&self, bytes: &[u8]) {
        std::fs::write(self.home.db_path(), bytes).unwrap();
    }

    fn open_locked(&self) -> journal::Applied {
        Session::open_locked(&self.home, &self.lock).unwrap().1
    }
}

/// An export marks exactly its clients handed over (read-only), lists the
/// handover as open with its recipient, and logs the export; the journal
/// holds its `exported` line and nothing that settles it.
#[test]
fn an_export_marks_its_clients_handed_over_and_is_listed_open() {
    let s = site(3);
    let all = s.clients();
    let bundle = s.export(s.facts(1, &all[..2]));
    assert_eq!(s.held_by(&all[0]).as_deref(), Some(bundle.as_str()));
    assert_eq!(s.held_by(&all[1]).as_deref(), Some(bundle.as_str()));
    assert_eq!(s.held_by(&all[2]), None);

    let list = handover::list(&s.home).unwrap();
    assert_eq!(list.len(), 1);
    assert_eq!(list[0].bundle_id, bundle);
    assert_eq!(list[0].state, "open");
    assert_eq!(list[0].clients, 2);
    assert_eq!(list[0].recipient_name, "Bernd Meier");
    assert_eq!(list[0].recipient_fingerprint, s.receiver.contact_card().fingerprint().to_string());

    assert_eq!(s.events(), ["export"]);
    match s.journal().as_slice() {
        [JournalEntry::Exported { bundle_id, clients, .. }] => {
            assert_eq!(bundle_id, &bundle);
            assert_eq!(clients, &all[..2]);
        }
        other => panic!("{other:?}"),
    }
}

/// An export without consent for some clients logs them with the reason;
/// an empty list of such clients logs nothing extra.
#[test]
fn an_export_without_consent_is_logged_only_for_clients_without_it() {
    let s = site(2);
    let all = s.clients();
    let mut facts = s.facts(1, &all[..1]);
    facts.without_consent = Some((vec![all[0].clone()], "Eilfall".into()));
    s.export(facts);
    let mut facts = s.facts(2, &all[1..]);
    facts.without_consent = Some((Vec::new(), "unused".into()));
    s.export(facts);
    assert_eq!(s.events(), ["export", "export_without_consent", "export"]);
    let detail: String = s
        .conn()
        .query_row("SELECT detail FROM audit_log WHERE event = 'export_without_consent'", [], |r| r.get(0))
        .unwrap();
    assert_eq!(detail, format!("clients=1 uuids={} reason=Eilfall", all[0]));
}

/// An export that fails before its commit settles its journal line: the
/// `cancelled` line follows, so no later open treats the clients as
/// handed over (E1).
#[test]
fn an_export_dropped_before_its_commit_is_cancelled_in_the_journal() {
    let s = site(1);
    let all = s.clients();
    let facts = s.facts(1, &all);
    let bundle = facts.bundle_id.clone();
    drop(handover::announce_export(&s.home, facts).unwrap());
    match s.journal().as_slice() {
        [JournalEntry::Exported { .. }, JournalEntry::Cancelled { bundle_id }] => assert_eq!(bundle_id, &bundle),
        other => panic!("{other:?}"),
    }
    s.open_locked();
    assert_eq!(s.held_by(&all[0]), None, "the client is free again");
}

/// The receiver's receipt purges exactly the handed-over clients; the
/// question before it names them; the handover is confirmed, logged and
/// journalled (C1).
#[test]
fn a_matching_receipt_purges_exactly_the_handed_over_clients() {
    let s = site(3);
    let all = s.clients();
    let facts = s.facts(1, &all[..2]);
    let bundle = s.export(facts.clone());
    let file = s.signed(&s.receipt(&facts));

    let bem_ids: Vec<String> =
        all[..2].iter().map(|u| bemx_db::find_client(&s.conn(), u).unwrap().bem_id).collect::<Vec<_>>();
    let (named, mut asked) = s.to_remove(&file).unwrap();
    asked.sort();
    let mut expected = bem_ids.clone();
    expected.sort();
    assert_eq!((named.as_str(), asked), (bundle.as_str(), expected));

    let report = s.confirm(&file).unwrap();
    assert_eq!(report.bundle_id, bundle);
    assert_eq!(report.clients, 2);
    assert!(report.rows_deleted.iter().map(|(_, n)| n).sum::<u64>() >= 2);
    assert_eq!(s.clients(), &all[2..]);
    assert_eq!(s.state(&bundle), "confirmed");
    assert_eq!(s.events(), ["export", "handover_confirmed"]);
    assert!(matches!(s.journal().last(), Some(JournalEntry::Confirmed { bundle_id, .. }) if *bundle_id == bundle));

    // A second confirm of the same handover is refused: it is settled.
    match s.confirm(&file) {
        Err(InstallError::HandoverState { state, attempted: "confirm", .. }) => assert_eq!(state, "confirmed"),
        other => panic!("{other:?}"),
    }
}

/// Set for the child half of the full-disk confirm test (the free-space
/// hook is the whole process's environment, so it runs in a child).
const FULL_DISK_CHILD: &str = "BEMX_LIFECYCLE_FULL_DISK_CHILD";

/// The child half of [`a_disk_too_full_for_the_purge_refuses_the_confirm_before_the_question`]:
/// does nothing unless that test started it with the hook set.
#[test]
fn full_disk_confirm_child() {
    if std::env::var_os(FULL_DISK_CHILD).is_none() {
        return;
    }
    let s = site(3);
    let all = s.clients();
    let facts = s.facts(1, &all[..2]);
    s.export(facts.clone());
    let file = s.signed(&s.receipt(&facts));
    let before = s.snapshot();
    let full = |e: InstallError| match e {
        InstallError::DiskFull { purposes, .. } => assert!(purposes.contains("handed-over clients"), "{purposes}"),
        other => panic!("{other:?}"),
    };
    // Before the question, and again in the confirm itself.
    full(s.to_remove(&file).unwrap_err());
    full(s.confirm(&file).unwrap_err());
    assert_eq!(s.snapshot(), before, "a refused confirm changed nothing");
}

/// DESIGN.md S1: a disk that cannot hold the purge's rollback journal
/// refuses the confirm before the question and in the confirm, with
/// nothing changed (the free-space hook leaves only the margin).
#[test]
fn a_disk_too_full_for_the_purge_refuses_the_confirm_before_the_question() {
    let out = std::process::Command::new(std::env::current_exe().unwrap())
        .args(["--exact", "full_disk_confirm_child", "--test-threads=1"])
        .env(bemx_install::space::TEST_FREE_SPACE_VAR, (64u64 << 20).to_string())
        .env(FULL_DISK_CHILD, "1")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}{}", String::from_utf8_lossy(&out.stderr));
    assert!(stdout.contains("1 passed"), "the child ran no test: {stdout}");
}

fn mismatch(e: InstallError) -> ReceiptFacts {
    match e {
        InstallError::Receipt(ReceiptProblem::Mismatch { what, .. }) => what,
        other => panic!("expected a mismatch, got {other:?}"),
    }
}

/// C2: a receipt purges nothing unless it is signed by the recorded
/// recipient, names this installation as sender and the recipient as
/// receiver, the exact manifest exported and exactly its clients. Each
/// refusal comes before the question, too, and changes nothing.
#[test]
fn a_receipt_that_differs_in_any_fact_purges_nothing() {
    let s = site(3);
    let all = s.clients();
    let facts = s.facts(1, &all[..2]);
    let bundle = s.export(facts.clone());
    let good = s.receipt(&facts);
    let before = s.snapshot();
    let other = Identity::generate("Carla").unwrap();

    let cases: Vec<(Receipt, ReceiptFacts)> = vec![
        (Receipt { sender: *other.installation_id().as_bytes(), ..good.clone() }, ReceiptFacts::Parties),
        (Receipt { receiver: *other.installation_id().as_bytes(), ..good.clone() }, ReceiptFacts::Parties),
        (Receipt { manifest_sha256: [0xee; 32], ..good.clone() }, ReceiptFacts::Manifest),
        (
            Receipt {
                clients_sha256: Receipt::clients_digest(&[*uuid::Uuid::parse_str(&all[0]).unwrap().as_bytes()]),
                ..good.clone()
            },
            ReceiptFacts::Clients,
        ),
    ];
    for (receipt, expected) in cases {
        let file = s.signed(&receipt);
        for e in [s.to_remove(&file).unwrap_err(), s.confirm(&file).unwrap_err()] {
            let what = mismatch(e);
            assert_eq!(what.to_string(), expected.to_string(), "{receipt:?}");
        }
        assert_eq!(s.snapshot(), before, "a refused receipt changed something");
    }

    // Signed by someone else than the recorded recipient.
    let forged = good.sign_to_file(other.signing_key());
    for e in [s.to_remove(&forged).unwrap_err(), s.confirm(&forged).unwrap_err()] {
        assert!(matches!(e, InstallError::Format(_)), "{e:?}");
    }
    assert_eq!(s.snapshot(), before);
    assert_eq!(s.state(&bundle), "open");

    // The same receipt, right in every fact, goes through.
    s.confirm(&s.signed(&good)).unwrap();
}

/// The receipt of a handover that was cancelled is an alarm, not a
/// confirm; one for a bundle never exported here is unknown; one whose
/// recorded recipient is no longer a contact is refused naming it.
#[test]
fn a_receipt_for_a_cancelled_unknown_or_untrusted_handover_is_refused() {
    let s = site(2);
    let all = s.clients();
    let facts = s.facts(1, &all[..1]);
    let bundle = s.export(facts.clone());
    handover::cancel(&s.home, &s.lock, &bundle).unwrap();
    let file = s.signed(&s.receipt(&facts));
    for e in [s.to_remove(&file).unwrap_err(), s.confirm(&file).unwrap_err()] {
        assert!(matches!(&e, InstallError::Receipt(ReceiptProblem::CancelledHandover(b)) if *b == bundle), "{e:?}");
    }

    let never = s.facts(9, &all[1..]);
    let file = s.signed(&s.receipt(&never));
    assert!(matches!(s.confirm(&file), Err(InstallError::UnknownHandover(b)) if b == never.bundle_id));

    let facts = s.facts(2, &all[1..]);
    s.export(facts.clone());
    let file = s.signed(&s.receipt(&facts));
    let strangers = Contacts::load(tempfile::tempdir().unwrap().path()).unwrap();
    let e = handover::confirm(&s.home, &s.lock, &strangers, *s.id.installation_id().as_bytes(), &file).unwrap_err();
    assert!(matches!(e, InstallError::Receipt(ReceiptProblem::RecipientUnknown { .. })), "{e:?}");
    assert_eq!(s.clients(), all, "nothing was purged");
}

/// X1: cancel gives an open handover's clients back, by the id or its
/// start as shown; a settled handover cannot be cancelled.
#[test]
fn cancel_gives_the_clients_back_once() {
    let s = site(3);
    let all = s.clients();
    let bundle = s.export(s.facts(0xab, &all[..2]));
    let (id, given_back) = handover::cancel(&s.home, &s.lock, &bundle[..8]).unwrap();
    assert_eq!((id.as_str(), given_back), (bundle.as_str(), 2));
    assert_eq!(s.state(&bundle), "cancelled");
    assert_eq!(s.held_by(&all[0]), None);
    assert_eq!(s.events(), ["export", "handover_cancelled"]);
    assert!(matches!(s.journal().last(), Some(JournalEntry::Cancelled { bundle_id }) if *bundle_id == bundle));
    match handover::cancel(&s.home, &s.lock, &bundle) {
        Err(InstallError::HandoverState { state, attempted: "cancel", .. }) => assert_eq!(state, "cancelled"),
        other => panic!("{other:?}"),
    }
}

/// A bundle id is named whole or by a start of at least 8 hex characters
/// (any case, surrounding space ignored) that fits exactly one; anything
/// else names no handover, and a start that fits several lists them.
#[test]
fn a_bundle_id_is_named_by_a_unique_start_of_at_least_8_hex_characters() {
    let s = site(3);
    let all = s.clients();
    let a = s.export(s.facts(0x12, &all[..1]));
    let mut facts = s.facts(0x12, &all[1..2]);
    facts.bundle_id = format!("{}{}", &a[..8], "ff".repeat(28));
    let b = s.export(facts);
    let c = s.export(s.facts(0x34, &all[2..]));
    let conn = s.conn();
    let resolve = |q: &str| handover::resolve_bundle_id(&conn, "handovers", q);

    assert_eq!(resolve(&a).unwrap(), a);
    assert_eq!(resolve(&format!("  {}  ", c.to_uppercase())).unwrap(), c);
    assert_eq!(resolve(&c[..8]).unwrap(), c);
    assert_eq!(resolve(&b[..9]).unwrap(), b);
    for unknown in [&c[..7], "", "zzzzzzzz", &format!("{c}0"), "5656565656"] {
        assert!(matches!(resolve(unknown), Err(InstallError::UnknownHandover(_))), "{unknown:?}");
    }
    match resolve(&a[..8]) {
        Err(InstallError::AmbiguousBundle { matches, .. }) => assert_eq!(matches, [a.clone(), b.clone()]),
        other => panic!("{other:?}"),
    }
}

/// R1 after a restore of a database older than a confirm: the clients the
/// receipt confirmed away come back with the old database and are purged
/// again at the next locked open, logged as reapplied.
#[test]
fn clients_confirmed_away_are_purged_again_after_a_restore() {
    let s = site(3);
    let all = s.clients();
    let before_export = s.copy_db();
    let facts = s.facts(1, &all[..2]);
    let bundle = s.export(facts.clone());
    s.confirm(&s.signed(&s.receipt(&facts))).unwrap();
    s.put_back_db(&before_export);
    assert_eq!(s.clients(), all, "the old database holds them");

    let applied = s.open_locked();
    assert_eq!(applied.purged, &all[..2]);
    assert!(applied.reopened.is_empty());
    assert_eq!(s.clients(), &all[2..]);
    assert_eq!(s.state(&bundle), "confirmed");
    assert_eq!(s.events().last().map(String::as_str), Some("handover_reapplied"));
    // Once agreed, a second open finds nothing to do.
    assert_eq!(s.open_locked(), journal::Applied::default());
}

/// R1 after a restore of a database older than an export: the handover
/// the database does not know is opened again, its clients read-only.
#[test]
fn a_handover_older_than_the_restored_database_is_opened_again() {
    let s = site(2);
    let all = s.clients();
    let before_export = s.copy_db();
    let bundle = s.export(s.facts(1, &all[..1]));
    s.put_back_db(&before_export);
    assert_eq!(s.held_by(&all[0]), None);

    let applied = s.open_locked();
    assert_eq!(applied.reopened, std::slice::from_ref(&bundle));
    assert_eq!(s.held_by(&all[0]).as_deref(), Some(bundle.as_str()));
    assert_eq!(s.held_by(&all[1]), None);
    assert_eq!(s.state(&bundle), "open");
}

/// R1 after a restore of a database in which a handover was still open
/// that has since been cancelled or confirmed: the later event wins.
#[test]
fn a_handover_settled_after_the_restored_database_is_settled_again() {
    let s = site(3);
    let all = s.clients();
    let cancelled = s.export(s.facts(1, &all[..1]));
    let facts = s.facts(2, &all[1..2]);
    let confirmed = s.export(facts.clone());
    let both_open = s.copy_db();
    handover::cancel(&s.home, &s.lock, &cancelled).unwrap();
    s.confirm(&s.signed(&s.receipt(&facts))).unwrap();
    s.put_back_db(&both_open);

    let applied = s.open_locked();
    assert!(applied.reopened.is_empty(), "{applied:?}");
    assert_eq!(s.state(&cancelled), "cancelled");
    assert_eq!(s.state(&confirmed), "confirmed");
    assert_eq!(s.held_by(&all[0]), None, "the cancelled handover's client is free");
    assert_eq!(s.clients(), [all[0].clone(), all[2].clone()]);
}

/// A journal that lost lines (deleted, or older than the database) learns
/// every handover the database knows and how it was settled, so a later
/// restore of an older database cannot forget them.
#[test]
fn the_journal_learns_the_handovers_only_the_database_knows() {
    let s = site(3);
    let all = s.clients();
    let kept = s.export(s.facts(1, &all[..1]));
    let cancelled = s.export(s.facts(2, &all[1..2]));
    let facts = s.facts(3, &all[2..]);
    let confirmed = s.export(facts.clone());
    handover::cancel(&s.home, &s.lock, &cancelled).unwrap();
    s.confirm(&s.signed(&s.receipt(&facts))).unwrap();
    // The journal keeps only the first export's line.
    let first = s.journal().into_iter().next().unwrap();
    assert!(matches!(&first, JournalEntry::Exported { bundle_id, .. } if *bundle_id == kept));
    std::fs::remove_file(s.home.handover_journal_path()).unwrap();
    journal::append_journal(&s.home.handover_journal_path(), &first).unwrap();

    s.open_locked();
    let j = s.journal();
    let lines_about = |id: &str| {
        j.iter()
            .filter_map(|e| match e {
                JournalEntry::Exported { bundle_id, .. } if bundle_id == id => Some("exported"),
                JournalEntry::Confirmed { bundle_id, .. } if bundle_id == id => Some("confirmed"),
                JournalEntry::Cancelled { bundle_id } if bundle_id == id => Some("cancelled"),
                _ => None,
            })
            .collect::<Vec<_>>()
    };
    assert_eq!(lines_about(&kept), ["exported"]);
    assert_eq!(lines_about(&cancelled), ["exported", "cancelled"]);
    assert_eq!(lines_about(&confirmed), ["exported", "confirmed"]);
}

/// I2: an import whose journal line a crash kept back is journalled from
/// the database's ledger at the next open; clients the journal says
/// arrived here but the database lacks are reported missing.
#[test]
fn an_import_only_the_ledger_knows_is_journalled_and_missing_clients_reported() {
    let s = site(1);
    let here = s.clients();
    let arrived = "0b0e8d1c-7a3f-4a58-9a5e-5c4b6a7d8e9f".to_owned();
    let entry = bemx_install::ledger::LedgerEntry {
        sender_installation: "11".repeat(16),
        bundle_id: "cd".repeat(32),
        imported_at: "2026-11-30T10:00:00Z".into(),
        sender_fingerprint: "AAAA-BBBB".into(),
        client_uuids: vec![here[0].clone(), arrived.clone()],
        rows: 5,
        backup_name: "SICHERHEITSBACKUP".into(),
    };
    let conn = s.conn();
    bemx_install::ledger::insert_db_ledger(&conn, &entry).unwrap();
    drop(conn);

    let applied = s.open_locked();
    match s.journal().as_slice() {
        [JournalEntry::Imported { bundle_id, sender_installation, clients, .. }] => {
            assert_eq!((bundle_id, sender_installation), (&entry.bundle_id, &entry.sender_installation));
            assert_eq!(clients, &entry.client_uuids);
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(applied.missing, [(arrived, entry.bundle_id.clone())]);
    // Journalled once: the next open appends nothing.
    s.open_locked();
    assert_eq!(s.journal().len(), 1);
}

/// An installation on a host database (Chinook: customers recognised by
/// their e-mail address), as `init --db HOST --profile FILE` makes it.
fn host_site(clients: u32) -> Site {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("chinook.sqlite");
    let mut conn = rusqlite::Connection::open(&db).unwrap();
    bemx_demo::hosts::chinook::create(&mut conn, &bemx_demo::hosts::HostOptions { clients, seed: 1 }).unwrap();
    drop(conn);
    let home = Home::new(dir.path().join("home"), Some(db));
    let profile = bemx_db::Profile::from_toml(bemx_demo::hosts::chinook::PROFILE).unwrap();
    let id = bemx_install::setup::create_on_host(&home, "Anna Schmidt", None, &profile).unwrap();
    let receiver = Identity::generate("Bernd Meier").unwrap();
    let mut contacts = Contacts::load(home.root()).unwrap();
    contacts.add(receiver.contact_card()).unwrap();
    let lock = home.lock().unwrap();
    Site { _dir: dir, home, id, lock, receiver, contacts }
}

/// On a host database nothing keeps the host program from changing what a
/// client is recognised by: a confirm that cannot find every handed-over
/// client is refused, purges nothing and leaves the handover open; with
/// the value back, it goes through.
#[test]
fn a_host_client_whose_key_changed_is_not_confirmed() {
    let s = host_site(3);
    let db = bemx_db::Database::open(s.home.db_path()).unwrap();
    let ids: Vec<String> = db.clients_list(true).unwrap().into_iter().map(|c| c.uuid).collect();
    drop(db);
    let facts = s.facts(7, &ids[..1]);
    let bundle = s.export(facts.clone());
    let file = s.signed(&s.receipt(&facts));
    let count = |s: &Site| -> i64 { s.conn().query_row("SELECT count(*) FROM Customer", [], |r| r.get(0)).unwrap() };
    let email_of = |s: &Site| -> String {
        let all: Vec<(i64, String)> = s
            .conn()
            .prepare("SELECT CustomerId, Email FROM Customer")
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        all.into_iter()
            .find(|(_, e)| bemx_db::derived_client_id("Customer", &[bemx_db::Value::Text(e.clone())]) == ids[0])
            .map(|(_, e)| e)
            .unwrap()
    };
    let email = email_of(&s);
    s.conn().execute("UPDATE Customer SET Email = 'changed@example.org' WHERE Email = ?1", [&email]).unwrap();
    match s.confirm(&file) {
        Err(InstallError::ClientsChanged { count: 1 }) => {}
        other => panic!("{other:?}"),
    }
    assert_eq!((count(&s), s.state(&bundle)), (3, "open".to_owned()));
    s.conn().execute("UPDATE Customer SET Email = ?1 WHERE Email = 'changed@example.org'", [&email]).unwrap();
    s.confirm(&file).unwrap();
    assert_eq!((count(&s), s.state(&bundle)), (2, "confirmed".to_owned()));
}
