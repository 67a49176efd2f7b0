//! `bemx import`: bring a colleague's bundle into this installation.

use std::path::PathBuf;
use std::sync::LazyLock;
use std::sync::atomic::{AtomicBool, Ordering};

use anyhow::Context as _;
use bemx_identity::Contacts;
use bemx_import::{ImportOptions, ImportReport, Installation};
use bemx_install::backup::Retention;
use clap::{Args, ValueEnum};

use crate::i18n::fl;
use crate::progress::Bar;
use crate::{Ctx, home, prompt};

/// Set by the Ctrl-C handler; the import rolls back before its commit.
static CANCEL: AtomicBool = AtomicBool::new(false);

/// The progress bar's first label (it takes `&'static str`), in the
/// language chosen at start.
static OPENING: LazyLock<String> = LazyLock::new(|| fl!("cli-import-opening"));

/// Which backups to keep after an import.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum RetentionArg {
    /// Keep only the newest SICHERHEITSBACKUPs (see --keep-safety-backups), delete every other backup (the original procedure: no older backup can bring back a state before the import)
    SafetyOnly,
    /// Keep every backup
    All,
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// The bundle file (.bemx)
    file: PathBuf,
    /// Overwrite and delete the bundle file after a successful import
    #[arg(long)]
    burn: bool,
    /// Where to write the receipt for the sender [default: beside the bundle, *.receipt]
    #[arg(long, value_name = "FILE")]
    receipt: Option<PathBuf>,
    /// Which older backups to delete after the import
    #[arg(long, value_enum, default_value = "safety-only")]
    retention: RetentionArg,
    /// With --retention safety-only: how many SICHERHEITSBACKUPs to keep, the one this import takes included
    #[arg(long, value_name = "N", default_value_t = bemx_install::backup::DEFAULT_SAFETY_KEPT, value_parser = clap::value_parser!(u16).range(1..=1000))]
    keep_safety_backups: u16,
}

pub fn run(ctx: &Ctx, args: &ImportArgs) -> anyhow::Result<()> {
    let home = &ctx.home;
    let _lock = home::lock(home)?;
    let identity = home::load_identity(home)?;
    let contacts = Contacts::load(home.root())?;
    let inst = Installation { home, identity: &identity, contacts: &contacts };
    let retention = match args.retention {
        RetentionArg::SafetyOnly => Retention::KeepSafety { newest: usize::from(args.keep_safety_backups) },
        RetentionArg::All => Retention::KeepAll,
    };
    let preview = bemx_import::preview(&args.file, &inst, retention)?;
    let mut text = fl!(
        "cli-import-preview",
        bundle = preview.bundle_path.display().to_string(),
        sender = preview.sender_name.as_str(),
        fingerprint = preview.sender_fingerprint.as_str(),
        created = bemx_i18n::datetime_of(&preview.created),
        clients = preview.clients,
        documents = preview.documents,
        database = preview.database.display().to_string()
    );
    // Issue 15.3: each client by BEM-ID with its case status, and the
    // renames the merge will make, before the question.
    for (c, stored) in preview.incoming.iter().zip(&preview.stored_as) {
        let status = c
            .case_status
            .as_deref()
            .map_or_else(|| "-".to_owned(), |s| fl!("cli-case-status", status = bemx_i18n::printable(s)));
        let line = fl!("cli-import-preview-client", bem_id = bemx_i18n::printable(&c.bem_id), status = status);
        text.push('\n');
        text.push_str(&format!("  - {line}"));
        if let Some(stored) = stored {
            text.push_str(&format!(" {}", fl!("cli-import-preview-renamed", stored = bemx_i18n::printable(stored))));
        }
    }
    if !preview.backups_to_delete.is_empty() {
        text.push('\n');
        text.push_str(&fl!("cli-import-preview-deletes", backups = preview.backups_to_delete.join(", ")));
    }
    // What the user is asked about is shown even with --quiet.
    if ctx.yes {
        ctx.out.note(text)
    } else {
        eprintln!("{}", crate::output::short_ids(&text));
        drop(text);
    }
    if !prompt::confirm(ctx.yes, &fl!("cli-import-confirm"), &fl!("cli-import-confirm-hint"))? {
        ctx.out.note(fl!("cli-import-nothing"));
        return Ok(());
    }
    // The preview holds every incoming client (about 470 bytes each): let
    // it go before the merge, which needs the memory (issue 18, item 5).
    let (expected_manifest, sender_name) = (preview.manifest_sha256, preview.sender_name.clone());
    drop(preview);
    ctrlc::set_handler(|| CANCEL.store(true, Ordering::Relaxed)).with_context(|| fl!("cli-import-no-ctrlc"))?;
    let options = ImportOptions {
        receipt: args.receipt.clone(),
        burn: args.burn,
        retention,
        cancel: Some(&CANCEL),
        // What the user saw and said yes to is what gets imported.
        expected_manifest: Some(expected_manifest),
    };
    let lock = _lock;
    let mut bar = Bar::new(ctx.out.progress_enabled(), OPENING.as_str());
    let result = bemx_import::import(&args.file, &inst, &lock, &options, &mut bar);
    bar.finish();
    let report = result?;
    print_report(ctx, &report, &sender_name)
}

