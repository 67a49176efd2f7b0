//! The one error type of the reading side.
//!
//! Every message is written for a BEM coordinator, not for a programmer: it
//! says what is wrong with the file, and [`UnpackError::advice`] what to do
//! next. No message contains
//! key material or personal data from the bundle; paths and names shown are
//! escaped and come from the bundle's own (signed, or at least bounded) text.

use std::io;

use bemx_format::{FormatError, Part, path_rule, term};

use crate::i18n::fl;

/// Everything that can make a bundle unreadable or refused.
///
/// [`UnpackError::class`] names the failure class in one word; the test
/// vectors in spec/vectors/ record that name as their expected result.
#[derive(Debug, thiserror::Error, strum::IntoStaticStr, strum::VariantNames)]
#[strum(serialize_all = "snake_case")]
#[non_exhaustive]
pub enum UnpackError {
    /// The file is not a bemx bundle at all (not age-encrypted, or not in the shape of a bundle).
    #[error("{}", fl!("unpack-not-a-bundle", detail = detail.as_str()))]
    NotABundle {
        /// What the file is instead.
        detail: String,
    },
    /// The bundle is encrypted for another installation's key.
    #[error("{}", fl!("unpack-not-for-this-installation"))]
    NotForThisInstallation,
    /// The signed manifest names another recipient than this installation (forwarded bundle).
    #[error(
        "{}",
        fl!(
            "unpack-recipient-mismatch",
            name = format!("{named_name:?}"),
            named = named.as_str(),
            this = this.as_str()
        )
    )]
    RecipientMismatch {
        /// The recipient's name as the manifest states it.
        named_name: String,
        /// The installation id the manifest names, as a card shows it.
        named: String,
        /// This installation's id, as a card shows it.
        this: String,
    },
    /// The signer is not among the trusted contacts.
    #[error("{}", fl!("unpack-untrusted-sender", name = format!("{name:?}")))]
    UntrustedSender {
        /// The sender name as the manifest claims it (unverified).
        name: String,
    },
    /// A known contact's name, but signed with a different key than the one on file.
    #[error("{}", fl!("unpack-sender-key-changed", name = format!("{name:?}")))]
    SenderKeyChanged {
        /// The contact name as the manifest claims it.
        name: String,
    },
    /// Signed with a trusted contact's key, but the manifest describes
    /// another sender (installation id, age key or name): §5.
    #[error("{}", fl!("unpack-sender-claims-differ", name = format!("{name:?}"), fields = term(fields)))]
    SenderClaimsDiffer {
        /// The signing contact's name on file.
        name: String,
        /// Which fields differ.
        fields: &'static str,
    },
    /// The manifest signature does not verify.
    #[error("{}", fl!("unpack-bad-signature"))]
    BadSignature,
    /// Authentication or structure failed: a flipped bit or a deliberate change.
    #[error("{}", fl!("unpack-damaged", part = part.to_string(), detail = detail.as_str()))]
    Damaged {
        /// Where the damage was found.
        part: Part,
        /// What failed (never data content).
        detail: String,
    },
    /// The file ends early (or its very end is damaged, which age cannot tell apart).
    #[error("{}", fl!("unpack-truncated", part = part.to_string()))]
    Truncated {
        /// Where the stream ended.
        part: Part,
    },
    /// Bytes follow the logical end of a layer.
    #[error("{}", fl!("unpack-trailing-data", part = part.to_string()))]
    TrailingData {
        /// The layer that should have ended.
        part: Part,
    },
    /// The bundle was written by a format version this bemx does not read.
    #[error("{}", fl!("unpack-unsupported-format", found = found.to_string(), supported = supported.to_string()))]
    UnsupportedFormat {
        /// Version in the bundle.
        found: u64,
        /// Version this build reads.
        supported: u64,
    },
    /// The archive does not start with the manifest and its signature.
    #[error("{}", fl!("unpack-manifest-missing", found = found.as_str()))]
    ManifestMissing {
        /// What was found instead.
        found: String,
    },
    /// The manifest is not the structure the format defines.
    #[error("{}", fl!("unpack-bad-manifest", detail = detail.as_str()))]
    BadManifest {
        /// What is wrong.
        detail: String,
    },
    /// A count or size exceeds a format limit.
    #[error("{}", fl!("unpack-limit", what = term(what), value = value.to_string(), limit = limit.to_string()))]
    Limit {
        /// What was measured.
        what: &'static str,
        /// The value found.
        value: u64,
        /// The limit.
        limit: u64,
    },
    /// An archive entry is not a plain file (link, directory, device, extension header).
    #[error("{}", fl!("unpack-forbidden-entry-type", path = format!("{path:?}"), kind = kind.as_str()))]
    ForbiddenEntryType {
        /// The path as found (never used on a filesystem).
        path: String,
        /// The entry type.
        kind: String,
    },
    /// An archive entry path breaks the path rules (`..`, absolute, odd characters).
    #[error("{}", fl!("unpack-forbidden-path", path = format!("{path:?}"), reason = path_rule(reason)))]
    ForbiddenPath {
        /// The path, escaped.
        path: String,
        /// The rule it breaks.
        reason: &'static str,
    },
    /// The archive ends before an entry the manifest lists.
    #[error("{}", fl!("unpack-missing-entry", path = format!("{path:?}")))]
    MissingEntry {
        /// The missing entry.
        path: String,
    },
    /// The archive holds an entry the manifest does not list.
    #[error("{}", fl!("unpack-extra-entry", path = format!("{path:?}")))]
    ExtraEntry {
        /// The unlisted entry.
        path: String,
    },
    /// Entries are not in the manifest's order (or one in between is missing).
    #[error("{}", fl!("unpack-out-of-order", found = format!("{found:?}"), expected = format!("{expected:?}")))]
    OutOfOrder {
        /// The entry the manifest lists at this position.
        expected: String,
        /// The entry found there.
        found: String,
    },
    /// An entry occurs a second time.
    #[error("{}", fl!("unpack-duplicate-entry", path = format!("{path:?}")))]
    DuplicateEntry {
        /// The repeated entry.
        path: String,
    },
    /// The archive header's size of an entry differs from the manifest's.
    #[error(
        "{}",
        fl!(
            "unpack-size-mismatch",
            path = format!("{path:?}"),
            archive = archive.to_string(),
            manifest = manifest.to_string()
        )
    )]
    SizeMismatch {
        /// The entry.
        path: String,
        /// Size the manifest states.
        manifest: u64,
        /// Size the archive header states.
        archive: u64,
    },
    /// An entry's SHA-256 differs from the manifest's.
    #[error("{}", fl!("unpack-hash-mismatch", path = format!("{path:?}")))]
    HashMismatch {
        /// The entry.
        path: String,
    },
    /// A table entry does not follow the row encoding.
    #[error("{}", fl!("unpack-bad-rows", detail = detail.as_str()))]
    BadRows {
        /// What is wrong.
        detail: String,
    },
    /// The rows of a table do not add up to the count the manifest states.
    #[error(
        "{}",
        fl!(
            "unpack-row-count-mismatch",
            table = format!("{table:?}"),
            found = found.to_string(),
            manifest = manifest.to_string()
        )
    )]
    RowCountMismatch {
        /// Table name.
        table: String,
        /// Rows the manifest states.
        manifest: u64,
        /// Rows found in the table entries.
        found: u64,
    },
    /// Program error: the caller asked for the next entry before reading the current one to its end.
    #[error("{}", fl!("unpack-entry-not-finished", path = format!("{path:?}")))]
    EntryNotFinished {
        /// The unfinished entry.
        path: String,
    },
    /// Program error: the reader was used again after it had already reported an error.
    #[error("{}", fl!("unpack-already-failed"))]
    AlreadyFailed,
    /// Reading the file failed. The OS error is shown in the message, so it
    /// is not also a `source()`: a `{:#}` chain would print it twice.
    #[error("{}", fl!("unpack-io", error = .0.to_string()))]
    Io(io::Error),
    /// Any other format-level failure.
    #[error(transparent)]
    Format(FormatError),
}

