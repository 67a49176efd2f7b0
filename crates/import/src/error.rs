use std::path::{Path, PathBuf};

use crate::i18n::fl;

/// Why an import failed. After any of these the database is as it was
/// before the command: nothing was imported.
///
/// `Display` says what happened; [`ImportError::advice`] says what to do.
#[derive(Debug, thiserror::Error, strum::IntoStaticStr, strum::VariantNames)]
#[strum(serialize_all = "snake_case")]
#[non_exhaustive]
pub enum ImportError {
    /// Another bemx process or another program holds the installation or its database.
    #[error("{}", fl!("import-busy"))]
    Busy,
    /// The receipt could not be placed where it should go.
    #[error("{}", fl!("import-receipt-target", path = path.display().to_string(), reason = reason.as_str()))]
    ReceiptTarget {
        /// Where it would go.
        path: PathBuf,
        /// Why not, in the user's language.
        reason: String,
    },
    /// The receipt file could not be created (a read-only folder, say).
    #[error("{}", fl!("import-receipt-unwritable", path = path.display().to_string(), error = source.to_string()))]
    ReceiptUnwritable {
        /// Where it would go.
        path: PathBuf,
        /// The OS error.
        source: std::io::Error,
    },
    /// The database is another installation's (`--db`).
    #[error(
        "{}",
        fl!(
            "import-foreign-database",
            database = database.display().to_string(),
            found = found.as_str(),
            ours = ours.as_str()
        )
    )]
    ForeignDatabase {
        /// The database file.
        database: PathBuf,
        /// The installation id recorded in it.
        found: String,
        /// This installation's id.
        ours: String,
    },
    /// The bundle read now is not the one the user confirmed.
    #[error("{}", fl!("import-bundle-changed", path = path.display().to_string()))]
    BundleChanged {
        /// The bundle file.
        path: PathBuf,
    },
    /// `--burn` of a path that is a link.
    #[error("{}", fl!("import-burn-through-link", path = path.display().to_string()))]
    BurnThroughLink {
        /// The bundle path given.
        path: PathBuf,
    },
    /// The bundle path no longer names the file that was read. Only `burn`
    /// returns it, after the commit: the import reports it as a warning.
    #[error(
        "{}",
        fl!(
            "import-bundle-replaced",
            path = path.display().to_string(),
            overwritten = yes_or_no(*overwritten)
        )
    )]
    BundleReplaced {
        /// The bundle path.
        path: PathBuf,
        /// Whether the file read was overwritten before the name changed.
        overwritten: bool,
    },
    /// The manifest's client list and the client rows disagree.
    #[error(
        "{}",
        fl!(
            "import-clients-differ",
            listed = none_if_empty(listed_not_carried),
            carried = none_if_empty(carried_not_listed)
        )
    )]
    ClientsDiffer {
        /// UUIDs the manifest lists without a client row.
        listed_not_carried: Vec<String>,
        /// UUIDs of client rows the manifest does not list.
        carried_not_listed: Vec<String>,
    },
    /// The signer is not a trusted contact.
    #[error(
        "{}",
        fl!("import-untrusted-sender", claimed = format!("{claimed:?}"), fingerprint = fingerprint.as_str())
    )]
    UntrustedSender {
        /// The sender name the manifest claims.
        claimed: String,
        /// The signer's fingerprint.
        fingerprint: String,
    },
    /// A known contact's installation signed with another key.
    #[error("{}", fl!("import-sender-key-changed", name = format!("{name:?}"), fingerprint = fingerprint.as_str()))]
    SenderKeyChanged {
        /// Contact name on file.
        name: String,
        /// The signer's fingerprint.
        fingerprint: String,
    },
    /// Signed by a contact, but naming another sender (§5).
    #[error("{}", fl!("import-sender-claims-differ", name = format!("{name:?}"), fields = field_words(fields)))]
    SenderClaimsDiffer {
        /// The signing contact's name on file.
        name: String,
        /// Which fields differ.
        fields: &'static str,
    },
    /// The bundle was already imported here.
    #[error("{}", fl!("import-already-imported", bundle = bundle.as_str(), at = bemx_i18n::datetime_of(at)))]
    AlreadyImported {
        /// Bundle id, hex.
        bundle: String,
        /// When it was imported.
        at: String,
    },
    /// The bundle was made from another database schema.
    #[error("{}", fl!("import-schema-version", theirs = theirs.to_owned(), ours = ours.to_owned()))]
    SchemaVersion {
        /// Sender's schema version.
        theirs: u64,
        /// Ours.
        ours: u64,
    },
    /// Same schema version number, different schema.
    #[error(
        "{}",
        fl!("import-schema-fingerprint", version = version.to_owned(), theirs = theirs.as_str(), ours = ours.as_str())
    )]
    SchemaFingerprint {
        /// Version both claim.
        version: u64,
        /// Sender's fingerprint (short hex).
        theirs: String,
        /// Ours (short hex).
        ours: String,
    },
    /// The bundle was made through another profile, or the same profile
    /// derived another graph from the sender's database (§8).
    #[error("{}", fl!("import-profile-differs", theirs = theirs.as_str(), ours = ours.as_str()))]
    Profile {
        /// The sender's profile, version and graph (short hex).
        theirs: String,
        /// Ours.
        ours: String,
    },
    /// Clients of the bundle already exist here.
    #[error("{}", fl!("import-clients-exist", bem_ids = bem_ids.join(", ")))]
    ClientsExist {
        /// Local BEM-IDs of the clients concerned.
        bem_ids: Vec<String>,
    },
    /// A bundle entry does not fit what the manifest or the schema says.
    #[error("{}", fl!("import-inconsistent", detail = detail.as_str()))]
    Inconsistent {
        /// What disagrees.
        detail: String,
    },
    /// The user pressed Ctrl-C before the commit.
    #[error("{}", fl!("import-cancelled"))]
    Cancelled,
    /// A file operation failed. The OS error is shown in the message, so it
    /// is not also a `source()`: a `{:#}` chain would print it twice.
    #[error(
        "{}",
        fl!("import-io", action = action.to_string(), path = path.display().to_string(), error = error.to_string())
    )]
    Io {
        /// What was being done.
        action: FileAction,
        /// File concerned.
        path: PathBuf,
        /// The OS error.
        error: std::io::Error,
    },
    /// The bundle could not be read or verified.
    #[error(transparent)]
    Unpack(Box<bemx_unpack::UnpackError>),
    /// The bundle format layer refused.
    #[error(transparent)]
    Format(#[from] bemx_format::FormatError),
    /// The database refused.
    #[error(transparent)]
    Db(bemx_db::DbError),
    /// The installation's bookkeeping refused (backup, ledger, receipt).
    #[error(transparent)]
    Install(bemx_install::InstallError),
}

