//! The bemx bundle format (spec/FORMAT.md) as types and functions.
//!
//! A bundle is `age v1 (one X25519 recipient) ( zstd frame ( ustar archive ( entries ) ) )`.
//! This crate knows the wire constants, the manifest and its deterministic CBOR
//! encoding, the manifest signature, the receipt, the row encoding, and the
//! layer stacks that write and read a bundle. It knows no database and prints
//! nothing. Section references (`§n`) point into spec/FORMAT.md.
#![forbid(unsafe_code)]

pub mod age_header;
pub mod durable;
pub mod entry;
mod error;
pub mod i18n;
pub mod layers;
pub mod manifest;
pub mod progress;
pub mod receipt;
pub mod rows;
pub mod signature;
pub mod time;
pub mod trust;
pub mod ustar;

pub use error::{FormatError, Part, path_rule, term};
pub use manifest::{Entry, Manifest, Party, SchemaInfo, TableCount};

/// §1: the format version this crate writes and the only one it reads.
pub const FORMAT_VERSION: u64 = 2;

/// §3: path of the first entry, the deterministic CBOR manifest.
pub const MANIFEST_PATH: &str = "manifest.cbor";
/// §3: path of the second entry, the 64-byte Ed25519 signature.
pub const SIGNATURE_PATH: &str = "manifest.sig";
/// §3: prefix of row entries (`tables/NNN-<table>.cbor`).
pub const TABLES_PREFIX: &str = "tables/";
/// §3: prefix of blob entries (`blobs/<table>.<column>/<source rowid>`).
pub const BLOBS_PREFIX: &str = "blobs/";

/// §5: domain-separation context of the manifest signature.
pub const MANIFEST_SIGNATURE_CONTEXT: &str = "bemx/v1 manifest";
/// §9: domain-separation context of the receipt signature.
pub const RECEIPT_SIGNATURE_CONTEXT: &str = "bemx/v1 receipt";
/// Domain-separation context of the signature an installation puts on its
/// own database backups, so that a backup statement can never pass for a
/// manifest or a receipt, nor they for it.
pub const BACKUP_SIGNATURE_CONTEXT: &str = "bemx/v1 backup";

/// §6: largest manifest a reader accepts, checked against the tar header
/// before a single manifest byte is buffered.
pub const MAX_MANIFEST_SIZE: u64 = 16 * 1024 * 1024;
/// §6: most data entries a manifest may list.
pub const MAX_ENTRIES: usize = 200_000;
/// §6: most clients one bundle may carry.
pub const MAX_CLIENTS: usize = 100_000;
/// §6: most tables a manifest may list row counts for.
pub const MAX_TABLES: usize = 256;
/// §6: the ustar size field holds 11 octal digits; nothing larger exists in a bundle.
pub const MAX_ENTRY_SIZE: u64 = 0o77_777_777_777;
/// §6: longest entry path (fits the ustar name field without a prefix).
pub const MAX_PATH_LEN: usize = 99;
/// §6: longest name or label text in the manifest, in bytes.
pub const MAX_TEXT_LEN: usize = 256;
/// §2.2: the largest zstd window a reader allocates (8 MiB).
pub const MAX_WINDOW_LOG: u32 = 23;
/// §2.2: the zstd level writers use.
pub const ZSTD_LEVEL: i32 = 3;
/// §2.3: tar block size.
pub const BLOCK: usize = 512;
/// §2.1: age payload chunk size, for tests and tools that attack chunk boundaries.
pub const AGE_CHUNK_SIZE: usize = 64 * 1024;
