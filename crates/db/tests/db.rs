#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::collections::{BTreeMap, HashMap};
use std::sync::OnceLock;

use bemx_db::{
    ColumnRole, Database, DbError, Profile, SCHEMA_VERSION, TableKind, check_database, count_rows,
    existing_client_uuids, export_tables, purge_clients, schema_fingerprint, select_clients,
};
use common::*;
use proptest::prelude::*;
use rusqlite::Connection;

const IID: &str = "6f1c2d3e-4a5b-4c6d-8e7f-0123456789ab";

#[test]
fn create_open_and_version_refusal() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bemdok.sqlite");
    {
        let db = Database::create(&path, IID).unwrap();
        assert_eq!(db.installation_id(), IID);
        let mode: String = db.conn().query_row("PRAGMA journal_mode", [], |r| r.get(0)).unwrap();
        assert_eq!(mode, "delete");
        let fk: i64 = db.conn().query_row("PRAGMA foreign_keys", [], |r| r.get(0)).unwrap();
        assert_eq!(fk, 1);
        let app: String =
            db.conn().query_row("SELECT value FROM meta WHERE key = 'app_version'", [], |r| r.get(0)).unwrap();
        assert_eq!(app, env!("CARGO_PKG_VERSION"));
    }
    assert!(matches!(Database::create(&path, IID), Err(DbError::AlreadyExists { .. })));
    assert!(matches!(Database::create(dir.path().join("x"), "not-a-uuid"), Err(DbError::InvalidInstallationId { .. })));
    let db = Database::open(&path).unwrap();
    assert_eq!(db.installation_id(), IID);
    drop(db);

    Connection::open(&path).unwrap().pragma_update(None, "user_version", 2).unwrap();
    let err = Database::open(&path).unwrap_err();
    assert!(matches!(err, DbError::SchemaTooNew { found: 2, expected: SCHEMA_VERSION }));
    assert_eq!(err.to_string(), "database schema version 2 is newer than this bemx (1)");
    assert_eq!(err.advice().as_deref(), Some("install the same bemx version on both PCs"));

    assert!(matches!(Database::open(dir.path().join("missing")), Err(DbError::NotFound { .. })));
    let plain = dir.path().join("plain.sqlite");
    Connection::open(&plain).unwrap().execute_batch("CREATE TABLE t(x)").unwrap();
    assert!(matches!(Database::open(&plain), Err(DbError::NotBemx { .. })));
}

#[test]
fn fingerprint_is_stable_and_sensitive() {
    let dir = tempfile::tempdir().unwrap();
    let a = Database::create(dir.path().join("a"), IID).unwrap();
    let b = seeded(dir.path(), "b", 3, 7);
    let fa = schema_fingerprint(a.conn()).unwrap();
    assert_eq!(fa, schema_fingerprint(b.conn()).unwrap(), "data must not matter");
    a.conn().execute_batch("CREATE INDEX extra ON clients(last_name)").unwrap();
    assert_ne!(fa, schema_fingerprint(a.conn()).unwrap());
}

#[test]
fn export_tables_are_topological_and_exclude_local_tables() {
    let dir = tempfile::tempdir().unwrap();
    let db = Database::create(dir.path().join("a"), IID).unwrap();
    let tables = export_tables(db.conn()).unwrap();
    let names: Vec<&str> = tables.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(names[0], "clients");
    for t in &tables {
        assert_eq!(t.kind, TableKind::Owned);
        assert!(!Profile::reference().is_local_table(&t.name));
        assert!(!t.name.starts_with("cat_"));
        for c in &t.columns {
            if let ColumnRole::OwnedRef { table } = &c.role {
                let pos = |n: &str| names.iter().position(|x| *x == n).unwrap();
                assert!(pos(table) < pos(&t.name), "{table} must precede {}", t.name);
            }
        }
    }
    let mut sorted = names.clone();
    sorted.sort_unstable();
    assert_eq!(
        sorted,
        [
            "action_participants",
            "action_results",
            "action_tasks",
            "actions",
            "bem_cases",
            "clients",
            "consents",
            "deletion_schedule",
            "documents",
            "funding_applications",
            "measures",
            "sick_days_after",
            "sick_leave_periods",
            "survey_answers",
            "surveys",
        ]
    );
    let docs = tables.iter().find(|t| t.name == "documents").unwrap();
    assert!(docs.columns.iter().any(|c| c.name == "content" && c.role == ColumnRole::Blob));
    let consents = tables.iter().find(|t| t.name == "consents").unwrap();
    assert!(consents.columns.iter().any(|c| c.name == "document_id"
        && c.role == ColumnRole::OwnedRef { table: "documents".into() }
        && !c.not_null));
    let actions = tables.iter().find(|t| t.name == "actions").unwrap();
    assert!(
        actions
            .columns
            .iter()
            .any(|c| c.name == "action_type_id"
                && c.role == ColumnRole::CatalogueRef { table: "cat_action_type".into() })
    );
}

fn shared_db() -> &'static std::path::Path {
    static DIR: OnceLock<tempfile::TempDir> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        seeded(dir.path(), "shared.sqlite", 10, 3);
        dir
    })
    .path()
}

