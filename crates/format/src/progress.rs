//! Progress of a long write or read, reported in plaintext bytes. Library
//! crates report through this trait and never print; the CLI draws it.

/// Receives progress of an export or import.
pub trait Progress {
    /// Total plaintext bytes that will pass.
    fn start(&mut self, total_bytes: u64);
    /// More bytes passed.
    fn advance(&mut self, bytes: u64);
    /// A named step begins (safety backup, merge, commit, receipt …).
    fn step(&mut self, _step: &'static str) {}
}

/// Ignores progress.
#[derive(Debug, Default, Clone, Copy)]
pub struct NoProgress;

impl Progress for NoProgress {
    fn start(&mut self, _: u64) {}
    fn advance(&mut self, _: u64) {}
}
