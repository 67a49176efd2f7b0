use std::path::{Path, PathBuf};

/// Why a step of the installation's bookkeeping failed: the lock, a backup,
/// a restore, the ledger, the handover journal, a receipt at the sender.
/// After any of these the database is as it was before the command.
///
/// `Display` says what happened; [`InstallError::advice`] says what to do.
#[derive(Debug, thiserror::Error, strum::IntoStaticStr, strum::VariantNames)]
#[strum(serialize_all = "snake_case")]
#[non_exhaustive]
pub enum InstallError {
    /// Another bemx process or another program holds the installation or its database.
    #[error("the database is in use by another program")]
    Busy,
    /// A backup is missing, unreadable or fails its check.
    #[error("backup {name} {problem}")]
    Backup {
        /// Backup name.
        name: String,
        /// What is wrong with it.
        problem: BackupProblem,
    },
    /// The database fails SQLite's integrity check.
    #[error("the database fails its integrity check ({result}); nothing was changed")]
    Damaged {
        /// What `PRAGMA quick_check` said.
        result: String,
    },
    /// A restore found SQLite's rollback journal of an interrupted write.
    #[error("cannot restore while {} exists (an interrupted write)", journal.display())]
    PendingJournal {
        /// The `-journal` file.
        journal: PathBuf,
    },
    /// A receipt does not belong to an open handover of this installation.
    #[error("{0}")]
    Receipt(ReceiptProblem),
    /// No handover with that bundle id.
    #[error("no handover with bundle id {0}")]
    UnknownHandover(String),
    /// The handover is not in a state that allows this.
    #[error("handover {bundle} is {state}")]
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
        "the database {} belongs to installation {found}, not to this installation ({ours}); nothing was changed",
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
    /// Restoring the backup would delete clients that arrived by import
    /// after it was taken, and exist nowhere else.
    #[error(
        "restoring backup {backup} would delete client(s) {} that were imported after it was taken; nothing was changed",
        .bem_ids.join(", ")
    )]
    RestoreWouldLose {
        /// The backup.
        backup: String,
        /// The clients' BEM-IDs (UUIDs where the current database does not know them).
        bem_ids: Vec<String>,
    },
    /// A disk cannot hold what the command would write (spec/DESIGN.md F1).
    #[error(
        "not enough free space on {}: {purposes} need about {}, {} free; nothing was written",
        disk.display(), crate::space::human_bytes(*needed), crate::space::human_bytes(*free)
    )]
    DiskFull {
        /// The disk: `C:\` on Windows, the mount point elsewhere.
        disk: PathBuf,
        /// Bytes needed there, margin included.
        needed: u64,
        /// Bytes free there.
        free: u64,
        /// What needs the room, e.g. "the backup and the imported data".
        purposes: String,
    },
    /// A date given on the command line is not a date.
    #[error("{given} is not a date")]
    BadDate {
        /// What was given.
        given: String,
    },
    /// A consent date after today.
    #[error("the date {date} lies in the future")]
    DateInFuture {
        /// The date, YYYY-MM-DD.
        date: String,
    },
    /// The client is in an open handover and read-only until it ends.
    #[error("client {bem_id} is handed over (bundle {bundle}) and cannot be changed here")]
    ClientHandedOver {
        /// BEM-ID.
        bem_id: String,
        /// The open handover.
        bundle: String,
    },
    /// A handover consent is already in force.
    #[error("client {bem_id} already has a handover consent, given on {since}; nothing was changed")]
    ConsentExists {
        /// BEM-ID.
        bem_id: String,
        /// When it was given.
        since: String,
    },
    /// No handover consent in force to revoke.
    #[error("client {bem_id} has no handover consent in force; nothing was changed")]
    NoConsent {
        /// BEM-ID.
        bem_id: String,
    },
    /// A revocation dated before the consent it revokes.
    #[error("the consent was given on {given_on}, so it cannot have been revoked on {revoked_on}")]
    RevokedBeforeGiven {
        /// When it was given.
        given_on: String,
        /// The revocation date asked for.
        revoked_on: String,
    },
    /// The form named is not one of the client's documents.
    #[error("document {document} is not a document of client {bem_id}")]
    NotTheClientsDocument {
        /// BEM-ID.
        bem_id: String,
        /// The document id given.
        document: i64,
    },
    /// A record file (ledger, journal) has a line this version cannot read.
    #[error("{} line {line} cannot be read ({reason})", path.display())]
    RecordFile {
        /// The file.
        path: PathBuf,
        /// 1-based line number.
        line: usize,
        /// Why.
        reason: &'static str,
    },
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
    /// A receipt file could not be parsed or verified.
    #[error(transparent)]
    Format(#[from] bemx_format::FormatError),
    /// The database refused.
    #[error(transparent)]
    Db(bemx_db::DbError),
}