/// The closure written by hand, independent of the graph code.
fn expected_ids(conn: &Connection, clients: &[i64]) -> BTreeMap<String, Vec<i64>> {
    let list = clients.iter().map(i64::to_string).collect::<Vec<_>>().join(",");
    let cases = format!("SELECT id FROM bem_cases WHERE client_id IN ({list})");
    let actions = format!("SELECT id FROM actions WHERE case_id IN ({cases})");
    let surveys = format!("SELECT id FROM surveys WHERE case_id IN ({cases})");
    let mut q = vec![("clients".to_owned(), format!("SELECT id FROM clients WHERE id IN ({list})"))];
    for t in ["sick_leave_periods", "documents", "consents", "bem_cases", "deletion_schedule"] {
        q.push((t.into(), format!("SELECT id FROM {t} WHERE client_id IN ({list})")));
    }
    for t in ["actions", "measures", "funding_applications", "surveys", "sick_days_after"] {
        q.push((t.into(), format!("SELECT id FROM {t} WHERE case_id IN ({cases})")));
    }
    for t in ["action_participants", "action_results", "action_tasks"] {
        q.push((t.into(), format!("SELECT id FROM {t} WHERE action_id IN ({actions})")));
    }
    q.push(("survey_answers".into(), format!("SELECT id FROM survey_answers WHERE survey_id IN ({surveys})")));
    q.push(("cat_action_type".into(), format!("SELECT DISTINCT action_type_id FROM actions WHERE id IN ({actions})")));
    q.into_iter()
        .map(|(t, sql)| {
            let mut ids: Vec<i64> = conn
                .prepare(&format!("{sql} ORDER BY 1"))
                .unwrap()
                .query_map([], |r| r.get(0))
                .unwrap()
                .map(Result::unwrap)
                .collect();
            ids.sort_unstable();
            (t, ids)
        })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]
    #[test]
    fn extraction_is_exactly_the_closure(mask in 0u32..1024) {
        let db = Database::open(shared_db().join("shared.sqlite")).unwrap();
        let all = all_client_ids(&db);
        let chosen: Vec<i64> = all.iter().enumerate()
            .filter(|(i, _)| mask & (1 << i) != 0).map(|(_, id)| *id).collect();
        let sel = select_clients(db.conn(), &chosen).unwrap();
        let want = expected_ids(db.conn(), &chosen);
        let owned: Vec<&str> = sel.tables().iter()
            .filter(|t| t.kind == TableKind::Owned).map(|t| t.name.as_str()).collect();
        prop_assert_eq!(owned.len(), want.len() - 1);
        for (t, ids) in &want {
            prop_assert_eq!(sel.row_ids(t).map(bemx_db::IdSet::to_vec).unwrap_or_default(), ids.clone(), "table {}", t);
        }
        let counts: BTreeMap<String, u64> = count_rows(&sel).into_iter().collect();
        prop_assert_eq!(counts["documents"], want["documents"].len() as u64);
        // Streamed rows match the counts announced.
        let ex = extract_all(&db, &chosen);
        for ((spec, rows), n) in ex.rows.tables.iter().zip(&ex.rows.announced) {
            prop_assert_eq!(rows.len() as u64, *n, "table {}", &spec.name);
        }
        // The rows the walk hands over as it selects them are extract's.
        let (walked_sel, walked) =
            walked_then_catalogues(db.conn(), &bemx_db::reference_graph(db.conn()).unwrap(), &chosen);
        prop_assert_eq!(&walked, &ex.rows);
        prop_assert_eq!(format!("{walked_sel:?}"), format!("{sel:?}"));
        prop_assert_eq!(ex.blobs.len(), want["documents"].len());
    }
}

/// Documents arrive byte for byte whatever their size: empty, one byte,
/// and sizes on and off the merge's 64 KiB pieces (1 MiB, one byte more,
/// 3 MiB).
#[test]
fn documents_of_any_size_arrive_byte_for_byte() {
    let dir = tempfile::tempdir().unwrap();
    let a = seeded(dir.path(), "a", 6, 5);
    let mut b = seeded(dir.path(), "b", 1, 6);
    let docs: Vec<i64> = a
        .conn()
        .prepare("SELECT id FROM documents ORDER BY id")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    let sizes = [0usize, 1, 1 << 20, (1 << 20) + 1, 3 << 20];
    assert!(docs.len() >= sizes.len(), "{} documents", docs.len());
    let mut sent = Vec::new();
    for (id, len) in docs.iter().zip(sizes) {
        let bytes: Vec<u8> = (0..len).map(|i| (i * 7 % 251) as u8).collect();
        let sha = hex::encode(<sha2::Sha256 as sha2::Digest>::digest(&bytes));
        a.conn()
            .execute(
                "UPDATE documents SET content = ?2, size = ?3, sha256 = ?4 WHERE id = ?1",
                rusqlite::params![id, bytes, len as i64, sha],
            )
            .unwrap();
        sent.push((sha, bytes));
    }
    let ex = extract_all(&a, &all_client_ids(&a));
    merge(&mut b, &ex).unwrap();
    for (sha, bytes) in sent {
        let arrived: Vec<u8> =
            b.conn().query_row("SELECT content FROM documents WHERE sha256 = ?1", [&sha], |r| r.get(0)).unwrap();
        assert!(arrived == bytes, "a document of {} bytes arrived as {} bytes", bytes.len(), arrived.len());
    }
}

#[test]
fn extract_then_merge_round_trips_every_row() {
    let dir = tempfile::tempdir().unwrap();
    let a = seeded(dir.path(), "a", 8, 1);
    let mut b = seeded(dir.path(), "b", 8, 2);
    let ids = all_client_ids(&a);
    let ex = extract_all(&a, &ids);
    assert!(!ex.blobs.is_empty());
    let before_b = b.clients_list(true).unwrap().len();
    let report = merge(&mut b, &ex).unwrap();
    assert_eq!(b.clients_list(true).unwrap().len(), before_b + ids.len());
    assert_eq!(report.client_uuids, ex.selection.client_uuids());
    assert_eq!(report.rows_per_table["clients"], ids.len() as u64);

    // Catalogue: seed 1 uses HOME_VISIT, seed 2 does not know it.
    assert!(report.catalogue_codes_added.contains(&("cat_action_type".into(), "HOME_VISIT".into())));
    let label: String =
        b.conn().query_row("SELECT label FROM cat_action_type WHERE code = 'HOME_VISIT'", [], |r| r.get(0)).unwrap();
    assert_eq!(label, "Hausbesuch", "the sender's label travels");
    let meeting: String =
        b.conn().query_row("SELECT label FROM cat_action_type WHERE code = 'MEETING'", [], |r| r.get(0)).unwrap();
    assert_eq!(meeting, "BEM-Gespräch", "existing local labels are kept");

    // Every row comes back identical apart from local ids (and renames).
    let new_ids: Vec<i64> = ex.selection.client_uuids().iter().map(|u| b.find_client(u).unwrap().id).collect();
    let back = extract_all(&b, &new_ids);
    let renames: HashMap<String, String> = report.renamed.iter().map(|(old, new)| (new.clone(), old.clone())).collect();
    assert_eq!(normalise(&ex, &HashMap::new()), normalise(&back, &renames));
    assert!(check_database(b.conn()).unwrap().is_ok());

    // Importing the same clients again is refused, nothing changes.
    assert_eq!(existing_client_uuids(b.conn(), ex.selection.client_uuids()).unwrap().len(), ids.len());
    assert!(matches!(merge(&mut b, &ex), Err(DbError::DuplicateClient { .. })));
    assert_eq!(b.clients_list(true).unwrap().len(), before_b + ids.len());
}

