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

use crate::i18n::fl;
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
    /// Profile of a host database: the one `init` sets up with and `profile check` checks; any other command refuses to work unless the installation was set up with it
    #[arg(long, global = true, value_name = "FILE")]
    profile: Option<PathBuf>,
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
    bemx_i18n::Lang::parse(value).ok_or_else(|| fl!("cli-lang-invalid"))
}

/// The `--lang` value on the command line, found before clap parses it (the
/// help texts depend on it): `--lang X` or `--lang=X` before a `--`. An
/// unknown value counts as none here; clap refuses it afterwards.
fn lang_flag(args: &[std::ffi::OsString]) -> Option<bemx_i18n::Lang> {
    let mut args = args.iter().skip(1);
    while let Some(arg) = args.next() {
        if arg == "--" {
            break;
        }
        if arg == "--lang" {
            return args.next().and_then(|v| v.to_str()).and_then(bemx_i18n::Lang::parse);
        }
        if let Some(value) = arg.to_str().and_then(|a| a.strip_prefix("--lang=")) {
            return bemx_i18n::Lang::parse(value);
        }
    }
    None
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
    /// Host database profiles: check one against a database, draft one, show the built-in one
    #[command(subcommand)]
    Profile(cmd::profile::ProfileCommand),
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
    /// `profile check` found problems.
    ProfileProblems,
    /// Demo data asked for on a host program's database.
    HostDatabase,
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
    /// `--profile`.
    pub profile: Option<PathBuf>,
}

fn main() -> ExitCode {
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    // The language first: the help texts and clap's value checks speak it.
    let env = |var: &str| std::env::var(var).ok();
    let lang = bemx_i18n::choose(lang_flag(&args), env);
    bemx_i18n::apply(lang, &CATALOGUES);
    let mut command = help::command(lang, &crate::i18n::LANGUAGE_LOADER);
    let parsed = command.try_get_matches_from_mut(&args).and_then(|mut matches| {
        <Cli as clap::FromArgMatches>::from_arg_matches_mut(&mut matches).map_err(|e| e.format(&mut command))
    });
    let cli = match parsed {
        Ok(cli) => cli,
        Err(e) => {
            // A program that asked for JSON gets its error as JSON too; the
            // usage text still goes to stderr, and the exit code stays 2.
            use clap::error::ErrorKind;
            let help = matches!(e.kind(), ErrorKind::DisplayHelp | ErrorKind::DisplayVersion);
            if !help && args.iter().any(|a| a == "--json") {
                let message = e.kind().as_str().map_or_else(|| fl!("cli-usage-invalid"), str::to_owned);
                print_json_error(&Code::Usage.code(), &message, Some(&fl!("cli-usage-hint")));
            }
            // Prints usage errors (exit 2) and --help/--version (exit 0).
            e.exit()
        }
    };
    // The same choice as above unless clap read `--lang` where the scan did not.
    let parsed_lang = bemx_i18n::choose(cli.global.lang, env);
    if parsed_lang != lang {
        bemx_i18n::apply(parsed_lang, &CATALOGUES);
    }
    // An import fails only before its commit (later trouble is a warning),
    // so a failed import changed nothing: say that a retry is safe.
    let importing = matches!(cli.command, Command::Import(_));
    let json = cli.global.json;
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            report(&e, json);
            if importing {
                eprintln!("{}", fl!("cli-note-line", note = fl!("cli-nothing-imported")));
            }
            ExitCode::FAILURE
        }
    }
}

