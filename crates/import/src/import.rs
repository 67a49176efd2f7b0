//! `bemx import`: preflight, SICHERHEITSBACKUP, one-transaction merge,
//! ledger, receipt, retention and `--burn`: spec/DESIGN.md §7, I1–I11
//! (FORMAT.md §11 reader keeps only the byte-level orderings).

use std::fs::File;
use std::io::{BufReader, Read};
use std::path::{Path, PathBuf};
use std::sync::LazyLock;
use std::sync::atomic::{AtomicBool, Ordering};

use bemx_db::Merger;
use bemx_format::receipt::Receipt;
use bemx_format::{BLOBS_PREFIX, Manifest, Party};
use bemx_identity::{Contacts, Identity};
use bemx_install::backup::{self, BackupInfo, Retention, SAFETY_PREFIX};
use bemx_install::ledger::{self, LedgerEntry};
use bemx_install::schema::{self, SchemaMatch};
use bemx_install::{Home, InstallLock, ReceiptProblem, Session};
use bemx_unpack::{BundleReader, Recipient, SenderTrust, UnpackError};

use crate::files::{FileId, ReceiptFile, is_link};
use crate::i18n::fl;
use crate::{FileAction, ImportError};

pub use crate::files::burn;

/// The sender's contact fingerprint, computed from what the manifest says.
pub fn sender_fingerprint(sender: &Party) -> String {
    bemx_identity::party_fingerprint(sender).to_string()
}

/// Who is receiving: the installation's folder, keys and contacts.
#[derive(Debug, Clone, Copy)]
pub struct Installation<'a> {
    /// Folders and files.
    pub home: &'a Home,
    /// Keys (age to decrypt and back up, Ed25519 to sign receipts).
    pub identity: &'a Identity,
    /// Trusted contacts.
    pub contacts: &'a Contacts,
}

impl Installation<'_> {
    fn recipient(&self) -> Recipient<'_> {
        Recipient {
            identity: self.identity.age_identity(),
            installation_id: *self.identity.installation_id().as_bytes(),
        }
    }
}

/// Options of an import.
#[derive(Debug, Clone)]
pub struct ImportOptions<'a> {
    /// Where to write the receipt; default: beside the bundle.
    pub receipt: Option<PathBuf>,
    /// Overwrite and delete the bundle after a successful import.
    pub burn: bool,
    /// Which backups to keep afterwards.
    pub retention: Retention,
    /// Set by a Ctrl-C handler; checked until the commit.
    pub cancel: Option<&'a AtomicBool>,
    /// The [`Preview::manifest_sha256`] the user confirmed: the import
    /// refuses a bundle with any other manifest, so what is imported is
    /// what was shown (issue 13, item 12). `None` only where no one was
    /// shown a preview (benchmarks, tests).
    pub expected_manifest: Option<[u8; 32]>,
}

/// What the user confirms before an import.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Preview {
    /// The bundle file, absolute where possible.
    pub bundle_path: PathBuf,
    /// Bundle id, hex.
    pub bundle_id: String,
    /// Sender's name as the trusted contact has it.
    pub sender_name: String,
    /// Sender's fingerprint.
    pub sender_fingerprint: String,
    /// Creation time, RFC 3339.
    pub created: String,
    /// Number of clients in the bundle.
    pub clients: usize,
    /// Rows per table, as the manifest lists them.
    pub tables: Vec<(String, u64)>,
    /// Documents (blob entries).
    pub documents: usize,
    /// Target database.
    pub database: PathBuf,
    /// The clients, by BEM-ID with their case status, in the order the
    /// merge takes them.
    pub incoming: Vec<IncomingClient>,
    /// For each of `incoming`, the BEM-ID it will be stored under when its
    /// own is taken here (`None`: it keeps its own).
    pub stored_as: Vec<Option<String>>,
    /// Backups the import will delete: SICHERHEITSBACKUPs of earlier
    /// attempts at this bundle, and what the retention removes.
    pub backups_to_delete: Vec<String>,
    /// SHA-256 of the exact signed manifest bytes: everything shown here
    /// comes from them. Pass it as [`ImportOptions::expected_manifest`].
    #[serde(serialize_with = "hex_bytes")]
    pub manifest_sha256: [u8; 32],
}

fn hex_bytes<S: serde::Serializer>(bytes: &[u8; 32], s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&hex::encode(bytes))
}

/// SHA-256 of the manifest bytes the signature covers.
fn manifest_sha256<R: Read>(reader: &BundleReader<R>) -> [u8; 32] {
    use sha2::Digest as _;
    sha2::Sha256::digest(reader.manifest_bytes()).into()
}

/// What an import did.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ImportReport {
    /// Bundle id, hex.
    pub bundle_id: String,
    /// Clients imported (UUIDs).
    pub clients: Vec<String>,
    /// Rows inserted per table.
    pub rows: Vec<(String, u64)>,
    /// Documents stored.
    pub documents: u64,
    /// BEM-IDs renamed because they were taken here: (incoming, stored).
    pub renamed: Vec<(String, String)>,
    /// Catalogue codes added: (catalogue, code).
    pub catalogue_codes_added: Vec<(String, String)>,
    /// The SICHERHEITSBACKUP taken before the merge.
    pub safety_backup: String,
    /// Older backups deleted afterwards.
    pub backups_deleted: Vec<String>,
    /// The receipt for the sender.
    pub receipt: PathBuf,
    /// Whether the bundle file was overwritten and deleted.
    pub burned: bool,
    /// Trouble after the commit (the clients are in; these need a hand).
    pub warnings: Vec<String>,
    /// The bundle file that was read and its id, taken from the handle
    /// the import read it through: what [`burn`] may overwrite later,
    /// when the user is offered it only after the import (the desktop
    /// app's result page).
    #[serde(skip)]
    pub bundle_file: (PathBuf, FileId),
}