#[test]
fn bem_id_clash_is_renamed_to_first_free_number() {
    let dir = tempfile::tempdir().unwrap();
    let a = seeded(dir.path(), "a", 1, 5);
    let mut b = Database::create(dir.path().join("b"), IID).unwrap();
    let src = a.clients_list(true).unwrap().remove(0);
    for (u, bem) in [("u1", src.bem_id.clone()), ("u2", format!("{} (2)", src.bem_id))] {
        b.conn().execute("INSERT INTO clients (uuid, bem_id) VALUES (?1, ?2)", [u, &bem]).unwrap();
    }
    let report = merge(&mut b, &extract_all(&a, &[src.id])).unwrap();
    let renamed = format!("{} (3)", src.bem_id);
    assert_eq!(report.renamed, vec![(src.bem_id.clone(), renamed.clone())]);
    assert_eq!(b.find_client(&src.uuid).unwrap().bem_id, renamed);
}

#[test]
fn merge_refuses_schema_drift_and_unresolved_references() {
    let dir = tempfile::tempdir().unwrap();
    let a = seeded(dir.path(), "a", 2, 9);
    let mut b = Database::create(dir.path().join("b"), IID).unwrap();
    let tx = b.conn_mut().transaction().unwrap();
    let mut m = bemx_db::Merger::new(&tx).unwrap();
    let err = m.begin_table("clients", &["id", "uuid"]).unwrap_err();
    assert!(matches!(err, DbError::SchemaDrift { .. }), "{err}");
    let err = m.begin_table("audit_log", &["id"]).unwrap_err();
    assert!(matches!(err, DbError::SchemaDrift { .. }), "{err}");

    let ex = extract_all(&a, &all_client_ids(&a));
    let (spec, rows) = ex.rows.tables.iter().find(|(s, _)| s.name == "bem_cases").unwrap();
    m.begin_table(&spec.name, &spec.column_names()).unwrap();
    let err = m.row(&rows[0]).unwrap_err();
    assert!(matches!(err, DbError::UnresolvedReference { .. }), "{err}");
}

#[test]
fn dangling_references_are_reported() {
    let dir = tempfile::tempdir().unwrap();
    let db = seeded(dir.path(), "a", 4, 11);
    let c = db.conn();
    c.pragma_update(None, "foreign_keys", "OFF").unwrap();
    let client = all_client_ids(&db)[0];
    let consent: i64 =
        c.query_row("SELECT min(id) FROM consents WHERE client_id = ?1", [client], |r| r.get(0)).unwrap();
    c.execute("UPDATE consents SET document_id = 999999 WHERE id = ?1", [consent]).unwrap();
    match select_clients(c, &[client]).unwrap_err() {
        DbError::DanglingReference { table, rowid, column, target, value } => {
            assert_eq!(
                (table.as_str(), rowid, column.as_str(), target.as_str(), value),
                ("consents", consent, "document_id", "documents", 999999)
            );
        }
        e => panic!("{e}"),
    }
    c.execute("UPDATE consents SET document_id = NULL WHERE id = ?1", [consent]).unwrap();

    let action: i64 = c
        .query_row(
            "SELECT min(a.id) FROM actions a JOIN bem_cases b ON b.id = a.case_id WHERE b.client_id = ?1",
            [client],
            |r| r.get(0),
        )
        .unwrap();
    c.execute("UPDATE actions SET action_type_id = 4242 WHERE id = ?1", [action]).unwrap();
    let err = select_clients(c, &[client]).unwrap_err();
    assert!(
        matches!(&err, DbError::DanglingReference { table, column, .. }
        if table == "actions" && column == "action_type_id"),
        "{err}"
    );
    let msg = err.to_string();
    assert!(msg.contains("actions row") && msg.contains("action_type_id"), "{msg}");
    assert!(err.advice().is_some_and(|a| a.contains("bemx db check")), "{err:?}");
    // A catalogue reference that is not a number names no catalogue row:
    // refused by the walk, as SQLite's foreign-key check (which the walk
    // stands in for on this schema) would.
    c.execute("UPDATE actions SET action_type_id = 'four' WHERE id = ?1", [action]).unwrap();
    let err = select_clients(c, &[client]).unwrap_err();
    assert!(
        matches!(&err, DbError::UnexpectedValue { table, column, .. } if table == "actions" && column == "action_type_id"),
        "{err}"
    );
    let violations: i64 =
        c.query_row("SELECT count(*) FROM pragma_foreign_key_check('actions')", [], |r| r.get(0)).unwrap();
    assert_eq!(violations, 1, "SQLite agrees");
    c.execute("UPDATE actions SET action_type_id = 4242 WHERE id = ?1", [action]).unwrap();

    // An orphan (its only parent gone) is found by the whole-database check.
    c.execute("UPDATE action_tasks SET action_id = 777777 WHERE id = (SELECT min(id) FROM action_tasks)", []).unwrap();
    let report = check_database(c).unwrap();
    assert!(!report.is_ok());
    assert!(report.problems.iter().any(|p| p.table.as_deref() == Some("actions") && p.rowid == Some(action)));
    assert!(report.problems.iter().any(|p| p.table.as_deref() == Some("action_tasks")));
}