/// What is wrong with a backup.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, strum::IntoStaticStr, strum::VariantNames)]
#[strum(serialize_all = "snake_case")]
#[non_exhaustive]
pub enum BackupProblem {
    /// The name is not one bemx gives backups.
    #[error("is not a backup name")]
    BadName,
    /// No such file.
    #[error("does not exist")]
    Missing,
    /// Backups are named to the second; too many in one second.
    #[error("already exists")]
    Exists,
    /// Not an age file at all.
    #[error("is not a bemx backup ({0})")]
    NotABackup(String),
    /// Encrypted to another key.
    #[error("was not made by this installation (it is encrypted to another key)")]
    ForeignKey,
    /// Decrypts, but its data ends early or fails authentication.
    #[error("is damaged or truncated ({0})")]
    Damaged(String),
    /// Written, but reads back differently.
    #[error("reads back differently from the database")]
    ReadBack,
    /// No signature file: bemx cannot tell it from a backup planted by
    /// anyone who knows this installation's contact card.
    #[error("is not signed by this installation; nothing was changed")]
    Unsigned,
    /// The signature file is malformed or not signed with this installation's key.
    #[error("has a signature that does not verify with this installation's key; nothing was changed")]
    BadSignature,
    /// Signed by this installation, but for another backup.
    #[error("has a signature made for another backup (the {what} differs); nothing was changed")]
    SignedForOther {
        /// Which signed fact differs: "name" or "installation".
        what: &'static str,
    },
    /// Signed correctly, but the content is not what was signed.
    #[error("does not hold the database its signature vouches for; nothing was changed")]
    ContentMismatch,
}

/// Why a receipt does not confirm a handover.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, strum::IntoStaticStr, strum::VariantNames)]
#[strum(serialize_all = "snake_case")]
#[non_exhaustive]
pub enum ReceiptProblem {
    /// The receipt is for a handover this installation cancelled.
    #[error(
        "WARNING: this receipt says bundle {0} was imported, but you cancelled that handover and took the clients back: the clients now exist on two PCs"
    )]
    CancelledHandover(String),
    /// The recipient is no longer a contact, so the signature cannot be checked.
    #[error("the recipient of bundle {bundle} (fingerprint {fingerprint}) is no longer among your contacts")]
    RecipientUnknown {
        /// Bundle id.
        bundle: String,
        /// Recipient fingerprint.
        fingerprint: String,
    },
    /// Signed by the recipient, but for other facts than this handover's.
    #[error("the receipt for bundle {bundle} does not match this handover ({what} differ)")]
    Mismatch {
        /// Bundle id.
        bundle: String,
        /// Which facts differ.
        what: &'static str,
    },
    /// The import is recorded, but the database no longer holds it.
    #[error(
        "bundle {0} is recorded as imported, but this database no longer holds that import (it was restored from an older backup)"
    )]
    ImportRestoredAway(String),
    /// Never imported here.
    #[error("bundle {0} was never imported here")]
    NeverImported(String),
}

