use std::path::{Path, PathBuf};

use crate::i18n::fl;

/// Why a step of the installation's bookkeeping failed: the lock, a backup,
/// a restore, the ledger, the handover journal, a receipt at the sender.
/// After any of these the database is as it was before the command.
///
/// `Display` says what happened; [`InstallError::advice`] says what to do.
/// Both come from the catalogue `i18n/{en,de}/bemx-install.ftl`.
#[derive(Debug, thiserror::Error, strum::IntoStaticStr, strum::VariantNames)]
#[strum(serialize_all = "snake_case")]
#[non_exhaustive]
pub enum InstallError {
    /// Another bemx process or another program holds the installation or its database.
    #[error("{}", fl!("install-busy"))]
    Busy,
    /// A backup is missing, unreadable or fails its check.
    #[error("{}", fl!("install-backup", name = name.as_str(), problem = problem.to_string()))]
    Backup {
        /// Backup name.
        name: String,
        /// What is wrong with it.
        problem: BackupProblem,
    },
    /// The database fails SQLite's integrity check.
    #[error("{}", fl!("install-damaged", result = result.as_str()))]
    Damaged {
        /// What `PRAGMA quick_check` said.
        result: String,
    },
    /// A restore found SQLite's rollback journal of an interrupted write.
    #[error("{}", fl!("install-pending-journal", journal = journal.display().to_string()))]
    PendingJournal {
        /// The `-journal` file.
        journal: PathBuf,
    },
    /// A receipt does not belong to an open handover of this installation.
    #[error("{0}")]
    Receipt(ReceiptProblem),
    /// No handover with that bundle id.
    #[error("{}", fl!("install-unknown-handover", bundle = .0.as_str()))]
    UnknownHandover(String),
    /// The database changed between a restore's question and its swap.
    #[error("{}", fl!("install-database-changed", database = database.display().to_string()))]
    DatabaseChanged {
        /// The database file.
        database: PathBuf,
    },
    /// The start of a bundle id given fits several bundles.
    #[error("{}", fl!("install-ambiguous-bundle", query = query.as_str(), matches = matches.join(", ")))]
    AmbiguousBundle {
        /// What was given.
        query: String,
        /// The ids it fits.
        matches: Vec<String>,
    },
    /// The handover is not in a state that allows this.
    #[error("{}", fl!("install-handover-state", bundle = bundle.as_str(), state = state.as_str()))]
    HandoverState {
        /// Bundle id.
        bundle: String,
        /// Its state.
        state: String,
        /// What was attempted.
        attempted: &'static str,
    },
    /// The database (`--db`) records another installation than this one.
    #[error(
        "{}",
        fl!(
            "install-foreign-database",
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
    /// `--profile` names another profile than the installation works through.
    #[error("{}", fl!("install-other-profile", given = given.as_str(), recorded = recorded.as_str()))]
    OtherProfile {
        /// The profile given, as `name version (graph)`.
        given: String,
        /// The installation's.
        recorded: String,
    },
    /// The installation keeps its records apart from a host database, and
    /// they name another host database than the one given (`--db`).
    #[error(
        "{}",
        fl!("install-host-elsewhere", recorded = recorded.display().to_string(), given = given.display().to_string())
    )]
    HostElsewhere {
        /// The host database the records belong to.
        recorded: PathBuf,
        /// The one given.
        given: PathBuf,
    },
    /// Restoring the backup would delete clients that arrived by import
    /// after it was taken, and exist nowhere else.
    #[error("{}", fl!("install-restore-would-lose", backup = backup.as_str(), bem_ids = bem_ids.join(", ")))]
    RestoreWouldLose {
        /// The backup.
        backup: String,
        /// The clients' BEM-IDs (UUIDs where the current database does not know them).
        bem_ids: Vec<String>,
    },
    /// A disk cannot hold what the command would write (spec/DESIGN.md F1).
    #[error(
        "{}",
        fl!(
            "install-disk-full",
            disk = disk.display().to_string(),
            purposes = purposes.as_str(),
            needed = crate::space::human_bytes(*needed),
            free = crate::space::human_bytes(*free)
        )
    )]
    DiskFull {
        /// The disk: `C:\` on Windows, the mount point elsewhere.
        disk: PathBuf,
        /// Bytes needed there, margin included.
        needed: u64,
        /// Bytes free there.
        free: u64,
        /// What needs the room, e.g. "the backup and the imported data"
        /// (in the language chosen when the check ran).
        purposes: String,
    },
    /// A date given on the command line is not a date.
    #[error("{}", fl!("install-bad-date", given = given.as_str()))]
    BadDate {
        /// What was given.
        given: String,
    },
    /// A consent date after today.
    #[error("{}", fl!("install-date-in-future", date = date.as_str()))]
    DateInFuture {
        /// The date, YYYY-MM-DD.
        date: String,
    },
    /// The client is in an open handover and read-only until it ends.
    #[error("{}", fl!("install-client-handed-over", bem_id = bem_id.as_str(), bundle = bundle.as_str()))]
    ClientHandedOver {
        /// BEM-ID.
        bem_id: String,
        /// The open handover.
        bundle: String,
    },
    /// A handover consent is already in force.
    #[error("{}", fl!("install-consent-exists", bem_id = bem_id.as_str(), since = since.as_str()))]
    ConsentExists {
        /// BEM-ID.
        bem_id: String,
        /// When it was given.
        since: String,
    },
    /// A confirm on a host database some of whose handed-over clients are
    /// no longer found under the id they were handed over with.
    #[error("{}", fl!("install-clients-changed", count = count.to_owned()))]
    ClientsChanged {
        /// How many.
        count: usize,
    },
    /// A consent recorded through bemx on a host database: the host
    /// program records consent (or none), bemx only reads it.
    #[error("{}", fl!("install-consent-in-host"))]
    ConsentInHost,
    /// No handover consent in force to revoke.
    #[error("{}", fl!("install-no-consent", bem_id = bem_id.as_str()))]
    NoConsent {
        /// BEM-ID.
        bem_id: String,
    },
    /// A revocation dated before the consent it revokes.
    #[error(
        "{}",
        fl!("install-revoked-before-given", given_on = given_on.as_str(), revoked_on = revoked_on.as_str())
    )]
    RevokedBeforeGiven {
        /// When it was given.
        given_on: String,
        /// The revocation date asked for.
        revoked_on: String,
    },
    /// The form named is not one of the client's documents.
    #[error("{}", fl!("install-not-the-clients-document", document = document.to_string(), bem_id = bem_id.as_str()))]
    NotTheClientsDocument {
        /// BEM-ID.
        bem_id: String,
        /// The document id given.
        document: i64,
    },
    /// A record file (ledger, journal) has a line this version cannot read.
    #[error(
        "{}",
        fl!("install-record-file", path = path.display().to_string(), line = line.to_string(), reason = reason.to_string())
    )]
    RecordFile {
        /// The file.
        path: PathBuf,
        /// 1-based line number.
        line: usize,
        /// Why.
        reason: RecordFault,
    },
    /// A file operation failed. The OS error is shown in the message, so it
    /// is not also a `source()`: a `{:#}` chain would print it twice.
    #[error("{}", action.failed(path, error))]
    Io {
        /// What was being done.
        action: IoAction,
        /// File concerned.
        path: PathBuf,
        /// The OS error.
        error: std::io::Error,
    },
    /// A receipt file could not be parsed or verified.
    #[error(transparent)]
    Format(#[from] bemx_format::FormatError),
    /// The database refused.
    #[error(transparent)]
    Db(bemx_db::DbError),
    /// The installation's keys or contacts refused (setting one up).
    #[error(transparent)]
    Identity(#[from] bemx_identity::IdentityError),
}

/// Why a line of a record file (ledger, journal) cannot be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum RecordFault {
    /// The line is longer than a record line can be (`ledger::MAX_LINE`).
    TooLong,
    /// The file is not UTF-8 text.
    NotUtf8,
    /// The line is no record this version knows.
    Unknown,
}

