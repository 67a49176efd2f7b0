//! `bemx import`: bring a colleague's bundle into this installation.

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};

use anyhow::Context as _;
use bemx_identity::Contacts;
use bemx_import::{ImportOptions, ImportReport, Installation};
use bemx_install::backup::Retention;
use clap::{Args, ValueEnum};

use crate::progress::Bar;
use crate::{Ctx, home, prompt};

/// Set by the Ctrl-C handler; the import rolls back before its commit.
static CANCEL: AtomicBool = AtomicBool::new(false);

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
    ctx.out.note(format!(
        "Import (adds clients; existing data stays):\n  bundle:    {}\n  from:      {} ({})\n  created:   {}\n  clients:   {}, documents: {}\n  into:      {}\n\
         A SICHERHEITSBACKUP of the database is made first.{}",
        preview.bundle_path.display(),
        preview.sender_name,
        preview.sender_fingerprint,
        preview.created,
        preview.clients,
        preview.documents,
        preview.database.display(),
        match preview.backups_to_delete.len() {
            0 => String::new(),
            _ => format!("\nOlder backups that will be deleted: {}", preview.backups_to_delete.join(", ")),
        }
    ));
    if !prompt::confirm(ctx.yes, "Import these clients now?", "check the bundle with `bemx inspect`, then pass --yes")?
    {
        ctx.out.note("Nothing imported.");
        return Ok(());
    }
    ctrlc::set_handler(|| CANCEL.store(true, Ordering::Relaxed)).context("cannot install the Ctrl-C handler")?;
    let options = ImportOptions {
        receipt: args.receipt.clone(),
        burn: args.burn,
        retention,
        cancel: Some(&CANCEL),
        // What the user saw and said yes to is what gets imported.
        expected_manifest: Some(preview.manifest_sha256),
    };
    let lock = _lock;
    let mut bar = Bar::new(ctx.out.progress_enabled(), "opening the bundle");
    let result = bemx_import::import(&args.file, &inst, &lock, &options, &mut bar);
    bar.finish();
    let report = result?;
    print_report(ctx, &report, &preview.sender_name)
}

fn print_report(ctx: &Ctx, r: &ImportReport, sender: &str) -> anyhow::Result<()> {
    if ctx.out.is_json() {
        for w in &r.warnings {
            eprintln!("warning: {w}");
        }
        return ctx.out.json(r);
    }
    let out = &ctx.out;
    let rows: u64 = r.rows.iter().map(|(_, n)| n).sum();
    let clients = match r.clients.len() {
        1 => "1 client".to_string(),
        n => format!("{n} clients"),
    };
    out.line(format!("Imported {clients} ({rows} records, {} documents).", r.documents))?;
    out.line(format!("  bundle id:      {}", r.bundle_id))?;
    out.line(format!("  safety backup:  {}", r.safety_backup))?;
    for (old, new) in &r.renamed {
        out.line(format!("  BEM-ID {old:?} already existed here: the imported client is now {new:?}"))?;
    }
    // One line per catalogue: a receiver with fresh catalogues gets dozens of codes.
    let mut added: std::collections::BTreeMap<&str, Vec<&str>> = std::collections::BTreeMap::new();
    for (catalogue, code) in &r.catalogue_codes_added {
        added.entry(catalogue.as_str()).or_default().push(code.as_str());
    }
    for (catalogue, codes) in added {
        out.line(format!("  catalogue entries added to {catalogue}: {}", codes.join(", ")))?;
    }
    if !r.backups_deleted.is_empty() {
        out.line(format!("  older backups deleted: {}", r.backups_deleted.len()))?;
    }
    out.line(format!("  receipt:        {}", r.receipt.display()))?;
    if r.burned {
        out.line("  the bundle file was overwritten and deleted")?;
    }
    for w in &r.warnings {
        eprintln!("warning: {w}");
    }
    out.advice(format!(
        "\nNext: send the receipt file to {sender}. With it they run `bemx handover confirm`, which removes the clients from their PC."
    ))
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
    bemx_import::import::write_receipt_again(home, &id, &target)?;
    if ctx.out.is_json() {
        return ctx.out.json(&serde_json::json!({ "bundle_id": id, "receipt": target }));
    }
    ctx.out.line(format!("Receipt for bundle {id} written to {}.", target.display()))
}
