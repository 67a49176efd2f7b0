//! The one error type of this crate.

use std::path::PathBuf;

use crate::i18n::fl;

/// Result alias used throughout `bemx-db`.
pub type Result<T, E = DbError> = std::result::Result<T, E>;

impl From<rusqlite::Error> for DbError {
    fn from(e: rusqlite::Error) -> Self {
        match e.sqlite_error_code() {
            Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked) => DbError::Busy,
            _ => DbError::Sqlite(e),
        }
    }
}

/// Everything that can go wrong in the database layer.
///
/// Messages are lowercase and say what happened; where the user can act,
/// [`DbError::advice`] says what to do. They never contain personal data:
/// rows are named by table, local row id and column only.
#[non_exhaustive]
#[derive(Debug, thiserror::Error, strum::IntoStaticStr, strum::VariantNames)]
#[strum(serialize_all = "snake_case")]
pub enum DbError {
    /// SQLite itself reported an error (I/O, constraint, trigger).
    #[error("{}", fl!("db-sqlite", error = .0.to_string()))]
    Sqlite(rusqlite::Error),

    /// Another program (or another bemx) holds a lock on the database.
    #[error("{}", fl!("db-busy"))]
    Busy,

    /// Reading or writing a document stream failed. The OS error is shown
    /// in the message, so it is not also a `source()`: a `{:#}` chain would
    /// print it twice.
    #[error("{}", fl!("db-io", context = context.as_str(), error = error.to_string()))]
    Io {
        /// What was being done.
        context: String,
        /// The underlying error.
        error: std::io::Error,
    },

    /// `Database::create` was pointed at an existing file.
    #[error("{}", fl!("db-already-exists", path = path.display().to_string()))]
    AlreadyExists {
        /// The path that exists.
        path: PathBuf,
    },

    /// `Database::open` was pointed at a missing file.
    #[error("{}", fl!("db-not-found", path = path.display().to_string()))]
    NotFound {
        /// The missing path.
        path: PathBuf,
    },

    /// The file is an SQLite database but not one created by bemx.
    #[error("{}", fl!("db-not-bemx", path = path.display().to_string()))]
    NotBemx {
        /// The path opened.
        path: PathBuf,
    },

    /// The database was written by a newer bemx.
    #[error("{}", fl!("db-schema-too-new", found = found.to_string(), expected = expected.to_string()))]
    SchemaTooNew {
        /// Version stored in the file.
        found: u32,
        /// Version this build writes.
        expected: u32,
    },

    /// The database was written by an older bemx and needs its migrations.
    #[error("{}", fl!("db-schema-too-old", found = found.to_string(), expected = expected.to_string()))]
    SchemaTooOld {
        /// Version stored in the file.
        found: u32,
        /// Version this build writes.
        expected: u32,
    },

    /// An installation id is not a UUID.
    #[error("{}", fl!("db-invalid-installation-id", value = format!("{value:?}")))]
    InvalidInstallationId {
        /// The rejected value.
        value: String,
    },

    /// No client matches a UUID or BEM-ID.
    #[error("{}", fl!("db-unknown-client", query = format!("{query:?}")))]
    UnknownClient {
        /// What was searched for.
        query: String,
    },

    /// A client id given for extraction does not exist.
    #[error("{}", fl!("db-unknown-client-id", id = id.to_string()))]
    UnknownClientId {
        /// The local row id.
        id: i64,
    },

    /// The database schema has a shape the foreign-key graph cannot handle.
    #[error("{}", fl!("db-unsupported-schema", table = table.as_str(), detail = detail.as_str()))]
    UnsupportedSchema {
        /// Table concerned.
        table: String,
        /// What is wrong.
        detail: String,
    },

