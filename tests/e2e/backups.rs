//! Signed backups (issue 13, item 10): a backup anyone could have encrypted
//! to this installation's public age key is refused by `backup restore`,
//! and `db check` names schema objects another program planted.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::support::{Inst, World, assert_unchanged, contents_under, pipe, snapshot, tools_or_skip};

const DOCS: &str = "200-2000";

fn backups_dir(inst: &Inst) -> std::path::PathBuf {
    inst.home.join("backups")
}

fn clients(inst: &Inst) -> i64 {
    inst.sql().query_row("SELECT count(*) FROM clients", [], |r| r.get(0)).unwrap()
}

/// Restoring `name` is refused naming `cause`; the database and every
/// backup file stay as they were (no before-restore backup, no temp file).
#[track_caller]
fn restore_refused(inst: &Inst, name: &str, cause: &str) {
    let db = snapshot(&inst.db_path());
    let backups = contents_under(&backups_dir(inst));
    let run = inst.run(&["backup", "restore", name, "--yes"]).refused_with(cause);
    assert!(run.stderr.contains("hint: "), "no advice:\n{}", run.stderr);
    assert_unchanged(&inst.db_path(), &db);
    assert_eq!(contents_under(&backups_dir(inst)), backups, "the backups folder changed");
    let strays: Vec<_> = std::fs::read_dir(&inst.home)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains(".bemx-restoring"))
        .collect();
    assert!(strays.is_empty(), "a decrypted file stayed behind: {strays:?}");
}

#[test]
fn a_forged_safety_backup_with_a_planted_trigger_is_refused() {
    if !tools_or_skip("a_forged_safety_backup_with_a_planted_trigger_is_refused", &["age", "zstd"]) {
        return;
    }
    let world = World::new();
    let anna = world.init("Anna");
    anna.seed_with(2, 3, DOCS);
    // The forger knows only the contact card: a copy of a bemx database
    // with a trigger planted, compressed and encrypted to the public key.
    let forged_db = world.path().join("forged.sqlite");
    std::fs::copy(anna.db_path(), &forged_db).unwrap();
    let conn = rusqlite::Connection::open(&forged_db).unwrap();
    conn.execute_batch("CREATE TRIGGER planted AFTER INSERT ON meta BEGIN DELETE FROM meta; END;").unwrap();
    drop(conn);
    let compressed = pipe("zstd", &["-q", "-c"], world.path(), &snapshot(&forged_db));
    let encrypted = pipe("age", &["-r", &anna.age_recipient()], world.path(), &compressed);
    std::fs::create_dir_all(backups_dir(&anna)).unwrap();
    let name = "SICHERHEITSBACKUP-20260101T000000Z-deadbeef";
    std::fs::write(backups_dir(&anna).join(format!("{name}.bemxbak")), &encrypted).unwrap();

    let list = anna.run(&["backup", "list", "--json"]).success().json();
    assert_eq!(list.as_array().unwrap().len(), 1);
    assert_eq!(list[0]["signed"], false);
    assert!(anna.run(&["backup", "list"]).success().stdout.contains("NOT SIGNED"));
    restore_refused(&anna, name, "not signed by this installation");

    // A signature file the forger made up does not help.
    let sig = backups_dir(&anna).join(format!("{name}.bemxsig"));
    std::fs::write(&sig, format!("bemx backup v1\nname {name}\nsignature {}\n", "00".repeat(64))).unwrap();
    restore_refused(&anna, name, "does not verify");
    // Nor does one signed by another installation.
    let other = world.init("Mallory");
    other.run(&["backup", "create"]).success();
    let other_list = other.run(&["backup", "list", "--json"]).success().json();
    let other_name = other_list[0]["name"].as_str().unwrap();
    std::fs::copy(backups_dir(&other).join(format!("{other_name}.bemxsig")), &sig).unwrap();
    restore_refused(&anna, name, "does not verify");
    assert_eq!(
        anna.sql()
            .query_row("SELECT count(*) FROM sqlite_master WHERE name = 'planted'", [], |r| r.get::<_, i64>(0))
            .unwrap(),
        0
    );
}

#[test]
fn a_signature_file_renamed_from_another_backup_is_refused() {
    let world = World::new();
    let anna = world.init("Anna");
    anna.seed_with(2, 5, DOCS);
    let first = anna.run(&["backup", "create", "--json"]).success().json()["name"].as_str().unwrap().to_owned();
    anna.seed_with(1, 6, DOCS);
    let second = anna.run(&["backup", "create", "--json"]).success().json()["name"].as_str().unwrap().to_owned();
    assert_ne!(first, second);
    let sig = |n: &str| backups_dir(&anna).join(format!("{n}.bemxsig"));
    std::fs::copy(sig(&second), sig(&first)).unwrap();
    restore_refused(&anna, &first, "signature made for another backup");
    // Signature and content swapped together still name the wrong backup.
    let bak = |n: &str| backups_dir(&anna).join(format!("{n}.bemxbak"));
    std::fs::copy(bak(&second), bak(&first)).unwrap();
    restore_refused(&anna, &first, "signature made for another backup");
    let list = anna.run(&["backup", "list", "--json"]).success().json();
    let signed: Vec<(String, bool)> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|b| (b["name"].as_str().unwrap().to_owned(), b["signed"].as_bool().unwrap()))
        .collect();
    assert_eq!(signed, vec![(first, false), (second, true)]);
}

