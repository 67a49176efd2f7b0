#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! Export writes exactly the selected rows and documents, and on any
//! failure leaves neither a bundle nor a partial file nor a changed database.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::Path;
use std::sync::atomic::AtomicBool;

use bemx_db::{Database, RowSink, TableSpec, Value};
use bemx_demo::SeedOptions;
use bemx_format::Party;
use bemx_pack::{EntryOut, EntrySource, ExportRequest, NoProgress, PackError, Recipient, Sender};
use bemx_unpack::{BundleReader, SenderTrust, TrustStore};
use ed25519_dalek::SigningKey;

struct TrustAll;
impl TrustStore for TrustAll {
    fn sender_trust(&self, _: &Party) -> SenderTrust {
        SenderTrust::Trusted { name: "sender".into() }
    }
}

struct Fixture {
    _dir: tempfile::TempDir,
    db_path: std::path::PathBuf,
    out_dir: std::path::PathBuf,
    signing: SigningKey,
    sender: Party,
    receiver_key: age::x25519::Identity,
    receiver: Party,
}

fn fixture(clients: u32) -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let db_path = dir.path().join("bemdok.sqlite");
    // The sender's installation (`installation: [1; 16]` below): export
    // refuses a database that records another one.
    let mut db = Database::create(&db_path, "01010101-0101-0101-0101-010101010101").unwrap();
    let mut options = SeedOptions::new(clients, 11);
    options.document_bytes = (100, 70_000);
    options.max_documents_per_client = 3;
    bemx_demo::seed_with(&mut db, &options).unwrap();
    let out_dir = dir.path().join("usb");
    std::fs::create_dir(&out_dir).unwrap();
    let signing = SigningKey::from_bytes(&[9; 32]);
    let sender_age = age::x25519::Identity::generate();
    let sender = Party {
        installation: [1; 16],
        name: "Sender".into(),
        age: sender_age.to_public().to_string(),
        ed25519: signing.verifying_key().to_bytes(),
    };
    let receiver_key = age::x25519::Identity::generate();
    let receiver = Party {
        installation: [2; 16],
        name: "Receiver".into(),
        age: receiver_key.to_public().to_string(),
        ed25519: SigningKey::from_bytes(&[10; 32]).verifying_key().to_bytes(),
    };
    Fixture { _dir: dir, db_path, out_dir, signing, sender, receiver_key, receiver }
}

fn request(f: &Fixture, clients: Vec<String>, name: &str) -> ExportRequest<'static> {
    ExportRequest {
        confirmed_without_consent: None,
        clients,
        without_consent: Some("test export, consent not needed".into()),
        output: f.out_dir.join(name),
        workers: 2,
        cancel: None,
    }
}

fn run(f: &Fixture, req: &ExportRequest<'_>) -> Result<bemx_pack::ExportReport, PackError> {
    let home = bemx_install::Home::new(f.db_path.parent().unwrap(), Some(f.db_path.clone()));
    let lock = home.lock().unwrap();
    let mut db = Database::open(&f.db_path).unwrap();
    let sender = Sender { signing_key: &f.signing, party: f.sender.clone() };
    let recipient = Recipient { party: f.receiver.clone(), fingerprint: "TEST-FP".into() };
    bemx_pack::export(&home, &lock, &mut db, &sender, &recipient, req, &mut NoProgress)
}