impl ImportError {
    /// The stable machine-readable code of this error, `import.<variant>`
    /// (a wrapped error gives its own): what `--json` prints, listed in
    /// docs/ERRORS.md.
    pub fn code(&self) -> String {
        match self {
            ImportError::Unpack(e) => e.code(),
            ImportError::Format(e) => e.code(),
            ImportError::Db(e) => e.code(),
            ImportError::Install(e) => e.code(),
            other => format!("import.{}", <&'static str>::from(other)),
        }
    }

    pub(crate) fn io(action: FileAction, path: &Path, source: std::io::Error) -> Self {
        ImportError::Io { action, path: path.to_path_buf(), error: source }
    }

    /// What the user can do about it, kept apart from the message.
    pub fn advice(&self) -> Option<String> {
        Some(match self {
            ImportError::Busy => fl!("import-busy-advice"),
            ImportError::ReceiptTarget { .. } | ImportError::ReceiptUnwritable { .. } => fl!("import-receipt-advice"),
            ImportError::ForeignDatabase { .. } => fl!("import-foreign-database-advice"),
            ImportError::BundleChanged { .. } => fl!("import-bundle-changed-advice"),
            ImportError::BurnThroughLink { .. } => fl!("import-burn-through-link-advice"),
            ImportError::BundleReplaced { .. } => fl!("import-bundle-replaced-advice"),
            ImportError::ClientsDiffer { .. } => fl!("import-clients-differ-advice"),
            ImportError::UntrustedSender { .. } => fl!("import-untrusted-sender-advice"),
            ImportError::SenderKeyChanged { .. } | ImportError::SenderClaimsDiffer { .. } => {
                fl!("import-sender-mismatch-advice")
            }
            ImportError::AlreadyImported { bundle, .. } => {
                fl!("import-already-imported-advice", bundle = bundle.as_str())
            }
            ImportError::SchemaVersion { .. } | ImportError::SchemaFingerprint { .. } => fl!("import-schema-advice"),
            ImportError::Profile { .. } => fl!("import-profile-advice"),
            ImportError::ClientsExist { .. } => fl!("import-clients-exist-advice"),
            ImportError::Inconsistent { .. } => fl!("import-inconsistent-advice"),
            ImportError::Cancelled => return None,
            ImportError::Io { error, .. } => bemx_format::durable::io_advice(error).into(),
            ImportError::Format(e) => return e.advice(),
            ImportError::Db(e) => return e.advice(),
            ImportError::Unpack(e) => return e.advice(),
            ImportError::Install(e) => return e.advice(),
        })
    }
}

/// A flag as the selector of a message: `yes` or `no`.
fn yes_or_no(flag: bool) -> &'static str {
    if flag { "yes" } else { "no" }
}

