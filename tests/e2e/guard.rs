//! Issue 13: the guards of `bemx import` (and of `export`, where it shares
//! one), one section per item of the issue. Each case runs the real binary;
//! the refusals are proven with [`attacks::refused`]: exit 1 naming the
//! cause, every file of the test folder byte-identical (both databases
//! included), no safety backup, no receipt.
//!
//! Two cases need to act in the middle of an import and are proven at
//! library level as well: crates/import/tests/guard.rs.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::print_stderr)]

#[cfg(unix)]
use std::path::Path;

use crate::attacks::{bundle_of, entries_of, import_refused, path_str, put, refused, resign, small};
use crate::support::Inst;
// The cases that need links, FIFOs or a read-only mount are unix-only.
#[cfg(unix)]
use crate::{
    attacks::{Scene, export, scene},
    support::{files_under, snapshot},
};

fn installation_id(inst: &Inst) -> String {
    let card: serde_json::Value = serde_json::from_str(&inst.card_json()).unwrap();
    card["installation_id"].as_str().unwrap().to_owned()
}

fn client_uuids(inst: &Inst) -> Vec<String> {
    let conn = inst.sql();
    let mut stmt = conn.prepare("SELECT uuid FROM clients ORDER BY uuid").unwrap();
    stmt.query_map([], |r| r.get(0)).unwrap().collect::<Result<_, _>>().unwrap()
}

// ---------------------------------------------------------------------------
// Item 5: the database must belong to the installation.

#[test]
fn import_and_export_refuse_another_installations_database() {
    let s = small();
    let carla = s.world.init("Carla");
    carla.seed_with(3, 9, "200-2000");
    let (bernd_id, carla_id, anna_id) = (installation_id(&s.bernd), installation_id(&carla), installation_id(&s.anna));
    let carla_db = carla.db_path();

    // Bernd imports Anna's bundle into Carla's database: refused before the
    // bundle is consumed, both databases byte-identical.
    let r = refused(
        &s.world,
        &s.bernd,
        &["import", "--yes", "--db", path_str(&carla_db), path_str(&s.bundle)],
        &["belongs to installation"],
    );
    for (who, id) in [("Carla's (the database's)", &carla_id), ("Bernd's (this installation's)", &bernd_id)] {
        assert!(r.run.stderr.contains(id.as_str()), "names {who} installation id:\n{}", r.run.stderr);
    }
    assert!(r.run.stderr.contains("hint: import into this installation's own database"), "{}", r.run.stderr);

    // Anna exports from Bernd's database: refused the same way.
    let bernd_db = s.bernd.db_path();
    let r = refused(
        &s.world,
        &s.anna,
        &["export", "--db", path_str(&bernd_db), "--to", "Bernd", "--client", "x", "-o", "stolen.bemx"],
        &["belongs to installation"],
    );
    for id in [&bernd_id, &anna_id] {
        assert!(r.run.stderr.contains(id.as_str()), "names {id}:\n{}", r.run.stderr);
    }
    assert!(r.run.stderr.contains("hint: use this installation's own database"), "{}", r.run.stderr);

    // The installation's own database named with --db is fine.
    s.bernd.run(&["import", "--yes", "--db", path_str(&s.bernd.db_path()), path_str(&s.bundle)]).success();
    assert_eq!(client_uuids(&s.bernd).len(), 2);
}

// ---------------------------------------------------------------------------
// Item 15: the signed client list equals the client rows imported.

#[test]
fn a_client_list_that_differs_from_the_client_records_is_refused() {
    let s = small();
    let entries = entries_of(&s.bundle, &s.bernd);
    let listed = bemx_format::Manifest::decode(&entries[0].1).unwrap().clients;
    assert_eq!(listed.len(), 2);
    let extra = uuid::Uuid::new_v4();

    // Re-signed by Anna, the trusted sender: one client more in the list
    // than the bundle carries (verify would count three, import bring two).
    let mut more = entries.clone();
    resign(&mut more, &s.anna, |m| {
        m.clients.push(*extra.as_bytes());
        m.clients.sort_unstable();
    });
    let path = put(&s.world, "lists-a-client-more.bemx", &bundle_of(&more, &s.bernd));
    let r = import_refused(&s.world, &s.bernd, &path, &["signed client list does not match"]);
    assert!(r.run.stderr.contains(&format!("listed but not carried: {extra}")), "{}", r.run.stderr);

    // One client fewer in the list than the bundle carries.
    let dropped = uuid::Uuid::from_bytes(listed[1]);
    let mut fewer = entries.clone();
    resign(&mut fewer, &s.anna, |m| {
        m.clients.remove(1);
    });
    let path = put(&s.world, "lists-a-client-less.bemx", &bundle_of(&fewer, &s.bernd));
    let r = import_refused(&s.world, &s.bernd, &path, &["signed client list does not match"]);
    assert!(r.run.stderr.contains(&format!("carried but not listed: {dropped}")), "{}", r.run.stderr);
    assert!(r.run.stderr.contains("hint: do not import it; ask the sender for a new bundle"), "{}", r.run.stderr);

    // The bundle as Anna made it imports.
    s.bernd.run(&["import", "--yes", path_str(&s.bundle)]).success();
    assert_eq!(client_uuids(&s.bernd).len(), 2);
}