#[derive(Default)]
struct Collect(BTreeMap<String, Vec<Vec<Value>>>, String);
impl RowSink for Collect {
    type Error = std::convert::Infallible;
    fn begin_table(&mut self, spec: &TableSpec) -> Result<(), Self::Error> {
        self.1 = spec.name.clone();
        self.0.entry(spec.name.clone()).or_default();
        Ok(())
    }
    fn row(&mut self, values: &[bemx_db::ValueRef<'_>]) -> Result<(), Self::Error> {
        self.0.get_mut(&self.1).unwrap().push(values.iter().map(|v| bemx_db::owned_value(*v)).collect());
        Ok(())
    }
    fn end_table(&mut self, _: u64) -> Result<(), Self::Error> {
        Ok(())
    }
}

fn to_db(v: bemx_format::rows::Value) -> Value {
    use bemx_format::rows::Value as W;
    match v {
        W::Null => Value::Null,
        W::Integer(i) => Value::Integer(i),
        W::Real(r) => Value::Real(r),
        W::Text(t) => Value::Text(t),
        W::Bytes(b) => Value::Blob(b),
    }
}

fn files_in(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> =
        std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    v.sort();
    v
}

#[test]
fn round_trip_reads_back_exactly_the_selection() {
    let f = fixture(8);
    let db = Database::open(&f.db_path).unwrap();
    let chosen: Vec<_> = db.clients_list(false).unwrap().into_iter().skip(2).take(3).collect();
    let ids: Vec<i64> = chosen.iter().map(|c| c.id).collect();
    let selection = bemx_db::select_clients(db.conn(), &ids).unwrap();
    let mut expected = Collect::default();
    bemx_db::extract(db.conn(), &selection, &mut expected).unwrap();
    let mut expected_blobs = Vec::new();
    bemx_db::for_each_blob(db.conn(), &selection, |info, r: &mut dyn Read| -> Result<(), std::io::Error> {
        let mut b = Vec::new();
        r.read_to_end(&mut b)?;
        expected_blobs.push((format!("blobs/{}.{}/{}", info.table, info.column, info.rowid), b));
        Ok(())
    })
    .unwrap();
    drop(db);

    let report = run(&f, &request(&f, chosen.iter().map(|c| c.bem_id.clone()).collect(), "x.bemx")).unwrap();
    assert_eq!(report.clients.len(), 3);
    assert_eq!(report.documents as usize, expected_blobs.len());

    let me = bemx_unpack::Recipient { identity: &f.receiver_key, installation_id: f.receiver.installation };
    let file = std::fs::File::open(&report.path).unwrap();
    let mut reader = BundleReader::open(file, me, &TrustAll, true).unwrap();
    let mut got: BTreeMap<String, Vec<Vec<Value>>> = BTreeMap::new();
    let mut blobs = Vec::new();
    while let Some(mut entry) = reader.next_entry().unwrap() {
        let path = entry.path().to_string();
        if path.starts_with("tables/") {
            let mut rows = bemx_format::rows::RowReader::new(std::io::BufReader::new(&mut entry)).unwrap();
            let name = rows.header().name.clone();
            let list = got.entry(name).or_default();
            while let Some(row) = rows.next_row().unwrap() {
                list.push(row.into_iter().map(to_db).collect());
            }
        } else {
            let mut b = Vec::new();
            entry.read_to_end(&mut b).unwrap();
            blobs.push((path, b));
        }
    }
    reader.finish().unwrap();
    assert_eq!(got, expected.0);
    assert_eq!(blobs, expected_blobs);
    // The exported clients are now handed over and hidden.
    let db = Database::open(&f.db_path).unwrap();
    assert_eq!(db.clients_list(false).unwrap().len(), 5);
}

#[test]
fn refusals_change_nothing() {
    let f = fixture(3);
    let before = std::fs::read(&f.db_path).unwrap();
    let db = Database::open(&f.db_path).unwrap();
    let first = db.clients_list(false).unwrap()[0].uuid.clone();
    drop(db);
    let cases: Vec<(ExportRequest<'static>, &str)> = vec![
        (request(&f, vec!["Nobody-Here".into()], "a.bemx"), "unknown client"),
        (request(&f, vec![first.clone(), first.clone()], "b.bemx"), "named twice"),
        (request(&f, vec![], "c.bemx"), "no clients"),
        (
            ExportRequest {
                confirmed_without_consent: None,
                output: f.out_dir.join("missing-folder").join("d.bemx"),
                ..request(&f, vec![first.clone()], "")
            },
            "folder",
        ),
    ];
    for (req, what) in cases {
        assert!(run(&f, &req).is_err(), "{what} accepted");
    }
    // A client named twice, the second time by its BEM-ID among others:
    // the refusal quotes that second naming.
    let db = Database::open(&f.db_path).unwrap();
    let all = db.clients_list(false).unwrap();
    drop(db);
    let names = vec![all[1].uuid.clone(), first.clone(), all[2].uuid.clone(), all[0].bem_id.clone()];
    match run(&f, &request(&f, names, "twice.bemx")) {
        Err(PackError::DuplicateClient(name)) => assert_eq!(name, all[0].bem_id),
        other => panic!("a client named twice: {other:?}"),
    }
    // Two named twice: the first repeat in the user's order is quoted.
    let names = vec![all[0].uuid.clone(), all[1].uuid.clone(), all[1].bem_id.clone(), all[0].bem_id.clone()];
    match run(&f, &request(&f, names, "twice.bemx")) {
        Err(PackError::DuplicateClient(name)) => assert_eq!(name, all[1].bem_id),
        other => panic!("two clients named twice: {other:?}"),
    }
    std::fs::write(f.out_dir.join("exists.bemx"), b"old").unwrap();
    assert!(matches!(run(&f, &request(&f, vec![first.clone()], "exists.bemx")), Err(PackError::TargetExists(_))));
    assert_eq!(std::fs::read(f.out_dir.join("exists.bemx")).unwrap(), b"old");
    // A database that records another installation than the sender (`--db`).
    let mut other = f.sender.clone();
    other.installation = [3; 16];
    let home = bemx_install::Home::new(f.db_path.parent().unwrap(), Some(f.db_path.clone()));
    let lock = home.lock().unwrap();
    let mut db = Database::open(&f.db_path).unwrap();
    let sender = Sender { signing_key: &f.signing, party: other };
    let recipient = Recipient { party: f.receiver.clone(), fingerprint: "test".into() };
    let refused = bemx_pack::export(
        &home,
        &lock,
        &mut db,
        &sender,
        &recipient,
        &request(&f, vec![first.clone()], "e.bemx"),
        &mut NoProgress,
    );
    match refused {
        Err(PackError::ForeignDatabase { found, ours, .. }) => {
            assert_eq!(found, "01010101-0101-0101-0101-010101010101");
            assert_eq!(ours, "03030303-0303-0303-0303-030303030303");
        }
        other => panic!("another installation's database: {other:?}"),
    }
    drop((db, lock));
    assert_eq!(std::fs::read(&f.db_path).unwrap(), before, "database changed");
    assert_eq!(files_in(&f.out_dir), vec!["exists.bemx".to_string()]);
}

#[test]
fn missing_consent_needs_an_override() {
    let f = fixture(30);
    let db = Database::open(&f.db_path).unwrap();
    let without: Option<String> = db
        .conn()
        .query_row(
            "SELECT uuid FROM clients c WHERE NOT EXISTS (SELECT 1 FROM consents WHERE client_id = c.id AND kind = 'handover' AND revoked_on IS NULL) LIMIT 1",
            [],
            |r| r.get(0),
        )
        .ok();
    drop(db);
    let uuid = without.expect("the seed leaves some clients without handover consent");
    let mut req = request(&f, vec![uuid.clone()], "c.bemx");
    req.without_consent = None;
    assert!(matches!(run(&f, &req), Err(PackError::MissingConsent(_))));
    // A reason that says nothing is refused before anything is written.
    for weak in [".", "test", "   "] {
        req.without_consent = Some(weak.into());
        assert!(matches!(run(&f, &req), Err(PackError::WeakReason(_))), "{weak:?}");
        assert!(!req.output.exists());
    }
    req.without_consent = Some("coordinator leaves, consent form follows".into());
    // Confirmed for another set of clients than the export finds: refused,
    // so the reason never covers a client it was not given for.
    req.confirmed_without_consent = Some(Vec::new());
    assert!(matches!(run(&f, &req), Err(PackError::ConsentChanged(c)) if c == vec![uuid.clone()]));
    assert!(!req.output.exists());
    req.confirmed_without_consent = Some(vec![uuid.clone()]);
    let report = run(&f, &req).unwrap();
    assert_eq!(report.without_consent.len(), 1);
}

#[test]
fn cancel_leaves_nothing_behind() {
    let f = fixture(3);
    let before = std::fs::read(&f.db_path).unwrap();
    let db = Database::open(&f.db_path).unwrap();
    let all: Vec<String> = db.clients_list(false).unwrap().into_iter().map(|c| c.uuid).collect();
    drop(db);
    static CANCEL: AtomicBool = AtomicBool::new(true);
    let mut req = request(&f, all, "x.bemx");
    req.cancel = Some(&CANCEL);
    assert!(matches!(run(&f, &req), Err(PackError::Cancelled)));
    assert_eq!(std::fs::read(&f.db_path).unwrap(), before);
    assert!(files_in(&f.out_dir).is_empty());
}

/// `n` incompressible, deterministic bytes (xorshift from `seed`).
fn noise(mut x: u64, n: usize) -> Vec<u8> {
    (0..n)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x as u8
        })
        .collect()
}