impl std::fmt::Display for RecordFault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&match self {
            RecordFault::TooLong => fl!("install-record-too-long"),
            RecordFault::NotUtf8 => fl!("install-record-not-utf8"),
            RecordFault::Unknown => fl!("install-record-unknown"),
        })
    }
}

/// What was being done to a file when the operating system refused: each
/// has its own sentence in the catalogue (`install-io-…`), since the words
/// around the file name differ from language to language.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum IoAction {
    /// Reading a file.
    Reading,
    /// Creating a file or folder.
    Creating,
    /// Writing a file.
    Writing,
    /// Opening a file.
    Opening,
    /// Listing a folder.
    Listing,
    /// Locking the lock file.
    Locking,
    /// Syncing a file to the disk.
    Syncing,
    /// Appending to a record file.
    AppendingTo,
    /// Opening the installation's lock file.
    OpeningLockFile,
    /// Opening a backup's signature file.
    OpeningSignature,
    /// Reading a backup's signature file.
    ReadingSignature,
    /// Deleting a backup (`bemx backup delete`).
    DeletingBackup,
    /// Deleting a backup past the retention.
    DeletingOldBackup,
    /// Writing a new backup.
    WritingBackup,
    /// Writing a new backup's signature file.
    WritingBackupSignature,
    /// Setting up the encryption of a new backup.
    EncryptingBackup,
    /// Opening a backup to decrypt it.
    OpeningBackup,
    /// Giving a finished backup its name.
    RenamingBackup,
    /// Giving a finished backup's signature file its name.
    RenamingBackupSignature,
    /// Asking the operating system for the free space.
    FindingFreeSpace,
    /// Putting a restored database in place of the current one.
    ReplacingDatabase,
}