// ---------------------------------------------------------------------------
// Item 14: the receipt file is created before anything changes.

#[cfg(unix)]
#[test]
fn a_dangling_link_at_the_receipt_path_is_refused_before_anything_changes() {
    let s = small();
    // Outside the test folder: its snapshot reads every file, and a
    // dangling link cannot be read.
    let outside = tempfile::tempdir().unwrap();
    let receipt = outside.path().join("handover.receipt");
    let target = outside.path().join("planted.receipt");
    std::os::unix::fs::symlink(&target, &receipt).unwrap();

    let r = refused(
        &s.world,
        &s.bernd,
        &["import", "--yes", "--receipt", path_str(&receipt), path_str(&s.bundle)],
        &["the receipt cannot be written"],
    );
    assert!(r.run.stderr.contains("a link of that name exists"), "{}", r.run.stderr);
    assert!(r.run.stderr.contains(path_str(&receipt)), "names the receipt path:\n{}", r.run.stderr);
    assert!(std::fs::symlink_metadata(&receipt).unwrap().file_type().is_symlink(), "the link is left alone");
    assert!(!target.exists(), "the link is not followed");

    std::fs::remove_file(&receipt).unwrap();
    s.bernd.run(&["import", "--yes", "--receipt", path_str(&receipt), path_str(&s.bundle)]).success();
    assert!(!snapshot(&receipt).is_empty(), "the receipt is written once the place is free");
}

#[cfg(unix)]
struct Unmount(std::path::PathBuf);

#[cfg(unix)]
impl Drop for Unmount {
    fn drop(&mut self) {
        let _ = std::process::Command::new("umount").arg("-l").arg(&self.0).status();
    }
}

/// A folder this process cannot create files in. As a normal user a folder
/// without write permission is that; root ignores permissions (CI runs the
/// suite as root), so as root it is a read-only tmpfs mounted there, which
/// refuses root too (EROFS). `None` (with a loud SKIPPED line) as root
/// where mounting is not allowed.
#[cfg(unix)]
fn read_only_folder(dir: &Path, test: &str) -> Option<Option<Unmount>> {
    use std::os::unix::fs::{MetadataExt, PermissionsExt};
    std::fs::create_dir(dir).unwrap();
    let probe = dir.join("probe");
    std::fs::write(&probe, b"").unwrap();
    let root = std::fs::metadata(&probe).unwrap().uid() == 0;
    std::fs::remove_file(&probe).unwrap();
    if !root {
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o555)).unwrap();
        return Some(None);
    }
    let mounted = std::process::Command::new("mount")
        .args(["-t", "tmpfs", "-o", "ro,size=64k,mode=0755", "tmpfs", path_str(dir)])
        .stderr(std::process::Stdio::null())
        .status()
        .is_ok_and(|st| st.success());
    if !mounted {
        eprintln!("SKIPPED {test}: running as root, and a read-only tmpfs cannot be mounted here");
        return None;
    }
    Some(Some(Unmount(dir.to_path_buf())))
}

#[cfg(unix)]
#[test]
fn a_receipt_in_a_read_only_folder_is_refused_before_anything_changes() {
    use std::os::unix::fs::PermissionsExt;
    let test = "a_receipt_in_a_read_only_folder_is_refused_before_anything_changes";
    let s = small();
    let dir = s.world.path().join("read-only");
    let Some(mount) = read_only_folder(&dir, test) else { return };
    let receipt = dir.join("handover.receipt");
    let r = refused(
        &s.world,
        &s.bernd,
        &["import", "--yes", "--receipt", path_str(&receipt), path_str(&s.bundle)],
        &["the receipt cannot be written"],
    );
    assert!(
        r.run.stderr.contains("Read-only file system") || r.run.stderr.contains("Permission denied"),
        "names the cause:\n{}",
        r.run.stderr
    );
    assert!(r.run.stderr.contains("hint: choose another place with --receipt FILE"), "{}", r.run.stderr);
    assert!(files_under(&dir).is_empty());
    drop(mount);
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755)).unwrap();
    s.bernd.run(&["import", "--yes", "--receipt", path_str(&receipt), path_str(&s.bundle)]).success();
    assert!(!snapshot(&receipt).is_empty(), "the receipt is written once the folder is writable");
}

// ---------------------------------------------------------------------------
// Item 12: what is imported is what the preview showed.

#[cfg(unix)]
fn mkfifo(path: &Path) {
    assert!(std::process::Command::new("mkfifo").arg(path).status().unwrap().success(), "mkfifo");
}

