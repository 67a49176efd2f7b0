//! Issue 17, item 5: clients handed over between two copies of a host
//! database bemx did not design — Chinook and Sakila, with integer keys
//! named their own way, no UUIDs and nested catalogues — through the
//! command line, each installation set up with `init --db HOST --profile
//! FILE`: export, verify, import, a second import refused, confirm with the
//! receipt, the sender's rows purged.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};

use bemx_demo::hosts::{HostOptions, chinook, sakila};

use crate::support::{Inst, Run, World};

/// A host database, its profile and the schema's names.
struct Host {
    name: &'static str,
    profile: &'static str,
    create: fn(&mut rusqlite::Connection, &HostOptions) -> bemx_demo::Result<u32>,
    root: &'static str,
    /// A client table below the root, and the catalogue rows are matched in.
    child: &'static str,
}

const HOSTS: [Host; 2] = [
    Host {
        name: "chinook",
        profile: chinook::PROFILE,
        create: chinook::create,
        root: "Customer",
        child: "InvoiceLine",
    },
    Host { name: "sakila", profile: sakila::PROFILE, create: sakila::create, root: "customer", child: "payment" },
];

/// An installation working on a host database.
struct OnHost {
    inst: Inst,
    db: PathBuf,
}

impl OnHost {
    fn run(&self, args: &[&str]) -> Run {
        let mut all = args.to_vec();
        all.extend(["--db", self.db.to_str().unwrap()]);
        self.inst.run(&all)
    }

    fn sql(&self) -> rusqlite::Connection {
        rusqlite::Connection::open_with_flags(&self.db, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY).unwrap()
    }

    fn count(&self, table: &str) -> i64 {
        self.sql().query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0)).unwrap()
    }
}

/// A host database of `clients` clients at `<world>/<name>.sqlite`, set up
/// for bemx by `init --profile`.
fn set_up(world: &World, host: &Host, name: &str, clients: u32, seed: u64) -> OnHost {
    let db = world.path().join(format!("{name}.sqlite"));
    let mut conn = rusqlite::Connection::open(&db).unwrap();
    (host.create)(&mut conn, &HostOptions { clients, seed }).unwrap();
    drop(conn);
    let profile = world.path().join(format!("{}.toml", host.name));
    std::fs::write(&profile, host.profile).unwrap();
    let on = OnHost { inst: world.uninitialized(name), db };
    on.run(&["init", "--name", name, "--profile", profile.to_str().unwrap()]).success();
    on
}

/// Anna (`a` clients, seed 1) and Bernd (`b`, seed 2) on two copies of
/// the host schema, each trusting the other.
fn pair(world: &World, host: &Host, a: u32, b: u32) -> (OnHost, OnHost) {
    let anna = set_up(world, host, "Anna", a, 1);
    let bernd = set_up(world, host, "Bernd", b, 2);
    anna.inst.trust(&bernd.inst);
    bernd.inst.trust(&anna.inst);
    (anna, bernd)
}

fn path(p: &Path) -> &str {
    p.to_str().unwrap()
}

#[test]
fn clients_of_a_host_database_are_handed_over_through_the_command_line() {
    for host in &HOSTS {
        let world = World::new();
        let (anna, bernd) = pair(&world, host, 6, 3);

        // The client list speaks the host's names: its ids derived from
        // the e-mail addresses, shown by the last name.
        let list = anna.run(&["clients", "list", "--json"]).success().json();
        let list = list.as_array().unwrap();
        assert_eq!(list.len(), 6, "{}", host.name);
        let chosen: Vec<String> = list.iter().take(2).map(|c| c["uuid"].as_str().unwrap().to_owned()).collect();

        // The host records no consent: every client needs a reason.
        let bundle = world.path().join(format!("{}.bemx", host.name));
        let mut args = vec!["export", "--to", "Bernd", "-o", path(&bundle), "--json"];
        for c in &chosen {
            args.extend(["--client", c.as_str()]);
        }
        anna.run(&args).refused_with("consent");
        args.extend(["--without-consent", "recorded on paper in the host program"]);
        anna.run(&args).success();

        bernd.run(&["verify", path(&bundle)]).success();
        let (customers, child) = (bernd.count(host.root), bernd.count(host.child));
        let carried_child = anna.count(host.child);
        let imported = bernd.run(&["import", path(&bundle), "--yes", "--json"]).success().json();
        assert_eq!(imported["clients"].as_array().map(Vec::len), Some(2), "{}: {imported}", host.name);
        assert_eq!(bernd.count(host.root), customers + 2, "{}", host.name);
        assert!(bernd.count(host.child) >= child, "{}", host.name);
        assert!(carried_child > 0);
        let violations: i64 =
            bernd.sql().query_row("SELECT count(*) FROM pragma_foreign_key_check", [], |r| r.get(0)).unwrap();
        assert_eq!(violations, 0, "{}", host.name);
        // The same clients are now Bernd's, under the same ids.
        let theirs = bernd.run(&["clients", "list", "--json"]).success().json();
        for c in &chosen {
            assert!(theirs.as_array().unwrap().iter().any(|t| t["uuid"].as_str() == Some(c)), "{}", host.name);
        }

        // Imported once, by its one receiver.
        bernd.run(&["import", path(&bundle), "--yes"]).refused_with("already imported");

        // Anna confirms with the receipt: her copies are purged.
        let before = anna.count(host.root);
        anna.run(&["handover", "confirm", "--yes", path(&bundle.with_extension("receipt"))]).success();
        assert_eq!(anna.count(host.root), before - 2, "{}", host.name);
        let left = anna.run(&["clients", "list", "--json"]).success().json();
        for c in &chosen {
            assert!(!left.as_array().unwrap().iter().any(|t| t["uuid"].as_str() == Some(c)), "{}", host.name);
        }
        let violations: i64 =
            anna.sql().query_row("SELECT count(*) FROM pragma_foreign_key_check", [], |r| r.get(0)).unwrap();
        assert_eq!(violations, 0, "{}", host.name);
        anna.run(&["db", "check"]).success();
        bernd.run(&["db", "check"]).success();
    }
}

