//! `bemx profile suggest`: a first draft of a profile, read from a
//! database's schema, for a person to review. Every guess the schema does
//! not settle is marked `REVIEW` in the draft; `bemx profile check` then
//! says what is still wrong.

use std::collections::{BTreeMap, BTreeSet};

use rusqlite::Connection;

use crate::error::Result;
use crate::graph::{RawTable, read_schema, unique_indexes};

/// Root table names, most likely first, compared without case and
/// without a plural `s`.
const ROOT_NAMES: &[&str] = &["client", "klient", "customer", "patient", "person", "employee", "member"];
const UUID_NAMES: &[&str] = &["uuid", "guid"];
const DISPLAY_NAMES: &[&str] = &["bem_id", "display_name", "lastname", "last_name", "surname", "name"];
const KEY_NAMES: &[&str] = &["code", "email", "name", "title", "label"];
const HASH_NAMES: &[&str] = &["sha256", "hash", "digest", "checksum"];

/// A draft profile for the database behind `conn`, as TOML with comments.
pub fn suggest(conn: &Connection, name: &str) -> Result<String> {
    let schema = read_schema(conn)?;
    let mut out = String::new();
    let mut line = |s: String| {
        out.push_str(&s);
        out.push('\n');
    };
    let bemx = schema.get("meta").is_some_and(|m| m.column("key").is_some())
        && conn
            .query_row("SELECT count(*) FROM meta WHERE key = 'installation_id'", [], |r| r.get::<_, i64>(0))
            .is_ok_and(|n| n == 1);
    line("# Drafted by `bemx profile suggest` from the database's schema.".into());
    line("# Review every line marked REVIEW, then run `bemx profile check`.".into());
    line("format = 1".into());
    line(format!("name = {}", toml_str(name)));
    line("version = 1".into());
    if bemx {
        line("host_schema = \"bemx\"".into());
    } else {
        line("# The host program owns this schema: bemx adds no table and no trigger.".into());
        line("host_schema = \"untouched\"".into());
    }

    let Some(root) = guess_root(&schema) else {
        line(String::new());
        line("# REVIEW: no table with a single INTEGER PRIMARY KEY: no client table could be guessed.".into());
        line("[root]\ntable = \"\"\nnatural_key = []\ndisplay = \"\"".into());
        return Ok(out);
    };
    let root_raw = &schema[&root];
    line(String::new());
    line("[root]".into());
    if !ROOT_NAMES.iter().any(|n| same_name(&root, n)) {
        line("# REVIEW: chosen as the table most others depend on.".into());
    }
    line(format!("table = {}", toml_str(&root)));
    match identity(conn, &root, root_raw)? {
        Identity::Uuid(c) => line(format!("uuid = {}", toml_str(&c))),
        Identity::Unique(k) => line(format!("natural_key = {}", toml_list(&k))),
        Identity::Guess(k) => {
            line("# REVIEW: no unique index: chosen by name; `profile check` tests the data.".into());
            line(format!("natural_key = {}", toml_list(&k)));
        }
    }
    let display = DISPLAY_NAMES
        .iter()
        .find_map(|n| root_raw.columns.iter().find(|c| same_name(&c.name, n)))
        .or_else(|| root_raw.columns.iter().find(|c| c.pk == 0 && is_text(&c.decl_type)))
        .map_or(String::new(), |c| c.name.clone());
    line(format!("display = {}", toml_str(&display)));

    let owned = owned_tables(&schema, &root);
    let catalogues = catalogue_tables(&schema, &owned);
    let mut local_columns = Vec::new();
    for cat in &catalogues {
        let raw = &schema[cat];
        line(String::new());
        line("[[catalogue]]".into());
        line(format!("table = {}", toml_str(cat)));
        match catalogue_key(conn, cat, raw)? {
            Some((key, true)) => line(format!("key = {}", toml_list(&key))),
            Some((key, false)) => {
                line("# REVIEW: no unique index: chosen by name; `profile check` tests the data.".into());
                line(format!("key = {}", toml_list(&key)));
            }
            None => {
                line("# REVIEW: no column suggests itself: name the columns that identify a row.".into());
                line("key = []".into());
            }
        }
        // A catalogue row pointing at its own table cannot be matched in
        // order: such a column stays here.
        for fk in raw.fks.iter().filter(|fk| &fk.table == cat) {
            local_columns.push(format!("{cat}.{}", fk.from));
        }
    }

    let local: Vec<String> =
        schema.keys().filter(|t| !owned.contains(*t) && !catalogues.contains(*t)).cloned().collect();
    line(String::new());
    line("# REVIEW: what never travels. Add columns such as passwords or private notes as \"table.column\".".into());
    line("[local]".into());
    line(format!("tables = {}", toml_list(&local)));
    line(format!("columns = {}", toml_list(&local_columns)));

    for t in &owned {
        let raw = &schema[t];
        for c in raw.columns.iter().filter(|c| c.decl_type.eq_ignore_ascii_case("BLOB")) {
            line(String::new());
            line("[[document]]".into());
            line(format!("column = {}", toml_str(&format!("{t}.{}", c.name))));
            if let Some(h) = HASH_NAMES.iter().find_map(|n| raw.columns.iter().find(|c| same_name(&c.name, n))) {
                line(format!("sha256 = {}", toml_str(&format!("{t}.{}", h.name))));
            }
        }
    }

    line(String::new());
    line("[consent]".into());
    match consent_table(&schema, &owned, &root) {
        Some((table, client)) => {
            line(format!("method = \"table\"\ntable = {}\nclient = {}", toml_str(&table), toml_str(&client)));
            line("kind_column = \"kind\"\nkind = \"handover\"\ngiven = \"given_on\"\nrevoked = \"revoked_on\"".into());
        }
        None => {
            line("# REVIEW: no consent table found: the export asks for a reason per client.".into());
            line("method = \"none\"".into());
        }
    }
    line(String::new());
    line("[read_only]".into());
    line(format!("method = \"{}\"", if bemx { "triggers" } else { "refusal-list" }));
    Ok(out)
}

