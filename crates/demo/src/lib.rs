#![forbid(unsafe_code)]
//! bemx-demo: deterministic, realistic demo data for a bemx database.
//!
//! Kept out of `bemx-db`, the crate that ships the merge, so production
//! code carries no generator; `bemx demo`, `bemx db seed`, the benchmarks
//! and the tests depend on this crate instead.
//!
//! The same options always produce the same rows (own PRNG, fixed
//! reference date), so two demo installations with different seeds clash
//! on BEM-IDs and differ slightly in their catalogues — exactly the cases
//! a merge has to handle.

mod error;

use std::collections::{HashMap, HashSet};

use bemx_db::Database;
use rusqlite::{Connection, params};
use sha2::{Digest, Sha256};

pub use error::{DemoError, Result};

/// What to generate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeedOptions {
    /// Number of clients to add.
    pub clients: u32,
    /// PRNG seed; equal seeds give equal data.
    pub seed: u64,
    /// Whether to generate documents at all.
    pub documents: bool,
    /// Upper bound of documents per client (uniform from 0).
    pub max_documents_per_client: u32,
    /// Document sizes are drawn from this inclusive byte range.
    pub document_bytes: (u32, u32),
}

impl SeedOptions {
    /// Realistic defaults: 0–5 documents of 50 KB – 2 MB per client.
    pub fn new(clients: u32, seed: u64) -> Self {
        SeedOptions {
            clients,
            seed,
            documents: true,
            max_documents_per_client: 5,
            document_bytes: (50 * 1024, 2 * 1024 * 1024),
        }
    }
}

/// What [`seed_with`] inserted.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct SeedReport {
    /// Clients inserted.
    pub clients: u32,
    /// Rows inserted into client-owned tables, clients included.
    pub rows: u64,
    /// Documents inserted.
    pub documents: u64,
    /// Their total size.
    pub document_bytes: u64,
    /// The seed-specific action-type code (missing in installations seeded
    /// with the other parity).
    pub extra_action_code: String,
}

/// splitmix64: tiny, fast, and good enough for demo data; determinism is
/// what matters, not cryptographic quality.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: u64) -> u64 {
        if n == 0 { 0 } else { self.next() % n }
    }
    fn range(&mut self, lo: i64, hi: i64) -> i64 {
        lo + self.below((hi - lo + 1).max(1) as u64) as i64
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
    fn pick<'a, T>(&mut self, s: &'a [T]) -> &'a T {
        &s[self.below(s.len() as u64) as usize]
    }
    fn fill(&mut self, buf: &mut [u8]) {
        for chunk in buf.chunks_mut(8) {
            let v = self.next().to_le_bytes();
            chunk.copy_from_slice(&v[..chunk.len()]);
        }
    }
    fn uuid(&mut self) -> String {
        let mut b = [0u8; 16];
        self.fill(&mut b);
        uuid::Builder::from_random_bytes(b).into_uuid().hyphenated().to_string()
    }
}

/// Days since 1970-01-01 (H. Hinnant's civil calendar algorithms).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn date(days: i64) -> String {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
}

const FIRST_NAMES: &[&str] = &[
    "Anna",
    "Bernd",
    "Claudia",
    "Dieter",
    "Elke",
    "Frank",
    "Gabriele",
    "Hans",
    "Ingrid",
    "Jürgen",
    "Karin",
    "Lukas",
    "Monika",
    "Norbert",
    "Olga",
    "Peter",
    "Renate",
    "Stefan",
    "Tanja",
    "Uwe",
    "Vanessa",
    "Wolfgang",
    "Yvonne",
    "Zeynep",
    "Andreas",
    "Birgit",
    "Christian",
    "Doris",
    "Emre",
    "Franziska",
    "Günter",
    "Heike",
    "Ilona",
    "Jan",
    "Katrin",
    "Leon",
    "Marion",
    "Nicole",
    "Oliver",
    "Petra",
    "Ralf",
    "Sabine",
    "Thomas",
    "Ulrike",
    "Volker",
    "Walter",
    "Anja",
    "Mehmet",
];

