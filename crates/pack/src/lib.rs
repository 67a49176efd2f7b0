//! Writes bundles: selected clients from the database, through tar → zstd →
//! age, into a file that exists under its final name only once it has been
//! written completely, synced and re-read (spec/FORMAT.md §11 writer 2 and 3;
//! the bookkeeping around it: spec/DESIGN.md §6, E1–E7).
//!
//! The export runs inside one exclusive database transaction: plan (every
//! entry's size and SHA-256, so the manifest can come first; rows the walk
//! read go to an encrypted spool, so they are read once, `spool.rs`), announce the
//! export to the installation's handover journal, write, verify, rename,
//! and only then mark the clients handed over and commit. The bookkeeping
//! is the installation's (`bemx-install`); the export cannot skip it.
#![forbid(unsafe_code)]

mod error;
mod file;
pub mod i18n;
mod plan;
mod spool;

use std::io::Write;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};

use bemx_db::{Database, TableSpec};
use bemx_format::layers::BundleWriter;
use bemx_format::{Entry, Manifest, Party, SchemaInfo, TableCount};
use bemx_install::handover::{self, ExportFacts};
use bemx_install::{Home, InstallLock};
use ed25519_dalek::SigningKey;
use sha2::Digest as _;

use crate::i18n::fl;
pub use error::{MediumStep, PackError};
pub use file::{WrittenFile, write_bundle_file};
pub use plan::{EntryOut, EntrySource, Plan, PlannedEntry};

pub use bemx_format::progress::{NoProgress, Progress};

/// Who sends: the signing key and the sender as the manifest names it.
#[derive(Debug)]
pub struct Sender<'a> {
    /// The installation's Ed25519 key.
    pub signing_key: &'a SigningKey,
    /// The sender's public description (its `ed25519` must match `signing_key`).
    pub party: Party,
}

impl<'a> Sender<'a> {
    /// This installation as the sender of a bundle.
    pub fn new(identity: &'a bemx_identity::Identity) -> Self {
        Sender { signing_key: identity.signing_key(), party: party_of_card(&identity.contact_card()) }
    }
}

/// A contact card as the manifest names a party.
pub fn party_of_card(card: &bemx_identity::ContactCard) -> Party {
    Party {
        installation: *card.installation_id.as_bytes(),
        name: card.name.clone(),
        age: card.age_recipient.clone(),
        ed25519: card.signing_key,
    }
}

impl Recipient {
    /// The contact a bundle is for.
    pub fn new(card: &bemx_identity::ContactCard) -> Self {
        Recipient { party: party_of_card(card), fingerprint: card.fingerprint().to_string() }
    }
}

/// Who receives: the one contact the bundle is encrypted to.
#[derive(Debug, Clone)]
pub struct Recipient {
    /// The recipient as the manifest names it.
    pub party: Party,
    /// The contact's fingerprint, for the handover record.
    pub fingerprint: String,
}

/// What to export.
#[derive(Debug)]
pub struct ExportRequest<'a> {
    /// Clients as the user named them: UUID or BEM-ID.
    pub clients: Vec<String>,
    /// Export clients without an unrevoked handover consent, for this reason
    /// (written to the audit log).
    pub without_consent: Option<String>,
    /// The clients (UUIDs) the user was shown as going without consent,
    /// when a summary was confirmed before the export (the desktop app):
    /// the export refuses if its transaction finds another set
    /// ([`PackError::ConsentChanged`]), so the reason covers exactly the
    /// clients it was given for. `None`: not checked (the CLI, which asks
    /// nothing between its check and the export).
    pub confirmed_without_consent: Option<Vec<String>>,
    /// Where the bundle goes. Must not exist yet.
    pub output: PathBuf,
    /// zstd worker threads (0 = single-threaded).
    pub workers: u32,
    /// Set by a Ctrl-C handler: the export stops, removes its partial file
    /// and leaves the database unchanged.
    pub cancel: Option<&'a AtomicBool>,
}

