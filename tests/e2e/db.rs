//! `db seed`, `db check` and `clients list`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::support::World;

#[test]
fn seed_check_and_list() {
    let world = World::new();
    let inst = world.init("Anna");
    let report = inst.run(&["db", "seed", "--clients", "4", "--no-documents", "--json"]).success().json();
    assert_eq!(report["clients"], 4);
    assert_eq!(report["documents"], 0);
    assert!(report["rows"].as_u64().unwrap() >= 4);

    let check = inst.run(&["db", "check", "--json"]).success().json();
    assert_eq!(check["ok"], true);
    inst.run(&["db", "check"]).success();

    let clients = inst.run(&["clients", "list", "--json"]).success().json();
    let clients = clients.as_array().unwrap();
    assert_eq!(clients.len(), 4);
    for c in clients {
        assert_eq!(c["uuid"].as_str().unwrap().len(), 36);
        assert!(!c["bem_id"].as_str().unwrap().is_empty());
        assert_eq!(c["handover"], "here");
    }
    let text = inst.run(&["clients", "list"]).success();
    assert!(text.stdout.starts_with("BEM-ID"));
    for c in clients {
        assert!(text.stdout.contains(c["uuid"].as_str().unwrap()));
    }
}

#[test]
fn seed_with_documents_is_checked_document_by_document() {
    let world = World::new();
    let inst = world.init("Anna");
    inst.seed(5);
    let documents: i64 = inst.sql().query_row("SELECT count(*) FROM documents", [], |r| r.get(0)).unwrap();
    assert!(documents > 0, "seed made documents");
    let check = inst.run(&["db", "check", "--json"]).success().json();
    assert_eq!(check["documents_verified"].as_i64().unwrap(), documents);
}

#[test]
fn check_reports_a_damaged_document() {
    let world = World::new();
    let inst = world.init("Anna");
    inst.seed(3);
    {
        let conn = rusqlite::Connection::open(inst.db_path()).unwrap();
        let changed = conn
            .execute("UPDATE documents SET sha256 = ?1 WHERE id = (SELECT min(id) FROM documents)", ["00".repeat(32)])
            .unwrap();
        assert_eq!(changed, 1);
    }
    inst.run(&["db", "check"]).refused_with("problem");
    let run = inst.run(&["db", "check", "--json"]).refused();
    assert_eq!(run.json()["ok"], false, "--json still prints the report");
}

#[test]
fn commands_without_installation_are_refused() {
    let world = World::new();
    let nobody = world.uninitialized("nobody");
    nobody.run(&["clients", "list"]).refused_with("bemx init");
    nobody.run(&["db", "check"]).refused_with("bemx init");
    nobody.run(&["db", "seed", "--clients", "1"]).refused_with("bemx init");
    assert!(!nobody.home.exists(), "a refused command creates no installation folder");
}
