//! The app's actions: each one the library call the CLI's command makes,
//! under the installation lock, with nothing kept here. A handover started
//! in the app can therefore be finished with `bemx`, and the other way round.

use std::io::Read as _;
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;

use bemx_db::ClientSummary;
use bemx_format::progress::Progress;
use bemx_identity::{
    AddOutcome, Contact, ContactCard, Contacts, Fingerprint, Identity, PassphraseSource, SecretString,
};
use bemx_import::{ImportOptions, ImportReport, Installation, Preview};
use bemx_install::Home;
use bemx_install::audit::Entry;
use bemx_install::backup::{BackupInfo, BackupUsage, Retention};
use bemx_install::handover::{ConfirmReport, HandoverSummary};
use bemx_install::restore::{PreparedRestore, RestoreReport};

use bemx_pack::{ExportReport, ExportRequest, Recipient, Sender};

use crate::Problem;
use crate::i18n::fl;

/// zstd worker threads of an export, as the CLI uses.
const WORKERS: u32 = 2;

/// Audit entries the Protokoll shows.
pub const AUDIT_SHOWN: u32 = 500;

/// Sets up a new installation (the CLI's `init`).
pub fn setup(home: &Home, name: &str, passphrase: Option<&SecretString>) -> Result<Identity, Problem> {
    if home.exists() {
        return Err(Problem::new(
            fl!("app-setup-exists", folder = home.root().display().to_string()),
            Some(fl!("app-setup-exists-hint")),
        ));
    }
    Ok(bemx_install::setup::create(home, name, passphrase)?)
}

/// Whether the keys are protected by a passphrase.
pub fn needs_passphrase(home: &Home) -> Result<bool, Problem> {
    Ok(bemx_identity::needs_passphrase(home.root())?)
}

/// Loads the installation's identity.
pub fn unlock(home: &Home, passphrase: Option<SecretString>) -> Result<Identity, Problem> {
    let source = passphrase.map_or(PassphraseSource::None, PassphraseSource::Value);
    Ok(Identity::load(home.root(), &source)?)
}

/// The clients, after the records were brought up to date (as `bemx
/// clients list` does).
pub fn clients(home: &Home, all: bool) -> Result<Vec<ClientSummary>, Problem> {
    home.reconcile()?;
    Ok(home.open_database()?.clients_list(all)?)
}

/// `bemx clients consent record`: the client's signed consent to the
/// handover, on the date of the form (`12.03.2026` or `2026-03-12`).
pub fn record_consent(
    home: &Home,
    client_uuid: &str,
    date: &str,
) -> Result<bemx_install::consent::ConsentChange, Problem> {
    let date = bemx_install::consent::Date::parse(date)?;
    let lock = home.lock()?;
    Ok(bemx_install::consent::record(home, &lock, client_uuid, date, None)?)
}

/// The trusted contacts.
pub fn contacts(home: &Home) -> Result<Vec<Contact>, Problem> {
    Ok(Contacts::load(home.root())?.list().to_vec())
}

/// What the user chose to hand over.
#[derive(Debug, Clone)]
pub struct ExportOrder {
    /// Client UUIDs.
    pub clients: Vec<String>,
    /// The receiving contact.
    pub recipient: Fingerprint,
    /// The bundle file to write (must not exist).
    pub output: PathBuf,
    /// Why clients without a recorded consent go anyway.
    pub without_consent: Option<String>,
    /// The clients (UUIDs) the summary showed as going without consent:
    /// the export refuses if it finds others.
    pub confirmed_without_consent: Vec<String>,
}

/// `bemx export`.
pub fn export(
    home: &Home,
    identity: &Identity,
    order: &ExportOrder,
    progress: &mut dyn Progress,
    cancel: &AtomicBool,
) -> Result<ExportReport, Problem> {
    let lock = home.lock()?;
    let contacts = Contacts::load(home.root())?;
    let Some(contact) = contacts.find_fingerprint(&order.recipient) else {
        return Err(Problem::new(fl!("app-export-contact-gone"), Some(fl!("app-export-contact-gone-hint"))));
    };
    let mut db = home.open_database()?;
    bemx_pack::check_database_owner(&db, identity.installation_id())?;
    let sender = Sender::new(identity);
    let recipient = Recipient::new(&contact.card);
    let request = ExportRequest {
        clients: order.clients.clone(),
        without_consent: order.without_consent.clone(),
        confirmed_without_consent: Some(order.confirmed_without_consent.clone()),
        output: order.output.clone(),
        workers: WORKERS,
        cancel: Some(cancel),
    };
    Ok(bemx_pack::export(home, &lock, &mut db, &sender, &recipient, &request, progress)?)
}

