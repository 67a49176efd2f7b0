#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! The whole handover through the library crates: export on one
//! installation, import on another, receipt back, confirm; and the ways it
//! must refuse: replay, replay after restore, a cancelled handover's receipt.

mod common;

use bemx_db::Database;
use bemx_identity::Contacts;
use bemx_import::ImportError;
use bemx_install::{InstallError, InstallLock, handover, restore};
use common::{client_count, export, import, scratch, site, trust};

#[test]
fn full_handover_story() {
    let a = site("Anna Sender", 1, 6);
    let b = site("Bernd Receiver", 2, 4);
    trust(&a, &b);
    trust(&b, &a);
    let (_t, dir) = scratch();
    let bundle = dir.join("handover.bemx");
    let exported = export(&a, &b, 3, &bundle);
    assert_eq!(exported.clients.len(), 3);
    assert_eq!(client_count(&a, false), 3, "handed-over clients are hidden");
    assert_eq!(client_count(&a, true), 6);

    let receipt = dir.join("handover.receipt");
    let report = import(&b, &bundle, &receipt).unwrap();
    assert_eq!(report.clients.len(), 3);
    assert!(report.safety_backup.starts_with("SICHERHEITSBACKUP-"));
    assert_eq!(client_count(&b, false), 7);
    // The two seeds share pseudonyms: some BEM-IDs must have been renamed.
    let check = bemx_db::check_database(Database::open(b.home.db_path()).unwrap().conn()).unwrap();
    assert!(check.is_ok(), "{check:?}");

    // Replay: refused, database unchanged.
    let before = std::fs::read(b.home.db_path()).unwrap();
    match import(&b, &bundle, &dir.join("again.receipt")) {
        Err(ImportError::AlreadyImported { .. }) => {}
        other => panic!("replay: {other:?}"),
    }
    assert_eq!(std::fs::read(b.home.db_path()).unwrap(), before);

    // Restoring the safety backup (the state before the import) would
    // delete the imported clients, who live only here now: refused, naming
    // them, nothing changed (issue 13.4).
    {
        let lock = InstallLock::acquire(&b.home.lock_path()).unwrap();
        match restore::restore(&b.home, &lock, &b.identity, &report.safety_backup) {
            Err(InstallError::RestoreWouldLose { bem_ids, .. }) => assert_eq!(bem_ids.len(), 3),
            other => panic!("restore before the import: {other:?}"),
        }
    }
    assert_eq!(std::fs::read(b.home.db_path()).unwrap(), before);
    match import(&b, &bundle, &dir.join("again2.receipt")) {
        Err(ImportError::AlreadyImported { .. }) => {}
        other => panic!("replay after the refused restore: {other:?}"),
    }

    // Confirm on the sender: the clients are purged.
    let lock = a.home.lock().unwrap();
    let contacts = Contacts::load(a.home.root()).unwrap();
    let receipt_bytes = std::fs::read(&receipt).unwrap();
    let confirmed =
        handover::confirm(&a.home, &lock, &contacts, *a.identity.installation_id().as_bytes(), &receipt_bytes).unwrap();
    assert_eq!(confirmed.clients, 3);
    assert_eq!(client_count(&a, true), 3);
    let listed = handover::list(&a.home).unwrap();
    assert_eq!(listed[0].state, "confirmed");
    // A second confirm is refused as already done.
    assert!(
        handover::confirm(&a.home, &lock, &contacts, *a.identity.installation_id().as_bytes(), &receipt_bytes).is_err()
    );
}

#[test]
fn old_backup_cannot_resurrect_confirmed_clients() {
    let a = site("A", 3, 4);
    let b = site("B", 4, 0);
    trust(&a, &b);
    trust(&b, &a);
    let lock = a.home.lock().unwrap();
    let old = restore::create_backup(&a.home, &lock, &a.identity, "backup").unwrap();
    drop(lock);
    let (_t, dir) = scratch();
    let bundle = dir.join("x.bemx");
    export(&a, &b, 2, &bundle);
    let receipt = dir.join("x.receipt");
    import(&b, &bundle, &receipt).unwrap();
    let lock = a.home.lock().unwrap();
    let contacts = Contacts::load(a.home.root()).unwrap();
    handover::confirm(
        &a.home,
        &lock,
        &contacts,
        *a.identity.installation_id().as_bytes(),
        &std::fs::read(&receipt).unwrap(),
    )
    .unwrap();
    assert_eq!(client_count(&a, true), 2);
    let restored = restore::restore(&a.home, &lock, &a.identity, &old.name).unwrap();
    assert_eq!(restored.clients_purged_again, 2);
    assert_eq!(client_count(&a, true), 2, "the old backup brought nobody back");
}