/// Opens the bundle; also returns the id of the file read, taken from the
/// handle, which is what `--burn` may overwrite (and nothing else).
fn open_bundle(path: &Path, inst: &Installation<'_>) -> Result<(BundleReader<BufReader<File>>, FileId), ImportError> {
    let file = File::open(path).map_err(|e| ImportError::io(FileAction::OpeningBundle, path, e))?;
    let id = FileId::of(&file).map_err(|e| ImportError::io(FileAction::OpeningBundle, path, e))?;
    let reader = BundleReader::open(BufReader::with_capacity(1 << 20, file), inst.recipient(), inst.contacts, false)
        .map_err(unpack)?;
    let fingerprint = sender_fingerprint(&reader.manifest().sender);
    match reader.sender_trust() {
        SenderTrust::Trusted { .. } => Ok((reader, id)),
        SenderTrust::KeyChanged { name } => Err(ImportError::SenderKeyChanged { name: name.clone(), fingerprint }),
        SenderTrust::ClaimsDiffer { name, fields } => {
            Err(ImportError::SenderClaimsDiffer { name: name.clone(), fields })
        }
        _ => Err(ImportError::UntrustedSender { claimed: reader.manifest().sender.name.clone(), fingerprint }),
    }
}

pub(crate) fn unpack(e: UnpackError) -> ImportError {
    ImportError::Unpack(Box::new(e))
}

fn sender_name(reader: &BundleReader<BufReader<File>>) -> String {
    match reader.sender_trust() {
        SenderTrust::Trusted { name } => name.clone(),
        _ => reader.manifest().sender.name.clone(),
    }
}

/// Checks everything that can be checked without writing: ledger, schema,
/// duplicate clients. Shared by [`preview`] and [`import`].
fn preflight(conn: &rusqlite::Connection, home: &Home, manifest: &Manifest) -> Result<(), ImportError> {
    let id = manifest.bundle_id_hex();
    let sender = hex::encode(manifest.sender.installation);
    if let Some(at) = ledger::imported_at(conn, &home.import_ledger_path(), &sender, &id)? {
        return Err(ImportError::AlreadyImported { bundle: id, at });
    }
    match schema::compare(conn, &manifest.schema)? {
        SchemaMatch::Same => {}
        SchemaMatch::VersionDiffers { theirs, ours } => return Err(ImportError::SchemaVersion { theirs, ours }),
        SchemaMatch::FingerprintDiffers { version, theirs, ours } => {
            return Err(ImportError::SchemaFingerprint { version, theirs, ours });
        }
        SchemaMatch::ProfileDiffers { theirs, ours } => return Err(ImportError::Profile { theirs, ours }),
    }
    let uuids: Vec<String> =
        manifest.clients.iter().map(|c| uuid::Uuid::from_bytes(*c).hyphenated().to_string()).collect();
    let existing = bemx_db::existing_client_uuids(conn, &uuids)?;
    if !existing.is_empty() {
        return Err(ImportError::ClientsExist { bem_ids: existing.into_iter().map(|(_, bem)| bem).collect() });
    }
    Ok(())
}

/// Opens the installation's database, refusing one that belongs to another
/// installation: `--db` can point anywhere, and an import into another
/// installation's database would consume the bundle in this installation's
/// ledger and send a receipt for clients this installation never got
/// (issue 13, item 5).
fn open_session(inst: &Installation<'_>) -> Result<Session, ImportError> {
    let session = Session::open(inst.home)?;
    let ours = inst.identity.installation_id();
    let found = session.db.installation_id();
    if uuid::Uuid::parse_str(found).ok() != Some(ours) {
        return Err(ImportError::ForeignDatabase {
            database: absolute(inst.home.db_path()),
            found: found.to_owned(),
            ours: ours.hyphenated().to_string(),
        });
    }
    Ok(session)
}

/// The client rows merged must be exactly the clients the signed manifest
/// lists: the receipt, the ledger and the sender's purge all go by the
/// list, so a row it does not name, or a name without a row, would make
/// them lie (issue 13, item 15).
fn check_clients(manifest_clients: &[[u8; 16]], merged: &[String]) -> Result<(), ImportError> {
    // Compared as 16-byte ids in sorted lists: sets of strings cost about
    // 150 bytes a client, 30 MB for 100,000 of them, at the moment the
    // import's page cache is full (issue 18, item 5).
    let mut listed = manifest_clients.to_vec();
    listed.sort_unstable();
    listed.dedup();
    let mut unreadable: Vec<String> = Vec::new();
    let mut carried: Vec<[u8; 16]> = Vec::with_capacity(merged.len());
    for u in merged {
        match uuid::Uuid::parse_str(u) {
            Ok(id) => carried.push(*id.as_bytes()),
            Err(_) => unreadable.push(u.clone()),
        }
    }
    carried.sort_unstable();
    // `listed` holds each client once, so a client merged twice already
    // makes the two lists differ.
    if listed == carried && unreadable.is_empty() {
        return Ok(());
    }
    carried.dedup();
    let text = |id: &[u8; 16]| uuid::Uuid::from_bytes(*id).hyphenated().to_string();
    let not_in = |these: &[[u8; 16]], those: &[[u8; 16]]| -> Vec<String> {
        these.iter().filter(|id| those.binary_search(id).is_err()).map(text).collect()
    };
    let mut carried_not_listed = not_in(&carried, &listed);
    carried_not_listed.extend(unreadable);
    carried_not_listed.sort_unstable();
    carried_not_listed.dedup();
    Err(ImportError::ClientsDiffer { listed_not_carried: not_in(&listed, &carried), carried_not_listed })
}

