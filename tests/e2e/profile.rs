//! `bemx profile check`, `suggest` and `show` (issue 17): on bemx's own
//! database through the built-in profile, and on a host database bemx did
//! not create (the Chinook sample schema) through its own.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};

use bemx_demo::hosts::{HostOptions, chinook};

use crate::support::{World, snapshot};

/// A Chinook database with `clients` customers, and its profile, in the world's folder.
fn chinook_files(world: &World, clients: u32) -> (PathBuf, PathBuf) {
    let db = world.path().join("chinook.sqlite");
    let mut conn = rusqlite::Connection::open(&db).unwrap();
    chinook::create(&mut conn, &HostOptions { clients, seed: 3 }).unwrap();
    let profile = world.path().join("chinook.toml");
    std::fs::write(&profile, chinook::PROFILE).unwrap();
    (db, profile)
}

fn text(p: &Path) -> &str {
    p.to_str().unwrap()
}

#[test]
fn the_built_in_profile_checks_bemx_own_database() {
    let world = World::new();
    let inst = world.init("Anna");
    inst.seed(3);
    let out = inst.run(&["profile", "check"]).success();
    assert!(out.stdout.contains("Profile bemx-reference, version 1"), "{}", out.stdout);
    assert!(
        out.stdout.contains("Clients: clients, recognised by the UUIDs in uuid, shown as bem_id"),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains("cat_measure: key (code)"), "{}", out.stdout);
    assert!(out.stdout.contains("checked against documents.sha256"), "{}", out.stdout);
    let json = inst.run(&["profile", "check", "--json"]).success().json();
    assert_eq!(json["ok"], true);
    assert_eq!(json["graph"]["root"], "clients");
    assert_eq!(json["graph"]["sha256"].as_str().unwrap().len(), 64);
    assert_eq!(json["problems"].as_array().unwrap().len(), 0);
    // The text shown by `show` is the profile checked.
    let shown = inst.run(&["profile", "show"]).success().stdout;
    let file = world.path().join("reference.toml");
    std::fs::write(&file, shown).unwrap();
    let again = inst.run(&["profile", "check", "--json", "--profile", text(&file)]).success().json();
    assert_eq!(again["graph"]["sha256"], json["graph"]["sha256"]);
}

#[test]
fn a_host_database_is_checked_through_its_profile_and_left_untouched() {
    let world = World::new();
    let (db, profile) = chinook_files(&world, 8);
    let before = snapshot(&db);
    let inst = world.uninitialized("nobody");
    let out = inst.run(&["profile", "check", "--db", text(&db), "--profile", text(&profile)]).success();
    assert!(out.stdout.contains("Clients: Customer, recognised by (Email), shown as LastName"), "{}", out.stdout);
    assert!(out.stdout.contains("Track: key (AlbumId, Name)"), "{}", out.stdout);
    assert!(out.stdout.contains("AlbumId (cat:Album)"), "{}", out.stdout);
    assert!(out.stdout.contains("Columns that stay on this PC: Employee.ReportsTo"), "{}", out.stdout);
    assert!(out.stdout.contains("note: Customer: no unique index"), "{}", out.stdout);
    assert_eq!(snapshot(&db), before, "a check writes nothing");
    assert!(!inst.home.exists(), "nor does it make an installation");
}