/// A fixed in-memory source, for the file mechanics alone.
struct Bytes(Vec<(String, Vec<u8>)>);
impl EntrySource for Bytes {
    fn total_bytes(&self) -> u64 {
        self.0.iter().map(|(_, b)| b.len() as u64).sum()
    }
    fn write_all(&mut self, out: &mut dyn EntryOut, _: &mut dyn bemx_pack::Progress) -> Result<(), PackError> {
        for (p, b) in &self.0 {
            out.begin_entry(p, b.len() as u64)?;
            std::io::Write::write_all(out, b)?;
            out.end_entry()?;
        }
        Ok(())
    }
}

#[test]
fn full_disk_at_any_point_leaves_no_file() {
    let dir = tempfile::tempdir().unwrap();
    let key = age::x25519::Identity::generate();
    let data = noise(0x2545_f491_4f6c_dd1d, 300_000);
    let write = |target: &Path, limit: Option<u64>| {
        let mut source = Bytes(vec![("tables/000-clients.cbor".into(), data.clone())]);
        let recipient = key.to_public();
        let head =
            bemx_pack::Head { recipient: &recipient, created: 0, workers: 2, manifest: b"m", signature: &[0; 64] };
        bemx_pack::write_bundle_file(target, &head, &mut source, &mut NoProgress, limit)
    };
    let probe = dir.path().join("probe.bemx");
    let size = write(&probe, None).unwrap().size;
    std::fs::remove_file(&probe).unwrap();
    let target = dir.path().join("x.bemx");
    // age's GREASE stanza varies the header by up to ~150 bytes between runs.
    for limit in [0, 100, size / 4, size / 2, size - 400, size - 250] {
        match write(&target, Some(limit)) {
            // The kind may be re-wrapped by the zstd or tar layer; the cause must survive.
            Err(e @ PackError::Medium { .. }) => assert!(e.to_string().contains("no space left"), "{e}"),
            other => panic!("limit {limit} of {size}: {other:?}"),
        }
        assert!(files_in(dir.path()).is_empty(), "limit {limit} left {:?}", files_in(dir.path()));
    }
    assert!(write(&target, Some(size + 400)).unwrap().size.abs_diff(size) < 250);
    assert_eq!(files_in(dir.path()), vec!["x.bemx".to_string()]);
}

