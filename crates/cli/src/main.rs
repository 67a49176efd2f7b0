//! `bemx`: hands BEM case files between installations as signed, encrypted
//! bundles. This binary is glue: it parses the command line, asks the user
//! what only a human can decide, and prints what the library crates did.
#![forbid(unsafe_code)]
// The binary is the one place in the workspace that prints: results go to
// stdout, prompts, progress and errors to stderr.
#![allow(clippy::print_stdout, clippy::print_stderr)]

mod cmd;
mod home;
mod output;
mod passphrase;
mod progress;
mod prompt;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};

use crate::output::Output;

/// Hands BEM case files from one installation to another as signed,
/// encrypted bundles.
#[derive(Debug, Parser)]
#[command(name = "bemx", version, propagate_version = true, max_term_width = 100)]
struct Cli {
    #[command(flatten)]
    global: Global,
    #[command(subcommand)]
    command: Command,
}

/// Options every command understands, before or after the command name.
#[derive(Debug, Args)]
#[command(next_help_heading = "Global options")]
struct Global {
    /// Installation folder [default: the platform's data folder, e.g. ~/.local/share/bemx]
    #[arg(long, global = true, env = "BEMX_HOME", hide_env_values = true, value_name = "DIR")]
    home: Option<PathBuf>,
    /// Database file [default: <home>/bemdok.sqlite]
    #[arg(long, global = true, value_name = "PATH")]
    db: Option<PathBuf>,
    /// Print one JSON document on stdout instead of text
    #[arg(long, global = true)]
    json: bool,
    /// No progress bars and no advice, only results and errors
    #[arg(long, short, global = true)]
    quiet: bool,
    /// Answer yes to every confirmation question
    #[arg(long, short, global = true)]
    yes: bool,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Create a new installation: database and identity
    Init(cmd::init::InitArgs),
    /// This installation's identity
    #[command(subcommand)]
    Id(cmd::id::IdCommand),
    /// Trusted installations (colleagues) you exchange bundles with
    #[command(subcommand)]
    Contacts(cmd::contacts::ContactsCommand),
    /// Database maintenance: demo data, consistency check
    #[command(subcommand)]
    Db(cmd::db::DbCommand),
    /// The clients in this installation
    #[command(subcommand)]
    Clients(cmd::clients::ClientsCommand),
    /// Hand clients over: write a bundle for one contact
    Export(cmd::export::ExportArgs),
    /// Show what a bundle is: without keys what age shows, with this installation's keys the signed manifest
    Inspect {
        /// The bundle file
        file: PathBuf,
    },
    /// Check a whole bundle (every hash, the signature, the end of the file) without importing it
    Verify {
        /// The bundle file
        file: PathBuf,
    },
    /// Import a colleague's bundle (adds clients; a safety backup is made first)
    Import(cmd::import::ImportArgs),
    /// Write the receipt of an earlier import again (if the sender's copy got lost)
    Receipt(cmd::import::ReceiptArgs),
    /// The giving side after an export: list, confirm with the receipt, or cancel
    #[command(subcommand)]
    Handover(cmd::handover::HandoverCommand),
    /// Encrypted backups of the database, and restore (which replaces the database)
    #[command(subcommand)]
    Backup(cmd::backup::BackupCommand),
    /// Run a whole handover between two new demo installations
    Demo(cmd::demo::DemoArgs),
}

/// A refusal or failure with an optional line telling the user what to do.
///
/// Library errors already say what to do in their message; this type is for
/// conditions the command line itself detects.
#[derive(Debug)]
pub struct Failure {
    message: String,
    hint: Option<String>,
}

impl Failure {
    /// A failure without a hint.
    pub fn new(message: impl Into<String>) -> Self {
        Self { message: message.into(), hint: None }
    }

    /// Adds the "hint:" line.
    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Failure {}

/// What every command gets: where the installation is and how to talk.
#[derive(Debug)]
pub struct Ctx {
    /// The installation.
    pub home: bemx_install::Home,
    /// Human or JSON output.
    pub out: Output,
    /// `--yes`.
    pub yes: bool,
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        // Prints usage errors (exit 2) and --help/--version (exit 0).
        Err(e) => e.exit(),
    };
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            report(&e);
            ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli) -> anyhow::Result<()> {
    let Global { home, db, json, quiet, yes } = cli.global;
    let root = match home {
        Some(dir) => dir,
        None => home::default_root()?,
    };
    let ctx = Ctx { home: bemx_install::Home::new(root, db), out: Output::new(json, quiet), yes };
    match cli.command {
        Command::Init(args) => cmd::init::run(&ctx, &args),
        Command::Id(c) => cmd::id::run(&ctx, &c),
        Command::Contacts(c) => cmd::contacts::run(&ctx, &c),
        Command::Db(c) => cmd::db::run(&ctx, &c),
        Command::Clients(c) => cmd::clients::run(&ctx, &c),
        Command::Export(args) => cmd::export::run(&ctx, &args),
        Command::Inspect { file } => cmd::bundle::inspect(&ctx, &file),
        Command::Verify { file } => cmd::bundle::verify(&ctx, &file),
        Command::Import(args) => cmd::import::run(&ctx, &args),
        Command::Receipt(args) => cmd::import::receipt(&ctx, &args),
        Command::Handover(c) => cmd::handover::run(&ctx, &c),
        Command::Backup(c) => cmd::backup::run(&ctx, &c),
        Command::Demo(args) => cmd::demo::run(&ctx, &args),
    }
}