enum Identity {
    Uuid(String),
    Unique(Vec<String>),
    Guess(Vec<String>),
}

fn same_name(name: &str, wanted: &str) -> bool {
    let n = name.to_ascii_lowercase();
    n == wanted || n.strip_suffix('s') == Some(wanted) || n.strip_suffix("en") == Some(wanted)
}

fn is_text(decl: &str) -> bool {
    let d = decl.to_ascii_uppercase();
    d.contains("CHAR") || d.contains("TEXT") || d.contains("CLOB")
}

/// The client table: by name, else the table with the most tables that
/// depend on it through foreign keys.
fn guess_root(schema: &BTreeMap<String, RawTable>) -> Option<String> {
    let candidates: Vec<&String> = schema.iter().filter(|(_, t)| t.integer_key().is_some()).map(|(n, _)| n).collect();
    for wanted in ROOT_NAMES {
        if let Some(t) = candidates.iter().find(|t| same_name(t, wanted)) {
            return Some((*t).clone());
        }
    }
    candidates.into_iter().max_by_key(|t| owned_tables(schema, t).len()).cloned()
}

/// Tables reaching `root` through foreign keys, `root` included.
fn owned_tables(schema: &BTreeMap<String, RawTable>, root: &str) -> BTreeSet<String> {
    let mut owned = BTreeSet::from([root.to_owned()]);
    loop {
        let before = owned.len();
        for (t, raw) in schema {
            if !owned.contains(t) && raw.fks.iter().any(|fk| owned.contains(&fk.table) && &fk.table != t) {
                owned.insert(t.clone());
            }
        }
        if owned.len() == before {
            return owned;
        }
    }
}

/// Tables client data references, directly or through each other, that
/// are not client data themselves.
fn catalogue_tables(schema: &BTreeMap<String, RawTable>, owned: &BTreeSet<String>) -> BTreeSet<String> {
    let mut cats = BTreeSet::new();
    let mut todo: Vec<&str> = owned.iter().map(String::as_str).collect();
    while let Some(t) = todo.pop() {
        for fk in schema.get(t).map(|r| r.fks.as_slice()).unwrap_or_default() {
            if !owned.contains(&fk.table) && schema.contains_key(&fk.table) && cats.insert(fk.table.clone()) {
                todo.push(&fk.table);
            }
        }
    }
    cats
}

/// The non-key columns of each unique index on NOT NULL columns.
fn unique_keys(conn: &Connection, table: &str, raw: &RawTable) -> Result<Vec<Vec<String>>> {
    let mut out: Vec<Vec<String>> = unique_indexes(conn, table)?
        .into_iter()
        .filter(|cols| cols.iter().all(|c| raw.column(c).is_some_and(|c| c.not_null && c.pk == 0)))
        .collect();
    // The shortest key first, then by name, so the draft is stable.
    out.sort_by(|a, b| a.len().cmp(&b.len()).then_with(|| a.cmp(b)));
    Ok(out)
}

fn identity(conn: &Connection, table: &str, raw: &RawTable) -> Result<Identity> {
    if let Some(c) = UUID_NAMES.iter().find_map(|n| raw.columns.iter().find(|c| same_name(&c.name, n))) {
        return Ok(Identity::Uuid(c.name.clone()));
    }
    if let Some(k) = unique_keys(conn, table, raw)?.into_iter().next() {
        return Ok(Identity::Unique(k));
    }
    let guess = ["email", "e_mail", "mail", "personnel_no", "employee_no"]
        .iter()
        .find_map(|n| raw.columns.iter().find(|c| same_name(&c.name, n)))
        .or_else(|| raw.columns.iter().find(|c| c.pk == 0 && c.not_null && is_text(&c.decl_type)));
    Ok(Identity::Guess(guess.map(|c| vec![c.name.clone()]).unwrap_or_default()))
}

/// A catalogue's key and whether a unique index backs it.
fn catalogue_key(conn: &Connection, table: &str, raw: &RawTable) -> Result<Option<(Vec<String>, bool)>> {
    if let Some(k) = unique_keys(conn, table, raw)?.into_iter().next() {
        return Ok(Some((k, true)));
    }
    Ok(KEY_NAMES
        .iter()
        .find_map(|n| raw.columns.iter().find(|c| same_name(&c.name, n)))
        .map(|c| (vec![c.name.clone()], false)))
}

/// A client-data table named like consents whose foreign key points at the root.
fn consent_table(
    schema: &BTreeMap<String, RawTable>,
    owned: &BTreeSet<String>,
    root: &str,
) -> Option<(String, String)> {
    owned
        .iter()
        .filter(|t| t.to_ascii_lowercase().contains("consent") || t.to_ascii_lowercase().contains("einwillig"))
        .find_map(|t| {
            let raw = schema.get(t)?;
            let has = |c: &str| raw.column(c).is_some();
            let fk = raw.fks.iter().find(|fk| fk.table == root)?;
            (has("kind") && has("given_on") && has("revoked_on")).then(|| (t.clone(), fk.from.clone()))
        })
}

fn toml_str(s: &str) -> String {
    toml::Value::String(s.to_owned()).to_string()
}

fn toml_list(items: &[String]) -> String {
    toml::Value::Array(items.iter().map(|s| toml::Value::String(s.clone())).collect()).to_string()
}