const LAST_NAMES: &[&str] = &[
    "Müller",
    "Schmidt",
    "Schneider",
    "Fischer",
    "Weber",
    "Meyer",
    "Wagner",
    "Becker",
    "Schulz",
    "Hoffmann",
    "Schäfer",
    "Koch",
    "Bauer",
    "Richter",
    "Klein",
    "Wolf",
    "Schröder",
    "Neumann",
    "Schwarz",
    "Zimmermann",
    "Braun",
    "Krüger",
    "Hofmann",
    "Hartmann",
    "Lange",
    "Schmitt",
    "Werner",
    "Krause",
    "Meier",
    "Lehmann",
    "Schmid",
    "Schulze",
    "Maier",
    "Köhler",
    "Herrmann",
    "König",
    "Walter",
    "Mayer",
    "Huber",
    "Kaiser",
    "Fuchs",
    "Peters",
    "Lang",
    "Scholz",
    "Möller",
    "Weiß",
    "Jung",
    "Yilmaz",
];

const JOBS: &[&str] = &[
    "Maschinenführer/in",
    "Lagerist/in",
    "Sachbearbeiter/in",
    "Industriemechaniker/in",
    "Elektroniker/in",
    "Staplerfahrer/in",
    "Buchhalter/in",
    "Schichtleiter/in",
    "Softwareentwickler/in",
    "Kommissionierer/in",
    "Qualitätsprüfer/in",
    "Koch/Köchin",
    "Vertriebsmitarbeiter/in",
    "Teamassistenz",
    "Instandhalter/in",
    "Berufskraftfahrer/in",
];

const CASE_MANAGERS: &[&str] = &["Frau Keller", "Herr Brandt", "Frau Yıldız", "Herr Lorenz"];

const ACTION_TYPES: &[(&str, &str)] = &[
    ("INVITATION", "Einladungsschreiben"),
    ("PHONE_CALL", "Telefonat"),
    ("MEETING", "BEM-Gespräch"),
    ("WORKPLACE_VISIT", "Arbeitsplatzbegehung"),
    ("COMPANY_DOCTOR", "Termin Betriebsarzt"),
    ("CASE_REVIEW", "Fallbesprechung im BEM-Team"),
];

const JOB_FUNCTIONS: &[(&str, &str)] = &[
    ("BEM_COORDINATOR", "BEM-Beauftragte/r"),
    ("WORKS_COUNCIL", "Betriebsrat"),
    ("SBV", "Schwerbehindertenvertretung"),
    ("COMPANY_DOCTOR", "Betriebsärztin/Betriebsarzt"),
    ("SUPERVISOR", "Führungskraft"),
    ("HR", "Personalabteilung"),
    ("SAFETY", "Fachkraft für Arbeitssicherheit"),
    ("IFD", "Integrationsfachdienst"),
];

const DEPARTMENTS: &[(&str, &str)] = &[
    ("PROD_NORD", "Produktion Werk Nord"),
    ("PROD_SUED", "Produktion Werk Süd"),
    ("LOGISTIK", "Logistik"),
    ("VERWALTUNG", "Verwaltung"),
    ("IT", "IT"),
    ("VERTRIEB", "Vertrieb"),
    ("INSTANDHALTUNG", "Instandhaltung"),
    ("QS", "Qualitätssicherung"),
    ("KANTINE", "Kantine"),
    ("FUE", "Forschung & Entwicklung"),
];

const FUNDING_BODIES: &[(&str, &str, &str)] = &[
    ("INTEGRATIONSAMT", "Integrationsamt/Inklusionsamt", "IA"),
    ("DRV", "Deutsche Rentenversicherung", "DRV"),
    ("BA", "Bundesagentur für Arbeit", "BA"),
    ("GKV", "Gesetzliche Krankenversicherung", "KK"),
    ("DGUV", "Gesetzliche Unfallversicherung", "BG"),
];