impl UnpackError {
    /// The stable machine-readable code of this error, `unpack.<variant>`
    /// (a wrapped error gives its own): what `--json` prints, listed in
    /// docs/ERRORS.md.
    pub fn code(&self) -> String {
        match self {
            UnpackError::Format(e) => e.code(),
            other => format!("unpack.{}", <&'static str>::from(other)),
        }
    }

    /// The failure class in one word (the variant name), as recorded in the
    /// `.expected` files of spec/vectors/.
    pub fn class(&self) -> &'static str {
        match self {
            UnpackError::NotABundle { .. } => "NotABundle",
            UnpackError::NotForThisInstallation => "NotForThisInstallation",
            UnpackError::RecipientMismatch { .. } => "RecipientMismatch",
            UnpackError::UntrustedSender { .. } => "UntrustedSender",
            UnpackError::SenderKeyChanged { .. } => "SenderKeyChanged",
            UnpackError::SenderClaimsDiffer { .. } => "SenderClaimsDiffer",
            UnpackError::BadSignature => "BadSignature",
            UnpackError::Damaged { .. } => "Damaged",
            UnpackError::Truncated { .. } => "Truncated",
            UnpackError::TrailingData { .. } => "TrailingData",
            UnpackError::UnsupportedFormat { .. } => "UnsupportedFormat",
            UnpackError::ManifestMissing { .. } => "ManifestMissing",
            UnpackError::BadManifest { .. } => "BadManifest",
            UnpackError::Limit { .. } => "Limit",
            UnpackError::ForbiddenEntryType { .. } => "ForbiddenEntryType",
            UnpackError::ForbiddenPath { .. } => "ForbiddenPath",
            UnpackError::MissingEntry { .. } => "MissingEntry",
            UnpackError::ExtraEntry { .. } => "ExtraEntry",
            UnpackError::OutOfOrder { .. } => "OutOfOrder",
            UnpackError::DuplicateEntry { .. } => "DuplicateEntry",
            UnpackError::SizeMismatch { .. } => "SizeMismatch",
            UnpackError::HashMismatch { .. } => "HashMismatch",
            UnpackError::BadRows { .. } => "BadRows",
            UnpackError::RowCountMismatch { .. } => "RowCountMismatch",
            UnpackError::EntryNotFinished { .. } => "EntryNotFinished",
            UnpackError::AlreadyFailed => "AlreadyFailed",
            UnpackError::Io(_) => "Io",
            UnpackError::Format(_) => "Format",
        }
    }

