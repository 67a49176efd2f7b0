//! The installation: one folder that holds a database, an identity, the
//! trusted contacts, the backups, and the records that must outlive any
//! restore of the database — the import ledger and the handover journal —
//! plus the audit log inside the database.
//!
//! Export (`bemx-pack`) and import (`bemx-import`) are symmetric
//! transactions that record their bookkeeping through this crate: the
//! export's handover rows, journal line and audit entry, the import's ledger
//! row, receipt and audit entry. Confirm, cancel, backups and restore live
//! here too. Nothing here prints.
#![forbid(unsafe_code)]

pub mod audit;
pub mod backup;
pub mod consent;
mod error;
pub mod handover;
pub mod home;
pub mod i18n;
pub mod journal;
pub mod ledger;
pub mod lock;
pub mod restore;
pub mod schema;
pub mod session;
pub mod setup;
pub mod space;

pub use error::{BackupProblem, InstallError, IoAction, ReceiptFacts, ReceiptProblem, RecordFault};
pub use home::Home;
pub use lock::InstallLock;
pub use session::Session;