const FUNDING_TYPES: &[(&str, &str)] = &[
    ("STW", "Stufenweise Wiedereingliederung"),
    ("MED_REHA", "Medizinische Rehabilitation"),
    ("LTA", "Leistungen zur Teilhabe am Arbeitsleben"),
    ("WORKPLACE", "Arbeitsplatzausstattung"),
    ("AIDS", "Technische Arbeitshilfen"),
    ("WAGE_SUBSIDY", "Lohnkostenzuschuss"),
    ("ASSISTANCE", "Arbeitsassistenz"),
];

const MEASURES: &[(&str, &str)] = &[
    ("STW", "Stufenweise Wiedereingliederung"),
    ("WORKING_TIME", "Anpassung der Arbeitszeit"),
    ("TRANSFER", "Umsetzung auf anderen Arbeitsplatz"),
    ("ERGONOMICS", "Ergonomische Arbeitsplatzgestaltung"),
    ("TRAINING", "Qualifizierung"),
    ("REHA", "Medizinische Rehabilitation"),
    ("COACHING", "Coaching/Beratung"),
    ("MOBILE_WORK", "Mobiles Arbeiten"),
];

const TOPICS: &[&str] = &[
    "Rückkehr an den Arbeitsplatz",
    "Belastungen am Arbeitsplatz",
    "Arbeitszeitmodell",
    "Ergebnisse der Arbeitsplatzbegehung",
    "Stand des Reha-Antrags",
    "Hilfsmittel und Ausstattung",
    "Zwischenbilanz der Maßnahmen",
    "Schichtplan und Pausen",
];

const RESULTS: &[&str] = &[
    "Stufenweise Wiedereingliederung ab nächstem Monat vereinbart",
    "Höhenverstellbarer Schreibtisch wird beschafft",
    "Keine Nachtschichten für sechs Monate",
    "Antrag auf Leistungen zur Teilhabe wird gestellt",
    "Wöchentliches Kurzgespräch mit der Führungskraft",
    "Betriebsärztliche Untersuchung wird veranlasst",
];

const TASKS: &[&str] = &[
    "Angebot für Arbeitsplatzausstattung einholen",
    "Rückmeldung der Rentenversicherung nachfassen",
    "Termin mit Betriebsärztin vereinbaren",
    "Schichtplan mit Führungskraft abstimmen",
    "Protokoll an Beschäftigte/n senden",
];

const QUESTIONS: &[&str] =
    &["Q_SATISFACTION", "Q_HEALTH_NOW", "Q_MEASURES_HELPED", "Q_WORKLOAD", "Q_RECOMMEND", "Q_COMMENT"];

const ANSWERS: &[&str] = &["1", "2", "3", "4", "5", "ja", "nein", "teilweise"];

const WORDS: &[&str] = &[
    "Gespräch",
    "Arbeitsplatz",
    "Belastung",
    "Maßnahme",
    "Rückkehr",
    "Termin",
    "vereinbart",
    "Rehabilitation",
    "Führungskraft",
    "Betriebsrat",
    "Arbeitszeit",
    "Antrag",
    "Bescheid",
    "Wiedereingliederung",
    "gesundheitlich",
    "Einschränkung",
    "Stunden",
    "Woche",
    "und",
    "die",
];

/// Day number of the fixed "today" (2025-06-30), so data never depends on
/// the clock.
fn today() -> i64 {
    days_from_civil(2025, 6, 30)
}

fn upsert_catalogue(conn: &Connection, table: &str, rows: &[(&str, &str)]) -> Result<HashMap<String, i64>> {
    let mut ins =
        conn.prepare(&format!("INSERT INTO {table} (code, label) VALUES (?1, ?2) ON CONFLICT(code) DO NOTHING"))?;
    for (code, label) in rows {
        ins.execute(params![code, label])?;
    }
    let mut stmt = conn.prepare(&format!("SELECT code, id FROM {table}"))?;
    let map = stmt
        .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))?
        .collect::<rusqlite::Result<HashMap<_, _>>>()?;
    Ok(map)
}