fn absolute(path: &Path) -> PathBuf {
    std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf())
}

/// A client as a bundle carries it: what people check before an import.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct IncomingClient {
    /// The client's UUID.
    pub uuid: String,
    /// Its BEM-ID on the sender's PC.
    pub bem_id: String,
    /// The status of its latest case (by start date), as stored.
    pub case_status: Option<String>,
}

/// Where a bundle's client rows are and how they are named: the receiving
/// installation's client table, its key, identity and display column.
#[derive(Debug, Clone)]
pub struct ClientShape {
    table: String,
    key: String,
    identity: bemx_db::profile::Identity,
    display: String,
}

impl ClientShape {
    /// The shape the installation's graph gives its clients.
    pub fn of(graph: &bemx_db::Graph) -> Self {
        ClientShape {
            table: graph.root.clone(),
            key: graph.root_key().to_owned(),
            identity: graph.identity.clone(),
            display: graph.display.clone(),
        }
    }

    /// bemx's own schema: `clients` by `uuid`, shown by `bem_id`.
    pub fn reference() -> Self {
        ClientShape {
            table: "clients".into(),
            key: "id".into(),
            identity: bemx_db::profile::Identity::Uuid("uuid".into()),
            display: "bem_id".into(),
        }
    }
}

/// Reads the table entries (they come first, FORMAT.md §3) far enough to
/// list the clients with their latest case's status; stops at the first
/// document, so a bundle of gigabytes of scans is not read for it. Every
/// check of the walker applies to what is read.
pub fn bundle_clients<R: Read>(
    reader: &mut BundleReader<R>,
    shape: &ClientShape,
) -> Result<Vec<IncomingClient>, ImportError> {
    use bemx_format::rows::Value;
    /// Stops the walk at the first document; carries reading errors.
    enum Stop {
        AtDocuments,
        Failed(ImportError),
    }
    impl From<UnpackError> for Stop {
        fn from(e: UnpackError) -> Self {
            Stop::Failed(unpack(e))
        }
    }
    struct Peek<'s> {
        shape: &'s ClientShape,
        /// The manifest's client count: more client rows is a bundle the
        /// import refuses, and no reason to hold more in memory.
        limit: usize,
        /// The clients the signed manifest lists, as bytes (16 per client,
        /// not a string each): a row of another is refused as the import
        /// refuses it (check_clients).
        listed: std::collections::HashSet<[u8; 16]>,
        /// The clients in bundle order; `case_status` is the latest case's
        /// seen so far.
        clients: Vec<IncomingClient>,
        /// The start date of the case `case_status` is from, per client.
        starts: Vec<Option<String>>,
        /// The sender's row id of each client → its place in `clients`.
        /// (One list of clients and the case of each beside it, not a
        /// second map of cases: 100,000 clients made the preview the
        /// import's peak; issue 18, item 5.)
        places: std::collections::HashMap<i64, usize>,
    }
    /// A text value, cut to what a person is shown (a value may be 16 MiB).
    fn text(v: &Value) -> Option<String> {
        match v {
            Value::Text(t) => Some(t.chars().take(256).collect()),
            _ => None,
        }
    }
    impl bemx_unpack::EntryVisitor for Peek<'_> {
        type Error = Stop;
        fn table(&mut self, rows: &mut bemx_unpack::Rows<'_>) -> Result<(), Stop> {
            let columns: Vec<String> = rows.header().columns.iter().map(|c| c.name.clone()).collect();
            let at = |name: &str| columns.iter().position(|c| c == name);
            match rows.header().name.as_str() {
                name if name == self.shape.table => {
                    let shape = self.shape;
                    let identity: Option<Vec<usize>> = shape.identity.columns().iter().map(|c| at(c)).collect();
                    // A client table without the columns that name a client
                    // is one the import refuses (its columns differ from
                    // ours): the preview must not show it as empty.
                    let (Some(id), Some(identity), Some(bem)) = (at(&shape.key), identity, at(&shape.display)) else {
                        return Err(Stop::Failed(inconsistent(
                            "a client table without the columns that name a client",
                        )));
                    };
                    while let Some(row) = rows.next_row()? {
                        let (Some(Value::Integer(i)), Some(b)) = (row.get(id), row.get(bem).and_then(text)) else {
                            // A client the list could not name: the merge
                            // would store it, so the preview must not hide it.
                            return Err(Stop::Failed(inconsistent("a client row without a text BEM-ID")));
                        };
                        let u = match &shape.identity {
                            bemx_db::profile::Identity::Uuid(_) => match row.get(identity[0]).and_then(text) {
                                Some(u) => u,
                                None => return Err(Stop::Failed(inconsistent("a client row without a text BEM-ID"))),
                            },
                            bemx_db::profile::Identity::NaturalKey(_) => {
                                let values: Vec<bemx_db::Value> =
                                    identity.iter().map(|&k| sql_value(row.get(k))).collect();
                                bemx_db::derived_client_id(&shape.table, &values)
                            }
                        };
                        let parsed = uuid::Uuid::parse_str(&u).ok();
                        let hyphenated = parsed.map_or_else(|| u.clone(), |x| x.hyphenated().to_string());
                        if self.clients.len() == self.limit
                            || !parsed.is_some_and(|x| self.listed.contains(x.as_bytes()))
                        {
                            return Err(Stop::Failed(ImportError::ClientsDiffer {
                                listed_not_carried: Vec::new(),
                                carried_not_listed: vec![hyphenated],
                            }));
                        }
                        self.places.insert(*i, self.clients.len());
                        self.clients.push(IncomingClient { uuid: u, bem_id: b, case_status: None });
                        self.starts.push(None);
                    }
                }
                "bem_cases" => {
                    let (Some(client), Some(status), Some(start)) = (at("client_id"), at("status"), at("start_date"))
                    else {
                        return Ok(());
                    };
                    while let Some(row) = rows.next_row()? {
                        let (Some(Value::Integer(c)), Some(start)) = (row.get(client), row.get(start).and_then(text))
                        else {
                            continue;
                        };
                        // Only cases of clients listed (the clients entry
                        // comes first).
                        let Some(&place) = self.places.get(c) else {
                            continue;
                        };
                        // Of cases that start the same day the last row
                        // wins: the merge inserts rows in bundle order, so
                        // the last gets the highest id here, and the client
                        // list takes the latest start date, then that id.
                        let (Some(latest), Some(client)) = (self.starts.get_mut(place), self.clients.get_mut(place))
                        else {
                            continue;
                        };
                        if latest.as_ref().is_none_or(|l| start >= *l) {
                            client.case_status = row.get(status).and_then(text);
                            *latest = Some(start);
                        }
                    }
                }
                _ => {}
            }
            Ok(())
        }
        fn document(&mut self, _: &bemx_unpack::Document<'_>, _: &mut dyn Read) -> Result<(), Stop> {
            Err(Stop::AtDocuments)
        }
    }
    let listed: std::collections::HashSet<[u8; 16]> = reader.manifest().clients.iter().copied().collect();
    let mut peek = Peek {
        shape,
        limit: listed.len(),
        // Exactly as many as listed: more is refused, and growing by
        // doubling would hold a third more at the end.
        clients: Vec::with_capacity(listed.len()),
        starts: Vec::with_capacity(listed.len()),
        places: std::collections::HashMap::with_capacity(listed.len()),
        listed,
    };
    match bemx_unpack::walk(reader, &mut peek) {
        Ok(_) | Err(Stop::AtDocuments) => {}
        Err(Stop::Failed(e)) => return Err(e),
    }
    Ok(peek.clients)
}

