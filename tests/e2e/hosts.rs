//! Issue 17, item 5: clients handed over between two copies of a host
//! database bemx did not design — Chinook and Sakila, with integer keys
//! named their own way, no UUIDs and nested catalogues — through the
//! command line, each installation set up with `init --db HOST --profile
//! FILE`: export, verify, import, a second import refused, confirm with the
//! receipt, the sender's rows purged. Each both ways a profile allows: bemx
//! adding its record tables to the host database (`host_schema = "bemx"`),
//! and keeping them in a records file of the installation, the host schema
//! untouched (`host_schema = "untouched"`, DESIGN.md §17.6).
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

/// Where bemx keeps its records on a host database.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Records {
    /// In the host database (`host_schema = "bemx"`).
    InHost,
    /// In the installation's records file; the host schema stays untouched.
    Apart,
}

const BOTH: [Records; 2] = [Records::InHost, Records::Apart];

impl Host {
    /// The host's profile, with its host schema setting as `records` says.
    fn profile(&self, records: Records) -> String {
        match records {
            Records::InHost => self.profile.to_owned(),
            Records::Apart => {
                let text = self.profile.replacen("host_schema = \"bemx\"", "host_schema = \"untouched\"", 1);
                assert_ne!(text, self.profile);
                text
            }
        }
    }
}

/// An installation working on a host database.
struct OnHost {
    inst: Inst,
    db: PathBuf,
    records: Records,
}