fn print_report(ctx: &Ctx, r: &ImportReport, sender: &str) -> anyhow::Result<()> {
    if ctx.out.is_json() {
        for w in &r.warnings {
            eprintln!("{}", fl!("cli-import-warning", warning = w.as_str()));
        }
        return ctx.out.json(r);
    }
    let out = &ctx.out;
    let rows: u64 = r.rows.iter().map(|(_, n)| n).sum();
    out.line(fl!("cli-import-done", clients = r.clients.len(), rows = rows, documents = r.documents))?;
    // The detail lines are indented here: Fluent drops a message's leading spaces.
    out.line(format!("  {}", fl!("cli-import-done-bundle-id", id = r.bundle_id.as_str())))?;
    out.line(format!("  {}", fl!("cli-import-done-safety-backup", name = r.safety_backup.as_str())))?;
    for (old, new) in &r.renamed {
        out.line(format!("  {}", fl!("cli-import-done-renamed", old = format!("{old:?}"), new = format!("{new:?}"))))?;
    }
    // One line per catalogue: a receiver with fresh catalogues gets dozens of codes.
    let mut added: std::collections::BTreeMap<&str, Vec<&str>> = std::collections::BTreeMap::new();
    for (catalogue, code) in &r.catalogue_codes_added {
        added.entry(catalogue.as_str()).or_default().push(code.as_str());
    }
    for (catalogue, codes) in added {
        out.line(format!(
            "  {}",
            fl!(
                "cli-import-done-catalogue",
                catalogue = crate::output::table_label(catalogue),
                codes = codes.join(", ")
            )
        ))?;
    }
    if !r.backups_deleted.is_empty() {
        out.line(format!("  {}", fl!("cli-import-done-backups-deleted", count = r.backups_deleted.len())))?;
    }
    out.line(format!("  {}", fl!("cli-import-done-receipt", path = r.receipt.display().to_string())))?;
    if r.burned {
        out.line(format!("  {}", fl!("cli-import-done-burned")))?;
    }
    for w in &r.warnings {
        eprintln!("{}", fl!("cli-import-warning", warning = w.as_str()));
    }
    out.advice(format!("\n{}", fl!("cli-import-next", sender = sender)))
}

#[derive(Debug, Args)]
pub struct ReceiptArgs {
    /// The bundle id of the import (see `bemx inspect` or the import's output)
    bundle_id: String,
    /// Where to write it [default: bemx-<first 8 characters of the id>.receipt in the current folder]
    #[arg(long, short, value_name = "FILE")]
    output: Option<PathBuf>,
}

/// `bemx receipt`: writes the signed receipt of an earlier import again.
pub fn receipt(ctx: &Ctx, args: &ReceiptArgs) -> anyhow::Result<()> {
    let home = &ctx.home;
    let _lock = home::lock(home)?;
    home::open_db(home)?;
    let id = args.bundle_id.trim().to_ascii_lowercase();
    let short: String = id.chars().take(8).collect();
    let target = args.output.clone().unwrap_or_else(|| PathBuf::from(format!("bemx-{short}.receipt")));
    let id = bemx_import::import::write_receipt_again(home, &id, &target)?;
    if ctx.out.is_json() {
        return ctx.out.json(&serde_json::json!({ "bundle_id": id, "receipt": target }));
    }
    ctx.out.line(fl!("cli-receipt-written", id = id.as_str(), path = target.display().to_string()))
}

#[cfg(test)]
mod tests {
    use crate::i18n::fl;

    /// The catalogue's English is the text the program printed before it
    /// (the end-to-end tests look for parts of it).
    #[test]
    fn the_preview_and_summary_read_as_before() {
        let preview = fl!(
            "cli-import-preview",
            bundle = "/b.bemx",
            sender = "Anna",
            fingerprint = "F",
            created = "2026-01-02T03:04:05Z",
            clients = 2usize,
            documents = 3usize,
            database = "/db"
        );
        assert_eq!(
            preview,
            "Import (adds clients; existing data stays):\n  bundle:    /b.bemx\n  from:      Anna (F)\n  created:   2026-01-02T03:04:05Z\n  clients:   2, documents: 3\n  into:      /db\nA SICHERHEITSBACKUP of the database is made first."
        );
        assert_eq!(
            fl!("cli-import-done", clients = 1usize, rows = 12u64, documents = 0u64),
            "Imported 1 client (12 records, 0 documents)."
        );
        assert_eq!(
            fl!("cli-import-done", clients = 0usize, rows = 0u64, documents = 0u64),
            "Imported 0 clients (0 records, 0 documents)."
        );
        assert_eq!(
            fl!("cli-import-done", clients = 1234usize, rows = 5678901u64, documents = 2u64),
            "Imported 1234 clients (5678901 records, 2 documents)."
        );
        assert_eq!(fl!("cli-import-done-bundle-id", id = "ab"), "bundle id:      ab");
        assert_eq!(fl!("cli-import-done-safety-backup", name = "S"), "safety backup:  S");
        assert_eq!(fl!("cli-import-done-receipt", path = "/r"), "receipt:        /r");
    }
}