/// A bundle's value as SQLite holds it: what a natural key is derived from.
fn sql_value(v: Option<&bemx_format::rows::Value>) -> bemx_db::Value {
    use bemx_format::rows::Value as V;
    match v {
        None | Some(V::Null) => bemx_db::Value::Null,
        Some(V::Integer(i)) => bemx_db::Value::Integer(*i),
        Some(V::Real(r)) => bemx_db::Value::Real(*r),
        Some(V::Text(t)) => bemx_db::Value::Text(t.clone()),
        Some(V::Bytes(b)) => bemx_db::Value::Blob(b.clone()),
    }
}

/// The backups of imports that committed, by name: never abandoned.
fn committed_backups(conn: &rusqlite::Connection, home: &Home) -> Result<Vec<String>, ImportError> {
    Ok(ledger::committed_backups(conn, &home.import_ledger_path())?)
}

/// The room an import needs on the disks (DESIGN.md S1): the safety backup
/// beside the other backups; and the merge in the database, from the signed sizes: documents
/// as they are, rows half again for SQLite's pages and indexes (measured:
/// 1.25 × on row-only bundles, 1.00 × on document-heavy ones).
fn space_needed(
    file: &bemx_install::session::DbFileHandle,
    home: &Home,
    manifest: &Manifest,
) -> Result<Vec<bemx_install::space::Need>, ImportError> {
    // The abandoned backups go only after this one is in place, so they
    // free nothing before it is written.
    let backup = backup::need(file, &home.backups_dir())?;
    let (documents, rows) = manifest.entries.iter().fold((0u64, 0u64), |(d, r), e| {
        if e.path.starts_with(BLOBS_PREFIX) { (d.saturating_add(e.size), r) } else { (d, r.saturating_add(e.size)) }
    });
    let merge = bemx_install::space::Need {
        path: home.db_path().to_path_buf(),
        bytes: documents.saturating_add(rows.saturating_add(rows / 2)),
        purpose: bemx_install::space::Purpose::Merge,
    };
    Ok(vec![backup, merge])
}