    /// A foreign-key value points at a row that does not exist.
    #[error(
        "{}",
        fl!(
            "db-dangling-reference",
            table = table.as_str(),
            rowid = rowid.to_string(),
            column = column.as_str(),
            target = target.as_str(),
            value = value.to_string()
        )
    )]
    DanglingReference {
        /// Referencing table.
        table: String,
        /// Local row id of the referencing row.
        rowid: i64,
        /// Referencing column.
        column: String,
        /// Referenced table.
        target: String,
        /// The missing id.
        value: i64,
    },

    /// A row belongs to two different clients through its references.
    #[error(
        "{}",
        fl!(
            "db-cross-client-reference",
            table = table.as_str(),
            rowid = rowid.to_string(),
            column = column.as_str(),
            target = target.as_str(),
            value = value.to_string()
        )
    )]
    CrossClientReference {
        /// Referencing table.
        table: String,
        /// Local row id of the referencing row.
        rowid: i64,
        /// Referencing column.
        column: String,
        /// Referenced table.
        target: String,
        /// Referenced id.
        value: i64,
    },

    /// `PRAGMA foreign_key_check` reported a violation.
    #[error(
        "{}",
        fl!("db-foreign-key-violation", table = table.as_str(), rowid = rowid.to_string(), parent = parent.as_str())
    )]
    ForeignKeyViolation {
        /// Child table.
        table: String,
        /// Row id in the child table.
        rowid: i64,
        /// Parent table.
        parent: String,
    },

    /// A document's stored size or hash does not match its content.
    #[error(
        "{}",
        fl!(
            "db-document-mismatch",
            table = table.as_str(),
            rowid = rowid.to_string(),
            column = column.as_str(),
            detail = detail.as_str()
        )
    )]
    DocumentMismatch {
        /// Table holding the document.
        table: String,
        /// Row id.
        rowid: i64,
        /// Blob column.
        column: String,
        /// What differs.
        detail: String,
    },

    /// A value has the wrong storage type for its column role.
    #[error(
        "{}",
        fl!("db-unexpected-value", table = table.as_str(), column = column.as_str(), detail = detail.as_str())
    )]
    UnexpectedValue {
        /// Table concerned.
        table: String,
        /// Column concerned.
        column: String,
        /// What was expected.
        detail: String,
    },

    /// Incoming rows do not match the local schema (schema drift).
    #[error("{}", fl!("db-schema-drift", table = table.as_str(), detail = detail.as_str()))]
    SchemaDrift {
        /// Table concerned.
        table: String,
        /// What differs.
        detail: String,
    },

    /// The merge stream used a table or blob out of order.
    #[error("{}", fl!("db-merge-protocol", detail = detail.as_str()))]
    MergeProtocol {
        /// What went wrong.
        detail: String,
    },

    /// An incoming row references a source row that was not imported before it.
    #[error(
        "{}",
        fl!(
            "db-unresolved-reference",
            table = table.as_str(),
            column = column.as_str(),
            target = target.as_str(),
            source_id = source_id.to_string()
        )
    )]
    UnresolvedReference {
        /// Referencing table.
        table: String,
        /// Referencing column.
        column: String,
        /// Referenced table.
        target: String,
        /// Source id that was not seen.
        source_id: i64,
    },

    /// An incoming client already exists locally (same UUID).
    #[error("{}", fl!("db-duplicate-client", uuid = uuid.as_str()))]
    DuplicateClient {
        /// UUID of the clashing client.
        uuid: String,
    },

    /// A document stream had a different length than announced.
    #[error(
        "{}",
        fl!(
            "db-blob-length",
            table = table.as_str(),
            source_rowid = source_rowid.to_string(),
            expected = expected.to_string(),
            actual = actual.to_string()
        )
    )]
    BlobLength {
        /// Table concerned.
        table: String,
        /// Source row id.
        source_rowid: i64,
        /// Announced length.
        expected: u64,
        /// Actual length.
        actual: u64,
    },

    /// A client or row survived a purge.
    #[error("{}", fl!("db-purge-incomplete", table = table.as_str(), remaining = remaining.to_owned()))]
    PurgeIncomplete {
        /// Table still holding rows.
        table: String,
        /// How many rows remain.
        remaining: u64,
    },

    /// A catalogue whose rows are only matched lacks a row the bundle needs.
    #[error("{}", fl!("db-catalogue-row-missing", table = table.as_str(), key = key.as_str()))]
    CatalogueRowMissing {
        /// The catalogue.
        table: String,
        /// The row's key, as the bundle has it.
        key: String,
    },

    /// A path SQLite must be given as text (an attached records file) is
    /// not valid Unicode.
    #[error("{}", fl!("db-not-utf8-path", path = path.display().to_string()))]
    NotUtf8Path {
        /// The path.
        path: PathBuf,
    },

    /// `init --profile` on a host database that has a table of bemx's names.
    #[error("{}", fl!("db-host-name-taken", name = name.as_str()))]
    HostNameTaken {
        /// The table name.
        name: String,
    },

    /// A profile file cannot be read as a profile.
    #[error("{}", fl!("db-profile-invalid", detail = detail.as_str()))]
    ProfileInvalid {
        /// What is wrong, with the place in the file where known.
        detail: String,
    },

    /// A profile file of a format this build does not read.
    #[error("{}", fl!("db-profile-format", found = found.as_str(), supported = supported.to_string()))]
    ProfileFormat {
        /// The `format` value found.
        found: String,
        /// The format this build reads.
        supported: u32,
    },

    /// A profile does not describe this database.
    #[error("{}", fl!("db-profile-mismatch", table = table.as_str(), detail = detail.as_str()))]
    ProfileMismatch {
        /// Table concerned.
        table: String,
        /// What does not fit.
        detail: String,
    },

    /// A selected row disappeared between selection and extraction.
    #[error("{}", fl!("db-changed-during-export", table = table.as_str(), rowid = rowid.to_string()))]
    ChangedDuringExport {
        /// Table concerned.
        table: String,
        /// Row id that vanished.
        rowid: i64,
    },
}

