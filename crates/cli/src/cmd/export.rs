//! `bemx export`: hand clients over to one contact as a signed, encrypted bundle.

use std::io::Read as _;
use std::path::{Path, PathBuf};
use std::sync::LazyLock;
use std::sync::atomic::{AtomicBool, Ordering};

use anyhow::Context as _;
use bemx_identity::{Contacts, Identity};
use bemx_pack::{ExportReport, ExportRequest, PackError, Recipient, Sender};
use clap::Args;

use crate::i18n::fl;
use crate::output::bytes;
use crate::progress::Bar;
use crate::{Code, Ctx, Failure, home, passphrase};

/// zstd worker threads of an export.
const WORKERS: u32 = 2;

/// Largest clients file read (a list of ids, never this large in practice).
const MAX_CLIENTS_FILE: u64 = 16 * 1024 * 1024;

/// Set by the Ctrl-C handler; the export stops, removes its partial file and
/// leaves the database unchanged.
static CANCEL: AtomicBool = AtomicBool::new(false);

/// The progress bar's first label (it takes `&'static str`), in the
/// language chosen at start.
static CHECKING: LazyLock<String> = LazyLock::new(|| fl!("cli-export-checking"));

#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("selection").required(true).args(["client", "clients_file"])))]
pub struct ExportArgs {
    /// The receiving contact: its name or fingerprint, or the start of either if it fits one contact only (see `bemx contacts list`)
    #[arg(long, value_name = "CONTACT")]
    to: String,
    /// A client to hand over: UUID or BEM-ID (repeat or list several)
    #[arg(long, value_name = "ID", num_args = 1..)]
    client: Vec<String>,
    /// A file with one client UUID or BEM-ID per line (# starts a comment line)
    #[arg(long, value_name = "FILE")]
    clients_file: Option<PathBuf>,
    /// The bundle file to write; it must not exist yet
    #[arg(long, short, value_name = "FILE")]
    output: PathBuf,
    /// Export clients without a recorded handover consent; the reason goes into the audit log
    #[arg(long, value_name = "REASON")]
    without_consent: Option<String>,
}

pub fn run(ctx: &Ctx, args: &ExportArgs) -> anyhow::Result<()> {
    let home = &ctx.home;
    let clients = match &args.clients_file {
        Some(file) => read_clients_file(file)?,
        None => args.client.clone(),
    };
    // Refused before the lock and the passphrase; the export checks it again.
    if let Some(reason) = &args.without_consent {
        bemx_pack::check_consent_reason(reason)?;
    }
    let card = home::own_card(home)?;
    let lock = home::lock(home)?;
    let contacts = Contacts::load(home.root())?;
    let contact = contacts.find(&args.to)?;
    let mut db = home::open_db(home)?;
    // Cheap refusals before the passphrase is asked for; the export checks
    // all of this again inside its transaction.
    bemx_pack::check_database_owner(&db, card.installation_id)?;
    check_target(&args.output)?;
    bemx_db::refuse_unknown_clients(db.conn(), &clients)?;
    let identity = Identity::load(home.root(), &passphrase::for_loading(home.root())?)?;

    let sender = Sender::new(&identity);
    let recipient = Recipient::new(&contact.card);
    let request = ExportRequest {
        confirmed_without_consent: None,
        clients,
        without_consent: args.without_consent.clone(),
        output: args.output.clone(),
        workers: WORKERS,
        cancel: Some(&CANCEL),
    };

    // Without a handler Ctrl-C would kill the process mid-write; the
    // export's own cleanup is the better way out.
    ctrlc::set_handler(|| CANCEL.store(true, Ordering::Relaxed)).with_context(|| fl!("cli-export-no-ctrlc"))?;
    let mut progress = Bar::new(ctx.out.progress_enabled(), CHECKING.as_str());
    let result = bemx_pack::export(home, &lock, &mut db, &sender, &recipient, &request, &mut progress);
    progress.finish();
    let report = result?;
    print_summary(ctx, &report, &contact.card.name, &recipient.fingerprint)
}

