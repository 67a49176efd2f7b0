//! Host database profiles: the conventions around the foreign-key graph,
//! made data (issue 17; spec/DESIGN.md, "Host database profiles").
//!
//! The graph itself is always read from the database ([`crate::graph`]).
//! What a profile adds is what the schema cannot say: which table is the
//! client, how a client is recognised on another PC, which tables are
//! shared catalogues and by which key they are matched, what never leaves
//! this PC, which columns are documents, where consent is recorded, and how
//! a handed-over client is kept read-only. bemx's own reference schema is
//! described by the built-in profile [`Profile::reference`], read by the
//! same code as any other.

use std::collections::BTreeSet;
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

use crate::error::{DbError, Result};
use crate::i18n::fl;

/// The profile file format this build reads (the `format` key).
pub const PROFILE_FORMAT: u32 = 1;

/// Longest profile name: it is recorded in every manifest.
const MAX_NAME: usize = 64;

/// A profile file is a few hundred lines at most; anything far larger is
/// not a profile, and is refused before it is parsed.
pub const MAX_PROFILE_BYTES: usize = 256 * 1024;

/// The built-in profile's text.
const REFERENCE: &str = include_str!("../profiles/reference.toml");

/// A host database profile, as read from its TOML file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Profile {
    /// Version of the file format ([`PROFILE_FORMAT`]).
    pub format: u32,
    /// The profile's name: ASCII letters, digits, `.`, `_` and `-`.
    pub name: String,
    /// The profile's own version, raised whenever what it derives changes.
    pub version: u32,
    /// Whether bemx may add to the host's schema.
    pub host_schema: HostSchema,
    /// The client table.
    pub root: Root,
    /// Shared lists matched by a natural key.
    #[serde(default, rename = "catalogue")]
    pub catalogues: Vec<Catalogue>,
    /// What never travels.
    #[serde(default)]
    pub local: Local,
    /// Columns holding documents.
    #[serde(default, rename = "document")]
    pub documents: Vec<Document>,
    /// Where the client's consent to a handover is recorded.
    pub consent: Consent,
    /// How a handed-over client is kept read-only.
    pub read_only: ReadOnly,
}

/// Whether bemx may add tables and triggers to the host's database.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum HostSchema {
    /// bemx created the schema; its bookkeeping and triggers live in it.
    Bemx,
    /// The host program owns the schema; bemx writes rows only, and keeps
    /// its bookkeeping in its own installation files.
    Untouched,
}

/// The root table: one row per client.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Root {
    /// Table name.
    pub table: String,
    /// A column of UUIDs that identifies the client on every PC.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uuid: Option<String>,
    /// Or: columns whose values together identify the client.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub natural_key: Option<Vec<String>>,
    /// The column shown to the user (a pseudonym such as the BEM-ID, or a name).
    pub display: String,
}

/// How a client is recognised across installations.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub enum Identity {
    /// One column of UUIDs.
    Uuid(String),
    /// One or more columns whose values together are unique.
    NaturalKey(Vec<String>),
}

impl Root {
    /// The identity the profile declares; [`Profile::validate`] has made
    /// sure there is exactly one.
    pub fn identity(&self) -> Identity {
        match (&self.uuid, &self.natural_key) {
            (Some(u), _) => Identity::Uuid(u.clone()),
            (None, Some(k)) => Identity::NaturalKey(k.clone()),
            (None, None) => Identity::NaturalKey(Vec::new()),
        }
    }
}

impl Identity {
    /// The columns whose values name the client: the UUID column, or the
    /// natural key's.
    pub fn columns(&self) -> &[String] {
        match self {
            Identity::Uuid(c) => std::slice::from_ref(c),
            Identity::NaturalKey(k) => k,
        }
    }
}

/// A catalogue: rows shared by many clients, matched by a natural key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Catalogue {
    /// Table name.
    pub table: String,
    /// Columns whose values together identify a row on every PC.
    pub key: Vec<String>,
    /// Whether a row the receiving side lacks is added (the default). If
    /// not, the catalogue is reference data every installation keeps the
    /// same (stores, staff, stock): its rows are only matched, only their
    /// key travels, and a row missing on the receiving side refuses the
    /// import. Only such a catalogue may be matched by its own id.
    #[serde(default = "yes", skip_serializing_if = "is_true")]
    pub add_missing: bool,
}

