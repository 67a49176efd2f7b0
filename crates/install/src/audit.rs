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

/// One entry of the log, as [`list`] reads it back.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Entry {
    /// When, RFC 3339 (UTC).
    pub at: String,
    /// The event name ([`Event::as_str`]).
    pub event: String,
    /// The bundle the event is about; empty for none.
    pub bundle_id: String,
    /// Ids and counts (never personal data, see the module comment).
    pub detail: String,
}

/// The newest `limit` entries, newest first: what the desktop app's
/// Protokoll shows.
pub fn list(conn: &rusqlite::Connection, limit: u32) -> Result<Vec<Entry>, crate::InstallError> {
    let mut stmt = conn.prepare(
        "SELECT at, event, COALESCE(bundle_id, ''), COALESCE(detail, '') FROM audit_log ORDER BY id DESC LIMIT ?1",
    )?;
    let rows = stmt.query_map([limit], |r| {
        Ok(Entry { at: r.get(0)?, event: r.get(1)?, bundle_id: r.get(2)?, detail: r.get(3)? })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_newest_entries_come_first_and_are_capped() {
        let conn = rusqlite::Connection::open_in_memory().unwrap();
        conn.execute_batch(
            "CREATE TABLE audit_log (id INTEGER PRIMARY KEY, at TEXT NOT NULL, event TEXT NOT NULL, bundle_id TEXT, detail TEXT NOT NULL)",
        )
        .unwrap();
        record(&conn, "2026-01-01T00:00:00Z", Event::Export, "ab", "clients=2").unwrap();
        record(&conn, "2026-01-02T00:00:00Z", Event::ConsentRecorded, "", "client=u").unwrap();
        record(&conn, "2026-01-03T00:00:00Z", Event::HandoverConfirmed, "ab", "clients=2").unwrap();
        let all = list(&conn, 10).unwrap();
        let events: Vec<&str> = all.iter().map(|e| e.event.as_str()).collect();
        assert_eq!(events, ["handover_confirmed", "consent_recorded", "export"]);
        assert_eq!(all[1].bundle_id, "");
        assert_eq!(list(&conn, 2).unwrap().len(), 2);
    }
}
