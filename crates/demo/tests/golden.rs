//! Equal options and seed give byte-identical databases: tests across the
//! workspace rely on what particular seeds produce (which BEM-IDs clash,
//! which catalogue code a seed lacks). These hashes were taken from
//! databases seeded by `bemx db seed` before the generator moved out of
//! `bemx-db`; any change in the draw order of the PRNG changes them.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use bemx_db::Database;
use bemx_demo::{DemoError, SeedOptions, seed_with};
use rusqlite::types::ValueRef;
use sha2::{Digest, Sha256};

const IID: &str = "00000000-0000-4000-8000-000000000007";

/// SHA-256 over every table but `meta` (it holds the installation id),
/// `SELECT rowid, * ... ORDER BY rowid`, tables by name, each value tagged
/// with its type. Same encoding as the Python check used for the move, so
/// the numbers compare with databases made by `bemx db seed`.
fn dump_hash(db: &Database) -> String {
    let conn = db.conn();
    let tables: Vec<String> = conn
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap();
    let mut total = Sha256::new();
    for table in tables.iter().filter(|t| *t != "meta") {
        let mut h = Sha256::new();
        let mut stmt = conn.prepare(&format!("SELECT rowid, * FROM \"{table}\" ORDER BY rowid")).unwrap();
        let n = stmt.column_count();
        let mut rows = stmt.query([]).unwrap();
        while let Some(r) = rows.next().unwrap() {
            for i in 0..n {
                match r.get_ref(i).unwrap() {
                    ValueRef::Null => h.update(b"N"),
                    ValueRef::Integer(v) => {
                        h.update(b"I");
                        h.update(v.to_le_bytes());
                    }
                    ValueRef::Real(v) => {
                        h.update(b"R");
                        h.update(v.to_le_bytes());
                    }
                    ValueRef::Text(b) => {
                        h.update(b"T");
                        h.update((b.len() as u64).to_le_bytes());
                        h.update(b);
                    }
                    ValueRef::Blob(b) => {
                        h.update(b"B");
                        h.update((b.len() as u64).to_le_bytes());
                        h.update(b);
                    }
                }
            }
        }
        total.update(table.as_bytes());
        total.update([0]);
        total.update(h.finalize());
    }
    hex::encode(total.finalize())
}

fn seeded(runs: &[SeedOptions]) -> (tempfile::TempDir, Database) {
    let dir = tempfile::tempdir().unwrap();
    let mut db = Database::create(dir.path().join("demo.sqlite"), IID).unwrap();
    for opts in runs {
        seed_with(&mut db, opts).unwrap();
    }
    (dir, db)
}

fn opts(clients: u32, seed: u64, max_documents: u32, bytes: (u32, u32)) -> SeedOptions {
    SeedOptions { clients, seed, documents: true, max_documents_per_client: max_documents, document_bytes: bytes }
}

#[test]
fn fifty_clients_seed_7_small_documents() {
    // bemx db seed --clients 50 --seed 7 --max-documents 3 --document-bytes 100-5000
    let (_dir, db) = seeded(&[opts(50, 7, 3, (100, 5000))]);
    assert_eq!(dump_hash(&db), "91ecd45dc519c326912a759ab826e31d2e1fcf1354fcf1c60ef730e85edd0acd");
}

#[test]
fn two_hundred_clients_seed_8_without_documents() {
    // bemx db seed --clients 200 --seed 8 --no-documents
    let mut o = SeedOptions::new(200, 8);
    o.documents = false;
    let (_dir, db) = seeded(&[o]);
    assert_eq!(dump_hash(&db), "db729e9bf2ca107bc2da90489fcab4fe4ecb121fedc27a6145c9e2b5f19f41b0");
}

#[test]
fn a_second_run_with_the_other_parity_extends_the_first() {
    // seed 1 then seed 2 in one database: BEM-ID clashes are renamed,
    // catalogue codes of both parities end up there.
    let (_dir, db) = seeded(&[opts(60, 1, 5, (16, 64)), opts(60, 2, 5, (16, 64))]);
    assert_eq!(dump_hash(&db), "6cd1a759d0a2688eb15d309fb59a3b1ef675089c4819e3f7851cc158ce35c872");
}

#[test]
fn the_report_counts_what_was_inserted() {
    let dir = tempfile::tempdir().unwrap();
    let mut db = Database::create(dir.path().join("demo.sqlite"), IID).unwrap();
    let report = seed_with(&mut db, &opts(50, 7, 3, (100, 5000))).unwrap();
    assert_eq!(
        (report.clients, report.rows, report.documents, report.document_bytes),
        (50, 2005, 65, 177_172),
        "the same numbers bemx db seed printed before the move"
    );
    assert_eq!(report.extra_action_code, "HOME_VISIT");
    let documents: i64 = db.conn().query_row("SELECT count(*) FROM documents", [], |r| r.get(0)).unwrap();
    assert_eq!(documents, 65);
}

#[test]
fn invalid_document_sizes_are_refused_and_change_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let mut db = Database::create(dir.path().join("demo.sqlite"), IID).unwrap();
    let before = dump_hash(&db);
    for bytes in [(15, 100), (200, 100), (16, 256 * 1024 * 1024 + 1)] {
        let err = seed_with(&mut db, &opts(3, 1, 2, bytes)).unwrap_err();
        assert!(matches!(err, DemoError::InvalidOptions { .. }), "{bytes:?}: {err}");
        assert!(err.to_string().starts_with("invalid seed options: "), "{err}");
    }
    assert_eq!(dump_hash(&db), before);
    // Without documents the sizes do not matter.
    let mut o = opts(3, 1, 2, (0, 0));
    o.documents = false;
    seed_with(&mut db, &o).unwrap();
    assert_ne!(dump_hash(&db), before);
}
