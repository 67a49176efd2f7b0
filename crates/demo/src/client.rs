//! One client and the rows hanging directly off the client: sick leave,
//! documents, consents and the deletion schedule. Cases are in
//! [`crate::case`].

use rusqlite::params;
use sha2::{Digest, Sha256};

use crate::calendar::{date, days_from_civil};
use crate::case::LastCase;
use crate::error::Result;
use crate::generator::Generator;
use crate::words::{CASE_MANAGERS, FIRST_NAMES, JOBS, LAST_NAMES, WORDS};

const INSERT_CLIENT: &str = "INSERT INTO clients (uuid, bem_id, anonymous, personnel_no, last_name, first_name,
    birth_date, gender, department_id, job, disability_status, sick_days_at_start, survey_consent, case_manager)
    VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)";
const INSERT_SICK_LEAVE: &str =
    "INSERT INTO sick_leave_periods (client_id, from_date, to_date, source) VALUES (?1, ?2, ?3, ?4)";
const INSERT_DOCUMENT: &str =
    "INSERT INTO documents (client_id, name, mime_type, size, sha256, content) VALUES (?1, ?2, ?3, ?4, ?5, ?6)";
const INSERT_CONSENT: &str =
    "INSERT INTO consents (client_id, kind, given_on, revoked_on, document_id) VALUES (?1, ?2, ?3, ?4, ?5)";
const INSERT_DELETION: &str = "INSERT INTO deletion_schedule (client_id, delete_on, reason) VALUES (?1, ?2, ?3)";

// Repeated entries weight the draw.
const GENDERS: &[&str] = &["w", "m", "m", "w", "d"];
const DISABILITY: &[&str] = &["none", "none", "none", "none", "sb", "equal", "applied"];
const PDF_NAMES: &[&str] = &["Einladung_BEM.pdf", "Protokoll_Gespraech.pdf", "Bescheid.pdf", "Attest.pdf"];
const TEXT_NAMES: &[&str] = &["Notizen.txt", "Gespraechsnotiz.txt"];
/// Start of a PDF file with the binary-marker comment line.
const PDF_HEADER: &[u8] = b"%PDF-1.4\n%\xE2\xE3\xCF\xD3\n";

/// The person behind a client row.
struct Person {
    uuid: String,
    bem_id: String,
    first_name: &'static str,
    last_name: &'static str,
    anonymous: bool,
    birth_date: String,
    gender: &'static str,
    disability: &'static str,
    survey_consent: bool,
    personnel_no: String,
}

/// Sick leave before the first case.
struct SickLeave {
    /// Inclusive day ranges.
    periods: Vec<(i64, i64)>,
    /// Sick days counted when the first case started.
    days: i64,
}