/// Prints `error: …` and, where there is one, `hint: …` on stderr.
fn report(e: &anyhow::Error) {
    if let Some(f) = e.downcast_ref::<Failure>() {
        eprintln!("error: {}", f.message);
        if let Some(hint) = &f.hint {
            eprintln!("hint: {hint}");
        }
        return;
    }
    // `{:#}` joins the context chain: "what we did: what went wrong".
    let message = format!("{e:#}");
    if let Some(advice) = advice_of(e) {
        eprintln!("error: {message}");
        eprintln!("hint: {advice}");
        return;
    }
    let (message, hint) = split_hint(&message);
    eprintln!("error: {message}");
    if let Some(hint) = hint {
        eprintln!("hint: {hint}");
    }
}

/// The advice the library error in `e`'s chain carries, if its type keeps
/// message and advice apart.
fn advice_of(e: &anyhow::Error) -> Option<String> {
    e.chain().find_map(|cause| {
        if let Some(e) = cause.downcast_ref::<bemx_import::ImportError>() {
            return Some(e.advice());
        }
        if let Some(e) = cause.downcast_ref::<bemx_install::InstallError>() {
            return Some(e.advice());
        }
        if let Some(e) = cause.downcast_ref::<bemx_format::FormatError>() {
            return Some(e.advice());
        }
        if let Some(e) = cause.downcast_ref::<bemx_identity::IdentityError>() {
            return Some(e.advice());
        }
        if let Some(e) = cause.downcast_ref::<bemx_db::DbError>() {
            return Some(e.advice());
        }
        if let Some(e) = cause.downcast_ref::<bemx_unpack::UnpackError>() {
            return Some(e.advice());
        }
        if let Some(e) = cause.downcast_ref::<bemx_pack::PackError>() {
            return Some(e.advice());
        }
        None
    })?
}

/// Verbs that start the "what to do" part of library messages, which read
/// "what happened: what to do".
const HINT_VERBS: &[&str] = &[
    "add", "ask", "call", "check", "choose", "close", "compare", "confirm", "contact", "copy", "create", "delete",
    "do", "give", "import", "install", "list", "make", "pass", "refuse", "send", "tell", "wait", "plug", "record",
    "remove", "restore", "run", "try", "type", "update", "use", "write",
];

/// Splits a library message at the first ": " that is followed by advice
/// (a word of [`HINT_VERBS`]), so the advice can go on its own `hint:` line.
fn split_hint(message: &str) -> (String, Option<String>) {
    for (at, _) in message.match_indices(": ") {
        let (what, rest) = message.split_at(at);
        let advice = rest.trim_start_matches(": ");
        let first = advice.split_whitespace().next().unwrap_or_default();
        if !what.is_empty() && HINT_VERBS.contains(&first) {
            return (what.to_owned(), Some(advice.to_owned()));
        }
    }
    (message.to_owned(), None)
}

#[cfg(test)]
mod tests {
    use super::split_hint;

    #[test]
    fn advice_goes_on_its_own_line() {
        let (what, hint) = split_hint("the folder x does not exist: plug in the USB stick");
        assert_eq!(what, "the folder x does not exist");
        assert_eq!(hint.as_deref(), Some("plug in the USB stick"));
    }

    #[test]
    fn other_colons_stay() {
        let (what, hint) = split_hint("could not read /tmp/x: No such file or directory");
        assert_eq!(what, "could not read /tmp/x: No such file or directory");
        assert_eq!(hint, None);
    }

    #[test]
    fn first_advice_wins() {
        let (what, hint) = split_hint("writing x failed: disk full: check the drive; if broken: restore it");
        assert_eq!(what, "writing x failed: disk full");
        assert_eq!(hint.as_deref(), Some("check the drive; if broken: restore it"));
    }
}
