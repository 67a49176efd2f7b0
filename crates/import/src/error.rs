use std::path::{Path, PathBuf};

/// Why an import, backup, restore or handover step failed. After any of
/// these the database is as it was before the command.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ImportError {
    /// Another bemx process or another program holds the installation or its database.
    #[error("the database is in use by another program: close BEMdok and every other bemx window, then try again")]
    Busy,
    /// The receipt could not be placed where it should go.
    #[error("the receipt cannot be written to {}: {reason}: choose another place with --receipt FILE; nothing was imported", path.display())]
    ReceiptTarget {
        /// Where it would go.
        path: PathBuf,
        /// Why not.
        reason: &'static str,
    },
    /// The signer is not a trusted contact.
    #[error(
        "the bundle is signed by someone who is not among your trusted contacts (the bundle says {claimed:?}, unverified; fingerprint {fingerprint}): compare this fingerprint with the sender by phone, add their contact card with `bemx contacts add`, then import again"
    )]
    UntrustedSender {
        /// The sender name the manifest claims.
        claimed: String,
        /// The signer's fingerprint.
        fingerprint: String,
    },
    /// A known contact's installation signed with another key.
    #[error(
        "the bundle claims to come from your contact {name:?} but is signed with a different key (fingerprint {fingerprint}): someone else may have made it; do not import it and call the sender"
    )]
    SenderKeyChanged {
        /// Contact name on file.
        name: String,
        /// The signer's fingerprint.
        fingerprint: String,
    },
    /// The bundle was already imported here.
    #[error(
        "this bundle ({bundle}) was already imported here on {at}: a bundle can be imported only once and its clients are in this installation; run `bemx receipt {bundle}` if the sender still needs the receipt"
    )]
    AlreadyImported {
        /// Bundle id, hex.
        bundle: String,
        /// When it was imported.
        at: String,
    },
    /// The bundle was made from another database schema.
    #[error(
        "the bundle comes from database schema version {theirs}, this installation has version {ours}: install the same bemx version on both PCs and export again"
    )]
    SchemaVersion {
        /// Sender's schema version.
        theirs: u64,
        /// Ours.
        ours: u64,
    },
    /// Same schema version number, different schema.
    #[error(
        "the bundle's database schema (fingerprint {theirs}) differs from this installation's ({ours}) although both say version {version}: install the same bemx version on both PCs"
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
    #[error("client(s) {} already exist in this installation: their records are never merged automatically; ask the sender which data is current", .bem_ids.join(", "))]
    ClientsExist {
        /// Local BEM-IDs of the clients concerned.
        bem_ids: Vec<String>,
    },
    /// A bundle entry does not fit what the manifest or the schema says.
    #[error("the bundle's data does not fit its manifest ({detail}): ask the sender for a new bundle")]
    Inconsistent {
        /// What disagrees.
        detail: String,
    },
    /// A backup is missing, unreadable or fails its check.
    #[error("backup {name}: {detail}")]
    Backup {
        /// Backup name.
        name: String,
        /// What is wrong and what to do.
        detail: String,
    },
    /// A receipt does not belong to an open handover of this installation.
    #[error("{0}")]
    Receipt(String),
    /// No handover with that bundle id.
    #[error("no handover with bundle id {0}: run `bemx handover list` to see the open ones")]
    UnknownHandover(String),
    /// The handover is not in a state that allows this.
    #[error("handover {bundle} is {state}: {hint}")]
    HandoverState {
        /// Bundle id.
        bundle: String,
        /// Its state.
        state: String,
        /// What to do.
        hint: &'static str,
    },
    /// The user pressed Ctrl-C before the commit.
    #[error("import cancelled before it was committed: the database is unchanged")]
    Cancelled,
    /// A file operation failed.
    #[error("{action} {} failed: {source}: check that the drive is plugged in, the folder exists and is writable, and there is free space", path.display())]
    Io {
        /// What was being done.
        action: &'static str,
        /// File concerned.
        path: PathBuf,
        /// The OS error.
        source: std::io::Error,
    },
    /// The bundle could not be read or verified.
    #[error(transparent)]
    Unpack(Box<bemx_unpack::UnpackError>),
    /// The bundle format layer refused.
    #[error(transparent)]
    Format(#[from] bemx_format::FormatError),
    /// The database refused.
    #[error(transparent)]
    Db(#[from] bemx_db::DbError),
}

impl ImportError {
    pub(crate) fn io(action: &'static str, path: &Path, source: std::io::Error) -> Self {
        ImportError::Io { action, path: path.to_path_buf(), source }
    }
}

impl From<rusqlite::Error> for ImportError {
    fn from(e: rusqlite::Error) -> Self {
        match e.sqlite_error_code() {
            Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked) => ImportError::Busy,
            _ => ImportError::Db(e.into()),
        }
    }
}