    /// What the user can do about it, kept apart from the message.
    pub fn advice(&self) -> Option<String> {
        Some(match self {
            UnpackError::NotABundle { .. } => fl!("unpack-advice-check-file"),
            UnpackError::NotForThisInstallation => fl!("unpack-advice-export-again"),
            UnpackError::RecipientMismatch { .. }
            | UnpackError::ForbiddenEntryType { .. }
            | UnpackError::ForbiddenPath { .. } => fl!("unpack-advice-tell-sender"),
            UnpackError::UntrustedSender { .. } => fl!("unpack-advice-untrusted-sender"),
            UnpackError::SenderKeyChanged { .. } => fl!("unpack-advice-sender-key-changed"),
            UnpackError::SenderClaimsDiffer { .. } => fl!("unpack-advice-sender-claims-differ"),
            UnpackError::BadSignature
            | UnpackError::TrailingData { .. }
            | UnpackError::ExtraEntry { .. }
            | UnpackError::DuplicateEntry { .. } => fl!("unpack-advice-refuse-new-bundle"),
            UnpackError::Damaged { .. } => fl!("unpack-advice-copy-again"),
            UnpackError::Truncated { .. } => fl!("unpack-advice-copy-completely"),
            UnpackError::UnsupportedFormat { .. } => fl!("unpack-advice-same-version"),
            UnpackError::ManifestMissing { .. }
            | UnpackError::BadManifest { .. }
            | UnpackError::MissingEntry { .. }
            | UnpackError::OutOfOrder { .. }
            | UnpackError::SizeMismatch { .. }
            | UnpackError::HashMismatch { .. }
            | UnpackError::BadRows { .. }
            | UnpackError::RowCountMismatch { .. } => fl!("unpack-advice-new-bundle"),
            UnpackError::Limit { .. } => fl!("unpack-advice-do-not-import"),
            // Program errors: nothing the user could do differently.
            UnpackError::EntryNotFinished { .. } | UnpackError::AlreadyFailed => return None,
            UnpackError::Io(e) => bemx_format::durable::read_advice(e).into(),
            UnpackError::Format(e) => return e.advice(),
        })
    }