impl InstallError {
    /// The stable machine-readable code of this error, `install.<variant>`
    /// (a wrapped error gives its own): what `--json` prints, listed in
    /// docs/ERRORS.md.
    pub fn code(&self) -> String {
        match self {
            InstallError::Format(e) => e.code(),
            InstallError::Db(e) => e.code(),
            InstallError::Backup { problem, .. } => format!("install.backup.{}", <&'static str>::from(problem)),
            InstallError::Receipt(e) => format!("install.receipt.{}", <&'static str>::from(e)),
            other => format!("install.{}", <&'static str>::from(other)),
        }
    }

    /// An I/O failure while `action` ("reading", "creating") on `path`.
    pub fn io(action: &'static str, path: &Path, source: std::io::Error) -> Self {
        InstallError::Io { action, path: path.to_path_buf(), error: source }
    }

    /// What the user can do about it, kept apart from the message.
    pub fn advice(&self) -> Option<String> {
        Some(match self {
            InstallError::Busy => "close BEMdok and every other bemx window, then try again".into(),
            InstallError::BadDate { .. } => "write the date as on the form, e.g. 12.03.2026 or 2026-03-12".into(),
            InstallError::DateInFuture { .. } => "give the date written on the signed form".into(),
            InstallError::ClientHandedOver { .. } => {
                "wait for the handover to be confirmed or cancel it (`bemx handover list`)".into()
            }
            InstallError::ConsentExists { .. } => {
                "to record a new one, revoke the old one first (`bemx clients consent revoke`)".into()
            }
            InstallError::NoConsent { .. } => "`bemx clients list` shows each client's consent".into(),
            InstallError::RevokedBeforeGiven { .. } => "give the date of the revocation, on or after that day".into(),
            InstallError::NotTheClientsDocument { .. } => {
                "name a document of this client that holds the signed form, or leave out --form".into()
            }
            InstallError::DiskFull { .. } => {
                "make room on that disk (empty the recycle bin, move or delete large files; `bemx backup list` shows the backups and their sizes), or choose another folder, then try again".into()
            }
            InstallError::Backup { problem, .. } => match problem {
                BackupProblem::BadName | BackupProblem::Missing => {
                    "run `bemx backup list` to see the backups and use a name it shows".into()
                }
                BackupProblem::Exists => "wait a second and try again".into(),
                BackupProblem::NotABackup(_) | BackupProblem::ForeignKey | BackupProblem::Damaged(_) => {
                    "use another backup (`bemx backup list`)".into()
                }
                BackupProblem::ReadBack => "the disk may be failing: check it; nothing was changed".into(),
                BackupProblem::Unsigned => {
                    "restore a backup that `bemx backup list` shows as signed; a backup made by an older bemx can be restored by hand (age -d, zstd -d) once you are sure where it came from".into()
                }
                BackupProblem::BadSignature
                | BackupProblem::SignedForOther { .. }
                | BackupProblem::ContentMismatch => {
                    "do not use this backup, it may have been forged or swapped: restore another one (`bemx backup list`) and ask your IT admin who can write to the backups folder".into()
                }
            },
            InstallError::Damaged { .. } => "run `bemx db check` and restore a backup".into(),
            InstallError::PendingJournal { .. } => {
                "open the database once with bemx (`bemx db check`) so SQLite can roll it back, then restore".into()
            }
            InstallError::Receipt(p) => match p {
                ReceiptProblem::CancelledHandover(_) => {
                    "contact the receiver at once and agree who keeps the clients".into()
                }
                ReceiptProblem::RecipientUnknown { .. } => "add their contact card again to check the receipt".into(),
                ReceiptProblem::Mismatch { .. } => "ask the receiver for the right receipt".into(),
                ReceiptProblem::ImportRestoredAway(_) => {
                    "its clients may be missing here: ask the sender to cancel that handover and export the clients again".into()
                }
                ReceiptProblem::NeverImported(_) => "run `bemx inspect` on the bundle to see its id".into(),
            },
            InstallError::UnknownHandover(_) => "run `bemx handover list` to see the open ones".into(),
            InstallError::HandoverState { state, attempted, .. } => match (*attempted, state.as_str()) {
                ("confirm", "confirmed") => "it was already confirmed; nothing to do".into(),
                ("cancel", _) => "only an open handover can be cancelled; `bemx handover list` shows them".into(),
                _ => "only an open handover can be confirmed; `bemx handover list` shows them".into(),
            },
            InstallError::ForeignDatabase { .. } => {
                "use this installation's own database (leave out --db), or the --home of the installation it belongs to".into()
            }
            InstallError::RestoreWouldLose { .. } => {
                "their case files exist only in the current database: restore a newer backup (`bemx backup list`), or hand these clients over first".into()
            }
            InstallError::RecordFile { .. } => {
                "the file was changed outside bemx: restore it from your file backup or ask your IT admin; bemx changed nothing".into()
            }
            InstallError::Io { error, .. } => bemx_format::durable::io_advice(error).into(),
            InstallError::Format(e) => return e.advice(),
            InstallError::Db(e) => return e.advice(),
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
            "reading",
            Path::new("/x/ledger"),
            std::io::Error::new(std::io::ErrorKind::NotFound, "gone"),
        );
        assert_eq!(e.to_string(), "reading /x/ledger failed: gone");
        assert!(std::error::Error::source(&e).is_none(), "a {{:#}} chain would print it again");
    }
}