#[test]
fn cancelled_handover_gives_clients_back_and_flags_a_late_receipt() {
    let a = site("A", 5, 3);
    let b = site("B", 6, 0);
    trust(&a, &b);
    trust(&b, &a);
    let (_t, dir) = scratch();
    let bundle = dir.join("x.bemx");
    let exported = export(&a, &b, 2, &bundle);
    assert_eq!(client_count(&a, false), 1);
    let lock = a.home.lock().unwrap();
    assert_eq!(handover::cancel(&a.home, &lock, &exported.bundle_id).unwrap(), (exported.bundle_id.clone(), 2));
    assert_eq!(client_count(&a, false), 3);
    drop(lock);
    let receipt = dir.join("x.receipt");
    import(&b, &bundle, &receipt).unwrap();
    let lock = a.home.lock().unwrap();
    let contacts = Contacts::load(a.home.root()).unwrap();
    let err = handover::confirm(
        &a.home,
        &lock,
        &contacts,
        *a.identity.installation_id().as_bytes(),
        &std::fs::read(&receipt).unwrap(),
    )
    .unwrap_err();
    assert!(err.to_string().contains("WARNING"), "{err}");
}

#[test]
fn untrusted_sender_and_lock_are_refused() {
    let a = site("A", 7, 2);
    let b = site("B", 8, 0);
    trust(&a, &b);
    let (_t, dir) = scratch();
    let bundle = dir.join("x.bemx");
    export(&a, &b, 1, &bundle);
    match import(&b, &bundle, &dir.join("r")) {
        Err(ImportError::UntrustedSender { fingerprint, .. }) => {
            assert_eq!(fingerprint, a.identity.fingerprint().to_string());
        }
        other => panic!("{other:?}"),
    }
    let _held = InstallLock::acquire(&b.home.lock_path()).unwrap();
    assert!(matches!(InstallLock::acquire(&b.home.lock_path()), Err(InstallError::Busy)));
}

#[test]
fn restoring_a_backup_from_before_an_export_keeps_the_handover_open() {
    let a = site("A", 9, 4);
    let b = site("B", 10, 0);
    trust(&a, &b);
    trust(&b, &a);
    let lock = a.home.lock().unwrap();
    let old = restore::create_backup(&a.home, &lock, &a.identity, "backup").unwrap();
    drop(lock);
    let (_t, dir) = scratch();
    let bundle = dir.join("x.bemx");
    export(&a, &b, 2, &bundle);
    let lock = a.home.lock().unwrap();
    restore::restore(&a.home, &lock, &a.identity, &old.name).unwrap();
    assert_eq!(client_count(&a, false), 2, "the exported clients stay handed over after the restore");
    assert_eq!(handover::list(&a.home).unwrap()[0].state, "open");
    drop(lock);
    let receipt = dir.join("x.receipt");
    import(&b, &bundle, &receipt).unwrap();
    let lock = a.home.lock().unwrap();
    let contacts = Contacts::load(a.home.root()).unwrap();
    handover::confirm(
        &a.home,
        &lock,
        &contacts,
        *a.identity.installation_id().as_bytes(),
        &std::fs::read(&receipt).unwrap(),
    )
    .unwrap();
    assert_eq!(client_count(&a, true), 2);
}

#[test]
fn an_existing_receipt_file_is_refused_before_anything_changes_and_a_lost_receipt_can_be_rewritten() {
    let a = site("A", 11, 3);
    let b = site("B", 12, 1);
    trust(&a, &b);
    trust(&b, &a);
    let (_t, dir) = scratch();
    let bundle = dir.join("x.bemx");
    let exported = export(&a, &b, 2, &bundle);
    let receipt = dir.join("x.receipt");
    std::fs::write(&receipt, b"an old receipt").unwrap();
    let before = std::fs::read(b.home.db_path()).unwrap();
    assert!(matches!(import(&b, &bundle, &receipt), Err(ImportError::ReceiptTarget { .. })));
    assert_eq!(std::fs::read(b.home.db_path()).unwrap(), before);
    assert!(bemx_install::backup::list_backups(&b.home.backups_dir(), &b.identity).unwrap().is_empty());
    std::fs::remove_file(&receipt).unwrap();
    import(&b, &bundle, &receipt).unwrap();
    let first = std::fs::read(&receipt).unwrap();
    let again = dir.join("again.receipt");
    bemx_import::import::write_receipt_again(&b.home, &exported.bundle_id, &again).unwrap();
    assert_eq!(std::fs::read(&again).unwrap(), first);
}
