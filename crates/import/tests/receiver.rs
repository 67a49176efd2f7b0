#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! The receiver's checks, in the crate that makes them (spec/DESIGN.md §7,
//! I1–I11): what a preview shows, every refusal of the preflight, the
//! sender's trust, the client list the signed manifest names against the
//! rows the bundle carries, a cancel at each step, and the records an
//! import leaves (report, receipt, ledger, journal, backups).
//!
//! Each refusal is checked for its whole promise: the database keeps every
//! byte, no backup and no receipt are left, the ledger has no line.
//!
//! Bundles a trusted colleague turned malicious could make are forged here
//! the way they would be: a real export, opened, its manifest changed and
//! signed again with the sender's own key.

mod common;

use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

use bemx_format::Manifest;
use bemx_identity::{ContactCard, Contacts, Identity};
use bemx_import::import::{NoProgress, Progress};
use bemx_import::{ImportError, ImportOptions, Preview};
use bemx_install::backup::Retention;
use bemx_install::{InstallError, ReceiptProblem};
use common::{Site, client_count, export, import, import_with, options, preview_with, scratch, site, trust};

// ---------------------------------------------------------------------------
// Helpers

fn preview(to: &Site, bundle: &Path) -> Result<Preview, ImportError> {
    preview_with(to, bundle, Retention::default())
}

/// What the preview and then the import say of the same bundle.
fn both(to: &Site, bundle: &Path, receipt: &Path) -> [Result<(), ImportError>; 2] {
    [preview(to, bundle).map(drop), import(to, bundle, receipt).map(drop)]
}

/// Anna (`clients` clients) and Bernd (`own` clients) trust each other.
/// The two demo seeds draw from the same pseudonyms, so some of Anna's
/// BEM-IDs are taken at Bernd's.
fn pair(clients: u32, own: u32) -> (Site, Site) {
    let a = site("Anna", 31, clients);
    let b = site("Bernd", 32, own);
    trust(&a, &b);
    trust(&b, &a);
    (a, b)
}

fn backup_names(site: &Site) -> Vec<String> {
    bemx_install::backup::scan_backups(&site.home.backups_dir()).unwrap().into_iter().map(|b| b.name).collect()
}

/// What a refused import must leave: the database byte for byte, no
/// backup, no receipt, no ledger line.
struct Untouched {
    db: Vec<u8>,
    backups: Vec<String>,
}

impl Untouched {
    fn take(site: &Site) -> Self {
        Untouched { db: std::fs::read(site.home.db_path()).unwrap(), backups: backup_names(site) }
    }

    fn check(&self, site: &Site, receipt: &Path, what: &str) {
        assert!(std::fs::read(site.home.db_path()).unwrap() == self.db, "{what}: the database changed");
        assert_eq!(backup_names(site), self.backups, "{what}: backups");
        assert!(!receipt.exists(), "{what}: a receipt was left");
        assert!(!site.home.import_ledger_path().exists(), "{what}: a ledger line was written");
    }
}

/// Client UUIDs of a site's database, hyphenated, ascending.
fn uuids(site: &Site) -> Vec<String> {
    let conn = rusqlite::Connection::open(site.home.db_path()).unwrap();
    let mut stmt = conn.prepare("SELECT uuid FROM clients ORDER BY uuid").unwrap();
    stmt.query_map([], |r| r.get(0)).unwrap().collect::<Result<_, _>>().unwrap()
}

fn uuid_bytes(u: &str) -> [u8; 16] {
    *uuid::Uuid::parse_str(u).unwrap().as_bytes()
}

/// The bundle `bundle` (from `from` to `to`), opened with the receiver's
/// key, its manifest changed by `change`, signed again with the sender's
/// own key and written to `out`: what a trusted colleague turned malicious
/// can make. The data entries are kept as they are.
fn forge(from: &Site, to: &Site, bundle: &Path, out: &Path, change: impl FnOnce(&mut Manifest)) {
    forge_entries(from, to, bundle, out, |m, _| change(m));
}

/// [`forge`], with the data entries (path, bytes) to change as well.
fn forge_entries(
    from: &Site,
    to: &Site,
    bundle: &Path,
    out: &Path,
    change: impl FnOnce(&mut Manifest, &mut Vec<(String, Vec<u8>)>),
) {
    let contacts = Contacts::load(to.home.root()).unwrap();
    let me = bemx_unpack::Recipient {
        identity: to.identity.age_identity(),
        installation_id: *to.identity.installation_id().as_bytes(),
    };
    let file = std::io::BufReader::new(std::fs::File::open(bundle).unwrap());
    let mut reader = bemx_unpack::BundleReader::open(file, me, &contacts, true).unwrap();
    let mut manifest = reader.manifest().clone();
    let mut entries = Vec::new();
    while let Some(mut entry) = reader.next_entry().unwrap() {
        let path = entry.path().to_string();
        let mut bytes = Vec::new();
        entry.read_to_end(&mut bytes).unwrap();
        entries.push((path, bytes));
    }
    reader.finish().unwrap();
    change(&mut manifest, &mut entries);
    let manifest_bytes = manifest.encode().unwrap();
    let signature = bemx_format::signature::sign_manifest(from.identity.signing_key(), &manifest_bytes);
    let out = std::fs::File::create(out).unwrap();
    let mut writer =
        bemx_format::layers::BundleWriter::new(out, &to.identity.recipient(), manifest.created, 0).unwrap();
    writer.append_bytes(bemx_format::MANIFEST_PATH, &manifest_bytes).unwrap();
    writer.append_bytes(bemx_format::SIGNATURE_PATH, &signature).unwrap();
    for (path, bytes) in &entries {
        writer.append_bytes(path, bytes).unwrap();
    }
    writer.finish().unwrap().sync_all().unwrap();
}

