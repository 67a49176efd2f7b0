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
/// Library errors carry their advice apart from their message (each error
/// type's `advice()`); this type is the same for conditions the command
/// line itself detects.
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

    /// A failed read of a file the user named: the OS error once, in the
    /// message, and advice by its kind (a read never needs free space).
    pub fn read(what: impl std::fmt::Display, error: &std::io::Error) -> Self {
        Self::new(format!("{what}: {error}")).hint(bemx_format::durable::read_advice(error))
    }

    /// A failed write or creation: the OS error once, in the message, and
    /// advice by its kind.
    pub fn write(what: impl std::fmt::Display, error: &std::io::Error) -> Self {
        Self::new(format!("{what}: {error}")).hint(bemx_format::durable::io_advice(error))
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
    // An import fails only before its commit (later trouble is a warning),
    // so a failed import changed nothing: say that a retry is safe.
    let importing = matches!(cli.command, Command::Import(_));
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            report(&e);
            if importing {
                eprintln!("note: nothing was imported; the data on this PC is unchanged");
            }
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
    home::clean_leftovers(&ctx.home);
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

/// Prints `error: …` and, where an error of the chain carries advice,
/// `hint: …` on stderr.
fn report(e: &anyhow::Error) {
    // `{:#}` joins the context chain: "what we did: what went wrong".
    eprintln!("error: {e:#}");
    if let Some(hint) = advice_of(e) {
        eprintln!("hint: {hint}");
    }
}

/// The advice of the first error in `e`'s chain that carries any. The
/// outermost one knows best what the user was doing; wrappers hand on the
/// advice of the error they wrap.
pub(crate) fn advice_of(e: &anyhow::Error) -> Option<String> {
    e.chain().find_map(|cause| {
        if let Some(f) = cause.downcast_ref::<Failure>() {
            return f.hint.clone();
        }
        if let Some(e) = cause.downcast_ref::<bemx_import::ImportError>() {
            return e.advice();
        }
        if let Some(e) = cause.downcast_ref::<bemx_install::InstallError>() {
            return e.advice();
        }
        if let Some(e) = cause.downcast_ref::<bemx_pack::PackError>() {
            return e.advice();
        }
        if let Some(e) = cause.downcast_ref::<bemx_unpack::UnpackError>() {
            return e.advice();
        }
        if let Some(e) = cause.downcast_ref::<bemx_format::FormatError>() {
            return e.advice();
        }
        if let Some(e) = cause.downcast_ref::<bemx_identity::IdentityError>() {
            return e.advice();
        }
        if let Some(e) = cause.downcast_ref::<bemx_db::DbError>() {
            return e.advice();
        }
        if let Some(e) = cause.downcast_ref::<bemx_demo::DemoError>() {
            return e.advice();
        }
        None
    })
}

#[cfg(test)]
mod tests {
    use anyhow::Context as _;

    use super::{Failure, advice_of};

    #[test]
    fn the_hint_comes_from_the_error_not_from_its_wording() {
        let e = anyhow::Error::from(bemx_pack::PackError::TargetFolder("/media/stick".into()));
        assert_eq!(format!("{e:#}"), "the folder /media/stick does not exist");
        assert_eq!(advice_of(&e).as_deref(), Some("plug in the USB stick or choose an existing folder"));
        // A message that merely reads like advice gets no hint.
        assert_eq!(advice_of(&anyhow::anyhow!("could not read x: check the drive")), None);
    }

    #[test]
    fn advice_is_found_through_context_and_wrappers() {
        let wrapped = bemx_import::ImportError::Unpack(Box::new(bemx_unpack::UnpackError::NotForThisInstallation));
        let e = anyhow::Error::from(wrapped).context("cannot import x.bemx");
        assert_eq!(advice_of(&e).as_deref(), Some("ask the sender to export it again to your contact card"));
        let e = anyhow::Error::from(bemx_db::DbError::Busy).context("cannot open the database");
        assert_eq!(advice_of(&e).as_deref(), Some("close BEMdok and every other bemx window, then try again"));
    }

    #[test]
    fn a_failure_keeps_its_own_hint() {
        let e = anyhow::Error::from(Failure::new("the passphrase is empty").hint("type one"));
        assert_eq!(format!("{e:#}"), "the passphrase is empty");
        assert_eq!(advice_of(&e).as_deref(), Some("type one"));
        let e: anyhow::Result<()> = Err(std::io::Error::other("x")).context("cannot write the question");
        assert_eq!(advice_of(&e.unwrap_err()), None);
    }
}