fn yes() -> bool {
    true
}

fn is_true(b: &bool) -> bool {
    *b
}

/// What stays on this PC.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Local {
    /// Tables that never travel and are never reached by extraction.
    #[serde(default)]
    pub tables: Vec<String>,
    /// Columns (`table.column`) that never travel; the receiver's row gets
    /// the column's default.
    #[serde(default)]
    pub columns: Vec<String>,
}

/// A column holding documents, streamed apart from the rows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Document {
    /// `table.column` of the bytes.
    pub column: String,
    /// `table.column` of their SHA-256 (hex), in the same table, if the
    /// host keeps one: checked on export and on import.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sha256: Option<String>,
}

/// Where the client's consent to a handover is recorded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "method", rename_all = "kebab-case", deny_unknown_fields)]
pub enum Consent {
    /// In a table of the host: one row per consent, revoked by a date.
    Table {
        /// Table name.
        table: String,
        /// Column referencing the client.
        client: String,
        /// Column naming the kind of consent.
        kind_column: String,
        /// The kind that means "consents to a handover".
        kind: String,
        /// Column with the date the consent was given.
        given: String,
        /// Column with the date it was revoked (NULL while in force).
        revoked: String,
    },
    /// The host records none: the export asks for a reason per client.
    None,
}

/// How a handed-over client is kept read-only until the handover ends.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReadOnly {
    /// The method.
    pub method: ReadOnlyMethod,
}

/// See [`ReadOnly`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ReadOnlyMethod {
    /// Triggers in the host database refuse every change.
    Triggers,
    /// bemx keeps a refusal list beside the database and refuses to
    /// export or change those clients; the host schema stays untouched.
    RefusalList,
}

/// A `table.column` reference of a profile.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ColumnRef {
    /// Table name.
    pub table: String,
    /// Column name.
    pub column: String,
}

impl ColumnRef {
    /// Splits `table.column` at its first dot.
    pub fn parse(s: &str) -> Result<Self> {
        match s.split_once('.') {
            Some((t, c)) if !t.is_empty() && !c.is_empty() => {
                Ok(ColumnRef { table: t.to_owned(), column: c.to_owned() })
            }
            _ => Err(invalid(fl!("db-profile-not-table-column", value = s))),
        }
    }
}

impl std::fmt::Display for ColumnRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}.{}", self.table, self.column)
    }
}

fn invalid(detail: String) -> DbError {
    DbError::ProfileInvalid { detail }
}

