//! bemx's records kept apart from a host database whose schema must stay
//! untouched (`host_schema = "untouched"`, DESIGN.md §17.6): set up without
//! writing a byte of the host database, attached to it and committed with
//! it, refused where they would describe, or be shadowed by, something else.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};

use bemx_db::{
    Database, DbError, Profile, check_in_transaction, installation_graph, journal_path, keep_journal_for_purge,
    scrub_journal,
};
use bemx_demo::hosts::{HostOptions, chinook};
use rusqlite::Connection;

const ID: &str = "00000000-0000-4000-8000-000000000001";

fn untouched() -> Profile {
    let text = chinook::PROFILE.replacen("host_schema = \"bemx\"", "host_schema = \"untouched\"", 1);
    Profile::from_toml(&text).unwrap()
}

/// A Chinook database of 3 customers at `<dir>/chinook.sqlite`.
fn host(dir: &Path) -> PathBuf {
    let path = dir.join("chinook.sqlite");
    let mut conn = Connection::open(&path).unwrap();
    chinook::create(&mut conn, &HostOptions { clients: 3, seed: 1 }).unwrap();
    path
}

/// [`host`] set up with its records at `<dir>/records.sqlite`: the host's
/// path, the records' path and the database with them attached.
fn adopted(dir: &Path) -> (PathBuf, PathBuf, Database) {
    let host = host(dir);
    let records = dir.join("records.sqlite");
    let db = Database::adopt_untouched(&host, &records, ID, &untouched()).unwrap();
    (host, records, db)
}

fn customers(db: &Database) -> i64 {
    db.conn().query_row("SELECT count(*) FROM Customer", [], |r| r.get(0)).unwrap()
}

#[test]
fn set_up_writes_the_records_file_and_not_a_byte_of_the_host_database() {
    let dir = tempfile::tempdir().unwrap();
    let host = host(dir.path());
    let records = dir.path().join("records.sqlite");
    let before = std::fs::read(&host).unwrap();

    let db = Database::adopt_untouched(&host, &records, ID, &untouched()).unwrap();
    assert_eq!(db.installation_id(), ID);
    assert_eq!(installation_graph(db.conn()).unwrap().root_key(), "CustomerId");
    drop(db);
    assert_eq!(std::fs::read(&host).unwrap(), before, "the host database was written");
    assert_eq!(bemx_db::recorded_host(&records).unwrap(), host.canonicalize().unwrap());
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(std::fs::metadata(&records).unwrap().permissions().mode() & 0o777, 0o600);
    }

    // The host alone is no installation; with its records it is.
    assert!(matches!(Database::open(&host), Err(DbError::NotBemx { .. })));
    let db = Database::open_with_records(&host, Some(&records)).unwrap();
    assert_eq!(customers(&db), 3);
    // A second set-up over the records is refused.
    drop(db);
    assert!(matches!(
        Database::adopt_untouched(&host, &records, ID, &untouched()),
        Err(DbError::AlreadyExists { path }) if path == records
    ));
}

#[test]
fn a_profile_for_the_other_way_of_setting_up_is_refused_with_nothing_written() {
    let dir = tempfile::tempdir().unwrap();
    let host = host(dir.path());
    let records = dir.path().join("records.sqlite");
    let before = std::fs::read(&host).unwrap();
    let in_host = Profile::from_toml(chinook::PROFILE).unwrap();
    let refused = Database::adopt_untouched(&host, &records, ID, &in_host);
    assert!(matches!(refused, Err(DbError::ProfileMismatch { .. })), "{refused:?}");
    assert!(!records.exists());
    let refused = Database::adopt(&host, ID, &untouched());
    assert!(matches!(refused, Err(DbError::ProfileMismatch { .. })), "{refused:?}");
    assert_eq!(std::fs::read(&host).unwrap(), before);
}

#[test]
fn records_that_are_missing_or_are_not_an_untouched_hosts_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let host = host(dir.path());
    let missing = dir.path().join("missing.sqlite");
    assert!(matches!(
        Database::open_with_records(&host, Some(&missing)),
        Err(DbError::NotFound { path }) if path == missing
    ));
    assert!(!missing.exists(), "ATTACH made the missing file");
    // bemx's own database is no records file of a host.
    let own = dir.path().join("own.sqlite");
    drop(Database::create(&own, ID).unwrap());
    assert!(matches!(
        Database::open_with_records(&host, Some(&own)),
        Err(DbError::NotBemx { path }) if path == own
    ));
}

#[test]
fn a_host_table_of_a_record_name_is_refused_at_set_up_and_at_every_open() {
    let dir = tempfile::tempdir().unwrap();
    let host = host(dir.path());
    let records = dir.path().join("records.sqlite");
    let conn = Connection::open(&host).unwrap();
    conn.execute_batch("CREATE TABLE Import_Ledger (x)").unwrap();
    assert!(matches!(
        Database::adopt_untouched(&host, &records, ID, &untouched()),
        Err(DbError::HostNameTaken { name }) if name == "import_ledger"
    ));
    assert!(!records.exists());

    conn.execute_batch("DROP TABLE Import_Ledger").unwrap();
    drop(Database::adopt_untouched(&host, &records, ID, &untouched()).unwrap());
    // Added later by the host program, it would be found before bemx's.
    conn.execute_batch("CREATE TABLE meta (key TEXT, value TEXT)").unwrap();
    assert!(matches!(
        Database::open_with_records(&host, Some(&records)),
        Err(DbError::HostNameTaken { name }) if name == "meta"
    ));
}

