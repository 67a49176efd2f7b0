#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! Issue 13 at library level, where a test has to act in the middle of an
//! import: swap the bundle between the preview and the import (item 12).
//! The end-to-end side is in tests/e2e/guard.rs.

mod common;

use std::path::Path;

use bemx_identity::Contacts;
use bemx_import::import::{NoProgress, Progress};
use bemx_import::{ImportError, ImportOptions, ImportReport, Installation};
use bemx_install::InstallLock;
use bemx_install::backup::Retention;
use common::{Site, client_count, export, scratch, site, trust};

fn options(receipt: &Path, burn: bool, expected_manifest: Option<[u8; 32]>) -> ImportOptions<'static> {
    ImportOptions {
        receipt: Some(receipt.to_path_buf()),
        burn,
        retention: Retention::KeepSafetyOnly,
        cancel: None,
        expected_manifest,
    }
}

fn import_with(
    to: &Site,
    bundle: &Path,
    options: &ImportOptions<'_>,
    progress: &mut dyn Progress,
) -> Result<ImportReport, ImportError> {
    let contacts = Contacts::load(to.home.root()).unwrap();
    let inst = Installation { home: &to.home, identity: &to.identity, contacts: &contacts };
    let lock = InstallLock::acquire(&to.home.lock_path()).unwrap();
    bemx_import::import(bundle, &inst, &lock, options, progress)
}

fn preview(to: &Site, bundle: &Path) -> bemx_import::Preview {
    let contacts = Contacts::load(to.home.root()).unwrap();
    let inst = Installation { home: &to.home, identity: &to.identity, contacts: &contacts };
    bemx_import::preview(bundle, &inst).unwrap()
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
    bemx_install::backup::list_backups(&site.home.backups_dir()).unwrap().len()
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