impl Profile {
    /// The built-in profile of bemx's reference schema.
    pub fn reference() -> &'static Profile {
        static REF: OnceLock<Profile> = OnceLock::new();
        REF.get_or_init(|| match Profile::from_toml(REFERENCE) {
            Ok(p) => p,
            // The text is part of this build; a test parses it.
            Err(e) => unreachable!("the built-in profile does not parse: {e}"),
        })
    }

    /// The built-in profile's text, for `bemx profile show`.
    pub fn reference_text() -> &'static str {
        REFERENCE
    }

    /// Reads a profile file: opened once, at most [`MAX_PROFILE_BYTES`]
    /// read, then parsed and validated.
    pub fn load(path: &std::path::Path) -> Result<Self> {
        use std::io::Read;
        let err = |e| DbError::io(fl!("db-io-reading-profile", path = path.display().to_string()), e);
        let file = std::fs::File::open(path).map_err(err)?;
        let mut bytes = Vec::new();
        file.take(MAX_PROFILE_BYTES as u64 + 1).read_to_end(&mut bytes).map_err(err)?;
        if bytes.len() > MAX_PROFILE_BYTES {
            return Err(invalid(fl!("db-profile-too-large", limit = (MAX_PROFILE_BYTES / 1024).to_string())));
        }
        let text = String::from_utf8(bytes).map_err(|_| invalid(fl!("db-profile-not-utf8")))?;
        Self::from_toml(&text)
    }

    /// Reads and validates a profile's text.
    pub fn from_toml(text: &str) -> Result<Self> {
        if text.len() > MAX_PROFILE_BYTES {
            return Err(invalid(fl!("db-profile-too-large", limit = (MAX_PROFILE_BYTES / 1024).to_string())));
        }
        // The format key is read first, so a future format is named as
        // such instead of as a list of unknown keys.
        #[derive(Deserialize)]
        struct Head {
            format: Option<toml::Value>,
        }
        let head: Head = toml::from_str(text).map_err(|e| invalid(parse_detail(&e)))?;
        match head.format {
            Some(toml::Value::Integer(n)) if n == i64::from(PROFILE_FORMAT) => {}
            Some(toml::Value::Integer(n)) => {
                return Err(DbError::ProfileFormat { found: n.to_string(), supported: PROFILE_FORMAT });
            }
            Some(other) => return Err(DbError::ProfileFormat { found: other.to_string(), supported: PROFILE_FORMAT }),
            None => return Err(invalid(fl!("db-profile-key-missing", key = "format"))),
        }
        let profile: Profile = toml::from_str(text).map_err(|e| invalid(parse_detail(&e)))?;
        profile.validate()?;
        Ok(profile)
    }

    /// The profile as TOML.
    pub fn to_toml(&self) -> Result<String> {
        toml::to_string(self).map_err(|e| invalid(e.to_string()))
    }

    /// Checks what can be checked without a database: names, keys, and
    /// that no table has two meanings.
    pub fn validate(&self) -> Result<()> {
        let name_ok = !self.name.is_empty()
            && self.name.len() <= MAX_NAME
            && self.name.bytes().all(|b| b.is_ascii_alphanumeric() || b"._-".contains(&b));
        if !name_ok {
            return Err(invalid(fl!("db-profile-bad-name", max = MAX_NAME.to_string())));
        }
        if self.version == 0 {
            return Err(invalid(fl!("db-profile-version-zero")));
        }
        identifier("root.table", &self.root.table)?;
        identifier("root.display", &self.root.display)?;
        match (&self.root.uuid, &self.root.natural_key) {
            (Some(u), None) => identifier("root.uuid", u)?,
            (None, Some(k)) => key_columns("root.natural_key", k)?,
            _ => return Err(invalid(fl!("db-profile-root-identity"))),
        }
        // Each table has one meaning: root, catalogue or local.
        let mut meaning: BTreeSet<&str> = BTreeSet::from([self.root.table.as_str()]);
        for c in &self.catalogues {
            identifier("catalogue.table", &c.table)?;
            key_columns(&format!("catalogue {}", c.table), &c.key)?;
            if !meaning.insert(&c.table) {
                return Err(invalid(fl!("db-profile-table-twice", table = c.table.as_str())));
            }
        }
        for t in &self.local.tables {
            identifier("local.tables", t)?;
            if !meaning.insert(t) {
                return Err(invalid(fl!("db-profile-table-twice", table = t.as_str())));
            }
        }
        let mut columns = BTreeSet::new();
        for c in &self.local.columns {
            let c = ColumnRef::parse(c)?;
            if !columns.insert(c.clone()) {
                return Err(invalid(fl!("db-profile-column-twice", column = c.to_string())));
            }
        }
        for d in &self.documents {
            let col = ColumnRef::parse(&d.column)?;
            if !columns.insert(col.clone()) {
                return Err(invalid(fl!("db-profile-column-twice", column = col.to_string())));
            }
            if let Some(h) = &d.sha256 {
                let h = ColumnRef::parse(h)?;
                if h.table != col.table {
                    return Err(invalid(fl!("db-profile-hash-elsewhere", column = col.to_string())));
                }
            }
        }
        if let Consent::Table { table, client, kind_column, kind, given, revoked } = &self.consent {
            for (field, value) in [
                ("consent.table", table),
                ("consent.client", client),
                ("consent.kind_column", kind_column),
                ("consent.kind", kind),
                ("consent.given", given),
                ("consent.revoked", revoked),
            ] {
                identifier(field, value)?;
            }
        }
        // An untouched host schema has no room for triggers.
        if self.host_schema == HostSchema::Untouched && self.read_only.method == ReadOnlyMethod::Triggers {
            return Err(invalid(fl!("db-profile-triggers-untouched")));
        }
        Ok(())
    }

    /// The catalogue entry of `table`, if it is one.
    pub fn catalogue(&self, table: &str) -> Option<&Catalogue> {
        self.catalogues.iter().find(|c| c.table == table)
    }

    /// Whether `table` never travels.
    pub fn is_local_table(&self, table: &str) -> bool {
        self.local.tables.iter().any(|t| t == table)
    }

    /// Whether `table.column` never travels.
    pub fn is_local_column(&self, table: &str, column: &str) -> bool {
        self.local
            .columns
            .iter()
            .filter_map(|c| ColumnRef::parse(c).ok())
            .any(|c| c.table == table && c.column == column)
    }

    /// The document entry of `table.column`, if it is one.
    pub fn document(&self, table: &str, column: &str) -> Option<&Document> {
        self.documents
            .iter()
            .find(|d| ColumnRef::parse(&d.column).is_ok_and(|c| c.table == table && c.column == column))
    }
}

