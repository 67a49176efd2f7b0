//! Issue 13 item 7: which files beside the database hold a purged client's
//! plaintext once the purge has committed, per journal mode.
//!
//! Every file SQLite writes beside the database is captured twice: while
//! the purge's transaction is still open (what a rollback journal held
//! before `DELETE` unlinked it or `TRUNCATE` cut it — blocks handed back to
//! the file system unoverwritten) and after the commit (what remains).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::collections::BTreeMap;
use std::path::Path;

use bemx_db::{Database, keep_journal_for_purge, purge_clients, scrub_journal};
use rusqlite::Connection;

const MARKER: &str = "PURGE-MARKER-c0ffee-7f3a9c1d";

/// Creates a seeded database whose first client carries [`MARKER`] in a
/// text column and in a document; returns the client's uuid.
fn seed(dir: &Path) -> String {
    let db = common::seeded(dir, "bemdok.sqlite", 6, 13);
    let conn = db.conn();
    let (id, uuid): (i64, String) =
        conn.query_row("SELECT id, uuid FROM clients ORDER BY id LIMIT 1", [], |r| Ok((r.get(0)?, r.get(1)?))).unwrap();
    conn.execute("UPDATE clients SET last_name = ?2 WHERE id = ?1", rusqlite::params![id, MARKER]).unwrap();
    conn.execute(
        "INSERT INTO documents (client_id, name, mime_type, size, sha256, content) VALUES (?1, 'note.txt', 'text/plain', ?2, ?3, ?4)",
        rusqlite::params![id, MARKER.len() as i64, "0".repeat(64), MARKER.as_bytes()],
    )
    .unwrap();
    drop(db);
    uuid
}

/// Every file in `dir` (the database itself when `with_db`) that holds the marker.
fn files_with_marker(dir: &Path, with_db: bool) -> BTreeMap<String, bool> {
    let mut out = BTreeMap::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let e = e.unwrap();
        let name = e.file_name().to_string_lossy().into_owned();
        if !with_db && name == "bemdok.sqlite" {
            continue;
        }
        let bytes = std::fs::read(e.path()).unwrap();
        out.insert(name, bytes.windows(MARKER.len()).any(|w| w == MARKER.as_bytes()));
    }
    out
}

#[derive(Debug)]
struct Measured {
    /// Files beside the database while the purge transaction was open.
    during: BTreeMap<String, bool>,
    /// Every file (the database included) after the commit.
    after: BTreeMap<String, bool>,
}

impl Measured {
    fn marker_during(&self) -> bool {
        self.during.values().any(|&m| m)
    }
    fn marker_after(&self) -> bool {
        self.after.values().any(|&m| m)
    }
}

/// Purges the marked client over a raw connection in journal `mode`.
fn measure_raw(mode: &str, extra: &str) -> Measured {
    let dir = tempfile::tempdir().unwrap();
    let uuid = seed(dir.path());
    let mut conn = Connection::open(dir.path().join("bemdok.sqlite")).unwrap();
    conn.execute_batch(&format!(
        "PRAGMA foreign_keys=ON; PRAGMA secure_delete=ON; PRAGMA synchronous=FULL; {extra} PRAGMA journal_mode={mode};"
    ))
    .unwrap();
    let tx = conn.transaction().unwrap();
    purge_clients(&tx, &[uuid]).unwrap();
    let during = files_with_marker(dir.path(), false);
    tx.commit().unwrap();
    let after = files_with_marker(dir.path(), true);
    Measured { during, after }
}

/// What bemx does: `configure_connection` (via `Database::open`), then
/// [`keep_journal_for_purge`], the purge, the commit, [`scrub_journal`].
fn measure_bemx(scrub: bool) -> Measured {
    let dir = tempfile::tempdir().unwrap();
    let uuid = seed(dir.path());
    let mut db = Database::open(dir.path().join("bemdok.sqlite")).unwrap();
    keep_journal_for_purge(db.conn()).unwrap();
    let tx = db.conn_mut().transaction().unwrap();
    purge_clients(&tx, &[uuid]).unwrap();
    let during = files_with_marker(dir.path(), false);
    tx.commit().unwrap();
    if scrub {
        scrub_journal(db.conn()).unwrap();
    }
    let after = files_with_marker(dir.path(), true);
    Measured { during, after }
}

