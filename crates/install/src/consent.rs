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

/// When the client's handover consent in force was given, if one is.
fn in_force(conn: &rusqlite::Connection, client_id: i64) -> Result<Option<String>, InstallError> {
    use rusqlite::OptionalExtension as _;
    Ok(conn
        .query_row(
            "SELECT given_on FROM consents WHERE client_id = ?1 AND kind = ?2 AND revoked_on IS NULL
             ORDER BY given_on DESC, id DESC LIMIT 1",
            rusqlite::params![client_id, HANDOVER],
            // Read whatever was stored (another program's blob, a
            // number): a withdrawal must never fail on it.
            |r| {
                use rusqlite::types::ValueRef;
                Ok(match r.get_ref(0)? {
                    ValueRef::Text(b) | ValueRef::Blob(b) => String::from_utf8_lossy(b).into_owned(),
                    ValueRef::Integer(n) => n.to_string(),
                    ValueRef::Real(x) => x.to_string(),
                    ValueRef::Null => String::new(),
                })
            },
        )
        .optional()?)
}

/// The client, refused while it is handed over: its rows are read-only
/// until the handover is confirmed or cancelled.
fn client_here(conn: &rusqlite::Connection, query: &str) -> Result<bemx_db::ClientSummary, InstallError> {
    if bemx_db::installation_profile(conn)?.is_some() {
        return Err(InstallError::ConsentInHost);
    }
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
    if let Some(since) = in_force(&tx, found.id)? {
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
    let Some(given_on) = in_force(&tx, found.id)? else {
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

    /// Whether `text` is refused as a date, naming what was given.
    fn refused(text: &str) -> bool {
        match Date::parse(text) {
            Ok(_) => false,
            Err(InstallError::BadDate { given }) => {
                assert_eq!(given, text.escape_debug().to_string());
                true
            }
            Err(other) => panic!("{other:?}"),
        }
    }

    /// DESIGN.md §4.4: a date is a real day from 2000 on (bemx did not exist
    /// before; 12.03.1026 is a typo).
    #[test]
    fn a_date_before_the_year_2000_is_refused() {
        assert_eq!(Date::parse("2000-01-01").unwrap().iso(), "2000-01-01");
        assert_eq!(Date::parse("01.01.2000").unwrap().iso(), "2000-01-01");
        for bad in ["1999-12-31", "31.12.1999", "12.03.1026", "0999-01-01", "999-01-01", "1.1.1"] {
            assert!(refused(bad), "{bad:?} was accepted");
        }
    }

    /// A month or a day has one or two digits, and nothing else (no sign,
    /// no leading zeros beyond two places).
    #[test]
    fn a_month_or_a_day_is_one_or_two_digits() {
        assert_eq!(Date::parse("2026-3-1").unwrap().iso(), "2026-03-01");
        assert_eq!(Date::parse("01.03.2026").unwrap().iso(), "2026-03-01");
        for bad in ["2026-003-12", "2026-03-012", "012.03.2026", "12.003.2026", "2026-+3-12", "+1.3.2026", "2026--12"] {
            assert!(refused(bad), "{bad:?} was accepted");
        }
    }

    /// April, June, September and November have 30 days.
    #[test]
    fn april_june_september_and_november_have_30_days() {
        for month in ["04", "06", "09", "11"] {
            assert_eq!(Date::parse(&format!("30.{month}.2026")).unwrap().iso(), format!("2026-{month}-30"));
            assert!(refused(&format!("31.{month}.2026")), "{month}");
        }
    }

    /// An installation with a fresh database and its lock, holding the
    /// clients BEM-1 and BEM-2, each with one document (ids 1 and 2), and
    /// no consent.
    fn site() -> (tempfile::TempDir, Home, InstallLock) {
        let dir = tempfile::tempdir().unwrap();
        let home = Home::new(dir.path().join("home"), None);
        std::fs::create_dir_all(home.root()).unwrap();
        let identity = bemx_identity::Identity::generate("Praxis").unwrap();
        let db = bemx_db::Database::create(home.db_path(), &identity.installation_id().to_string()).unwrap();
        db.conn()
            .execute_batch(
                "INSERT INTO clients (id, uuid, bem_id) VALUES
                   (1, '00000000-0000-4000-8000-000000000001', 'BEM-1'),
                   (2, '00000000-0000-4000-8000-000000000002', 'BEM-2');
                 INSERT INTO documents (id, client_id, name, mime_type, size, sha256, content) VALUES
                   (1, 1, 'form.pdf', 'application/pdf', 1, '', x'00'),
                   (2, 2, 'form.pdf', 'application/pdf', 1, '', x'00');",
            )
            .unwrap();
        drop(db);
        let lock = home.lock().unwrap();
        (dir, home, lock)
    }

    /// A row of `consents`: client, kind, given on, revoked on, form.
    type Consent = (i64, String, String, Option<String>, Option<i64>);

    /// The consents table and the audit log, to show what a change did and
    /// that a refusal did nothing.
    #[derive(Debug, PartialEq)]
    struct State {
        consents: Vec<Consent>,
        /// (event, detail)
        audit: Vec<(String, String)>,
    }

    fn state(home: &Home) -> State {
        let conn = rusqlite::Connection::open(home.db_path()).unwrap();
        let consents = conn
            .prepare("SELECT client_id, kind, given_on, revoked_on, document_id FROM consents ORDER BY id")
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        let audit = conn
            .prepare("SELECT event, detail FROM audit_log ORDER BY rowid")
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        State { consents, audit }
    }

    fn consent(client: i64, given: &str, revoked: Option<&str>, form: Option<i64>) -> Consent {
        (client, HANDOVER.into(), given.into(), revoked.map(String::from), form)
    }

    fn date(text: &str) -> Date {
        Date::parse(text).unwrap()
    }

    const UUID_1: &str = "00000000-0000-4000-8000-000000000001";

    /// A consent is recorded, with its audit entry, for a client who has none.
    #[test]
    fn a_consent_is_recorded_for_a_client_without_one() {
        let (_dir, home, lock) = site();
        let change = record(&home, &lock, "BEM-1", date("12.03.2024"), None).unwrap();
        assert_eq!(
            change,
            ConsentChange { bem_id: "BEM-1".into(), uuid: UUID_1.into(), date: "2024-03-12".into(), form: None }
        );
        let after = state(&home);
        assert_eq!(after.consents, [consent(1, "2024-03-12", None, None)]);
        assert_eq!(after.audit, [("consent_recorded".to_string(), format!("client={UUID_1} given_on=2024-03-12"))]);
    }

    /// DESIGN.md §4.4: a consent is recorded only while none is in force.
    #[test]
    fn a_second_consent_is_refused_while_one_is_in_force() {
        let (_dir, home, lock) = site();
        record(&home, &lock, "BEM-1", date("12.03.2024"), None).unwrap();
        let before = state(&home);
        match record(&home, &lock, "BEM-1", date("13.03.2024"), None) {
            Err(InstallError::ConsentExists { bem_id, since }) => {
                assert_eq!((bem_id.as_str(), since.as_str()), ("BEM-1", "2024-03-12"));
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(state(&home), before);
        // Once it is revoked, a new one can be recorded.
        revoke(&home, &lock, "BEM-1", date("14.03.2024")).unwrap();
        record(&home, &lock, "BEM-1", date("15.03.2024"), None).unwrap();
        assert_eq!(
            state(&home).consents,
            [consent(1, "2024-03-12", Some("2024-03-14"), None), consent(1, "2024-03-15", None, None)]
        );
    }

    /// DESIGN.md §4.4: the form, if named, is a document of that client.
    #[test]
    fn a_consent_names_a_document_of_the_client_as_its_form() {
        let (_dir, home, lock) = site();
        let change = record(&home, &lock, "BEM-1", date("12.03.2024"), Some(1)).unwrap();
        assert_eq!(change.form, Some(1));
        let after = state(&home);
        assert_eq!(after.consents, [consent(1, "2024-03-12", None, Some(1))]);
        assert_eq!(after.audit[0].1, format!("client={UUID_1} given_on=2024-03-12 form_document=1"));
    }

    /// DESIGN.md §4.4: another client's document, or none, is refused as the
    /// form, and nothing is recorded.
    #[test]
    fn a_form_that_is_not_the_clients_document_is_refused() {
        let (_dir, home, lock) = site();
        let before = state(&home);
        for doc in [2, 3] {
            match record(&home, &lock, "BEM-1", date("12.03.2024"), Some(doc)) {
                Err(InstallError::NotTheClientsDocument { bem_id, document }) => {
                    assert_eq!((bem_id.as_str(), document), ("BEM-1", doc));
                }
                other => panic!("{other:?}"),
            }
            assert_eq!(state(&home), before);
        }
    }

    /// Revoking is refused, and changes nothing, when no consent is in force.
    #[test]
    fn revoking_without_a_consent_in_force_is_refused() {
        let (_dir, home, lock) = site();
        let before = state(&home);
        match revoke(&home, &lock, "BEM-1", date("12.03.2024")) {
            Err(InstallError::NoConsent { bem_id }) => assert_eq!(bem_id, "BEM-1"),
            other => panic!("{other:?}"),
        }
        assert_eq!(state(&home), before);
    }

    /// DESIGN.md §4.4: a consent can be revoked on the day it was given.
    #[test]
    fn a_consent_can_be_revoked_on_the_day_it_was_given() {
        let (_dir, home, lock) = site();
        record(&home, &lock, "BEM-1", date("12.03.2024"), None).unwrap();
        let change = revoke(&home, &lock, "BEM-1", date("12.03.2024")).unwrap();
        assert_eq!(
            change,
            ConsentChange { bem_id: "BEM-1".into(), uuid: UUID_1.into(), date: "2024-03-12".into(), form: None }
        );
        let after = state(&home);
        assert_eq!(after.consents, [consent(1, "2024-03-12", Some("2024-03-12"), None)]);
        assert_eq!(after.audit[1], ("consent_revoked".to_string(), format!("client={UUID_1} revoked_on=2024-03-12")));
    }

    /// DESIGN.md §4.4: a revocation is not dated before the consent it revokes.
    #[test]
    fn a_revocation_before_the_consent_was_given_is_refused() {
        let (_dir, home, lock) = site();
        record(&home, &lock, "BEM-1", date("12.03.2024"), None).unwrap();
        let before = state(&home);
        match revoke(&home, &lock, "BEM-1", date("11.03.2024")) {
            Err(InstallError::RevokedBeforeGiven { given_on, revoked_on }) => {
                assert_eq!((given_on.as_str(), revoked_on.as_str()), ("2024-03-12", "2024-03-11"));
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(state(&home), before);
    }

    /// A consent stored by another program with a date after tomorrow (which
    /// bemx would not record) never blocks its withdrawal; one dated
    /// tomorrow, the last day bemx accepts, does.
    #[test]
    fn a_consent_dated_after_tomorrow_never_blocks_its_withdrawal() {
        let (_dir, home, lock) = site();
        let tomorrow = Date::today().next_day();
        let store = |client: i64, given: Date| {
            let conn = rusqlite::Connection::open(home.db_path()).unwrap();
            conn.execute(
                "INSERT INTO consents (client_id, kind, given_on) VALUES (?1, 'handover', ?2)",
                rusqlite::params![client, given.iso()],
            )
            .unwrap();
        };
        store(1, tomorrow);
        store(2, tomorrow.next_day());
        let before = state(&home);
        match revoke(&home, &lock, "BEM-1", Date::today()) {
            Err(InstallError::RevokedBeforeGiven { given_on, .. }) => assert_eq!(given_on, tomorrow.iso()),
            other => panic!("{other:?}"),
        }
        assert_eq!(state(&home), before);
        revoke(&home, &lock, "BEM-2", Date::today()).unwrap();
        assert_eq!(state(&home).consents[1].3, Some(Date::today().iso()));
    }

    /// A consent date stored in another form (by BEMdok or a bundle) never
    /// blocks its withdrawal.
    #[test]
    fn a_consent_date_in_another_form_never_blocks_its_withdrawal() {
        let (_dir, home, lock) = site();
        let conn = rusqlite::Connection::open(home.db_path()).unwrap();
        conn.execute("INSERT INTO consents (client_id, kind, given_on) VALUES (1, 'handover', 'March 2030')", [])
            .unwrap();
        drop(conn);
        revoke(&home, &lock, "BEM-1", date("12.03.2024")).unwrap();
        assert_eq!(state(&home).consents, [consent(1, "March 2030", Some("2024-03-12"), None)]);
    }

    /// A host program records consent itself (issue 17): bemx refuses to
    /// write it there, and the database keeps every byte.
    #[test]
    fn consent_on_a_host_database_is_refused_and_nothing_changes() {
        let dir = tempfile::tempdir().unwrap();
        let home = Home::new(dir.path().join("home"), Some(dir.path().join("chinook.sqlite")));
        std::fs::create_dir_all(home.root()).unwrap();
        let mut conn = rusqlite::Connection::open(home.db_path()).unwrap();
        let opts = bemx_demo::hosts::HostOptions { clients: 2, seed: 1 };
        bemx_demo::hosts::chinook::create(&mut conn, &opts).unwrap();
        drop(conn);
        let profile = bemx_db::Profile::from_toml(bemx_demo::hosts::chinook::PROFILE).unwrap();
        let identity = bemx_identity::Identity::generate("Praxis").unwrap();
        drop(bemx_db::Database::adopt(home.db_path(), &identity.installation_id().to_string(), &profile).unwrap());
        let lock = home.lock().unwrap();
        let before = std::fs::read(home.db_path()).unwrap();
        let client = bemx_db::Database::open(home.db_path()).unwrap().clients_list(true).unwrap()[0].uuid.clone();
        let refused = |e: InstallError| assert!(matches!(e, InstallError::ConsentInHost), "{e}");
        refused(record(&home, &lock, &client, Date::today(), None).unwrap_err());
        refused(revoke(&home, &lock, &client, Date::today()).unwrap_err());
        assert_eq!(std::fs::read(home.db_path()).unwrap(), before);
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