#[test]
fn every_problem_of_a_profile_is_listed_and_the_check_fails() {
    let world = World::new();
    let (db, _) = chinook_files(&world, 4);
    let wrong = world.path().join("wrong.toml");
    let edited = chinook::PROFILE.replacen("key = [\"ArtistId\", \"Title\"]", "key = [\"ArtistId\"]", 1).replacen(
        "columns = [\"Employee.ReportsTo\"]",
        "columns = []",
        1,
    );
    std::fs::write(&wrong, edited).unwrap();
    let inst = world.uninitialized("nobody");
    let run =
        inst.run(&["profile", "check", "--db", text(&db), "--profile", text(&wrong)]).refused_with("2 problem(s)");
    for words in ["table Album: the catalogue key does not identify its rows", "ReportsTo references its own table"] {
        assert!(run.stdout.contains(words), "{words}: {}", run.stdout);
    }
    let json = inst.run(&["profile", "check", "--json", "--db", text(&db), "--profile", text(&wrong)]).refused().json();
    assert_eq!(json["ok"], false);
    let mut codes: Vec<&str> =
        json["problems"].as_array().unwrap().iter().map(|p| p["code"].as_str().unwrap()).collect();
    codes.sort_unstable();
    assert_eq!(codes, ["db.profile_mismatch", "db.unsupported_schema"], "{json}");
    // A missing table stops the derivation there: what follows would be guesses.
    std::fs::write(&wrong, chinook::PROFILE.replacen("table = \"Genre\"", "table = \"Genres\"", 1)).unwrap();
    let run =
        inst.run(&["profile", "check", "--db", text(&db), "--profile", text(&wrong)]).refused_with("1 problem(s)");
    assert!(run.stdout.contains("problem: the profile does not fit table Genres: table is missing"), "{}", run.stdout);
}

#[test]
fn a_profile_file_that_is_no_profile_is_refused_with_its_reason() {
    let world = World::new();
    let (db, _) = chinook_files(&world, 1);
    let inst = world.uninitialized("nobody");
    let bad = world.path().join("bad.toml");
    for (content, words) in [
        (
            "format = 1\nname = \"x\"\nversion = 1\nhost_schema = \"bemx\"\n[root]\ntable = \"Customer\"\n",
            "missing field",
        ),
        ("format = 7\n", "format 7"),
        ("not toml at all [", "cannot be read"),
    ] {
        std::fs::write(&bad, content).unwrap();
        let run = inst.run(&["profile", "check", "--db", text(&db), "--profile", text(&bad)]).refused_with(words);
        assert!(run.stderr.contains("hint: correct the profile file"), "{}", run.stderr);
    }
    std::fs::write(&bad, vec![b'#'; 300 * 1024]).unwrap();
    inst.run(&["profile", "check", "--db", text(&db), "--profile", text(&bad)]).refused_with("larger than 256 KiB");
    inst.run(&["profile", "check", "--db", text(&db), "--profile", text(&world.path().join("none.toml"))])
        .refused_with("reading the profile");
    inst.run(&["profile", "check", "--db", text(&world.path().join("none.sqlite"))]).refused_with("does not exist");
    let not_db = world.path().join("not.sqlite");
    std::fs::write(&not_db, b"this is not a database, just text long enough to be read as a header..").unwrap();
    inst.run(&["profile", "check", "--db", text(&not_db)]).refused_with("not a database");
}

#[test]
fn suggest_drafts_a_profile_that_check_reads() {
    let world = World::new();
    let (db, _) = chinook_files(&world, 5);
    let inst = world.uninitialized("nobody");
    let draft = inst.run(&["profile", "suggest", "--db", text(&db), "--name", "chinook-draft"]).success().stdout;
    assert!(draft.contains("name = \"chinook-draft\""), "{draft}");
    assert!(draft.contains("table = \"Customer\""), "{draft}");
    assert!(draft.contains("REVIEW"), "{draft}");
    let file = world.path().join("draft.toml");
    std::fs::write(&file, &draft).unwrap();
    let json = inst.run(&["profile", "check", "--json", "--db", text(&db), "--profile", text(&file)]).json();
    assert_eq!(json["profile"], "chinook-draft", "{json}");
    // On bemx's own database the draft derives the built-in graph.
    let anna = world.init("Anna");
    let draft = anna.run(&["profile", "suggest"]).success().stdout;
    std::fs::write(&file, &draft).unwrap();
    let drafted = anna.run(&["profile", "check", "--json", "--profile", text(&file)]).success().json();
    let built_in = anna.run(&["profile", "check", "--json"]).success().json();
    assert_eq!(drafted["graph"]["sha256"], built_in["graph"]["sha256"]);
}
