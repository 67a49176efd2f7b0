//! Disk space (issue 20, spec/DESIGN.md F1 and B6): a failed import leaves
//! no backup behind, a disk too full for what a command would write is
//! refused before anything is written, and the backups folder stays bounded
//! and visible.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};

use crate::attacks::refused_env;
use crate::support::{Inst, World, exchange, files_under};

/// The test hook (`bemx_install::space`): caps the free space the probe
/// reports. It can only lower it, so a real disk is never needed to be
/// full and a real full disk is still found.
const HOOK: &str = "BEMX_TEST_FREE_SPACE";
/// Exactly the installation disk's margin: any need at all is refused.
const ONLY_THE_MARGIN: &str = "67108864";
/// Plenty for the small demo data here.
const PLENTY: &str = "1073741824";

fn path_str(p: &Path) -> &str {
    p.to_str().expect("utf-8 temp path")
}

/// Anna (with demo clients) and Bernd trust each other; Anna has written a
/// bundle for Bernd.
struct Handover {
    world: World,
    anna: Inst,
    bernd: Inst,
    bundle: PathBuf,
}

fn handover() -> Handover {
    let world = World::new();
    let anna = world.init("Anna");
    let bernd = world.init("Bernd");
    exchange(&anna, &bernd);
    anna.seed(6);
    bernd.seed(2);
    let client = anna.clients_with_consent(true).remove(0);
    anna.run(&["export", "--to", "Bernd", "--client", &client, "-o", "out.bemx"]).success();
    let bundle = world.path().join("out.bemx");
    Handover { world, anna, bernd, bundle }
}

fn safety_backups(inst: &Inst) -> Vec<String> {
    files_under(&inst.home.join("backups"))
        .into_iter()
        .filter_map(|p| p.file_name().and_then(|n| n.to_str()).map(str::to_owned))
        .filter(|n| n.starts_with("SICHERHEITSBACKUP") && n.ends_with(".bemxbak"))
        .collect()
}

#[test]
fn a_disk_too_full_is_refused_before_anything_is_written() {
    let Handover { world, anna, bernd, bundle } = handover();
    let full = [(HOOK, ONLY_THE_MARGIN)];
    let cause = ["not enough free space on"];

    // import: the safety backup and the merge need room on Bernd's disk.
    let r = refused_env(&world, &bernd, &["import", "--yes", path_str(&bundle)], &full, &cause);
    assert!(r.run.stderr.contains("the backup and the imported data need about"), "{}", r.run.stderr);
    assert!(r.run.stderr.contains("hint: make room on that disk"), "{}", r.run.stderr);

    // backup create and restore (a backup to restore made while there is room).
    refused_env(&world, &bernd, &["backup", "create"], &full, &cause);
    let name = bernd.run(&["backup", "create", "--json"]).success().json()["name"].as_str().unwrap().to_owned();
    let r = refused_env(&world, &bernd, &["backup", "restore", &name, "--yes"], &full, &cause);
    assert!(r.run.stderr.contains("the restored database and the backup need about"), "{}", r.run.stderr);

    // export: the target's margin is 1 MiB; a stick with 1 MiB free holds
    // no bundle, and neither the journal nor the target is touched.
    // (The first consenting client is in the handover to Bernd already.)
    let client = anna.clients_with_consent(true).remove(1);
    let args = ["export", "--to", "Bernd", "--client", &client, "-o", "again.bemx"];
    let r = refused_env(&world, &anna, &args, &[(HOOK, "1048576")], &cause);
    assert!(r.run.stderr.contains("the bundle need"), "{}", r.run.stderr);

    // With room, each works: the hook is no refusal of its own.
    let room = [(HOOK, PLENTY)];
    bernd.run_env(&["backup", "restore", &name, "--yes"], &room).success();
    bernd.run_env(&["import", "--yes", path_str(&bundle)], &room).success();
    anna.run_env(&args, &room).success();

    // handover confirm: the purge's rollback journal holds every page it
    // overwrites, beside Anna's database; refused before the journal line
    // or the database changes (found with 20,000 clients' documents, where
    // SQLite failed half-way with "database or disk is full").
    let receipt = bundle.with_extension("receipt");
    let confirm = ["handover", "confirm", "--yes", path_str(&receipt)];
    let r = refused_env(&world, &anna, &confirm, &full, &cause);
    assert!(r.run.stderr.contains("the removal of the handed-over clients need about"), "{}", r.run.stderr);
    // Before the question, not after the yes (no terminal here: asked, it
    // would be refused for that instead).
    let asked = ["handover", "confirm", path_str(&receipt)];
    let r = refused_env(&world, &anna, &asked, &full, &cause);
    assert!(!r.run.stderr.contains("terminal"), "{}", r.run.stderr);
    anna.run_env(&confirm, &room).success();
}