/// Sets `cancel` when the import reaches `at`; copies the backups folder
/// aside at that moment when `keep` is given (what a kill there leaves).
struct CancelAt<'a> {
    at: &'static str,
    cancel: &'a AtomicBool,
    keep: Option<(&'a Path, &'a Path)>,
    seen: Vec<&'static str>,
}

impl Progress for CancelAt<'_> {
    fn start(&mut self, _: u64) {}
    fn advance(&mut self, _: u64) {}
    fn step(&mut self, step: &'static str) {
        self.seen.push(step);
        if step == self.at {
            if let Some((from, to)) = self.keep {
                std::fs::create_dir_all(to).unwrap();
                for f in std::fs::read_dir(from).unwrap() {
                    let f = f.unwrap();
                    std::fs::copy(f.path(), to.join(f.file_name())).unwrap();
                }
            }
            self.cancel.store(true, Ordering::Relaxed);
        }
    }
}

// ---------------------------------------------------------------------------
// The preview: everything shown comes from the signed manifest and the rows

#[test]
fn a_preview_shows_the_signed_manifest_and_the_clients_the_rows_carry() {
    let (a, b) = pair(8, 6);
    let (_t, dir) = scratch();
    let bundle = dir.join("x.bemx");
    let exported = export(&a, &b, 5, &bundle);
    let before = Untouched::take(&b);

    let p = preview(&b, &bundle).unwrap();
    before.check(&b, &dir.join("x.receipt"), "a preview writes nothing");
    assert_eq!(p.bundle_id, exported.bundle_id);
    assert_eq!(p.sender_name, "Anna", "the name Bernd's contact has");
    assert_eq!(p.sender_fingerprint, a.identity.fingerprint().to_string());
    assert_eq!(p.clients, 5);
    assert_eq!(p.documents as u64, exported.documents);
    assert!(p.documents > 0, "the demo seed has documents");
    let mut tables = p.tables.clone();
    let mut rows = exported.rows.clone();
    tables.sort();
    rows.sort();
    assert_eq!(tables, rows, "rows per table as the manifest lists them");
    assert_eq!(p.database, std::path::absolute(b.home.db_path()).unwrap());
    assert_eq!(p.bundle_path, std::path::absolute(&bundle).unwrap());
    assert!(p.created.ends_with('Z') && p.created.len() == 20, "{}", p.created);
    assert!(p.backups_to_delete.is_empty(), "{:?}", p.backups_to_delete);

    // The incoming clients are those exported, with the BEM-ID and latest
    // case status the sender's database has for them.
    let sender = bemx_db::Database::open(a.home.db_path()).unwrap().clients_list(true).unwrap();
    let mut shown: Vec<_> = p.incoming.iter().map(|c| c.uuid.clone()).collect();
    shown.sort();
    let mut sent = exported.clients.clone();
    sent.sort();
    assert_eq!(shown, sent);
    assert!(p.incoming.iter().any(|c| c.case_status.is_some()), "the demo clients have cases");
    for c in &p.incoming {
        let there = sender.iter().find(|s| s.uuid == c.uuid).unwrap();
        assert_eq!((&c.bem_id, &c.case_status), (&there.bem_id, &there.case_status), "{}", c.uuid);
    }

    // Stored as: a BEM-ID taken here is renamed, a free one kept.
    let here: Vec<String> = bemx_db::Database::open(b.home.db_path())
        .unwrap()
        .clients_list(true)
        .unwrap()
        .into_iter()
        .map(|c| c.bem_id)
        .collect();
    assert_eq!(p.stored_as.len(), p.incoming.len());
    let mut renamed = Vec::new();
    for (c, stored) in p.incoming.iter().zip(&p.stored_as) {
        match stored {
            Some(new) => {
                assert!(here.contains(&c.bem_id), "{} is renamed only when taken", c.bem_id);
                assert!(!here.contains(new), "{new} is free here");
                renamed.push((c.bem_id.clone(), new.clone()));
            }
            None => assert!(!here.contains(&c.bem_id), "{} is taken here but kept", c.bem_id),
        }
    }
    assert!(!renamed.is_empty(), "the seeds share pseudonyms: this test needs a rename");

    // The import does what was shown.
    let report = import_with(
        &b,
        &bundle,
        &ImportOptions { expected_manifest: Some(p.manifest_sha256), ..options(&dir.join("x.receipt")) },
        &mut NoProgress,
    )
    .unwrap();
    let mut done = report.renamed.clone();
    done.sort();
    renamed.sort();
    assert_eq!(done, renamed);
}

#[test]
fn the_sender_is_shown_by_the_name_the_contact_has() {
    let (a, b) = pair(3, 0);
    let (_t, dir) = scratch();
    let bundle = dir.join("x.bemx");
    export(&a, &b, 1, &bundle);
    // The name as an older bemx signed it, as typed: it reads the same as
    // the contact's, which is what the user knows.
    let typed = dir.join("typed.bemx");
    forge(&a, &b, &bundle, &typed, |m| m.sender.name = "  Anna ".into());
    assert_eq!(preview(&b, &typed).unwrap().sender_name, "Anna");
}

