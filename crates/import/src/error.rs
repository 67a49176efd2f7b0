use std::path::{Path, PathBuf};

/// Why an import failed. After any of these the database is as it was
/// before the command: nothing was imported.
///
/// `Display` says what happened; [`ImportError::advice`] says what to do.
#[derive(Debug, thiserror::Error, strum::IntoStaticStr, strum::VariantNames)]
#[strum(serialize_all = "snake_case")]
#[non_exhaustive]
pub enum ImportError {
    /// Another bemx process or another program holds the installation or its database.
    #[error("the database is in use by another program")]
    Busy,
    /// The receipt could not be placed where it should go.
    #[error("the receipt cannot be written to {}: {reason}; nothing was imported", path.display())]
    ReceiptTarget {
        /// Where it would go.
        path: PathBuf,
        /// Why not.
        reason: &'static str,
    },
    /// The receipt file could not be created (a read-only folder, say).
    #[error("the receipt cannot be written to {}: {source}; nothing was imported", path.display())]
    ReceiptUnwritable {
        /// Where it would go.
        path: PathBuf,
        /// The OS error.
        source: std::io::Error,
    },
    /// The database is another installation's (`--db`).
    #[error(
        "the database {} belongs to installation {found}, not to this installation ({ours})",
        database.display()
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
    #[error(
        "the bundle file {} changed after you confirmed the import: it is no longer the bundle the preview showed",
        path.display()
    )]
    BundleChanged {
        /// The bundle file.
        path: PathBuf,
    },
    /// `--burn` of a path that is a link.
    #[error("{} is a link; --burn overwrites only the bundle file itself, never through a link", path.display())]
    BurnThroughLink {
        /// The bundle path given.
        path: PathBuf,
    },
    /// The bundle path no longer names the file that was read. Only `burn`
    /// returns it, after the commit: the import reports it as a warning.
    #[error(
        "the bundle file {} was replaced during the import; it was {}",
        path.display(),
        if *overwritten { "overwritten, but the name now points elsewhere and was not deleted" } else { "not overwritten" }
    )]
    BundleReplaced {
        /// The bundle path.
        path: PathBuf,
        /// Whether the file read was overwritten before the name changed.
        overwritten: bool,
    },
    /// The manifest's client list and the client rows disagree.
    #[error(
        "the bundle's signed client list does not match the client records it carries (listed but not carried: {}; carried but not listed: {})",
        none_if_empty(.listed_not_carried),
        none_if_empty(.carried_not_listed)
    )]
    ClientsDiffer {
        /// UUIDs the manifest lists without a client row.
        listed_not_carried: Vec<String>,
        /// UUIDs of client rows the manifest does not list.
        carried_not_listed: Vec<String>,
    },
    /// The signer is not a trusted contact.
    #[error(
        "the bundle is signed by someone who is not among your trusted contacts (the bundle says {claimed:?}, unverified; fingerprint {fingerprint})"
    )]
    UntrustedSender {
        /// The sender name the manifest claims.
        claimed: String,
        /// The signer's fingerprint.
        fingerprint: String,
    },
    /// A known contact's installation signed with another key.
    #[error(
        "the bundle claims to come from your contact {name:?} but is signed with a different key (fingerprint {fingerprint}): someone else may have made it"
    )]
    SenderKeyChanged {
        /// Contact name on file.
        name: String,
        /// The signer's fingerprint.
        fingerprint: String,
    },
    /// Signed by a contact, but naming another sender (§5).
    #[error(
        "the bundle is signed by your contact {name:?} but names another sender ({fields} differ from their contact card): it pretends to come from someone else"
    )]
    SenderClaimsDiffer {
        /// The signing contact's name on file.
        name: String,
        /// Which fields differ.
        fields: &'static str,
    },
    /// The bundle was already imported here.
    #[error("this bundle ({bundle}) was already imported here on {at}; a bundle can be imported only once")]
    AlreadyImported {
        /// Bundle id, hex.
        bundle: String,
        /// When it was imported.
        at: String,
    },
    /// The bundle was made from another database schema.
    #[error("the bundle comes from database schema version {theirs}, this installation has version {ours}")]
    SchemaVersion {
        /// Sender's schema version.
        theirs: u64,
        /// Ours.
        ours: u64,
    },
    /// Same schema version number, different schema.
    #[error(
        "the bundle's database schema (fingerprint {theirs}) differs from this installation's ({ours}) although both say version {version}"
    )]
    SchemaFingerprint {
        /// Version both claim.
        version: u64,
        /// Sender's fingerprint (short hex).
        theirs: String,
        /// Ours (short hex).
        ours: String,
    },
    /// Clients of the bundle already exist here.
    #[error("client(s) {} already exist in this installation", .bem_ids.join(", "))]
    ClientsExist {
        /// Local BEM-IDs of the clients concerned.
        bem_ids: Vec<String>,
    },
    /// A bundle entry does not fit what the manifest or the schema says.
    #[error("the bundle's data does not fit its manifest ({detail})")]
    Inconsistent {
        /// What disagrees.
        detail: String,
    },
    /// The user pressed Ctrl-C before the commit.
    #[error("import cancelled before it was committed: the database is unchanged")]
    Cancelled,
    /// A file operation failed. The OS error is shown in the message, so it
    /// is not also a `source()`: a `{:#}` chain would print it twice.
    #[error("{action} {} failed: {error}", path.display())]
    Io {
        /// What was being done.
        action: &'static str,
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

    pub(crate) fn io(action: &'static str, path: &Path, source: std::io::Error) -> Self {
        ImportError::Io { action, path: path.to_path_buf(), error: source }
    }

    /// What the user can do about it, kept apart from the message.
    pub fn advice(&self) -> Option<String> {
        Some(match self {
            ImportError::Busy => "close BEMdok and every other bemx window, then try again".into(),
            ImportError::ReceiptTarget { .. } | ImportError::ReceiptUnwritable { .. } => {
                "choose another place with --receipt FILE".into()
            }
            ImportError::ForeignDatabase { .. } => "import into this installation's own database (leave out --db), or use the --home of the installation that database belongs to".into(),
            ImportError::BundleChanged { .. } => {
                "check who else can write to that folder, then import again and confirm what the preview shows".into()
            }
            ImportError::BurnThroughLink { .. } => {
                "import the file the link points to, or leave out --burn and delete the bundle yourself".into()
            }
            ImportError::BundleReplaced { .. } => "delete it by hand".into(),
            ImportError::ClientsDiffer { .. } => "do not import it; ask the sender for a new bundle".into(),
            ImportError::UntrustedSender { .. } => "compare this fingerprint with the sender by phone, add their contact card with `bemx contacts add`, then import again".into(),
            ImportError::SenderKeyChanged { .. } | ImportError::SenderClaimsDiffer { .. } => {
                "do not import it; call the sender and compare fingerprints".into()
            }
            ImportError::AlreadyImported { bundle, .. } => format!(
                "its clients are in this installation; run `bemx receipt {bundle}` if the sender still needs the receipt"
            ),
            ImportError::SchemaVersion { .. } | ImportError::SchemaFingerprint { .. } => {
                "install the same bemx version on both PCs and export again".into()
            }
            ImportError::ClientsExist { .. } => {
                "their records are never merged automatically; ask the sender which data is current".into()
            }
            ImportError::Inconsistent { .. } => "ask the sender for a new bundle".into(),
            ImportError::Cancelled => return None,
            ImportError::Io { error, .. } => bemx_format::durable::io_advice(error).into(),
            ImportError::Format(e) => return e.advice(),
            ImportError::Db(e) => return e.advice(),
            ImportError::Unpack(e) => return e.advice(),
            ImportError::Install(e) => return e.advice(),
        })
    }
}

fn none_if_empty(uuids: &[String]) -> String {
    if uuids.is_empty() { "none".into() } else { uuids.join(", ") }
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

    #[test]
    fn an_os_error_is_shown_once() {
        let e = ImportError::io(
            "opening the bundle",
            Path::new("/x.bemx"),
            std::io::Error::new(std::io::ErrorKind::NotFound, "gone"),
        );
        assert_eq!(e.to_string(), "opening the bundle /x.bemx failed: gone");
        assert!(std::error::Error::source(&e).is_none(), "a {{:#}} chain would print it again");
    }
}
