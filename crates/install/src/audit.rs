//! The audit log: one row per change of the installation, inside the
//! database and written in the same transaction as the change itself, so
//! the log and the data can never disagree. It holds event names, bundle
//! ids, fingerprints, client UUIDs and counts — never personal data.

/// What happened, as the `event` column names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Event {
    /// Clients were exported into a bundle.
    Export,
    /// Some of them went without a recorded handover consent.
    ExportWithoutConsent,
    /// A bundle was imported.
    Import,
    /// The receiver's receipt confirmed a handover; its clients were purged.
    HandoverConfirmed,
    /// The sender took the clients of an open handover back.
    HandoverCancelled,
    /// A confirmed handover was applied again to a restored database.
    HandoverReapplied,
    /// A client's handover consent was recorded.
    ConsentRecorded,
    /// A client's handover consent was revoked.
    ConsentRevoked,
}

impl Event {
    /// The name stored in the log.
    pub fn as_str(self) -> &'static str {
        match self {
            Event::Export => "export",
            Event::ExportWithoutConsent => "export_without_consent",
            Event::Import => "import",
            Event::HandoverConfirmed => "handover_confirmed",
            Event::HandoverCancelled => "handover_cancelled",
            Event::HandoverReapplied => "handover_reapplied",
            Event::ConsentRecorded => "consent_recorded",
            Event::ConsentRevoked => "consent_revoked",
        }
    }
}

/// Appends one entry inside the caller's transaction.
pub fn record(
    conn: &rusqlite::Connection,
    at: &str,
    event: Event,
    bundle_id: &str,
    detail: &str,
) -> Result<(), crate::InstallError> {
    conn.execute(
        "INSERT INTO audit_log (at, event, bundle_id, detail) VALUES (?1, ?2, ?3, ?4)",
        // An event about no bundle (a consent) has none.
        rusqlite::params![at, event.as_str(), (!bundle_id.is_empty()).then_some(bundle_id), detail],
    )?;
    Ok(())
}