#[test]
fn cases_that_start_the_same_day_show_the_status_the_client_list_shows() {
    let a = site("Anna", 36, 6);
    let b = site("Bernd", 37, 0);
    trust(&a, &b);
    trust(&b, &a);
    // Every case of a client starts the same day: only the row order tells
    // which is latest, and the list takes the highest id.
    let conn = rusqlite::Connection::open(a.home.db_path()).unwrap();
    conn.execute("UPDATE bem_cases SET start_date = '2024-03-01'", []).unwrap();
    let differing: i64 = conn
        .query_row(
            "SELECT count(*) FROM (SELECT client_id FROM bem_cases GROUP BY client_id HAVING count(DISTINCT status) > 1)",
            [],
            |r| r.get(0),
        )
        .unwrap();
    drop(conn);
    let (_t, dir) = scratch();
    let bundle = dir.join("x.bemx");
    let exported = export(&a, &b, 6, &bundle);
    let p = preview(&b, &bundle).unwrap();
    assert_eq!(p.incoming.len(), exported.clients.len());
    assert!(differing > 0, "the seed must give some client cases of different statuses");
    // What the preview promised is what the receiver's list shows after the
    // import (and what the sender's showed).
    import(&b, &bundle, &dir.join("x.receipt")).unwrap();
    let sender = bemx_db::Database::open(a.home.db_path()).unwrap().clients_list(true).unwrap();
    let receiver = bemx_db::Database::open(b.home.db_path()).unwrap().clients_list(true).unwrap();
    for c in &p.incoming {
        let here = receiver.iter().find(|s| s.uuid == c.uuid).unwrap();
        let there = sender.iter().find(|s| s.uuid == c.uuid).unwrap();
        assert_eq!(c.case_status, here.case_status, "{}", c.bem_id);
        assert_eq!(c.case_status, there.case_status, "{}", c.bem_id);
    }
}

#[test]
fn a_preview_reads_no_document_and_the_import_refuses_a_damaged_one() {
    let (a, b) = pair(3, 0);
    let (_t, dir) = scratch();
    let bundle = dir.join("x.bemx");
    export(&a, &b, 3, &bundle);
    // One byte of the first document differs from what the signed manifest
    // hashed.
    let damaged = dir.join("damaged.bemx");
    forge_entries(&a, &b, &bundle, &damaged, |_, entries| {
        let doc = entries.iter_mut().find(|(p, _)| p.starts_with(bemx_format::BLOBS_PREFIX)).unwrap();
        doc.1[0] ^= 1;
    });
    // The preview lists the clients from the tables, which come first, and
    // stops at the first document (a bundle of gigabytes of scans is not
    // read to show it).
    assert_eq!(preview(&b, &damaged).unwrap().incoming.len(), 3);
    let before = Untouched::take(&b);
    let receipt = dir.join("damaged.receipt");
    match import(&b, &damaged, &receipt) {
        Err(ImportError::Unpack(e)) => assert!(matches!(*e, bemx_unpack::UnpackError::HashMismatch { .. }), "{e:?}"),
        other => panic!("{other:?}"),
    }
    before.check(&b, &receipt, "a damaged document");
}

// ---------------------------------------------------------------------------
// The preflight (I1–I3): refused before anything is written

#[test]
fn a_bundle_imported_once_is_refused_by_preview_and_import() {
    let (a, b) = pair(4, 0);
    let (_t, dir) = scratch();
    let bundle = dir.join("x.bemx");
    let exported = export(&a, &b, 2, &bundle);
    let first = import(&b, &bundle, &dir.join("x.receipt")).unwrap();
    let db = std::fs::read(b.home.db_path()).unwrap();
    let backups = backup_names(&b);
    let again = dir.join("again.receipt");
    for result in both(&b, &bundle, &again) {
        match result {
            Err(ImportError::AlreadyImported { bundle, at }) => {
                assert_eq!(bundle, exported.bundle_id);
                assert_eq!(at.len(), 20, "{at}");
            }
            other => panic!("{other:?}"),
        }
    }
    assert!(std::fs::read(b.home.db_path()).unwrap() == db);
    assert_eq!(backup_names(&b), backups);
    assert!(!again.exists());
    assert_eq!(first.clients.len(), 2);
}

#[test]
fn a_bundle_of_another_schema_version_is_refused_with_both_versions() {
    let (a, b) = pair(3, 1);
    let (_t, dir) = scratch();
    let bundle = dir.join("x.bemx");
    export(&a, &b, 1, &bundle);
    let newer = dir.join("newer.bemx");
    forge(&a, &b, &bundle, &newer, |m| m.schema.version += 1);
    let before = Untouched::take(&b);
    let receipt = dir.join("newer.receipt");
    let ours = u64::from(bemx_db::SCHEMA_VERSION);
    for result in both(&b, &newer, &receipt) {
        match result {
            Err(ImportError::SchemaVersion { theirs, ours: o }) => assert_eq!((theirs, o), (ours + 1, ours)),
            other => panic!("{other:?}"),
        }
    }
    before.check(&b, &receipt, "schema version");
}

/// Exports to Bernd, changes Bernd's schema by `sql` (a hand-edited
/// database of the same version number), and checks that preview and
/// import both refuse as `refused` says and change nothing.
fn refused_after_schema_edit(sql: &str, what: &str, refused: impl Fn(ImportError)) {
    let (a, b) = pair(3, 1);
    let (_t, dir) = scratch();
    let bundle = dir.join("x.bemx");
    export(&a, &b, 1, &bundle);
    rusqlite::Connection::open(b.home.db_path()).unwrap().execute_batch(sql).unwrap();
    let before = Untouched::take(&b);
    let receipt = dir.join("x.receipt");
    for result in both(&b, &bundle, &receipt) {
        match result {
            Err(e) => refused(e),
            Ok(_) => panic!("{what}: imported"),
        }
    }
    before.check(&b, &receipt, what);
}

#[test]
fn a_bundle_from_a_database_of_other_tables_is_refused_naming_both_graphs() {
    // A column that would travel changes the derived graph, which names
    // the cause more exactly than the schema's fingerprint.
    refused_after_schema_edit("ALTER TABLE clients ADD COLUMN note TEXT", "graph", |e| match e {
        ImportError::Profile { theirs, ours } => {
            assert!(theirs.starts_with("bemx-reference 1 (") && ours.starts_with("bemx-reference 1 ("), "{theirs}");
            assert_ne!(theirs, ours);
        }
        other => panic!("{other:?}"),
    });
}