#[test]
fn a_profile_that_does_not_fit_sets_up_nothing() {
    let world = World::new();
    let db = world.path().join("chinook.sqlite");
    let mut conn = rusqlite::Connection::open(&db).unwrap();
    chinook::create(&mut conn, &HostOptions { clients: 2, seed: 1 }).unwrap();
    drop(conn);
    let before = crate::support::snapshot(&db);
    let profile = world.path().join("wrong.toml");
    std::fs::write(&profile, chinook::PROFILE.replacen("table = \"Genre\"", "table = \"Genres\"", 1)).unwrap();
    let inst = world.uninitialized("Anna");
    inst.run(&["init", "--profile", path(&profile), "--db", path(&db)]).refused_with("table Genres: table is missing");
    assert!(!inst.home.exists(), "no installation was made");
    assert_eq!(crate::support::snapshot(&db), before, "the host database is untouched");
    // A host schema that must stay untouched cannot hold bemx's records yet.
    std::fs::write(&profile, chinook::PROFILE.replacen("host_schema = \"bemx\"", "host_schema = \"untouched\"", 1))
        .unwrap();
    inst.run(&["init", "--profile", path(&profile), "--db", path(&db)]).refused_with("untouched");
    assert!(!inst.home.exists());
    assert_eq!(crate::support::snapshot(&db), before);
}

#[cfg(unix)]
/// Every table's rows as sorted text, bemx's record tables and the
/// trigger-stamped `last_update` aside (an import writes the records in the
/// same transaction, and they carry times): equal dumps, equal host data.
fn host_dump(db: &Path) -> Vec<(String, Vec<String>)> {
    // Opening read-write rolls back a hot journal a kill left, as any
    // program that opens the database next does.
    let conn = rusqlite::Connection::open(db).unwrap();
    let tables: Vec<String> = conn
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let skip = ["meta", "audit_log", "handovers", "handover_clients", "import_ledger"];
    tables
        .into_iter()
        .filter(|t| !skip.contains(&t.as_str()))
        .map(|t| {
            let mut stmt = conn.prepare(&format!("SELECT * FROM \"{t}\"")).unwrap();
            let names: Vec<String> = stmt.column_names().map(str::to_owned).collect();
            let mut rows: Vec<String> = stmt
                .query_map([], |r| {
                    let mut line = String::new();
                    for (i, n) in names.iter().enumerate() {
                        if n != "last_update" {
                            line.push_str(&format!("{:?}|", r.get::<_, rusqlite::types::Value>(i)?));
                        }
                    }
                    Ok(line)
                })
                .unwrap()
                .collect::<Result<_, _>>()
                .unwrap();
            rows.sort();
            (t, rows)
        })
        .collect()
}

#[cfg(unix)]
/// An installation and its host database copied to `<world>/<name>`.
fn copy_of(world: &World, from: &OnHost, name: &str) -> OnHost {
    let inst = world.uninitialized(name);
    crate::support::copy_dir(&from.inst.home, &inst.home);
    let db = world.path().join(format!("{name}.sqlite"));
    std::fs::copy(&from.db, &db).unwrap();
    OnHost { inst, db }
}