impl Generator<'_> {
    /// One client with everything that belongs to them, parents before the
    /// rows that reference them. `first_of_run` marks this run's first
    /// client, whose first case shows the seed-specific action type.
    pub(crate) fn client(&mut self, first_of_run: bool) -> Result<()> {
        let person = self.person();
        let cases = if self.rng.chance(30) { 2 } else { 1 };
        let first_case_start = self.today - self.rng.range(60, 2000);
        let sick_leave = self.sick_leave_before(first_case_start);
        let client_id = self.insert_client(&person, sick_leave.days)?;
        self.insert_sick_leave(client_id, &sick_leave.periods)?;
        let documents = if self.opts.documents { self.documents(client_id)? } else { Vec::new() };
        self.consents(client_id, first_case_start, person.survey_consent, documents.first().copied())?;
        let last_case = self.cases(client_id, first_of_run, cases, first_case_start, person.survey_consent)?;
        if let Some(last_case) = last_case {
            self.deletion_schedule(client_id, last_case)?;
        }
        Ok(())
    }

    fn person(&mut self) -> Person {
        let uuid = self.rng.uuid();
        let first_name = *self.rng.pick(FIRST_NAMES);
        let last_name = *self.rng.pick(LAST_NAMES);
        let pseudonym = *self.rng.pick(FIRST_NAMES);
        let bem_id = self.unused_bem_id(pseudonym, last_name);
        let anonymous = self.rng.chance(5);
        let birth_date = date(self.rng.range(days_from_civil(1962, 1, 1), days_from_civil(2002, 12, 31)));
        let gender = *self.rng.pick(GENDERS);
        let disability = *self.rng.pick(DISABILITY);
        let survey_consent = self.rng.chance(60);
        let personnel_no = format!("{:06}", self.rng.range(100_000, 999_999));
        Person {
            uuid,
            bem_id,
            first_name,
            last_name,
            anonymous,
            birth_date,
            gender,
            disability,
            survey_consent,
            personnel_no,
        }
    }

    /// The BEM-ID is a first-name pseudonym, as coordinators use them; a
    /// taken one gets the initial of the last name, then a number. Across
    /// installations the pseudonyms still clash, which an import must rename.
    fn unused_bem_id(&mut self, pseudonym: &str, last_name: &str) -> String {
        let mut bem_id = pseudonym.to_owned();
        if self.used_bem_ids.contains(&bem_id) {
            bem_id = format!("{pseudonym} {}.", last_name.chars().next().unwrap_or('X'));
            let mut n = 2;
            while self.used_bem_ids.contains(&bem_id) {
                bem_id = format!("{pseudonym} {n}");
                n += 1;
            }
        }
        self.used_bem_ids.insert(bem_id.clone());
        bem_id
    }

    /// One to four periods in the year before the first case.
    fn sick_leave_before(&mut self, first_case_start: i64) -> SickLeave {
        let count = self.rng.range(1, 4);
        let mut cursor = first_case_start - self.rng.range(200, 365);
        let mut periods = Vec::new();
        let mut days = 0i64;
        for _ in 0..count {
            let len = self.rng.range(5, 40);
            periods.push((cursor, cursor + len - 1));
            days += len;
            cursor += len + self.rng.range(5, 60);
        }
        // More than six weeks (42 days) in a year is what makes BEM due
        // (§ 167 SGB IX), so every client has at least 43.
        SickLeave { periods, days: days.max(43) }
    }

    fn insert_client(&mut self, p: &Person, sick_days: i64) -> Result<i64> {
        let department = *self.rng.pick(&self.cat.departments);
        let job = *self.rng.pick(JOBS);
        let case_manager = *self.rng.pick(CASE_MANAGERS);
        // An anonymous client (BEM without names) has no personal data.
        let named = !p.anonymous;
        self.rows.insert(
            INSERT_CLIENT,
            params![
                p.uuid,
                p.bem_id,
                p.anonymous,
                named.then_some(&p.personnel_no),
                named.then_some(p.last_name),
                named.then_some(p.first_name),
                named.then_some(&p.birth_date),
                p.gender,
                department,
                job,
                p.disability,
                sick_days,
                p.survey_consent,
                case_manager,
            ],
        )
    }

    fn insert_sick_leave(&mut self, client_id: i64, periods: &[(i64, i64)]) -> Result<()> {
        for &(from, to) in periods {
            let source = if self.rng.chance(80) { "hr" } else { "self" };
            self.rows.insert(INSERT_SICK_LEAVE, params![client_id, date(from), date(to), source])?;
        }
        Ok(())
    }

    /// Up to `max_documents_per_client` documents; returns their ids.
    fn documents(&mut self, client_id: i64) -> Result<Vec<i64>> {
        let (min, max) = self.opts.document_bytes;
        let count = self.rng.below(u64::from(self.opts.max_documents_per_client) + 1);
        let mut ids = Vec::new();
        for index in 0..count {
            let size = self.rng.range(i64::from(min), i64::from(max)) as usize;
            let pdf = self.rng.chance(60);
            if pdf {
                self.fill_pdf(size);
            } else {
                self.fill_text(size);
            }
            let (name, mime) = self.document_name(index == 0, pdf);
            let sha256 = hex::encode(Sha256::digest(&self.doc_buf));
            let id = self
                .rows
                .insert(INSERT_DOCUMENT, params![client_id, name, mime, size as i64, sha256, &self.doc_buf])?;
            ids.push(id);
            self.documents += 1;
            self.document_bytes += size as u64;
        }
        Ok(ids)
    }

    /// A PDF header and random bytes: like a scan, incompressible.
    fn fill_pdf(&mut self, size: usize) {
        self.doc_buf.clear();
        self.doc_buf.extend_from_slice(PDF_HEADER);
        let start = self.doc_buf.len().min(size);
        self.doc_buf.resize(size, 0);
        self.rng.fill(&mut self.doc_buf[start..]);
    }

    /// Words and line breaks: like typed notes, compressible.
    fn fill_text(&mut self, size: usize) {
        self.doc_buf.clear();
        while self.doc_buf.len() < size {
            self.doc_buf.extend_from_slice(self.rng.pick(WORDS).as_bytes());
            self.doc_buf.push(if self.rng.chance(10) { b'\n' } else { b' ' });
        }
        self.doc_buf.truncate(size);
    }

    /// A first document that is a PDF is the signed handover consent form.
    fn document_name(&mut self, first: bool, pdf: bool) -> (&'static str, &'static str) {
        match (first, pdf) {
            (true, true) => ("Einverstaendnis_Uebergabe.pdf", "application/pdf"),
            (false, true) => (*self.rng.pick(PDF_NAMES), "application/pdf"),
            (_, false) => (*self.rng.pick(TEXT_NAMES), "text/plain"),
        }
    }

    /// Participation and data processing always; the others by chance, so
    /// exports meet clients without a handover consent and revoked consents.
    fn consents(
        &mut self,
        client_id: i64,
        first_case_start: i64,
        survey_consent: bool,
        first_document: Option<i64>,
    ) -> Result<()> {
        let given = date(first_case_start);
        let mut consents: Vec<(&str, String, Option<String>, Option<i64>)> =
            vec![("participation", given.clone(), None, None), ("data_processing", given.clone(), None, None)];
        if self.rng.chance(90) {
            let on = date(first_case_start + self.rng.range(0, 30));
            consents.push(("handover", on, None, first_document));
        }
        if survey_consent {
            consents.push(("survey", given.clone(), None, None));
        }
        if self.rng.chance(30) {
            let revoked = self.rng.chance(10).then(|| date(first_case_start + self.rng.range(30, 200)));
            consents.push(("third_parties", given.clone(), revoked, None));
        }
        if self.rng.chance(15) {
            consents.push(("confidentiality_release", given, None, None));
        }
        for (kind, on, revoked, document) in consents {
            self.rows.insert(INSERT_CONSENT, params![client_id, kind, on, revoked, document])?;
        }
        Ok(())
    }

    /// Personal data is deleted a fixed time after the last case ended.
    fn deletion_schedule(&mut self, client_id: i64, last: LastCase) -> Result<()> {
        let (on, reason) = if last.refused {
            (last.end + 30, "BEM abgelehnt: Löschung nach Ablauf der Widerspruchsfrist")
        } else {
            (last.end + 3 * 365, "Regelfrist: drei Jahre nach Abschluss")
        };
        self.rows.insert(INSERT_DELETION, params![client_id, date(on), reason])?;
        Ok(())
    }
}