/// Refuses a target that exists or whose folder does not, as the export would.
fn check_target(target: &Path) -> anyhow::Result<()> {
    if target.exists() {
        return Err(PackError::TargetExists(target.to_path_buf()).into());
    }
    let dir = match target.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    if !dir.is_dir() {
        return Err(PackError::TargetFolder(dir.to_path_buf()).into());
    }
    Ok(())
}

/// Reads `--clients-file`: one UUID or BEM-ID per line; blank lines and
/// lines starting with `#` are skipped.
fn read_clients_file(file: &Path) -> anyhow::Result<Vec<String>> {
    let f = std::fs::File::open(file).map_err(|e| {
        let failure = Failure::read(fl!("cli-export-cannot-open-clients-file", path = file.display().to_string()), &e);
        match e.kind() {
            std::io::ErrorKind::NotFound => failure.hint(fl!("cli-export-clients-file-not-found-hint")),
            _ => failure,
        }
    })?;
    let mut text = String::new();
    f.take(MAX_CLIENTS_FILE + 1).read_to_string(&mut text).map_err(|e| {
        let failure = Failure::read(fl!("cli-export-cannot-read-clients-file", path = file.display().to_string()), &e);
        match e.kind() {
            // Not UTF-8: the file is readable, but it is not a list of ids.
            std::io::ErrorKind::InvalidData => failure.hint(fl!("cli-export-clients-file-wrong-hint")),
            _ => failure,
        }
    })?;
    if text.len() as u64 > MAX_CLIENTS_FILE {
        return Err(Failure::new(
            Code::ClientsFileTooLarge,
            fl!("cli-export-clients-file-too-large", path = file.display().to_string()),
        )
        .hint(fl!("cli-export-clients-file-wrong-hint"))
        .into());
    }
    let clients: Vec<String> =
        text.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#')).map(str::to_owned).collect();
    if clients.is_empty() {
        return Err(Failure::new(
            Code::ClientsFileEmpty,
            fl!("cli-export-clients-file-empty", path = file.display().to_string()),
        )
        .hint(fl!("cli-export-clients-file-empty-hint"))
        .into());
    }
    Ok(clients)
}

fn print_summary(ctx: &Ctx, report: &ExportReport, contact: &str, fingerprint: &str) -> anyhow::Result<()> {
    if ctx.out.is_json() {
        return ctx.out.json(report);
    }
    let out = &ctx.out;
    out.line(fl!("cli-export-written"))?;
    // The detail lines are indented here: Fluent drops a message's leading spaces.
    let lines = [
        fl!("cli-export-bundle-id", id = report.bundle_id.as_str()),
        fl!("cli-export-file", path = report.path.display().to_string()),
        fl!("cli-export-for", contact = contact, fingerprint = fingerprint),
        fl!("cli-export-clients", count = report.clients.len()),
        fl!("cli-export-documents", count = report.documents),
        fl!("cli-export-size", size = bytes(report.file_bytes)),
    ];
    for line in lines {
        out.line(format!("  {line}"))?;
    }
    if !report.without_consent.is_empty() {
        out.line(format!("  {}", fl!("cli-export-without-consent", count = report.without_consent.len())))?;
    }
    out.advice(format!("\n{}", fl!("cli-export-next", contact = contact)))
}

#[cfg(test)]
mod tests {
    use crate::i18n::fl;

    /// The catalogue's English is the text the program printed before it.
    #[test]
    fn the_summary_reads_as_before() {
        assert_eq!(fl!("cli-export-bundle-id", id = "ab"), "bundle id:  ab");
        assert_eq!(fl!("cli-export-size", size = "3 MB"), "size:       3 MB");
        assert_eq!(
            fl!("cli-export-without-consent", count = 1usize),
            "1 client(s) went without a recorded handover consent; the reason is in the audit log."
        );
        assert_eq!(
            fl!("cli-export-next", contact = "Anna"),
            "Next: give the file to Anna (e.g. on a USB stick). Only that installation can open it.\n\
             They import it and send back a receipt. Until then these clients are read-only and hidden\n\
             here (`bemx clients list --all` shows them)."
        );
    }
}
