//! `export`: a bundle for one contact; the clients become handed over.
//! Refusals leave the database byte-identical and no file behind.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::support::{Inst, World, assert_unchanged, exchange, files_outside, files_under, pair, snapshot};

#[test]
fn export_writes_the_bundle_and_hides_the_clients() {
    let (world, anna, _bernd) = pair(5);
    let chosen: Vec<String> = anna.clients_with_consent(true).into_iter().take(2).collect();
    assert_eq!(chosen.len(), 2, "seed gives clients with handover consent");
    let outside_before = files_outside(world.path(), &anna.home);

    // One by BEM-ID, one by UUID.
    let uuid = anna.uuid_of(&chosen[1]);
    let report = anna
        .run(&["export", "--to", "Bernd", "--client", &chosen[0], "--client", &uuid, "-o", "out.bemx", "--json"])
        .success()
        .json();
    let bundle = world.path().join("out.bemx");
    assert!(bundle.is_file());
    assert_eq!(report["bundle_id"].as_str().unwrap().len(), 64);
    assert_eq!(report["file_bytes"].as_u64().unwrap(), std::fs::metadata(&bundle).unwrap().len());
    let mut exported: Vec<String> =
        report["clients"].as_array().unwrap().iter().map(|v| v.as_str().unwrap().to_owned()).collect();
    exported.sort();
    let mut expected = vec![anna.uuid_of(&chosen[0]), uuid];
    expected.sort();
    assert_eq!(exported, expected);

    // Nothing but the bundle appeared outside the installation.
    let mut outside_after = files_outside(world.path(), &anna.home);
    assert!(outside_after.remove(std::path::Path::new("out.bemx")));
    assert_eq!(outside_after, outside_before);

    // Hidden from the list, shown as handed over with --all.
    let visible = anna.run(&["clients", "list", "--json"]).success().json();
    for c in visible.as_array().unwrap() {
        assert!(!chosen.contains(&c["bem_id"].as_str().unwrap().to_owned()), "handed-over client still listed");
    }
    let all = anna.run(&["clients", "list", "--all", "--json"]).success().json();
    let handed: Vec<&serde_json::Value> =
        all.as_array().unwrap().iter().filter(|c| c["handover"] == "handed_over").collect();
    assert_eq!(handed.len(), 2);
    assert!(handed.iter().all(|c| c["handover_bundle"] == report["bundle_id"]));
    // In text by the bundle id's first 12 characters, in a column that
    // lines up (the table is printed line by line, issue 18, item 5).
    let text = anna.run(&["clients", "list", "--all"]).success().stdout;
    let id = report["bundle_id"].as_str().unwrap();
    assert!(!text.contains(id), "the whole id is not shown:\n{text}");
    let at: Vec<usize> = text.lines().filter_map(|l| l.find(&id[..12]).map(|at| l[..at].chars().count())).collect();
    assert_eq!(at.len(), 2, "{text}");
    assert_eq!(at[0], at[1], "{text}");

    // Exporting them again is refused: they are already handed over.
    anna.run(&["export", "--to", "Bernd", "--client", &chosen[0], "-o", "again.bemx"])
        .refused_with("already handed over");
    assert!(!world.path().join("again.bemx").exists());
}

#[test]
fn export_human_summary_says_what_happens_next() {
    let (world, anna, _bernd) = pair(3);
    let client = anna.clients_with_consent(true).remove(0);
    let run = anna.run(&["export", "--to", "Bernd", "--client", &client, "-o", "out.bemx"]).success();
    assert!(run.stdout.contains("bundle id:"));
    assert!(run.stdout.contains("receipt"));
    assert!(run.stdout.contains("read-only"));
    assert!(world.path().join("out.bemx").is_file());
    assert!(run.stderr.is_empty(), "no progress bar without a terminal: {}", run.stderr);
}

#[test]
fn export_by_contact_fingerprint_and_clients_file() {
    let (world, anna, bernd) = pair(5);
    let chosen: Vec<String> = anna.clients_with_consent(true).into_iter().take(3).collect();
    let list =
        format!("# clients for Bernd\n\n{}\n  {}  \n# done\n{}\n", chosen[0], anna.uuid_of(&chosen[1]), chosen[2]);
    std::fs::write(world.path().join("clients.txt"), list).unwrap();
    let fingerprint = bernd.fingerprint().to_lowercase();
    let report = anna
        .run(&["export", "--to", &fingerprint, "--clients-file", "clients.txt", "-o", "out.bemx", "--json"])
        .success()
        .json();
    assert_eq!(report["clients"].as_array().unwrap().len(), 3);
}

