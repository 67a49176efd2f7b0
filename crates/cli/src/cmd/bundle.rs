//! `bemx inspect` and `bemx verify`: look at a bundle without importing it.

use std::path::{Path, PathBuf};

use bemx_identity::{Contacts, Identity};
use bemx_import::import::sender_fingerprint;
use bemx_install::schema::{self, SchemaMatch};
use bemx_unpack::{BundleReader, HeaderInfo, Recipient, SenderTrust, UnpackError};
use serde::Serialize;

use crate::output::{bytes, table};
use crate::{Code, Ctx, Failure, home};

#[derive(Debug, Serialize)]
struct AgeView {
    is_age: bool,
    stanza_types: Vec<String>,
    recipients: usize,
    bundle_shaped: bool,
}

#[derive(Debug, Serialize)]
struct SenderView {
    claimed_name: String,
    contact: Option<String>,
    fingerprint: String,
    trust: &'static str,
}

#[derive(Debug, Serialize)]
struct TableView {
    name: String,
    rows: u64,
}

#[derive(Debug, Serialize)]
struct EntryView {
    path: String,
    size: u64,
}

#[derive(Debug, Serialize)]
struct ManifestView {
    bundle_id: String,
    created: String,
    format: u64,
    sender: SenderView,
    recipient_matches: bool,
    schema_version: u64,
    schema_matches_local: Option<bool>,
    clients: Vec<String>,
    tables: Vec<TableView>,
    entries: Vec<EntryView>,
    payload_bytes: u64,
    already_imported: Option<String>,
}

#[derive(Debug, Serialize)]
struct InspectView {
    file: PathBuf,
    file_size: u64,
    age: AgeView,
    manifest: Option<ManifestView>,
    error: Option<String>,
    hint: Option<String>,
    /// The stable code of `error` (docs/ERRORS.md).
    error_code: Option<String>,
    error_class: Option<&'static str>,
}

fn trust_word(t: &SenderTrust) -> (&'static str, Option<String>) {
    match t {
        SenderTrust::Trusted { name } => ("trusted", Some(name.clone())),
        SenderTrust::KeyChanged { name } => ("key changed", Some(name.clone())),
        SenderTrust::ClaimsDiffer { name, .. } => ("claims another sender", Some(name.clone())),
        _ => ("not trusted", None),
    }
}

/// The identity and contacts of the installation, if there is one.
fn local(ctx: &Ctx) -> anyhow::Result<Option<(Identity, Contacts)>> {
    if !home::has_installation(&ctx.home) {
        return Ok(None);
    }
    let identity = home::load_identity(&ctx.home)?;
    let contacts = Contacts::load(ctx.home.root())?;
    Ok(Some((identity, contacts)))
}

fn me(identity: &Identity) -> Recipient<'_> {
    Recipient { identity: identity.age_identity(), installation_id: *identity.installation_id().as_bytes() }
}

fn manifest_view(ctx: &Ctx, reader: &BundleReader<std::fs::File>) -> anyhow::Result<ManifestView> {
    let m = reader.manifest();
    let (trust, contact) = trust_word(reader.sender_trust());
    let (schema_matches_local, already_imported) = match home::open_db(&ctx.home) {
        Ok(db) => {
            let matches = schema::compare(db.conn(), &m.schema)? == SchemaMatch::Same;
            let sender = hex::encode(m.sender.installation);
            let ledger = ctx.home.import_ledger_path();
            let at = bemx_install::ledger::imported_at(db.conn(), &ledger, &sender, &m.bundle_id_hex())?;
            (Some(matches), at)
        }
        Err(_) => (None, None),
    };
    Ok(ManifestView {
        bundle_id: m.bundle_id_hex(),
        created: bemx_format::time::rfc3339(m.created),
        format: m.format,
        sender: SenderView {
            claimed_name: m.sender.name.clone(),
            contact,
            fingerprint: sender_fingerprint(&m.sender),
            trust,
        },
        recipient_matches: true,
        schema_version: m.schema.version,
        schema_matches_local,
        clients: m.clients.iter().map(|c| uuid::Uuid::from_bytes(*c).hyphenated().to_string()).collect(),
        tables: m.tables.iter().map(|t| TableView { name: t.name.clone(), rows: t.rows }).collect(),
        entries: m.entries.iter().map(|e| EntryView { path: e.path.clone(), size: e.size }).collect(),
        payload_bytes: m.payload_size(),
        already_imported,
    })
}