impl OnHost {
    /// Runs bemx on the installation. One that keeps its records apart
    /// finds its host database through them, so it is run without `--db`:
    /// only `init` names it.
    fn run(&self, args: &[&str]) -> Run {
        let mut all = args.to_vec();
        if self.records == Records::InHost {
            all.extend(["--db", self.db.to_str().unwrap()]);
        }
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
    set_up_keeping(world, host, Records::InHost, name, clients, seed)
}

/// [`set_up`], bemx's records kept as `records` says.
fn set_up_keeping(world: &World, host: &Host, records: Records, name: &str, clients: u32, seed: u64) -> OnHost {
    let db = world.path().join(format!("{name}.sqlite"));
    let mut conn = rusqlite::Connection::open(&db).unwrap();
    (host.create)(&mut conn, &HostOptions { clients, seed }).unwrap();
    drop(conn);
    let profile = world.path().join(format!("{}-{records:?}.toml", host.name));
    std::fs::write(&profile, host.profile(records)).unwrap();
    let inst = world.uninitialized(name);
    inst.run(&["init", "--name", name, "--profile", path(&profile), "--db", path(&db)]).success();
    OnHost { inst, db, records }
}

/// Anna (`a` clients, seed 1) and Bernd (`b`, seed 2) on two copies of
/// the host schema, each trusting the other.
fn pair(world: &World, host: &Host, a: u32, b: u32) -> (OnHost, OnHost) {
    pair_keeping(world, host, Records::InHost, a, b)
}

/// [`pair`], bemx's records kept as `records` says.
fn pair_keeping(world: &World, host: &Host, records: Records, a: u32, b: u32) -> (OnHost, OnHost) {
    let anna = set_up_keeping(world, host, records, "Anna", a, 1);
    let bernd = set_up_keeping(world, host, records, "Bernd", b, 2);
    anna.inst.trust(&bernd.inst);
    bernd.inst.trust(&anna.inst);
    (anna, bernd)
}

fn path(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// The host's schema as SQLite records it, and its own `user_version`.
fn host_schema(db: &Path) -> (Vec<(String, String, Option<String>)>, i64) {
    let conn = rusqlite::Connection::open_with_flags(db, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY).unwrap();
    let schema = conn
        .prepare("SELECT type, name, sql FROM sqlite_master ORDER BY type, name")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    (schema, conn.query_row("PRAGMA user_version", [], |r| r.get(0)).unwrap())
}

#[test]
fn clients_of_a_host_database_are_handed_over_through_the_command_line() {
    for (host, records) in HOSTS.iter().flat_map(|h| BOTH.map(|r| (h, r))) {
        let world = World::new();
        let (anna, bernd) = pair_keeping(&world, host, records, 6, 3);
        let schemas = [host_schema(&anna.db), host_schema(&bernd.db)];

        // The client list speaks the host's names: its ids derived from
        // the e-mail addresses, shown by the last name.
        let list = anna.run(&["clients", "list", "--json"]).success().json();
        let list = list.as_array().unwrap();
        assert_eq!(list.len(), 6, "{} {records:?}", host.name);
        // In text, the same clients in the same order (its columns measured
        // in a pass of their own, issue 18, item 5).
        let text = anna.run(&["clients", "list"]).success().stdout;
        let lines: Vec<&str> = text.lines().skip(1).collect();
        assert_eq!(lines.len(), 6, "{text}");
        let column = |line: &str, cell: &str| line.find(cell).map(|at| line[..at].chars().count());
        let uuid_at = text.lines().next().and_then(|h| column(h, "UUID"));
        for (line, c) in lines.iter().zip(list) {
            assert_eq!(column(line, c["uuid"].as_str().unwrap()), uuid_at, "{text}");
        }
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
        assert_eq!(imported["clients"].as_array().map(Vec::len), Some(2), "{} {records:?}: {imported}", host.name);
        assert_eq!(bernd.count(host.root), customers + 2, "{} {records:?}", host.name);
        assert!(bernd.count(host.child) >= child, "{} {records:?}", host.name);
        assert!(carried_child > 0);
        let violations: i64 =
            bernd.sql().query_row("SELECT count(*) FROM pragma_foreign_key_check", [], |r| r.get(0)).unwrap();
        assert_eq!(violations, 0, "{} {records:?}", host.name);
        // The same clients are now Bernd's, under the same ids.
        let theirs = bernd.run(&["clients", "list", "--json"]).success().json();
        for c in &chosen {
            assert!(
                theirs.as_array().unwrap().iter().any(|t| t["uuid"].as_str() == Some(c)),
                "{} {records:?}",
                host.name
            );
        }

        // Imported once, by its one receiver.
        bernd.run(&["import", path(&bundle), "--yes"]).refused_with("already imported");

        // Anna confirms with the receipt: her copies are purged.
        let before = anna.count(host.root);
        anna.run(&["handover", "confirm", "--yes", path(&bundle.with_extension("receipt"))]).success();
        assert_eq!(anna.count(host.root), before - 2, "{} {records:?}", host.name);
        let left = anna.run(&["clients", "list", "--json"]).success().json();
        for c in &chosen {
            assert!(
                !left.as_array().unwrap().iter().any(|t| t["uuid"].as_str() == Some(c)),
                "{} {records:?}",
                host.name
            );
        }
        let violations: i64 =
            anna.sql().query_row("SELECT count(*) FROM pragma_foreign_key_check", [], |r| r.get(0)).unwrap();
        assert_eq!(violations, 0, "{} {records:?}", host.name);
        anna.run(&["db", "check"]).success();
        bernd.run(&["db", "check"]).success();
        if records == Records::Apart {
            // Not a table, index or trigger of the hosts' was added or
            // changed, nor their `user_version`: the records are apart.
            assert_eq!([host_schema(&anna.db), host_schema(&bernd.db)], schemas, "{} {records:?}", host.name);
            assert!(anna.inst.home.join("records.sqlite").is_file());
        }
    }
}

/// A Chinook database of two customers at `<world>/chinook.sqlite`, not
/// set up for bemx, and a connection to it.
fn chinook_of_two(world: &World) -> (PathBuf, rusqlite::Connection) {
    let db = world.path().join("chinook.sqlite");
    let mut conn = rusqlite::Connection::open(&db).unwrap();
    chinook::create(&mut conn, &HostOptions { clients: 2, seed: 1 }).unwrap();
    (db, conn)
}

#[test]
fn a_profile_that_does_not_fit_sets_up_nothing() {
    let world = World::new();
    let (db, conn) = chinook_of_two(&world);
    drop(conn);
    let before = crate::support::snapshot(&db);
    let profile = world.path().join("wrong.toml");
    std::fs::write(&profile, chinook::PROFILE.replacen("table = \"Genre\"", "table = \"Genres\"", 1)).unwrap();
    let inst = world.uninitialized("Anna");
    inst.run(&["init", "--profile", path(&profile), "--db", path(&db)]).refused_with("table Genres: table is missing");
    assert!(!inst.home.exists(), "no installation was made");
    assert_eq!(crate::support::snapshot(&db), before, "the host database is untouched");
    // Nor one whose records would be kept apart: no records file is left.
    let untouched = HOSTS[0].profile(Records::Apart);
    std::fs::write(&profile, untouched.replacen("table = \"Genre\"", "table = \"Genres\"", 1)).unwrap();
    inst.run(&["init", "--profile", path(&profile), "--db", path(&db)]).refused_with("table Genres: table is missing");
    assert!(!inst.home.exists());
    assert_eq!(crate::support::snapshot(&db), before);
}

#[test]
fn an_untouched_host_database_with_a_table_of_a_record_name_is_refused() {
    let world = World::new();
    let (db, conn) = chinook_of_two(&world);
    // Queries on bemx's records would find the host's table first.
    conn.execute_batch("CREATE TABLE handovers (id INTEGER PRIMARY KEY)").unwrap();
    drop(conn);
    let before = crate::support::snapshot(&db);
    let profile = world.path().join("chinook.toml");
    std::fs::write(&profile, HOSTS[0].profile(Records::Apart)).unwrap();
    let inst = world.uninitialized("Anna");
    inst.run(&["init", "--profile", path(&profile), "--db", path(&db)]).refused_with("handovers");
    assert!(!inst.home.exists(), "no installation was made");
    assert_eq!(crate::support::snapshot(&db), before);
}

/// An installation that keeps its records apart is bound to the host
/// database they describe: another one (`--db`) is refused, as is its own
/// once the host program has added a table of one of the records' names.
#[test]
fn records_kept_apart_are_applied_to_their_own_host_database_only() {
    let world = World::new();
    let anna = set_up_keeping(&world, &HOSTS[0], Records::Apart, "Anna", 3, 1);
    let other = world.path().join("other.sqlite");
    std::fs::copy(&anna.db, &other).unwrap();
    let records = anna.inst.home.join("records.sqlite");
    let before = [crate::support::snapshot(&other), crate::support::snapshot(&records)];
    let refused = anna.inst.run(&["clients", "list", "--db", path(&other)]).refused_with("keeps its records for");
    assert!(refused.stderr.contains("leave out --db"), "{}", refused.stderr);
    assert_eq!([crate::support::snapshot(&other), crate::support::snapshot(&records)], before);
    // Through its own path, given or not, it works.
    anna.inst.run(&["clients", "list", "--db", path(&anna.db)]).success();
    anna.run(&["clients", "list"]).success();

    let host = rusqlite::Connection::open(&anna.db).unwrap();
    host.execute_batch("CREATE TABLE audit_log (id INTEGER PRIMARY KEY)").unwrap();
    drop(host);
    anna.run(&["clients", "list"]).refused_with("audit_log");
}

/// A backup of an installation that keeps its records apart is the host
/// database; the records stay, as the ledger and journal files do, and are
/// applied to what is restored: a client confirmed away after the backup
/// was taken is purged again, and the host schema is still the host's.
#[test]
fn a_restore_beside_an_untouched_host_database_keeps_the_records_and_purges_again() {
    let world = World::new();
    let (anna, bernd) = pair_keeping(&world, &HOSTS[1], Records::Apart, 4, 1);
    let schema = host_schema(&anna.db);
    let made = anna.run(&["backup", "create", "--json"]).success().json();
    let name = made["name"].as_str().unwrap().to_owned();
    let client = anna.run(&["clients", "list", "--json"]).success().json()[0]["uuid"].as_str().unwrap().to_owned();
    let bundle = hand_over_one(&world, &anna, &bernd, &client);
    anna.run(&["handover", "confirm", "--yes", path(&bundle.with_extension("receipt"))]).success();
    assert_eq!(anna.count("customer"), 3);

    anna.run(&["backup", "restore", &name, "--yes"]).success();
    assert_eq!(anna.count("customer"), 3, "the client confirmed away is purged again");
    let list = anna.run(&["clients", "list", "--json"]).success().json();
    assert!(!list.as_array().unwrap().iter().any(|c| c["uuid"].as_str() == Some(client.as_str())));
    let handovers = anna.run(&["handover", "list", "--json"]).success().json();
    assert_eq!(handovers.as_array().map(Vec::len), Some(1), "{handovers}");
    assert_eq!(host_schema(&anna.db), schema);
    anna.run(&["db", "check"]).success();
}

/// Anna exports one client to Bernd (without a recorded consent: the host
/// records none) and Bernd imports it; returns the bundle's path.
fn hand_over_one(world: &World, anna: &OnHost, bernd: &OnHost, client: &str) -> PathBuf {
    let bundle = world.path().join("one.bemx");
    anna.run(&[
        "export",
        "--to",
        "Bernd",
        "-o",
        path(&bundle),
        "--client",
        client,
        "--without-consent",
        "consent kept on paper",
    ])
    .success();
    bernd.run(&["import", path(&bundle), "--yes"]).success();
    bundle
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
/// An installation and its host database copied to `<world>/<name>`. A
/// records file names its host database: the copy's names the copy.
fn copy_of(world: &World, from: &OnHost, name: &str) -> OnHost {
    let inst = world.uninitialized(name);
    crate::support::copy_dir(&from.inst.home, &inst.home);
    let db = world.path().join(format!("{name}.sqlite"));
    std::fs::copy(&from.db, &db).unwrap();
    if from.records == Records::Apart {
        let records = rusqlite::Connection::open(inst.home.join("records.sqlite")).unwrap();
        let host = db.canonicalize().unwrap();
        records.execute("UPDATE meta SET value = ?1 WHERE key = 'host_database'", [host.to_str().unwrap()]).unwrap();
    }
    OnHost { inst, db, records: from.records }
}

/// How many imports the installation's records hold, wherever it keeps them.
#[cfg(unix)]
fn imports_recorded(on: &OnHost) -> i64 {
    let file = match on.records {
        Records::InHost => on.db.clone(),
        Records::Apart => on.inst.home.join("records.sqlite"),
    };
    let conn = rusqlite::Connection::open(file).unwrap();
    conn.query_row("SELECT count(*) FROM import_ledger", [], |r| r.get(0)).unwrap()
}

#[cfg(unix)]
#[test]
fn an_import_into_a_host_database_killed_at_any_moment_leaves_it_before_or_after() {
    an_import_killed_at_any_moment(Records::InHost);
}

/// With the records in a file of their own, the host's rows and the import's
/// record are two files committed together: a kill leaves both before or
/// both after, never clients without their record (which a second import
/// would bring twice) nor a record without its clients (lost).
#[cfg(unix)]
#[test]
fn an_import_beside_an_untouched_host_database_killed_at_any_moment_leaves_both_files_before_or_after() {
    an_import_killed_at_any_moment(Records::Apart);
}

#[cfg(unix)]
fn an_import_killed_at_any_moment(records: Records) {
    use std::time::{Duration, Instant};
    let host = &HOSTS[1];
    let world = World::new();
    let (anna, bernd) = pair_keeping(&world, host, records, 400, 50);
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
    // Kills spread over the import's length; on a loaded machine the
    // killed imports may run slower than the one timed (CI once saw all 12
    // fall before the commit), so kills go on, later each time, until one
    // also falls after it.
    let delays = (0..12u32)
        .map(|run| full.mul_f64(f64::from(run) * 1.2 / 11.0))
        .chain((1..=8u32).map(|k| full.mul_f64(1.2 + 0.5 * f64::from(k))));
    for (run, delay) in delays.enumerate() {
        if run >= 12 && n_after > 0 {
            break;
        }
        let on = copy_of(&world, &bernd, &format!("killed-{run}"));
        let mut child = import(&on);
        std::thread::sleep(delay);
        let _ = child.kill(); // SIGKILL; a no-op if it has ended
        child.wait().unwrap();
        let now = host_dump(&on.db);
        if now == before {
            assert_eq!(imports_recorded(&on), 0, "killed after {delay:?}: an import recorded, its clients not there");
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
            assert_eq!(imports_recorded(&on), 1, "killed after {delay:?}: clients imported, the import not recorded");
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
    let bundle = hand_over_one(&world, &anna, &bernd, &client);
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

/// `bemx --profile FILE` on any command but `init` and `profile check`
/// names the profile the installation must work through: its own passes, one
/// of another version, or one that does not describe the database at all,
/// is refused before anything is done.
#[test]
fn a_profile_given_to_a_command_must_be_the_installations_own() {
    let world = World::new();
    let anna = set_up(&world, &HOSTS[0], "Anna", 2, 1);
    let own = world.path().join("chinook-InHost.toml");
    anna.run(&["clients", "list", "--profile", path(&own)]).success();
    let before = crate::support::snapshot(&anna.db);

    let newer = world.path().join("chinook-2.toml");
    std::fs::write(&newer, HOSTS[0].profile.replacen("version = 1", "version = 2", 1)).unwrap();
    let refused = anna.run(&["clients", "list", "--profile", path(&newer)]).refused_with("works through chinook 1");
    assert!(refused.stderr.contains("chinook 2"), "{}", refused.stderr);
    let other = world.path().join("sakila.toml");
    std::fs::write(&other, sakila::PROFILE).unwrap();
    anna.run(&["handover", "list", "--profile", path(&other)]).refused_with("table customer");
    assert_eq!(crate::support::snapshot(&anna.db), before, "nothing was written");

    // bemx's own database works through the built-in profile.
    let bernd = world.init("Bernd");
    let built_in = world.path().join("reference.toml");
    std::fs::write(&built_in, bernd.run(&["profile", "show"]).success().stdout).unwrap();
    bernd.run(&["clients", "list", "--profile", path(&built_in)]).success();
    bernd.run(&["clients", "list", "--profile", path(&own)]).refused();
}