#[test]
fn a_signed_backup_round_trips() {
    let world = World::new();
    let anna = world.init("Anna");
    anna.seed_with(3, 7, DOCS);
    let v = anna.run(&["backup", "create", "--json"]).success().json();
    assert_eq!(v["signed"], true);
    let name = v["name"].as_str().unwrap().to_owned();
    assert!(backups_dir(&anna).join(format!("{name}.bemxsig")).is_file());
    let run = anna.run(&["backup", "list"]).success();
    let line = run.stdout.lines().find(|l| l.contains(&name)).unwrap();
    assert!(line.contains("signed") && !line.contains("NOT SIGNED"), "{line}");
    let at_backup = clients(&anna);
    anna.seed_with(2, 8, DOCS);
    assert_eq!(clients(&anna), at_backup + 2);
    anna.run(&["backup", "restore", &name, "--yes"]).success();
    assert_eq!(clients(&anna), at_backup);
    anna.run(&["db", "check"]).success();
    // The state it replaced was backed up and signed as well; side files are
    // not listed as backups.
    let list = anna.run(&["backup", "list", "--json"]).success().json();
    assert_eq!(list.as_array().unwrap().len(), 2, "{list}");
    assert!(list.as_array().unwrap().iter().all(|b| b["signed"] == true), "{list}");
}

#[test]
fn db_check_names_a_planted_trigger() {
    let world = World::new();
    let anna = world.init("Anna");
    anna.seed_with(1, 9, DOCS);
    anna.run(&["db", "check"]).success();
    anna.sql_rw()
        .execute_batch("CREATE TRIGGER sneaky_copy AFTER INSERT ON meta BEGIN DELETE FROM meta; END;")
        .unwrap();
    let run = anna.run(&["db", "check"]).refused_with("problem");
    assert!(run.stdout.contains("\"sneaky_copy\""), "{}\n{}", run.stdout, run.stderr);
    let v = anna.run(&["db", "check", "--json"]);
    assert_eq!(v.code, 1);
    assert_eq!(v.json()["ok"], false);
}

/// Issue 15.3: before `backup restore` asks, it says which clients will
/// disappear (made here after the backup) and which come back (deleted
/// here after it); said no, nothing changes.
#[test]
fn restore_says_which_clients_disappear_or_come_back_before_it_asks() {
    let world = World::new();
    let anna = world.init("Anna");
    anna.seed_with(3, 1, DOCS);
    let name = anna.run(&["backup", "create", "--json"]).success().json()["name"].as_str().unwrap().to_owned();
    let gone: String =
        anna.sql().query_row("SELECT bem_id FROM clients ORDER BY id LIMIT 1", [], |r| r.get(0)).unwrap();
    anna.sql_rw().execute("DELETE FROM clients WHERE bem_id = ?1", [&gone]).unwrap();
    anna.seed_with(2, 5, DOCS);
    let added: Vec<String> = {
        let conn = anna.sql();
        let mut stmt = conn.prepare("SELECT bem_id FROM clients ORDER BY id DESC LIMIT 2").unwrap();
        stmt.query_map([], |r| r.get(0)).unwrap().map(Result::unwrap).collect()
    };
    // No terminal, no --yes: the changes are shown, then the question is refused.
    let db = snapshot(&anna.db_path());
    let backups = contents_under(&backups_dir(&anna));
    let asked = anna.run(&["backup", "restore", &name]).refused_with("not a terminal");
    assert!(asked.stderr.contains("will come back") && asked.stderr.contains(&gone), "{}", asked.stderr);
    assert!(asked.stderr.contains("will disappear"), "{}", asked.stderr);
    for b in &added {
        assert!(asked.stderr.contains(b.as_str()), "{b} not named:\n{}", asked.stderr);
    }
    assert_unchanged(&anna.db_path(), &db);
    assert_eq!(contents_under(&backups_dir(&anna)), backups, "the backups folder changed");
    // The decrypted copy (`RESTORE_TEMP_FILE`) and its journal are gone.
    for leftover in [".bemx-restoring.sqlite", ".bemx-restoring.sqlite-journal"] {
        assert!(!anna.home.join(leftover).exists(), "{leftover} stayed behind");
    }
    // With --yes it is done, and the client is back.
    anna.run(&["backup", "restore", &name, "--yes"]).success();
    let back: i64 =
        anna.sql().query_row("SELECT count(*) FROM clients WHERE bem_id = ?1", [&gone], |r| r.get(0)).unwrap();
    assert_eq!(back, 1);
}
