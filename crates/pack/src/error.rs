use std::path::{Path, PathBuf};

/// Why an export failed. After any of these the database is unchanged and
/// no bundle or partial file exists.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PackError {
    /// No client was named.
    #[error("no clients selected: name at least one client with --client or --clients-file")]
    NoClients,
    /// The same client was named twice.
    #[error("client {0} is named twice: list each client once")]
    DuplicateClient(String),
    /// The client is already part of an open handover.
    #[error("client {client} is already handed over (bundle {bundle}): confirm or cancel that handover first")]
    AlreadyHandedOver {
        /// BEM-ID.
        client: String,
        /// Open bundle id.
        bundle: String,
    },
    /// Clients lack an unrevoked handover consent.
    #[error("no valid handover consent recorded for client(s) {}: record the signed consent first, or use --without-consent \"reason\" (the reason is logged)", .0.join(", "))]
    MissingConsent(Vec<String>),
    /// A client UUID in the database is malformed.
    #[error("client uuid {0:?} in the database is malformed: run `bemx db check`")]
    BadClientUuid(String),
    /// The sender's signing key does not match its public description.
    #[error(
        "the installation's signing key does not match its public key: the identity files are inconsistent; restore them from a backup"
    )]
    KeyMismatch,
    /// The database is another installation's (`--db`).
    #[error(
        "the database {} belongs to installation {found}, not to this installation ({ours}): use this installation's own database (leave out --db) or the --home of the installation it belongs to; nothing was exported",
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
    #[error("the contact's age key {0:?} is invalid: remove the contact and add its card again")]
    BadRecipient(String),
    /// The target file exists.
    #[error("{} already exists: choose another file name or remove the old file", .0.display())]
    TargetExists(PathBuf),
    /// The target folder does not exist.
    #[error("the folder {} does not exist: plug in the USB stick or choose an existing folder", .0.display())]
    TargetFolder(PathBuf),
    /// Writing, syncing or renaming on the medium failed.
    #[error("writing {} failed: {source}: check that the drive is plugged in, writable and has free space; nothing was exported", path.display())]
    Medium {
        /// File concerned.
        path: PathBuf,
        /// The OS error.
        source: std::io::Error,
    },
    /// The file read back differs from what was written.
    #[error("the bundle read back from {} differs from what was written: the drive may be failing; use another drive; nothing was exported", .0.display())]
    VerifyFailed(PathBuf),
    /// The data changed between planning and writing.
    #[error("entry {0} changed while it was being exported: close other programs using the database and try again")]
    PlanMismatch(String),
    /// A document's content does not match its stored SHA-256.
    #[error(
        "document {0} does not match its stored checksum: the database is damaged; run `bemx db check` and restore a backup; nothing was exported"
    )]
    DocumentDamaged(String),
    /// The user pressed Ctrl-C.
    #[error("export cancelled: nothing was exported and the database is unchanged")]
    Cancelled,
    /// Another program holds the database.
    #[error("the database is in use by another program: close BEMdok and any other bemx window, then try again")]
    Busy,
    /// The operating system's random number generator failed.
    #[error("the system random number generator failed ({0}): try again")]
    Random(String),
    /// A bug: an internal invariant was broken.
    #[error("internal error: {0}; please report this")]
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
            PackError::Format(bemx_format::FormatError::Io(source)) => {
                PackError::Medium { path: path.to_path_buf(), source }
            }
            other => other,
        }
    }
}