impl IoAction {
    /// The message: doing this to `path` failed with `error`.
    fn failed(self, path: &Path, error: &std::io::Error) -> String {
        let path = path.display().to_string();
        let error = error.to_string();
        let (path, error) = (path.as_str(), error.as_str());
        match self {
            IoAction::Reading => fl!("install-io-reading", path = path, error = error),
            IoAction::Creating => fl!("install-io-creating", path = path, error = error),
            IoAction::Writing => fl!("install-io-writing", path = path, error = error),
            IoAction::Opening => fl!("install-io-opening", path = path, error = error),
            IoAction::Listing => fl!("install-io-listing", path = path, error = error),
            IoAction::Locking => fl!("install-io-locking", path = path, error = error),
            IoAction::Syncing => fl!("install-io-syncing", path = path, error = error),
            IoAction::AppendingTo => fl!("install-io-appending", path = path, error = error),
            IoAction::OpeningLockFile => fl!("install-io-opening-lock-file", path = path, error = error),
            IoAction::OpeningSignature => fl!("install-io-opening-signature", path = path, error = error),
            IoAction::ReadingSignature => fl!("install-io-reading-signature", path = path, error = error),
            IoAction::DeletingBackup => fl!("install-io-deleting-backup", path = path, error = error),
            IoAction::DeletingOldBackup => fl!("install-io-deleting-old-backup", path = path, error = error),
            IoAction::WritingBackup => fl!("install-io-writing-backup", path = path, error = error),
            IoAction::WritingBackupSignature => {
                fl!("install-io-writing-backup-signature", path = path, error = error)
            }
            IoAction::EncryptingBackup => fl!("install-io-encrypting-backup", path = path, error = error),
            IoAction::OpeningBackup => fl!("install-io-opening-backup", path = path, error = error),
            IoAction::RenamingBackup => fl!("install-io-renaming-backup", path = path, error = error),
            IoAction::RenamingBackupSignature => {
                fl!("install-io-renaming-backup-signature", path = path, error = error)
            }
            IoAction::FindingFreeSpace => fl!("install-io-finding-free-space", path = path, error = error),
            IoAction::ReplacingDatabase => fl!("install-io-replacing-database", path = path, error = error),
        }
    }
}

/// What is wrong with a backup. Its `Display` continues the sentence
/// "backup NAME …" of [`InstallError::Backup`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, strum::IntoStaticStr, strum::VariantNames)]
#[strum(serialize_all = "snake_case")]
#[non_exhaustive]
pub enum BackupProblem {
    /// The name is not one bemx gives backups.
    #[error("{}", fl!("install-backup-problem-bad-name"))]
    BadName,
    /// No such file.
    #[error("{}", fl!("install-backup-problem-missing"))]
    Missing,
    /// Backups are named to the second; too many in one second.
    #[error("{}", fl!("install-backup-problem-exists"))]
    Exists,
    /// Not an age file at all.
    #[error("{}", fl!("install-backup-problem-not-a-backup", detail = .0.as_str()))]
    NotABackup(String),
    /// Encrypted to another key.
    #[error("{}", fl!("install-backup-problem-foreign-key"))]
    ForeignKey,
    /// Decrypts, but its data ends early or fails authentication.
    #[error("{}", fl!("install-backup-problem-damaged", detail = .0.as_str()))]
    Damaged(String),
    /// Written, but reads back differently.
    #[error("{}", fl!("install-backup-problem-read-back"))]
    ReadBack,
    /// No signature file: bemx cannot tell it from a backup planted by
    /// anyone who knows this installation's contact card.
    #[error("{}", fl!("install-backup-problem-unsigned"))]
    Unsigned,
    /// The signature file is malformed or not signed with this installation's key.
    #[error("{}", fl!("install-backup-problem-bad-signature"))]
    BadSignature,
    /// Signed by this installation, but for another backup.
    #[error("{}", fl!("install-backup-problem-signed-for-other", what = what.to_string()))]
    SignedForOther {
        /// Which signed fact differs: "name" or "installation" (the
        /// catalogue selects on it).
        what: &'static str,
    },
    /// Signed correctly, but the content is not what was signed.
    #[error("{}", fl!("install-backup-problem-content-mismatch"))]
    ContentMismatch,
}

