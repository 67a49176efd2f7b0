//! The handover consent, recorded and revoked without SQL (issue 15,
//! item 4): the export gate (spec/DESIGN.md E2) asks for an unrevoked
//! consent of kind `handover`, and the original procedure records it from
//! a signed Einverständniserklärung. Each change is one transaction with
//! its audit entry (client UUID, dates, form id: no personal data).

use crate::audit::{self, Event};
use crate::{Home, InstallError, InstallLock, Session};

/// The consent kind the export gate reads.
const HANDOVER: &str = "handover";

/// A calendar date, checked: `YYYY-MM-DD` or the German `DD.MM.YYYY`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Date {
    year: u16,
    month: u8,
    day: u8,
}

impl Date {
    /// Parses `2026-03-12` or `12.03.2026` (also `12.3.2026`); refuses
    /// anything else, and days that do not exist.
    pub fn parse(text: &str) -> Result<Self, InstallError> {
        let bad = || InstallError::BadDate { given: text.escape_debug().to_string() };
        let text = text.trim();
        let parts: Vec<&str> = if text.contains('-') { text.split('-').collect() } else { text.split('.').collect() };
        let [a, b, c] = parts.as_slice() else { return Err(bad()) };
        let (y, m, d) = if text.contains('-') { (a, b, c) } else { (c, b, a) };
        let number = |s: &str, max_len: usize| -> Option<u32> {
            (!s.is_empty() && s.len() <= max_len && s.bytes().all(|b| b.is_ascii_digit())).then(|| s.parse().ok())?
        };
        let (Some(year), Some(month), Some(day)) = (number(y, 4), number(m, 2), number(d, 2)) else {
            return Err(bad());
        };
        // bemx did not exist before 2000: an earlier year is a typo (12.03.1026).
        if y.len() != 4 || year < 2000 || !(1..=12).contains(&month) || day == 0 || day > days_in(year, month) {
            return Err(bad());
        }
        // Ranges checked above: year has four digits, month ≤ 12, day ≤ 31.
        let date = Date {
            year: u16::try_from(year).map_err(|_| bad())?,
            month: u8::try_from(month).map_err(|_| bad())?,
            day: u8::try_from(day).map_err(|_| bad())?,
        };
        Ok(date)
    }

    /// Today's date (UTC).
    pub fn today() -> Self {
        let now = bemx_format::time::rfc3339(bemx_format::time::now());
        // rfc3339 always starts with YYYY-MM-DD.
        Self::parse(now.get(..10).unwrap_or("1970-01-01")).unwrap_or(Date { year: 1970, month: 1, day: 1 })
    }

    /// `YYYY-MM-DD`, as the database stores dates.
    pub fn iso(&self) -> String {
        format!("{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }

    fn next_day(self) -> Self {
        if u32::from(self.day) < days_in(u32::from(self.year), u32::from(self.month)) {
            Date { day: self.day + 1, ..self }
        } else if self.month < 12 {
            Date { month: self.month + 1, day: 1, ..self }
        } else {
            Date { year: self.year + 1, month: 1, day: 1 }
        }
    }
}

fn days_in(year: u32, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ if (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400) => 29,
        _ => 28,
    }
}

/// What a consent change did.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ConsentChange {
    /// The client's BEM-ID.
    pub bem_id: String,
    /// The client's UUID.
    pub uuid: String,
    /// The date recorded (given or revoked on), `YYYY-MM-DD`.
    pub date: String,
    /// The document (the signed form) the consent refers to.
    pub form: Option<i64>,
}

/// The client's handover consent in force: (id, given on), if any.
fn in_force(conn: &rusqlite::Connection, client_id: i64) -> Result<Option<(i64, String)>, InstallError> {
    use rusqlite::OptionalExtension as _;
    Ok(conn
        .query_row(
            "SELECT id, given_on FROM consents WHERE client_id = ?1 AND kind = ?2 AND revoked_on IS NULL
             ORDER BY given_on DESC, id DESC LIMIT 1",
            rusqlite::params![client_id, HANDOVER],
            // Read whatever was stored (another program's blob, a
            // number): a withdrawal must never fail on it.
            |r| {
                use rusqlite::types::ValueRef;
                let given = match r.get_ref(1)? {
                    ValueRef::Text(b) | ValueRef::Blob(b) => String::from_utf8_lossy(b).into_owned(),
                    ValueRef::Integer(n) => n.to_string(),
                    ValueRef::Real(x) => x.to_string(),
                    ValueRef::Null => String::new(),
                };
                Ok((r.get(0)?, given))
            },
        )
        .optional()?)
}

/// The client, refused while it is handed over: its rows are read-only
/// until the handover is confirmed or cancelled.
fn client_here(conn: &rusqlite::Connection, query: &str) -> Result<bemx_db::ClientSummary, InstallError> {
    let client = bemx_db::find_client(conn, query)?;
    if let Some(bundle) = client.handover_bundle {
        return Err(InstallError::ClientHandedOver { bem_id: client.bem_id, bundle });
    }
    Ok(client)
}

/// A date on a form cannot lie in the future; one day of slack keeps a
/// form signed this morning in a time zone ahead of UTC acceptable.
fn not_in_future(date: Date) -> Result<(), InstallError> {
    if date > Date::today().next_day() {
        return Err(InstallError::DateInFuture { date: date.iso() });
    }
    Ok(())
}