#[test]
fn purge_journal_modes_measured() {
    let delete = measure_raw("DELETE", "");
    let truncate = measure_raw("TRUNCATE", "");
    let persist = measure_raw("PERSIST", "");
    let persist_limited = measure_raw("PERSIST", "PRAGMA journal_size_limit=0;");
    let memory = measure_raw("MEMORY", "");
    let wal = measure_raw("WAL", "");
    for (name, m) in [
        ("DELETE", &delete),
        ("TRUNCATE", &truncate),
        ("PERSIST", &persist),
        ("PERSIST+journal_size_limit=0", &persist_limited),
        ("MEMORY", &memory),
        ("WAL", &wal),
    ] {
        eprintln!("{name:30} during: {:?}  after: {:?}", m.during, m.after);
    }
    // A rollback journal holds the original pages: the purged plaintext.
    // DELETE unlinks it and TRUNCATE/size-limit cut it, so no remaining
    // file shows it, but its blocks were freed without being overwritten.
    for m in [&delete, &truncate, &persist, &persist_limited] {
        assert!(m.marker_during(), "the rollback journal holds the purged client: {m:?}");
    }
    assert!(!delete.marker_after() && !truncate.marker_after() && !persist_limited.marker_after());
    // PERSIST alone keeps it readable in a file that stays.
    assert!(persist.after.get("bemdok.sqlite-journal") == Some(&true), "{persist:?}");
    // MEMORY writes no file but a crash mid-commit corrupts the database.
    assert!(!memory.marker_during() && !memory.marker_after(), "{memory:?}");
    // WAL: the purge commit itself is only in the WAL; until a checkpoint
    // the database file still holds the client.
    assert!(wal.after.get("bemdok.sqlite") == Some(&true), "{wal:?}");
}

#[test]
fn bemx_purge_leaves_no_marker_in_any_file() {
    let unscrubbed = measure_bemx(false);
    assert!(unscrubbed.marker_during(), "{unscrubbed:?}");
    assert_eq!(unscrubbed.after.get("bemdok.sqlite-journal"), Some(&true), "PERSIST keeps it until scrubbed");
    let m = measure_bemx(true);
    eprintln!("bemx (PERSIST + scrub_journal) during: {:?}  after: {:?}", m.during, m.after);
    assert!(m.marker_during(), "the journal was captured before the commit: {m:?}");
    assert!(!m.marker_after(), "no file holds the purged client after the purge: {m:?}");
    // Overwritten, then removed by the return to DELETE.
    assert_eq!(m.after.get("bemdok.sqlite-journal"), None, "{m:?}");
}

/// The confirm's free-space check (DESIGN.md S1) asks the purge plan how
/// much its rollback journal takes: that estimate is at least the journal
/// the purge then writes, whether few clients go or all of them, with
/// their documents (secure_delete journals every page whose content goes).
#[test]
fn a_purge_plan_estimates_at_least_the_journal_the_purge_writes() {
    for (clients, purged) in [(6usize, 1usize), (6, 6)] {
        let dir = tempfile::tempdir().unwrap();
        let db = common::seeded(dir.path(), "bemdok.sqlite", clients as u32, 21);
        let uuids: Vec<String> = db.clients_list(true).unwrap().into_iter().take(purged).map(|c| c.uuid).collect();
        drop(db);
        let path = dir.path().join("bemdok.sqlite");
        let db_bytes = std::fs::metadata(&path).unwrap().len();
        let mut db = Database::open(&path).unwrap();
        keep_journal_for_purge(db.conn()).unwrap();
        let tx = db.conn_mut().transaction().unwrap();
        let plan = bemx_db::plan_purge(&tx, &uuids).unwrap();
        let estimate = plan.journal_bytes(db_bytes);
        let report = plan.run(&tx).unwrap();
        assert_eq!(report.rows_per_table["clients"], purged as u64);
        let journal = std::fs::metadata(dir.path().join("bemdok.sqlite-journal")).unwrap().len();
        tx.commit().unwrap();
        eprintln!("{purged} of {clients} clients: journal {journal} bytes, estimate {estimate}, database {db_bytes}");
        assert!(journal > 0, "the purge wrote no journal");
        assert!(estimate >= journal, "estimate {estimate} < journal {journal}");
        assert!(estimate <= db_bytes + db_bytes / 512 + (64 << 10), "estimate {estimate} above the whole file");
    }
}

/// With `auto_vacuum` the commit moves pages no estimate from the rows can
/// bound: a purge of one client is estimated at the whole file.
#[test]
fn a_purge_plan_under_auto_vacuum_counts_the_whole_file() {
    let dir = tempfile::tempdir().unwrap();
    let db = common::seeded(dir.path(), "bemdok.sqlite", 6, 21);
    let uuid = db.clients_list(true).unwrap().remove(0).uuid;
    let path = dir.path().join("bemdok.sqlite");
    let whole = |db_bytes: u64| db_bytes + db_bytes / 512 + (64 << 10);
    let one_client = bemx_db::plan_purge(db.conn(), std::slice::from_ref(&uuid)).unwrap();
    let db_bytes = std::fs::metadata(&path).unwrap().len();
    assert!(one_client.journal_bytes(db_bytes) < whole(db_bytes), "one of six clients is not the whole file");
    db.conn().execute_batch("PRAGMA auto_vacuum = FULL; VACUUM;").unwrap();
    let db_bytes = std::fs::metadata(&path).unwrap().len();
    let plan = bemx_db::plan_purge(db.conn(), &[uuid]).unwrap();
    assert_eq!(plan.journal_bytes(db_bytes), whole(db_bytes));
}