#[test]
fn a_document_that_no_longer_matches_its_checksum_stops_the_export() {
    let f = fixture(6);
    let db = Database::open(&f.db_path).unwrap();
    let (client, doc): (String, i64) = db
        .conn()
        .query_row(
            "SELECT c.uuid, d.id FROM documents d JOIN clients c ON c.id = d.client_id WHERE length(d.content) > 0 LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    // Same length, one byte changed, stored hash left as it was.
    db.conn()
        .execute("UPDATE documents SET content = CAST(zeroblob(length(content)) AS BLOB) WHERE id = ?1", [doc])
        .unwrap();
    drop(db);
    let before = std::fs::read(&f.db_path).unwrap();
    let err = run(&f, &request(&f, vec![client], "x.bemx")).unwrap_err();
    assert!(matches!(err, PackError::DocumentDamaged(_)), "{err}");
    assert_eq!(std::fs::read(&f.db_path).unwrap(), before);
    assert!(files_in(&f.out_dir).is_empty());
}

/// Revokes every handover consent of `uuid` over a second connection, as
/// another program would; returns SQLite's answer.
fn revoke_consent(db_path: &Path, uuid: &str) -> rusqlite::Result<usize> {
    let other = rusqlite::Connection::open(db_path)?;
    other.execute(
        "UPDATE consents SET revoked_on = '2026-11-30' WHERE kind = 'handover'
         AND client_id = (SELECT id FROM clients WHERE uuid = ?1)",
        [uuid],
    )
}

/// While the bundle is written, another program's revocation is refused.
struct RevokeWhileWriting<'a> {
    db_path: &'a Path,
    uuid: &'a str,
    answer: Option<rusqlite::Result<usize>>,
}