/// Checks a reason for handing over clients without a recorded consent.
pub fn check_consent_reason(reason: &str) -> Result<String, Problem> {
    Ok(bemx_pack::check_consent_reason(reason)?)
}

/// An import previewed and waiting for the user's answer. It holds the
/// installation lock from the preview to the import, as `bemx import`
/// does while it asks: nothing (another bemx, a backup made meanwhile)
/// can change what the preview said — the renames, the backups the
/// retention will delete. Dropping it releases the lock.
#[derive(Debug)]
pub struct PendingImport {
    preview: Preview,
    lock: bemx_install::InstallLock,
}

impl PendingImport {
    /// What the import will do, from the signed manifest.
    pub fn preview(&self) -> &Preview {
        &self.preview
    }
}

/// The preview of `bemx import`: everything it shows comes from the signed
/// manifest, whose hash binds the import to it.
pub fn preview_import(home: &Home, identity: &Identity, bundle: &Path) -> Result<PendingImport, Problem> {
    let lock = home.lock()?;
    let contacts = Contacts::load(home.root())?;
    let inst = Installation { home, identity, contacts: &contacts };
    let preview = bemx_import::preview(bundle, &inst, default_retention())?;
    Ok(PendingImport { preview, lock })
}

/// `bemx import`, bound to the manifest the user saw, under the lock the
/// preview took.
pub fn import(
    home: &Home,
    identity: &Identity,
    pending: PendingImport,
    progress: &mut dyn Progress,
    cancel: &AtomicBool,
) -> Result<ImportReport, Problem> {
    let PendingImport { preview, lock } = pending;
    let contacts = Contacts::load(home.root())?;
    let inst = Installation { home, identity, contacts: &contacts };
    let options = ImportOptions {
        receipt: None,
        // Offered after the import instead (see `burn`), once the user has
        // seen that the clients are in.
        burn: false,
        retention: default_retention(),
        cancel: Some(cancel),
        expected_manifest: Some(preview.manifest_sha256),
    };
    Ok(bemx_import::import(&preview.bundle_path, &inst, &lock, &options, progress)?)
}

/// Overwrites and deletes the imported bundle (`bemx import --burn`, offered
/// after the import): only the very file the import read, never through a
/// link or a file put in its place since.
pub fn burn(bundle: &(PathBuf, bemx_import::FileId)) -> Result<(), Problem> {
    Ok(bemx_import::burn(&bundle.0, &bundle.1)?)
}

/// The CLI's default: keep the newest SICHERHEITSBACKUPs only.
fn default_retention() -> Retention {
    Retention::KeepSafety { newest: bemx_install::backup::DEFAULT_SAFETY_KEPT.into() }
}

/// Reads a receipt file (capped at the largest receipt there can be).
pub fn read_receipt(path: &Path) -> Result<Vec<u8>, Problem> {
    read_capped(path, bemx_format::receipt::MAX_RECEIPT_SIZE as u64)
        .map_err(|e| Problem::read(fl!("app-receipt-read-failed", path = path.display().to_string()), &e))
}

/// Reads at most `cap` + 1 bytes of a regular file: the parser refuses
/// anything longer. Opened without blocking (a FIFO put there must not
/// hang the work) and checked through the handle before it is read.
fn read_capped(path: &Path, cap: u64) -> std::io::Result<Vec<u8>> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::custom_flags(&mut options, libc::O_NONBLOCK);
    let file = options.open(path)?;
    if !file.metadata()?.is_file() {
        return Err(std::io::Error::new(std::io::ErrorKind::InvalidInput, fl!("app-not-a-file")));
    }
    let mut bytes = Vec::new();
    file.take(cap + 1).read_to_end(&mut bytes)?;
    Ok(bytes)
}

/// Which clients a receipt will remove for good: checked in full first.
pub fn receipt_clients(home: &Home, identity: &Identity, receipt: &[u8]) -> Result<(String, Vec<String>), Problem> {
    let lock = home.lock()?;
    let contacts = Contacts::load(home.root())?;
    Ok(bemx_install::handover::clients_to_remove(
        home,
        &lock,
        &contacts,
        *identity.installation_id().as_bytes(),
        receipt,
    )?)
}

/// `bemx handover confirm`, with the very bytes that were previewed.
pub fn confirm(home: &Home, identity: &Identity, receipt: &[u8]) -> Result<ConfirmReport, Problem> {
    let lock = home.lock()?;
    let contacts = Contacts::load(home.root())?;
    Ok(bemx_install::handover::confirm(home, &lock, &contacts, *identity.installation_id().as_bytes(), receipt)?)
}

