//! Installations made through the library crates, shared by the test files.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, dead_code)]

use std::path::{Path, PathBuf};

use bemx_db::Database;
use bemx_demo::SeedOptions;
use bemx_identity::{Contacts, Identity};
use bemx_import::import::{NoProgress, Progress};
use bemx_import::{ImportError, ImportOptions, ImportReport, Installation, Preview};
use bemx_install::backup::Retention;
use bemx_install::{Home, InstallLock};

pub struct Site {
    pub home: Home,
    pub identity: Identity,
    _dir: tempfile::TempDir,
}

pub fn site(name: &str, seed: u64, clients: u32) -> Site {
    let dir = tempfile::tempdir().unwrap();
    let home = Home::new(dir.path().join("home"), None);
    std::fs::create_dir_all(home.root()).unwrap();
    let identity = Identity::generate(name).unwrap();
    identity.save(home.root(), None).unwrap();
    let mut db = Database::create(home.db_path(), &identity.installation_id().to_string()).unwrap();
    let mut options = SeedOptions::new(clients, seed);
    options.document_bytes = (100, 5000);
    options.max_documents_per_client = 2;
    if clients > 0 {
        bemx_demo::seed_with(&mut db, &options).unwrap();
    }
    Site { home, identity, _dir: dir }
}

pub fn trust(a: &Site, b: &Site) {
    let mut contacts = Contacts::load(a.home.root()).unwrap();
    contacts.add(b.identity.contact_card()).unwrap();
}

pub fn export(from: &Site, to: &Site, n: usize, out: &Path) -> bemx_pack::ExportReport {
    let lock = from.home.lock().unwrap();
    let mut db = Database::open(from.home.db_path()).unwrap();
    let clients: Vec<String> = db.clients_list(false).unwrap().into_iter().take(n).map(|c| c.uuid).collect();
    let sender = bemx_pack::Sender::new(&from.identity);
    let recipient = bemx_pack::Recipient::new(&to.identity.contact_card());
    let request = bemx_pack::ExportRequest {
        confirmed_without_consent: None,
        clients,
        without_consent: Some("test export, consent not needed".into()),
        output: out.to_path_buf(),
        workers: 2,
        cancel: None,
    };
    bemx_pack::export(&from.home, &lock, &mut db, &sender, &recipient, &request, &mut NoProgress).unwrap()
}

pub fn client_count(site: &Site, all: bool) -> usize {
    Database::open(site.home.db_path()).unwrap().clients_list(all).unwrap().len()
}

pub fn scratch() -> (tempfile::TempDir, PathBuf) {
    let d = tempfile::tempdir().unwrap();
    let p = d.path().to_path_buf();
    (d, p)
}

/// An import's options with the receipt at `receipt` and nothing else set.
pub fn options(receipt: &Path) -> ImportOptions<'static> {
    ImportOptions {
        receipt: Some(receipt.to_path_buf()),
        burn: false,
        retention: Retention::default(),
        cancel: None,
        expected_manifest: None,
    }
}

/// Imports into `to` under its lock, as the CLI and the app do.
pub fn import_with(
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

pub fn import(to: &Site, bundle: &Path, receipt: &Path) -> Result<ImportReport, ImportError> {
    import_with(to, bundle, &options(receipt), &mut NoProgress)
}

pub fn preview_with(to: &Site, bundle: &Path, retention: Retention) -> Result<Preview, ImportError> {
    let contacts = Contacts::load(to.home.root()).unwrap();
    let inst = Installation { home: &to.home, identity: &to.identity, contacts: &contacts };
    bemx_import::preview(bundle, &inst, retention)
}