/// The `--json` error object on stdout: `{"error": {"code", "message", "hint"}}`.
fn print_json_error(code: &str, message: &str, hint: Option<&str>) {
    let doc = serde_json::json!({ "error": { "code": code, "message": message, "hint": hint } });
    // Not `println!`, which panics when nobody reads stdout any more; the
    // error is on stderr already.
    let _ = output::write_stdout_bytes(format!("{doc}\n").as_bytes());
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
                .map_err(|e| Failure::write(fl!("cli-manpage-failed"), &e))?;
            return output::write_stdout_bytes(&out);
        }
        _ => {}
    }
    let Global { home, db, profile, json, quiet, yes, lang: _ } = cli.global;
    let root = match home {
        Some(dir) => dir,
        None => home::default_root()?,
    };
    let ctx = Ctx { home: bemx_install::Home::locate(root, db), out: Output::new(json, quiet), yes, profile };
    home::clean_leftovers(&ctx.home);
    // `init` sets up with the profile and `profile` checks it; every other
    // command works through the one the installation records, and a
    // different one given is refused before anything is done.
    if let Some(file) = &ctx.profile
        && !matches!(cli.command, Command::Init(_) | Command::Profile(_))
    {
        home::check_profile(&ctx.home, file)?;
    }
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
        Command::Profile(c) => cmd::profile::run(&ctx, &c),
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
    eprintln!("{}", fl!("cli-error-line", message = output::short_ids(&message)));
    if let Some(hint) = &hint {
        eprintln!("{}", output::hint_line(hint));
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

/// `--help` in the chosen language.
///
/// clap takes the help texts from the doc comments above: they are the
/// English source, and the catalogue holds them too, each under an id made
/// of the command path and the argument id (`help-export`, `help-export-to`,
/// `help-global-home`; `tests` proves the English entries equal the doc
/// comments). For German the whole tree is built first, so that clap's own
/// `--help`, `--version` and `help` exist as well, and then every text is
/// replaced from the catalogue: descriptions, argument help, the section
/// headings, and the `[default: …]`-style notes, which clap would otherwise
/// add in English (they are hidden and written into the help text instead).
mod help {
    use std::collections::HashMap;

    use bemx_i18n::{FluentLanguageLoader, Lang};
    use clap::builder::StyledStr;
    use clap::{Arg, ArgAction, Command};

    /// The command line to parse with: the doc comments' for English, the
    /// catalogue's for German.
    pub fn command(lang: Lang, loader: &FluentLanguageLoader) -> Command {
        let cmd = <crate::Cli as clap::CommandFactory>::command();
        match lang {
            Lang::En => cmd,
            Lang::De => localise(cmd, loader),
        }
    }

    /// Builds `cmd` and replaces each of its texts by the catalogue's.
    pub fn localise(mut cmd: Command, loader: &FluentLanguageLoader) -> Command {
        cmd.build();
        localise_built(cmd, &mut Headings { loader, done: HashMap::new() }, &[])
    }

    /// The id of the description of the command at `path` (`help-bemx` for
    /// bemx itself).
    pub fn command_id(path: &[String]) -> String {
        if path.is_empty() { "help-bemx".to_owned() } else { format!("help-{}", path.join("-")) }
    }

    /// The id of an argument's help: clap's own flags share one, a global
    /// option has one for all commands, any other is its command's.
    pub fn arg_id(path: &[String], arg: &Arg) -> String {
        match arg.get_action() {
            ArgAction::Help | ArgAction::HelpShort | ArgAction::HelpLong => {
                if arg.get_long_help().is_some() { "help-clap-help-more" } else { "help-clap-help" }.to_owned()
            }
            ArgAction::Version => "help-clap-version".to_owned(),
            _ => {
                let name = arg.get_id().as_str().replace('_', "-");
                if arg.is_global_set() { format!("help-global-{name}") } else { format!("{}-{name}", command_id(path)) }
            }
        }
    }

    /// The id of a section heading (`Global options`, or one of clap's:
    /// `Usage`, `Commands`, `Arguments`, `Options`, `Possible values`).
    pub fn heading_id(heading: &str) -> String {
        let slug: Vec<String> =
            heading.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).map(str::to_lowercase).collect();
        format!("help-heading-{}", slug.join("-"))
    }

    /// The id of clap's `help` command. No bemx command has that name.
    pub const CLAP_HELP_COMMAND: &str = "help-clap-help-command";

    /// clap's `help` command. In the built tree it holds copies of the
    /// commands it describes, which keep those commands' ids.
    pub fn is_clap_help(cmd: &Command) -> bool {
        cmd.get_name() == "help"
    }

    fn text(loader: &FluentLanguageLoader, id: &str) -> Option<String> {
        loader.has(id).then(|| loader.get(id))
    }

    fn text_with(loader: &FluentLanguageLoader, id: &str, args: &[(&'static str, String)]) -> String {
        let args: HashMap<&'static str, String> = args.iter().cloned().collect();
        loader.get_args(id, args)
    }

    fn heading(loader: &FluentLanguageLoader, english: &str) -> String {
        text(loader, &heading_id(english)).unwrap_or_else(|| english.to_owned())
    }

    /// The headings in the catalogue's words. clap (without its `string`
    /// feature) keeps headings as `&'static str`, so each one is leaked,
    /// once per process: a handful of words.
    struct Headings<'a> {
        loader: &'a FluentLanguageLoader,
        done: HashMap<String, &'static str>,
    }

    impl Headings<'_> {
        fn get(&mut self, english: &str) -> &'static str {
            let loader = self.loader;
            self.done.entry(english.to_owned()).or_insert_with(|| Box::leak(heading(loader, english).into_boxed_str()))
        }
    }

    fn localise_built(mut cmd: Command, headings: &mut Headings<'_>, path: &[String]) -> Command {
        let loader = headings.loader;
        let clap_help = is_clap_help(&cmd);
        let id = if clap_help { CLAP_HELP_COMMAND.to_owned() } else { command_id(path) };
        if cmd.get_about().is_some()
            && let Some(about) = text(loader, &id)
        {
            cmd = cmd.about(about);
        }
        if cmd.get_long_about().is_some()
            && let Some(about) = text(loader, &format!("{id}-long"))
        {
            cmd = cmd.long_about(about);
        }
        if cmd.has_subcommands() {
            cmd = cmd.subcommand_help_heading(headings.get("Commands"));
        }
        let template = template(&cmd, loader);
        cmd = cmd.help_template(template);
        let place = Place {
            path: path.to_vec(),
            // clap's -h and -V go with the global options, since they too
            // work with every command. (clap's own order could not be kept
            // anyway: a section comes where its first argument is, and the
            // built tree has the global options before -h and -V.)
            own_flags_heading: cmd
                .get_arguments()
                .find(|a| a.is_global_set())
                .and_then(Arg::get_help_heading)
                .map(str::to_owned),
            // clap shows a long help (`--help`) apart from the short one
            // (`-h`) only where its own -h says so.
            long: cmd.get_arguments().any(|a| matches!(a.get_action(), ArgAction::Help) && a.get_long_help().is_some()),
        };
        cmd = cmd.mut_args(|arg| localise_arg(arg, headings, &place));
        cmd.mut_subcommands(|sub| {
            // clap's `help` holds copies of the commands it describes, so
            // below it the paths stay those of the commands themselves.
            let mut sub_path = path.to_vec();
            if !is_clap_help(&sub) {
                sub_path.push(sub.get_name().to_owned());
            }
            localise_built(sub, headings, &sub_path)
        })
    }

    /// clap's own template with the "Usage" heading in the catalogue's words.
    fn template(cmd: &Command, loader: &FluentLanguageLoader) -> StyledStr {
        let style = cmd.get_styles().get_usage();
        let usage = heading(loader, "Usage");
        let shown = cmd.get_arguments().any(|a| !a.is_hide_set()) || cmd.get_subcommands().any(|s| !s.is_hide_set());
        let all_args = if shown { "\n\n{all-args}" } else { "" };
        StyledStr::from(format!(
            "{{before-help}}{{about-with-newline}}\n{style}{usage}:{style:#} {{usage}}{all_args}{{after-help}}"
        ))
    }

    /// Where an argument is shown.
    struct Place {
        path: Vec<String>,
        own_flags_heading: Option<String>,
        long: bool,
    }

    fn localise_arg(mut arg: Arg, headings: &mut Headings<'_>, place: &Place) -> Arg {
        let loader = headings.loader;
        let id = arg_id(&place.path, &arg);
        let help = arg.get_help().map(|h| text(loader, &id).unwrap_or_else(|| h.to_string()));
        let long_help =
            arg.get_long_help().map(|h| text(loader, &format!("{id}-long")).unwrap_or_else(|| h.to_string()));

        let builtin = matches!(
            arg.get_action(),
            ArgAction::Help | ArgAction::HelpShort | ArgAction::HelpLong | ArgAction::Version
        );
        let section = match arg.get_help_heading() {
            Some(h) => h.to_owned(),
            None => match &place.own_flags_heading {
                Some(h) if builtin => h.clone(),
                _ if arg.is_positional() => "Arguments".to_owned(),
                _ => "Options".to_owned(),
            },
        };
        arg = arg.help_heading(headings.get(&section));

        // The notes clap appends, in the same order: environment variable,
        // default, possible values.
        let mut notes = Vec::new();
        if let Some(env) = arg.get_env().filter(|_| !arg.is_hide_env_set()) {
            let name = env.to_string_lossy().into_owned();
            notes.push(if arg.is_hide_env_values_set() {
                text_with(loader, "help-spec-env", &[("name", name)])
            } else {
                let value = std::env::var_os(env).map(|v| v.to_string_lossy().into_owned()).unwrap_or_default();
                text_with(loader, "help-spec-env-value", &[("name", name), ("value", value)])
            });
        }
        let takes_value = arg.get_num_args().is_some_and(|n| n.takes_values());
        if takes_value && !arg.is_hide_default_value_set() && !arg.get_default_values().is_empty() {
            let value: Vec<String> = arg.get_default_values().iter().map(|v| quoted(&v.to_string_lossy())).collect();
            notes.push(text_with(loader, "help-spec-default", &[("value", value.join(" "))]));
        }
        let values: Vec<clap::builder::PossibleValue> =
            if arg.is_hide_possible_values_set() { Vec::new() } else { arg.get_possible_values() };
        let values: Vec<_> = values.into_iter().filter(|v| !v.is_hide_set()).collect();
        let values_note = (!values.is_empty()).then(|| {
            let names: Vec<String> = values.iter().map(|v| quoted(v.get_name())).collect();
            text_with(loader, "help-spec-possible-values", &[("values", names.join(", "))])
        });
        // With help of their own, the long help lists the values one a line.
        let values_list = values.iter().any(|v| v.get_help().is_some()).then(|| {
            let width = values.iter().map(|v| v.get_name().chars().count()).max().unwrap_or(0) + 1;
            let mut list = format!("{}:", heading(loader, "Possible values"));
            for v in &values {
                let name = format!("{}:", v.get_name());
                let value_id = format!("{id}-{}", v.get_name());
                match v.get_help() {
                    Some(h) => {
                        let h = text(loader, &value_id).unwrap_or_else(|| h.to_string());
                        list.push_str(&format!("\n- {name:<width$} {h}"));
                    }
                    None => list.push_str(&format!("\n- {}", v.get_name())),
                }
            }
            list
        });
        if notes.is_empty() && values_note.is_none() {
            if let Some(help) = help {
                arg = arg.help(help);
            }
            if let Some(long_help) = long_help {
                arg = arg.long_help(long_help);
            }
            return arg;
        }
        arg = arg.hide_env(true).hide_default_value(true).hide_possible_values(true);
        let short: Vec<String> = help.iter().chain(&notes).chain(&values_note).cloned().collect();
        arg = arg.help(short.join(" "));
        if place.long {
            let mut long = long_help.or(help).unwrap_or_default();
            if let Some(list) = &values_list {
                long.push_str("\n\n");
                long.push_str(list);
            }
            let long_notes: Vec<&str> = notes
                .iter()
                .map(String::as_str)
                .chain(values_note.as_deref().filter(|_| values_list.is_none()))
                .collect();
            if !long_notes.is_empty() {
                long.push_str("\n\n");
                long.push_str(&long_notes.join("\n"));
            }
            arg = arg.long_help(long);
        }
        arg
    }

    /// A value as clap shows it: quoted if it holds white space.
    fn quoted(value: &str) -> String {
        if value.contains(char::is_whitespace) { format!("{value:?}") } else { value.to_owned() }
    }

    #[cfg(test)]
    #[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    mod tests {
        use std::collections::BTreeMap;

        use bemx_i18n::{FluentLanguageLoader, Lang};
        use clap::{Arg, Command, FromArgMatches as _};

        use super::{CLAP_HELP_COMMAND, arg_id, command_id, heading_id, is_clap_help, localise};

        /// The catalogues again, for loaders of their own: switching the
        /// crate's loader would change the language under other tests.
        #[derive(bemx_i18n::rust_embed::RustEmbed)]
        #[crate_path = "bemx_i18n::rust_embed"]
        #[folder = "i18n"]
        struct Catalogues;

        fn loader(lang: Lang) -> FluentLanguageLoader {
            let loader = bemx_i18n::loader("bemx-cli", &Catalogues);
            bemx_i18n::select(&loader, &Catalogues, lang);
            loader
        }

        /// The built command tree as clap makes it from the doc comments.
        fn english() -> Command {
            let mut cmd = <crate::Cli as clap::CommandFactory>::command();
            cmd.build();
            cmd
        }

        /// Every help text of the tree under its catalogue id; an id met
        /// twice must carry the same text.
        fn texts(cmd: &Command, path: &[String], out: &mut BTreeMap<String, String>) {
            let mut put = |id: String, text: String| {
                if let Some(before) = out.insert(id.clone(), text.clone()) {
                    assert_eq!(before, text, "{id} stands for two texts");
                }
            };
            let id = if is_clap_help(cmd) { CLAP_HELP_COMMAND.to_owned() } else { command_id(path) };
            if let Some(about) = cmd.get_about() {
                put(id.clone(), about.to_string());
            }
            if let Some(about) = cmd.get_long_about() {
                put(format!("{id}-long"), about.to_string());
            }
            for arg in cmd.get_arguments() {
                let id = arg_id(path, arg);
                if let Some(help) = arg.get_help() {
                    put(id.clone(), help.to_string());
                }
                if let Some(help) = arg.get_long_help() {
                    put(format!("{id}-long"), help.to_string());
                }
                for value in arg.get_possible_values() {
                    if let Some(help) = value.get_help() {
                        put(format!("{id}-{}", value.get_name()), help.to_string());
                    }
                }
                if let Some(heading) = arg.get_help_heading() {
                    put(heading_id(heading), heading.to_owned());
                }
            }
            for sub in cmd.get_subcommands() {
                let mut sub_path = path.to_vec();
                if !is_clap_help(sub) {
                    sub_path.push(sub.get_name().to_owned());
                }
                texts(sub, &sub_path, out);
            }
        }

        fn all_texts() -> BTreeMap<String, String> {
            let mut out = BTreeMap::new();
            texts(&english(), &[], &mut out);
            out
        }

        /// No bemx command is called `help`: that name marks clap's own.
        #[test]
        fn help_is_only_clap_s_command() {
            fn walk(cmd: &Command) {
                for sub in cmd.get_subcommands() {
                    assert_ne!(sub.get_name(), "help", "a command named help would take clap's texts");
                    walk(sub);
                }
            }
            walk(&<crate::Cli as clap::CommandFactory>::command());
        }

        /// (a) every command and argument that has help has its id in the
        /// catalogue, (b) whose English text is clap's, taken from the doc
        /// comments: the catalogue cannot drift from them.
        #[test]
        fn the_english_catalogue_holds_every_help_text_as_clap_has_it() {
            let en = loader(Lang::En);
            let texts = all_texts();
            assert!(texts.len() > 80, "{texts:?}");
            for id in ["help-bemx", "help-export", "help-global-home", "help-clap-help", CLAP_HELP_COMMAND] {
                assert!(texts.contains_key(id), "{id} not made");
            }
            let mut wrong = Vec::new();
            for (id, text) in &texts {
                if !en.has(id) {
                    wrong.push(format!("{id} = {text}   (missing)"));
                } else if en.get(id) != *text {
                    wrong.push(format!("{id} = {text}   (the catalogue has: {})", en.get(id)));
                }
            }
            assert!(wrong.is_empty(), "the English catalogue differs from clap's help:\n{}", wrong.join("\n"));
        }

        /// The words clap writes itself are the English catalogue's.
        #[test]
        fn the_english_catalogue_has_clap_s_own_words() {
            let en = loader(Lang::En);
            let with = |id: &str, args: &[(&'static str, String)]| super::text_with(&en, id, args);
            let mut root = english();
            let root_help = root.render_help().to_string();
            let import = root.find_subcommand_mut("import").unwrap();
            let import_short = import.render_help().to_string();
            let import_long = import.render_long_help().to_string();
            for (id, help) in [
                ("Usage", &root_help),
                ("Commands", &root_help),
                ("Options", &root_help),
                ("Arguments", &import_short),
                ("Possible values", &import_long),
            ] {
                let word = en.get(&heading_id(id));
                assert_eq!(word, id);
                assert!(help.contains(&format!("{word}:")), "{word}: not in\n{help}");
            }
            assert!(root_help.contains(&with("help-spec-env", vec![("name", "BEMX_HOME".into())].as_slice())));
            assert!(import_short.contains(&with("help-spec-default", &[("value", "safety-only".into())])));
            let values = with("help-spec-possible-values", &[("values", "safety-only, all".into())]);
            assert!(import_short.contains(&values), "{values} not in\n{import_short}");
            let mut probe =
                Command::default().name("probe").arg(Arg::new("x").long("x").env("BEMX_TEST_UNSET_VARIABLE"));
            let probe_help = probe.render_help().to_string();
            let env =
                with("help-spec-env-value", &[("name", "BEMX_TEST_UNSET_VARIABLE".into()), ("value", String::new())]);
            assert!(probe_help.contains(&env), "{env} not in\n{probe_help}");
        }

        fn rendered(cmd: &mut Command, out: &mut Vec<(String, String)>) {
            let name = cmd.get_bin_name().unwrap_or_default().to_owned();
            out.push((format!("{name} -h"), cmd.render_help().to_string()));
            out.push((format!("{name} --help"), cmd.render_long_help().to_string()));
            for sub in cmd.get_subcommands_mut() {
                rendered(sub, out);
            }
        }

        /// In German every help screen is German: no clap heading, note or
        /// built-in text is left in English.
        #[test]
        fn german_help_has_no_english_left() {
            let de = loader(Lang::De);
            let mut cmd = localise(<crate::Cli as clap::CommandFactory>::command(), &de);
            let mut screens = Vec::new();
            rendered(&mut cmd, &mut screens);
            assert!(screens.len() > 60);
            let english = [
                "Usage:",
                "Commands:",
                "Options:",
                "Arguments:",
                "Global options:",
                "Possible values:",
                "[default:",
                "[env:",
                "[possible values:",
                "Print help",
                "Print version",
                "Print this message",
            ];
            for (name, screen) in &screens {
                for word in english {
                    assert!(!screen.contains(word), "{name} shows {word:?}:\n{screen}");
                }
                assert!(screen.contains("Aufruf:"), "{name}:\n{screen}");
            }
            let root = &screens[0].1;
            for line in ["Befehle:", "Optionen für alle Befehle:", "  -h, --help", "[Umgebungsvariable: BEMX_HOME]"] {
                assert!(root.contains(line), "{line} not in\n{root}");
            }
            // Every section heading comes once, and -h and -V are with the
            // global options (clap puts them under Options in English).
            for (name, screen) in &screens {
                for heading in ["Befehle:", "Argumente:", "Optionen:", "Optionen für alle Befehle:"] {
                    assert!(screen.lines().filter(|l| *l == heading).count() <= 1, "{name}:\n{screen}");
                }
                if let Some((_, global)) = screen.split_once("Optionen für alle Befehle:") {
                    assert!(global.contains("--help") == screen.contains("--help"), "{name}:\n{screen}");
                }
            }
            let (_, clients) = screens.iter().find(|(n, _)| n == "bemx clients -h").unwrap();
            assert!(!clients.lines().any(|l| l == "Optionen:"), "{clients}");
            let (_, import) = screens.iter().find(|(n, _)| n == "bemx import --help").unwrap();
            for line in ["Argumente:", "Optionen:", "Mögliche Werte:", "- all:", "[Standard: 5]"] {
                assert!(import.contains(line), "{line} not in\n{import}");
            }
        }

        /// The German tree parses as the English one does.
        #[test]
        fn the_german_command_line_parses() {
            let de = loader(Lang::De);
            let mut cmd = localise(<crate::Cli as clap::CommandFactory>::command(), &de);
            cmd.clone().debug_assert();
            let args = ["bemx", "--lang", "de", "clients", "list", "--all", "-q"];
            let mut matches = cmd.try_get_matches_from_mut(args).unwrap();
            let cli = crate::Cli::from_arg_matches_mut(&mut matches).unwrap();
            assert!(cli.global.quiet);
            assert!(matches!(
                cli.command,
                crate::Command::Clients(crate::cmd::clients::ClientsCommand::List { all: true })
            ));
            let help = cmd.try_get_matches_from_mut(["bemx", "help", "export"]).unwrap_err();
            assert_eq!(help.kind(), clap::error::ErrorKind::DisplayHelp);
            assert!(help.to_string().contains(&de.get("help-export")), "{help}");
            let version = cmd.try_get_matches_from_mut(["bemx", "import", "-V"]).unwrap_err();
            assert_eq!(version.kind(), clap::error::ErrorKind::DisplayVersion);
        }

        #[test]
        #[ignore = "prints the help texts as catalogue lines"]
        fn print_help_texts() {
            for (id, text) in all_texts() {
                println!("{id} = {text}");
            }
        }
    }
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
        add("install", bemx_install::InstallError::VARIANTS, &["format", "db", "identity", "backup", "receipt"]);
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
