use std::io;

/// Which layer or entry of a bundle a failure was found in.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Part {
    /// The age header (recipients, header MAC).
    AgeHeader,
    /// The age payload (a 64 KiB chunk or its authentication tag).
    AgePayload,
    /// The zstd frame.
    Compression,
    /// The tar archive structure.
    Archive,
    /// The manifest entry.
    Manifest,
    /// The signature entry.
    Signature,
    /// A data entry, by path.
    Entry(String),
}

impl std::fmt::Display for Part {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Part::AgeHeader => f.write_str("encryption header"),
            Part::AgePayload => f.write_str("encrypted data"),
            Part::Compression => f.write_str("compressed data"),
            Part::Archive => f.write_str("archive structure"),
            Part::Manifest => f.write_str("manifest"),
            Part::Signature => f.write_str("manifest signature"),
            Part::Entry(p) => write!(f, "entry {p}"),
        }
    }
}

const DAMAGED_HINT: &str = "the file was damaged in transit or altered: ask the sender for a new bundle";

/// Everything that can go wrong reading or writing a bundle.
///
/// Each variant is one failure class of spec/FORMAT.md. `Display` says what
/// happened; [`FormatError::advice`] says what to do. Neither ever contains
/// key material or personal data.
#[derive(Debug, thiserror::Error, strum::IntoStaticStr, strum::VariantNames)]
#[strum(serialize_all = "snake_case")]
#[non_exhaustive]
pub enum FormatError {
    /// The file does not start with an age v1 header: it is no bemx bundle.
    #[error("this file is not a bemx bundle (no age encryption header)")]
    NotABundle,
    /// The age layer is valid but does not hold exactly one X25519 recipient.
    #[error(
        "this file is age-encrypted but not a bemx bundle: it has {found}; a bundle has exactly one X25519 recipient"
    )]
    RecipientStanzas {
        /// Human description of the stanzas found.
        found: String,
    },
    /// None of this installation's keys opens the bundle.
    #[error("this bundle is not addressed to this installation: it was encrypted for another PC")]
    NotForThisInstallation,
    /// The manifest names another installation as recipient (surreptitious forwarding).
    #[error("this bundle was made for installation {named}, not for this one ({this}): it may have been forwarded")]
    RecipientMismatch {
        /// Installation id the manifest names.
        named: String,
        /// This installation's id.
        this: String,
    },
    /// Authentication failed somewhere: a flipped bit or a deliberate change.
    #[error("the bundle is damaged or has been tampered with ({part}: {detail})")]
    Damaged {
        /// Where the damage was detected.
        part: Part,
        /// What exactly failed (no data content).
        detail: String,
    },
    /// The stream ended early.
    #[error("the bundle is truncated ({part} ends early)")]
    Truncated {
        /// Where the stream ended.
        part: Part,
    },
    /// Bytes follow the logical end of a layer.
    #[error("the bundle has unexpected data after the end of the {part}")]
    TrailingData {
        /// The layer that should have ended.
        part: Part,
    },
    /// A tar entry is not a plain regular file.
    #[error("the bundle holds a forbidden archive entry {path:?} of type {kind}: only plain files are allowed")]
    ForbiddenEntryType {
        /// The path as found (for diagnosis only; never used on a filesystem).
        path: String,
        /// The entry type.
        kind: String,
    },
    /// A path breaks §3's path rules.
    #[error("the bundle holds an entry with a forbidden path {path:?} ({reason})")]
    ForbiddenPath {
        /// The offending path, escaped.
        path: String,
        /// Which rule it breaks.
        reason: &'static str,
    },
    /// Entries are not exactly those the signed manifest lists, in its order.
    #[error("the bundle's contents do not match its signed manifest: {detail}")]
    EntryMismatch {
        /// Expected vs found.
        detail: String,
    },
    /// A count or size exceeds a §6 limit.
    #[error("the bundle exceeds a format limit: {what} is {value}, the limit is {limit}")]
    Limit {
        /// What was measured.
        what: &'static str,
        /// The value found.
        value: u64,
        /// The limit.
        limit: u64,
    },
    /// The manifest is not the CBOR structure §4 defines.
    #[error("the bundle's manifest is malformed ({detail})")]
    Manifest {
        /// What is wrong.
        detail: String,
    },
    /// The manifest is valid CBOR but not in deterministic encoding (§4.1).
    #[error("the bundle's manifest is not deterministically encoded")]
    NonCanonical,
    /// The bundle was written by a format version this bemx does not read.
    #[error("the bundle uses format version {found}, this bemx reads format version {supported}")]
    UnsupportedFormat {
        /// Version in the bundle.
        found: u64,
        /// Version this build reads.
        supported: u64,
    },
    /// The manifest signature does not verify with the key the manifest names.
    #[error("the bundle's signature is invalid: the manifest was altered or not signed by its sender")]
    BadSignature,
    /// A receipt is malformed or its signature fails.
    #[error("the receipt is invalid ({detail})")]
    BadReceipt {
        /// What is wrong.
        detail: String,
    },
    /// A row entry does not follow §7's row encoding.
    #[error("a table entry of the bundle is malformed ({detail})")]
    Rows {
        /// What is wrong.
        detail: String,
    },
    /// An entry handed to the writer had a different length than announced.
    #[error(
        "internal write error: entry {path} was announced with {announced} bytes but supplied {supplied}; nothing was written in its place"
    )]
    WriterLength {
        /// Entry path.
        path: String,
        /// Declared size.
        announced: u64,
        /// Bytes actually read.
        supplied: u64,
    },
    /// Reading or writing the underlying file failed.
    // The OS error is shown in this message and therefore not also offered
    // as `source()`: a `{:#}` chain would print it twice.
    #[error("input/output error: {0}")]
    Io(io::Error),
}

