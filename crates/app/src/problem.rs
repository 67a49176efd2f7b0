//! What went wrong, as the app shows it: the message, and apart from it
//! what the user can do (the same texts the CLI prints as "Fehler:" and
//! "Tipp:", taken from the library errors themselves).

/// A failure of an action, ready to show.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// What happened.
    pub message: String,
    /// What to do about it, if the error knows.
    pub hint: Option<String>,
}

impl Problem {
    /// A failure the app itself noticed.
    pub fn new(message: impl Into<String>, hint: Option<String>) -> Self {
        Self { message: message.into(), hint }
    }

    /// Reading `path` failed.
    pub fn read(what: String, e: &std::io::Error) -> Self {
        Self { message: format!("{what}: {e}"), hint: Some(bemx_format::durable::read_advice(e).to_owned()) }
    }

    /// Writing `path` failed.
    pub fn write(what: String, e: &std::io::Error) -> Self {
        Self { message: format!("{what}: {e}"), hint: Some(bemx_format::durable::io_advice(e).to_owned()) }
    }
}

/// Every library error carries its message (`Display`) and, apart from
/// it, its advice.
macro_rules! from_library_errors {
    ($($error:ty),* $(,)?) => {
        $(impl From<$error> for Problem {
            fn from(e: $error) -> Self {
                Self { message: e.to_string(), hint: e.advice() }
            }
        })*
    };
}

from_library_errors!(
    bemx_import::ImportError,
    bemx_install::InstallError,
    bemx_pack::PackError,
    bemx_unpack::UnpackError,
    bemx_format::FormatError,
    bemx_identity::IdentityError,
    bemx_db::DbError,
    bemx_demo::DemoError,
);
