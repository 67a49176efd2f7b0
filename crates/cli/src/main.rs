//! `bemx`: hands BEM case files between installations as signed, encrypted
//! bundles. This binary is glue: it parses the command line, asks the user
//! what only a human can decide, and prints what the library crates did.
#![forbid(unsafe_code)]
// The binary is the one place in the workspace that prints: results go to
// stdout, prompts, progress and errors to stderr.
#![allow(clippy::print_stdout, clippy::print_stderr)]

mod cmd;
mod home;
mod i18n;
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
    /// Language: de or en [default: BEMX_LANG, else the system's language: German when it is German]
    #[arg(long, global = true, value_name = "LANG", value_parser = parse_lang)]
    lang: Option<bemx_i18n::Lang>,
}

fn parse_lang(value: &str) -> Result<bemx_i18n::Lang, String> {
    bemx_i18n::Lang::parse(value).ok_or_else(|| "de or en".to_owned())
}

/// Every crate's catalogue, for switching them all to one language.
const CATALOGUES: [fn(bemx_i18n::Lang); 9] = [
    crate::i18n::use_language,
    bemx_format::i18n::use_language,
    bemx_identity::i18n::use_language,
    bemx_db::i18n::use_language,
    bemx_demo::i18n::use_language,
    bemx_install::i18n::use_language,
    bemx_pack::i18n::use_language,
    bemx_unpack::i18n::use_language,
    bemx_import::i18n::use_language,
];

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
    /// Print the shell completion script (e.g. `bemx completions bash > /etc/bash_completion.d/bemx`)
    Completions {
        /// The shell
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff; e.g. `bemx manpage > bemx.1; man ./bemx.1`)
    Manpage,
}

/// A refusal or failure with an optional line telling the user what to do.
///
/// Library errors carry their advice apart from their message (each error
/// type's `advice()`); this type is the same for conditions the command
/// line itself detects.
#[derive(Debug)]
pub struct Failure {
    code: Code,
    message: String,
    hint: Option<String>,
}

/// The codes of the failures the command line itself detects, `cli.<name>`
/// in `--json` error objects (docs/ERRORS.md).
#[derive(Debug, Clone, Copy, PartialEq, Eq, strum::IntoStaticStr, strum::VariantNames)]
#[strum(serialize_all = "snake_case")]
pub enum Code {
    /// A question or passphrase needs a terminal and there is none.
    NotATerminal,
    /// An empty passphrase was typed.
    PassphraseEmpty,
    /// The passphrase and its repetition differ.
    PassphrasesDiffer,
    /// The demo's folder is not empty.
    FolderNotEmpty,
    /// `init` on a folder that holds an installation.
    InstallationExists,
    /// The database's folder does not exist.
    FolderMissing,
    /// The own contact card given as a contact.
    OwnCard,
    /// The user did not confirm.
    NotConfirmed,
    /// A clients file over the size limit.
    ClientsFileTooLarge,
    /// A clients file without clients.
    ClientsFileEmpty,
    /// `inspect` of a bundle whose sender is not trusted.
    SenderNotTrusted,
    /// No installation in the folder.
    NoInstallation,
    /// `verify` of an intact bundle an import would refuse.
    WouldBeRefused,
    /// `db check` found problems.
    DatabaseProblems,
    /// The platform's data folder is unknown.
    NoDataFolder,
    /// A file the user named cannot be read.
    Read,
    /// A file or folder cannot be written or created.
    Write,
    /// The command line could not be parsed (exit code 2).
    Usage,
    /// Anything else (a bug, or an error of a library bemx uses).
    Other,
}

impl Code {
    /// `cli.<name>`.
    pub fn code(self) -> String {
        format!("cli.{}", <&'static str>::from(self))
    }
}

impl Failure {
    /// A failure without a hint.
    pub fn new(code: Code, message: impl Into<String>) -> Self {
        Self { code, message: message.into(), hint: None }
    }

    /// Adds the "hint:" line.
    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    /// A failed read of a file the user named: the OS error once, in the
    /// message, and advice by its kind (a read never needs free space).
    pub fn read(what: impl std::fmt::Display, error: &std::io::Error) -> Self {
        Self::new(Code::Read, format!("{what}: {error}")).hint(bemx_format::durable::read_advice(error))
    }