/// Why a receipt does not confirm a handover.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, strum::IntoStaticStr, strum::VariantNames)]
#[strum(serialize_all = "snake_case")]
#[non_exhaustive]
pub enum ReceiptProblem {
    /// The receipt is for a handover this installation cancelled.
    #[error("{}", fl!("install-receipt-cancelled-handover", bundle = .0.as_str()))]
    CancelledHandover(String),
    /// The recipient is no longer a contact, so the signature cannot be checked.
    #[error(
        "{}",
        fl!("install-receipt-recipient-unknown", bundle = bundle.as_str(), fingerprint = fingerprint.as_str())
    )]
    RecipientUnknown {
        /// Bundle id.
        bundle: String,
        /// Recipient fingerprint.
        fingerprint: String,
    },
    /// Signed by the recipient, but for other facts than this handover's.
    #[error("{}", fl!("install-receipt-mismatch", bundle = bundle.as_str(), what = what.to_string()))]
    Mismatch {
        /// Bundle id.
        bundle: String,
        /// Which facts differ.
        what: ReceiptFacts,
    },
    /// The import is recorded, but the database no longer holds it.
    #[error("{}", fl!("install-receipt-import-restored-away", bundle = .0.as_str()))]
    ImportRestoredAway(String),
    /// Never imported here.
    #[error("{}", fl!("install-receipt-never-imported", bundle = .0.as_str()))]
    NeverImported(String),
    /// Imported from more than one sender under the same id: a sender
    /// reused another's id, so the id alone does not say whose receipt.
    #[error("{}", fl!("install-receipt-several-senders", bundle = bundle.as_str(), senders = senders.join(", ")))]
    SeveralSenders {
        /// Bundle id.
        bundle: String,
        /// The senders' fingerprints.
        senders: Vec<String>,
    },
}

/// The facts a receipt vouches for, of which one differs from the handover.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ReceiptFacts {
    /// The sending or receiving installation.
    Parties,
    /// The SHA-256 of the manifest the receiver acknowledges.
    Manifest,
    /// The clients handed over.
    Clients,
}

impl std::fmt::Display for ReceiptFacts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&match self {
            ReceiptFacts::Parties => fl!("install-receipt-facts-parties"),
            ReceiptFacts::Manifest => fl!("install-receipt-facts-manifest"),
            ReceiptFacts::Clients => fl!("install-receipt-facts-clients"),
        })
    }
}