/// Runs a refused export and checks: exit 1 naming `cause`, nothing on
/// stdout, database byte-identical, no file at `target`, no new file anywhere.
#[track_caller]
fn assert_export_refused(world: &World, anna: &Inst, args: &[&str], target: &str, cause: &str) {
    let mut all = vec!["--json"];
    all.extend_from_slice(args);
    let run = export_refused(world, anna, &all, target);
    assert!(run.stderr.to_lowercase().contains(&cause.to_lowercase()), "expected {cause:?}:\n{}", run.stderr);
    // The one JSON document on a refusal is the error object (issue 15.6).
    let v = run.json();
    assert!(v["error"]["code"].as_str().is_some_and(|c| c.contains('.')), "an error object with a code: {v}");
    assert_eq!(v.as_object().unwrap().len(), 1, "nothing but the error: {v}");
}

/// `bemx export ARGS -o TARGET` on Anna, refused: the database
/// byte-identical and no file left behind (the lock file aside).
fn export_refused(world: &World, anna: &Inst, args: &[&str], target: &str) -> crate::support::Run {
    let db = snapshot(&anna.db_path());
    let files = files_under(world.path());
    let mut all = vec!["export"];
    all.extend_from_slice(args);
    all.extend_from_slice(&["-o", target]);
    let run = anna.run(&all).refused();
    assert_unchanged(&anna.db_path(), &db);
    let mut now = files_under(world.path());
    // The lock file is part of the installation and may be created by the attempt.
    now.remove(std::path::Path::new("Anna/bemx.lock"));
    let mut before = files;
    before.remove(std::path::Path::new("Anna/bemx.lock"));
    assert_eq!(now, before, "a refused export leaves no file behind");
    run
}

#[test]
fn export_refusals_change_nothing() {
    let (world, anna, _bernd) = pair(6);
    let with: Vec<String> = anna.clients_with_consent(true);
    let without: Vec<String> = anna.clients_with_consent(false);
    let ok = with[0].as_str();

    assert_export_refused(&world, &anna, &["--to", "Bernd", "--client", "NoSuchClient"], "out.bemx", "NoSuchClient");
    assert_export_refused(&world, &anna, &["--to", "Bernd", "--client", ok, ok], "out.bemx", "named twice");
    let uuid = anna.uuid_of(ok);
    assert_export_refused(&world, &anna, &["--to", "Bernd", "--client", ok, &uuid], "out.bemx", "named twice");
    assert_export_refused(&world, &anna, &["--to", "Carla", "--client", ok], "out.bemx", "contacts list");
    assert_export_refused(
        &world,
        &anna,
        &["--to", "Bernd", "--client", ok],
        "no-such-folder/out.bemx",
        "does not exist",
    );

    std::fs::write(world.path().join("exists.bemx"), b"keep me").unwrap();
    assert_export_refused(&world, &anna, &["--to", "Bernd", "--client", ok], "exists.bemx", "already exists");
    assert_eq!(std::fs::read(world.path().join("exists.bemx")).unwrap(), b"keep me");

    if let Some(no_consent) = without.first() {
        assert_export_refused(&world, &anna, &["--to", "Bernd", "--client", no_consent], "out.bemx", "consent");
    }
    assert_export_refused(
        &world,
        &anna,
        &["--to", "Bernd", "--client", ok, "--without-consent", "  "],
        "out.bemx",
        "reason",
    );

    std::fs::write(world.path().join("empty.txt"), "# nobody\n\n").unwrap();
    assert_export_refused(
        &world,
        &anna,
        &["--to", "Bernd", "--clients-file", "empty.txt"],
        "out.bemx",
        "lists no clients",
    );
    assert_export_refused(
        &world,
        &anna,
        &["--to", "Bernd", "--clients-file", "missing.txt"],
        "out.bemx",
        "missing.txt",
    );
}

#[test]
fn missing_consent_without_override_is_refused() {
    // Seed until some client lacks the handover consent (about 1 in 10).
    let world = World::new();
    let anna = world.init("Anna");
    let bernd = world.init("Bernd");
    exchange(&anna, &bernd);
    anna.seed(30);
    let without = anna.clients_with_consent(false);
    assert!(!without.is_empty(), "30 demo clients include one without handover consent");
    assert_export_refused(&world, &anna, &["--to", "Bernd", "--client", &without[0]], "out.bemx", "--without-consent");
}