/// What an export did.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ExportReport {
    /// Bundle id, hex.
    pub bundle_id: String,
    /// The bundle file.
    pub path: PathBuf,
    /// UUIDs of the exported clients.
    pub clients: Vec<String>,
    /// Rows per table.
    pub rows: Vec<(String, u64)>,
    /// Number of documents (blob entries).
    pub documents: u64,
    /// Plaintext bytes of all entries.
    pub plaintext_bytes: u64,
    /// Size of the bundle file.
    pub file_bytes: u64,
    /// SHA-256 of the bundle file, hex.
    pub file_sha256: String,
    /// Clients exported without a handover consent.
    pub without_consent: Vec<String>,
}

pub(crate) fn check_cancel(cancel: Option<&AtomicBool>) -> Result<(), PackError> {
    if cancel.is_some_and(|c| c.load(Ordering::Relaxed)) {
        return Err(PackError::Cancelled);
    }
    Ok(())
}

fn random_bundle_id() -> Result<[u8; 32], PackError> {
    let mut id = [0u8; 32];
    getrandom::getrandom(&mut id).map_err(|e| PackError::Random(e.to_string()))?;
    Ok(id)
}

fn uuid_bytes(s: &str) -> Result<[u8; 16], PackError> {
    uuid::Uuid::parse_str(s).map(|u| *u.as_bytes()).map_err(|_| PackError::BadClientUuid(s.to_string()))
}

/// Fewest characters a reason for exporting without consent may have.
pub const MIN_REASON_CHARS: usize = 10;
/// Most characters a reason may have (it is one audit log entry).
pub const MAX_REASON_CHARS: usize = 1000;

/// Checks the reason given for exporting clients without a recorded
/// handover consent and returns it trimmed, white space collapsed.
///
/// Handing health data over without consent needs a justification someone
/// can read later in the audit log, so "." or "x" will not do: at least
/// [`MIN_REASON_CHARS`] characters and two words of two or more letters
/// each; no control or invisible characters (which could hide or reorder
/// what the log shows).
pub fn check_consent_reason(reason: &str) -> Result<String, PackError> {
    let weak = PackError::WeakReason;
    if let Some(c) = bemx_identity::first_hidden_char(reason.trim()) {
        let code = format!("U+{:04X}", u32::from(c));
        return Err(weak(fl!("pack-reason-hidden-char", char = code)));
    }
    let reason = reason.split_whitespace().collect::<Vec<_>>().join(" ");
    let chars = reason.chars().count();
    if chars == 0 {
        return Err(weak(fl!("pack-reason-empty")));
    }
    if chars > MAX_REASON_CHARS {
        return Err(weak(fl!("pack-reason-too-long", chars = chars.to_string(), max = MAX_REASON_CHARS.to_string())));
    }
    let words = reason
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.chars().filter(|c| c.is_alphabetic()).count() >= 2)
        .count();
    if chars < MIN_REASON_CHARS || words < 2 {
        return Err(weak(fl!(
            "pack-reason-too-short",
            reason = format!("{reason:?}"),
            min = MIN_REASON_CHARS.to_string()
        )));
    }
    Ok(reason)
}

/// A client without a recorded handover consent: (BEM-ID, UUID).
type Unconsented = (String, String);