#[test]
fn a_bundle_from_a_database_of_other_indexes_is_refused_with_both_fingerprints() {
    // What travels is the same; the schema is not (an index another
    // program added): the fingerprint still tells them apart.
    refused_after_schema_edit("CREATE INDEX clients_by_last_name ON clients(last_name)", "schema fingerprint", |e| {
        match e {
            ImportError::SchemaFingerprint { version, theirs, ours } => {
                assert_eq!(version, u64::from(bemx_db::SCHEMA_VERSION));
                assert_eq!((theirs.len(), ours.len()), (12, 12), "six bytes each, in hex");
                assert_ne!(theirs, ours);
            }
            other => panic!("{other:?}"),
        }
    });
}

#[test]
fn clients_already_here_are_refused_by_their_bem_ids() {
    let (a, b) = pair(4, 0);
    let (_t, dir) = scratch();
    let bundle = dir.join("x.bemx");
    let exported = export(&a, &b, 2, &bundle);
    let report = import(&b, &bundle, &dir.join("x.receipt")).unwrap();
    // The same clients again under a new bundle id, signed by Anna: what a
    // colleague who kept the rows could send a second time.
    let again = dir.join("again.bemx");
    forge(&a, &b, &bundle, &again, |m| m.bundle_id = [0x42; 32]);
    let receipt = dir.join("again.receipt");
    let db = std::fs::read(b.home.db_path()).unwrap();
    let backups = backup_names(&b);
    let stored: Vec<String> = bemx_db::Database::open(b.home.db_path())
        .unwrap()
        .clients_list(true)
        .unwrap()
        .into_iter()
        .filter(|c| exported.clients.contains(&c.uuid))
        .map(|c| c.bem_id)
        .collect();
    assert_eq!(stored.len(), 2);
    for result in both(&b, &again, &receipt) {
        match result {
            Err(ImportError::ClientsExist { mut bem_ids }) => {
                bem_ids.sort();
                let mut want = stored.clone();
                want.sort();
                assert_eq!(bem_ids, want);
            }
            other => panic!("{other:?}"),
        }
    }
    assert!(std::fs::read(b.home.db_path()).unwrap() == db);
    assert_eq!(backup_names(&b), backups);
    assert!(!receipt.exists());
    assert_eq!(report.clients.len(), 2);
}

#[test]
fn a_database_of_another_installation_is_refused() {
    let (a, b) = pair(3, 1);
    let (_t, dir) = scratch();
    let bundle = dir.join("x.bemx");
    export(&a, &b, 1, &bundle);
    // Bernd's database file replaced by one that records Anna's installation.
    let c = site("Carla", 33, 1);
    std::fs::copy(c.home.db_path(), b.home.db_path()).unwrap();
    let before = Untouched::take(&b);
    let receipt = dir.join("x.receipt");
    for result in both(&b, &bundle, &receipt) {
        match result {
            Err(ImportError::ForeignDatabase { database, found, ours }) => {
                assert_eq!(database, std::path::absolute(b.home.db_path()).unwrap());
                assert_eq!(found, c.identity.installation_id().hyphenated().to_string());
                assert_eq!(ours, b.identity.installation_id().hyphenated().to_string());
            }
            other => panic!("{other:?}"),
        }
    }
    before.check(&b, &receipt, "foreign database");
}

// ---------------------------------------------------------------------------
// The sender's trust (I4): only a contact whose every claim matches

#[test]
fn a_sender_whose_key_or_claims_differ_from_the_contact_is_refused() {
    let a = site("Anna", 34, 3);
    let b = site("Bernd", 35, 0);
    trust(&a, &b);
    let (_t, dir) = scratch();
    let bundle = dir.join("x.bemx");
    export(&a, &b, 1, &bundle);
    let card = a.identity.contact_card();
    let other = Identity::generate("Other").unwrap().contact_card();
    let claimed_fp = a.identity.fingerprint().to_string();
    let receipt = dir.join("x.receipt");

    // The contact Bernd holds for Anna's installation has other keys.
    let old =
        ContactCard { signing_key: other.signing_key, age_recipient: other.age_recipient.clone(), ..card.clone() };
    let mut contacts = Contacts::load(b.home.root()).unwrap();
    contacts.add(old.clone()).unwrap();
    let before = Untouched::take(&b);
    for result in both(&b, &bundle, &receipt) {
        match result {
            Err(ImportError::SenderKeyChanged { name, fingerprint }) => {
                assert_eq!(name, "Anna");
                assert_eq!(fingerprint, claimed_fp);
            }
            other => panic!("{other:?}"),
        }
    }
    before.check(&b, &receipt, "key changed");
    contacts.remove(&old.fingerprint()).unwrap();

    // Anna's keys, under another name.
    contacts.add(ContactCard { name: "Anna Other".into(), ..card.clone() }).unwrap();
    for result in both(&b, &bundle, &receipt) {
        match result {
            Err(ImportError::SenderClaimsDiffer { name, fields }) => {
                assert_eq!((name.as_str(), fields), ("Anna Other", "name"));
            }
            other => panic!("{other:?}"),
        }
    }
    before.check(&b, &receipt, "claims differ");
    contacts.remove(&card.fingerprint()).unwrap();

    // No contact at all: the claimed name and the fingerprint are shown.
    for result in both(&b, &bundle, &receipt) {
        match result {
            Err(ImportError::UntrustedSender { claimed, fingerprint }) => {
                assert_eq!((claimed.as_str(), fingerprint.as_str()), ("Anna", claimed_fp.as_str()));
            }
            other => panic!("{other:?}"),
        }
    }
    before.check(&b, &receipt, "untrusted");
}

// ---------------------------------------------------------------------------
// The client list (issue 13, item 15): the rows must be exactly the
// clients the signed manifest names