/// Opens the bundle and runs the preflight checks; reads only the start of
/// the bundle and writes nothing.
pub fn preview(path: &Path, inst: &Installation<'_>, retention: Retention) -> Result<Preview, ImportError> {
    let (mut reader, _) = open_bundle(path, inst)?;
    let session = open_session(inst)?;
    preflight(session.db.conn(), inst.home, reader.manifest())?;
    let manifest_hash = manifest_sha256(&reader);
    let graph = bemx_db::installation_graph(session.db.conn())?;
    let incoming = bundle_clients(&mut reader, &ClientShape::of(&graph))?;
    let bem_ids: Vec<&str> = incoming.iter().map(|c| c.bem_id.as_str()).collect();
    let stored_as = bemx_db::planned_bem_ids(session.db.conn(), &bem_ids)?;
    drop(bem_ids);
    let manifest = reader.manifest();
    let dir = inst.home.backups_dir();
    let abandoned = backup::abandoned_safety_backups(
        &dir,
        &manifest.bundle_id_hex(),
        &committed_backups(session.db.conn(), inst.home)?,
    )?;
    let remaining: Vec<BackupInfo> =
        backup::scan_backups(&dir)?.into_iter().filter(|b| !abandoned.iter().any(|a| a.name == b.name)).collect();
    // The safety backup this import takes is not in the list yet: it will
    // be the newest and is kept, which the retention counts in.
    let mut backups_to_delete: Vec<String> = match retention {
        Retention::KeepAll => Vec::new(),
        _ => abandoned.into_iter().map(|b| b.name).collect(),
    };
    backups_to_delete.extend(backup::retention_victims(&remaining, retention, "").into_iter().map(|b| b.name.clone()));
    Ok(Preview {
        bundle_path: absolute(path),
        bundle_id: manifest.bundle_id_hex(),
        sender_name: sender_name(&reader),
        sender_fingerprint: sender_fingerprint(&manifest.sender),
        created: bemx_format::time::rfc3339(manifest.created),
        clients: manifest.clients.len(),
        tables: manifest.tables.iter().map(|t| (t.name.clone(), t.rows)).collect(),
        documents: manifest.entries.iter().filter(|e| e.path.starts_with(BLOBS_PREFIX)).count(),
        database: absolute(inst.home.db_path()),
        incoming,
        stored_as,
        backups_to_delete,
        manifest_sha256: manifest_hash,
    })
}

pub use bemx_format::progress::{NoProgress, Progress};

// The labels of the import's steps for a progress display, which takes
// `&'static str`: looked up once, in the language chosen at start.
static STEP_SAFETY_BACKUP: LazyLock<String> = LazyLock::new(|| fl!("import-step-safety-backup"));
static STEP_MERGE: LazyLock<String> = LazyLock::new(|| fl!("import-step-merge"));
static STEP_COMMIT: LazyLock<String> = LazyLock::new(|| fl!("import-step-commit"));
static STEP_RECEIPT: LazyLock<String> = LazyLock::new(|| fl!("import-step-receipt"));

fn db_value(v: bemx_format::rows::Value) -> rusqlite::types::Value {
    use bemx_format::rows::Value as W;
    use rusqlite::types::Value as V;
    match v {
        W::Null => V::Null,
        W::Integer(i) => V::Integer(i),
        W::Real(f) => V::Real(f),
        W::Text(s) => V::Text(s),
        W::Bytes(b) => V::Blob(b),
    }
}

fn inconsistent(detail: impl Into<String>) -> ImportError {
    ImportError::Inconsistent { detail: detail.into() }
}

fn check_cancel(cancel: Option<&AtomicBool>) -> Result<(), ImportError> {
    if cancel.is_some_and(|c| c.load(Ordering::Relaxed)) {
        return Err(ImportError::Cancelled);
    }
    Ok(())
}

/// Merges what the one reading of the bundle (`bemx_unpack::walk`) hands
/// over: every check of paths, headers, rows and counts is the walker's,
/// the same as `verify`'s; this adds only what depends on this database.
struct Merge<'m, 'c, 'p> {
    merger: &'m mut Merger<'c>,
    specs: &'m [bemx_db::TableSpec],
    cancel: Option<&'m AtomicBool>,
    progress: &'p mut dyn Progress,
}

impl bemx_unpack::EntryVisitor for Merge<'_, '_, '_> {
    type Error = ImportError;

    fn table(&mut self, rows: &mut bemx_unpack::Rows<'_>) -> Result<(), ImportError> {
        check_cancel(self.cancel)?;
        let name = rows.header().name.clone();
        // Values are interpreted by this database's roles; a header that
        // claims other roles is refused rather than reinterpreted.
        let local = self
            .specs
            .iter()
            .find(|t| t.name == name)
            .ok_or_else(|| inconsistent(fl!("import-no-such-table", table = name.as_str())))?;
        let header_roles = rows.header().columns.iter().map(|c| (c.name.as_str(), c.role.to_string()));
        let local_roles = local.columns.iter().map(|c| (c.name.as_str(), c.role.wire_name()));
        if !header_roles.eq(local_roles) {
            return Err(inconsistent(fl!("import-columns-differ", table = name.as_str())));
        }
        let columns: Vec<String> = rows.header().columns.iter().map(|c| c.name.clone()).collect();
        self.merger.begin_table(&name, &columns)?;
        while let Some(row) = rows.next_row().map_err(unpack)? {
            if rows.count().is_multiple_of(4096) {
                check_cancel(self.cancel)?;
            }
            let values: Vec<rusqlite::types::Value> = row.into_iter().map(db_value).collect();
            self.merger.row(&values)?;
        }
        self.merger.end_table()?;
        self.progress.advance(rows.size());
        Ok(())
    }

    fn document(&mut self, doc: &bemx_unpack::Document<'_>, data: &mut dyn Read) -> Result<(), ImportError> {
        check_cancel(self.cancel)?;
        // The entry reader fails the read that completes a document whose
        // bytes differ from the signed manifest's hash, so that hash can
        // stand in for hashing the document again.
        self.merger.write_blob_with_known_hash(doc.table, doc.column, doc.rowid, doc.size, data, doc.sha256)?;
        self.progress.advance(doc.size);
        Ok(())
    }
}

