//! The catalogues (lookup tables) the demo rows refer to, and the ids the
//! generator draws from.
//!
//! Codes are upserted, never replaced, so seeding an installation twice, or
//! one that already has its own catalogue rows, keeps the existing ids.

use std::collections::HashMap;

use rusqlite::{Connection, params};

use crate::error::{DemoError, Result};

/// Action types a coordinator records; the four system types (first
/// contact, funding application, refusal/abort, case closed) come with the
/// schema.
const ACTION_TYPES: &[(&str, &str)] = &[
    ("INVITATION", "Einladungsschreiben"),
    ("PHONE_CALL", "Telefonat"),
    ("MEETING", "BEM-Gespräch"),
    ("WORKPLACE_VISIT", "Arbeitsplatzbegehung"),
    ("COMPANY_DOCTOR", "Termin Betriebsarzt"),
    ("CASE_REVIEW", "Fallbesprechung im BEM-Team"),
];

/// Who takes part in an action.
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

/// Code, label and the prefix of the body's reference numbers.
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

/// The seed-specific action type. Odd and even seeds each know one the
/// other lacks, so a handover between two demo installations has to add a
/// catalogue code on the receiving side.
fn extra_action_type(seed: u64) -> (&'static str, &'static str) {
    if seed % 2 == 1 { ("HOME_VISIT", "Hausbesuch") } else { ("EXTERNAL_ADVICE", "Externe Beratung (EAP)") }
}

/// Local ids of the catalogue rows the generator uses.
#[derive(Debug)]
pub(crate) struct Catalogues {
    /// Code of the seed-specific action type (see [`extra_action_type`]).
    pub(crate) extra_action_code: &'static str,
    /// Action types drawn for ordinary actions: [`ACTION_TYPES`] and the
    /// seed-specific one, in that order.
    pub(crate) user_actions: Vec<i64>,
    pub(crate) first_contact: i64,
    pub(crate) funding_application: i64,
    pub(crate) refusal_abort: i64,
    pub(crate) case_closed: i64,
    pub(crate) extra_action: i64,
    /// The BEM coordinator, who takes part in every action.
    pub(crate) coordinator: i64,
    /// Every job function of the catalogue, by ascending id (also ones the
    /// installation had before).
    pub(crate) job_functions: Vec<i64>,
    pub(crate) departments: Vec<i64>,
    /// Funding body id and its reference-number prefix.
    pub(crate) funding_bodies: Vec<(i64, &'static str)>,
    pub(crate) funding_types: Vec<i64>,
    pub(crate) measures: Vec<i64>,
}

impl Catalogues {
    /// Adds the demo catalogue codes that are missing and reads back the ids.
    pub(crate) fn seed(conn: &Connection, seed: u64) -> Result<Self> {
        let extra = extra_action_type(seed);
        let mut action_rows = ACTION_TYPES.to_vec();
        action_rows.push(extra);
        let action_types = upsert(conn, "cat_action_type", &action_rows)?;
        if seed % 2 == 1 {
            // Odd seeds also word a shared code differently: a merge must
            // keep the receiver's label for a code it already has.
            conn.execute(
                "UPDATE cat_action_type SET label = 'Gespräch mit Beschäftigter/m' WHERE code = 'MEETING'",
                [],
            )?;
        }
        let job_functions = upsert(conn, "cat_job_function", JOB_FUNCTIONS)?;
        let departments = upsert(conn, "cat_department", DEPARTMENTS)?;
        let body_rows: Vec<(&str, &str)> = FUNDING_BODIES.iter().map(|(c, l, _)| (*c, *l)).collect();
        let bodies = upsert(conn, "cat_funding_body", &body_rows)?;
        let funding_types = upsert(conn, "cat_funding_type", FUNDING_TYPES)?;
        let measures = upsert(conn, "cat_measure", MEASURES)?;

        let mut all_job_functions: Vec<i64> = job_functions.values().copied().collect();
        all_job_functions.sort_unstable();
        Ok(Catalogues {
            extra_action_code: extra.0,
            user_actions: ids(&action_types, &action_rows)?,
            first_contact: id_of(&action_types, "FIRST_CONTACT")?,
            funding_application: id_of(&action_types, "FUNDING_APPLICATION")?,
            refusal_abort: id_of(&action_types, "REFUSAL_ABORT")?,
            case_closed: id_of(&action_types, "CASE_CLOSED")?,
            extra_action: id_of(&action_types, extra.0)?,
            coordinator: id_of(&job_functions, "BEM_COORDINATOR")?,
            job_functions: all_job_functions,
            departments: ids(&departments, DEPARTMENTS)?,
            funding_bodies: FUNDING_BODIES
                .iter()
                .map(|(code, _, prefix)| Ok((id_of(&bodies, code)?, *prefix)))
                .collect::<Result<_>>()?,
            funding_types: ids(&funding_types, FUNDING_TYPES)?,
            measures: ids(&measures, MEASURES)?,
        })
    }
}

/// Inserts the codes a catalogue lacks and returns code -> id of all its rows.
fn upsert(conn: &Connection, table: &str, rows: &[(&str, &str)]) -> Result<HashMap<String, i64>> {
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

fn id_of(map: &HashMap<String, i64>, code: &str) -> Result<i64> {
    map.get(code).copied().ok_or_else(|| DemoError::MissingCatalogueCode { code: code.to_owned() })
}

/// The ids of `rows`' codes, in the order of `rows`.
fn ids(map: &HashMap<String, i64>, rows: &[(&str, &str)]) -> Result<Vec<i64>> {
    rows.iter().map(|(code, _)| id_of(map, code)).collect()
}
