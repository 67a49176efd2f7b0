//! `bemx db`: demo data and the consistency check.

use std::time::Instant;

use bemx_db::check_database;
use bemx_demo::{SeedOptions, seed_with};
use clap::{Args, Subcommand};

use crate::i18n::fl;
use crate::output::bytes;
use crate::{Code, Ctx, Failure, home};

#[derive(Debug, Subcommand)]
pub enum DbCommand {
    /// Add realistic demo clients (for trying bemx out; never in a real installation)
    Seed(SeedArgs),
    /// Check the database: integrity, references between records, every document's checksum
    Check,
}

#[derive(Debug, Args)]
pub struct SeedArgs {
    /// Number of demo clients to add
    #[arg(long, value_name = "N")]
    clients: u32,
    /// Seed of the generator: the same seed gives the same data
    #[arg(long, value_name = "S", default_value_t = 1)]
    seed: u64,
    /// Add no documents (scanned letters and forms)
    #[arg(long)]
    no_documents: bool,
    /// Most documents per client [default: 5]
    #[arg(long, value_name = "N", conflicts_with = "no_documents")]
    max_documents: Option<u32>,
    /// Document sizes in bytes, as MIN-MAX [default: 51200-2097152]
    #[arg(long, value_name = "MIN-MAX", value_parser = parse_range, conflicts_with = "no_documents")]
    document_bytes: Option<(u32, u32)>,
}

fn parse_range(s: &str) -> Result<(u32, u32), String> {
    let (min, max) = s.split_once('-').ok_or_else(|| fl!("cli-seed-range-expected"))?;
    let min = min.trim().parse::<u32>().map_err(|e| format!("MIN: {e}"))?;
    let max = max.trim().parse::<u32>().map_err(|e| format!("MAX: {e}"))?;
    if min > max {
        return Err(fl!("cli-seed-range-reversed"));
    }
    Ok((min, max))
}

pub fn run(ctx: &Ctx, cmd: &DbCommand) -> anyhow::Result<()> {
    match cmd {
        DbCommand::Seed(args) => seed(ctx, args),
        DbCommand::Check => check(ctx),
    }
}

fn seed(ctx: &Ctx, args: &SeedArgs) -> anyhow::Result<()> {
    let _lock = home::lock(&ctx.home)?;
    let mut db = home::open_db(&ctx.home)?;
    if bemx_db::installation_profile(db.conn())?.is_some() {
        return Err(Failure::new(Code::HostDatabase, fl!("cli-seed-host")).hint(fl!("cli-seed-host-hint")).into());
    }
    let mut opts = SeedOptions::new(args.clients, args.seed);
    opts.documents = !args.no_documents;
    if let Some(n) = args.max_documents {
        opts.max_documents_per_client = n;
    }
    if let Some(range) = args.document_bytes {
        opts.document_bytes = range;
    }
    let started = Instant::now();
    let report = seed_with(&mut db, &opts)?;
    let seconds = started.elapsed().as_secs_f64();
    if ctx.out.is_json() {
        return ctx.out.json(&serde_json::json!({
            "clients": report.clients,
            "rows": report.rows,
            "documents": report.documents,
            "document_bytes": report.document_bytes,
            "seconds": seconds,
        }));
    }
    // The tenths apart, for the language's decimal sign.
    let seconds = format!("{seconds:.1}");
    let (whole, tenths) = seconds.split_once('.').unwrap_or((seconds.as_str(), "0"));
    ctx.out.line(fl!(
        "cli-seed-done",
        clients = report.clients,
        records = report.rows,
        documents = report.documents,
        size = bytes(report.document_bytes),
        whole = whole,
        tenths = tenths
    ))
}

fn check(ctx: &Ctx) -> anyhow::Result<()> {
    let db = home::open_db(&ctx.home)?;
    let report = check_database(db.conn())?;
    let ok = report.is_ok();
    if ctx.out.is_json() {
        let mut value = serde_json::to_value(&report)?;
        if let Some(obj) = value.as_object_mut() {
            obj.insert("ok".into(), serde_json::Value::Bool(ok));
        }
        ctx.out.json(&value)?;
    } else {
        for line in &report.integrity {
            ctx.out.line(fl!("cli-check-integrity", line = line.as_str()))?;
        }
        for problem in &report.problems {
            ctx.out.line(fl!("cli-check-problem", problem = problem.message.as_str()))?;
        }
        let rows: u64 = report.rows_per_table.iter().map(|(_, n)| n).sum();
        if ok {
            ctx.out.line(fl!("cli-check-consistent", records = rows, documents = report.documents_verified))?;
        }
    }
    if ok {
        return Ok(());
    }
    let count = report.integrity.len() + report.problems.len();
    Err(Failure::new(Code::DatabaseProblems, fl!("cli-check-failed", count = count))
        .hint(fl!("cli-check-failed-hint"))
        .into())
}