    /// A failed write or creation: the OS error once, in the message, and
    /// advice by its kind.
    pub fn write(what: impl std::fmt::Display, error: &std::io::Error) -> Self {
        Self::new(Code::Write, format!("{what}: {error}")).hint(bemx_format::durable::io_advice(error))
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
        Err(e) => {
            // A program that asked for JSON gets its error as JSON too; the
            // usage text still goes to stderr, and the exit code stays 2.
            use clap::error::ErrorKind;
            let help = matches!(e.kind(), ErrorKind::DisplayHelp | ErrorKind::DisplayVersion);
            if !help && std::env::args_os().any(|a| a == "--json") {
                let message = e.kind().as_str().unwrap_or("the command line is not valid").to_owned();
                print_json_error(&Code::Usage.code(), &message, Some("run `bemx --help`"));
            }
            // Prints usage errors (exit 2) and --help/--version (exit 0).
            e.exit()
        }
    };
    let lang = bemx_i18n::choose(cli.global.lang, |var| std::env::var(var).ok());
    bemx_i18n::apply(lang, &CATALOGUES);
    // An import fails only before its commit (later trouble is a warning),
    // so a failed import changed nothing: say that a retry is safe.
    let importing = matches!(cli.command, Command::Import(_));
    let json = cli.global.json;
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            report(&e, json);
            if importing {
                eprintln!("note: nothing was imported; the data on this PC is unchanged");
            }
            ExitCode::FAILURE
        }
    }
}

/// The `--json` error object on stdout: `{"error": {"code", "message", "hint"}}`.
fn print_json_error(code: &str, message: &str, hint: Option<&str>) {
    let doc = serde_json::json!({ "error": { "code": code, "message": message, "hint": hint } });
    println!("{doc}");
}

fn run(cli: Cli) -> anyhow::Result<()> {
    // Generated from the definitions above; they need no installation.
    match cli.command {
        Command::Completions { shell } => {
            let mut out = Vec::new();
            clap_complete::generate(shell, &mut <Cli as clap::CommandFactory>::command(), "bemx", &mut out);
            return output::write_stdout_bytes(&out);
        }
        Command::Manpage => {
            let mut out = Vec::new();
            clap_mangen::Man::new(<Cli as clap::CommandFactory>::command())
                .render(&mut out)
                .map_err(|e| Failure::write("cannot render the manual page", &e))?;
            return output::write_stdout_bytes(&out);
        }
        _ => {}
    }
    let Global { home, db, json, quiet, yes, lang: _ } = cli.global;
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
        Command::Completions { .. } | Command::Manpage => Ok(()),
    }
}

/// Prints `error: …` and, where an error of the chain carries advice,
/// `hint: …` on stderr; with `--json` also the error object on stdout.
fn report(e: &anyhow::Error, json: bool) {
    // `{:#}` joins the context chain: "what we did: what went wrong".
    let message = format!("{e:#}");
    let hint = advice_of(e);
    eprintln!("error: {message}");
    if let Some(hint) = &hint {
        eprintln!("hint: {hint}");
    }
    if json && !output::JSON_PRINTED.load(std::sync::atomic::Ordering::Relaxed) {
        print_json_error(&code_of(e), &message, hint.as_deref());
    }
}

