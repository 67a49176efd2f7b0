//! The one error type of this crate.

use bemx_db::DbError;

use crate::i18n::fl;

/// Result alias used throughout `bemx-demo`.
pub type Result<T, E = DemoError> = std::result::Result<T, E>;

/// What can go wrong while generating demo data.
#[non_exhaustive]
#[derive(Debug, thiserror::Error, strum::IntoStaticStr, strum::VariantNames)]
#[strum(serialize_all = "snake_case")]
pub enum DemoError {
    /// The database refused a read or write; the message is the database
    /// layer's own (it says what to do, e.g. when another program holds a lock).
    #[error(transparent)]
    Db(#[from] DbError),

    /// Invalid arguments to the generator.
    #[error("{}", fl!("demo-invalid-options", detail = detail.as_str()))]
    InvalidOptions {
        /// What is wrong.
        detail: String,
    },

    /// A catalogue row the generator refers to is missing although it was
    /// just inserted or is a system row.
    #[error("{}", fl!("demo-missing-catalogue-code", code = code.as_str()))]
    MissingCatalogueCode {
        /// The missing code.
        code: String,
    },
}

impl DemoError {
    /// The stable machine-readable code of this error, `demo.<variant>`
    /// (a wrapped error gives its own): what `--json` prints, listed in
    /// docs/ERRORS.md.
    pub fn code(&self) -> String {
        match self {
            DemoError::Db(e) => e.code(),
            other => format!("demo.{}", <&'static str>::from(other)),
        }
    }

    /// What the user can do about it, kept apart from the message.
    pub fn advice(&self) -> Option<String> {
        match self {
            DemoError::Db(e) => e.advice(),
            DemoError::InvalidOptions { .. } => Some(fl!("demo-invalid-options-advice")),
            DemoError::MissingCatalogueCode { .. } => Some(fl!("demo-missing-catalogue-code-advice")),
        }
    }
}

/// Goes through [`DbError`]'s own conversion, so a locked database still
/// reads as "in use by another program".
impl From<rusqlite::Error> for DemoError {
    fn from(e: rusqlite::Error) -> Self {
        DemoError::Db(e.into())
    }
}
