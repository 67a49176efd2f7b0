use std::path::{Path, PathBuf};

/// Why an export failed. After any of these the database is unchanged and
/// no bundle or partial file exists.
///
/// `Display` says what happened; [`PackError::advice`] says what to do.
#[derive(Debug, thiserror::Error, strum::IntoStaticStr, strum::VariantNames)]
#[strum(serialize_all = "snake_case")]
#[non_exhaustive]
pub enum PackError {
    /// No client was named.
    #[error("no clients selected")]
    NoClients,
    /// The same client was named twice.
    #[error("client {0} is named twice")]
    DuplicateClient(String),
    /// The client is already part of an open handover.
    #[error("client {client} is already handed over (bundle {bundle})")]
    AlreadyHandedOver {
        /// BEM-ID.
        client: String,
        /// Open bundle id.
        bundle: String,
    },
    /// Clients lack an unrevoked handover consent.
    #[error("no valid handover consent recorded for client(s) {}", .0.join(", "))]
    MissingConsent(Vec<String>),
    /// The reason given for exporting without consent says nothing.
    #[error("the reason given for exporting without a recorded consent is not enough ({0})")]
    WeakReason(String),
    /// A client UUID in the database is malformed.
    #[error("client uuid {0:?} in the database is malformed")]
    BadClientUuid(String),
    /// The sender's signing key does not match its public description.
    #[error("the installation's signing key does not match its public key: the identity files are inconsistent")]
    KeyMismatch,
    /// The database is another installation's (`--db`).
    #[error(
        "the database {} belongs to installation {found}, not to this installation ({ours}); nothing was exported",
        path.display()
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
    #[error("the contact's age key {0:?} is invalid")]
    BadRecipient(String),
    /// The target file exists.
    #[error("{} already exists", .0.display())]
    TargetExists(PathBuf),
    /// The target folder does not exist.
    #[error("the folder {} does not exist", .0.display())]
    TargetFolder(PathBuf),
    /// Writing, syncing, reading back or renaming on the medium failed. The
    /// OS error is shown in the message, so it is not also a `source()`: a
    /// `{:#}` chain would print it twice.
    #[error("{step} {} failed: {error}; nothing was exported", path.display())]
    Medium {
        /// What was being done.
        step: MediumStep,
        /// File concerned.
        path: PathBuf,
        /// The OS error.
        error: std::io::Error,
    },
    /// The file read back differs from what was written.
    #[error(
        "the bundle read back from {} differs from what was written: the drive may be failing; nothing was exported",
        .0.display()
    )]
    VerifyFailed(PathBuf),
    /// The data changed between planning and writing.
    #[error("entry {0} changed while it was being exported")]
    PlanMismatch(String),
    /// A document's content does not match its stored SHA-256.
    #[error("document {0} does not match its stored checksum: the database is damaged; nothing was exported")]
    DocumentDamaged(String),
    /// The user pressed Ctrl-C.
    #[error("export cancelled: nothing was exported and the database is unchanged")]
    Cancelled,
    /// Another program holds the database.
    #[error("the database is in use by another program")]
    Busy,
    /// The operating system's random number generator failed.
    #[error("the system random number generator failed ({0})")]
    Random(String),
    /// A bug: an internal invariant was broken.
    #[error("internal error: {0}")]
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

impl std::fmt::Display for MediumStep {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            MediumStep::Writing => "writing",
            MediumStep::ReadingBack => "reading back",
            MediumStep::Renaming => "renaming the finished bundle to",
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
            PackError::ForeignDatabase { .. } => "use this installation's own database (leave out --db) or the --home of the installation it belongs to".into(),
            PackError::WeakReason(_) => "write in words why these clients are handed over without it, e.g. --without-consent \"consent form lost in the office move, client informed by phone\" (the reason goes into the audit log)".into(),
            PackError::NoClients => "name at least one client with --client or --clients-file".into(),
            PackError::DuplicateClient(_) => "list each client once".into(),
            PackError::AlreadyHandedOver { .. } => "confirm or cancel that handover first".into(),
            PackError::MissingConsent(_) => {
                "record the signed consent first, or use --without-consent \"reason\" (the reason is logged)".into()
            }
            PackError::BadClientUuid(_) => "run `bemx db check`".into(),
            PackError::KeyMismatch => "restore them from a backup".into(),
            PackError::BadRecipient(_) => "remove the contact and add its card again".into(),
            PackError::TargetExists(_) => "choose another file name or remove the old file".into(),
            PackError::TargetFolder(_) => "plug in the USB stick or choose an existing folder".into(),
            PackError::Medium { step: MediumStep::ReadingBack, error, .. } => {
                bemx_format::durable::read_advice(error).into()
            }
            PackError::Medium { error, .. } => bemx_format::durable::io_advice(error).into(),
            PackError::VerifyFailed(_) => "use another drive".into(),
            PackError::PlanMismatch(_) => "close other programs using the database and try again".into(),
            PackError::DocumentDamaged(_) => "run `bemx db check` and restore a backup".into(),
            PackError::Cancelled => return None,
            PackError::Busy => "close BEMdok and any other bemx window, then try again".into(),
            PackError::Random(_) => "try again".into(),
            PackError::Internal(_) => "please report this".into(),
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
}
