#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! Issue 13 at library level, where a test has to act in the middle of an
//! import: swap the bundle between the preview and the import (item 12), or
//! after the import read it and before `--burn` (item 2). The end-to-end
//! side of both is in tests/e2e/guard.rs.

mod common;

use std::path::Path;

use bemx_import::import::{NoProgress, Progress};
use bemx_import::{ImportError, ImportOptions};
use bemx_install::backup::Retention;
use common::{Site, client_count, export, import_with, scratch, site, trust};

fn options(receipt: &Path, burn: bool, expected_manifest: Option<[u8; 32]>) -> ImportOptions<'static> {
    ImportOptions { burn, expected_manifest, ..common::options(receipt) }
}

fn preview(to: &Site, bundle: &Path) -> bemx_import::Preview {
    common::preview_with(to, bundle, Retention::default()).unwrap()
}

/// Anna (`clients` clients) and Bernd (`own` clients) trust each other.
fn pair(clients: u32, own: u32) -> (Site, Site) {
    let a = site("Anna", 21, clients);
    let b = site("Bernd", 22, own);
    trust(&a, &b);
    trust(&b, &a);
    (a, b)
}

fn backups(site: &Site) -> usize {
    bemx_install::backup::list_backups(&site.home.backups_dir(), &site.identity).unwrap().len()
}

// ---------------------------------------------------------------------------
// Item 12: the confirmation is bound to the manifest that was shown.

#[test]
fn an_import_refuses_a_bundle_other_than_the_one_previewed() {
    let (a, b) = pair(8, 2);
    let (_t, dir) = scratch();
    let shown = dir.join("shown.bemx");
    let other = dir.join("other.bemx");
    export(&a, &b, 1, &shown);
    export(&a, &b, 5, &other);

    let previewed = preview(&b, &shown);
    assert_eq!(previewed.clients, 1);
    // The file the user said yes to is swapped for another valid bundle of
    // the same trusted sender before the import opens it.
    std::fs::rename(&other, &shown).unwrap();
    let db_before = std::fs::read(b.home.db_path()).unwrap();
    let receipt = dir.join("shown.receipt");
    let err = import_with(&b, &shown, &options(&receipt, true, Some(previewed.manifest_sha256)), &mut NoProgress)
        .unwrap_err();
    assert!(matches!(err, ImportError::BundleChanged { .. }), "{err:?}");
    assert!(err.to_string().contains("changed after you confirmed"), "{err}");
    assert!(err.advice().is_some_and(|a| a.contains("import again")), "{:?}", err.advice());

    assert_eq!(std::fs::read(b.home.db_path()).unwrap(), db_before, "the database is unchanged");
    assert_eq!(client_count(&b, true), 2);
    assert_eq!(backups(&b), 0, "refused before the safety backup");
    assert!(!receipt.exists(), "no receipt");
    assert!(shown.is_file(), "--burn did not touch the bundle");
    assert!(!b.home.import_ledger_path().exists(), "no ledger line");

    // Shown and confirmed, the same file imports.
    let shown_now = preview(&b, &shown);
    assert_eq!(shown_now.clients, 5);
    assert_ne!(shown_now.manifest_sha256, previewed.manifest_sha256);
    let report =
        import_with(&b, &shown, &options(&receipt, false, Some(shown_now.manifest_sha256)), &mut NoProgress).unwrap();
    assert_eq!(report.clients.len(), 5);
}

// ---------------------------------------------------------------------------
// Item 2: --burn overwrites the file that was read, never through a link.

/// Runs `swap` once the import reaches its receipt step: after the commit,
/// right before the burn.
#[cfg(unix)]
struct AtReceipt<F: FnMut()> {
    swap: Option<F>,
}

#[cfg(unix)]
impl<F: FnMut()> Progress for AtReceipt<F> {
    fn start(&mut self, _: u64) {}
    fn advance(&mut self, _: u64) {}
    fn step(&mut self, step: &'static str) {
        if step == "receipt"
            && let Some(mut swap) = self.swap.take()
        {
            swap();
        }
    }
}