#[test]
fn a_manifest_that_names_a_client_the_rows_do_not_carry_is_refused() {
    let (a, b) = pair(4, 1);
    let (_t, dir) = scratch();
    let bundle = dir.join("x.bemx");
    export(&a, &b, 2, &bundle);
    let ghost = uuid::Uuid::from_bytes([0xEE; 16]).hyphenated().to_string();
    let forged = dir.join("ghost.bemx");
    forge(&a, &b, &bundle, &forged, |m| {
        m.clients.push(uuid_bytes(&ghost));
        m.clients.sort();
    });
    let before = Untouched::take(&b);
    let receipt = dir.join("ghost.receipt");
    match import(&b, &forged, &receipt) {
        Err(ImportError::ClientsDiffer { listed_not_carried, carried_not_listed }) => {
            assert_eq!(listed_not_carried, vec![ghost]);
            assert!(carried_not_listed.is_empty(), "{carried_not_listed:?}");
        }
        other => panic!("{other:?}"),
    }
    before.check(&b, &receipt, "a listed client without rows");
}

#[test]
fn rows_of_a_client_the_manifest_does_not_name_are_refused_by_preview_and_import() {
    let (a, b) = pair(5, 1);
    let (_t, dir) = scratch();
    let bundle = dir.join("x.bemx");
    let exported = export(&a, &b, 3, &bundle);
    let before = Untouched::take(&b);
    // Each carried client left out of the list in turn: the first row, a
    // middle one and the last the clients table holds.
    for left_out in &exported.clients {
        let forged = dir.join("hidden.bemx");
        forge(&a, &b, &bundle, &forged, |m| m.clients.retain(|c| *c != uuid_bytes(left_out)));
        let receipt = dir.join("hidden.receipt");
        for result in both(&b, &forged, &receipt) {
            match result {
                Err(ImportError::ClientsDiffer { listed_not_carried, carried_not_listed }) => {
                    assert!(listed_not_carried.is_empty(), "{listed_not_carried:?}");
                    assert_eq!(&carried_not_listed, std::slice::from_ref(left_out));
                }
                other => panic!("{left_out}: {other:?}"),
            }
        }
        before.check(&b, &receipt, left_out);
    }
    assert_eq!(uuids(&b).len(), 1);
}

// ---------------------------------------------------------------------------
// Cancel (Ctrl-C) and a kill: nothing left but what a retry cleans up

#[test]
fn a_cancel_at_any_step_before_the_commit_leaves_nothing() {
    let (a, b) = pair(4, 2);
    let (_t, dir) = scratch();
    let bundle = dir.join("x.bemx");
    export(&a, &b, 2, &bundle);
    let before = Untouched::take(&b);
    let receipt = dir.join("x.receipt");

    let cancel = AtomicBool::new(true);
    let err = import_with(&b, &bundle, &ImportOptions { cancel: Some(&cancel), ..options(&receipt) }, &mut NoProgress)
        .unwrap_err();
    assert!(matches!(err, ImportError::Cancelled), "cancelled before it began: {err:?}");
    before.check(&b, &receipt, "cancelled before it began");

    for at in ["safety backup", "merge"] {
        let cancel = AtomicBool::new(false);
        let mut progress = CancelAt { at, cancel: &cancel, keep: None, seen: Vec::new() };
        let err =
            import_with(&b, &bundle, &ImportOptions { cancel: Some(&cancel), ..options(&receipt) }, &mut progress)
                .unwrap_err();
        assert!(matches!(err, ImportError::Cancelled), "{at}: {err:?}");
        // The merge looks at the flag before each table: the safety backup
        // is made, then refused at the first table, and removed.
        assert_eq!(progress.seen.last(), Some(&"merge"), "{at}: nothing after the merge began");
        before.check(&b, &receipt, at);
    }

    // Set during the commit step, it comes too late: the import is in.
    let cancel = AtomicBool::new(false);
    let mut progress = CancelAt { at: "commit", cancel: &cancel, keep: None, seen: Vec::new() };
    let report =
        import_with(&b, &bundle, &ImportOptions { cancel: Some(&cancel), ..options(&receipt) }, &mut progress).unwrap();
    assert_eq!(report.clients.len(), 2);
    assert_eq!(progress.seen, ["safety backup", "merge", "commit", "receipt"]);
}

#[test]
fn the_backup_a_killed_attempt_left_is_shown_and_deleted_by_the_next_import_of_that_bundle() {
    let (a, b) = pair(4, 2);
    let (_t, dir) = scratch();
    let bundle = dir.join("x.bemx");
    let exported = export(&a, &b, 2, &bundle);
    let receipt = dir.join("x.receipt");
    // An ordinary backup made before: the default retention deletes it.
    let lock = b.home.lock().unwrap();
    let manual = bemx_install::restore::create_backup(&b.home, &lock, &b.identity, "backup").unwrap();
    drop(lock);

    // A kill after the safety backup was written leaves it behind: copy it
    // aside at the merge, let the cancel remove it, put it back.
    let kept = dir.join("kept");
    let cancel = AtomicBool::new(false);
    let backups_dir = b.home.backups_dir();
    let mut progress = CancelAt { at: "merge", cancel: &cancel, keep: Some((&backups_dir, &kept)), seen: Vec::new() };
    let err = import_with(&b, &bundle, &ImportOptions { cancel: Some(&cancel), ..options(&receipt) }, &mut progress)
        .unwrap_err();
    assert!(matches!(err, ImportError::Cancelled), "{err:?}");
    assert_eq!(backup_names(&b), std::slice::from_ref(&manual.name), "the cancelled attempt removed its own");
    for f in std::fs::read_dir(&kept).unwrap() {
        let f = f.unwrap();
        std::fs::copy(f.path(), backups_dir.join(f.file_name())).unwrap();
    }
    let abandoned: Vec<String> = backup_names(&b).into_iter().filter(|n| *n != manual.name).collect();
    assert_eq!(abandoned.len(), 1);
    assert!(abandoned[0].ends_with(&exported.bundle_id[..8]), "{abandoned:?}");

    // Told to keep everything, nothing is to go.
    assert!(preview_with(&b, &bundle, Retention::KeepAll).unwrap().backups_to_delete.is_empty());
    let mut shown = preview(&b, &bundle).unwrap().backups_to_delete;
    shown.sort();
    let mut want = vec![abandoned[0].clone(), manual.name.clone()];
    want.sort();
    assert_eq!(shown, want);

    let report = import(&b, &bundle, &receipt).unwrap();
    let mut deleted = report.backups_deleted.clone();
    deleted.sort();
    assert_eq!(deleted, want, "the import deletes what the preview showed");
    assert_eq!(backup_names(&b), std::slice::from_ref(&report.safety_backup));
}