fn header_view(path: &Path) -> anyhow::Result<HeaderInfo> {
    bemx_unpack::inspect_header(path).map_err(|e| match e {
        UnpackError::Io(io) => Failure::read(format_args!("cannot read {}", path.display()), &io).into(),
        other => other.into(),
    })
}

/// `bemx inspect FILE`.
pub fn inspect(ctx: &Ctx, path: &Path) -> anyhow::Result<()> {
    let header = header_view(path)?;
    let mut view = InspectView {
        file: std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf()),
        file_size: header.file_size,
        age: AgeView {
            is_age: header.is_age,
            stanza_types: header.stanza_types.clone(),
            recipients: header.recipients,
            bundle_shaped: header.bundle_shaped,
        },
        manifest: None,
        error: None,
        hint: None,
        error_code: None,
        error_class: None,
    };
    let mut failure: Option<anyhow::Error> = None;
    if !header.is_age {
        failure = Some(UnpackError::NotABundle { detail: "it has no age encryption header".into() }.into());
    } else if let Some((identity, contacts)) = local(ctx)? {
        let opened = std::fs::File::open(path)
            .map_err(UnpackError::Io)
            .and_then(|f| BundleReader::open(f, me(&identity), &contacts, false));
        match opened {
            Ok(reader) => {
                let m = manifest_view(ctx, &reader)?;
                if m.sender.trust != "trusted" {
                    failure = Some(
                        Failure::new(
                            Code::SenderNotTrusted,
                            format!(
                            "the sender of this bundle is {} (the bundle says {:?}; fingerprint {})",
                            m.sender.trust, m.sender.claimed_name, m.sender.fingerprint
                        ))
                        .hint("compare the fingerprint with the sender by phone and add their contact card before importing")
                        .into(),
                    );
                }
                view.manifest = Some(m);
            }
            Err(e) => {
                view.error_class = Some(e.class());
                failure = Some(e.into());
            }
        }
    }
    if let Some(f) = &failure {
        view.error = Some(format!("{f:#}"));
        view.hint = crate::advice_of(f);
        view.error_code = Some(crate::code_of(f));
    }
    print_inspect(ctx, &view)?;
    match failure {
        Some(f) => Err(f),
        None => Ok(()),
    }
}