impl InstallError {
    /// The stable machine-readable code of this error, `install.<variant>`
    /// (a wrapped error gives its own): what `--json` prints, listed in
    /// docs/ERRORS.md.
    pub fn code(&self) -> String {
        match self {
            InstallError::Format(e) => e.code(),
            InstallError::Db(e) => e.code(),
            InstallError::Identity(e) => e.code(),
            InstallError::Backup { problem, .. } => format!("install.backup.{}", <&'static str>::from(problem)),
            InstallError::Receipt(e) => format!("install.receipt.{}", <&'static str>::from(e)),
            other => format!("install.{}", <&'static str>::from(other)),
        }
    }

    /// An I/O failure while doing `action` on `path`.
    pub fn io(action: IoAction, path: &Path, source: std::io::Error) -> Self {
        InstallError::Io { action, path: path.to_path_buf(), error: source }
    }

    /// What the user can do about it, kept apart from the message.
    pub fn advice(&self) -> Option<String> {
        Some(match self {
            InstallError::Busy => fl!("install-busy-advice"),
            InstallError::BadDate { .. } => fl!("install-bad-date-advice"),
            InstallError::DateInFuture { .. } => fl!("install-date-in-future-advice"),
            InstallError::ClientHandedOver { .. } => fl!("install-client-handed-over-advice"),
            InstallError::ConsentExists { .. } => fl!("install-consent-exists-advice"),
            InstallError::NoConsent { .. } => fl!("install-no-consent-advice"),
            InstallError::ConsentInHost => fl!("install-consent-in-host-advice"),
            InstallError::ClientsChanged { .. } => fl!("install-clients-changed-advice"),
            InstallError::RevokedBeforeGiven { .. } => fl!("install-revoked-before-given-advice"),
            InstallError::NotTheClientsDocument { .. } => fl!("install-not-the-clients-document-advice"),
            InstallError::DiskFull { .. } => fl!("install-disk-full-advice"),
            InstallError::Backup { problem, .. } => match problem {
                BackupProblem::BadName | BackupProblem::Missing => fl!("install-backup-pick-advice"),
                BackupProblem::Exists => fl!("install-backup-exists-advice"),
                BackupProblem::NotABackup(_) | BackupProblem::ForeignKey | BackupProblem::Damaged(_) => {
                    fl!("install-backup-use-another-advice")
                }
                BackupProblem::ReadBack => fl!("install-backup-read-back-advice"),
                BackupProblem::Unsigned => fl!("install-backup-unsigned-advice"),
                BackupProblem::BadSignature | BackupProblem::SignedForOther { .. } | BackupProblem::ContentMismatch => {
                    fl!("install-backup-forged-advice")
                }
            },
            InstallError::Damaged { .. } => fl!("install-damaged-advice"),
            InstallError::PendingJournal { .. } => fl!("install-pending-journal-advice"),
            InstallError::Receipt(p) => match p {
                ReceiptProblem::CancelledHandover(_) => fl!("install-receipt-cancelled-handover-advice"),
                ReceiptProblem::RecipientUnknown { .. } => fl!("install-receipt-recipient-unknown-advice"),
                ReceiptProblem::Mismatch { .. } => fl!("install-receipt-mismatch-advice"),
                ReceiptProblem::ImportRestoredAway(_) => fl!("install-receipt-import-restored-away-advice"),
                ReceiptProblem::NeverImported(_) => fl!("install-receipt-never-imported-advice"),
                ReceiptProblem::SeveralSenders { .. } => fl!("install-receipt-several-senders-advice"),
            },
            InstallError::UnknownHandover(_) => fl!("install-unknown-handover-advice"),
            InstallError::AmbiguousBundle { .. } => fl!("install-ambiguous-bundle-advice"),
            InstallError::DatabaseChanged { .. } => fl!("install-database-changed-advice"),
            InstallError::HandoverState { state, attempted, .. } => match (*attempted, state.as_str()) {
                ("confirm", "confirmed") => fl!("install-handover-state-already-confirmed-advice"),
                ("cancel", _) => fl!("install-handover-state-cancel-advice"),
                _ => fl!("install-handover-state-confirm-advice"),
            },
            InstallError::ForeignDatabase { .. } => fl!("install-foreign-database-advice"),
            InstallError::HostElsewhere { .. } => fl!("install-host-elsewhere-advice"),
            InstallError::OtherProfile { .. } => fl!("install-other-profile-advice"),
            InstallError::RestoreWouldLose { .. } => fl!("install-restore-would-lose-advice"),
            InstallError::RecordFile { .. } => fl!("install-record-file-advice"),
            InstallError::Io { error, .. } => bemx_format::durable::io_advice(error).into(),
            InstallError::Format(e) => return e.advice(),
            InstallError::Db(e) => return e.advice(),
            InstallError::Identity(e) => return e.advice(),
        })
    }
}

impl From<bemx_db::DbError> for InstallError {
    fn from(e: bemx_db::DbError) -> Self {
        match e {
            bemx_db::DbError::Busy => InstallError::Busy,
            other => InstallError::Db(other),
        }
    }
}

impl From<rusqlite::Error> for InstallError {
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
    fn check(e: &InstallError, advice: &str) {
        assert_eq!(e.advice().as_deref(), Some(advice), "{e}");
        assert!(!e.to_string().contains(advice), "{e} repeats its advice");
    }

    #[test]
    fn advice_is_kept_apart_from_the_message() {
        check(&InstallError::Busy, "close BEMdok and every other bemx window, then try again");
        check(
            &InstallError::Backup { name: "x".into(), problem: BackupProblem::Missing },
            "run `bemx backup list` to see the backups and use a name it shows",
        );
        check(&InstallError::UnknownHandover("ab12".into()), "run `bemx handover list` to see the open ones");
        // Wrapped errors hand their own advice on.
        check(
            &InstallError::Format(bemx_format::FormatError::BadReceipt { detail: "x".into() }),
            "ask the receiver to send the receipt file again",
        );
        check(
            &InstallError::Db(bemx_db::DbError::UnknownClient { query: "Anna".into() }),
            "run `bemx clients list` to see the known clients",
        );
    }

    #[test]
    fn an_os_error_is_shown_once() {
        let e = InstallError::io(
            IoAction::Reading,
            Path::new("/x/ledger"),
            std::io::Error::new(std::io::ErrorKind::NotFound, "gone"),
        );
        assert_eq!(e.to_string(), "reading /x/ledger failed: gone");
        assert!(std::error::Error::source(&e).is_none(), "a {{:#}} chain would print it again");
    }
}

/// The English texts are the ones the code printed before they moved into
/// the catalogue (tests here and in tests/e2e look for parts of them).
#[cfg(test)]
mod english {
    use super::*;

    fn backup(problem: BackupProblem) -> String {
        InstallError::Backup { name: "N".into(), problem }.to_string()
    }

    #[test]
    fn the_english_texts_are_unchanged() {
        let os = || std::io::Error::other("gone");
        assert_eq!(InstallError::Busy.to_string(), "the database is in use by another program");
        assert_eq!(backup(BackupProblem::BadName), "backup N is not a backup name");
        assert_eq!(backup(BackupProblem::Missing), "backup N does not exist");
        assert_eq!(backup(BackupProblem::Exists), "backup N already exists");
        assert_eq!(backup(BackupProblem::NotABackup("d".into())), "backup N is not a bemx backup (d)");
        assert_eq!(
            backup(BackupProblem::ForeignKey),
            "backup N was not made by this installation (it is encrypted to another key)"
        );
        assert_eq!(backup(BackupProblem::Damaged("d".into())), "backup N is damaged or truncated (d)");
        assert_eq!(backup(BackupProblem::ReadBack), "backup N reads back differently from the database");
        assert_eq!(backup(BackupProblem::Unsigned), "backup N is not signed by this installation; nothing was changed");
        assert_eq!(
            backup(BackupProblem::BadSignature),
            "backup N has a signature that does not verify with this installation's key; nothing was changed"
        );
        assert_eq!(
            backup(BackupProblem::SignedForOther { what: "installation" }),
            "backup N has a signature made for another backup (the installation differs); nothing was changed"
        );
        assert_eq!(
            backup(BackupProblem::ContentMismatch),
            "backup N does not hold the database its signature vouches for; nothing was changed"
        );
        assert_eq!(
            InstallError::Damaged { result: "r".into() }.to_string(),
            "the database fails its integrity check (r); nothing was changed"
        );
        assert_eq!(
            InstallError::PendingJournal { journal: "/j".into() }.to_string(),
            "cannot restore while /j exists (an interrupted write)"
        );
        assert_eq!(InstallError::UnknownHandover("b".into()).to_string(), "no handover with bundle id b");
        assert_eq!(
            InstallError::HandoverState { bundle: "b".into(), state: "cancelled".into(), attempted: "confirm" }
                .to_string(),
            "handover b is cancelled"
        );
        assert_eq!(
            InstallError::ForeignDatabase { database: "/d".into(), found: "f".into(), ours: "o".into() }.to_string(),
            "the database /d belongs to installation f, not to this installation (o); nothing was changed"
        );
        assert_eq!(
            InstallError::RestoreWouldLose { backup: "B".into(), bem_ids: vec!["X".into(), "Y".into()] }.to_string(),
            "restoring backup B would delete client(s) X, Y that were imported after it was taken; nothing was changed"
        );
        assert_eq!(
            InstallError::DiskFull { disk: "/".into(), needed: 3_100_000_000, free: 999, purposes: "p".into() }
                .to_string(),
            "not enough free space on /: p need about 3.1 GB, 999 bytes free; nothing was written"
        );
        assert_eq!(InstallError::BadDate { given: "g".into() }.to_string(), "g is not a date");
        assert_eq!(InstallError::DateInFuture { date: "d".into() }.to_string(), "the date d lies in the future");
        assert_eq!(
            InstallError::ClientHandedOver { bem_id: "X".into(), bundle: "b".into() }.to_string(),
            "client X is handed over (bundle b) and cannot be changed here"
        );
        assert_eq!(
            InstallError::ConsentExists { bem_id: "X".into(), since: "s".into() }.to_string(),
            "client X already has a handover consent, given on s; nothing was changed"
        );
        assert_eq!(
            InstallError::NoConsent { bem_id: "X".into() }.to_string(),
            "client X has no handover consent in force; nothing was changed"
        );
        assert_eq!(
            InstallError::RevokedBeforeGiven { given_on: "g".into(), revoked_on: "r".into() }.to_string(),
            "the consent was given on g, so it cannot have been revoked on r"
        );
        assert_eq!(
            InstallError::NotTheClientsDocument { bem_id: "X".into(), document: 12345 }.to_string(),
            "document 12345 is not a document of client X"
        );
        assert_eq!(
            InstallError::RecordFile { path: "/l".into(), line: 1234, reason: RecordFault::Unknown }.to_string(),
            "/l line 1234 cannot be read (not a record this version knows)"
        );
        assert_eq!(RecordFault::TooLong.to_string(), "longer than 8 MiB");
        assert_eq!(RecordFault::NotUtf8.to_string(), "not UTF-8 text");
        let io = |action| InstallError::io(action, Path::new("/p"), os()).to_string();
        assert_eq!(io(IoAction::AppendingTo), "appending to /p failed: gone");
        assert_eq!(io(IoAction::OpeningSignature), "opening the signature of /p failed: gone");
        assert_eq!(io(IoAction::RenamingBackupSignature), "renaming the backup signature /p failed: gone");
        assert_eq!(io(IoAction::FindingFreeSpace), "finding the free space for /p failed: gone");
        assert_eq!(io(IoAction::ReplacingDatabase), "replacing the database with /p failed: gone");
        let receipt = |p| InstallError::Receipt(p).to_string();
        assert_eq!(
            receipt(ReceiptProblem::CancelledHandover("b".into())),
            "WARNING: this receipt says bundle b was imported, but you cancelled that handover and took the clients back: the clients now exist on two PCs"
        );
        assert_eq!(
            receipt(ReceiptProblem::RecipientUnknown { bundle: "b".into(), fingerprint: "F".into() }),
            "the recipient of bundle b (fingerprint F) is no longer among your contacts"
        );
        for (what, text) in [
            (ReceiptFacts::Parties, "sender or receiver"),
            (ReceiptFacts::Manifest, "the acknowledged manifest"),
            (ReceiptFacts::Clients, "the clients"),
        ] {
            assert_eq!(
                receipt(ReceiptProblem::Mismatch { bundle: "b".into(), what }),
                format!("the receipt for bundle b does not match this handover ({text} differ)")
            );
        }
        assert_eq!(
            receipt(ReceiptProblem::ImportRestoredAway("b".into())),
            "bundle b is recorded as imported, but this database no longer holds that import (it was restored from an older backup)"
        );
        assert_eq!(receipt(ReceiptProblem::NeverImported("b".into())), "bundle b was never imported here");
        assert_eq!(
            receipt(ReceiptProblem::SeveralSenders { bundle: "b".into(), senders: vec!["F1".into(), "F2".into()] }),
            "bundle b was imported here from more than one sender (F1, F2); a bundle id is used once, so one of them \
             reused another's"
        );
        let usage = crate::backup::BackupUsage { count: 1, total: 2_000_000, free: 1000 };
        assert_eq!(
            usage.warning(),
            "the 1 backups take 2.0 MB and only 1.0 KB is free beside them, so the next safety backup may not fit: delete old ones with `bemx backup delete NAME` (see `bemx backup list`)"
        );
        let advice = |e: InstallError| e.advice().unwrap_or_default();
        let state =
            |state: &str, attempted| InstallError::HandoverState { bundle: "b".into(), state: state.into(), attempted };
        assert_eq!(advice(state("confirmed", "confirm")), "it was already confirmed; nothing to do");
        assert_eq!(
            advice(state("confirmed", "cancel")),
            "only an open handover can be cancelled; `bemx handover list` shows them"
        );
        assert_eq!(
            advice(state("x", "confirm")),
            "only an open handover can be confirmed; `bemx handover list` shows them"
        );
    }
}