/// Resolves and checks the selected clients: each exists, is named once,
/// is not handed over, and has an unrevoked handover consent unless the
/// user overrides it. Returns the local ids and the clients without
/// consent as (BEM-ID, UUID).
///
/// `conn` is the export's exclusive transaction: checked anywhere else, a
/// consent revoked (or a client handed over) by another program between
/// the check and the export would slip through.
fn resolve_clients(
    conn: &rusqlite::Connection,
    names: &[String],
    override_reason: Option<&str>,
) -> Result<(Vec<i64>, Vec<Unconsented>), PackError> {
    if names.is_empty() {
        return Err(PackError::NoClients);
    }
    // By position in the user's list: the clients are found in the
    // database's order, and what is refused first is the first name, in
    // the user's order, that is unknown or handed over.
    let mut ids = vec![0i64; names.len()];
    let mut handed_over: Option<(usize, String, String)> = None;
    let mut missing_consent = Vec::new();
    let unknown = bemx_db::for_each_client(conn, names, |at, client| {
        if let Some(bundle) = client.handover_bundle {
            if handed_over.as_ref().is_none_or(|(first, _, _)| at < *first) {
                handed_over = Some((at, client.bem_id, bundle));
            }
            return;
        }
        // The consent in force, as the profile says where it is recorded;
        // a host that records none has none, and every client needs a reason.
        if client.consent_given.is_none() {
            missing_consent.push((at, client.bem_id, client.uuid));
        }
        ids[at] = client.id;
    })?;
    match (unknown.first(), handed_over) {
        (Some(&at), h) if h.as_ref().is_none_or(|(first, _, _)| at < *first) => {
            return Err(bemx_db::DbError::UnknownClient { query: names[at].clone() }.into());
        }
        (_, Some((_, client, bundle))) => return Err(PackError::AlreadyHandedOver { client, bundle }),
        _ => {}
    }
    missing_consent.sort_unstable_by_key(|(at, _, _)| *at);
    let missing_consent: Vec<Unconsented> = missing_consent.into_iter().map(|(_, bem, uuid)| (bem, uuid)).collect();
    // A client named twice: the first name, in the user's order, of a
    // client named before it, found by sorting (id, position) pairs (a
    // set of 100,000 ids would cost more than the list).
    let mut named: Vec<(i64, usize)> = ids.iter().copied().zip(0..).collect();
    named.sort_unstable();
    if let Some(at) = named.windows(2).filter(|w| w[0].0 == w[1].0).map(|w| w[1].1).min() {
        return Err(PackError::DuplicateClient(names.get(at).cloned().unwrap_or_default()));
    }
    if !missing_consent.is_empty() && override_reason.is_none() {
        return Err(PackError::MissingConsent(missing_consent.into_iter().map(|(bem, _)| bem).collect()));
    }
    Ok((ids, missing_consent))
}

/// Refuses a database that records another installation than the sender:
/// `--db` can point at any file, and an export from another installation's
/// database would hand its clients over under this installation's name and
/// journal (issue 13, item 5).
pub fn check_database_owner(db: &Database, ours: uuid::Uuid) -> Result<(), PackError> {
    let found = db.installation_id();
    if uuid::Uuid::parse_str(found).ok() == Some(ours) {
        return Ok(());
    }
    Err(PackError::ForeignDatabase {
        path: std::path::absolute(db.path()).unwrap_or_else(|_| db.path().to_path_buf()),
        found: found.to_owned(),
        ours: ours.hyphenated().to_string(),
    })
}

