use std::path::{Path, PathBuf};

use crate::i18n::fl;

/// Why an export failed. After any of these the database is unchanged and
/// no bundle or partial file exists.
///
/// `Display` says what happened; [`PackError::advice`] says what to do.
/// Both come from the catalogue `i18n/{en,de}/bemx-pack.ftl`.
#[derive(Debug, thiserror::Error, strum::IntoStaticStr, strum::VariantNames)]
#[strum(serialize_all = "snake_case")]
#[non_exhaustive]
pub enum PackError {
    /// No client was named.
    #[error("{}", fl!("pack-no-clients"))]
    NoClients,
    /// The same client was named twice.
    #[error("{}", fl!("pack-duplicate-client", client = .0.as_str()))]
    DuplicateClient(String),
    /// The client is already part of an open handover.
    #[error("{}", fl!("pack-already-handed-over", client = client.as_str(), bundle = bundle.as_str()))]
    AlreadyHandedOver {
        /// BEM-ID.
        client: String,
        /// Open bundle id.
        bundle: String,
    },
    /// Clients lack an unrevoked handover consent.
    #[error("{}", fl!("pack-missing-consent", clients = .0.join(", ")))]
    MissingConsent(Vec<String>),
    /// The clients without a recorded consent are not the ones the user
    /// confirmed (a consent was revoked or recorded since the summary).
    #[error("{}", fl!("pack-consent-changed", clients = .0.join(", ")))]
    ConsentChanged(Vec<String>),
    /// The reason given for exporting without consent says nothing.
    #[error("{}", fl!("pack-weak-reason", detail = .0.as_str()))]
    WeakReason(String),
    /// A client UUID in the database is malformed.
    #[error("{}", fl!("pack-bad-client-uuid", uuid = format!("{:?}", .0)))]
    BadClientUuid(String),
    /// The sender's signing key does not match its public description.
    #[error("{}", fl!("pack-key-mismatch"))]
    KeyMismatch,
    /// The database is another installation's (`--db`).
    #[error(
        "{}",
        fl!(
            "pack-foreign-database",
            path = path.display().to_string(),
            found = found.as_str(),
            ours = ours.as_str()
        )
    )]
    ForeignDatabase {
        /// The database file.
        path: PathBuf,
        /// The installation id recorded in it.
        found: String,
        /// The exporting installation's id.
        ours: String,
    },
    /// The recipient's age key does not parse.
    #[error("{}", fl!("pack-bad-recipient", key = format!("{:?}", .0)))]
    BadRecipient(String),
    /// The target file exists.
    #[error("{}", fl!("pack-target-exists", path = .0.display().to_string()))]
    TargetExists(PathBuf),
    /// The target folder does not exist.
    #[error("{}", fl!("pack-target-folder", path = .0.display().to_string()))]
    TargetFolder(PathBuf),
    /// Writing, syncing, reading back or renaming on the medium failed. The
    /// OS error is shown in the message, so it is not also a `source()`: a
    /// `{:#}` chain would print it twice.
    #[error("{}", step.failed(path, error))]
    Medium {
        /// What was being done.
        step: MediumStep,
        /// File concerned.
        path: PathBuf,
        /// The OS error.
        error: std::io::Error,
    },
    /// The file read back differs from what was written.
    #[error("{}", fl!("pack-verify-failed", path = .0.display().to_string()))]
    VerifyFailed(PathBuf),
    /// The data changed between planning and writing.
    #[error("{}", fl!("pack-plan-mismatch", entry = .0.as_str()))]
    PlanMismatch(String),
    /// A document's content does not match its stored SHA-256.
    #[error("{}", fl!("pack-document-damaged", document = .0.as_str()))]
    DocumentDamaged(String),
    /// Keeping the encoded rows for the write pass, in an encrypted
    /// temporary file in the installation's folder, failed. The OS error is
    /// in the message, not a `source()` (see `Medium`).
    #[error("{}", fl!("pack-spool", dir = dir.display().to_string(), error = error.to_string()))]
    Spool {
        /// The folder of the temporary file.
        dir: PathBuf,
        /// What failed.
        error: std::io::Error,
    },
    /// The user pressed Ctrl-C.
    #[error("{}", fl!("pack-cancelled"))]
    Cancelled,
    /// Another program holds the database.
    #[error("{}", fl!("pack-busy"))]
    Busy,
    /// The operating system's random number generator failed.
    #[error("{}", fl!("pack-random", detail = .0.as_str()))]
    Random(String),
    /// A bug: an internal invariant was broken.
    #[error("{}", fl!("pack-internal", detail = .0.to_string()))]
    Internal(&'static str),
    /// The database refused.
    #[error(transparent)]
    Db(bemx_db::DbError),
    /// The installation's bookkeeping (handover journal) refused.
    #[error(transparent)]
    Install(bemx_install::InstallError),
    /// The bundle encoder refused.
    #[error(transparent)]
    Format(#[from] bemx_format::FormatError),
}

/// What was being done on the medium when it failed: the advice differs,
/// since reading back cannot run out of space.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum MediumStep {
    /// Creating, writing or syncing the new file.
    Writing,
    /// Reading the written file back to compare it.
    ReadingBack,
    /// Giving the finished file its name.
    Renaming,
}