#[test]
fn without_consent_is_exported_and_audited() {
    let world = World::new();
    let anna = world.init("Anna");
    let bernd = world.init("Bernd");
    exchange(&anna, &bernd);
    anna.seed(30);
    let client = anna.clients_with_consent(false).remove(0);
    let reason = "consent form lost in the office move";
    let report = anna
        .run(&["export", "--to", "Bernd", "--client", &client, "--without-consent", reason, "-o", "out.bemx", "--json"])
        .success()
        .json();
    assert_eq!(report["without_consent"], serde_json::json!([client]));

    let (bundle, detail): (String, String) = anna
        .sql()
        .query_row("SELECT bundle_id, detail FROM audit_log WHERE event = 'export_without_consent'", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .expect("audit entry for the override");
    assert_eq!(bundle, report["bundle_id"].as_str().unwrap());
    assert!(detail.contains(reason), "the reason is logged: {detail}");
}

#[test]
fn export_is_refused_while_another_bemx_holds_the_installation() {
    let (world, anna, _bernd) = pair(2);
    let client = anna.clients_with_consent(true).remove(0);
    let lock = bemx_install::InstallLock::acquire(&anna.home.join("bemx.lock")).expect("take the lock");
    assert_export_refused(&world, &anna, &["--to", "Bernd", "--client", &client], "out.bemx", "in use");
    drop(lock);
    anna.run(&["export", "--to", "Bernd", "--client", &client, "-o", "out.bemx"]).success();
}

#[test]
fn export_with_a_passphrase_protected_identity() {
    let world = World::new();
    let anna = world.uninitialized("Anna");
    anna.run_env(&["init", "--name", "Anna", "--passphrase"], &[("BEMX_PASSPHRASE", "correct horse")]).success();
    // The public card needs no passphrase.
    assert!(anna.run(&["id", "show"]).success().stdout.starts_with("bemx contact card v1\n"));
    let bernd = world.init("Bernd");
    exchange(&anna, &bernd);
    anna.seed(2);
    let client = anna.clients_with_consent(true).remove(0);
    let args = ["export", "--to", "Bernd", "--client", &client, "-o", "out.bemx"];
    let db = snapshot(&anna.db_path());

    // No terminal and no BEMX_PASSPHRASE: refused before anything happens.
    anna.run(&args).refused_with("BEMX_PASSPHRASE");
    let wrong = anna.run_env(&args, &[("BEMX_PASSPHRASE", "wrong horse")]).refused_with("passphrase");
    assert!(!wrong.stderr.contains("wrong horse") && !wrong.stderr.contains("correct horse"));
    assert_unchanged(&anna.db_path(), &db);
    assert!(!world.path().join("out.bemx").exists());

    anna.run_env(&args, &[("BEMX_PASSPHRASE", "correct horse")]).success();
    assert!(world.path().join("out.bemx").is_file());
}

/// Issue 15.5: `--to` takes a unique case-insensitive prefix of a contact's
/// name or fingerprint; one that fits several contacts, or none, is
/// refused listing the candidates, and nothing is written.
#[test]
fn export_to_a_unique_prefix_and_refusals_that_list_the_candidates() {
    let (world, anna, bernd) = pair(6);
    let bernhard = world.init("Bernhard");
    exchange(&anna, &bernhard);
    let clients = anna.clients_with_consent(true);
    let run = export_refused(&world, &anna, &["--to", "bern", "--client", &clients[0]], "x.bemx").stderr;
    assert!(run.contains("\"bern\" fits more than one contact"), "{run}");
    assert!(run.contains(&format!("Bernd ({})", bernd.fingerprint())), "{run}");
    assert!(run.contains(&format!("Bernhard ({})", bernhard.fingerprint())), "{run}");
    assert!(run.contains("hint: type more of the name"), "{run}");
    let run = export_refused(&world, &anna, &["--to", "Zoe", "--client", &clients[0]], "x.bemx").stderr;
    assert!(run.contains("the contacts are: Bernd ("), "{run}");

    let report =
        anna.run(&["export", "--json", "--to", "bernh", "--client", &clients[0], "-o", "a.bemx"]).success().json();
    assert_eq!(recipient_of(&anna, &report), "Bernhard");
    let fp_prefix = bernd.fingerprint()[..9].to_lowercase();
    let report =
        anna.run(&["export", "--json", "--to", &fp_prefix, "--client", &clients[1], "-o", "b.bemx"]).success().json();
    assert_eq!(recipient_of(&anna, &report), "Bernd");
}

fn recipient_of(anna: &Inst, report: &serde_json::Value) -> String {
    let bundle = report["bundle_id"].as_str().unwrap();
    anna.sql().query_row("SELECT recipient_name FROM handovers WHERE bundle_id = ?1", [bundle], |r| r.get(0)).unwrap()
}