impl From<io::Error> for FormatError {
    fn from(e: io::Error) -> Self {
        FormatError::Io(e)
    }
}

impl FormatError {
    /// The stable machine-readable code of this error, `format.<variant>`
    /// (a wrapped error gives its own): what `--json` prints, listed in
    /// docs/ERRORS.md.
    pub fn code(&self) -> String {
        format!("format.{}", <&'static str>::from(self))
    }

    pub(crate) fn manifest(detail: impl Into<String>) -> Self {
        FormatError::Manifest { detail: detail.into() }
    }

    pub(crate) fn rows(detail: impl Into<String>) -> Self {
        FormatError::Rows { detail: detail.into() }
    }

    /// What the user can do about it, kept apart from the message.
    pub fn advice(&self) -> Option<String> {
        Some(match self {
            FormatError::NotABundle | FormatError::RecipientStanzas { .. } => {
                "check that you picked the right file".into()
            }
            FormatError::NotForThisInstallation => "ask the sender to export it again to your contact card".into(),
            FormatError::RecipientMismatch { .. } => "refuse it and tell the sender".into(),
            FormatError::Damaged { .. }
            | FormatError::TrailingData { .. }
            | FormatError::EntryMismatch { .. }
            | FormatError::Manifest { .. }
            | FormatError::NonCanonical
            | FormatError::Rows { .. } => DAMAGED_HINT.into(),
            FormatError::Truncated { .. } => "copy the file again completely, or ask the sender for a new one".into(),
            FormatError::ForbiddenEntryType { .. }
            | FormatError::ForbiddenPath { .. }
            | FormatError::Limit { .. }
            | FormatError::BadSignature => "refuse this bundle".into(),
            FormatError::UnsupportedFormat { .. } => "install the same bemx version as the sender".into(),
            FormatError::BadReceipt { .. } => "ask the receiver to send the receipt file again".into(),
            // A bug of the writer: nothing the user could do differently.
            FormatError::WriterLength { .. } => return None,
            FormatError::Io(e) => crate::durable::io_advice(e).into(),
        })
    }

    /// Maps an I/O error from the age/zstd/tar read stack onto the failure
    /// class the spec names, so callers see "truncated" or "damaged" rather
    /// than a bare I/O error.
    pub fn from_read(err: io::Error, part: Part) -> Self {
        // Errors we raise ourselves inside Read impls travel boxed in io::Error.
        if err.get_ref().is_some_and(|e| e.is::<FormatError>()) {
            if let Some(inner) = err.into_inner().map(|b| b.downcast::<FormatError>()) {
                match inner {
                    Ok(fe) => return *fe,
                    Err(other) => return FormatError::Io(io::Error::other(other)),
                }
            }
            return FormatError::Damaged { part, detail: "unreadable".into() };
        }
        // By kind only: age's and zstd's own errors were already named by
        // `layers` (which knows which library raised them), so what is left
        // here is an early end (`read_exact`) or a decoder's refusal.
        match err.kind() {
            io::ErrorKind::UnexpectedEof => FormatError::Truncated { part },
            io::ErrorKind::InvalidData | io::ErrorKind::InvalidInput | io::ErrorKind::Other => {
                FormatError::Damaged { part, detail: err.to_string() }
            }
            _ => FormatError::Io(err),
        }
    }

    /// Wraps this error in an `io::Error` so it can cross a `Read` boundary
    /// and be recovered by [`FormatError::from_read`].
    pub fn into_io(self) -> io::Error {
        io::Error::new(io::ErrorKind::InvalidData, self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The message says what happened, the advice what to do, and the one
    /// never repeats the other.
    #[track_caller]
    fn check(e: &FormatError, advice: Option<&str>) {
        assert_eq!(e.advice().as_deref(), advice, "{e}");
        if let Some(advice) = advice {
            assert!(!e.to_string().contains(advice), "{e} repeats its advice");
        }
    }

    #[test]
    fn advice_is_kept_apart_from_the_message() {
        check(&FormatError::NotABundle, Some("check that you picked the right file"));
        check(&FormatError::NotForThisInstallation, Some("ask the sender to export it again to your contact card"));
        check(&FormatError::Damaged { part: Part::AgePayload, detail: "x".into() }, Some(DAMAGED_HINT));
        check(
            &FormatError::Truncated { part: Part::Compression },
            Some("copy the file again completely, or ask the sender for a new one"),
        );
        check(&FormatError::BadSignature, Some("refuse this bundle"));
        check(
            &FormatError::UnsupportedFormat { found: 2, supported: 1 },
            Some("install the same bemx version as the sender"),
        );
        check(&FormatError::WriterLength { path: "x".into(), announced: 1, supplied: 2 }, None);
    }

    #[test]
    fn an_os_error_is_shown_once() {
        let e = FormatError::from(io::Error::new(io::ErrorKind::NotFound, "gone"));
        assert_eq!(e.to_string(), "input/output error: gone");
        assert!(std::error::Error::source(&e).is_none(), "a {{:#}} chain would print it again");
        assert_eq!(e.advice().as_deref(), Some(crate::durable::io_advice(&io::Error::from(io::ErrorKind::NotFound))));
    }
}