impl DbError {
    /// The stable machine-readable code of this error, `db.<variant>`
    /// (a wrapped error gives its own): what `--json` prints, listed in
    /// docs/ERRORS.md.
    pub fn code(&self) -> String {
        format!("db.{}", <&'static str>::from(self))
    }

    pub(crate) fn io(context: impl Into<String>, source: std::io::Error) -> Self {
        DbError::Io { context: context.into(), error: source }
    }

    /// What the user can do about it, kept apart from the message. `None`
    /// where only the message's facts help (a bundle or database that is
    /// not what it should be is reported by the layers above with advice).
    pub fn advice(&self) -> Option<String> {
        Some(match self {
            DbError::Busy => fl!("db-busy-advice"),
            DbError::Io { error, .. } => bemx_format::durable::io_advice(error).into(),
            DbError::AlreadyExists { .. } => fl!("db-already-exists-advice"),
            DbError::NotFound { .. } => fl!("db-not-found-advice"),
            DbError::NotBemx { .. } => fl!("db-not-bemx-advice"),
            DbError::SchemaTooNew { .. } | DbError::SchemaDrift { .. } => fl!("db-same-version-advice"),
            DbError::SchemaTooOld { .. } => fl!("db-schema-too-old-advice"),
            DbError::InvalidInstallationId { .. } => fl!("db-invalid-installation-id-advice"),
            DbError::UnknownClient { .. } => fl!("db-unknown-client-advice"),
            DbError::UnknownClientId { .. } => fl!("db-unknown-client-id-advice"),
            DbError::DanglingReference { .. } | DbError::CrossClientReference { .. } => fl!("db-check-advice"),
            DbError::ForeignKeyViolation { .. } => fl!("db-foreign-key-violation-advice"),
            DbError::DocumentMismatch { .. } => fl!("db-document-mismatch-advice"),
            DbError::ChangedDuringExport { .. } => fl!("db-changed-during-export-advice"),
            DbError::ProfileInvalid { .. } | DbError::ProfileFormat { .. } => fl!("db-profile-invalid-advice"),
            DbError::ProfileMismatch { .. } => fl!("db-profile-mismatch-advice"),
            DbError::UnsupportedSchema { .. } => fl!("db-unsupported-schema-advice"),
            DbError::CatalogueRowMissing { .. } => fl!("db-catalogue-row-missing-advice"),
            DbError::NotUtf8Path { .. } => fl!("db-not-utf8-path-advice"),
            DbError::HostNameTaken { .. } => fl!("db-host-name-taken-advice"),
            DbError::Sqlite(_)
            | DbError::UnexpectedValue { .. }
            | DbError::MergeProtocol { .. }
            | DbError::UnresolvedReference { .. }
            | DbError::DuplicateClient { .. }
            | DbError::BlobLength { .. }
            | DbError::PurgeIncomplete { .. } => return None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The message says what happened, the advice what to do, and the one
    /// never repeats the other.
    #[track_caller]
    fn check(e: &DbError, advice: &str) {
        assert_eq!(e.advice().as_deref(), Some(advice), "{e}");
        assert!(!e.to_string().contains(advice), "{e} repeats its advice");
    }

    #[test]
    fn advice_is_kept_apart_from_the_message() {
        check(&DbError::Busy, "close BEMdok and every other bemx window, then try again");
        check(
            &DbError::NotFound { path: "/x/bemdok.sqlite".into() },
            "run `bemx init` first or pass the right --db path",
        );
        check(&DbError::UnknownClient { query: "Anna".into() }, "run `bemx clients list` to see the known clients");
        check(
            &DbError::DanglingReference {
                table: "notes".into(),
                rowid: 1,
                column: "client_id".into(),
                target: "clients".into(),
                value: 9,
            },
            "run `bemx db check` and repair the database before exporting",
        );
        check(&DbError::SchemaTooNew { found: 9, expected: 1 }, "install the same bemx version on both PCs");
        assert_eq!(DbError::PurgeIncomplete { table: "notes".into(), remaining: 1 }.advice(), None);
    }

    #[test]
    fn an_os_error_is_shown_once() {
        let e =
            DbError::io("creating the database", std::io::Error::new(std::io::ErrorKind::PermissionDenied, "denied"));
        assert_eq!(e.to_string(), "i/o error while creating the database: denied");
        assert!(std::error::Error::source(&e).is_none(), "a {{:#}} chain would print it again");
    }
}