/// Seeds `clients` clients with documents at realistic sizes.
pub fn seed(db: &mut Database, clients: u32, seed: u64) -> Result<SeedReport> {
    seed_with(db, &SeedOptions::new(clients, seed))
}

fn id_of(map: &HashMap<String, i64>, code: &str) -> Result<i64> {
    map.get(code).copied().ok_or_else(|| DemoError::MissingCatalogueCode { code: code.to_owned() })
}

/// Seeds demo data in one transaction; deterministic for equal options and
/// an equally seeded database.
pub fn seed_with(db: &mut Database, opts: &SeedOptions) -> Result<SeedReport> {
    let (min_doc, max_doc) = opts.document_bytes;
    if opts.documents && (min_doc < 16 || min_doc > max_doc || max_doc > 256 * 1024 * 1024) {
        return Err(DemoError::InvalidOptions {
            detail: "document sizes must satisfy 16 <= min <= max <= 256 MiB".into(),
        });
    }
    let mut rng = Rng(opts.seed ^ 0x6265_6D78_5345_4544);
    let tx = db.conn_mut().transaction()?;
    let mut report = SeedReport::default();

    let extra =
        if opts.seed % 2 == 1 { ("HOME_VISIT", "Hausbesuch") } else { ("EXTERNAL_ADVICE", "Externe Beratung (EAP)") };
    report.extra_action_code = extra.0.to_owned();
    let mut action_rows = ACTION_TYPES.to_vec();
    action_rows.push(extra);
    let action_types = upsert_catalogue(&tx, "cat_action_type", &action_rows)?;
    if opts.seed % 2 == 1 {
        tx.execute("UPDATE cat_action_type SET label = 'Gespräch mit Beschäftigter/m' WHERE code = 'MEETING'", [])?;
    }
    let job_functions = upsert_catalogue(&tx, "cat_job_function", JOB_FUNCTIONS)?;
    let departments = upsert_catalogue(&tx, "cat_department", DEPARTMENTS)?;
    let bodies_rows: Vec<(&str, &str)> = FUNDING_BODIES.iter().map(|(c, l, _)| (*c, *l)).collect();
    let bodies = upsert_catalogue(&tx, "cat_funding_body", &bodies_rows)?;
    let funding_types = upsert_catalogue(&tx, "cat_funding_type", FUNDING_TYPES)?;
    let measures = upsert_catalogue(&tx, "cat_measure", MEASURES)?;

    let user_actions: Vec<i64> = action_rows.iter().map(|(c, _)| id_of(&action_types, c)).collect::<Result<_>>()?;
    let a_first = id_of(&action_types, "FIRST_CONTACT")?;
    let a_funding = id_of(&action_types, "FUNDING_APPLICATION")?;
    let a_refusal = id_of(&action_types, "REFUSAL_ABORT")?;
    let a_closed = id_of(&action_types, "CASE_CLOSED")?;
    let a_extra = id_of(&action_types, extra.0)?;
    let jf_coord = id_of(&job_functions, "BEM_COORDINATOR")?;
    let jf_ids: Vec<i64> =
        job_functions.values().copied().collect::<std::collections::BTreeSet<_>>().into_iter().collect();
    let dept_ids: Vec<i64> = DEPARTMENTS.iter().map(|(c, _)| id_of(&departments, c)).collect::<Result<_>>()?;
    let body_ids: Vec<(i64, &str)> =
        FUNDING_BODIES.iter().map(|(c, _, p)| Ok((id_of(&bodies, c)?, *p))).collect::<Result<_>>()?;
    let ftype_ids: Vec<i64> = FUNDING_TYPES.iter().map(|(c, _)| id_of(&funding_types, c)).collect::<Result<_>>()?;
    let measure_ids: Vec<i64> = MEASURES.iter().map(|(c, _)| id_of(&measures, c)).collect::<Result<_>>()?;

    let mut used_bem: HashSet<String> = {
        let mut s = tx.prepare("SELECT bem_id FROM clients")?;
        s.query_map([], |r| r.get(0))?.collect::<rusqlite::Result<HashSet<String>>>()?
    };

    let mut ins_client = tx.prepare(
        "INSERT INTO clients (uuid, bem_id, anonymous, personnel_no, last_name, first_name, birth_date,
            gender, department_id, job, disability_status, sick_days_at_start, survey_consent, case_manager)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
    )?;
    let mut ins_sick =
        tx.prepare("INSERT INTO sick_leave_periods (client_id, from_date, to_date, source) VALUES (?1, ?2, ?3, ?4)")?;
    let mut ins_doc = tx.prepare(
        "INSERT INTO documents (client_id, name, mime_type, size, sha256, content) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?;
    let mut ins_consent = tx.prepare(
        "INSERT INTO consents (client_id, kind, given_on, revoked_on, document_id) VALUES (?1, ?2, ?3, ?4, ?5)",
    )?;
    let mut ins_case = tx.prepare(
        "INSERT INTO bem_cases (client_id, trigger, status, ended_by, start_date, end_date, locked)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?;
    let mut ins_action = tx.prepare(
        "INSERT INTO actions (case_id, action_type_id, date, minutes, topic, details) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?;
    let mut ins_part = tx.prepare("INSERT INTO action_participants (action_id, job_function_id) VALUES (?1, ?2)")?;
    let mut ins_result = tx.prepare("INSERT INTO action_results (action_id, text, binding) VALUES (?1, ?2, ?3)")?;
    let mut ins_task =
        tx.prepare("INSERT INTO action_tasks (action_id, text, due_date, done) VALUES (?1, ?2, ?3, ?4)")?;
    let mut ins_measure = tx.prepare(
        "INSERT INTO measures (case_id, measure_id, description, planned_from, planned_to, status, effectiveness_review)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?;
    let mut ins_funding = tx.prepare(
        "INSERT INTO funding_applications (case_id, funding_body_id, funding_type_id, applicant, applied_on,
            decided_on, status, amount_requested_cents, amount_granted_cents, reference_no)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
    )?;
    let mut ins_survey =
        tx.prepare("INSERT INTO surveys (case_id, kind, planned_date, done_date) VALUES (?1, ?2, ?3, ?4)")?;
    let mut ins_answer =
        tx.prepare("INSERT INTO survey_answers (survey_id, question_code, answer) VALUES (?1, ?2, ?3)")?;
    let mut ins_after = tx.prepare("INSERT INTO sick_days_after (case_id, year, days) VALUES (?1, ?2, ?3)")?;
    let mut ins_deletion =
        tx.prepare("INSERT INTO deletion_schedule (client_id, delete_on, reason) VALUES (?1, ?2, ?3)")?;

    let today = today();
    let mut rows = 0u64;
    let mut doc_buf: Vec<u8> = Vec::new();

    for ci in 0..opts.clients {
        let uuid = rng.uuid();
        let first = *rng.pick(FIRST_NAMES);
        let last = *rng.pick(LAST_NAMES);
        let pseudo = *rng.pick(FIRST_NAMES);
        let mut bem = pseudo.to_owned();
        if used_bem.contains(&bem) {
            bem = format!("{pseudo} {}.", last.chars().next().unwrap_or('X'));
            let mut n = 2;
            while used_bem.contains(&bem) {
                bem = format!("{pseudo} {n}");
                n += 1;
            }
        }
        used_bem.insert(bem.clone());
        let anonymous = rng.chance(5);
        let birth = date(rng.range(days_from_civil(1962, 1, 1), days_from_civil(2002, 12, 31)));
        let gender = *rng.pick(&["w", "m", "m", "w", "d"]);
        let disability = *rng.pick(&["none", "none", "none", "none", "sb", "equal", "applied"]);
        let survey_consent = rng.chance(60);
        let pno = format!("{:06}", rng.range(100_000, 999_999));

        // Sick leave in the year before the first case.
        let n_cases = if rng.chance(30) { 2 } else { 1 };
        let first_start = today - rng.range(60, 2000);
        let n_sick = rng.range(1, 4);
        let mut sick_days = 0i64;
        let mut periods = Vec::new();
        let mut cursor = first_start - rng.range(200, 365);
        for _ in 0..n_sick {
            let len = rng.range(5, 40);
            periods.push((cursor, cursor + len - 1));
            sick_days += len;
            cursor += len + rng.range(5, 60);
        }
        let sick_days = sick_days.max(43);

        ins_client.execute(params![
            uuid,
            bem,
            anonymous,
            (!anonymous).then_some(&pno),
            (!anonymous).then_some(last),
            (!anonymous).then_some(first),
            (!anonymous).then_some(&birth),
            gender,
            *rng.pick(&dept_ids),
            *rng.pick(JOBS),
            disability,
            sick_days,
            survey_consent,
            *rng.pick(CASE_MANAGERS),
        ])?;
        let client_id = tx.last_insert_rowid();
        rows += 1;
        for (from, to) in periods {
            let source = if rng.chance(80) { "hr" } else { "self" };
            ins_sick.execute(params![client_id, date(from), date(to), source])?;
            rows += 1;
        }

        let mut doc_ids = Vec::new();
        if opts.documents {
            let n_docs = rng.below(u64::from(opts.max_documents_per_client) + 1);
            for d in 0..n_docs {
                let size = rng.range(i64::from(min_doc), i64::from(max_doc)) as usize;
                let pdf = rng.chance(60);
                doc_buf.clear();
                if pdf {
                    doc_buf.extend_from_slice(b"%PDF-1.4\n%\xE2\xE3\xCF\xD3\n");
                    let start = doc_buf.len().min(size);
                    doc_buf.resize(size, 0);
                    rng.fill(&mut doc_buf[start..]);
                } else {
                    while doc_buf.len() < size {
                        doc_buf.extend_from_slice(rng.pick(WORDS).as_bytes());
                        doc_buf.push(if rng.chance(10) { b'\n' } else { b' ' });
                    }
                    doc_buf.truncate(size);
                }
                let (name, mime) = match (d, pdf) {
                    (0, true) => ("Einverstaendnis_Uebergabe.pdf", "application/pdf"),
                    (_, true) => (
                        *rng.pick(&["Einladung_BEM.pdf", "Protokoll_Gespraech.pdf", "Bescheid.pdf", "Attest.pdf"]),
                        "application/pdf",
                    ),
                    (_, false) => (*rng.pick(&["Notizen.txt", "Gespraechsnotiz.txt"]), "text/plain"),
                };
                let sha = hex::encode(Sha256::digest(&doc_buf));
                ins_doc.execute(params![client_id, name, mime, size as i64, sha, &doc_buf])?;
                doc_ids.push(tx.last_insert_rowid());
                rows += 1;
                report.documents += 1;
                report.document_bytes += size as u64;
            }
        }

        let given = date(first_start);
        let mut consents: Vec<(&str, String, Option<String>, Option<i64>)> =
            vec![("participation", given.clone(), None, None), ("data_processing", given.clone(), None, None)];
        if rng.chance(90) {
            consents.push(("handover", date(first_start + rng.range(0, 30)), None, doc_ids.first().copied()));
        }
        if survey_consent {
            consents.push(("survey", given.clone(), None, None));
        }
        if rng.chance(30) {
            let revoked = rng.chance(10).then(|| date(first_start + rng.range(30, 200)));
            consents.push(("third_parties", given.clone(), revoked, None));
        }
        if rng.chance(15) {
            consents.push(("confidentiality_release", given.clone(), None, None));
        }
        for (kind, on, revoked, doc) in consents {
            ins_consent.execute(params![client_id, kind, on, revoked, doc])?;
            rows += 1;
        }

        let mut start = first_start;
        let mut last_end: Option<(i64, &str)> = None;
        for k in 0..n_cases {
            let is_last = k + 1 == n_cases;
            let status = if ci == 0 && k == 0 {
                "closed"
            } else if !is_last {
                *rng.pick(&[
                    "closed", "closed", "closed", "closed", "closed", "closed", "closed", "aborted", "aborted",
                    "refused",
                ])
            } else {
                *rng.pick(&[
                    "open", "open", "running", "running", "running", "running", "closed", "closed", "closed",
                    "aborted", "refused",
                ])
            };
            let trigger =
                *rng.pick(&["six_weeks", "six_weeks", "six_weeks", "six_weeks", "six_weeks", "own_wish", "preventive"]);
            let ended = matches!(status, "closed" | "aborted" | "refused");
            let n_actions: i64 = match status {
                "open" => 1,
                "refused" => rng.range(2, 3),
                "running" => rng.range(2, 6),
                "aborted" => rng.range(2, 5),
                _ => rng.range(3, 8),
            };
            let with_funding = matches!(status, "running" | "closed") && rng.chance(40);
            let mut types = vec![a_first];
            for i in 1..n_actions {
                let last_one = i + 1 == n_actions;
                types.push(match status {
                    "closed" if last_one => a_closed,
                    "aborted" | "refused" if last_one => a_refusal,
                    _ if with_funding && i == 1 => a_funding,
                    _ => *rng.pick(&user_actions),
                });
            }
            if ci == 0 && k == 0 && types.len() >= 3 {
                types[1] = a_extra;
            }
            let mut day = start;
            let mut dates = Vec::new();
            for _ in 0..n_actions {
                dates.push(day);
                day += rng.range(3, 40);
            }
            let end = ended.then(|| dates.last().copied().unwrap_or(start));
            let ended_by = match status {
                "closed" => Some(*rng.pick(&["mutual", "mutual", "team"])),
                "aborted" => Some(*rng.pick(&["client", "team"])),
                "refused" => Some("client"),
                _ => None,
            };
            ins_case.execute(params![
                client_id,
                trigger,
                status,
                ended_by,
                date(start),
                end.map(date),
                status == "closed"
            ])?;
            let case_id = tx.last_insert_rowid();
            rows += 1;

            for (t, d) in types.iter().zip(&dates) {
                let details = rng
                    .chance(70)
                    .then(|| (0..rng.range(5, 25)).map(|_| *rng.pick(WORDS)).collect::<Vec<_>>().join(" "));
                ins_action.execute(params![case_id, t, date(*d), rng.range(10, 120), *rng.pick(TOPICS), details])?;
                let action_id = tx.last_insert_rowid();
                rows += 1;
                ins_part.execute(params![action_id, jf_coord])?;
                rows += 1;
                for _ in 0..rng.range(0, 2) {
                    let jf = *rng.pick(&jf_ids);
                    if jf != jf_coord {
                        ins_part.execute(params![action_id, jf])?;
                        rows += 1;
                    }
                }
                for _ in 0..rng.range(0, 2) {
                    ins_result.execute(params![action_id, *rng.pick(RESULTS), rng.chance(50)])?;
                    rows += 1;
                }
                for _ in 0..rng.range(0, 2) {
                    let due = *d + rng.range(7, 60);
                    let done = due < today && rng.chance(85);
                    ins_task.execute(params![action_id, *rng.pick(TASKS), date(due), done])?;
                    rows += 1;
                }
            }

            if matches!(status, "running" | "closed" | "aborted") {
                for _ in 0..rng.range(0, 3) {
                    let from = start + rng.range(10, 60);
                    let mstatus = match status {
                        "closed" => *rng.pick(&["done", "done", "cancelled"]),
                        "aborted" => "cancelled",
                        _ => *rng.pick(&["planned", "running", "done"]),
                    };
                    let review = (mstatus == "done")
                        .then(|| (*rng.pick(&["wirksam", "teilweise wirksam", "nicht wirksam"])).to_owned());
                    ins_measure.execute(params![
                        case_id,
                        *rng.pick(&measure_ids),
                        *rng.pick(RESULTS),
                        date(from),
                        date(from + rng.range(30, 180)),
                        mstatus,
                        review
                    ])?;
                    rows += 1;
                }
            }

            if with_funding {
                for _ in 0..rng.range(1, 2) {
                    let (body, prefix) = *rng.pick(&body_ids);
                    let applied = dates.get(1).copied().unwrap_or(start);
                    let fstatus =
                        *rng.pick(&["submitted", "granted", "granted", "partly_granted", "rejected", "withdrawn"]);
                    let decided = matches!(fstatus, "granted" | "partly_granted" | "rejected")
                        .then(|| applied + rng.range(20, 90));
                    let requested = rng.range(500, 25_000) * 100;
                    let granted = match fstatus {
                        "granted" => Some(requested),
                        "partly_granted" => Some(requested * rng.range(30, 90) / 100),
                        "rejected" => Some(0),
                        _ => None,
                    };
                    let year = date(applied)[..4].to_owned();
                    ins_funding.execute(params![
                        case_id,
                        body,
                        *rng.pick(&ftype_ids),
                        *rng.pick(&["Arbeitgeber", "Beschäftigte/r"]),
                        date(applied),
                        decided.map(date),
                        fstatus,
                        requested,
                        granted,
                        format!("{prefix}-{year}-{:06}", rng.range(1, 999_999)),
                    ])?;
                    rows += 1;
                }
            }

            if let Some(end) = end {
                if survey_consent && status != "refused" {
                    let mut plans = vec![("first", end + 30)];
                    if rng.chance(50) {
                        plans.push(("follow_up", end + 365));
                    }
                    for (kind, planned) in plans {
                        let done = planned + rng.range(0, 30);
                        let done = (done <= today).then_some(done);
                        ins_survey.execute(params![case_id, kind, date(planned), done.map(date)])?;
                        let survey_id = tx.last_insert_rowid();
                        rows += 1;
                        if done.is_some() {
                            for q in QUESTIONS.iter().take(rng.range(4, 6) as usize) {
                                ins_answer.execute(params![survey_id, q, *rng.pick(ANSWERS)])?;
                                rows += 1;
                            }
                        }
                    }
                }
                if status == "closed" {
                    for year in 1..=3 {
                        if end + 365 * year <= today {
                            ins_after.execute(params![case_id, year, rng.range(0, 40)])?;
                            rows += 1;
                        }
                    }
                }
                last_end = Some((end, status));
            } else {
                last_end = None;
            }
            let next = end.unwrap_or(day) + rng.range(90, 400);
            if next >= today - 30 {
                break;
            }
            start = next;
        }
        if let Some((end, status)) = last_end {
            let (on, reason) = if status == "refused" {
                (end + 30, "BEM abgelehnt: Löschung nach Ablauf der Widerspruchsfrist")
            } else {
                (end + 3 * 365, "Regelfrist: drei Jahre nach Abschluss")
            };
            ins_deletion.execute(params![client_id, date(on), reason])?;
            rows += 1;
        }
    }

    drop((ins_client, ins_sick, ins_doc, ins_consent, ins_case, ins_action, ins_part, ins_result));
    drop((ins_task, ins_measure, ins_funding, ins_survey, ins_answer, ins_after, ins_deletion));
    tx.commit()?;
    report.clients = opts.clients;
    report.rows = rows;
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn calendar_round_trips() {
        assert_eq!(date(0), "1970-01-01");
        assert_eq!(date(days_from_civil(2024, 2, 29)), "2024-02-29");
        assert_eq!(date(days_from_civil(2025, 6, 30) + 1), "2025-07-01");
    }
}
