//! The one error type of this crate.

use std::path::PathBuf;

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
    #[error("database error: {0}")]
    Sqlite(rusqlite::Error),

    /// Another program (or another bemx) holds a lock on the database.
    #[error("the database is in use by another program")]
    Busy,

    /// Reading or writing a document stream failed. The OS error is shown
    /// in the message, so it is not also a `source()`: a `{:#}` chain would
    /// print it twice.
    #[error("i/o error while {context}: {error}")]
    Io {
        /// What was being done.
        context: String,
        /// The underlying error.
        error: std::io::Error,
    },

    /// `Database::create` was pointed at an existing file.
    #[error("database file {} already exists", path.display())]
    AlreadyExists {
        /// The path that exists.
        path: PathBuf,
    },

    /// `Database::open` was pointed at a missing file.
    #[error("database file {} does not exist", path.display())]
    NotFound {
        /// The missing path.
        path: PathBuf,
    },

    /// The file is an SQLite database but not one created by bemx.
    #[error("database {} is not a bemx database (no meta table or installation id)", path.display())]
    NotBemx {
        /// The path opened.
        path: PathBuf,
    },

    /// The database was written by a newer bemx.
    #[error("database schema version {found} is newer than this bemx ({expected})")]
    SchemaTooNew {
        /// Version stored in the file.
        found: u32,
        /// Version this build writes.
        expected: u32,
    },

    /// The database was written by an older bemx and needs its migrations.
    #[error("database schema version {found} is older than this bemx ({expected})")]
    SchemaTooOld {
        /// Version stored in the file.
        found: u32,
        /// Version this build writes.
        expected: u32,
    },

    /// An installation id is not a UUID.
    #[error("installation id {value:?} is not a uuid")]
    InvalidInstallationId {
        /// The rejected value.
        value: String,
    },

    /// No client matches a UUID or BEM-ID.
    #[error("no client with uuid or bem-id {query:?}")]
    UnknownClient {
        /// What was searched for.
        query: String,
    },

    /// A client id given for extraction does not exist.
    #[error("client row {id} does not exist")]
    UnknownClientId {
        /// The local row id.
        id: i64,
    },

    /// The database schema has a shape the foreign-key graph cannot handle.
    #[error("unsupported schema at table {table}: {detail}; the database was probably modified by another program")]
    UnsupportedSchema {
        /// Table concerned.
        table: String,
        /// What is wrong.
        detail: String,
    },

    /// A foreign-key value points at a row that does not exist.
    #[error(
        "dangling reference: {table} row {rowid} column {column} points at {target} id {value}, which does not exist"
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
        "cross-client reference: {table} row {rowid} column {column} points at {target} id {value}, which belongs to another client"
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
    #[error("foreign key violation: {table} row {rowid} has no matching row in {parent}")]
    ForeignKeyViolation {
        /// Child table.
        table: String,
        /// Row id in the child table.
        rowid: i64,
        /// Parent table.
        parent: String,
    },

    /// A document's stored size or hash does not match its content.
    #[error("document mismatch: {table} row {rowid} column {column}: {detail}; the document is damaged")]
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
    #[error("unexpected value in {table} column {column}: {detail}")]
    UnexpectedValue {
        /// Table concerned.
        table: String,
        /// Column concerned.
        column: String,
        /// What was expected.
        detail: String,
    },

    /// Incoming rows do not match the local schema (schema drift).
    #[error("schema drift at table {table}: {detail}")]
    SchemaDrift {
        /// Table concerned.
        table: String,
        /// What differs.
        detail: String,
    },

    /// The merge stream used a table or blob out of order.
    #[error("merge protocol error: {detail}; the bundle is malformed, nothing was imported")]
    MergeProtocol {
        /// What went wrong.
        detail: String,
    },

    /// An incoming row references a source row that was not imported before it.
    #[error(
        "unresolved reference: {table} column {column} points at source {target} id {source_id}, which is not in the bundle; the bundle is incomplete, nothing was imported"
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
    #[error(
        "client {uuid} already exists in this database: it was imported before or never left this PC; nothing was imported"
    )]
    DuplicateClient {
        /// UUID of the clashing client.
        uuid: String,
    },

    /// A document stream had a different length than announced.
    #[error(
        "document length mismatch for {table} source row {source_rowid}: announced {expected} bytes, got {actual}; the bundle is damaged, nothing was imported"
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
    #[error("purge incomplete: {remaining} row(s) of the purged clients remain in {table}; the purge was rolled back")]
    PurgeIncomplete {
        /// Table still holding rows.
        table: String,
        /// How many rows remain.
        remaining: u64,
    },

    /// A selected row disappeared between selection and extraction.
    #[error("{table} row {rowid} changed during the export")]
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
        const DB_CHECK: &str = "run `bemx db check` and repair the database before exporting";
        const SAME_VERSION: &str = "install the same bemx version on both PCs";
        Some(match self {
            DbError::Busy => "close BEMdok and every other bemx window, then try again".into(),
            DbError::Io { error, .. } => bemx_format::durable::io_advice(error).into(),
            DbError::AlreadyExists { .. } => "choose another path or remove the file first".into(),
            DbError::NotFound { .. } => "run `bemx init` first or pass the right --db path".into(),
            DbError::NotBemx { .. } => "check the --db path".into(),
            DbError::SchemaTooNew { .. } | DbError::SchemaDrift { .. } => SAME_VERSION.into(),
            DbError::SchemaTooOld { .. } => "make a backup, then open it with upgrading enabled".into(),
            DbError::InvalidInstallationId { .. } => "pass a uuid such as the one `bemx init` generates".into(),
            DbError::UnknownClient { .. } => "run `bemx clients list` to see the known clients".into(),
            DbError::UnknownClientId { .. } => "list the clients again, the database may have changed".into(),
            DbError::DanglingReference { .. } | DbError::CrossClientReference { .. } => DB_CHECK.into(),
            DbError::ForeignKeyViolation { .. } => "run `bemx db check` and repair the database".into(),
            DbError::DocumentMismatch { .. } => "restore it from a backup before exporting".into(),
            DbError::ChangedDuringExport { .. } => "run the export inside one transaction, or simply again".into(),
            DbError::Sqlite(_)
            | DbError::UnsupportedSchema { .. }
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
