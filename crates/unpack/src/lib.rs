//! The reading side of bemx: opens, decrypts, verifies and streams a bundle.
//!
//! This crate is the security boundary between a file from a USB stick and
//! the database. [`BundleReader`] streams a bundle — `age ( zstd ( ustar ) )`,
//! spec/FORMAT.md §2 — and checks, in this order:
//!
//! 1. the age header (exactly one X25519 recipient) and that this
//!    installation's key opens it;
//! 2. that the first entry is `manifest.cbor` (size capped by
//!    [`bemx_format::MAX_MANIFEST_SIZE`] before a byte is buffered) and the
//!    second `manifest.sig` (64 bytes), and that the signature verifies over
//!    the exact manifest bytes with the sender key the manifest names;
//! 3. that the signed manifest names *this* installation and *this* age key
//!    as its recipient (against surreptitious forwarding);
//! 4. what the caller's [`TrustStore`] says about the signer;
//! 5. then, entry by entry: exactly the manifest's paths, in its order, once
//!    each, regular files only, with the manifest's size (checked before any
//!    data is read) and SHA-256 (checked as the last byte is read);
//! 6. and at [`BundleReader::finish`]: the archive's end marker, no entry
//!    and no byte after it, the end of the single zstd frame, and age's
//!    authenticated final chunk.
//!
//! Only `Ok` from [`BundleReader::finish`] means "verified": a caller acts on
//! nothing it read before that. No entry path ever becomes a filesystem
//! path, and no length read from the file is allocated before it is capped.
#![forbid(unsafe_code)]

mod error;
#[doc(hidden)]
pub mod fuzzing;
pub mod i18n;
mod reader;
mod verify;
mod walk;

pub use bemx_format::{Manifest, Part, Party};
pub use error::UnpackError;
pub use reader::{BundleReader, EntryReader, Recipient, SenderTrust, TrustStore, VerifiedBundle};
pub use verify::{HeaderInfo, inspect_header, read_plain_archive, verify_file, verify_reader};
pub use walk::{Document, EntryVisitor, Rows, TableRows, walk};
