use std::io;

use crate::i18n::fl;

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
        f.write_str(&match self {
            Part::AgeHeader => fl!("format-part-age-header"),
            Part::AgePayload => fl!("format-part-age-payload"),
            Part::Compression => fl!("format-part-compression"),
            Part::Archive => fl!("format-part-archive"),
            Part::Manifest => fl!("format-part-manifest"),
            Part::Signature => fl!("format-part-signature"),
            Part::Entry(p) => fl!("format-part-entry", path = p.as_str()),
        })
    }
}

/// The words for a name the texts of this crate put in: a limit's `what`
/// ([`FormatError::Limit`]), a field named in a detail, a field
/// [`crate::trust::SenderTrust::ClaimsDiffer`] lists, in the chosen
/// language. The errors carry the English name as a key and translate it
/// when shown; a name this crate does not know is shown as it is.
pub fn term(what: &str) -> String {
    match what {
        "manifest" => fl!("format-term-manifest"),
        "manifest size" => fl!("format-term-manifest-size"),
        "client count" => fl!("format-term-client-count"),
        "table count" => fl!("format-term-table-count"),
        "entry count" => fl!("format-term-entry-count"),
        "entry size" => fl!("format-term-entry-size"),
        "row value length" => fl!("format-term-row-value-length"),
        "installation name" => fl!("format-term-installation-name"),
        "application version" => fl!("format-term-application-version"),
        "schema" => fl!("format-term-schema"),
        "entry" => fl!("format-term-entry"),
        "sender" => fl!("format-term-sender"),
        "recipient" => fl!("format-term-recipient"),
        "receiver" => fl!("format-term-receiver"),
        "ed25519 key" => fl!("format-term-ed25519-key"),
        "installation id" => fl!("format-term-installation-id"),
        "age key" => fl!("format-term-age-key"),
        "name" => fl!("format-term-name"),
        "schema fingerprint" => fl!("format-term-schema-fingerprint"),
        "client id" => fl!("format-term-client-id"),
        "entry hash" => fl!("format-term-entry-hash"),
        "bundle id" => fl!("format-term-bundle-id"),
        "clients hash" => fl!("format-term-clients-hash"),
        "manifest hash" => fl!("format-term-manifest-hash"),
        "field count" => fl!("format-term-field-count"),
        "field order" => fl!("format-term-field-order"),
        "checksum" => fl!("format-term-checksum"),
        "size" => fl!("format-term-size"),
        other => other.to_string(),
    }
}

