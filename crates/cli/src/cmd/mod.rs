//! One module per command group.

pub mod backup;
pub mod bundle;
pub mod clients;
pub mod contacts;
pub mod db;
pub mod demo;
pub mod export;
pub mod handover;
pub mod id;
pub mod import;
pub mod init;
pub mod profile;