/// Exports clients into a bundle for one recipient and marks them handed over.
///
/// The caller holds the installation lock; this takes an exclusive SQLite
/// transaction for the whole export, so no other program can change the
/// rows between planning and writing.
pub fn export(
    home: &Home,
    _lock: &InstallLock,
    db: &mut Database,
    sender: &Sender<'_>,
    recipient: &Recipient,
    request: &ExportRequest<'_>,
    progress: &mut dyn Progress,
) -> Result<ExportReport, PackError> {
    if sender.signing_key.verifying_key().to_bytes() != sender.party.ed25519 {
        return Err(PackError::KeyMismatch);
    }
    check_database_owner(db, uuid::Uuid::from_bytes(sender.party.installation))?;
    let age_recipient: age::x25519::Recipient =
        recipient.party.age.parse().map_err(|_| PackError::BadRecipient(recipient.party.age.clone()))?;
    let reason = request.without_consent.as_deref().map(check_consent_reason).transpose()?;
    file::check_target(&request.output)?;
    // Records and database agree before the export reads either.
    bemx_install::session::reconcile(home, db.conn_mut())?;

    let schema_version = u64::from(bemx_db::SCHEMA_VERSION);
    let conn = db.conn_mut();
    let tx = bemx_install::lock::begin_exclusive(conn)?;
    let fingerprint = bemx_db::schema_fingerprint(&tx)?;
    let graph = bemx_db::installation_graph(&tx)?;
    // Inside the transaction: what is checked is what is exported.
    let (client_ids, missing_consent) = resolve_clients(&tx, &request.clients, reason.as_deref())?;
    let (without_consent, without_consent_uuids): (Vec<String>, Vec<String>) = missing_consent.into_iter().unzip();
    if let Some(confirmed) = &request.confirmed_without_consent {
        let found: std::collections::BTreeSet<&String> = without_consent_uuids.iter().collect();
        let shown: std::collections::BTreeSet<&String> = confirmed.iter().collect();
        if found != shown {
            let differ: Vec<String> = found.symmetric_difference(&shown).map(|u| (*u).clone()).collect();
            return Err(PackError::ConsentChanged(differ));
        }
    }
    let (mut selection, plan, spool) = Plan::select(&tx, &graph, &client_ids, request.cancel, home.root())?;
    drop(client_ids);

    let mut clients: Vec<[u8; 16]> =
        selection.client_uuids().iter().map(|u| uuid_bytes(u)).collect::<Result<_, _>>()?;
    clients.sort_unstable();
    let created = bemx_format::time::now();
    let manifest = Manifest {
        format: bemx_format::FORMAT_VERSION,
        schema: SchemaInfo {
            app: env!("CARGO_PKG_VERSION").to_string(),
            version: schema_version,
            fingerprint,
            profile: graph.profile.clone(),
            profile_version: u64::from(graph.profile_version),
            graph: graph.hash(),
        },
        sender: sender.party.clone(),
        tables: plan.tables.iter().map(|(name, rows)| TableCount { name: name.clone(), rows: *rows }).collect(),
        clients,
        created,
        entries: plan.entries.iter().map(|e| Entry { path: e.path.clone(), size: e.size, sha256: e.sha256 }).collect(),
        bundle_id: random_bundle_id()?,
        recipient: recipient.party.clone(),
    };
    let manifest_bytes = manifest.encode()?;
    let signature = bemx_format::signature::sign_manifest(sender.signing_key, &manifest_bytes);

    let head = Head {
        recipient: &age_recipient,
        created,
        workers: request.workers,
        manifest: &manifest_bytes,
        signature: &signature,
    };
    let bundle_hex = manifest.bundle_id_hex();
    let facts = ExportFacts {
        bundle_id: bundle_hex.clone(),
        recipient_fingerprint: recipient.fingerprint.clone(),
        recipient_name: recipient.party.name.clone(),
        clients: selection.take_client_uuids(),
        manifest_sha256: hex::encode(sha2::Sha256::digest(&manifest_bytes)),
        rows: plan.tables.iter().map(|(_, n)| n).sum(),
        documents: plan.blob_count(),
        without_consent: reason.map(|reason| (without_consent_uuids, reason)),
    };
    // DESIGN.md S1: a stick too small is refused before the journal or the
    // target is touched. A bundle written to the installation's own disk
    // (the Desktop, say) leaves that disk the installation's margin.
    let own_disk = bemx_install::space::same_disk(&request.output, home.root())
        .map_err(|e| bemx_install::InstallError::io(bemx_install::IoAction::FindingFreeSpace, &request.output, e))?;
    bemx_install::space::ensure(
        &[bemx_install::space::Need {
            path: request.output.clone(),
            bytes: plan.bundle_bound(manifest_bytes.len() as u64, signature.len() as u64),
            purpose: bemx_install::space::Purpose::Bundle,
        }],
        if own_disk { bemx_install::space::Margin::Installation } else { bemx_install::space::Margin::Target },
    )?;
    // DESIGN.md E1: the journal knows the export before its bundle can exist.
    let pending = handover::announce_export(home, facts)?;
    let mut source = plan::DbSource { conn: &tx, selection: &selection, plan: &plan, cancel: request.cancel, spool };
    let written = write_bundle_file(&request.output, &head, &mut source, progress, None)?;

    // DESIGN.md E5 (FORMAT.md §11 writer 4): the database changes only
    // after the bundle is in place.
    let marked = pending.record(&tx).map_err(PackError::from);
    if let Err(e) = marked.and_then(|()| tx.commit().map_err(PackError::from)) {
        // The clients are still ours; a bundle for them must not exist.
        let _ = std::fs::remove_file(&written.path);
        return Err(e);
    }
    let clients = pending.committed();
    Ok(ExportReport {
        bundle_id: bundle_hex,
        path: written.path,
        clients,
        rows: plan.tables.clone(),
        documents: plan.blob_count(),
        plaintext_bytes: plan.total_bytes(),
        file_bytes: written.size,
        file_sha256: hex::encode(written.sha256),
        without_consent,
    })
}