/// The rule of §3 a forbidden path breaks ([`FormatError::ForbiddenPath`]'s
/// `reason`, kept in English as a key) in the chosen language; a rule this
/// crate does not know is shown as it is.
pub fn path_rule(reason: &str) -> String {
    match reason {
        "a table entry is tables/NNN-<table>.cbor" => fl!("format-rule-table-entry"),
        "a document entry is blobs/<table>.<column>/<rowid>" => fl!("format-rule-document-entry"),
        "data entries live under tables/ or blobs/" => fl!("format-rule-data-entries"),
        "length must be 1 to 99 bytes" => fl!("format-rule-length"),
        "only A-Z, a-z, 0-9, '.', '_', '-' and '/' are allowed" => fl!("format-rule-characters"),
        "absolute path" => fl!("format-rule-absolute"),
        "empty path component" => fl!("format-rule-empty-component"),
        "'.' or '..' component" => fl!("format-rule-dot-component"),
        "reserved name used for a data entry" => fl!("format-rule-reserved-name"),
        "name uses the ustar prefix field or has bytes after its end" => fl!("format-rule-ustar-prefix"),
        other => other.to_string(),
    }
}

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
    #[error("{}", fl!("format-not-a-bundle"))]
    NotABundle,
    /// The age layer is valid but does not hold exactly one X25519 recipient.
    #[error("{}", fl!("format-recipient-stanzas", found = found.as_str()))]
    RecipientStanzas {
        /// Human description of the stanzas found.
        found: String,
    },
    /// None of this installation's keys opens the bundle.
    #[error("{}", fl!("format-not-for-this-installation"))]
    NotForThisInstallation,
    /// The manifest names another installation as recipient (surreptitious forwarding).
    #[error("{}", fl!("format-recipient-mismatch", named = named.as_str(), this = this.as_str()))]
    RecipientMismatch {
        /// Installation id the manifest names.
        named: String,
        /// This installation's id.
        this: String,
    },
    /// Authentication failed somewhere: a flipped bit or a deliberate change.
    #[error("{}", fl!("format-damaged", part = part.to_string(), detail = detail.as_str()))]
    Damaged {
        /// Where the damage was detected.
        part: Part,
        /// What exactly failed (no data content).
        detail: String,
    },
    /// The stream ended early.
    #[error("{}", fl!("format-truncated", part = part.to_string()))]
    Truncated {
        /// Where the stream ended.
        part: Part,
    },
    /// Bytes follow the logical end of a layer.
    #[error("{}", fl!("format-trailing-data", part = part.to_string()))]
    TrailingData {
        /// The layer that should have ended.
        part: Part,
    },
    /// A tar entry is not a plain regular file.
    #[error("{}", fl!("format-forbidden-entry-type", path = format!("{path:?}"), kind = kind.as_str()))]
    ForbiddenEntryType {
        /// The path as found (for diagnosis only; never used on a filesystem).
        path: String,
        /// The entry type.
        kind: String,
    },
    /// A path breaks §3's path rules.
    #[error("{}", fl!("format-forbidden-path", path = format!("{path:?}"), reason = path_rule(reason)))]
    ForbiddenPath {
        /// The offending path, escaped.
        path: String,
        /// Which rule it breaks.
        reason: &'static str,
    },
    /// Entries are not exactly those the signed manifest lists, in its order.
    #[error("{}", fl!("format-entry-mismatch", detail = detail.as_str()))]
    EntryMismatch {
        /// Expected vs found.
        detail: String,
    },
    /// A count or size exceeds a §6 limit.
    #[error("{}", fl!("format-limit", what = term(what), value = value.to_string(), limit = limit.to_string()))]
    Limit {
        /// What was measured.
        what: &'static str,
        /// The value found.
        value: u64,
        /// The limit.
        limit: u64,
    },
    /// The manifest is not the CBOR structure §4 defines.
    #[error("{}", fl!("format-manifest", detail = detail.as_str()))]
    Manifest {
        /// What is wrong.
        detail: String,
    },
    /// The manifest is valid CBOR but not in deterministic encoding (§4.1).
    #[error("{}", fl!("format-non-canonical"))]
    NonCanonical,
    /// The bundle was written by a format version this bemx does not read.
    #[error("{}", fl!("format-unsupported-format", found = found.to_string(), supported = supported.to_string()))]
    UnsupportedFormat {
        /// Version in the bundle.
        found: u64,
        /// Version this build reads.
        supported: u64,
    },
    /// The manifest signature does not verify with the key the manifest names.
    #[error("{}", fl!("format-bad-signature"))]
    BadSignature,
    /// A receipt is malformed or its signature fails.
    #[error("{}", fl!("format-bad-receipt", detail = detail.as_str()))]
    BadReceipt {
        /// What is wrong.
        detail: String,
    },
    /// A row entry does not follow §7's row encoding.
    #[error("{}", fl!("format-rows", detail = detail.as_str()))]
    Rows {
        /// What is wrong.
        detail: String,
    },
    /// An entry handed to the writer had a different length than announced.
    #[error(
        "{}",
        fl!(
            "format-writer-length",
            path = path.as_str(),
            announced = announced.to_string(),
            supplied = supplied.to_string()
        )
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
    #[error("{}", fl!("format-io", error = .0.to_string()))]
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
            FormatError::NotABundle | FormatError::RecipientStanzas { .. } => fl!("format-advice-check-file"),
            FormatError::NotForThisInstallation => fl!("format-advice-export-again"),
            FormatError::RecipientMismatch { .. } => fl!("format-advice-refuse-tell-sender"),
            FormatError::Damaged { .. }
            | FormatError::TrailingData { .. }
            | FormatError::EntryMismatch { .. }
            | FormatError::Manifest { .. }
            | FormatError::NonCanonical
            | FormatError::Rows { .. } => fl!("format-advice-damaged"),
            FormatError::Truncated { .. } => fl!("format-advice-copy-again"),
            FormatError::ForbiddenEntryType { .. }
            | FormatError::ForbiddenPath { .. }
            | FormatError::Limit { .. }
            | FormatError::BadSignature => fl!("format-advice-refuse"),
            FormatError::UnsupportedFormat { .. } => fl!("format-advice-same-version"),
            FormatError::BadReceipt { .. } => fl!("format-advice-receipt-again"),
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
            return FormatError::Damaged { part, detail: fl!("format-unreadable") };
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
        check(
            &FormatError::Damaged { part: Part::AgePayload, detail: "x".into() },
            Some("the file was damaged in transit or altered: ask the sender for a new bundle"),
        );
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