/// Imports a bundle. The caller holds `lock`; the user has confirmed the
/// [`preview`] (pass its manifest hash in `options`). On any error before
/// the commit the database is unchanged, and the safety backup and the
/// receipt file, if already made, are removed again. After the commit
/// nothing fails: trouble is reported in [`ImportReport::warnings`].
pub fn import(
    path: &Path,
    inst: &Installation<'_>,
    _lock: &InstallLock,
    options: &ImportOptions<'_>,
    progress: &mut dyn Progress,
) -> Result<ImportReport, ImportError> {
    // --burn overwrites the file that was read, never through a link; a
    // link given from the start is refused now rather than left after the
    // commit with a warning.
    if options.burn && is_link(path) {
        return Err(ImportError::BurnThroughLink { path: path.to_path_buf() });
    }
    let receipt_path = options.receipt.clone().unwrap_or_else(|| default_receipt_path(path));
    let mut session = open_session(inst)?;
    // Records and database agree before anything else (a crash after an
    // earlier commit may have left a record file behind); only now that the
    // database is known to be this installation's.
    bemx_install::session::reconcile(inst.home, session.db.conn_mut())?;

    let (mut reader, bundle_file) = open_bundle(path, inst)?;
    if options.expected_manifest.is_some_and(|confirmed| confirmed != manifest_sha256(&reader)) {
        return Err(ImportError::BundleChanged { path: absolute(path) });
    }
    // What is needed of the manifest once its reader walks, copied: not
    // its entry list, one entry per document (9 MB for 100,000).
    let (sender_installation, listed_clients, raw_bundle_id, payload_size) = {
        let m = reader.manifest();
        (m.sender.installation, m.clients.clone(), m.bundle_id, m.payload_size())
    };
    let acknowledged = manifest_sha256(&reader);
    let bundle_id = reader.manifest().bundle_id_hex();
    let sender_fp = sender_fingerprint(&reader.manifest().sender);
    let Session { db, file } = &mut session;
    let tx = bemx_install::lock::begin_exclusive(db.conn_mut())?;
    preflight(&tx, inst.home, reader.manifest())?;
    check_cancel(options.cancel)?;
    let abandoned =
        backup::abandoned_safety_backups(&inst.home.backups_dir(), &bundle_id, &committed_backups(&tx, inst.home)?)?;
    // DESIGN.md F1: refused with the numbers before anything is written.
    bemx_install::space::ensure(
        &space_needed(file, inst.home, reader.manifest())?,
        bemx_install::space::Margin::Installation,
    )?;

    // The receipt is the sender's only way to finish the handover: create
    // its file now, before the safety backup, so an import whose receipt
    // cannot be written is refused instead of committed without one. It is
    // removed again if the import stops before its commit.
    let receipt_file = ReceiptFile::create(&receipt_path)?;

    progress.step(&STEP_SAFETY_BACKUP);
    let now = bemx_format::time::now();
    let backup_name = format!("{SAFETY_PREFIX}-{}-{}", bemx_format::time::compact(now), &bundle_id[..8]);
    let safety: BackupInfo = backup::create_backup(&tx, file, &inst.home.backups_dir(), &backup_name, inst.identity)?;

    // Until the commit, a failed or cancelled import leaves the database
    // exactly as this backup holds it: the backup is then redundant and
    // goes, so retries cannot fill the disk (issue 20).
    let mut unneeded = UnneededBackup { path: Some(safety.path.clone()) };
    // At most one SICHERHEITSBACKUP per bundle: those of earlier attempts
    // (killed, so they could not remove their own) go now that this one,
    // of the current state, passed its check and is in place; never
    // before, and never when told to keep every backup.
    let mut backups_deleted = Vec::new();
    if options.retention != Retention::KeepAll {
        for b in abandoned {
            backup::remove_backup(&b.path)
                .map_err(|e| ImportError::io(FileAction::DeletingUnneededBackup, &b.path, e))?;
            backups_deleted.push(b.name);
        }
    }

    progress.step(&STEP_MERGE);
    progress.start(payload_size);
    let specs = bemx_db::stream_tables(&tx)?;
    let mut merger = Merger::new(&tx)?;
    let mut merge = Merge { merger: &mut merger, specs: &specs, cancel: options.cancel, progress };
    // Decryption, decompression and the entries' hashes on the second core
    // while this one inserts (issue 18, item 4); without a thread to be
    // had, the reads do all three as they go.
    let _ = reader.read_and_hash_ahead();
    bemx_unpack::walk(&mut reader, &mut merge)?;
    reader.finish().map_err(unpack)?;
    let report = merger.finish()?;
    check_clients(&listed_clients, &report.client_uuids)?;

    let violations: i64 = tx.query_row("SELECT count(*) FROM pragma_foreign_key_check", [], |r| r.get(0))?;
    if violations != 0 {
        return Err(inconsistent(fl!("import-foreign-key-violations", count = violations)));
    }
    backup::quick_check(&tx)?;
    let rows: u64 = report.rows_per_table.values().sum();
    let entry = LedgerEntry {
        sender_installation: hex::encode(sender_installation),
        bundle_id: bundle_id.clone(),
        imported_at: bemx_format::time::rfc3339(now),
        sender_fingerprint: sender_fp.clone(),
        // Moved, not copied: the list is held once while the page cache is full.
        client_uuids: report.client_uuids,
        rows,
        backup_name: safety.name.clone(),
    };
    // Signed now and kept with the ledger row, so that whatever happens
    // after the commit, `bemx receipt` can write it again.
    let receipt = Receipt {
        rows,
        format: bemx_format::FORMAT_VERSION,
        sender: sender_installation,
        clients: listed_clients.len() as u64,
        receiver: *inst.identity.installation_id().as_bytes(),
        bundle_id: raw_bundle_id,
        imported_at: now,
        clients_sha256: Receipt::clients_digest(&listed_clients),
        manifest_sha256: acknowledged,
    }
    .sign_to_file(inst.identity.signing_key());
    let detail = format!(
        "clients={} rows={} documents={} renamed={} sender={sender_fp} backup={}",
        entry.client_uuids.len(),
        rows,
        report.blobs_written,
        report.renamed.len(),
        safety.name
    );
    ledger::record_import(&tx, &entry, &receipt, &detail)?;
    check_cancel(options.cancel)?;
    progress.step(&STEP_COMMIT);
    tx.commit()?;
    unneeded.path = None;
    drop(session);

    // After the commit the import has happened: later steps can only warn.
    let mut warnings = Vec::new();
    if let Err(e) = ledger::append_ledger(&inst.home.import_ledger_path(), &entry) {
        warnings.push(fl!("import-warning-ledger", error = e.to_string()));
    }
    // DESIGN.md I2: the clients' arrival, for the later-event-wins replay.
    let arrived = bemx_install::journal::JournalEntry::Imported {
        bundle_id: bundle_id.clone(),
        sender_installation: entry.sender_installation.clone(),
        imported_at: entry.imported_at.clone(),
        clients: entry.client_uuids.clone(),
    };
    if let Err(e) = bemx_install::journal::append_journal(&inst.home.handover_journal_path(), &arrived) {
        warnings.push(fl!("import-warning-journal", error = e.to_string()));
    }
    match backup::apply_retention(&inst.home.backups_dir(), options.retention, &safety.name) {
        Ok(deleted) => backups_deleted.extend(deleted),
        Err(e) => {
            warnings.push(fl!("import-warning-retention", error = e.to_string()));
        }
    }
    if let Ok(usage) = backup::usage(&inst.home.backups_dir())
        && usage.crowded()
    {
        warnings.push(usage.warning());
    }
    progress.step(&STEP_RECEIPT);
    if let Err(e) = receipt_file.write(&receipt) {
        warnings.push(fl!("import-warning-receipt", error = e.to_string(), bundle = bundle_id.as_str()));
    }
    let burned = if options.burn {
        match burn(path, &bundle_file) {
            Ok(()) => true,
            Err(e) => {
                let advice = e.advice().unwrap_or_else(|| fl!("import-burn-advice"));
                warnings.push(fl!("import-warning-burn", error = e.to_string(), advice = advice));
                false
            }
        }
    } else {
        false
    };
    Ok(ImportReport {
        bundle_id,
        clients: entry.client_uuids,
        rows: report.rows_per_table.into_iter().collect(),
        documents: report.blobs_written,
        renamed: report.renamed,
        catalogue_codes_added: report.catalogue_codes_added,
        safety_backup: safety.name,
        backups_deleted,
        receipt: absolute(&receipt_path),
        burned,
        warnings,
        bundle_file: (path.to_path_buf(), bundle_file),
    })
}