#[cfg(unix)]
#[test]
fn burn_after_the_bundle_was_swapped_for_a_link_to_the_database_leaves_the_database_alone() {
    let (a, b) = pair(6, 3);
    let (_t, dir) = scratch();
    let bundle = dir.join("handover.bemx");
    export(&a, &b, 2, &bundle);
    let original = std::fs::read(&bundle).unwrap();
    let moved = dir.join("moved-away.bemx");
    let db = b.home.db_path().to_path_buf();

    // What an attacker with write access to the bundle's folder does while
    // the import runs: the name now leads to the receiver's database.
    let mut progress = AtReceipt {
        swap: Some(|| {
            std::fs::rename(&bundle, &moved).unwrap();
            std::os::unix::fs::symlink(&db, &bundle).unwrap();
        }),
    };
    let report = import_with(&b, &bundle, &options(&dir.join("r.receipt"), true, None), &mut progress).unwrap();
    assert!(progress.swap.is_none(), "the swap ran");

    assert!(!report.burned, "nothing was burned");
    assert!(
        report
            .warnings
            .iter()
            .any(|w| w.contains("was replaced during the import; it was not overwritten: delete it by hand")),
        "{:?}",
        report.warnings
    );
    // The database is intact and holds the import.
    let conn = bemx_db::Database::open(&db).unwrap();
    assert!(bemx_db::check_database(conn.conn()).unwrap().is_ok());
    drop(conn);
    assert_eq!(client_count(&b, true), 5);
    // The link is left where it was, the file read keeps its bytes.
    assert!(std::fs::symlink_metadata(&bundle).unwrap().file_type().is_symlink());
    assert_eq!(std::fs::read(&moved).unwrap(), original);
}

#[test]
fn burn_overwrites_the_file_that_was_read_and_removes_its_name() {
    let (_t, dir) = scratch();
    let bundle = dir.join("b.bemx");
    std::fs::write(&bundle, vec![0x5a; 300_000]).unwrap();
    let read = bemx_import::FileId::of(&std::fs::File::open(&bundle).unwrap()).unwrap();
    let other_name = dir.join("hard-link");
    std::fs::hard_link(&bundle, &other_name).unwrap();
    bemx_import::burn(&bundle, &read).unwrap();
    assert!(!bundle.exists());
    let left = std::fs::read(&other_name).unwrap();
    assert_eq!(left.len(), 300_000);
    assert!(left.iter().all(|&b| b == 0), "the very file read was overwritten with zeros");
}

/// The bundle's name, after the import read it, now leads elsewhere: burn
/// refuses and the file there keeps every byte.
#[test]
fn burn_refuses_a_name_that_no_longer_names_the_file_read() {
    let (_t, dir) = scratch();
    let victim = dir.join("victim.sqlite");
    std::fs::write(&victim, b"precious").unwrap();
    let bundle = dir.join("b.bemx");
    std::fs::write(&bundle, b"bundle bytes").unwrap();
    let read = bemx_import::FileId::of(&std::fs::File::open(&bundle).unwrap()).unwrap();
    std::fs::rename(&bundle, dir.join("away.bemx")).unwrap();

    type Put<'a> = Box<dyn Fn() + 'a>;
    // Links and FIFOs are added below on unix only.
    #[cfg_attr(not(unix), allow(unused_mut))]
    let mut cases: Vec<(&str, Put<'_>)> = vec![
        ("another regular file", Box::new(|| std::fs::copy(&victim, &bundle).map(drop).unwrap())),
        ("nothing", Box::new(|| ())),
    ];
    #[cfg(unix)]
    {
        cases.push(("a symlink to the victim", Box::new(|| std::os::unix::fs::symlink(&victim, &bundle).unwrap())));
        cases.push((
            "a FIFO (the open must not wait for a reader)",
            Box::new(|| {
                assert!(std::process::Command::new("mkfifo").arg(&bundle).status().unwrap().success());
            }),
        ));
    }
    for (what, put) in cases {
        put();
        let err = bemx_import::burn(&bundle, &read).unwrap_err();
        assert!(matches!(err, ImportError::BundleReplaced { overwritten: false, .. }), "{what}: {err:?}");
        assert_eq!(
            err.to_string(),
            format!("the bundle file {} was replaced during the import; it was not overwritten", bundle.display()),
            "{what}"
        );
        assert_eq!(std::fs::read(&victim).unwrap(), b"precious", "{what}: the victim is untouched");
        let _ = std::fs::remove_file(&bundle);
    }
    assert_eq!(std::fs::read(dir.join("away.bemx")).unwrap(), b"bundle bytes");
}