#[test]
fn the_safety_backup_of_a_committed_import_is_never_taken_for_an_abandoned_one() {
    let (a, b) = pair(6, 1);
    let (_t, dir) = scratch();
    let first = dir.join("first.bemx");
    let exported = export(&a, &b, 1, &first);
    let kept = import(&b, &first, &dir.join("first.receipt")).unwrap().safety_backup;
    // Another bundle whose id starts with the same 8 hex digits, the part a
    // safety backup's name carries (1 in 2^32 by chance; a sender can pick it).
    let second = dir.join("second.bemx");
    export(&a, &b, 1, &dir.join("plain.bemx"));
    let mut id: [u8; 32] = hex::decode(&exported.bundle_id).unwrap().try_into().unwrap();
    id[31] ^= 0xff;
    forge(&a, &b, &dir.join("plain.bemx"), &second, |m| m.bundle_id = id);
    assert_eq!(
        preview_with(&b, &second, Retention::KeepSafety { newest: 5 }).unwrap().backups_to_delete,
        Vec::<String>::new()
    );
    std::thread::sleep(std::time::Duration::from_millis(1100));
    let retention = Retention::KeepSafety { newest: 5 };
    let report =
        import_with(&b, &second, &ImportOptions { retention, ..options(&dir.join("second.receipt")) }, &mut NoProgress)
            .unwrap();
    assert!(report.backups_deleted.is_empty(), "{:?}", report.backups_deleted);
    assert!(backup_names(&b).contains(&kept));
}

#[test]
fn retention_keeps_the_newest_safety_backups_and_keep_all_deletes_none() {
    let (a, b) = pair(6, 1);
    let (_t, dir) = scratch();
    let mut safety = Vec::new();
    for (n, retention) in [Retention::KeepSafety { newest: 1 }, Retention::KeepAll, Retention::KeepSafety { newest: 2 }]
        .into_iter()
        .enumerate()
    {
        let bundle = dir.join(format!("{n}.bemx"));
        export(&a, &b, 1, &bundle);
        let receipt = dir.join(format!("{n}.receipt"));
        // Safety backup names have a one-second clock: keep them apart.
        std::thread::sleep(std::time::Duration::from_millis(1100));
        let report =
            import_with(&b, &bundle, &ImportOptions { retention, ..options(&receipt) }, &mut NoProgress).unwrap();
        safety.push(report.safety_backup.clone());
        match n {
            0 => assert!(report.backups_deleted.is_empty()),
            1 => {
                assert!(report.backups_deleted.is_empty(), "{:?}", report.backups_deleted);
                assert_eq!(backup_names(&b), safety);
            }
            _ => {
                assert_eq!(report.backups_deleted, [safety[0].clone()]);
                assert_eq!(backup_names(&b), safety[1..]);
            }
        }
    }
}

// ---------------------------------------------------------------------------
// What an import leaves: report, receipt, ledger and journal agree