/// The parser's message without the source text it quotes: a profile
/// holds no personal data, but the message is shown on one line.
fn parse_detail(e: &toml::de::Error) -> String {
    let mut s = e.message().to_owned();
    if let Some(span) = e.span() {
        s = fl!("db-profile-parse-at", detail = s, offset = span.start.to_string());
    }
    s
}

fn identifier(field: &str, value: &str) -> Result<()> {
    if value.is_empty() || value.contains('\0') {
        return Err(invalid(fl!("db-profile-empty-name", field = field)));
    }
    Ok(())
}

fn key_columns(field: &str, key: &[String]) -> Result<()> {
    if key.is_empty() {
        return Err(invalid(fl!("db-profile-empty-key", field = field)));
    }
    let mut seen = BTreeSet::new();
    for k in key {
        identifier(field, k)?;
        if !seen.insert(k) {
            return Err(invalid(fl!("db-profile-key-repeats", field = field, column = k.as_str())));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_built_in_profile_parses_and_round_trips() {
        let p = Profile::reference();
        assert_eq!(p.name, "bemx-reference");
        assert_eq!(p.root.identity(), Identity::Uuid("uuid".into()));
        let again = Profile::from_toml(&p.to_toml().unwrap()).unwrap();
        assert_eq!(&again, p);
    }

    fn edited(from: &str, to: &str) -> Result<Profile> {
        let text = Profile::reference_text();
        assert!(text.contains(from), "{from}");
        Profile::from_toml(&text.replacen(from, to, 1))
    }

    #[track_caller]
    fn refused(from: &str, to: &str, words: &str) {
        let e = edited(from, to).unwrap_err();
        assert!(e.to_string().contains(words), "{e}");
    }

    #[test]
    fn every_structural_mistake_is_named() {
        refused("format = 1", "format = 2", "format 2");
        refused("format = 1", "format = \"one\"", "format \"one\"");
        refused("format = 1\n", "", "format");
        refused("name = \"bemx-reference\"", "name = \"a b\"", "name");
        refused("version = 1", "version = 0", "version");
        refused("uuid = \"uuid\"", "natural_key = []", "empty");
        refused("uuid = \"uuid\"", "uuid = \"uuid\"\nnatural_key = [\"bem_id\"]", "uuid or a natural_key");
        refused("uuid = \"uuid\"\n", "", "uuid or a natural_key");
        refused("key = [\"code\"]", "key = [\"code\", \"code\"]", "twice");
        refused("table = \"cat_measure\"", "table = \"cat_department\"", "cat_department");
        refused("tables = [\"meta\"", "tables = [\"clients\"", "clients");
        refused("columns = []", "columns = [\"clients\"]", "table.column");
        refused("sha256 = \"documents.sha256\"", "sha256 = \"clients.sha256\"", "same table");
        refused("host_schema = \"bemx\"", "host_schema = \"untouched\"", "triggers");
        refused("method = \"triggers\"", "method = \"trigger\"", "trigger");
        refused("[read_only]", "colour = 1\n[read_only]", "colour");
        refused("kind = \"handover\"", "kind = \"\"", "consent.kind");
    }

    #[test]
    fn a_profile_too_large_is_refused_unread() {
        let big = format!("{}\n#{}", Profile::reference_text(), "x".repeat(MAX_PROFILE_BYTES));
        assert!(Profile::from_toml(&big).unwrap_err().to_string().contains("KiB"));
    }

    #[test]
    fn consent_may_be_recorded_nowhere() {
        let start = Profile::reference_text().find("[consent]").unwrap();
        let end = Profile::reference_text().find("[read_only]").unwrap();
        let text = format!(
            "{}[consent]\nmethod = \"none\"\n\n{}",
            &Profile::reference_text()[..start],
            &Profile::reference_text()[end..]
        );
        assert_eq!(Profile::from_toml(&text).unwrap().consent, Consent::None);
    }
}