fn print_inspect(ctx: &Ctx, v: &InspectView) -> anyhow::Result<()> {
    if ctx.out.is_json() {
        return ctx.out.json(v);
    }
    let out = &ctx.out;
    out.line(format!("file:        {} ({})", v.file.display(), bytes(v.file_size)))?;
    if !v.age.is_age {
        return out.line("encryption:  none (not an age file)");
    }
    out.line(format!(
        "encryption:  age, {} recipient(s): {}{}",
        v.age.recipients,
        v.age.stanza_types.iter().filter(|t| !t.ends_with("-grease")).cloned().collect::<Vec<_>>().join(", "),
        if v.age.bundle_shaped { "" } else { " — not the shape of a bemx bundle" }
    ))?;
    let Some(m) = &v.manifest else {
        if v.error.is_none() {
            out.advice("(no installation here: run inspect with --home of the receiving installation to see more)")?;
        }
        return Ok(());
    };
    out.line(format!("bundle id:   {}", m.bundle_id))?;
    out.line(format!("created:     {}", m.created))?;
    let who = m.sender.contact.clone().unwrap_or_else(|| format!("{:?} (unverified name)", m.sender.claimed_name));
    out.line(format!("sender:      {who}, {}, fingerprint {}", m.sender.trust, m.sender.fingerprint))?;
    out.line("recipient:   this installation")?;
    let schema = match m.schema_matches_local {
        Some(true) => "matches this database",
        Some(false) => "DIFFERS from this database: the import will be refused",
        None => "no local database to compare",
    };
    out.line(format!("schema:      version {} ({schema})", m.schema_version))?;
    match &m.already_imported {
        Some(at) => out.line(format!("imported:    ALREADY IMPORTED here on {at}"))?,
        None => out.line("imported:    not yet")?,
    }
    out.line(format!("clients:     {}", m.clients.len()))?;
    for c in &m.clients {
        out.line(format!("  {c}"))?;
    }
    let rows: Vec<Vec<String>> = m.tables.iter().map(|t| vec![t.name.clone(), t.rows.to_string()]).collect();
    out.line(table(&["table", "rows"], &rows))?;
    let docs = m.entries.iter().filter(|e| e.path.starts_with(bemx_format::BLOBS_PREFIX)).count();
    out.line(format!("entries:     {} ({} documents), {} of data", m.entries.len(), docs, bytes(m.payload_bytes)))
}

#[derive(Debug, Serialize)]
struct VerifyView {
    file: PathBuf,
    verified: bool,
    bundle_id: String,
    sender: String,
    clients: usize,
    entries: usize,
    data_bytes: u64,
}

/// `bemx verify FILE`: reads everything, checks everything, writes nothing.
pub fn verify(ctx: &Ctx, path: &Path) -> anyhow::Result<()> {
    let header = header_view(path)?;
    if !header.is_age {
        return Err(UnpackError::NotABundle { detail: "it has no age encryption header".into() }.into());
    }
    let Some((identity, contacts)) = local(ctx)? else {
        return Err(Failure::new(Code::NoInstallation, format!("no installation at {}", ctx.home.root().display()))
            .hint("verify runs on the receiving installation: pass its --home")
            .into());
    };
    let verified = bemx_unpack::verify_file(path, me(&identity), &contacts, true)?;
    // §8: a bundle of another schema is readable but not importable; say so.
    if let Ok(db) = home::open_db(&ctx.home) {
        let differs = match schema::compare(db.conn(), &verified.manifest.schema)? {
            SchemaMatch::Same => None,
            SchemaMatch::VersionDiffers { theirs, ours } => {
                Some(format!("database schema version {theirs}, and this installation has schema version {ours}"))
            }
            SchemaMatch::FingerprintDiffers { version, theirs, ours } => Some(format!(
                "database schema version {version} with fingerprint {theirs}, and this installation's fingerprint is {ours}"
            )),
        };
        if let Some(differs) = differs {
            return Err(Failure::new(
                Code::WouldBeRefused,
                format!("the bundle is intact, but it comes from {differs}: importing it would be refused"),
            )
            .hint("install the same bemx version on both PCs and export again")
            .into());
        }
    }
    let sender = match &verified.sender_trust {
        SenderTrust::Trusted { name } => name.clone(),
        _ => verified.manifest.sender.name.clone(),
    };
    let view = VerifyView {
        file: std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf()),
        verified: true,
        bundle_id: verified.manifest.bundle_id_hex(),
        sender,
        clients: verified.manifest.clients.len(),
        entries: verified.entries,
        data_bytes: verified.data_bytes,
    };
    if ctx.out.is_json() {
        return ctx.out.json(&view);
    }
    ctx.out.line(format!(
        "verified: bundle {} from {} — {} clients, {} entries, {} of data; every hash, the signature and the end of the file check out.",
        view.bundle_id,
        view.sender,
        view.clients,
        view.entries,
        bytes(view.data_bytes)
    ))
}
