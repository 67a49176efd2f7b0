//! `bemx init`: a new installation (folder, identity, database).

use std::path::Path;

use clap::Args;

use crate::i18n::fl;
use crate::{Code, Ctx, Failure, home, output, passphrase};

/// Name of an installation when `--name` is not given.
const DEFAULT_NAME: &str = "bemx installation";

#[derive(Debug, Args)]
pub struct InitArgs {
    /// Name shown to colleagues who add this installation's contact card (e.g. your name or office)
    #[arg(long, default_value = DEFAULT_NAME)]
    name: String,
    /// Protect the keys with a passphrase (asked on the terminal, or taken from BEMX_PASSPHRASE)
    #[arg(long)]
    passphrase: bool,
}

pub fn run(ctx: &Ctx, args: &InitArgs) -> anyhow::Result<()> {
    let home = &ctx.home;
    // A host program's database is there before the installation is.
    let exists = if ctx.profile.is_some() { home.has_identity() } else { home::has_installation(home) };
    if exists {
        return Err(Failure::new(
            Code::InstallationExists,
            fl!("cli-init-exists", folder = home.root().display().to_string()),
        )
        .hint(fl!("cli-init-exists-hint"))
        .into());
    }
    if let Some(dir) = home.db_path().parent().filter(|p| !p.as_os_str().is_empty())
        && !home.db_path().starts_with(home.root())
        && !dir.is_dir()
    {
        return Err(Failure::new(
            Code::FolderMissing,
            fl!("cli-init-db-folder-missing", folder = dir.display().to_string()),
        )
        .hint(fl!("cli-init-db-folder-missing-hint"))
        .into());
    }
    // Refused before the passphrase is asked for; set-up checks it again.
    bemx_identity::check_installation_folder(home.root())?;
    let profile = match &ctx.profile {
        Some(file) => {
            let profile = bemx_db::Profile::load(file)?;
            // The host database must be there and fit, before any question.
            bemx_db::check_host(&bemx_db::open_read_only(home.db_path())?, &profile)?;
            Some(profile)
        }
        None => None,
    };
    let secret = if args.passphrase { Some(passphrase::new_passphrase()?) } else { None };
    let made = match &profile {
        Some(p) => bemx_install::setup::create_on_host(home, &args.name, secret.as_ref(), p),
        None => bemx_install::setup::create(home, &args.name, secret.as_ref()),
    };
    let identity = made.map_err(|e| match e {
        // The folder could not be made: the same words as before.
        bemx_install::InstallError::Io { path, error, .. } => anyhow::Error::from(Failure::write(
            fl!("cli-init-create-failed", folder = path.display().to_string()),
            &error,
        )),
        other => other.into(),
    })?;
    warn_if_parent_is_shared(home.root());
    let card = identity.contact_card();
    if ctx.out.is_json() {
        return ctx.out.json(&card.to_json_value());
    }
    ctx.out.line(format!("{}\n", fl!("cli-init-created", folder = home.root().display().to_string())))?;
    ctx.out.line(format!("{}\n", fl!("cli-init-card")))?;
    ctx.out.line(card.to_text())?;
    ctx.out.advice(format!("\n{}", fl!("cli-init-advice", fingerprint = card.fingerprint().to_string())))
}

/// Warns when others may write the folder the installation lies in: they
/// can rename it away and put a folder of their own in its place (with
/// contacts of their choosing), which no check inside it can notice. Not a
/// refusal: the user may have reasons (a shared group folder), but should know.
fn warn_if_parent_is_shared(home: &Path) {
    let Ok(absolute) = std::path::absolute(home) else { return };
    let Some(parent) = absolute.parent() else { return };
    if let Some(mode) = bemx_identity::folder_writable_by_others(parent) {
        // Printed even with --quiet and --json (on stderr): a security
        // warning is not advice.
        let folder = parent.display().to_string();
        output::warning(fl!("cli-init-shared-parent", folder = folder.as_str(), mode = format!("{mode:03o}")));
        eprintln!("{}", output::hint_line(fl!("cli-init-shared-parent-hint", folder = folder.as_str())));
    }
}