impl bemx_format::progress::Progress for RevokeWhileWriting<'_> {
    fn start(&mut self, _: u64) {
        if self.answer.is_none() {
            self.answer = Some(revoke_consent(self.db_path, self.uuid));
        }
    }
    fn advance(&mut self, _: u64) {}
}

/// Issue 13 (also from reading): the clients are resolved and their
/// consent checked inside the export's exclusive transaction, so a consent
/// revoked by another program between the check and the export cannot slip
/// through. Proven two ways: the SQL trace shows the consent query between
/// `BEGIN EXCLUSIVE` and its end, and a revocation by a second connection
/// during the export is refused (busy) instead of landing after the check.
#[test]
fn consent_is_checked_inside_the_exports_exclusive_transaction() {
    use std::sync::{Arc, Mutex};

    use rusqlite::trace::{TraceEvent, TraceEventCodes};

    let f = fixture(30);
    let db = Database::open(&f.db_path).unwrap();
    let uuid: String = db
        .conn()
        .query_row(
            "SELECT uuid FROM clients c WHERE EXISTS (SELECT 1 FROM consents WHERE client_id = c.id AND kind = 'handover' AND revoked_on IS NULL) LIMIT 1",
            [],
            |r| r.get(0),
        )
        .unwrap();
    drop(db);

    let home = bemx_install::Home::new(f.db_path.parent().unwrap(), Some(f.db_path.clone()));
    let lock = home.lock().unwrap();
    let mut db = Database::open(&f.db_path).unwrap();
    let log = Arc::new(Mutex::new(Vec::<String>::new()));
    let sink = Arc::clone(&log);
    db.conn_mut()
        .trace_v2(
            TraceEventCodes::SQLITE_TRACE_STMT,
            Some(move |e: TraceEvent<'_>| {
                if let TraceEvent::Stmt(_, sql) = e {
                    sink.lock().unwrap().push(sql.trim().to_ascii_uppercase());
                }
            }),
        )
        .unwrap();
    let sender = Sender { signing_key: &f.signing, party: f.sender.clone() };
    let recipient = Recipient { party: f.receiver.clone(), fingerprint: "TEST-FP".into() };
    let mut req = request(&f, vec![uuid.clone()], "inside.bemx");
    req.without_consent = None;
    let mut progress = RevokeWhileWriting { db_path: &f.db_path, uuid: &uuid, answer: None };
    let report = bemx_pack::export(&home, &lock, &mut db, &sender, &recipient, &req, &mut progress).unwrap();
    assert!(report.without_consent.is_empty());

    let log = log.lock().unwrap().clone();
    // The consent in force is read with the client (the lookup's subquery).
    let consent =
        log.iter().position(|s| s.contains("FROM CONSENTS K WHERE K.CLIENT_ID")).expect("the consent query ran");
    let lookup = log.iter().position(|s| s.contains("WHERE C.UUID = LOWER")).expect("the client lookup ran");
    let begin = log[..lookup.min(consent)]
        .iter()
        .rposition(|s| s.starts_with("BEGIN"))
        .expect("a transaction was open when the clients were resolved");
    assert_eq!(log[begin], "BEGIN EXCLUSIVE", "{log:#?}");
    let ends = |s: &String| s.starts_with("COMMIT") || s.starts_with("END") || s.starts_with("ROLLBACK");
    assert!(!log[begin..=consent.max(lookup)].iter().any(ends), "still inside it at the consent check: {log:#?}");
    let commit = log[consent..].iter().position(ends).expect("the export committed") + consent;
    assert!(log[consent..commit].iter().any(|s| s.contains("HANDOVER")), "and the handover was recorded in it");

    match progress.answer {
        Some(Err(rusqlite::Error::SqliteFailure(e, _))) => assert_eq!(e.code, rusqlite::ErrorCode::DatabaseBusy),
        other => panic!("a revocation during the export must be refused as busy, got {other:?}"),
    }
    drop(db);
    drop(lock);
    // Once the export has committed the database is free again, and the
    // client's records are read-only as a handed-over client's are.
    match revoke_consent(&f.db_path, &uuid) {
        Err(rusqlite::Error::SqliteFailure(e, _)) => assert_eq!(e.code, rusqlite::ErrorCode::ConstraintViolation),
        other => panic!("after the export: read-only, got {other:?}"),
    }
}