/// `bemx handover list`.
pub fn handovers(home: &Home) -> Result<Vec<HandoverSummary>, Problem> {
    home.reconcile()?;
    Ok(bemx_install::handover::list(home)?)
}

/// `bemx handover cancel`.
pub fn cancel_handover(home: &Home, bundle_id: &str) -> Result<(String, usize), Problem> {
    let lock = home.lock()?;
    Ok(bemx_install::handover::cancel(home, &lock, bundle_id)?)
}

/// `bemx backup list`, with what they take of the disk.
pub fn backups(home: &Home, identity: &Identity) -> Result<(Vec<BackupInfo>, Option<BackupUsage>), Problem> {
    let list = bemx_install::backup::list_backups(&home.backups_dir(), identity)?;
    Ok((list, bemx_install::backup::usage(&home.backups_dir()).ok()))
}

/// `bemx backup create`.
pub fn create_backup(home: &Home, identity: &Identity) -> Result<BackupInfo, Problem> {
    let lock = home.lock()?;
    Ok(bemx_install::restore::create_backup(home, &lock, identity, bemx_install::backup::MANUAL_PREFIX)?)
}

/// A restore checked and decrypted, waiting for the user's answer. It holds
/// the installation lock until then, as `bemx backup restore` does while it
/// asks: a new lock would remove the decrypted copy as a killed process's
/// leftover, and no other bemx may change the database meanwhile.
/// Dropping it wipes the decrypted copy.
#[derive(Debug)]
pub struct PendingRestore {
    prepared: PreparedRestore,
    lock: bemx_install::InstallLock,
    name: String,
}

impl PendingRestore {
    /// The backup asked about.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The clients that would disappear or come back.
    pub fn changes(&self) -> &bemx_install::restore::RestoreChanges {
        &self.prepared.changes
    }
}

/// `bemx backup delete`: removes a backup and its signature.
pub fn delete_backup(home: &Home, name: &str) -> Result<(), Problem> {
    let lock = home.lock()?;
    Ok(bemx_install::backup::delete_backup(&home.backups_dir(), &lock, name)?)
}

/// The first half of `bemx backup restore`: checked and decrypted, with
/// the clients that would disappear or come back.
pub fn prepare_restore(home: &Home, identity: &Identity, name: &str) -> Result<PendingRestore, Problem> {
    let lock = home.lock()?;
    let prepared = bemx_install::restore::prepare_restore(home, &lock, identity, name)?;
    Ok(PendingRestore { prepared, lock, name: name.to_owned() })
}

/// The second half: refused when the database changed since the preview.
pub fn commit_restore(home: &Home, identity: &Identity, pending: PendingRestore) -> Result<RestoreReport, Problem> {
    let PendingRestore { prepared, lock, .. } = pending;
    Ok(prepared.commit(home, &lock, identity)?)
}

/// Reads a colleague's contact card file.
pub fn read_card(path: &Path) -> Result<ContactCard, Problem> {
    let bytes = read_capped(path, bemx_identity::MAX_CARD_BYTES as u64)
        .map_err(|e| Problem::read(fl!("app-card-read-failed", path = path.display().to_string()), &e))?;
    Ok(ContactCard::parse_bytes(&bytes)?)
}

/// `bemx contacts add`, after the user compared the fingerprint.
pub fn add_contact(home: &Home, own: &ContactCard, card: ContactCard) -> Result<AddOutcome, Problem> {
    if card.installation_id == own.installation_id || card.fingerprint() == own.fingerprint() {
        return Err(Problem::new(fl!("app-card-own"), Some(fl!("app-card-own-hint"))));
    }
    let _lock = home.lock()?;
    Ok(Contacts::load(home.root())?.add(card)?)
}

/// `bemx contacts remove`.
pub fn remove_contact(home: &Home, fingerprint: &Fingerprint) -> Result<Contact, Problem> {
    let _lock = home.lock()?;
    Ok(Contacts::load(home.root())?.remove(fingerprint)?)
}

/// Writes the own contact card for colleagues; never over an existing file.
pub fn save_card(path: &Path, card: &ContactCard) -> Result<(), Problem> {
    use std::io::Write as _;
    std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .and_then(|mut f| {
            f.write_all(card.to_text().as_bytes())?;
            f.sync_all()
        })
        .map_err(|e| Problem::write(fl!("app-card-save-failed", path = path.display().to_string()), &e))
}

/// The newest entries of the audit log.
pub fn audit(home: &Home) -> Result<Vec<Entry>, Problem> {
    let db = home.open_database()?;
    Ok(bemx_install::audit::list(db.conn(), AUDIT_SHOWN)?)
}