#[test]
fn report_receipt_ledger_and_journal_say_the_same() {
    let (a, b) = pair(5, 1);
    let (_t, dir) = scratch();
    let bundle = dir.join("x.bemx");
    let exported = export(&a, &b, 3, &bundle);
    // No receipt path given: it goes beside the bundle.
    let receipt_path = dir.join("x.receipt");
    let p = preview(&b, &bundle).unwrap();
    let report =
        import_with(&b, &bundle, &ImportOptions { receipt: None, ..options(&receipt_path) }, &mut NoProgress).unwrap();

    let mut clients = report.clients.clone();
    clients.sort();
    let mut sent = exported.clients.clone();
    sent.sort();
    assert_eq!(clients, sent);
    assert_eq!(report.bundle_id, exported.bundle_id);
    assert_eq!(report.documents, exported.documents);
    // Rows inserted: every owned table's as sent; catalogue rows only for
    // the codes this installation lacked.
    let mut rows: Vec<(String, u64)> = report.rows.iter().filter(|(t, _)| !t.starts_with("cat_")).cloned().collect();
    rows.sort();
    let mut want_rows: Vec<(String, u64)> =
        exported.rows.iter().filter(|(t, n)| !t.starts_with("cat_") && *n > 0).cloned().collect();
    want_rows.sort();
    assert_eq!(rows, want_rows);
    for (table, n) in report.rows.iter().filter(|(t, _)| t.starts_with("cat_")) {
        let added = report.catalogue_codes_added.iter().filter(|(t, _)| t == table).count() as u64;
        assert_eq!(*n, added, "{table}");
    }
    assert_eq!(report.receipt, std::path::absolute(&receipt_path).unwrap());
    assert!(!report.burned);
    assert!(report.warnings.is_empty(), "{:?}", report.warnings);
    assert!(report.safety_backup.starts_with("SICHERHEITSBACKUP-"));
    assert!(report.safety_backup.ends_with(&exported.bundle_id[..8]));
    assert_eq!(backup_names(&b), std::slice::from_ref(&report.safety_backup));
    for c in &sent {
        assert!(uuids(&b).contains(c), "{c} arrived");
    }

    // The receipt: signed by Bernd, for Anna, about exactly this bundle.
    let bytes = std::fs::read(&receipt_path).unwrap();
    let receipt = bemx_format::receipt::Receipt::verify_file(&bytes, &b.identity.verifying_key().to_bytes()).unwrap();
    let total: u64 = report.rows.iter().map(|(_, n)| n).sum();
    assert_eq!(receipt.rows, total);
    assert_eq!(receipt.clients, 3);
    assert_eq!(receipt.sender, *a.identity.installation_id().as_bytes());
    assert_eq!(receipt.receiver, *b.identity.installation_id().as_bytes());
    assert_eq!(hex::encode(receipt.bundle_id), exported.bundle_id);
    assert_eq!(receipt.manifest_sha256, p.manifest_sha256);
    let mut listed: Vec<[u8; 16]> = sent.iter().map(|u| uuid_bytes(u)).collect();
    listed.sort();
    assert_eq!(receipt.clients_sha256, bemx_format::receipt::Receipt::clients_digest(&listed));
    assert_eq!(receipt.format, bemx_format::FORMAT_VERSION);

    // The ledger, in the file and in the database, names the same import.
    let file = bemx_install::ledger::read_ledger(&b.home.import_ledger_path()).unwrap();
    assert_eq!(file.len(), 1);
    let entry = file.into_values().next().unwrap();
    assert_eq!(entry.bundle_id, exported.bundle_id);
    assert_eq!(entry.sender_installation, hex::encode(a.identity.installation_id().as_bytes()));
    assert_eq!(entry.sender_fingerprint, a.identity.fingerprint().to_string());
    assert_eq!(entry.rows, total);
    assert_eq!(entry.backup_name, report.safety_backup);
    assert_eq!(entry.imported_at, bemx_format::time::rfc3339(receipt.imported_at));
    let mut ledger_clients = entry.client_uuids.clone();
    ledger_clients.sort();
    assert_eq!(ledger_clients, sent);
    let conn = rusqlite::Connection::open(b.home.db_path()).unwrap();
    let db_entries = bemx_install::ledger::db_ledger(&conn).unwrap();
    assert_eq!(db_entries.len(), 1);
    assert_eq!(db_entries[0].bundle_id, exported.bundle_id);

    // The journal records the clients' arrival.
    let journal = bemx_install::journal::read_journal(&b.home.handover_journal_path()).unwrap();
    let arrived: Vec<_> = journal
        .iter()
        .filter_map(|e| match e {
            bemx_install::journal::JournalEntry::Imported { bundle_id, clients, sender_installation, .. } => {
                Some((bundle_id.clone(), clients.clone(), sender_installation.clone()))
            }
            _ => None,
        })
        .collect();
    assert_eq!(arrived.len(), 1);
    assert_eq!(arrived[0].0, exported.bundle_id);
    assert_eq!(arrived[0].2, entry.sender_installation);
    let mut journal_clients = arrived[0].1.clone();
    journal_clients.sort();
    assert_eq!(journal_clients, sent);
}

// ---------------------------------------------------------------------------
// `bemx receipt`: the same receipt again, or why not