/// What the host program may change while bemx waits between two
/// transactions is checked at the start of each: an object of a record name
/// added since the open (it would be found before bemx's table), a switch
/// to WAL (the two files would no longer commit together).
#[test]
fn what_the_host_changed_since_the_open_is_refused_at_the_next_transaction() {
    let dir = tempfile::tempdir().unwrap();
    let (host, _, mut db) = adopted(dir.path());
    check_in_transaction(&db.conn_mut().transaction().unwrap()).unwrap();

    let other = Connection::open(&host).unwrap();
    other.execute_batch("CREATE VIEW handover_clients AS SELECT 1 AS bundle_id, 2 AS client_uuid").unwrap();
    let tx = db.conn_mut().transaction().unwrap();
    assert!(matches!(check_in_transaction(&tx), Err(DbError::HostNameTaken { name }) if name == "handover_clients"));
    drop(tx);
    other.execute_batch("DROP VIEW handover_clients").unwrap();
    check_in_transaction(&db.conn_mut().transaction().unwrap()).unwrap();

    let _wal: String = other.query_row("PRAGMA journal_mode=WAL", [], |r| r.get(0)).unwrap();
    let tx = db.conn_mut().transaction().unwrap();
    assert!(matches!(check_in_transaction(&tx), Err(DbError::Busy)));
}

/// A purge keeps the host's journal for the scrub, not the records': they
/// hold no purged rows (P1), and a journal kept there would outlive a
/// refused restore's clean-up.
#[test]
fn only_the_host_database_keeps_its_journal_for_a_purge() {
    let dir = tempfile::tempdir().unwrap();
    let (_, records, db) = adopted(dir.path());
    keep_journal_for_purge(db.conn()).unwrap();
    let mode = |schema: &str| -> String {
        db.conn().query_row(&format!("PRAGMA {schema}.journal_mode"), [], |r| r.get(0)).unwrap()
    };
    assert_eq!(mode("main"), "persist");
    assert_eq!(mode("bemx_records"), "delete");
    db.conn().execute("INSERT INTO audit_log (at, event) VALUES ('2026-12-01T00:00:00Z', 'x')", []).unwrap();
    assert!(!journal_path(&records).exists(), "the records kept a journal");
}

/// One transaction, two files: what is rolled back is rolled back in both,
/// and what is committed is in both.
#[test]
fn a_transaction_spans_the_host_database_and_the_records() {
    let dir = tempfile::tempdir().unwrap();
    let (host, records, mut db) = adopted(dir.path());
    let write = |tx: &rusqlite::Transaction<'_>| {
        tx.execute("DELETE FROM InvoiceLine", []).unwrap();
        tx.execute("INSERT INTO audit_log (at, event) VALUES ('2026-12-01T00:00:00Z', 'test')", []).unwrap();
    };
    let tx = db.conn_mut().transaction().unwrap();
    write(&tx);
    tx.rollback().unwrap();
    let audit =
        |db: &Database| -> i64 { db.conn().query_row("SELECT count(*) FROM audit_log", [], |r| r.get(0)).unwrap() };
    let lines =
        |db: &Database| -> i64 { db.conn().query_row("SELECT count(*) FROM InvoiceLine", [], |r| r.get(0)).unwrap() };
    assert_eq!(audit(&db), 0);
    assert!(lines(&db) > 0);
    let tx = db.conn_mut().transaction().unwrap();
    write(&tx);
    tx.commit().unwrap();
    drop(db);
    let records_alone = Connection::open(&records).unwrap();
    assert_eq!(records_alone.query_row("SELECT count(*) FROM audit_log", [], |r| r.get::<_, i64>(0)).unwrap(), 1);
    let host_alone = Connection::open(&host).unwrap();
    assert_eq!(host_alone.query_row("SELECT count(*) FROM InvoiceLine", [], |r| r.get::<_, i64>(0)).unwrap(), 0);
}

/// A journal kept in any file of the connection is overwritten, not only
/// the host's: the scrub does not rely on the records never keeping one.
#[test]
fn a_purge_journal_is_scrubbed_in_both_files() {
    let dir = tempfile::tempdir().unwrap();
    let (host, records, db) = adopted(dir.path());
    let _kept: String = db.conn().query_row("PRAGMA journal_mode=PERSIST", [], |r| r.get(0)).unwrap();
    db.conn().execute("DELETE FROM InvoiceLine", []).unwrap();
    db.conn().execute("INSERT INTO audit_log (at, event) VALUES ('2026-12-01T00:00:00Z', 'purge')", []).unwrap();
    // Held open, a journal SQLite merely unlinked would still show its
    // pages through these handles (unix keeps an unlinked file's blocks
    // for its open descriptors); one scrubbed first shows nothing.
    #[cfg(unix)]
    let held: Vec<std::fs::File> = [&host, &records].map(|f| std::fs::File::open(journal_path(f)).unwrap()).into();
    for e in std::fs::read_dir(host.parent().unwrap()).unwrap() {
        let e = e.unwrap();
        eprintln!("{:?} {}", e.file_name(), e.metadata().unwrap().len());
    }
    for file in [&host, &records] {
        assert!(std::fs::metadata(journal_path(file)).unwrap().len() > 0, "{} kept no journal", file.display());
    }
    scrub_journal(db.conn()).unwrap();
    for file in [&host, &records] {
        assert!(!journal_path(file).exists(), "{}'s journal is still there", file.display());
    }
    #[cfg(unix)]
    for mut file in held {
        use std::io::Read;
        let mut left = Vec::new();
        file.read_to_end(&mut left).unwrap();
        assert!(left.iter().all(|&b| b == 0), "a journal was unlinked, not overwritten");
    }
}
