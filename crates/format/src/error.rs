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
/// Each variant is one failure class of spec/FORMAT.md; messages say what
/// happened and what to do, and never contain key material or personal data.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum FormatError {
    /// The file does not start with an age v1 header: it is no bemx bundle.
    #[error("this file is not a bemx bundle (no age encryption header): check that you picked the right file")]
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
    #[error(
        "this bundle is not addressed to this installation: it was encrypted for another PC; ask the sender to export it again to your contact card"
    )]
    NotForThisInstallation,
    /// The manifest names another installation as recipient (surreptitious forwarding).
    #[error(
        "this bundle was made for installation {named}, not for this one ({this}): it may have been forwarded; refuse it and tell the sender"
    )]
    RecipientMismatch {
        /// Installation id the manifest names.
        named: String,
        /// This installation's id.
        this: String,
    },
    /// Authentication failed somewhere: a flipped bit or a deliberate change.
    #[error("the bundle is damaged or has been tampered with ({part}: {detail}): {DAMAGED_HINT}")]
    Damaged {
        /// Where the damage was detected.
        part: Part,
        /// What exactly failed (no data content).
        detail: String,
    },
    /// The stream ended early.
    #[error(
        "the bundle is truncated ({part} ends early): copy the file again completely, or ask the sender for a new one"
    )]
    Truncated {
        /// Where the stream ended.
        part: Part,
    },
    /// Bytes follow the logical end of a layer.
    #[error("the bundle has unexpected data after the end of the {part}: {DAMAGED_HINT}")]
    TrailingData {
        /// The layer that should have ended.
        part: Part,
    },
    /// A tar entry is not a plain regular file.
    #[error(
        "the bundle holds a forbidden archive entry {path:?} of type {kind}: only plain files are allowed; refuse this bundle"
    )]
    ForbiddenEntryType {
        /// The path as found (for diagnosis only; never used on a filesystem).
        path: String,
        /// The entry type.
        kind: String,
    },
    /// A path breaks §3's path rules.
    #[error("the bundle holds an entry with a forbidden path {path:?} ({reason}): refuse this bundle")]
    ForbiddenPath {
        /// The offending path, escaped.
        path: String,
        /// Which rule it breaks.
        reason: &'static str,
    },
    /// Entries are not exactly those the signed manifest lists, in its order.
    #[error("the bundle's contents do not match its signed manifest: {detail}: {DAMAGED_HINT}")]
    EntryMismatch {
        /// Expected vs found.
        detail: String,
    },
    /// A count or size exceeds a §6 limit.
    #[error("the bundle exceeds a format limit: {what} is {value}, the limit is {limit}: refuse this bundle")]
    Limit {
        /// What was measured.
        what: &'static str,
        /// The value found.
        value: u64,
        /// The limit.
        limit: u64,
    },
    /// The manifest is not the CBOR structure §4 defines.
    #[error("the bundle's manifest is malformed ({detail}): {DAMAGED_HINT}")]
    Manifest {
        /// What is wrong.
        detail: String,
    },
    /// The manifest is valid CBOR but not in deterministic encoding (§4.1).
    #[error("the bundle's manifest is not deterministically encoded: {DAMAGED_HINT}")]
    NonCanonical,
    /// The bundle was written by a format version this bemx does not read.
    #[error(
        "the bundle uses format version {found}, this bemx reads format version {supported}: install the same bemx version as the sender"
    )]
    UnsupportedFormat {
        /// Version in the bundle.
        found: u64,
        /// Version this build reads.
        supported: u64,
    },
    /// The manifest signature does not verify with the key the manifest names.
    #[error(
        "the bundle's signature is invalid: the manifest was altered or not signed by its sender; refuse this bundle"
    )]
    BadSignature,
    /// A receipt is malformed or its signature fails.
    #[error("the receipt is invalid ({detail}): ask the receiver to send the receipt file again")]
    BadReceipt {
        /// What is wrong.
        detail: String,
    },
    /// A row entry does not follow §7's row encoding.
    #[error("a table entry of the bundle is malformed ({detail}): {DAMAGED_HINT}")]
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
    #[error("input/output error: {0}: check the drive and try again")]
    Io(#[from] io::Error),
}

impl FormatError {
    pub(crate) fn manifest(detail: impl Into<String>) -> Self {
        FormatError::Manifest { detail: detail.into() }
    }

    pub(crate) fn rows(detail: impl Into<String>) -> Self {
        FormatError::Rows { detail: detail.into() }
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
        match err.kind() {
            io::ErrorKind::UnexpectedEof => FormatError::Truncated { part },
            io::ErrorKind::InvalidData | io::ErrorKind::InvalidInput | io::ErrorKind::Other => {
                let detail = err.to_string();
                if detail.contains("truncated") || detail.contains("incomplete") {
                    FormatError::Truncated { part }
                } else {
                    FormatError::Damaged { part, detail }
                }
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