/// The stable code of the first error in `e`'s chain that has one.
pub(crate) fn code_of(e: &anyhow::Error) -> String {
    e.chain()
        .find_map(|cause| {
            if let Some(f) = cause.downcast_ref::<Failure>() {
                return Some(f.code.code());
            }
            if let Some(e) = cause.downcast_ref::<bemx_import::ImportError>() {
                return Some(e.code());
            }
            if let Some(e) = cause.downcast_ref::<bemx_install::InstallError>() {
                return Some(e.code());
            }
            if let Some(e) = cause.downcast_ref::<bemx_pack::PackError>() {
                return Some(e.code());
            }
            if let Some(e) = cause.downcast_ref::<bemx_unpack::UnpackError>() {
                return Some(e.code());
            }
            if let Some(e) = cause.downcast_ref::<bemx_format::FormatError>() {
                return Some(e.code());
            }
            if let Some(e) = cause.downcast_ref::<bemx_identity::IdentityError>() {
                return Some(e.code());
            }
            if let Some(e) = cause.downcast_ref::<bemx_db::DbError>() {
                return Some(e.code());
            }
            if let Some(e) = cause.downcast_ref::<bemx_demo::DemoError>() {
                return Some(e.code());
            }
            None
        })
        .unwrap_or_else(|| Code::Other.code())
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

    use super::{Code, Failure, advice_of};

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
        let e = anyhow::Error::from(Failure::new(Code::PassphraseEmpty, "the passphrase is empty").hint("type one"));
        assert_eq!(format!("{e:#}"), "the passphrase is empty");
        assert_eq!(advice_of(&e).as_deref(), Some("type one"));
        let e: anyhow::Result<()> = Err(std::io::Error::other("x")).context("cannot write the question");
        assert_eq!(advice_of(&e.unwrap_err()), None);
    }
}

#[cfg(test)]
mod codes {
    use strum::VariantNames as _;

    /// Every code `--json` can print: the variants of each error enum (a
    /// wrapper variant prints its inner error's code instead).
    fn all_codes() -> std::collections::BTreeSet<String> {
        let mut codes = std::collections::BTreeSet::new();
        let mut add = |prefix: &str, names: &[&str], skip: &[&str]| {
            for n in names.iter().filter(|n| !skip.contains(n)) {
                codes.insert(format!("{prefix}.{n}"));
            }
        };
        add("db", bemx_db::DbError::VARIANTS, &[]);
        add("demo", bemx_demo::DemoError::VARIANTS, &["db"]);
        add("format", bemx_format::FormatError::VARIANTS, &[]);
        add("identity", bemx_identity::IdentityError::VARIANTS, &[]);
        add("import", bemx_import::ImportError::VARIANTS, &["unpack", "format", "db", "install"]);
        add("install", bemx_install::InstallError::VARIANTS, &["format", "db", "backup", "receipt"]);
        add("install.backup", bemx_install::BackupProblem::VARIANTS, &[]);
        add("install.receipt", bemx_install::ReceiptProblem::VARIANTS, &[]);
        add("pack", bemx_pack::PackError::VARIANTS, &["db", "install", "format"]);
        add("unpack", bemx_unpack::UnpackError::VARIANTS, &["format"]);
        add("cli", super::Code::VARIANTS, &[]);
        codes
    }

    /// docs/ERRORS.md lists exactly the codes there are: a variant added,
    /// renamed or removed without the list fails here, so the documented
    /// codes stay the stable interface they claim to be.
    #[test]
    fn the_documented_error_codes_are_exactly_the_codes() {
        let doc = include_str!("../../../docs/ERRORS.md");
        let documented: std::collections::BTreeSet<String> = doc
            .lines()
            .filter_map(|l| l.strip_prefix("| `"))
            .filter_map(|l| l.split_once('`').map(|(code, _)| code.to_owned()))
            .collect();
        let actual = all_codes();
        let missing: Vec<_> = actual.difference(&documented).collect();
        let stale: Vec<_> = documented.difference(&actual).collect();
        assert!(missing.is_empty() && stale.is_empty(), "not documented: {missing:?}\ndocumented but gone: {stale:?}");
    }

    #[test]
    fn a_wrapped_error_prints_its_own_code() {
        let e = bemx_import::ImportError::Unpack(Box::new(bemx_unpack::UnpackError::NotForThisInstallation));
        assert_eq!(e.code(), "unpack.not_for_this_installation");
        let e = bemx_install::InstallError::Backup { name: "x".into(), problem: bemx_install::BackupProblem::Unsigned };
        assert_eq!(e.code(), "install.backup.unsigned");
        let e = anyhow::Error::from(bemx_pack::PackError::Install(e)).context("cannot export");
        assert_eq!(super::code_of(&e), "install.backup.unsigned");
        assert_eq!(super::code_of(&anyhow::anyhow!("x")), "cli.other");
    }
}