/// What every bundle starts with: the one recipient, the signed manifest,
/// and how to compress.
#[derive(Debug, Clone, Copy)]
pub struct Head<'a> {
    /// The one recipient's age key.
    pub recipient: &'a age::x25519::Recipient,
    /// Creation time (the manifest's, also the tar mtime).
    pub created: u64,
    /// zstd worker threads (0 = single-threaded).
    pub workers: u32,
    /// The exact manifest bytes.
    pub manifest: &'a [u8],
    /// Their signature.
    pub signature: &'a [u8],
}

/// Writes manifest, signature and every entry of `source` into `out`.
/// Shared by the file writer and by tests that write into memory.
pub fn write_entries<W: Write>(
    out: W,
    head: &Head<'_>,
    source: &mut dyn EntrySource,
    progress: &mut dyn Progress,
) -> Result<W, PackError> {
    let mut writer = BundleWriter::new(out, head.recipient, head.created, head.workers)?;
    writer.append_bytes(bemx_format::MANIFEST_PATH, head.manifest)?;
    writer.append_bytes(bemx_format::SIGNATURE_PATH, head.signature)?;
    progress.step("writing the bundle");
    progress.start(source.total_bytes());
    source.write_all(&mut writer, progress)?;
    Ok(writer.finish()?)
}

/// The entry path of table number `index` (§3).
pub fn table_path(index: usize, table: &str) -> String {
    bemx_format::entry::DataPath::table(index, table)
}

/// The entry path of a blob (§3).
pub fn blob_path(table: &str, column: &str, rowid: i64) -> String {
    bemx_format::entry::DataPath::blob(table, column, rowid)
}

/// A column's role as a table header writes it (§7).
pub fn wire_role(role: &bemx_db::ColumnRole) -> bemx_format::entry::Role {
    use bemx_db::ColumnRole as C;
    use bemx_format::entry::Role;
    match role {
        C::PrimaryKey => Role::Pk,
        C::OwnedRef { table } => Role::Ref(table.clone()),
        C::CatalogueRef { table } => Role::Cat(table.clone()),
        C::Blob => Role::Blob,
        C::Value => Role::Value,
    }
}

