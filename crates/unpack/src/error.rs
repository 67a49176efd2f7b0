//! The one error type of the reading side.
//!
//! Every message is written for a BEM coordinator, not for a programmer: it
//! says what is wrong with the file, and [`UnpackError::advice`] what to do
//! next. No message contains
//! key material or personal data from the bundle; paths and names shown are
//! escaped and come from the bundle's own (signed, or at least bounded) text.

use std::io;

use bemx_format::{FormatError, Part};

const NEW_BUNDLE: &str = "ask the sender to export a new bundle";

/// Everything that can make a bundle unreadable or refused.
///
/// [`UnpackError::class`] names the failure class in one word; the test
/// vectors in spec/vectors/ record that name as their expected result.
#[derive(Debug, thiserror::Error, strum::IntoStaticStr, strum::VariantNames)]
#[strum(serialize_all = "snake_case")]
#[non_exhaustive]
pub enum UnpackError {
    /// The file is not a bemx bundle at all (not age-encrypted, or not in the shape of a bundle).
    #[error("this file is not a bemx bundle ({detail})")]
    NotABundle {
        /// What the file is instead.
        detail: String,
    },
    /// The bundle is encrypted for another installation's key.
    #[error("this bundle is not addressed to this installation: it was encrypted for another PC")]
    NotForThisInstallation,
    /// The signed manifest names another recipient than this installation (forwarded bundle).
    #[error(
        "this bundle was made for {named_name:?} (installation {named}), not for this installation ({this}): it may have been forwarded by someone else"
    )]
    RecipientMismatch {
        /// The recipient's name as the manifest states it.
        named_name: String,
        /// The installation id the manifest names, hex.
        named: String,
        /// This installation's id, hex.
        this: String,
    },
    /// The signer is not among the trusted contacts.
    #[error(
        "the bundle is signed by someone who is not among your trusted contacts (the bundle says {name:?}, unverified)"
    )]
    UntrustedSender {
        /// The sender name as the manifest claims it (unverified).
        name: String,
    },
    /// A known contact's name, but signed with a different key than the one on file.
    #[error(
        "the bundle claims to come from your contact {name:?} but is signed with a different key (not the one you have on file): someone else may have made it"
    )]
    SenderKeyChanged {
        /// The contact name as the manifest claims it.
        name: String,
    },
    /// Signed with a trusted contact's key, but the manifest describes
    /// another sender (installation id, age key or name): §5.
    #[error(
        "the bundle is signed by your contact {name:?} but names another sender ({fields} differ from their contact card): it pretends to come from someone else"
    )]
    SenderClaimsDiffer {
        /// The signing contact's name on file.
        name: String,
        /// Which fields differ.
        fields: &'static str,
    },
    /// The manifest signature does not verify.
    #[error("the bundle's signature is invalid: its table of contents was altered or not signed by its sender")]
    BadSignature,
    /// Authentication or structure failed: a flipped bit or a deliberate change.
    #[error("the bundle is damaged or has been tampered with ({part}: {detail})")]
    Damaged {
        /// Where the damage was found.
        part: Part,
        /// What failed (never data content).
        detail: String,
    },
    /// The file ends early (or its very end is damaged, which age cannot tell apart).
    #[error("the bundle is incomplete ({part} ends early or its last part is damaged)")]
    Truncated {
        /// Where the stream ended.
        part: Part,
    },
    /// Bytes follow the logical end of a layer.
    #[error("the bundle has unexpected extra data after the end of its {part}")]
    TrailingData {
        /// The layer that should have ended.
        part: Part,
    },
    /// The bundle was written by a format version this bemx does not read.
    #[error("the bundle uses format version {found}, this bemx reads format version {supported}")]
    UnsupportedFormat {
        /// Version in the bundle.
        found: u64,
        /// Version this build reads.
        supported: u64,
    },
    /// The archive does not start with the manifest and its signature.
    #[error(
        "this file decrypts but does not start with a bemx table of contents (found {found}): it was not made by bemx or was altered"
    )]
    ManifestMissing {
        /// What was found instead.
        found: String,
    },
    /// The manifest is not the structure the format defines.
    #[error("the bundle's table of contents is malformed ({detail})")]
    BadManifest {
        /// What is wrong.
        detail: String,
    },
    /// A count or size exceeds a format limit.
    #[error("the bundle exceeds a format limit ({what} is {value}, the limit is {limit})")]
    Limit {
        /// What was measured.
        what: &'static str,
        /// The value found.
        value: u64,
        /// The limit.
        limit: u64,
    },
    /// An archive entry is not a plain file (link, directory, device, extension header).
    #[error("the bundle holds a forbidden item {path:?} of type {kind}: only plain files are allowed")]
    ForbiddenEntryType {
        /// The path as found (never used on a filesystem).
        path: String,
        /// The entry type.
        kind: String,
    },
    /// An archive entry path breaks the path rules (`..`, absolute, odd characters).
    #[error("the bundle holds an item with a forbidden name {path:?} ({reason})")]
    ForbiddenPath {
        /// The path, escaped.
        path: String,
        /// The rule it breaks.
        reason: &'static str,
    },
    /// The archive ends before an entry the manifest lists.
    #[error("the bundle is missing {path:?}, which its signed table of contents lists")]
    MissingEntry {
        /// The missing entry.
        path: String,
    },
    /// The archive holds an entry the manifest does not list.
    #[error("the bundle holds {path:?}, which its signed table of contents does not list: it was altered")]
    ExtraEntry {
        /// The unlisted entry.
        path: String,
    },
    /// Entries are not in the manifest's order (or one in between is missing).
    #[error(
        "the bundle's items are out of order ({found:?} came where {expected:?} belongs; an item is missing or was moved)"
    )]
    OutOfOrder {
        /// The entry the manifest lists at this position.
        expected: String,
        /// The entry found there.
        found: String,
    },
    /// An entry occurs a second time.
    #[error("the bundle holds {path:?} twice: it was altered")]
    DuplicateEntry {
        /// The repeated entry.
        path: String,
    },
    /// The archive header's size of an entry differs from the manifest's.
    #[error(
        "the bundle's item {path:?} has {archive} bytes but its signed table of contents says {manifest}: it was altered"
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
    #[error(
        "the bundle's item {path:?} does not match its checksum in the signed table of contents: it was altered or damaged"
    )]
    HashMismatch {
        /// The entry.
        path: String,
    },
    /// A table entry does not follow the row encoding.
    #[error("a table in the bundle is malformed ({detail})")]
    BadRows {
        /// What is wrong.
        detail: String,
    },
    /// The rows of a table do not add up to the count the manifest states.
    #[error("the bundle's table {table:?} holds {found} rows but its signed table of contents says {manifest}")]
    RowCountMismatch {
        /// Table name.
        table: String,
        /// Rows the manifest states.
        manifest: u64,
        /// Rows found in the table entries.
        found: u64,
    },
    /// Program error: the caller asked for the next entry before reading the current one to its end.
    #[error(
        "internal error: entry {path:?} was not read to its end before the next was requested; nothing was imported"
    )]
    EntryNotFinished {
        /// The unfinished entry.
        path: String,
    },
    /// Program error: the reader was used again after it had already reported an error.
    #[error("internal error: the bundle reader was used after an earlier error; nothing was imported")]
    AlreadyFailed,
    /// Reading the file failed. The OS error is shown in the message, so it
    /// is not also a `source()`: a `{:#}` chain would print it twice.
    #[error("the file could not be read ({0})")]
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
        const TELL_THE_SENDER: &str = "do not import it and tell the sender";
        Some(match self {
            UnpackError::NotABundle { .. } => "check that you picked the right file".into(),
            UnpackError::NotForThisInstallation => "ask the sender to export it again to your contact card".into(),
            UnpackError::RecipientMismatch { .. }
            | UnpackError::ForbiddenEntryType { .. }
            | UnpackError::ForbiddenPath { .. } => TELL_THE_SENDER.into(),
            UnpackError::UntrustedSender { .. } => {
                "check the sender's fingerprint with them (by phone), add their contact card, then try again".into()
            }
            UnpackError::SenderKeyChanged { .. } => "do not import it, call the sender and compare fingerprints".into(),
            UnpackError::SenderClaimsDiffer { .. } => "do not import it and call the sender".into(),
            UnpackError::BadSignature
            | UnpackError::TrailingData { .. }
            | UnpackError::ExtraEntry { .. }
            | UnpackError::DuplicateEntry { .. } => format!("do not import it, {NEW_BUNDLE}"),
            UnpackError::Damaged { .. } => {
                format!("copy it again from the original; if that does not help, {NEW_BUNDLE}")
            }
            UnpackError::Truncated { .. } => {
                format!("copy the file again completely from the original; if that does not help, {NEW_BUNDLE}")
            }
            UnpackError::UnsupportedFormat { .. } => {
                "install the same bemx version as the sender, or ask the sender to use yours".into()
            }
            UnpackError::ManifestMissing { .. }
            | UnpackError::BadManifest { .. }
            | UnpackError::MissingEntry { .. }
            | UnpackError::OutOfOrder { .. }
            | UnpackError::SizeMismatch { .. }
            | UnpackError::HashMismatch { .. }
            | UnpackError::BadRows { .. }
            | UnpackError::RowCountMismatch { .. } => NEW_BUNDLE.into(),
            UnpackError::Limit { .. } => "do not import it".into(),
            // Program errors: nothing the user could do differently.
            UnpackError::EntryNotFinished { .. } | UnpackError::AlreadyFailed => return None,
            UnpackError::Io(e) => bemx_format::durable::read_advice(e).into(),
            UnpackError::Format(e) => return e.advice(),
        })
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
            FormatError::NotABundle => UnpackError::NotABundle { detail: "it has no age encryption header".into() },
            FormatError::RecipientStanzas { found } => UnpackError::NotABundle {
                detail: format!("it is age-encrypted, but with {found} instead of exactly one X25519 recipient"),
            },
            FormatError::NotForThisInstallation => UnpackError::NotForThisInstallation,
            FormatError::RecipientMismatch { named, this } => {
                UnpackError::RecipientMismatch { named_name: "another installation".into(), named, this }
            }
            FormatError::Damaged { part, detail } => UnpackError::Damaged { part, detail },
            // The manifest was read to its full announced size: CBOR that
            // ends early inside it is malformed, not a short file.
            FormatError::Truncated { part: Part::Manifest } => {
                UnpackError::BadManifest { detail: "the encoding ends early".into() }
            }
            FormatError::Truncated { part } => UnpackError::Truncated { part },
            FormatError::TrailingData { part: Part::Manifest } => {
                UnpackError::BadManifest { detail: "bytes after the end of the encoding".into() }
            }
            FormatError::TrailingData { part } => UnpackError::TrailingData { part },
            FormatError::ForbiddenEntryType { path, kind } => UnpackError::ForbiddenEntryType { path, kind },
            FormatError::ForbiddenPath { path, reason } => UnpackError::ForbiddenPath { path, reason },
            FormatError::EntryMismatch { detail } => UnpackError::Damaged { part: Part::Archive, detail },
            FormatError::Limit { what, value, limit } => UnpackError::Limit { what, value, limit },
            FormatError::Manifest { detail } => UnpackError::BadManifest { detail },
            FormatError::NonCanonical => UnpackError::BadManifest { detail: "not deterministically encoded".into() },
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