/// Removes the safety backup of an import that did not commit.
struct UnneededBackup {
    path: Option<PathBuf>,
}

impl Drop for UnneededBackup {
    fn drop(&mut self) {
        if let Some(path) = self.path.take() {
            // Encrypted to this installation, so plain removal suffices;
            // its signature file goes with it.
            let _ = backup::remove_backup(&path);
        }
    }
}

/// Writes the signed receipt of an earlier import again (it is kept in the
/// import ledger), for a sender whose receipt got lost.
/// `bundle_hex` may be the start of the id people are shown.
/// Returns the whole bundle id.
pub fn write_receipt_again(home: &Home, bundle_hex: &str, target: &Path) -> Result<String, ImportError> {
    let session = Session::open(home)?;
    let bundle_hex = match bemx_install::handover::resolve_bundle_id(session.db.conn(), "import_ledger", bundle_hex) {
        Ok(id) => id,
        Err(bemx_install::InstallError::UnknownHandover(given)) => {
            return Err(bemx_install::InstallError::Receipt(ReceiptProblem::NeverImported(given)).into());
        }
        Err(e) => return Err(e.into()),
    };
    // The ledger is keyed by sender and bundle: a sender who reused another
    // sender's id leaves two rows, and the id alone then names no receipt.
    let mut stmt = session
        .db
        .conn()
        .prepare("SELECT sender_fingerprint, receipt FROM import_ledger WHERE bundle_id = ?1 ORDER BY imported_at")?;
    let mut rows: Vec<(String, Option<Vec<u8>>)> =
        stmt.query_map([&bundle_hex], |r| Ok((r.get(0)?, r.get(1)?)))?.collect::<Result<_, _>>()?;
    drop(stmt);
    if rows.len() > 1 {
        let senders = rows.into_iter().map(|(fp, _)| fp).collect();
        return Err(bemx_install::InstallError::Receipt(ReceiptProblem::SeveralSenders {
            bundle: bundle_hex,
            senders,
        })
        .into());
    }
    // resolve_bundle_id found it; ledger rows are never deleted (a restore
    // replaces the whole file, and this connection reads the one it opened).
    let Some((_, Some(bytes))) = rows.pop() else {
        return Err(bemx_install::InstallError::Receipt(ReceiptProblem::ImportRestoredAway(bundle_hex)).into());
    };
    ReceiptFile::create(target)?.write(&bytes).map(|()| bundle_hex)
}