/// DESIGN.md F1: the free-space check before an export uses an upper
/// bound of the bundle's size that must hold whatever the data, so it is
/// checked on incompressible entries of sizes around the ustar block.
#[test]
fn the_bundle_size_bound_holds_for_incompressible_data() {
    let dir = tempfile::tempdir().unwrap();
    let key = age::x25519::Identity::generate();
    let mut seed = 0x9e37_79b9_7f4a_7c15u64;
    let mut random = |n: usize| {
        seed = seed.wrapping_add(1);
        noise(seed, n)
    };
    let sizes = [0usize, 1, 511, 512, 513, 65_536, 65_537, 300_001, 1 << 20];
    let entries: Vec<(String, Vec<u8>)> =
        sizes.iter().enumerate().map(|(i, n)| (format!("blobs/documents/content/{i}"), random(*n))).collect();
    let plan = bemx_pack::Plan {
        tables: vec![],
        entries: entries
            .iter()
            .map(|(p, b)| bemx_pack::PlannedEntry { path: p.clone(), size: b.len() as u64, sha256: [0; 32] })
            .collect(),
    };
    let manifest = random(5000);
    let recipient = key.to_public();
    let head =
        bemx_pack::Head { recipient: &recipient, created: 0, workers: 2, manifest: &manifest, signature: &[0; 64] };
    let target = dir.path().join("x.bemx");
    let written = bemx_pack::write_bundle_file(&target, &head, &mut Bytes(entries), &mut NoProgress, None).unwrap();
    let bound = plan.bundle_bound(manifest.len() as u64, 64);
    assert!(written.size <= bound, "bundle {} > bound {bound}", written.size);
    // Not so loose that a stick which holds the bundle is refused.
    assert!(bound - written.size < written.size / 100 + (256 << 10), "bound {bound} for {}", written.size);
}