/// Hands each of `bundles` to one opener of `path`, in turn, through FIFOs:
/// the preview opens the bundle, then the import opens it again, so the
/// test can show the preview one bundle and the import another — a bundle
/// file swapped between the preview and the "y", deterministically.
///
/// Each FIFO is replaced by a fresh one as soon as its reader has opened it
/// and before it gets a byte: the preview cannot get past its first read
/// until then, so the import, which comes after the preview, always opens
/// the next FIFO, and no byte of one bundle can reach the other's reader.
#[cfg(unix)]
fn serve(path: &Path, bundles: Vec<Vec<u8>>) -> std::thread::JoinHandle<()> {
    use std::io::Write as _;
    mkfifo(path);
    let path = path.to_path_buf();
    std::thread::spawn(move || {
        let count = bundles.len();
        for (i, bytes) in bundles.into_iter().enumerate() {
            let Ok(mut f) = std::fs::OpenOptions::new().write(true).open(&path) else { return };
            if i + 1 < count {
                let next = path.with_extension("next");
                mkfifo(&next);
                std::fs::rename(&next, &path).unwrap();
            }
            // The preview reads only the start and closes: a broken pipe.
            let _ = f.write_all(&bytes);
        }
    })
}

/// Ends a [`serve`] thread still waiting for a reader (bemx refused before
/// opening the bundle as often as it was offered).
#[cfg(unix)]
fn stop(fifo: &Path, server: std::thread::JoinHandle<()>) {
    use std::os::unix::fs::OpenOptionsExt;
    while !server.is_finished() {
        // Non-blocking: returns at once whether or not a writer waits.
        let _ = std::fs::OpenOptions::new().read(true).custom_flags(libc::O_NONBLOCK).open(fifo);
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    server.join().unwrap();
}

#[cfg(unix)]
#[test]
fn a_bundle_swapped_between_the_preview_and_the_import_is_refused() {
    let Scene { world, anna, bernd, bundle: one, exported } = scene(10, 1, "200-2000");
    let others: Vec<String> = anna.clients_with_consent(true).into_iter().filter(|c| !exported.contains(c)).collect();
    assert!(others.len() >= 2, "more clients with a handover consent");
    let many = export(&anna, "Bernd", &others, "many.bemx");
    let outside = tempfile::tempdir().unwrap();
    let fifo = outside.path().join("handover.bemx");
    let receipt = world.path().join("handover.receipt");
    let args = ["import", "--yes", "--receipt", path_str(&receipt), path_str(&fifo)];

    // The preview sees the one-client bundle, the import gets the other.
    let server = serve(&fifo, vec![snapshot(&one), snapshot(&many)]);
    let r = refused(&world, &bernd, &args, &["changed after you confirmed the import"]);
    stop(&fifo, server);
    std::fs::remove_file(&fifo).unwrap();
    assert!(r.run.stderr.contains("hint: check who else can write to that folder"), "{}", r.run.stderr);
    assert!(files_under(outside.path()).is_empty(), "nothing written beside the bundle");
    assert!(client_uuids(&bernd).is_empty());

    // The same bundle both times: imported.
    let server = serve(&fifo, vec![snapshot(&one), snapshot(&one)]);
    let run = bernd.run(&args);
    stop(&fifo, server);
    std::fs::remove_file(&fifo).unwrap();
    let run = run.success();
    assert!(run.stdout.contains("Imported 1 client"), "{}", run.stdout);
    assert_eq!(client_uuids(&bernd), vec![anna.uuid_of(&exported[0])]);
}

// ---------------------------------------------------------------------------
// Item 2: --burn overwrites the file that was read, never through a link.

#[cfg(unix)]
#[test]
fn burn_overwrites_the_file_that_was_read_and_never_goes_through_a_link() {
    let s = small();
    let len = snapshot(&s.bundle).len();

    // A link to the bundle: refused before anything changes.
    let link = s.world.path().join("link.bemx");
    std::os::unix::fs::symlink(&s.bundle, &link).unwrap();
    let r = refused(&s.world, &s.bernd, &["import", "--yes", "--burn", path_str(&link)], &["is a link"]);
    assert!(r.run.stderr.contains("never through a link"), "{}", r.run.stderr);
    std::fs::remove_file(&link).unwrap();

    // The bundle itself: the file that was read — seen through a second
    // name — is all zeros, and the bundle's name is gone.
    let second_name = s.world.path().join("second-name");
    std::fs::hard_link(&s.bundle, &second_name).unwrap();
    let run = s.bernd.run(&["import", "--yes", "--burn", path_str(&s.bundle)]).success();
    assert!(run.stdout.contains("the bundle file was overwritten and deleted"), "{}", run.stdout);
    assert!(!run.stderr.contains("warning"), "{}", run.stderr);
    assert!(!s.bundle.exists());
    let left = snapshot(&second_name);
    assert_eq!(left.len(), len);
    assert!(left.iter().all(|&b| b == 0), "overwritten with zeros");
    assert!(!snapshot(&s.bundle.with_extension("receipt")).is_empty(), "the receipt is written");
    assert_eq!(client_uuids(&s.bernd).len(), 2);
}
