//! Where the installation lives, and the checks every command shares.

use std::path::PathBuf;

use anyhow::Context as _;
use bemx_db::Database;
use bemx_identity::{ContactCard, Identity};
use bemx_install::{Home, InstallLock};

use crate::i18n::fl;
use crate::{Code, Failure};

/// The default installation folder when neither `--home` nor `BEMX_HOME`
/// is given: `%APPDATA%\bemx` on Windows, `$XDG_DATA_HOME/bemx` or
/// `~/.local/share/bemx` elsewhere.
pub fn default_root() -> anyhow::Result<PathBuf> {
    Home::default_root().ok_or_else(|| {
        Failure::new(Code::NoDataFolder, fl!("cli-no-data-folder")).hint(fl!("cli-no-data-folder-hint")).into()
    })
}

/// Whether any part of an installation (identity or database) exists.
pub fn has_installation(home: &Home) -> bool {
    home.exists()
}

/// The installation's public card; refuses a folder without an identity.
pub fn own_card(home: &Home) -> anyhow::Result<ContactCard> {
    Ok(Identity::load_contact_card(home.root())?)
}

/// Opens the installation's database.
pub fn open_db(home: &Home) -> anyhow::Result<Database> {
    if !home.db_path().exists() && !home.root().exists() {
        return Err(Failure::new(Code::NoInstallation, no_installation(home))
            .hint(fl!("cli-no-installation-db-hint"))
            .into());
    }
    Ok(home.open_database()?)
}

/// `bemx --profile FILE` on a command that works on the installation: the
/// profile it was set up with (the built-in one for bemx's own database)
/// must be this one, by name, version and the graph it derives.
pub fn check_profile(home: &Home, file: &std::path::Path) -> anyhow::Result<()> {
    let given = bemx_db::Profile::load(file)?;
    let db = open_db(home)?;
    Ok(bemx_install::schema::profile_is(db.conn(), &given)?)
}

/// Takes the installation lock, so no other bemx process works on it at
/// the same time; released when the value is dropped.
pub fn lock(home: &Home) -> anyhow::Result<InstallLock> {
    if !home.root().is_dir() {
        return Err(Failure::new(Code::NoInstallation, no_installation(home))
            .hint(fl!("cli-no-installation-hint"))
            .into());
    }
    home.lock().with_context(|| fl!("cli-lock-failed"))
}

fn no_installation(home: &Home) -> String {
    fl!("cli-no-installation", folder = home.root().display().to_string())
}

/// Loads the installation's identity, asking for the passphrase if its
/// keys are protected.
pub fn load_identity(home: &Home) -> anyhow::Result<Identity> {
    own_card(home)?;
    Ok(Identity::load(home.root(), &crate::passphrase::for_loading(home.root())?)?)
}

/// Removes what a killed bemx left behind (see [`Home::clean_leftovers`]).
pub fn clean_leftovers(home: &Home) {
    home.clean_leftovers();
}

/// Brings the database and the record files into agreement before a
/// listing (see [`Home::reconcile`]).
pub fn reconcile(home: &Home) -> anyhow::Result<()> {
    Ok(home.reconcile()?)
}
