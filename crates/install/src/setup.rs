//! A new installation: its private folder, its keys and its database, made
//! together or not at all. `bemx init` and the desktop app's first start
//! both come here, so an installation set up by one is the other's too.

use std::path::Path;

use bemx_db::Database;
use bemx_identity::{Identity, IdentityPaths, SecretString};

use crate::{Home, InstallError};

/// Creates the installation at `home`: the folder (private to the user on
/// unix), a fresh identity named `name` (its keys under `passphrase` when
/// one is given) and an empty database bound to that identity.
///
/// The caller checks first that no installation exists there
/// ([`Home::exists`]) and says so in its own words; an identity found
/// anyway is refused by [`Identity::save`], never overwritten. A folder
/// that exists already must be as private as one made here: every later
/// command that trusts a contact refuses it otherwise, so it is refused
/// now, before anything is created. When the database cannot be created
/// the keys just written are removed again, so the next attempt starts
/// clean.
pub fn create(home: &Home, name: &str, passphrase: Option<&SecretString>) -> Result<Identity, InstallError> {
    create_with(home, name, passphrase, |id| Database::create(home.db_path(), id).map(drop))
}

/// [`create`] on a host program's existing database (`home.db_path()`)
/// described by `profile`: instead of a new database, bemx's record tables
/// are added to that one ([`Database::adopt`]), or, where the profile says
/// the host schema stays untouched, made in the installation's records file
/// ([`Home::records_path`], [`Database::adopt_untouched`]). The profile is
/// checked against the database before anything is written, the keys
/// included.
pub fn create_on_host(
    home: &Home,
    name: &str,
    passphrase: Option<&SecretString>,
    profile: &bemx_db::Profile,
) -> Result<Identity, InstallError> {
    // Refused before the keys are made: what the profile and the database
    // say decides.
    bemx_db::check_host(&bemx_db::open_read_only(home.db_path())?, profile)?;
    match profile.host_schema {
        bemx_db::profile::HostSchema::Untouched => create_with(home, name, passphrase, |id| {
            Database::adopt_untouched(home.db_path(), &home.records_path(), id, profile).map(drop)
        }),
        bemx_db::profile::HostSchema::Bemx => {
            create_with(home, name, passphrase, |id| Database::adopt(home.db_path(), id, profile).map(drop))
        }
    }
}

fn create_with(
    home: &Home,
    name: &str,
    passphrase: Option<&SecretString>,
    database: impl FnOnce(&str) -> bemx_db::Result<()>,
) -> Result<Identity, InstallError> {
    bemx_identity::check_installation_folder(home.root())?;
    let identity = Identity::generate(name)?;
    // Readable only by the user on unix.
    crate::backup::create_private_dir(home.root())?;
    identity.save(home.root(), passphrase)?;
    if let Err(e) = database(&identity.installation_id().hyphenated().to_string()) {
        remove_identity(home.root());
        return Err(e.into());
    }
    Ok(identity)
}

/// Undoes `Identity::save` after a later step failed.
fn remove_identity(home: &Path) {
    let paths = IdentityPaths::new(home);
    for file in [&paths.age_key, &paths.signing_key, &paths.installation] {
        let _ = std::fs::remove_file(file);
    }
    let _ = std::fs::remove_dir(&paths.dir);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_installation_is_made_whole_and_found() {
        let dir = tempfile::tempdir().unwrap();
        let home = Home::new(dir.path().join("inst"), None);
        assert!(!home.exists());
        let identity = create(&home, "Anna", None).unwrap();
        assert!(home.exists());
        let db = Database::open(home.db_path()).unwrap();
        assert_eq!(db.installation_id(), identity.installation_id().hyphenated().to_string());
        // A second set-up over it is refused and changes nothing.
        let card = Identity::load_contact_card(home.root()).unwrap();
        assert!(create(&home, "Bernd", None).is_err());
        assert_eq!(Identity::load_contact_card(home.root()).unwrap().fingerprint(), card.fingerprint());
    }

    #[test]
    fn keys_are_removed_when_the_database_cannot_be_made() {
        let dir = tempfile::tempdir().unwrap();
        // The database's folder does not exist: the keys must not stay.
        let home = Home::new(dir.path().join("inst"), Some(dir.path().join("missing/db.sqlite")));
        assert!(create(&home, "Anna", None).is_err());
        assert!(!IdentityPaths::new(home.root()).dir.exists());
    }
}
