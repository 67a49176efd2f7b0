//! `bemx inspect` and `bemx verify`: look at a bundle without importing it.

use std::path::{Path, PathBuf};

use bemx_identity::{Contacts, Identity};
use bemx_import::import::sender_fingerprint;
use bemx_install::schema::{self, SchemaMatch};
use bemx_unpack::{BundleReader, HeaderInfo, Recipient, SenderTrust, UnpackError};
use serde::Serialize;

use crate::i18n::fl;
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
    /// The clients by BEM-ID with their case status (issue 15.3), when the
    /// table entries could be read.
    incoming: Option<Vec<bemx_import::import::IncomingClient>>,
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

/// The sender's trust as `--json` reports it (data, never translated), and
/// the contact's name.
fn trust_word(t: &SenderTrust) -> (&'static str, Option<String>) {
    match t {
        SenderTrust::Trusted { name } => ("trusted", Some(name.clone())),
        SenderTrust::KeyChanged { name } => ("key changed", Some(name.clone())),
        SenderTrust::ClaimsDiffer { name, .. } => ("claims another sender", Some(name.clone())),
        _ => ("not trusted", None),
    }
}

/// A [`trust_word`] for the user, in their language.
fn trust_text(word: &str) -> String {
    match word {
        "trusted" => fl!("cli-inspect-trust-trusted"),
        "key changed" => fl!("cli-inspect-trust-key-changed"),
        "claims another sender" => fl!("cli-inspect-trust-claims-differ"),
        _ => fl!("cli-inspect-trust-not-trusted"),
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
        incoming: None,
        tables: m.tables.iter().map(|t| TableView { name: t.name.clone(), rows: t.rows }).collect(),
        entries: m.entries.iter().map(|e| EntryView { path: e.path.clone(), size: e.size }).collect(),
        payload_bytes: m.payload_size(),
        already_imported,
    })
}