fn none_if_empty(uuids: &[String]) -> String {
    if uuids.is_empty() { fl!("import-none") } else { uuids.join(", ") }
}

/// The sender fields a signing contact's bundle claims differently
/// (`bemx_identity` names them in English), in the user's language.
fn field_words(fields: &str) -> String {
    match fields {
        "installation id" => fl!("import-field-installation-id"),
        "age key" => fl!("import-field-age-key"),
        "name" => fl!("import-field-name"),
        other => other.to_owned(),
    }
}

/// What was being done to a file when the system refused
/// ([`ImportError::Io`]); shown in the user's language.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum FileAction {
    /// Opening the bundle to read it.
    OpeningBundle,
    /// `--burn`: overwriting the bundle with zeros.
    OverwritingBundle,
    /// `--burn`: deleting the overwritten bundle.
    DeletingBundle,
    /// Removing the empty receipt a killed import left.
    RemovingEmptyReceipt,
    /// Writing the receipt.
    WritingReceipt,
    /// Deleting the SICHERHEITSBACKUP of an earlier attempt.
    DeletingUnneededBackup,
}

impl std::fmt::Display for FileAction {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&match self {
            FileAction::OpeningBundle => fl!("import-action-opening-bundle"),
            FileAction::OverwritingBundle => fl!("import-action-overwriting-bundle"),
            FileAction::DeletingBundle => fl!("import-action-deleting-bundle"),
            FileAction::RemovingEmptyReceipt => fl!("import-action-removing-empty-receipt"),
            FileAction::WritingReceipt => fl!("import-action-writing-receipt"),
            FileAction::DeletingUnneededBackup => fl!("import-action-deleting-unneeded-backup"),
        })
    }
}

impl From<bemx_unpack::UnpackError> for ImportError {
    fn from(e: bemx_unpack::UnpackError) -> Self {
        ImportError::Unpack(Box::new(e))
    }
}

impl From<bemx_install::InstallError> for ImportError {
    fn from(e: bemx_install::InstallError) -> Self {
        match e {
            bemx_install::InstallError::Busy => ImportError::Busy,
            other => ImportError::Install(other),
        }
    }
}