impl MediumStep {
    /// The message: this step failed on `path` with `error`. One sentence
    /// per step, since the words around the file name differ between
    /// languages.
    fn failed(self, path: &Path, error: &std::io::Error) -> String {
        let path = path.display().to_string();
        let error = error.to_string();
        let (path, error) = (path.as_str(), error.as_str());
        match self {
            MediumStep::Writing => fl!("pack-medium-writing", path = path, error = error),
            MediumStep::ReadingBack => fl!("pack-medium-reading-back", path = path, error = error),
            MediumStep::Renaming => fl!("pack-medium-renaming", path = path, error = error),
        }
    }
}

impl std::fmt::Display for MediumStep {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&match self {
            MediumStep::Writing => fl!("pack-step-writing"),
            MediumStep::ReadingBack => fl!("pack-step-reading-back"),
            MediumStep::Renaming => fl!("pack-step-renaming"),
        })
    }
}

impl PackError {
    /// The stable machine-readable code of this error, `pack.<variant>`
    /// (a wrapped error gives its own): what `--json` prints, listed in
    /// docs/ERRORS.md.
    pub fn code(&self) -> String {
        match self {
            PackError::Db(e) => e.code(),
            PackError::Install(e) => e.code(),
            PackError::Format(e) => e.code(),
            other => format!("pack.{}", <&'static str>::from(other)),
        }
    }

    /// What the user can do about it, kept apart from the message.
    pub fn advice(&self) -> Option<String> {
        Some(match self {
            PackError::ForeignDatabase { .. } => fl!("pack-foreign-database-advice"),
            PackError::WeakReason(_) => fl!("pack-weak-reason-advice"),
            PackError::NoClients => fl!("pack-no-clients-advice"),
            PackError::DuplicateClient(_) => fl!("pack-duplicate-client-advice"),
            PackError::AlreadyHandedOver { .. } => fl!("pack-already-handed-over-advice"),
            PackError::MissingConsent(_) => fl!("pack-missing-consent-advice"),
            PackError::ConsentChanged(_) => fl!("pack-consent-changed-advice"),
            PackError::BadClientUuid(_) => fl!("pack-bad-client-uuid-advice"),
            PackError::KeyMismatch => fl!("pack-key-mismatch-advice"),
            PackError::BadRecipient(_) => fl!("pack-bad-recipient-advice"),
            PackError::TargetExists(_) => fl!("pack-target-exists-advice"),
            PackError::TargetFolder(_) => fl!("pack-target-folder-advice"),
            PackError::Medium { step: MediumStep::ReadingBack, error, .. } => {
                bemx_format::durable::read_advice(error).into()
            }
            PackError::Medium { error, .. } => bemx_format::durable::io_advice(error).into(),
            PackError::VerifyFailed(_) => fl!("pack-verify-failed-advice"),
            PackError::PlanMismatch(_) => fl!("pack-plan-mismatch-advice"),
            PackError::DocumentDamaged(_) => fl!("pack-document-damaged-advice"),
            PackError::Spool { error, .. } => bemx_format::durable::io_advice(error).into(),
            PackError::Cancelled => return None,
            PackError::Busy => fl!("pack-busy-advice"),
            PackError::Random(_) => fl!("pack-random-advice"),
            PackError::Internal(_) => fl!("pack-internal-advice"),
            PackError::Db(e) => return e.advice(),
            PackError::Install(e) => return e.advice(),
            PackError::Format(e) => return e.advice(),
        })
    }
}

impl From<bemx_db::DbError> for PackError {
    fn from(e: bemx_db::DbError) -> Self {
        match e {
            bemx_db::DbError::Busy => PackError::Busy,
            other => PackError::Db(other),
        }
    }
}

impl From<rusqlite::Error> for PackError {
    fn from(e: rusqlite::Error) -> Self {
        bemx_db::DbError::from(e).into()
    }
}

impl From<bemx_install::InstallError> for PackError {
    fn from(e: bemx_install::InstallError) -> Self {
        match e {
            bemx_install::InstallError::Busy => PackError::Busy,
            other => PackError::Install(other),
        }
    }
}

impl From<std::io::Error> for PackError {
    fn from(e: std::io::Error) -> Self {
        // Errors raised by our own Write impls travel inside io::Error.
        match bemx_format::FormatError::from_read(e, bemx_format::Part::Archive) {
            bemx_format::FormatError::Io(io) => PackError::Format(bemx_format::FormatError::Io(io)),
            other => PackError::Format(other),
        }
    }
}

impl PackError {
    /// Attributes a plain I/O failure during the write to the medium.
    pub(crate) fn on_medium(self, path: &Path) -> Self {
        match self {
            PackError::Format(bemx_format::FormatError::Io(error)) => {
                PackError::Medium { step: MediumStep::Writing, path: path.to_path_buf(), error }
            }
            other => other,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The message says what happened, the advice what to do, and the one
    /// never repeats the other.
    #[track_caller]
    fn check(e: &PackError, advice: &str) {
        assert_eq!(e.advice().as_deref(), Some(advice), "{e}");
        assert!(!e.to_string().contains(advice), "{e} repeats its advice");
    }

    #[test]
    fn advice_is_kept_apart_from_the_message() {
        check(&PackError::NoClients, "name at least one client with --client or --clients-file");
        check(&PackError::TargetFolder("/media/stick".into()), "plug in the USB stick or choose an existing folder");
        check(&PackError::VerifyFailed("/media/stick/x.bemx".into()), "use another drive");
        // Wrapped errors hand their own advice on.
        check(
            &PackError::Db(bemx_db::DbError::UnknownClient { query: "Anna".into() }),
            "run `bemx clients list` to see the known clients",
        );
        check(
            &PackError::Install(bemx_install::InstallError::UnknownHandover("ab".into())),
            "run `bemx handover list` to see the open ones",
        );
        check(&PackError::Format(bemx_format::FormatError::BadSignature), "refuse this bundle");
        assert_eq!(PackError::Cancelled.advice(), None);
    }

    #[test]
    fn the_medium_shows_its_os_error_once_with_advice_for_the_step() {
        let full = || std::io::Error::new(std::io::ErrorKind::StorageFull, "no space left on device");
        let e = PackError::Medium { step: MediumStep::Writing, path: "/s/x".into(), error: full() };
        assert_eq!(e.to_string(), "writing /s/x failed: no space left on device; nothing was exported");
        assert!(std::error::Error::source(&e).is_none(), "a {{:#}} chain would print it again");
        assert!(e.advice().unwrap().contains("space"), "{:?}", e.advice());
        let e = PackError::Medium { step: MediumStep::ReadingBack, path: "/s/x".into(), error: full() };
        assert!(!e.advice().unwrap().contains("space"), "reading back advises {:?}", e.advice());
    }

    /// The English texts are the ones the code printed before they moved
    /// into the catalogue.
    #[test]
    fn the_english_texts_are_unchanged() {
        assert_eq!(
            PackError::MissingConsent(vec!["X".into(), "Y".into()]).to_string(),
            "no valid handover consent recorded for client(s) X, Y"
        );
        assert_eq!(PackError::BadClientUuid("u".into()).to_string(), "client uuid \"u\" in the database is malformed");
        assert_eq!(PackError::BadRecipient("k".into()).to_string(), "the contact's age key \"k\" is invalid");
        assert_eq!(PackError::Internal("x").to_string(), "internal error: x");
        let renaming =
            PackError::Medium { step: MediumStep::Renaming, path: "/s/x".into(), error: std::io::Error::other("e") };
        assert_eq!(renaming.to_string(), "renaming the finished bundle to /s/x failed: e; nothing was exported");
        let weak = |reason: &str| crate::check_consent_reason(reason).unwrap_err().to_string();
        let prefix = "the reason given for exporting without a recorded consent is not enough";
        assert_eq!(weak(" "), format!("{prefix} (it is empty)"));
        assert_eq!(weak("a\u{200b}b"), format!("{prefix} (it contains a control or invisible character, U+200B)"));
        assert_eq!(weak(&"ab ".repeat(600)), format!("{prefix} (it has 1799 characters, more than 1000)"));
        assert_eq!(
            weak("ok ok"),
            format!("{prefix} (\"ok ok\" is too short to be one; a reason has at least 10 characters and two words)")
        );
    }
}
