//! The receiving side: preflight, the SICHERHEITSBACKUP, the transactional
//! merge and the receipt. The installation's records (ledger, backups,
//! audit) are written through `bemx-install`.
#![forbid(unsafe_code)]

mod error;
mod files;
pub mod i18n;
pub mod import;

pub use error::{FileAction, ImportError};
pub use files::{FileId, burn};
pub use import::{ImportOptions, ImportReport, Installation, Preview, import, preview};