/// `bemx clients consent record CLIENT --date D [--form DOC]`: records the
/// client's handover consent given on `given_on`, optionally naming the
/// document that holds the signed form (a document of this client).
pub fn record(
    home: &Home,
    lock: &InstallLock,
    client: &str,
    given_on: Date,
    form: Option<i64>,
) -> Result<ConsentChange, InstallError> {
    not_in_future(given_on)?;
    let (mut session, _) = Session::open_locked(home, lock)?;
    let tx = crate::lock::begin_exclusive(session.db.conn_mut())?;
    let found = client_here(&tx, client)?;
    if let Some((_, since)) = in_force(&tx, found.id)? {
        return Err(InstallError::ConsentExists { bem_id: found.bem_id, since });
    }
    if let Some(doc) = form {
        let owned: bool = tx.query_row(
            "SELECT EXISTS (SELECT 1 FROM documents WHERE id = ?1 AND client_id = ?2)",
            rusqlite::params![doc, found.id],
            |r| r.get(0),
        )?;
        if !owned {
            return Err(InstallError::NotTheClientsDocument { bem_id: found.bem_id, document: doc });
        }
    }
    tx.execute(
        "INSERT INTO consents (client_id, kind, given_on, document_id) VALUES (?1, ?2, ?3, ?4)",
        rusqlite::params![found.id, HANDOVER, given_on.iso(), form],
    )?;
    let detail = format!(
        "client={} given_on={}{}",
        found.uuid,
        given_on.iso(),
        form.map(|d| format!(" form_document={d}")).unwrap_or_default()
    );
    audit::record(&tx, &bemx_format::time::rfc3339(bemx_format::time::now()), Event::ConsentRecorded, "", &detail)?;
    tx.commit()?;
    Ok(ConsentChange { bem_id: found.bem_id, uuid: found.uuid, date: given_on.iso(), form })
}

/// `bemx clients consent revoke CLIENT [--date D]`: marks the consent in
/// force revoked on `revoked_on` (which cannot precede its giving).
pub fn revoke(home: &Home, lock: &InstallLock, client: &str, revoked_on: Date) -> Result<ConsentChange, InstallError> {
    not_in_future(revoked_on)?;
    let (mut session, _) = Session::open_locked(home, lock)?;
    let tx = crate::lock::begin_exclusive(session.db.conn_mut())?;
    let found = client_here(&tx, client)?;
    let Some((_, given_on)) = in_force(&tx, found.id)? else {
        return Err(InstallError::NoConsent { bem_id: found.bem_id });
    };
    // Compared as dates; a date another program stored in another form,
    // or one ahead, never blocks recording a withdrawal.
    if Date::parse(&given_on).is_ok_and(|given| revoked_on < given && given <= Date::today().next_day()) {
        return Err(InstallError::RevokedBeforeGiven { given_on, revoked_on: revoked_on.iso() });
    }
    // Every consent in force goes: the export gate accepts any of them, and
    // BEMdok or a bundle may have left more than one.
    tx.execute(
        "UPDATE consents SET revoked_on = ?1 WHERE client_id = ?2 AND kind = ?3 AND revoked_on IS NULL",
        rusqlite::params![revoked_on.iso(), found.id, HANDOVER],
    )?;
    let detail = format!("client={} revoked_on={}", found.uuid, revoked_on.iso());
    audit::record(&tx, &bemx_format::time::rfc3339(bemx_format::time::now()), Event::ConsentRevoked, "", &detail)?;
    tx.commit()?;
    Ok(ConsentChange { bem_id: found.bem_id, uuid: found.uuid, date: revoked_on.iso(), form: None })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn dates_are_read_in_both_forms_and_checked() {
        assert_eq!(Date::parse("2026-03-12").unwrap().iso(), "2026-03-12");
        assert_eq!(Date::parse("12.03.2026").unwrap().iso(), "2026-03-12");
        assert_eq!(Date::parse("1.3.2026").unwrap().iso(), "2026-03-01");
        assert_eq!(Date::parse("29.02.2024").unwrap().iso(), "2024-02-29");
        assert_eq!(Date::parse("2000-02-29").unwrap().iso(), "2000-02-29");
        assert_eq!(Date::parse("01.01.2000").unwrap().iso(), "2000-01-01");
        for bad in [
            "",
            "2026-3",
            "2026-13-01",
            "2026-00-10",
            "2026-02-29",
            "1900-02-29",
            "31.04.2026",
            "32.01.2026",
            "0.1.2026",
            "12.03.26",
            "2026-03-12x",
            "+2026-03-12",
            "2026-03-1 2",
            "12/03/2026",
            "99999-01-01",
        ] {
            assert!(
                matches!(Date::parse(bad), Err(InstallError::BadDate { .. })),
                "{bad:?} was accepted as {:?}",
                Date::parse(bad)
            );
        }
    }

    #[test]
    fn the_next_day_crosses_months_and_years() {
        assert_eq!(Date::parse("2026-01-31").unwrap().next_day().iso(), "2026-02-01");
        assert_eq!(Date::parse("2026-12-31").unwrap().next_day().iso(), "2027-01-01");
        assert_eq!(Date::parse("2024-02-28").unwrap().next_day().iso(), "2024-02-29");
        assert_eq!(Date::parse("2026-03-12").unwrap().next_day().iso(), "2026-03-13");
        assert!(not_in_future(Date::today().next_day()).is_ok());
        assert!(not_in_future(Date::today().next_day().next_day()).is_err());
    }
}