/// `handover.bemx` → `handover.receipt` in the same folder.
pub fn default_receipt_path(bundle: &Path) -> PathBuf {
    bundle.with_extension("receipt")
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;
    use bemx_format::manifest::{Entry, SchemaInfo};
    use bemx_install::space::Purpose;

    fn party(n: u8) -> Party {
        Party { installation: [n; 16], name: format!("P{n}"), age: String::new(), ed25519: [n; 32] }
    }

    /// The merged clients must be the listed ones: none missing, none
    /// extra, none twice, none unreadable; a UUID is the same client in
    /// any spelling `uuid` reads.
    #[test]
    fn the_merged_clients_must_be_exactly_the_listed_ones() {
        let id = |b: u8| [b; 16];
        let text = |b: u8| uuid::Uuid::from_bytes(id(b)).hyphenated().to_string();
        let differ = |listed: &[[u8; 16]], merged: &[String]| match check_clients(listed, merged) {
            Ok(()) => None,
            Err(ImportError::ClientsDiffer { listed_not_carried, carried_not_listed }) => {
                Some((listed_not_carried, carried_not_listed))
            }
            Err(other) => panic!("{other:?}"),
        };
        let none: Vec<String> = Vec::new();
        assert_eq!(differ(&[id(2), id(1)], &[text(1), text(2)]), None);
        assert_eq!(differ(&[], &[]), None);
        // Another spelling of the same UUID is the same client.
        let upper = uuid::Uuid::from_bytes(id(0xab)).simple().to_string().to_uppercase();
        assert_eq!(differ(&[id(0xab)], &[upper]), None);
        assert_eq!(differ(&[id(1), id(2), id(3)], &[text(2)]), Some((vec![text(1), text(3)], none.clone())));
        assert_eq!(differ(&[id(2)], &[text(3), text(2), text(1)]), Some((none.clone(), vec![text(1), text(3)])));
        assert_eq!(differ(&[id(1)], &[text(1), text(1)]), Some((none.clone(), none.clone())));
        assert_eq!(
            differ(&[id(1)], &[text(1), "not a uuid".into()]),
            Some((none.clone(), vec!["not a uuid".to_string()]))
        );
        assert_eq!(differ(&[id(1)], &[text(2)]), Some((vec![text(1)], vec![text(2)])));
    }

    /// DESIGN.md S1: the safety backup (the database file, its age
    /// overhead and a header) beside the backups, and the merge in the
    /// database: documents as they are, rows one and a half times.
    #[test]
    fn an_import_needs_room_for_its_safety_backup_and_the_merge() {
        let dir = tempfile::tempdir().unwrap();
        let home = Home::new(dir.path(), None);
        std::fs::write(home.db_path(), vec![0u8; 10_000]).unwrap();
        let file = bemx_install::session::DbFileHandle::open(home.db_path()).unwrap();
        let entry = |path: &str, size| Entry { path: path.into(), size, sha256: [0; 32] };
        let manifest = Manifest {
            format: bemx_format::FORMAT_VERSION,
            schema: SchemaInfo {
                app: "bemx".into(),
                version: 1,
                fingerprint: [0; 32],
                profile: "bemx-reference".into(),
                profile_version: 1,
                graph: [0; 32],
            },
            sender: party(1),
            tables: Vec::new(),
            clients: Vec::new(),
            created: 0,
            entries: vec![
                entry("tables/000-clients", 4000),
                entry("blobs/documents/content/1", 1000),
                entry("tables/001-bem_cases", 1),
                entry("blobs/documents/content/2", 24),
            ],
            bundle_id: [0; 32],
            recipient: party(2),
        };
        let needs = space_needed(&file, &home, &manifest).unwrap();
        let got: Vec<_> = needs.iter().map(|n| (n.path.clone(), n.bytes, n.purpose)).collect();
        assert_eq!(
            got,
            [
                (home.backups_dir(), 10_000 + 10_000 / 4096 + 65_536, Purpose::Backup),
                (home.db_path().to_path_buf(), 1024 + 4001 + 2000, Purpose::Merge),
            ]
        );
    }
}