impl From<bemx_db::DbError> for ImportError {
    fn from(e: bemx_db::DbError) -> Self {
        match e {
            bemx_db::DbError::Busy => ImportError::Busy,
            other => ImportError::Db(other),
        }
    }
}

impl From<rusqlite::Error> for ImportError {
    fn from(e: rusqlite::Error) -> Self {
        bemx_db::DbError::from(e).into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The message says what happened, the advice what to do, and the one
    /// never repeats the other.
    #[track_caller]
    fn check(e: &ImportError, advice: &str) {
        assert_eq!(e.advice().as_deref(), Some(advice), "{e}");
        assert!(!e.to_string().contains(advice), "{e} repeats its advice");
    }

    #[test]
    fn advice_is_kept_apart_from_the_message() {
        check(
            &ImportError::SenderKeyChanged { name: "Anna".into(), fingerprint: "F".into() },
            "do not import it; call the sender and compare fingerprints",
        );
        check(
            &ImportError::ClientsExist { bem_ids: vec!["Anja".into()] },
            "their records are never merged automatically; ask the sender which data is current",
        );
        // Wrapped errors hand their own advice on.
        check(
            &ImportError::Unpack(Box::new(bemx_unpack::UnpackError::NotForThisInstallation)),
            "ask the sender to export it again to your contact card",
        );
        check(
            &ImportError::Db(bemx_db::DbError::SchemaTooNew { found: 9, expected: 1 }),
            "install the same bemx version on both PCs",
        );
        check(
            &ImportError::Format(bemx_format::FormatError::Truncated { part: bemx_format::Part::AgePayload }),
            "copy the file again completely, or ask the sender for a new one",
        );
        check(
            &ImportError::Install(bemx_install::InstallError::UnknownHandover("ab".into())),
            "run `bemx handover list` to see the open ones",
        );
        assert_eq!(ImportError::Cancelled.advice(), None);
    }

    /// The messages built from parts read as they did before the catalogue.
    #[test]
    fn messages_with_choices_read_in_full() {
        let path = PathBuf::from("/x.bemx");
        assert_eq!(
            ImportError::BundleReplaced { path: path.clone(), overwritten: true }.to_string(),
            "the bundle file /x.bemx was replaced during the import; it was overwritten, but the name now points elsewhere and was not deleted"
        );
        assert_eq!(
            ImportError::BundleReplaced { path, overwritten: false }.to_string(),
            "the bundle file /x.bemx was replaced during the import; it was not overwritten"
        );
        assert_eq!(
            ImportError::ClientsDiffer { listed_not_carried: vec!["a".into(), "b".into()], carried_not_listed: vec![] }
                .to_string(),
            "the bundle's signed client list does not match the client records it carries (listed but not carried: a, b; carried but not listed: none)"
        );
        assert_eq!(
            ImportError::SenderClaimsDiffer { name: "Anna".into(), fields: "age key" }.to_string(),
            "the bundle is signed by your contact \"Anna\" but names another sender (age key differ from their contact card): it pretends to come from someone else"
        );
        assert_eq!(
            ImportError::SchemaFingerprint { version: 3, theirs: "ab".into(), ours: "cd".into() }.to_string(),
            "the bundle's database schema (fingerprint ab) differs from this installation's (cd) although both say version 3"
        );
        assert_eq!(
            ImportError::ReceiptTarget { path: "/r".into(), reason: fl!("import-receipt-no-folder") }.to_string(),
            "the receipt cannot be written to /r: its folder does not exist; nothing was imported"
        );
    }

    #[test]
    fn an_os_error_is_shown_once() {
        let e = ImportError::io(
            FileAction::OpeningBundle,
            Path::new("/x.bemx"),
            std::io::Error::new(std::io::ErrorKind::NotFound, "gone"),
        );
        assert_eq!(e.to_string(), "opening the bundle /x.bemx failed: gone");
        assert!(std::error::Error::source(&e).is_none(), "a {{:#}} chain would print it again");
    }
}