#[cfg(unix)]
#[test]
fn burn_through_a_link_given_from_the_start_is_refused_before_anything_changes() {
    let (a, b) = pair(4, 1);
    let (_t, dir) = scratch();
    let real = dir.join("real.bemx");
    export(&a, &b, 1, &real);
    let link = dir.join("link.bemx");
    std::os::unix::fs::symlink(&real, &link).unwrap();
    let db_before = std::fs::read(b.home.db_path()).unwrap();
    let receipt = dir.join("link.receipt");
    let err = import_with(&b, &link, &options(&receipt, true, None), &mut NoProgress).unwrap_err();
    assert!(matches!(err, ImportError::BurnThroughLink { .. }), "{err:?}");
    assert_eq!(std::fs::read(b.home.db_path()).unwrap(), db_before);
    assert_eq!(backups(&b), 0);
    assert!(!receipt.exists());
    // Without --burn the link is just a way to name the bundle.
    import_with(&b, &link, &options(&receipt, false, None), &mut NoProgress).unwrap();
    assert!(real.is_file());
}

/// A bundle that is still the file read but cannot be opened for writing (a
/// write-protected stick, a file in use) is reported with the OS's reason,
/// not as replaced: the user must learn why it could not be overwritten.
/// As root (CI) no permission stops the open; a running program's file
/// does (Linux refuses to write it: ETXTBSY).
#[cfg(target_os = "linux")]
#[test]
fn burn_reports_why_the_very_file_read_cannot_be_overwritten() {
    let (_t, dir) = scratch();
    let bundle = dir.join("busy.bemx");
    std::fs::copy("/bin/sleep", &bundle).unwrap();
    let mut perms = std::fs::metadata(&bundle).unwrap().permissions();
    std::os::unix::fs::PermissionsExt::set_mode(&mut perms, 0o700);
    std::fs::set_permissions(&bundle, perms).unwrap();
    let before = std::fs::read(&bundle).unwrap();
    let read = bemx_import::FileId::of(&std::fs::File::open(&bundle).unwrap()).unwrap();
    // Another test's child may still hold the copy's write handle between
    // its fork and exec for a moment, which makes this exec ETXTBSY too.
    let mut tries = 0;
    let mut running = loop {
        match std::process::Command::new(&bundle).arg("30").spawn() {
            Err(e) if e.raw_os_error() == Some(ETXTBSY) && tries < 50 => {
                tries += 1;
                std::thread::sleep(std::time::Duration::from_millis(20));
            }
            other => break other.unwrap(),
        }
    };
    // The exec has happened once the kernel shows the file as the child's.
    for _ in 0..200 {
        if std::fs::read_link(format!("/proc/{}/exe", running.id())).is_ok_and(|p| p == bundle) {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    let err = bemx_import::burn(&bundle, &read).unwrap_err();
    running.kill().unwrap();
    running.wait().unwrap();
    match &err {
        ImportError::Io { action: bemx_import::FileAction::OverwritingBundle, path, error } => {
            assert_eq!(path, &bundle);
            assert_eq!(error.raw_os_error(), Some(ETXTBSY), "{error}");
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(std::fs::read(&bundle).unwrap(), before, "nothing was written");
}

/// "Text file busy" on Linux (asm-generic/errno-base.h).
#[cfg(target_os = "linux")]
const ETXTBSY: i32 = 26;