#[test]
fn cross_client_references_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let db = seeded(dir.path(), "a", 12, 13);
    let c = db.conn();
    c.pragma_update(None, "foreign_keys", "OFF").unwrap();
    let (doc, owner): (i64, i64) = c
        .query_row("SELECT id, client_id FROM documents ORDER BY id LIMIT 1", [], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap();
    let (consent, other): (i64, i64) = c
        .query_row("SELECT id, client_id FROM consents WHERE client_id <> ?1 ORDER BY id LIMIT 1", [owner], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .unwrap();
    c.execute("UPDATE consents SET document_id = ?1 WHERE id = ?2", [doc, consent]).unwrap();
    let err = select_clients(c, &[other]).unwrap_err();
    assert!(
        matches!(&err, DbError::CrossClientReference { table, rowid, column, .. }
        if table == "consents" && *rowid == consent && column == "document_id"),
        "{err}"
    );
    assert!(matches!(select_clients(c, &[other, owner]), Err(DbError::CrossClientReference { .. })));
    // From the document owner's side the consent is reachable too, and
    // belongs to someone else: refused as well.
    assert!(matches!(select_clients(c, &[owner]), Err(DbError::CrossClientReference { table, column, .. })
        if table == "consents" && column == "client_id"));
    let report = check_database(c).unwrap();
    assert!(report.problems.iter().any(|p| p.table.as_deref() == Some("consents") && p.rowid == Some(consent)));
}

#[test]
fn damaged_documents_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let db = seeded(dir.path(), "a", 6, 17);
    let c = db.conn();
    assert!(check_database(c).unwrap().is_ok());
    let (doc, owner): (i64, i64) = c
        .query_row("SELECT id, client_id FROM documents ORDER BY id LIMIT 1", [], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap();
    c.execute("UPDATE documents SET sha256 = ?1 WHERE id = ?2", [&"0".repeat(64), &doc.to_string()]).unwrap();
    let report = check_database(c).unwrap();
    assert_eq!(report.problems.len(), 1, "{:?}", report.problems);
    let sel = select_clients(c, &[owner]).unwrap();
    let err = bemx_db::for_each_blob(c, &sel, |_, _| Ok::<(), std::convert::Infallible>(())).unwrap_err();
    assert!(matches!(err, bemx_db::ExtractError::Db(DbError::DocumentMismatch { .. })), "{err}");
    c.execute("UPDATE documents SET size = size + 1 WHERE id = ?1", [doc]).unwrap();
    assert!(matches!(select_clients(c, &[owner]), Err(DbError::DocumentMismatch { .. })));
}

fn hand_over(db: &Database, bundle: &str, uuid: &str) {
    db.conn().execute(
        "INSERT OR IGNORE INTO handovers (bundle_id, recipient_fingerprint, created_at) VALUES (?1, 'fp', '2025-01-01')",
        [bundle],
    ).unwrap();
    db.conn().execute("INSERT INTO handover_clients (bundle_id, client_uuid) VALUES (?1, ?2)", [bundle, uuid]).unwrap();
}

/// The extraction reads each run of selected ids as one range: a row gone
/// from the start, the middle or the end of a range since the selection
/// (the export's transaction keeps that from happening) is named, and so
/// is text a row cannot carry. Nothing is handed to the sink for a table
/// past the problem.
#[test]
fn an_extraction_names_a_selected_row_gone_and_text_that_is_not_utf8() {
    let dir = tempfile::tempdir().unwrap();
    let db = seeded(dir.path(), "gone.sqlite", 4, 7);
    let ids = all_client_ids(&db);
    let selection = select_clients(db.conn(), &ids).unwrap();
    let periods = selection.row_ids("sick_leave_periods").unwrap().to_vec();
    assert!(periods.len() >= 3, "{periods:?}");
    let extract_now = || {
        let mut rows = Collect::default();
        bemx_db::extract(db.conn(), &selection, &mut rows).map(|()| rows)
    };
    let all = extract_now().unwrap();
    let carried = |c: &Collect, table: &str| c.tables.iter().find(|t| t.0.name == table).map_or(0, |t| t.1.len());
    assert_eq!(carried(&all, "sick_leave_periods"), periods.len());
    // Each row deleted is put back from a copy, so each gap is alone.
    std::fs::copy(dir.path().join("gone.sqlite"), dir.path().join("saved.sqlite")).unwrap();
    db.conn().execute("ATTACH ?1 AS saved", [dir.path().join("saved.sqlite").to_str().unwrap()]).unwrap();
    for gone in [periods[0], periods[periods.len() / 2], periods[periods.len() - 1]] {
        db.conn().execute("DELETE FROM sick_leave_periods WHERE id = ?1", [gone]).unwrap();
        match extract_now() {
            Err(bemx_db::ExtractError::Db(DbError::ChangedDuringExport { table, rowid })) => {
                assert_eq!((table.as_str(), rowid), ("sick_leave_periods", gone));
            }
            other => panic!("row {gone} gone: {:?}", other.map(|c| carried(&c, "sick_leave_periods"))),
        }
        db.conn()
            .execute("INSERT INTO main.sick_leave_periods SELECT * FROM saved.sick_leave_periods WHERE id = ?1", [gone])
            .unwrap();
        assert_eq!(carried(&extract_now().unwrap(), "sick_leave_periods"), periods.len());
    }
    db.conn()
        .execute("UPDATE sick_leave_periods SET to_date = CAST(x'ff' AS TEXT) WHERE id = ?1", [periods[1]])
        .unwrap();
    match extract_now() {
        Err(bemx_db::ExtractError::Db(DbError::UnexpectedValue { table, column, .. })) => {
            assert_eq!((table.as_str(), column.as_str()), ("sick_leave_periods", "to_date"));
        }
        other => panic!("text not UTF-8: {:?}", other.map(|c| carried(&c, "sick_leave_periods"))),
    }
}

/// Finding many clients at once answers every query as `find_client` does
/// (a UUID in any case and with spaces around it, a BEM-ID exactly; the
/// open handover and the consent in force alike), in the queries' order,
/// and refuses the first query nobody matches.
#[test]
fn finding_many_clients_answers_as_finding_each() {
    let dir = tempfile::tempdir().unwrap();
    let db = seeded(dir.path(), "a", 10, 3);
    // One client in an open handover, one in a cancelled one, one whose
    // consent is revoked: each field the export checks differs somewhere.
    let uuids: Vec<String> = db.clients_list(true).unwrap().into_iter().map(|c| c.uuid).collect();
    db.conn()
        .execute_batch(&format!(
            "INSERT INTO handovers (bundle_id, recipient_fingerprint, created_at, state)
               VALUES ('b-open', 'f', '2026-01-01T00:00:00Z', 'open'),
                      ('b-gone', 'f', '2026-01-01T00:00:00Z', 'cancelled');
             INSERT INTO handover_clients VALUES ('b-open', '{0}'), ('b-gone', '{1}');
             UPDATE consents SET revoked_on = '2026-02-01'
               WHERE client_id = (SELECT id FROM clients WHERE uuid = '{2}');",
            uuids[0], uuids[1], uuids[2]
        ))
        .unwrap();
    let clients = db.clients_list(true).unwrap();
    assert!(clients.iter().any(|c| c.handover_bundle.as_deref() == Some("b-open")));
    assert!(clients.iter().any(|c| c.consent_given.is_some()) && clients.iter().any(|c| c.consent_given.is_none()));
    let mut queries: Vec<String> = Vec::new();
    for round in 0..3 {
        for c in clients.iter().rev() {
            queries.push(match round {
                0 => c.bem_id.clone(),
                1 => format!("  {} ", c.uuid.to_uppercase()),
                _ => c.uuid.clone(),
            });
        }
    }
    for n in [1, 16, 17, queries.len()] {
        let found = bemx_db::find_clients(db.conn(), &queries[..n]).unwrap();
        let each: Vec<_> =
            queries[..n].iter().map(|q| bemx_db::HandoverCandidate::from(db.find_client(q).unwrap())).collect();
        assert_eq!(found, each, "{n} queries");
        let mut with_unknown = queries[..n].to_vec();
        with_unknown.insert(n / 2, "Nobody".into());
        match bemx_db::find_clients(db.conn(), &with_unknown) {
            Err(DbError::UnknownClient { query }) => assert_eq!(query, "Nobody"),
            other => panic!("{n} queries: {other:?}"),
        }
    }
}

#[test]
fn handed_over_clients_are_read_only_and_hidden() {
    let dir = tempfile::tempdir().unwrap();
    let db = seeded(dir.path(), "a", 3, 19);
    // A client with records at every depth (case → action → result).
    let with_results: i64 = db
        .conn()
        .query_row(
            "SELECT b.client_id FROM action_results r JOIN actions a ON a.id = r.action_id JOIN bem_cases b ON b.id = a.case_id LIMIT 1",
            [],
            |r| r.get(0),
        )
        .unwrap();
    let c = db.clients_list(true).unwrap().into_iter().find(|c| c.id == with_results).unwrap();
    hand_over(&db, "b1", &c.uuid);
    let err = db.conn().execute("UPDATE clients SET job = 'x' WHERE id = ?1", [c.id]).unwrap_err();
    assert!(err.to_string().contains("handed over"), "{err}");
    assert!(db.conn().execute("DELETE FROM clients WHERE id = ?1", [c.id]).is_err());
    assert_eq!(db.clients_list(false).unwrap().len(), 2);
    let listed = db.clients_list(true).unwrap();
    assert_eq!(listed.iter().find(|x| x.id == c.id).unwrap().handover_bundle.as_deref(), Some("b1"));
    assert_eq!(db.find_client(&c.bem_id).unwrap().uuid, c.uuid);
    assert_eq!(db.find_client(&c.uuid).unwrap().bem_id, c.bem_id);
    assert!(matches!(db.find_client("Nobody"), Err(DbError::UnknownClient { .. })));

    // Every record of the client, at every depth of the graph, is read-only too.
    let (case, action): (i64, i64) = db
        .conn()
        .query_row(
            "SELECT a.case_id, a.id FROM actions a JOIN bem_cases b ON b.id = a.case_id
             WHERE b.client_id = ?1 AND EXISTS (SELECT 1 FROM action_results r WHERE r.action_id = a.id) LIMIT 1",
            [c.id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    for sql in [
        format!("UPDATE bem_cases SET locked = 1 - locked WHERE id = {case}"),
        format!("DELETE FROM actions WHERE id = {action}"),
        format!("UPDATE action_results SET text = 'x' WHERE action_id = {action}"),
        format!("INSERT INTO action_tasks (action_id, text, due_date, done) VALUES ({action}, 't', '2026-01-01', 0)"),
        format!("UPDATE sick_leave_periods SET to_date = from_date WHERE client_id = {}", c.id),
    ] {
        let err = db.conn().execute(&sql, []).expect_err(&sql);
        assert!(err.to_string().contains("read-only"), "{sql}: {err}");
    }
    // Other clients' records stay writable.
    let other = db.clients_list(false).unwrap().remove(0);
    db.conn().execute("UPDATE sick_leave_periods SET to_date = from_date WHERE client_id = ?1", [other.id]).unwrap();

    db.conn().execute("UPDATE handovers SET state = 'cancelled'", []).unwrap();
    db.conn().execute("UPDATE clients SET job = 'x' WHERE id = ?1", [c.id]).unwrap();
    db.conn().execute(&format!("UPDATE bem_cases SET locked = 1 - locked WHERE id = {case}"), []).unwrap();
}

#[test]
fn purge_leaves_nothing_and_keeps_the_rest() {
    let dir = tempfile::tempdir().unwrap();
    let mut db = seeded(dir.path(), "a", 8, 23);
    let clients = db.clients_list(true).unwrap();
    let (gone, kept): (Vec<_>, Vec<_>) = clients.iter().partition(|c| c.id % 3 == 0);
    let gone_ids: Vec<i64> = gone.iter().map(|c| c.id).collect();
    let kept_ids: Vec<i64> = kept.iter().map(|c| c.id).collect();
    let kept_before = expected_ids(db.conn(), &kept_ids);
    let gone_before = expected_ids(db.conn(), &gone_ids);
    let uuids: Vec<String> = gone.iter().map(|c| c.uuid.clone()).collect();
    for u in &uuids {
        hand_over(&db, "bundle", u);
    }
    let tx = db.conn_mut().transaction().unwrap();
    let report = purge_clients(&tx, &uuids).unwrap();
    tx.commit().unwrap();
    assert_eq!(report.rows_per_table["clients"], gone_ids.len() as u64);
    assert_eq!(report.rows_per_table["documents"], gone_before["documents"].len() as u64);
    for (t, ids) in expected_ids(db.conn(), &gone_ids) {
        if t.starts_with("cat_") {
            continue;
        }
        assert!(ids.is_empty(), "{t} still holds rows of purged clients");
    }
    assert_eq!(expected_ids(db.conn(), &kept_ids), kept_before);
    let purging: i64 =
        db.conn().query_row("SELECT count(*) FROM meta WHERE key = 'purging'", [], |r| r.get(0)).unwrap();
    assert_eq!(purging, 0);
    // The handover record survives the purge.
    let hc: i64 = db.conn().query_row("SELECT count(*) FROM handover_clients", [], |r| r.get(0)).unwrap();
    assert_eq!(hc, uuids.len() as i64);
    assert!(check_database(db.conn()).unwrap().is_ok());
}

#[test]
fn seeding_is_deterministic_and_varies_catalogues() {
    let dir = tempfile::tempdir().unwrap();
    let a = seeded(dir.path(), "a", 5, 42);
    let b = seeded(dir.path(), "b", 5, 42);
    let c = seeded(dir.path(), "c", 5, 43);
    let ua: Vec<_> = a.clients_list(true).unwrap();
    assert_eq!(ua, b.clients_list(true).unwrap());
    assert_ne!(ua, c.clients_list(true).unwrap());
    for u in &ua {
        assert!(uuid::Uuid::parse_str(&u.uuid).unwrap().get_version_num() == 4);
    }
    let ea = extract_all(&a, &all_client_ids(&a));
    let eb = extract_all(&b, &all_client_ids(&b));
    assert_eq!(normalise(&ea, &HashMap::new()), normalise(&eb, &HashMap::new()));
    let has = |db: &Database, code: &str| -> bool {
        db.conn()
            .query_row("SELECT count(*) FROM cat_action_type WHERE code = ?1", [code], |r| r.get::<_, i64>(0))
            .unwrap()
            == 1
    };
    assert!(has(&a, "EXTERNAL_ADVICE") && !has(&a, "HOME_VISIT"));
    assert!(has(&c, "HOME_VISIT") && !has(&c, "EXTERNAL_ADVICE"));
    // Case histories follow the rules.
    let bad: i64 = a.conn().query_row(
        "SELECT count(*) FROM bem_cases b WHERE
           (SELECT t.code FROM actions x JOIN cat_action_type t ON t.id = x.action_type_id
             WHERE x.case_id = b.id ORDER BY x.date, x.id LIMIT 1) <> 'FIRST_CONTACT'
           OR (b.status = 'closed' AND (b.locked <> 1 OR (SELECT t.code FROM actions x JOIN cat_action_type t ON t.id = x.action_type_id
             WHERE x.case_id = b.id ORDER BY x.date DESC, x.id DESC LIMIT 1) <> 'CASE_CLOSED'))",
        [], |r| r.get(0)).unwrap();
    assert_eq!(bad, 0);
}

/// `cargo test -p bemx-db --release -- --ignored --nocapture seed_10k`
#[test]
#[ignore = "timing, run in release"]
#[allow(clippy::print_stderr)]
fn seed_10k_timing() {
    let dir = tempfile::tempdir().unwrap();
    let mut db = Database::create(dir.path().join("big"), IID).unwrap();
    let mut opts = bemx_demo::SeedOptions::new(10_000, 1);
    opts.documents = false;
    let t = std::time::Instant::now();
    let report = bemx_demo::seed_with(&mut db, &opts).unwrap();
    let seed_time = t.elapsed();
    eprintln!("seed 10k clients, no documents: {seed_time:?}, {} rows", report.rows);
    let ids = all_client_ids(&db);
    let t = std::time::Instant::now();
    let sel = select_clients(db.conn(), &ids[..1]).unwrap();
    eprintln!("select 1 of 10k: {:?}", t.elapsed());
    drop(sel);
    let t = std::time::Instant::now();
    let ex = extract_all(&db, &ids);
    eprintln!("select+extract all 10k: {:?}", t.elapsed());
    drop(ex);
    let t = std::time::Instant::now();
    assert!(check_database(db.conn()).unwrap().is_ok());
    eprintln!("check_database: {:?}", t.elapsed());
    let t = std::time::Instant::now();
    let tx = db.conn_mut().transaction().unwrap();
    let uuids: Vec<String> = bemx_db::Database::open(dir.path().join("big"))
        .unwrap()
        .clients_list(true)
        .unwrap()
        .into_iter()
        .take(1000)
        .map(|c| c.uuid)
        .collect();
    purge_clients(&tx, &uuids).unwrap();
    tx.commit().unwrap();
    eprintln!("purge 1000 of 10k: {:?}", t.elapsed());
    assert!(seed_time.as_secs() < 60);
}

#[test]
fn merge_refuses_wrong_or_missing_documents() {
    let dir = tempfile::tempdir().unwrap();
    let a = seeded(dir.path(), "a", 6, 29);
    let mut b = Database::create(dir.path().join("b"), IID).unwrap();
    let ex = extract_all(&a, &all_client_ids(&a));
    assert!(ex.blobs.len() >= 3);
    let tx = b.conn_mut().transaction().unwrap();
    let mut m = bemx_db::Merger::new(&tx).unwrap();
    for (spec, rows) in &ex.rows.tables {
        m.begin_table(&spec.name, &spec.column_names()).unwrap();
        for r in rows {
            m.row(r).unwrap();
        }
        m.end_table().unwrap();
    }
    let (t, c, id, bytes) = &ex.blobs[0];
    let short = &bytes[..bytes.len() - 1];
    let err = m.write_blob(t, c, *id, bytes.len() as u64, &mut &short[..]).unwrap_err();
    assert!(matches!(err, DbError::BlobLength { .. }), "{err}");
    let (t, c, id, bytes) = &ex.blobs[1];
    let mut flipped = bytes.clone();
    flipped[0] ^= 1;
    let err = m.write_blob(t, c, *id, bytes.len() as u64, &mut flipped.as_slice()).unwrap_err();
    assert!(matches!(err, DbError::DocumentMismatch { .. }), "{err}");
    // The bundle path vouches for the bytes' hash instead of rehashing: a
    // row whose stored sha256 differs from that hash is still refused.
    if let Some((t, c, id, bytes)) = ex.blobs.get(2) {
        let err =
            m.write_blob_with_known_hash(t, c, *id, bytes.len() as u64, &mut bytes.as_slice(), [7; 32]).unwrap_err();
        assert!(matches!(err, DbError::DocumentMismatch { .. }), "{err}");
    }
    let err = m.finish().unwrap_err();
    assert!(matches!(err, DbError::MergeProtocol { .. }), "{err}");
}

#[test]
fn check_names_triggers_views_and_indexes_outside_the_schema() {
    let dir = tempfile::tempdir().unwrap();
    let db = Database::create(dir.path().join("x.sqlite"), IID).unwrap();
    assert!(check_database(db.conn()).unwrap().is_ok(), "a fresh database matches its own schema");
    let c = db.conn();
    c.execute_batch(
        "CREATE TRIGGER planted AFTER INSERT ON meta BEGIN DELETE FROM meta WHERE key = 'x'; END;
         CREATE VIEW peek AS SELECT key FROM meta;
         CREATE INDEX sneaky ON meta (value);",
    )
    .unwrap();
    let report = check_database(c).unwrap();
    assert!(!report.is_ok());
    for name in ["\"planted\"", "\"peek\"", "\"sneaky\""] {
        assert!(report.problems.iter().any(|p| p.message.contains(name)), "{name} not named: {:?}", report.problems);
    }
    // An altered trigger of the schema is named too.
    let (name, sql): (String, String) = c
        .query_row(
            "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND name <> 'planted' LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    c.execute_batch(&format!("DROP TRIGGER \"{name}\"; {};", sql.replacen("BEGIN", "BEGIN SELECT 1;", 1))).unwrap();
    let report = check_database(c).unwrap();
    assert!(report.problems.iter().any(|p| p.message.contains(&format!("{name:?}")) && p.message.contains("differs")));
}

/// Whether SQLite runs triggers on `conn` now.
fn triggers_on(conn: &Connection) -> bool {
    conn.db_config(rusqlite::config::DbConfig::SQLITE_DBCONFIG_ENABLE_TRIGGER).unwrap()
}

/// [`merge`], watching the connection: whether triggers ran during the
/// merge's rows, and whether they run after it.
fn merge_watching_triggers(dst: &mut Database, ex: &Extracted) -> (bool, bool) {
    let tx = dst.conn_mut().transaction().unwrap();
    let mut during = Vec::new();
    {
        let mut m = bemx_db::Merger::new(&tx).unwrap();
        for (spec, rows) in &ex.rows.tables {
            m.begin_table(&spec.name, &spec.column_names()).unwrap();
            for r in rows {
                m.row(r).unwrap();
                during.push(triggers_on(&tx));
            }
            m.end_table().unwrap();
        }
        for (t, c, id, bytes) in &ex.blobs {
            m.write_blob(t, c, *id, bytes.len() as u64, &mut bytes.as_slice()).unwrap();
        }
        m.finish().unwrap();
    }
    let after = triggers_on(&tx);
    tx.commit().unwrap();
    assert!(!during.is_empty());
    assert!(during.iter().all(|d| *d == during[0]), "{during:?}");
    (during[0], after)
}

/// An open handover of `client` (a UUID) in `db`.
fn open_handover(db: &Database, bundle: &str, client: &str) {
    db.conn()
        .execute(
            "INSERT INTO handovers (bundle_id, recipient_fingerprint, created_at) VALUES (?1, 'fp', '2026-12-02')",
            [bundle],
        )
        .unwrap();
    db.conn()
        .execute("INSERT INTO handover_clients (bundle_id, client_uuid) VALUES (?1, ?2)", [bundle, client])
        .unwrap();
}

#[test]
fn a_merge_runs_without_the_idle_guards_and_switches_them_on_again() {
    let dir = tempfile::tempdir().unwrap();
    let a = seeded(dir.path(), "a", 3, 31);
    let ex = extract_all(&a, &all_client_ids(&a));
    let mut b = Database::create(dir.path().join("b"), IID).unwrap();
    assert_eq!(merge_watching_triggers(&mut b, &ex), (false, true));

    // On again on the same connection, in statements prepared before and
    // after: a handed-over client's case cannot be added to.
    let client = a.clients_list(true).unwrap().remove(0);
    let case = "INSERT INTO bem_cases (client_id, trigger, status, start_date) \
                SELECT id, 'own_wish', 'open', '2026-12-02' FROM clients WHERE uuid = ?1";
    let mut prepared = b.conn().prepare(case).unwrap();
    open_handover(&b, "h1", &client.uuid);
    let err = prepared.execute([&client.uuid]).unwrap_err();
    assert!(err.to_string().contains("read-only"), "{err}");
    drop(prepared);
    let err = b.conn().execute(case, [&client.uuid]).unwrap_err();
    assert!(err.to_string().contains("read-only"), "{err}");

    // A merge that fails midway switches them on again too.
    let mut c = Database::create(dir.path().join("c"), IID).unwrap();
    let tx = c.conn_mut().transaction().unwrap();
    {
        let mut m = bemx_db::Merger::new(&tx).unwrap();
        assert!(!triggers_on(&tx));
        let (spec, rows) = ex.rows.tables.iter().find(|(s, _)| s.name == "bem_cases").unwrap();
        m.begin_table(&spec.name, &spec.column_names()).unwrap();
        let err = m.row(&rows[0]).unwrap_err();
        assert!(matches!(err, DbError::UnresolvedReference { .. }), "{err}");
    }
    assert!(triggers_on(&tx));
    drop(tx);

    // Triggers someone else switched off are left off.
    let mut d = Database::create(dir.path().join("d"), IID).unwrap();
    d.conn().set_db_config(rusqlite::config::DbConfig::SQLITE_DBCONFIG_ENABLE_TRIGGER, false).unwrap();
    assert_eq!(merge_watching_triggers(&mut d, &ex), (false, false));
}

/// [`purge_clients`] of `uuids`, handed over first, counting the trigger
/// programs its statements entered (SQLite's trace names each); and
/// whether triggers run after it.
fn purge_counting_triggers(db: &mut Database, uuids: &[String]) -> (usize, bool) {
    use rusqlite::trace::{TraceEvent, TraceEventCodes};
    use std::sync::atomic::{AtomicUsize, Ordering};
    for u in uuids {
        hand_over(db, "purged", u);
    }
    let entered = std::sync::Arc::new(AtomicUsize::new(0));
    let count = std::sync::Arc::clone(&entered);
    db.conn_mut()
        .trace_v2(
            TraceEventCodes::SQLITE_TRACE_STMT,
            Some(move |e: TraceEvent<'_>| {
                if let TraceEvent::Stmt(_, sql) = e
                    && sql.starts_with("-- TRIGGER")
                {
                    count.fetch_add(1, Ordering::Relaxed);
                }
            }),
        )
        .unwrap();
    let tx = db.conn_mut().transaction().unwrap();
    purge_clients(&tx, uuids).unwrap();
    let after = triggers_on(&tx);
    tx.commit().unwrap();
    db.conn_mut().trace_v2(TraceEventCodes::empty(), None::<fn(TraceEvent<'_>)>).unwrap();
    (entered.load(Ordering::Relaxed), after)
}

/// A purge only deletes, with `purging` set: every guard lets its deletes
/// through, so when every trigger is one of bemx's guards the purge runs
/// without them (no statement journal for each delete: confirm of 100,000
/// clients 31 s -> 18 s) and switches them on again. A trigger of someone
/// else's runs for every row, and the guards with it.
#[test]
fn a_purge_runs_without_the_guards_only_where_they_are_all_bemx_s() {
    let dir = tempfile::tempdir().unwrap();
    let mut db = seeded(dir.path(), "a", 4, 41);
    let uuids: Vec<String> = db.clients_list(true).unwrap().into_iter().map(|c| c.uuid).collect();
    assert_eq!(purge_counting_triggers(&mut db, &uuids[..2]), (0, true));
    // On again: a handed-over client's case cannot be added to.
    hand_over(&db, "h2", &uuids[2]);
    let err = db
        .conn()
        .execute(
            "INSERT INTO bem_cases (client_id, trigger, status, start_date)
             SELECT id, 'own_wish', 'open', '2026-12-02' FROM clients WHERE uuid = ?1",
            [&uuids[2]],
        )
        .unwrap_err();
    assert!(err.to_string().contains("read-only"), "{err}");

    let cases: i64 = db
        .conn()
        .query_row(
            "SELECT count(*) FROM bem_cases b JOIN clients c ON c.id = b.client_id WHERE c.uuid = ?1",
            [&uuids[3]],
            |r| r.get(0),
        )
        .unwrap();
    assert!(cases > 0);
    db.conn()
        .execute_batch(
            "CREATE TEMP TABLE seen (case_id INTEGER);
             CREATE TEMP TRIGGER seen_cases AFTER DELETE ON main.bem_cases BEGIN INSERT INTO seen VALUES (OLD.id); END;",
        )
        .unwrap();
    let (during, after) = purge_counting_triggers(&mut db, &uuids[3..]);
    assert!(during as i64 > cases, "{during} trigger programs for {cases} cases");
    assert!(after);
    let seen: i64 = db.conn().query_row("SELECT count(*) FROM temp.seen", [], |r| r.get(0)).unwrap();
    assert_eq!(seen, cases);

    // A foreign key that sets a column when its parent goes turns a delete
    // into an update of another row, which the guards must see.
    let mut db = seeded(dir.path(), "b", 2, 43);
    db.conn()
        .execute_batch(
            "ALTER TABLE bem_cases ADD COLUMN region INTEGER REFERENCES cat_department(id) ON DELETE SET NULL;",
        )
        .unwrap();
    let uuids: Vec<String> = db.clients_list(true).unwrap().into_iter().map(|c| c.uuid).collect();
    let (during, after) = purge_counting_triggers(&mut db, &uuids[..1]);
    assert!(during > 0 && after, "{during} trigger programs, on after: {after}");
}

#[test]
fn a_merge_keeps_every_trigger_where_one_could_fire() {
    let dir = tempfile::tempdir().unwrap();
    let a = seeded(dir.path(), "a", 3, 37);
    let ex = extract_all(&a, &all_client_ids(&a));
    let cases = ex.rows.tables.iter().find(|(s, _)| s.name == "bem_cases").map_or(0, |(_, r)| r.len());
    assert!(cases > 0);

    // A handover is open: the guards must judge every row.
    let mut open = Database::create(dir.path().join("open"), IID).unwrap();
    open.conn().execute("INSERT INTO clients (uuid, bem_id) VALUES ('u-out', 'Out')", []).unwrap();
    open_handover(&open, "h1", "u-out");
    assert_eq!(merge_watching_triggers(&mut open, &ex), (true, true));

    // A trigger of someone else's: it runs for every row, as it would for
    // the host program's own.
    let mut host = Database::create(dir.path().join("host"), IID).unwrap();
    host.conn()
        .execute_batch(
            "CREATE TABLE seen (case_id INTEGER);
             CREATE TRIGGER seen_cases AFTER INSERT ON bem_cases BEGIN INSERT INTO seen VALUES (NEW.id); END;",
        )
        .unwrap();
    assert_eq!(merge_watching_triggers(&mut host, &ex), (true, true));
    let seen: i64 = host.conn().query_row("SELECT count(*) FROM seen", [], |r| r.get(0)).unwrap();
    assert_eq!(seen as usize, cases);

    // A guard that is not bemx's own any more, in a temporary schema too.
    for change in [
        "DROP TRIGGER bem_cases_handed_over_no_insert;
         CREATE TRIGGER bem_cases_handed_over_no_insert BEFORE INSERT ON bem_cases
         WHEN NEW.status = 'never' BEGIN SELECT RAISE(ABORT, 'no'); END;",
        "CREATE TEMP TRIGGER watch BEFORE INSERT ON main.bem_cases WHEN 0 BEGIN SELECT 1; END;",
    ] {
        let mut changed = Database::create(dir.path().join(format!("changed-{}", change.len())), IID).unwrap();
        changed.conn().execute_batch(change).unwrap();
        assert_eq!(merge_watching_triggers(&mut changed, &ex), (true, true), "{change}");
    }
}