    /// [`UnpackError::NotABundle`] for a file that does not start with an
    /// age header, its detail in the chosen language.
    pub fn not_age_encrypted() -> Self {
        UnpackError::NotABundle { detail: fl!("unpack-no-age-header") }
    }

    /// Whether the bundle itself is at fault (damaged, tampered, malformed),
    /// as opposed to trust, addressing, version or the local drive.
    pub fn is_damage(&self) -> bool {
        !matches!(
            self,
            UnpackError::NotABundle { .. }
                | UnpackError::NotForThisInstallation
                | UnpackError::RecipientMismatch { .. }
                | UnpackError::UntrustedSender { .. }
                | UnpackError::SenderKeyChanged { .. }
                | UnpackError::SenderClaimsDiffer { .. }
                | UnpackError::UnsupportedFormat { .. }
                | UnpackError::EntryNotFinished { .. }
                | UnpackError::AlreadyFailed
                | UnpackError::Io(_)
        )
    }

    /// Wraps this error so it can travel through `Read::read`; recover it
    /// with [`UnpackError::from_io`].
    pub fn into_io(self) -> io::Error {
        io::Error::new(io::ErrorKind::InvalidData, self)
    }

    /// Recovers an error raised inside an [`crate::EntryReader`] read (or a
    /// format error raised below it); any other I/O error is classified as
    /// a read failure of `part`.
    pub fn from_io(err: io::Error, part: Part) -> Self {
        if err.get_ref().is_some_and(|e| e.is::<UnpackError>()) {
            match err.into_inner().map(|b| b.downcast::<UnpackError>()) {
                Some(Ok(e)) => return *e,
                Some(Err(other)) => return UnpackError::Io(io::Error::other(other)),
                None => return UnpackError::AlreadyFailed,
            }
        }
        FormatError::from_read(err, part).into()
    }
}