/// The §7 header of a table entry.
pub fn table_header(spec: &TableSpec) -> bemx_format::rows::TableHeader {
    bemx_format::rows::TableHeader {
        name: spec.name.clone(),
        columns: spec
            .columns
            .iter()
            .map(|c| bemx_format::rows::Column { name: c.name.clone(), role: wire_role(&c.role) })
            .collect(),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    /// The clients are found in the database's order, but what is refused
    /// is the first name in the user's order that is unknown or handed
    /// over, and the clients without consent are listed in the user's
    /// order, whether they are looked up one by one or in one pass.
    #[test]
    fn clients_are_refused_and_listed_in_the_user_s_order() {
        let dir = tempfile::tempdir().unwrap();
        let db =
            bemx_db::Database::create(dir.path().join("db.sqlite"), "01010101-0101-0101-0101-010101010101").unwrap();
        let uuid = |i: u32| format!("{i:08x}-0000-4000-8000-000000000000");
        for i in 1..=40u32 {
            db.conn()
                .execute(
                    "INSERT INTO clients (id, uuid, bem_id) VALUES (?1, ?2, ?3)",
                    rusqlite::params![i, uuid(i), format!("B{i}")],
                )
                .unwrap();
        }
        db.conn()
            .execute_batch(
                "INSERT INTO consents (client_id, kind, given_on) VALUES (2, 'handover', '2026-01-01');
                 INSERT INTO handovers (bundle_id, recipient_fingerprint, created_at) VALUES ('b-open', 'f', '2026-03-01');",
            )
            .unwrap();
        db.conn()
            .execute("INSERT INTO handover_clients (bundle_id, client_uuid) VALUES ('b-open', ?1)", [uuid(7)])
            .unwrap();
        let names = |n: &[&str]| n.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
        let all: Vec<String> = (1..=40u32).filter(|&i| i != 7).rev().map(|i| format!("B{i}")).collect();
        // A few names are looked up one by one, all of them in one pass.
        for extra in [&all[..0], &all[..]] {
            let with = |n: &[&str]| [names(n), extra.to_vec()].concat();
            let unknown = resolve_clients(db.conn(), &with(&["B3", "Nobody", "B7"]), Some("reason")).unwrap_err();
            assert!(
                matches!(&unknown, PackError::Db(bemx_db::DbError::UnknownClient { query }) if query == "Nobody"),
                "{unknown:?}"
            );
            let handed = resolve_clients(db.conn(), &with(&["B7", "Nobody"]), Some("reason")).unwrap_err();
            assert!(matches!(&handed, PackError::AlreadyHandedOver { client, .. } if client == "B7"), "{handed:?}");
        }
        let (ids, missing) = resolve_clients(db.conn(), &all, Some("reason")).unwrap();
        assert_eq!(ids, (1..=40i64).filter(|&i| i != 7).rev().collect::<Vec<_>>());
        let expected: Vec<(String, String)> =
            (1..=40u32).filter(|&i| i != 7 && i != 2).rev().map(|i| (format!("B{i}"), uuid(i))).collect();
        assert_eq!(missing, expected);
        let (ids, _) = resolve_clients(db.conn(), &names(&["B9", "B2"]), Some("reason")).unwrap();
        assert_eq!(ids, [9, 2]);
        let e = resolve_clients(db.conn(), &names(&["B2", "B5"]), None).unwrap_err();
        assert!(matches!(&e, PackError::MissingConsent(c) if c == &["B5".to_owned()]), "{e:?}");
    }

    #[test]
    fn a_reason_must_say_something() {
        for weak in [
            "",
            "   ",
            ".",
            "x",
            "test",
            "benchmark",
            "..........",
            "!!!!!!!!!!!!!!!!",
            "aaaaaaaaaaaaaaa",
            "x x x x x x x x",
            "1234567890 12",
            "ok ok",
            "consent\u{200b} missing",
            "consent form\u{202e} lost",
            "consent\nform lost",
        ] {
            assert!(matches!(check_consent_reason(weak), Err(PackError::WeakReason(_))), "{weak:?}");
        }
        assert!(matches!(check_consent_reason(&"word ".repeat(300)), Err(PackError::WeakReason(_))));
        for good in
            ["consent form lost in the office move", "Einwilligung folgt per Post", "Klient verzogen, §84 SGB IX"]
        {
            assert_eq!(check_consent_reason(good).unwrap(), good);
        }
        assert_eq!(check_consent_reason("  form   lost,  client informed ").unwrap(), "form lost, client informed");
        let advice = check_consent_reason(".").unwrap_err().advice().unwrap_or_default();
        assert!(advice.contains("--without-consent \"") && advice.contains("audit log"), "says what to do: {advice}");
    }
}