#[cfg(unix)]
#[test]
fn an_import_into_a_host_database_killed_at_any_moment_leaves_it_before_or_after() {
    use std::time::{Duration, Instant};
    let host = &HOSTS[1];
    let world = World::new();
    let (anna, bernd) = pair(&world, host, 400, 50);
    let list = anna.run(&["clients", "list", "--json"]).success().json();
    let bundle = world.path().join("big.bemx");
    let ids: Vec<String> = list.as_array().unwrap().iter().map(|c| c["uuid"].as_str().unwrap().to_owned()).collect();
    let clients = world.path().join("clients.txt");
    std::fs::write(&clients, ids[..300].join("\n")).unwrap();
    anna.run(&[
        "export",
        "--to",
        "Bernd",
        "-o",
        path(&bundle),
        "--clients-file",
        path(&clients),
        "--without-consent",
        "consent forms kept on paper by the host program",
    ])
    .success();
    let before = host_dump(&bernd.db);

    // Each copy writes its receipt beside its own folder.
    let import = |on: &OnHost| {
        let receipt = on.inst.home.with_extension("receipt");
        let _ = std::fs::remove_file(&receipt);
        on.inst.spawn(&["import", path(&bundle), "--yes", "--db", path(&on.db), "--receipt", path(&receipt)])
    };
    let reference = copy_of(&world, &bernd, "reference");
    let start = Instant::now();
    let out = import(&reference).wait_with_output().unwrap();
    let full = start.elapsed();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let after = host_dump(&reference.db);
    assert_ne!(after, before);

    let (mut n_before, mut n_after) = (0, 0);
    for run in 0..12u32 {
        let delay = full.mul_f64(f64::from(run) * 1.2 / 11.0);
        let on = copy_of(&world, &bernd, &format!("killed-{run}"));
        let mut child = import(&on);
        std::thread::sleep(delay);
        let _ = child.kill(); // SIGKILL; a no-op if it has ended
        child.wait().unwrap();
        let now = host_dump(&on.db);
        if now == before {
            n_before += 1;
            // Nothing is lost and the bundle is not used up: a retry
            // (a second later: safety backups are named by the second)
            // brings the clients in.
            std::thread::sleep(Duration::from_millis(1100));
            let out = import(&on).wait_with_output().unwrap();
            assert!(out.status.success(), "retry after a kill at {delay:?}: {}", String::from_utf8_lossy(&out.stderr));
            assert!(host_dump(&on.db) == after, "the retry after a kill at {delay:?} gives the after state");
        } else {
            assert!(now == after, "killed after {delay:?}: the host database is neither before nor after");
            n_after += 1;
        }
    }
    assert!(n_before > 0 && n_after > 0, "kills fell before ({n_before}) and after ({n_after}) the commit");
}

#[test]
fn what_belongs_to_the_host_program_is_refused_on_its_database() {
    let world = World::new();
    let anna = set_up(&world, &HOSTS[0], "Anna", 2, 1);
    let before = crate::support::snapshot(&anna.db);
    anna.run(&["db", "seed", "--clients", "3"]).refused_with("host program's database");
    let client = anna.run(&["clients", "list", "--json"]).success().json()[0]["uuid"].as_str().unwrap().to_owned();
    anna.run(&["clients", "consent", "record", &client, "--date", "2026-01-05"]).refused_with("records consent itself");
    assert_eq!(crate::support::snapshot(&anna.db), before, "nothing was written");
}

#[test]
fn a_handover_whose_client_changed_its_key_in_the_host_is_not_confirmed() {
    let world = World::new();
    let (anna, bernd) = pair(&world, &HOSTS[0], 3, 1);
    let client = anna.run(&["clients", "list", "--json"]).success().json()[0]["uuid"].as_str().unwrap().to_owned();
    let bundle = world.path().join("one.bemx");
    anna.run(&[
        "export",
        "--to",
        "Bernd",
        "-o",
        path(&bundle),
        "--client",
        &client,
        "--without-consent",
        "consent kept on paper",
    ])
    .success();
    bernd.run(&["import", path(&bundle), "--yes"]).success();
    // The host program changes the e-mail address the client is known by.
    let host = rusqlite::Connection::open(&anna.db).unwrap();
    let email: String =
        host.query_row("SELECT Email FROM Customer ORDER BY LastName, CustomerId LIMIT 1", [], |r| r.get(0)).unwrap();
    host.execute("UPDATE Customer SET Email = 'new@example.org' WHERE Email = ?1", [&email]).unwrap();
    let receipt = bundle.with_extension("receipt");
    anna.run(&["handover", "confirm", "--yes", path(&receipt)]).refused_with("no longer found");
    assert_eq!(anna.count("Customer"), 3, "nothing was purged");
    // Put back, the handover is confirmed and the client purged.
    host.execute("UPDATE Customer SET Email = ?1 WHERE Email = 'new@example.org'", [&email]).unwrap();
    drop(host);
    anna.run(&["handover", "confirm", "--yes", path(&receipt)]).success();
    assert_eq!(anna.count("Customer"), 2);
}

#[test]
fn a_host_database_another_program_holds_in_wal_mode_is_refused() {
    let world = World::new();
    let anna = set_up(&world, &HOSTS[0], "Anna", 2, 1);
    let host = rusqlite::Connection::open(&anna.db).unwrap();
    let mode: String = host.query_row("PRAGMA journal_mode=WAL", [], |r| r.get(0)).unwrap();
    assert_eq!(mode, "wal");
    // While the host program has it open, bemx cannot switch it back.
    let _reading: i64 = host.query_row("SELECT count(*) FROM Customer", [], |r| r.get(0)).unwrap();
    anna.run(&["clients", "list"]).refused_with("in use by another program");
}