#[test]
fn a_lost_receipt_is_written_again_by_a_short_id_and_refused_for_a_bundle_never_imported() {
    let (a, b) = pair(4, 1);
    let (_t, dir) = scratch();
    let bundle = dir.join("x.bemx");
    let exported = export(&a, &b, 2, &bundle);
    let receipt = dir.join("x.receipt");
    import(&b, &bundle, &receipt).unwrap();
    let again = dir.join("again.receipt");
    let id = bemx_import::import::write_receipt_again(&b.home, &exported.bundle_id[..8], &again).unwrap();
    assert_eq!(id, exported.bundle_id);
    assert_eq!(std::fs::read(&again).unwrap(), std::fs::read(&receipt).unwrap());

    let never = dir.join("never.receipt");
    match bemx_import::import::write_receipt_again(&b.home, "0123456789abcdef", &never) {
        Err(ImportError::Install(InstallError::Receipt(ReceiptProblem::NeverImported(given)))) => {
            assert_eq!(given, "0123456789abcdef");
        }
        other => panic!("{other:?}"),
    }
    assert!(!never.exists(), "no file for a receipt that cannot be written");
    // The target is refused like an import's: an existing file is kept.
    match bemx_import::import::write_receipt_again(&b.home, &exported.bundle_id, &again) {
        Err(ImportError::ReceiptTarget { .. }) => {}
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_receipt_is_not_written_again_for_an_import_a_restore_took_away() {
    let (a, b) = pair(4, 1);
    let (_t, dir) = scratch();
    let bundle = dir.join("x.bemx");
    let exported = export(&a, &b, 2, &bundle);
    import(&b, &bundle, &dir.join("x.receipt")).unwrap();
    // The database row of the import is gone (what a restore of a copy
    // taken before it, with the record file replayed, leaves: the ledger
    // row without its receipt).
    rusqlite::Connection::open(b.home.db_path())
        .unwrap()
        .execute("UPDATE import_ledger SET receipt = NULL", [])
        .unwrap();
    let target = dir.join("again.receipt");
    match bemx_import::import::write_receipt_again(&b.home, &exported.bundle_id, &target) {
        Err(ImportError::Install(InstallError::Receipt(ReceiptProblem::ImportRestoredAway(id)))) => {
            assert_eq!(id, exported.bundle_id);
        }
        other => panic!("{other:?}"),
    }
    assert!(!target.exists(), "no file for a receipt that cannot be written");
    // Said before the target is looked at: a file there is not the problem.
    std::fs::write(&target, b"kept").unwrap();
    match bemx_import::import::write_receipt_again(&b.home, &exported.bundle_id, &target) {
        Err(ImportError::Install(InstallError::Receipt(ReceiptProblem::ImportRestoredAway(_)))) => {}
        other => panic!("{other:?}"),
    }
    assert_eq!(std::fs::read(&target).unwrap(), b"kept");
}

#[test]
fn a_bundle_id_two_senders_used_names_no_single_receipt() {
    let (a, b) = pair(4, 0);
    let c = site("Carla", 38, 3);
    trust(&c, &b);
    trust(&b, &c);
    let (_t, dir) = scratch();
    let from_a = dir.join("a.bemx");
    let exported = export(&a, &b, 1, &from_a);
    import(&b, &from_a, &dir.join("a.receipt")).unwrap();
    // Carla, trusted, signs a bundle of her own client under Anna's id.
    let plain = dir.join("c-plain.bemx");
    export(&c, &b, 1, &plain);
    let reused = dir.join("c.bemx");
    let id: [u8; 32] = hex::decode(&exported.bundle_id).unwrap().try_into().unwrap();
    forge(&c, &b, &plain, &reused, |m| m.bundle_id = id);
    import(&b, &reused, &dir.join("c.receipt")).unwrap();

    let target = dir.join("again.receipt");
    match bemx_import::import::write_receipt_again(&b.home, &exported.bundle_id, &target) {
        Err(ImportError::Install(InstallError::Receipt(ReceiptProblem::SeveralSenders { bundle, mut senders }))) => {
            assert_eq!(bundle, exported.bundle_id);
            senders.sort();
            let mut want = vec![a.identity.fingerprint().to_string(), c.identity.fingerprint().to_string()];
            want.sort();
            assert_eq!(senders, want);
        }
        other => panic!("{other:?}"),
    }
    assert!(!target.exists());
}

// ---------------------------------------------------------------------------
// The receipt's file (issue 13, item 14): placed before anything changes

#[test]
fn the_receipt_file_is_refused_where_it_cannot_go_and_an_empty_one_is_taken_over() {
    let (a, b) = pair(4, 1);
    let (_t, dir) = scratch();
    let bundle = dir.join("x.bemx");
    export(&a, &b, 1, &bundle);
    let before = Untouched::take(&b);
    let file = dir.join("a-file");
    std::fs::write(&file, b"x").unwrap();
    // Windows calls a path below a file "not found".
    let below_a_file = if cfg!(windows) { "its folder does not exist" } else { "is a file, not a folder" };
    let cases: [(PathBuf, &str); 3] = [
        (dir.join("missing").join("x.receipt"), "its folder does not exist"),
        (file.join("x.receipt"), below_a_file),
        (file.clone(), "already exists"),
    ];
    for (target, why) in &cases {
        match import(&b, &bundle, target) {
            Err(e @ ImportError::ReceiptTarget { .. }) => assert!(e.to_string().contains(why), "{e}"),
            other => panic!("{why}: {other:?}"),
        }
        assert!(std::fs::read(b.home.db_path()).unwrap() == before.db, "{why}");
        assert_eq!(backup_names(&b), before.backups, "{why}");
    }
    assert_eq!(std::fs::read(&file).unwrap(), b"x", "the existing file keeps its bytes");

    #[cfg(unix)]
    {
        // A dangling link is not a free name: it is refused, never followed.
        let link = dir.join("link.receipt");
        let beyond = dir.join("beyond");
        std::os::unix::fs::symlink(&beyond, &link).unwrap();
        match import(&b, &bundle, &link) {
            Err(e @ ImportError::ReceiptTarget { .. }) => {
                assert!(e.to_string().contains("a link of that name exists"), "{e}");
            }
            other => panic!("{other:?}"),
        }
        assert!(!beyond.exists());
        assert!(std::fs::symlink_metadata(&link).unwrap().file_type().is_symlink());
    }

    // An empty file is what an import killed before its receipt leaves.
    let receipt = dir.join("x.receipt");
    std::fs::write(&receipt, b"").unwrap();
    import(&b, &bundle, &receipt).unwrap();
    assert!(std::fs::metadata(&receipt).unwrap().len() > 0, "the receipt was written into it");
    assert_eq!(client_count(&b, true), 2);
}

#[test]
fn a_failed_import_removes_its_receipt_file_but_not_one_put_in_its_place() {
    let (a, b) = pair(4, 1);
    let (_t, dir) = scratch();
    let bundle = dir.join("x.bemx");
    export(&a, &b, 1, &bundle);
    let receipt = dir.join("x.receipt");

    // Its own placeholder goes with a failed import.
    let cancel = AtomicBool::new(false);
    let mut progress = CancelAt { at: "merge", cancel: &cancel, keep: None, seen: Vec::new() };
    assert!(receipt.parent().is_some());
    import_with(&b, &bundle, &ImportOptions { cancel: Some(&cancel), ..options(&receipt) }, &mut progress).unwrap_err();
    assert!(!receipt.exists());

    // Someone else's file put at the receipt's name during the import stays.
    struct Swap<'a> {
        receipt: &'a Path,
        cancel: &'a AtomicBool,
    }
    impl Progress for Swap<'_> {
        fn start(&mut self, _: u64) {}
        fn advance(&mut self, _: u64) {}
        fn step(&mut self, step: &'static str) {
            if step == "merge" {
                // Moved aside, not deleted: Windows keeps the name of a
                // deleted file that is still open.
                std::fs::rename(self.receipt, self.receipt.with_extension("moved")).unwrap();
                std::fs::write(self.receipt, b"someone else's").unwrap();
                self.cancel.store(true, Ordering::Relaxed);
            }
        }
    }
    let cancel = AtomicBool::new(false);
    let err = import_with(
        &b,
        &bundle,
        &ImportOptions { cancel: Some(&cancel), ..options(&receipt) },
        &mut Swap { receipt: &receipt, cancel: &cancel },
    )
    .unwrap_err();
    assert!(matches!(err, ImportError::Cancelled), "{err:?}");
    assert_eq!(std::fs::read(&receipt).unwrap(), b"someone else's");
}