impl From<FormatError> for UnpackError {
    fn from(e: FormatError) -> Self {
        match e {
            FormatError::NotABundle => UnpackError::not_age_encrypted(),
            FormatError::RecipientStanzas { found } => {
                UnpackError::NotABundle { detail: fl!("unpack-wrong-recipients", found = found.as_str()) }
            }
            FormatError::NotForThisInstallation => UnpackError::NotForThisInstallation,
            FormatError::RecipientMismatch { named, this } => {
                UnpackError::RecipientMismatch { named_name: fl!("unpack-another-installation"), named, this }
            }
            FormatError::Damaged { part, detail } => UnpackError::Damaged { part, detail },
            // The manifest was read to its full announced size: CBOR that
            // ends early inside it is malformed, not a short file.
            FormatError::Truncated { part: Part::Manifest } => {
                UnpackError::BadManifest { detail: fl!("unpack-manifest-ends-early") }
            }
            FormatError::Truncated { part } => UnpackError::Truncated { part },
            FormatError::TrailingData { part: Part::Manifest } => {
                UnpackError::BadManifest { detail: fl!("unpack-manifest-trailing-bytes") }
            }
            FormatError::TrailingData { part } => UnpackError::TrailingData { part },
            FormatError::ForbiddenEntryType { path, kind } => UnpackError::ForbiddenEntryType { path, kind },
            FormatError::ForbiddenPath { path, reason } => UnpackError::ForbiddenPath { path, reason },
            FormatError::EntryMismatch { detail } => UnpackError::Damaged { part: Part::Archive, detail },
            FormatError::Limit { what, value, limit } => UnpackError::Limit { what, value, limit },
            FormatError::Manifest { detail } => UnpackError::BadManifest { detail },
            FormatError::NonCanonical => UnpackError::BadManifest { detail: fl!("unpack-manifest-not-canonical") },
            FormatError::UnsupportedFormat { found, supported } => UnpackError::UnsupportedFormat { found, supported },
            FormatError::BadSignature => UnpackError::BadSignature,
            FormatError::Rows { detail } => UnpackError::BadRows { detail },
            FormatError::Io(e) => UnpackError::Io(e),
            other => UnpackError::Format(other),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unpack_errors_survive_a_read_boundary() {
        let e = UnpackError::HashMismatch { path: "tables/000-clients.cbor".into() }.into_io();
        assert_eq!(UnpackError::from_io(e, Part::Archive).class(), "HashMismatch");
        let e = FormatError::Truncated { part: Part::AgePayload }.into_io();
        assert_eq!(UnpackError::from_io(e, Part::Archive).class(), "Truncated");
        let e = io::Error::new(io::ErrorKind::UnexpectedEof, "eof");
        assert_eq!(UnpackError::from_io(e, Part::Archive).class(), "Truncated");
    }

    /// The message says what happened, the advice what to do, and the one
    /// never repeats the other.
    #[track_caller]
    fn check(e: &UnpackError, advice: &str) {
        assert_eq!(e.advice().as_deref(), Some(advice), "{e}");
        assert!(!e.to_string().contains(advice), "{e} repeats its advice");
    }

    #[test]
    fn advice_is_kept_apart_from_the_message() {
        check(&UnpackError::NotForThisInstallation, "ask the sender to export it again to your contact card");
        check(&UnpackError::BadSignature, "do not import it, ask the sender to export a new bundle");
        check(
            &UnpackError::UntrustedSender { name: "Anna".into() },
            "check the sender's fingerprint with them (by phone), add their contact card, then try again",
        );
        check(
            &UnpackError::Truncated { part: Part::AgePayload },
            "copy the file again completely from the original; if that does not help, ask the sender to export a new bundle",
        );
        check(
            &UnpackError::UnsupportedFormat { found: 2, supported: 1 },
            "install the same bemx version as the sender, or ask the sender to use yours",
        );
        check(&UnpackError::NotABundle { detail: "x".into() }, "check that you picked the right file");
        check(
            &UnpackError::Format(FormatError::BadReceipt { detail: "x".into() }),
            "ask the receiver to send the receipt file again",
        );
        assert_eq!(UnpackError::AlreadyFailed.advice(), None);
    }

    #[test]
    fn a_read_failure_is_shown_once_and_never_advises_free_space() {
        let e = UnpackError::from(FormatError::Io(io::Error::new(io::ErrorKind::NotFound, "gone")));
        assert_eq!(e.to_string(), "the file could not be read (gone)");
        assert!(std::error::Error::source(&e).is_none(), "a {{:#}} chain would print it again");
        let full = UnpackError::Io(io::Error::from(io::ErrorKind::StorageFull));
        assert!(!full.advice().unwrap().contains("space"), "{:?}", full.advice());
    }
}