fn header_view(path: &Path) -> anyhow::Result<HeaderInfo> {
    bemx_unpack::inspect_header(path).map_err(|e| match e {
        UnpackError::Io(io) => {
            Failure::read(fl!("cli-inspect-cannot-read", path = path.display().to_string()), &io).into()
        }
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
        failure = Some(UnpackError::NotABundle { detail: fl!("cli-inspect-no-age-header") }.into());
    } else if let Some((identity, contacts)) = local(ctx)? {
        let opened = std::fs::File::open(path)
            .map_err(UnpackError::Io)
            .and_then(|f| BundleReader::open(f, me(&identity), &contacts, false));
        match opened {
            Ok(mut reader) => {
                let mut m = manifest_view(ctx, &reader)?;
                // Issue 15.3: the clients by BEM-ID with their case status,
                // read from the table entries at the start. Best effort:
                // inspect shows what it can of a damaged or cut bundle
                // (verify says what is wrong with it).
                // Only a trusted sender's rows are read: the header and
                // manifest say who it is from before any content is shown.
                if m.sender.trust == "trusted" {
                    // Named as this installation names its clients, if it
                    // has a database; else as bemx's own schema does.
                    let shape = home::open_db(&ctx.home)
                        .ok()
                        .and_then(|db| bemx_db::installation_graph(db.conn()).ok())
                        .map_or_else(bemx_import::import::ClientShape::reference, |g| {
                            bemx_import::import::ClientShape::of(&g)
                        });
                    m.incoming = bemx_import::import::bundle_clients(&mut reader, &shape).ok();
                }
                if m.sender.trust != "trusted" {
                    failure = Some(
                        Failure::new(
                            Code::SenderNotTrusted,
                            fl!(
                                "cli-inspect-sender-not-trusted",
                                trust = trust_text(m.sender.trust),
                                claimed = format!("{:?}", m.sender.claimed_name),
                                fingerprint = m.sender.fingerprint.as_str()
                            ),
                        )
                        .hint(fl!("cli-inspect-sender-not-trusted-hint"))
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
    out.line(fl!("cli-inspect-file", file = v.file.display().to_string(), size = bytes(v.file_size)))?;
    if !v.age.is_age {
        return out.line(fl!("cli-inspect-encryption-none"));
    }
    let types = v.age.stanza_types.iter().filter(|t| !t.ends_with("-grease")).cloned().collect::<Vec<_>>().join(", ");
    out.line(if v.age.bundle_shaped {
        fl!("cli-inspect-encryption", recipients = v.age.recipients, types = types)
    } else {
        fl!("cli-inspect-encryption-not-bundle", recipients = v.age.recipients, types = types)
    })?;
    let Some(m) = &v.manifest else {
        if v.error.is_none() {
            out.advice(fl!("cli-inspect-no-installation"))?;
        }
        return Ok(());
    };
    out.line(fl!("cli-inspect-bundle-id", id = m.bundle_id.as_str()))?;
    out.line(fl!("cli-inspect-created", created = bemx_i18n::datetime_of(&m.created)))?;
    let who = m
        .sender
        .contact
        .clone()
        .unwrap_or_else(|| fl!("cli-inspect-unverified-name", name = format!("{:?}", m.sender.claimed_name)));
    out.line(fl!(
        "cli-inspect-sender",
        who = who,
        trust = trust_text(m.sender.trust),
        fingerprint = m.sender.fingerprint.as_str()
    ))?;
    out.line(fl!("cli-inspect-recipient"))?;
    let schema = match m.schema_matches_local {
        Some(true) => fl!("cli-inspect-schema-matches"),
        Some(false) => fl!("cli-inspect-schema-differs"),
        None => fl!("cli-inspect-schema-no-database"),
    };
    out.line(fl!("cli-inspect-schema", version = m.schema_version, comparison = schema))?;
    match &m.already_imported {
        Some(at) => out.line(fl!("cli-inspect-already-imported", at = bemx_i18n::datetime_of(at)))?,
        None => out.line(fl!("cli-inspect-not-imported"))?,
    }
    out.line(fl!("cli-inspect-clients", count = m.clients.len()))?;
    match &m.incoming {
        Some(list) => {
            for c in list {
                // From the sender's database: shown escaped (no control
                // characters reach the terminal).
                let status = c
                    .case_status
                    .as_deref()
                    .map_or_else(|| "-".to_owned(), |s| fl!("cli-case-status", status = bemx_i18n::printable(s)));
                let bem_id = bemx_i18n::printable(&c.bem_id);
                out.line(format!("  {}", fl!("cli-import-preview-client", bem_id = bem_id, status = status)))?;
            }
        }
        None => {
            for c in &m.clients {
                out.line(format!("  {c}"))?;
            }
        }
    }
    let rows: Vec<Vec<String>> =
        m.tables.iter().map(|t| vec![crate::output::table_label(&t.name), t.rows.to_string()]).collect();
    let header = [fl!("cli-inspect-column-table"), fl!("cli-inspect-column-rows")];
    out.line(table(&header.each_ref().map(String::as_str), &rows))?;
    let docs = m.entries.iter().filter(|e| e.path.starts_with(bemx_format::BLOBS_PREFIX)).count();
    out.line(fl!("cli-inspect-entries", entries = m.entries.len(), documents = docs, size = bytes(m.payload_bytes)))
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
        return Err(UnpackError::NotABundle { detail: fl!("cli-verify-no-age-header") }.into());
    }
    let Some((identity, contacts)) = local(ctx)? else {
        return Err(Failure::new(
            Code::NoInstallation,
            fl!("cli-verify-no-installation", path = ctx.home.root().display().to_string()),
        )
        .hint(fl!("cli-verify-no-installation-hint"))
        .into());
    };
    let verified = bemx_unpack::verify_file(path, me(&identity), &contacts, true)?;
    // §8: a bundle of another schema is readable but not importable; say so.
    if let Ok(db) = home::open_db(&ctx.home) {
        let refused = match schema::compare(db.conn(), &verified.manifest.schema)? {
            SchemaMatch::Same => None,
            SchemaMatch::VersionDiffers { theirs, ours } => {
                Some(fl!("cli-verify-refused-version", theirs = theirs, ours = ours))
            }
            SchemaMatch::FingerprintDiffers { version, theirs, ours } => {
                Some(fl!("cli-verify-refused-fingerprint", version = version, theirs = theirs, ours = ours))
            }
            SchemaMatch::ProfileDiffers { theirs, ours } => {
                Some(fl!("cli-verify-refused-profile", theirs = theirs, ours = ours))
            }
        };
        if let Some(refused) = refused {
            return Err(Failure::new(Code::WouldBeRefused, refused).hint(fl!("cli-verify-refused-hint")).into());
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
    ctx.out.line(fl!(
        "cli-verify-verified",
        id = view.bundle_id.as_str(),
        sender = view.sender.as_str(),
        clients = view.clients,
        entries = view.entries,
        size = bytes(view.data_bytes)
    ))
}

#[cfg(test)]
mod tests {
    use crate::i18n::fl;

    /// The catalogue's English is the text the program printed before it.
    #[test]
    fn inspect_and_verify_read_as_before() {
        assert_eq!(
            fl!("cli-inspect-encryption-not-bundle", recipients = 2usize, types = "X25519, scrypt"),
            "encryption:  age, 2 recipient(s): X25519, scrypt — not the shape of a bemx bundle"
        );
        assert_eq!(
            fl!("cli-inspect-schema", version = 1u64, comparison = fl!("cli-inspect-schema-matches")),
            "schema:      version 1 (matches this database)"
        );
        assert_eq!(
            fl!("cli-inspect-sender", who = "Anna", trust = super::trust_text("trusted"), fingerprint = "F"),
            "sender:      Anna, trusted, fingerprint F"
        );
        assert_eq!(
            fl!("cli-verify-refused-version", theirs = 2u64, ours = 1u64),
            "the bundle is intact, but it comes from database schema version 2, and this installation has schema version 1: importing it would be refused"
        );
    }
}
