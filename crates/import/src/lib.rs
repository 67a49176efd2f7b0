//! The receiving side and the installation's safety net: preflight, the
//! SICHERHEITSBACKUP, the transactional merge, the import ledger (inside
//! the database and in a file beside it), receipts, backups and restore,
//! and the handover bookkeeping that must survive a restore.
#![forbid(unsafe_code)]

pub mod backup;
mod error;
pub mod handover;
pub mod home;
pub mod import;
pub mod ledger;
pub mod lock;

pub use error::ImportError;
pub use home::Home;
pub use import::{ImportOptions, ImportReport, Installation, Preview, import, preview};
pub use lock::InstallLock;