/// A real small file system where the platform allows one without
/// privileges of its own: a 256 KiB tmpfs as the USB stick, in a private
/// mount namespace (`unshare -rm`), so no hook is involved.
#[cfg(target_os = "linux")]
#[test]
fn an_export_to_a_stick_too_small_is_refused_before_writing() {
    use std::process::Command;
    let usable = Command::new("unshare").args(["-rm", "true"]).status().is_ok_and(|s| s.success());
    if !usable {
        assert!(
            std::env::var_os("BEMX_REQUIRE_TOOLS").is_none(),
            "BEMX_REQUIRE_TOOLS is set but `unshare -rm` does not work here"
        );
        eprintln!("SKIPPED an_export_to_a_stick_too_small_is_refused_before_writing: no `unshare -rm`");
        return;
    }
    let world = World::new();
    let anna = world.init("Anna");
    let bernd = world.init("Bernd");
    exchange(&anna, &bernd);
    anna.seed_with(4, 3, "200000-400000");
    let client = anna.clients_with_consent(true).remove(0);
    let stick = world.path().join("stick");
    std::fs::create_dir(&stick).unwrap();
    let db_before = crate::support::snapshot(&anna.db_path());
    let journal = anna.home.join("handover-journal.log");
    let journal_before = std::fs::read(&journal).ok();
    // bemx runs inside the namespace, where the stick is the small tmpfs;
    // what it left on the stick is listed before the namespace goes.
    let script = format!(
        "mount -t tmpfs -o size=256k tmpfs {stick} && {bin} --home {home} export --to Bernd --client \"$1\" -o {stick}/x.bemx; echo \"exit=$?\"; ls -A {stick}",
        stick = path_str(&stick),
        bin = crate::support::BIN,
        home = path_str(&anna.home),
    );
    let out = Command::new("unshare")
        .args(["-rm", "sh", "-c", &script, "sh", &client])
        .current_dir(world.path())
        .env_remove("BEMX_HOME")
        .env_remove(HOOK)
        .output()
        .unwrap();
    let (stdout, stderr) = (String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert_eq!(stdout.trim(), "exit=1", "refused, and nothing left on the stick:\n{stdout}\n{stderr}");
    assert!(stderr.contains(&format!("not enough free space on {}", path_str(&stick))), "{stderr}");
    assert!(stderr.contains("the bundle need about"), "{stderr}");
    crate::support::assert_unchanged(&anna.db_path(), &db_before);
    assert_eq!(std::fs::read(&journal).ok(), journal_before, "the handover journal changed");
}

/// Issue 20, item 1 and 4: failed imports (truncated, tampered, cancelled
/// at the prompt, run out of room) leave the backups folder exactly as it
/// was, however often they are retried; after the import that works there
/// is one SICHERHEITSBACKUP for the bundle.
#[test]
fn repeated_failed_imports_leave_the_backups_folder_as_it_was() {
    let Handover { world, anna: _anna, bernd, bundle } = handover();
    let bytes = std::fs::read(&bundle).unwrap();
    let truncated = world.path().join("truncated.bemx");
    std::fs::write(&truncated, &bytes[..bytes.len() * 2 / 3]).unwrap();
    let tampered = world.path().join("tampered.bemx");
    let mut flipped = bytes.clone();
    let at = flipped.len() - 100;
    flipped[at] ^= 0x40;
    std::fs::write(&tampered, &flipped).unwrap();
    bernd.run(&["backup", "create"]).success();
    let folder = crate::support::contents_under(&bernd.home.join("backups"));
    for attempt in 0..3 {
        bernd.run(&["import", "--yes", path_str(&truncated)]).refused();
        bernd.run(&["import", "--yes", path_str(&tampered)]).refused();
        // No --yes and no terminal: refused at the question.
        bernd.run(&["import", path_str(&bundle)]).refused();
        bernd.run_env(&["import", "--yes", path_str(&bundle)], &[(HOOK, ONLY_THE_MARGIN)]).refused();
        assert!(
            crate::support::contents_under(&bernd.home.join("backups")) == folder,
            "attempt {attempt}: the backups folder changed"
        );
    }
    bernd.run(&["import", "--yes", path_str(&bundle)]).success();
    assert_eq!(safety_backups(&bernd).len(), 1, "{:?}", safety_backups(&bernd));
}

/// Issue 20, item 3: `backup list` shows each backup's kind, date and size
/// and the total; the retention keeps the newest N SICHERHEITSBACKUPs.
#[test]
fn the_backups_folder_stays_bounded_and_visible() {
    let world = World::new();
    let anna = world.init("Anna");
    let bernd = world.init("Bernd");
    exchange(&anna, &bernd);
    anna.seed(8);
    bernd.seed(1);
    let clients = anna.clients_with_consent(true);
    assert!(clients.len() >= 3, "the demo data has consenting clients");
    let mut taken = Vec::new();
    for (i, client) in clients.iter().take(3).enumerate() {
        let file = format!("h{i}.bemx");
        anna.run(&["export", "--to", "Bernd", "--client", client, "-o", &file]).success();
        let args = ["import", "--yes", "--keep-safety-backups", "2", &file];
        let report = bernd.run(&args).success();
        let v = bernd.run(&["backup", "list", "--json"]).success().json();
        let names: Vec<&str> = v.as_array().unwrap().iter().map(|b| b["name"].as_str().unwrap()).collect();
        taken.push(names.last().unwrap().to_string());
        assert!(names.len() <= 2, "at most two kept: {names:?}\n{}", report.stdout);
        // Safety backups have one-second names; the next import a second later.
        std::thread::sleep(std::time::Duration::from_millis(1100));
    }
    let v = bernd.run(&["backup", "list", "--json"]).success().json();
    let names: Vec<&str> = v.as_array().unwrap().iter().map(|b| b["name"].as_str().unwrap()).collect();
    assert_eq!(names, [taken[1].as_str(), taken[2].as_str()], "the newest two stay");
    for b in v.as_array().unwrap() {
        assert_eq!(b["kind"], "safety");
        assert!(b["size"].as_u64().unwrap() > 0);
        assert!(b["created"].as_str().unwrap().ends_with('Z'), "{b}");
    }
    bernd.run(&["backup", "create"]).success();
    let list = bernd.run(&["backup", "list"]).success().stdout;
    assert!(list.contains("SICHERHEITSBACKUP before an import") && list.contains("made with backup create"), "{list}");
    assert!(
        list.contains("3 backups,") && list.contains(" in all; ") && list.contains(" free on their disk."),
        "{list}"
    );
    // The local time, as people write it (no ISO "T", no seconds).
    assert!(!list.contains('T') || !list.contains(":00Z"), "{list}");

    // The import's question names the backups the retention will delete.
    let client = &clients[3.min(clients.len() - 1)];
    anna.run(&["export", "--to", "Bernd", "--client", client, "-o", "h9.bemx"]).success();
    let asked = bernd.run(&["import", "--keep-safety-backups", "1", "h9.bemx"]).refused();
    assert!(asked.stderr.contains("Older backups that will be deleted:"), "{}", asked.stderr);
    for name in &taken[1..] {
        assert!(asked.stderr.contains(name.as_str()), "{name} not named:\n{}", asked.stderr);
    }

    // Backups taking more than half the free space beside them are pointed out.
    let crowded = bernd.run_env(&["backup", "list"], &[(HOOK, "1000")]).success();
    assert!(crowded.stderr.contains("warning: the 3 backups take"), "{}", crowded.stderr);
    let calm = bernd.run_env(&["backup", "list"], &[(HOOK, PLENTY)]).success();
    assert!(!calm.stderr.contains("warning"), "{}", calm.stderr);
}
