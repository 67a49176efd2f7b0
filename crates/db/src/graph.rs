//! The foreign-key graph, read from the database itself.
//!
//! Nothing here names a table: which tables belong to a client, in what
//! order they are written, and what each column means are all derived from
//! `sqlite_master` and `PRAGMA foreign_key_list`, so a new table with a
//! foreign key towards `clients` travels without code changes.

use std::collections::{BTreeMap, BTreeSet};

use rusqlite::{Connection, OptionalExtension};

use rusqlite::types::Value;
use sha2::{Digest, Sha256};

use crate::error::{DbError, Result};
use crate::i18n::fl;
use crate::profile::{ColumnRef, Consent, Identity, Profile};

/// The root of every client-owned row.
pub const CLIENTS_TABLE: &str = "clients";

/// What a column means for export and merge.
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize)]
pub enum ColumnRole {
    /// The `INTEGER PRIMARY KEY`; travels as the source's local id.
    PrimaryKey,
    /// Foreign key to another client-owned table; travels as the source's
    /// local id of the referenced row.
    OwnedRef {
        /// Referenced table.
        table: String,
    },
    /// Foreign key to a catalogue; travels as the catalogue row's `code`.
    CatalogueRef {
        /// Referenced catalogue table.
        table: String,
    },
    /// A document; travels as its byte length, the bytes follow separately.
    Blob,
    /// Any other value, travels unchanged.
    Value,
}

impl ColumnRole {
    /// The role as a bundle's table header writes it (spec/FORMAT.md §7):
    /// `pk`, `ref:<table>`, `cat:<table>`, `blob` or `value`.
    pub fn wire_name(&self) -> String {
        match self {
            ColumnRole::PrimaryKey => "pk".into(),
            ColumnRole::OwnedRef { table } => format!("ref:{table}"),
            ColumnRole::CatalogueRef { table } => format!("cat:{table}"),
            ColumnRole::Blob => "blob".into(),
            ColumnRole::Value => "value".into(),
        }
    }
}

/// Whether a table is a catalogue or holds client data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
pub enum TableKind {
    /// `cat_*`: rows matched by code; only non-id columns travel.
    Catalogue,
    /// Reachable from `clients` by foreign keys.
    Owned,
}

/// One column of an exported table.
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize)]
pub struct ColumnSpec {
    /// Column name.
    pub name: String,
    /// Its meaning for export and merge.
    pub role: ColumnRole,
    /// Declared `NOT NULL` (or primary key).
    pub not_null: bool,
}

/// One exported table with its columns in declaration order.
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize)]
pub struct TableSpec {
    /// Table name.
    pub name: String,
    /// Catalogue or client-owned.
    pub kind: TableKind,
    /// Columns in the order of the row values.
    pub columns: Vec<ColumnSpec>,
}

impl TableSpec {
    /// Column names in row order.
    pub fn column_names(&self) -> Vec<&str> {
        self.columns.iter().map(|c| c.name.as_str()).collect()
    }

    /// Position of the primary key column, if the table has one in its row.
    pub fn primary_key(&self) -> Option<usize> {
        self.columns.iter().position(|c| c.role == ColumnRole::PrimaryKey)
    }

    /// The primary key column's name: every table the graph derives has
    /// one (a single `INTEGER PRIMARY KEY`), whatever the host calls it.
    pub fn key_name(&self) -> &str {
        self.primary_key().map_or("rowid", |i| self.columns[i].name.as_str())
    }
}

#[derive(Debug, Clone)]
pub(crate) struct RawColumn {
    pub(crate) name: String,
    pub(crate) decl_type: String,
    pub(crate) not_null: bool,
    pub(crate) has_default: bool,
    pub(crate) pk: i64,
}

#[derive(Debug, Clone)]
pub(crate) struct RawFk {
    pub(crate) from: String,
    pub(crate) table: String,
    pub(crate) to: Option<String>,
}

/// One table as `sqlite_master` and the pragmas describe it.
#[derive(Debug, Clone)]
pub(crate) struct RawTable {
    pub(crate) columns: Vec<RawColumn>,
    pub(crate) fks: Vec<RawFk>,
    /// Whether an `INTEGER PRIMARY KEY` of the table is its row id: not in
    /// a `WITHOUT ROWID` table, nor declared `DESC` (SQLite's quirk), both
    /// of which keep the key in an index of its own.
    pub(crate) key_is_rowid: bool,
}

impl RawTable {
    pub(crate) fn column(&self, name: &str) -> Option<&RawColumn> {
        self.columns.iter().find(|c| c.name == name)
    }

    /// The single `INTEGER PRIMARY KEY` column, declared so or not yet
    /// known to be the row id.
    fn single_integer_key(&self) -> Option<&RawColumn> {
        let mut pk = self.columns.iter().filter(|c| c.pk > 0);
        match (pk.next(), pk.next()) {
            (Some(c), None) if c.decl_type.eq_ignore_ascii_case("INTEGER") => Some(c),
            _ => None,
        }
    }

    /// The single `INTEGER PRIMARY KEY` column that is the row id: the one
    /// key the remap can give a new value on the receiving side (a row
    /// inserted without it gets the next row id, which the merge reads).
    pub(crate) fn integer_key(&self) -> Option<&RawColumn> {
        self.single_integer_key().filter(|_| self.key_is_rowid)
    }
}

/// Every table of the database but SQLite's own, with columns and foreign keys.
pub(crate) fn read_schema(conn: &Connection) -> Result<BTreeMap<String, RawTable>> {
    let mut names = conn.prepare(
        "SELECT name FROM sqlite_master WHERE type = 'table'
           AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name",
    )?;
    let names = names.query_map([], |r| r.get(0))?.collect::<rusqlite::Result<Vec<String>>>()?;
    let mut cols = conn.prepare(
        "SELECT name, type, \"notnull\", dflt_value IS NOT NULL, pk FROM pragma_table_info(?1) ORDER BY cid",
    )?;
    let mut fks = conn.prepare("SELECT \"from\", \"table\", \"to\" FROM pragma_foreign_key_list(?1)")?;
    let mut out = BTreeMap::new();
    for n in names {
        let columns = cols
            .query_map([&n], |r| {
                Ok(RawColumn {
                    name: r.get(0)?,
                    decl_type: r.get(1)?,
                    not_null: r.get::<_, i64>(2)? != 0,
                    has_default: r.get(3)?,
                    pk: r.get(4)?,
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        let fks = fks
            .query_map([&n], |r| Ok(RawFk { from: r.get(0)?, table: r.get(1)?, to: r.get(2)? }))?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        // A key that is not the row id lives in an index SQLite made for
        // the primary key; a row-id key has none.
        let key_is_rowid: bool = conn.query_row(
            "SELECT NOT EXISTS (SELECT 1 FROM pragma_index_list(?1) WHERE origin = 'pk')
                AND NOT EXISTS (SELECT 1 FROM pragma_table_list WHERE schema = 'main' AND name = ?1 AND wr)",
            [&n],
            |r| r.get(0),
        )?;
        out.insert(n, RawTable { columns, fks, key_is_rowid });
    }
    // A foreign key names its table as written in REFERENCES; SQLite's
    // names are case-insensitive, the graph's are the tables' own.
    let names: Vec<String> = out.keys().cloned().collect();
    for t in out.values_mut() {
        for fk in &mut t.fks {
            if let Some(n) = names.iter().find(|n| n.eq_ignore_ascii_case(&fk.table)) {
                fk.table = n.clone();
            }
        }
    }
    Ok(out)
}

/// A catalogue that travels: its table and the natural key that matches
/// its rows on the receiving side.
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize)]
pub struct CatalogueSpec {
    /// The table, its travelling columns and their roles.
    pub spec: TableSpec,
    /// The natural key's columns, in the profile's order.
    pub key: Vec<String>,
    /// Whether a unique index enforces the key (if not, a duplicate added
    /// later makes exports stop until it is removed).
    pub key_enforced: bool,
    /// Whether rows the receiving side lacks are added; if not, only the
    /// key travels and a missing row refuses the import.
    pub add_missing: bool,
}

/// What a profile derives from a database: everything that travels, how
/// it is matched and in what order (spec/DESIGN.md, "Host database profiles").
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Graph {
    /// The profile's name.
    pub profile: String,
    /// The profile's version.
    pub profile_version: u32,
    /// The client table.
    pub root: String,
    /// How a client is recognised on another PC.
    pub identity: Identity,
    /// Whether a unique index enforces the identity.
    pub identity_enforced: bool,
    /// The column shown to the user.
    pub display: String,
    /// Whether read-only triggers in the database guard handed-over
    /// clients (the profile's `read_only.method`); a purge then lifts them.
    pub read_only_triggers: bool,
    /// Whether a unique index covers it: then a client whose name is taken
    /// on the receiving side is stored under a numbered one.
    pub display_unique: bool,
    /// Catalogues that travel, each after the catalogues it references,
    /// ties by name.
    pub catalogues: Vec<CatalogueSpec>,
    /// Client-owned tables, the root first, parents before children, ties by name.
    pub owned: Vec<TableSpec>,
    /// Document columns and their hash column (`table`, `column`, `sha256`).
    pub documents: Vec<(String, String, Option<String>)>,
    /// Columns of travelling tables that stay here (`table.column`).
    pub local_columns: Vec<String>,
}

impl Graph {
    /// The client table's primary key column.
    pub fn root_key(&self) -> &str {
        self.owned.first().map_or("rowid", TableSpec::key_name)
    }

    /// Everything that travels, in stream order: catalogues, then
    /// client-owned tables.
    pub fn stream_tables(&self) -> Vec<TableSpec> {
        self.catalogues.iter().map(|c| c.spec.clone()).chain(self.owned.iter().cloned()).collect()
    }

    /// SHA-256 of what travels and how it is matched: the tables in stream
    /// order with their columns and roles, the catalogue keys, the client
    /// identity and the document hash columns. Two installations whose
    /// hashes agree read each other's bundles the same way. The profile's
    /// name and version are not part of it (a manifest records them
    /// beside it), nor is anything that stays on this PC.
    pub fn hash(&self) -> [u8; 32] {
        let mut h = Sha256::new();
        let mut field = |s: &str| {
            h.update((s.len() as u64).to_be_bytes());
            h.update(s.as_bytes());
        };
        field("bemx graph 1");
        field(&self.root);
        match &self.identity {
            Identity::Uuid(c) => {
                field("uuid");
                field(c);
            }
            Identity::NaturalKey(k) => {
                field("natural");
                field(&k.len().to_string());
                k.iter().for_each(|c| field(c));
            }
        }
        for (kind, spec, key) in self
            .catalogues
            .iter()
            .map(|c| (if c.add_missing { "catalogue" } else { "catalogue matched only" }, &c.spec, c.key.as_slice()))
            .chain(self.owned.iter().map(|t| ("owned", t, &[][..])))
        {
            field(kind);
            field(&spec.name);
            field(&spec.columns.len().to_string());
            for c in &spec.columns {
                field(&c.name);
                field(&c.role.wire_name());
                field(if c.not_null { "not null" } else { "null" });
            }
            field(&key.len().to_string());
            key.iter().for_each(|c| field(c));
        }
        for (t, c, sha) in &self.documents {
            field(t);
            field(c);
            field(sha.as_deref().unwrap_or(""));
        }
        h.finalize().into()
    }
}

/// The id a client of a host without UUIDs travels under: a UUID (version
/// 8) made from the SHA-256 of its root table's name and its natural key's
/// values, so sender and receiver compute the same id from the same row.
///
/// It names no one by itself, but it is a hash of the key: whoever holds
/// a list of candidate keys (e-mail addresses) can test them. bemx keeps
/// such ids only where it keeps UUIDs: in signed bundles and receipts and
/// in its own private files (spec/DESIGN.md, threat model).
pub fn derived_client_id(root: &str, key: &[Value]) -> String {
    let mut h = Sha256::new();
    let mut field = |tag: u8, bytes: &[u8]| {
        h.update([tag]);
        h.update((bytes.len() as u64).to_be_bytes());
        h.update(bytes);
    };
    field(b'R', b"bemx client id 1");
    field(b'T', root.as_bytes());
    for v in key {
        match v {
            Value::Null => field(b'N', &[]),
            Value::Integer(i) => field(b'I', &i.to_be_bytes()),
            Value::Real(r) => field(b'F', &r.to_bits().to_be_bytes()),
            Value::Text(t) => field(b'S', t.as_bytes()),
            Value::Blob(b) => field(b'B', b),
        }
    }
    let digest: [u8; 32] = h.finalize().into();
    let mut b = [0u8; 16];
    b.copy_from_slice(&digest[..16]);
    // RFC 9562: version 8 (custom), variant 10.
    b[6] = (b[6] & 0x0f) | 0x80;
    b[8] = (b[8] & 0x3f) | 0x80;
    uuid::Uuid::from_bytes(b).hyphenated().to_string()
}

/// A profile checked against a database: the derived graph if nothing was
/// refused, every refusal, and what deserves a look without being wrong.
#[derive(Debug)]
pub struct ProfileCheck {
    /// The graph, when `problems` is empty.
    pub graph: Option<Graph>,
    /// Every refusal, in the order found: each names its table.
    pub problems: Vec<DbError>,
    /// Notes for the reviewer.
    pub warnings: Vec<Warning>,
}

/// Something `profile check` shows without refusing.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Warning {
    /// Table concerned.
    pub table: String,
    /// What to look at.
    pub message: String,
}

/// Derives the graph the profile describes, refusing with the first
/// problem [`check_profile`] would list.
///
/// Unlike [`check_profile`] it reads the data only where the schema does
/// not enforce a key itself, so deriving the reference graph costs a few
/// pragmas whatever the number of clients.
pub fn derive(conn: &Connection, profile: &Profile) -> Result<Graph> {
    let mut check = examine(conn, profile, false)?;
    match check.graph.take() {
        Some(g) if check.problems.is_empty() => Ok(g),
        _ => Err(check.problems.into_iter().next().unwrap_or_else(|| DbError::ProfileMismatch {
            table: profile.root.table.clone(),
            detail: fl!("db-detail-table-missing"),
        })),
    }
}

/// The graph of bemx's reference schema, derived through the built-in
/// profile like any other.
pub fn reference_graph(conn: &Connection) -> Result<Graph> {
    derive(conn, Profile::reference())
}

/// Meta key under which `init --profile` records a host database's profile.
pub const PROFILE_KEY: &str = "profile";

/// The profile an installation's database was set up with: the one
/// recorded in its `meta` table by `bemx init --db PATH --profile FILE`,
/// or `None` for bemx's own schema (the built-in profile). The database
/// describes itself, so every connection derives the same graph.
pub fn installation_profile(conn: &Connection) -> Result<Option<Profile>> {
    let has_meta: bool = conn.query_row(
        // In `main`, or in the records file of a host that stays untouched.
        "SELECT EXISTS (SELECT 1 FROM pragma_table_list WHERE type = 'table' AND name = 'meta' AND schema != 'temp')",
        [],
        |r| r.get(0),
    )?;
    if !has_meta {
        return Ok(None);
    }
    let text: Option<String> =
        conn.query_row("SELECT value FROM meta WHERE key = ?1", [PROFILE_KEY], |r| r.get(0)).optional()?;
    text.map(|t| Profile::from_toml(&t)).transpose()
}

/// The graph of the installation's database, through its recorded profile
/// ([`installation_profile`]) or the built-in one. What export, import,
/// purge and the checks work on.
pub fn installation_graph(conn: &Connection) -> Result<Graph> {
    match installation_profile(conn)? {
        Some(p) => derive(conn, &p),
        None => reference_graph(conn),
    }
}

/// Checks a profile against a database and derives its graph: every table
/// and column it names exists, the client identity and every catalogue key
/// are unique and never empty, every reference of a travelling table leads
/// to client data or a catalogue, keys can be remapped, and the owned
/// tables and the catalogues can each be ordered. An `Err` is a database
/// that could not be read; what is wrong with the profile is in `problems`.
pub fn check_profile(conn: &Connection, profile: &Profile) -> Result<ProfileCheck> {
    examine(conn, profile, true)
}

fn examine(conn: &Connection, profile: &Profile, thorough: bool) -> Result<ProfileCheck> {
    let schema = read_schema(conn)?;
    let mut d = Deriver { schema: &schema, profile, thorough, problems: Vec::new(), warnings: Vec::new() };
    d.names_exist();
    if !d.problems.is_empty() {
        return Ok(ProfileCheck { graph: None, problems: d.problems, warnings: d.warnings });
    }
    let owned = d.owned_tables();
    let catalogues = d.catalogue_tables(conn, &owned)?;
    let identity_enforced = d.root_identity(conn)?;
    for t in schema.keys() {
        if !owned.iter().any(|o| &o.name == t) && profile.catalogue(t).is_none() && !profile.is_local_table(t) {
            d.warn(t, fl!("db-warning-table-stays"));
        }
    }
    d.consent_table(&owned);
    d.root_columns(&owned);
    let root = &profile.root;
    let graph = Graph {
        profile: profile.name.clone(),
        profile_version: profile.version,
        root: root.table.clone(),
        identity: root.identity(),
        identity_enforced,
        display: root.display.clone(),
        read_only_triggers: profile.read_only.method == crate::profile::ReadOnlyMethod::Triggers,
        display_unique: unique_index(conn, &root.table, std::slice::from_ref(&root.display))?,
        catalogues,
        documents: profile
            .documents
            .iter()
            .filter_map(|doc| {
                let c = ColumnRef::parse(&doc.column).ok()?;
                let sha = doc.sha256.as_deref().and_then(|h| ColumnRef::parse(h).ok()).map(|h| h.column);
                Some((c.table, c.column, sha))
            })
            .collect(),
        local_columns: profile
            .local
            .columns
            .iter()
            .filter(|c| {
                ColumnRef::parse(c)
                    .is_ok_and(|c| owned.iter().any(|t| t.name == c.table) || profile.catalogue(&c.table).is_some())
            })
            .cloned()
            .collect(),
        owned,
    };
    let problems = d.problems;
    Ok(ProfileCheck { graph: problems.is_empty().then_some(graph), problems, warnings: d.warnings })
}

struct Deriver<'a> {
    schema: &'a BTreeMap<String, RawTable>,
    profile: &'a Profile,
    /// Read the data even where the schema enforces a key (`profile check`).
    thorough: bool,
    problems: Vec<DbError>,
    warnings: Vec<Warning>,
}

impl Deriver<'_> {
    fn mismatch(&mut self, table: &str, detail: String) {
        self.problems.push(DbError::ProfileMismatch { table: table.to_owned(), detail });
    }

    fn unsupported(&mut self, table: &str, detail: String) {
        self.problems.push(DbError::UnsupportedSchema { table: table.to_owned(), detail });
    }

    fn warn(&mut self, table: &str, message: String) {
        self.warnings.push(Warning { table: table.to_owned(), message });
    }

    /// Every table and column the profile names exists.
    fn names_exist(&mut self) {
        let p = self.profile;
        let mut wanted: Vec<(String, Option<String>)> = Vec::new();
        let root = &p.root;
        wanted.push((root.table.clone(), Some(root.display.clone())));
        match root.identity() {
            Identity::Uuid(c) => wanted.push((root.table.clone(), Some(c))),
            Identity::NaturalKey(k) => wanted.extend(k.into_iter().map(|c| (root.table.clone(), Some(c)))),
        }
        for c in &p.catalogues {
            wanted.push((c.table.clone(), None));
            wanted.extend(c.key.iter().map(|k| (c.table.clone(), Some(k.clone()))));
        }
        wanted.extend(p.local.tables.iter().map(|t| (t.clone(), None)));
        let columns = p
            .local
            .columns
            .iter()
            .chain(p.documents.iter().flat_map(|d| std::iter::once(&d.column).chain(d.sha256.as_ref())));
        wanted.extend(columns.filter_map(|c| ColumnRef::parse(c).ok()).map(|c| (c.table, Some(c.column))));
        if let Consent::Table { table, client, kind_column, given, revoked, .. } = &p.consent {
            for c in [client, kind_column, given, revoked] {
                wanted.push((table.clone(), Some(c.clone())));
            }
        }
        let mut reported = BTreeSet::new();
        for (table, column) in wanted {
            let (missing, detail) = match (self.schema.get(&table), column) {
                (None, _) => (table.clone(), fl!("db-detail-table-missing")),
                (Some(t), Some(c)) if t.column(&c).is_none() => {
                    (format!("{table}.{c}"), fl!("db-detail-column-missing", column = c.as_str()))
                }
                _ => continue,
            };
            if reported.insert(missing) {
                self.mismatch(&table, detail);
            }
        }
    }

    /// Whether a foreign key of `table` is followed: not when its column stays here.
    fn follows(&self, table: &str, fk: &RawFk) -> bool {
        !self.profile.is_local_column(table, &fk.from)
    }

    /// The client-owned tables in order, with their column roles.
    fn owned_tables(&mut self) -> Vec<TableSpec> {
        let p = self.profile;
        let root = p.root.table.clone();
        // Fixed point: a table is owned once one of its foreign keys
        // reaches an owned table; iterating until nothing changes covers
        // chains of any length.
        let mut owned: BTreeSet<String> = BTreeSet::from([root.clone()]);
        loop {
            let before = owned.len();
            for (t, raw) in self.schema {
                if owned.contains(t) || p.is_local_table(t) || p.catalogue(t).is_some() {
                    continue;
                }
                if raw.fks.iter().any(|fk| owned.contains(&fk.table) && self.follows(t, fk)) {
                    owned.insert(t.clone());
                }
            }
            if owned.len() == before {
                break;
            }
        }
        let mut specs: BTreeMap<String, TableSpec> = BTreeMap::new();
        let mut parents: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        for t in &owned {
            let Some(raw) = self.schema.get(t) else { continue };
            let mut deps = BTreeSet::new();
            if let Some(columns) = self.travelling_columns(t, raw, &owned, TableKind::Owned, &mut deps) {
                parents.insert(t.clone(), deps);
                specs.insert(t.clone(), TableSpec { name: t.clone(), kind: TableKind::Owned, columns });
            }
        }
        for doc in &p.documents {
            if let Ok(c) = ColumnRef::parse(&doc.column)
                && !owned.contains(&c.table)
            {
                self.mismatch(&c.table, fl!("db-detail-document-not-client-data", column = c.column.as_str()));
            }
        }
        let (order, stuck) = topological(specs, parents);
        if let Some(t) = stuck.first() {
            self.unsupported(t, fl!("db-detail-cycle-among", tables = stuck.join(", ")));
        }
        order
    }

    /// The columns of a travelling table with their roles; `None` (and a
    /// problem) where the table cannot travel. Adds the tables of the same
    /// kind it references to `deps`.
    fn travelling_columns(
        &mut self,
        t: &str,
        raw: &RawTable,
        owned: &BTreeSet<String>,
        kind: TableKind,
        deps: &mut BTreeSet<String>,
    ) -> Option<Vec<ColumnSpec>> {
        let p = self.profile;
        if raw.integer_key().is_none() {
            let detail = match raw.single_integer_key() {
                Some(key) => fl!("db-detail-key-not-rowid", column = key.name.as_str()),
                None => fl!("db-detail-single-integer-key"),
            };
            self.unsupported(t, detail);
            return None;
        }
        // A bundle names tables and columns by identifiers only (spec/FORMAT.md §3).
        if !bemx_format::manifest::is_identifier(t) {
            self.unsupported(t, fl!("db-detail-name-cannot-travel", name = t));
            return None;
        }
        let mut columns = Vec::new();
        let mut ok = true;
        // A catalogue matched only carries its key: nothing else of it is
        // ever stored on the receiving side.
        let match_only = p.catalogue(t).filter(|c| kind == TableKind::Catalogue && !c.add_missing);
        for c in &raw.columns {
            if let Some(cat) = match_only
                && c.pk == 0
                && !cat.key.contains(&c.name)
            {
                continue;
            }
            if p.is_local_column(t, &c.name) {
                if c.pk > 0 {
                    self.mismatch(t, fl!("db-detail-primary-key-local", column = c.name.as_str()));
                    ok = false;
                } else if c.not_null && !c.has_default {
                    self.mismatch(t, fl!("db-detail-local-not-null", column = c.name.as_str()));
                    ok = false;
                }
                continue;
            }
            if !bemx_format::manifest::is_identifier(&c.name) {
                self.unsupported(t, fl!("db-detail-name-cannot-travel", name = c.name.as_str()));
                ok = false;
                continue;
            }
            let fk = raw.fks.iter().find(|fk| fk.from == c.name);
            let role = if c.pk > 0 {
                // A key that is also a reference makes a table that extends
                // another row for row: it has no reference column to follow,
                // and the walk would take it for a second table of clients,
                // choosing its rows by the clients' ids (another client's);
                // the root's or an added catalogue row's key gets a new value
                // on the receiving side, which would point it elsewhere. A
                // catalogue matched only is found by its natural key and
                // never stored: its key may reference what it likes.
                if let Some(fk) = fk
                    && match_only.is_none()
                {
                    self.unsupported(
                        t,
                        fl!("db-detail-key-is-reference", column = c.name.as_str(), target = fk.table.as_str()),
                    );
                    ok = false;
                    continue;
                }
                // For a catalogue too: the sender's key names the row that
                // other rows of the bundle reference; the receiver matches
                // the row by its natural key and maps the sender's key to
                // its own.
                ColumnRole::PrimaryKey
            } else if let Some(fk) = fk {
                let target_key = self.schema.get(&fk.table).and_then(RawTable::integer_key).map(|k| k.name.as_str());
                if fk.to.is_some() && fk.to.as_deref() != target_key {
                    self.unsupported(
                        t,
                        fl!("db-detail-foreign-key-not-key", column = c.name.as_str(), target = fk.table.as_str()),
                    );
                    ok = false;
                    continue;
                }
                if fk.table == t {
                    self.unsupported(t, fl!("db-detail-self-reference-column", column = c.name.as_str()));
                    ok = false;
                    continue;
                }
                if kind == TableKind::Owned && owned.contains(&fk.table) {
                    deps.insert(fk.table.clone());
                    ColumnRole::OwnedRef { table: fk.table.clone() }
                } else if p.catalogue(&fk.table).is_some() {
                    if kind == TableKind::Catalogue {
                        deps.insert(fk.table.clone());
                    }
                    ColumnRole::CatalogueRef { table: fk.table.clone() }
                } else if kind == TableKind::Catalogue && owned.contains(&fk.table) {
                    self.mismatch(
                        t,
                        fl!(
                            "db-detail-catalogue-references-client",
                            column = c.name.as_str(),
                            target = fk.table.as_str()
                        ),
                    );
                    ok = false;
                    continue;
                } else {
                    self.unsupported(
                        t,
                        fl!("db-detail-reference-neither", column = c.name.as_str(), target = fk.table.as_str()),
                    );
                    ok = false;
                    continue;
                }
            } else if p.document(t, &c.name).is_some() {
                if kind == TableKind::Catalogue {
                    self.mismatch(t, fl!("db-detail-document-not-client-data", column = c.name.as_str()));
                    ok = false;
                    continue;
                }
                ColumnRole::Blob
            } else {
                if c.decl_type.eq_ignore_ascii_case("BLOB") {
                    self.warn(t, fl!("db-warning-blob-in-row", column = c.name.as_str()));
                }
                ColumnRole::Value
            };
            columns.push(ColumnSpec { name: c.name.clone(), role, not_null: c.not_null || c.pk > 0 });
        }
        ok.then_some(columns)
    }

    /// The catalogues the owned tables reach, directly or through other
    /// catalogues, each after those it references; their keys checked
    /// against the data.
    fn catalogue_tables(&mut self, conn: &Connection, owned: &[TableSpec]) -> Result<Vec<CatalogueSpec>> {
        let owned_names: BTreeSet<String> = owned.iter().map(|t| t.name.clone()).collect();
        // Only what client data reaches travels, but every catalogue the
        // profile declares is checked: a wrong key is wrong before the
        // first client that uses it.
        let mut reached: BTreeSet<String> = BTreeSet::new();
        let mut todo: Vec<String> = owned.iter().flat_map(|t| t.columns.iter()).filter_map(cat_target).collect();
        while let Some(name) = todo.pop() {
            if reached.insert(name.clone())
                && let Some(raw) = self.schema.get(&name)
            {
                todo.extend(raw.fks.iter().filter(|fk| self.follows(&name, fk)).map(|fk| fk.table.clone()));
            }
        }
        reached.retain(|t| self.profile.catalogue(t).is_some());
        let mut todo: Vec<String> = self.profile.catalogues.iter().map(|c| c.table.clone()).collect();
        let mut specs: BTreeMap<String, TableSpec> = BTreeMap::new();
        let mut parents: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        let mut seen = BTreeSet::new();
        while let Some(name) = todo.pop() {
            if !seen.insert(name.clone()) {
                continue;
            }
            let Some(raw) = self.schema.get(&name) else { continue };
            let mut deps = BTreeSet::new();
            let Some(columns) = self.travelling_columns(&name, raw, &owned_names, TableKind::Catalogue, &mut deps)
            else {
                continue;
            };
            todo.extend(columns.iter().filter_map(cat_target));
            parents.insert(name.clone(), deps);
            specs.insert(name.clone(), TableSpec { name, kind: TableKind::Catalogue, columns });
        }
        let (order, stuck) = topological(specs, parents);
        if let Some(t) = stuck.first() {
            self.unsupported(t, fl!("db-detail-cycle-among", tables = stuck.join(", ")));
        }
        let mut out = Vec::with_capacity(order.len());
        for spec in order {
            let Some(cat) = self.profile.catalogue(&spec.name) else { continue };
            let key = cat.key.clone();
            if !reached.contains(&spec.name) {
                self.warn(&spec.name, fl!("db-warning-catalogue-unused"));
            }
            for k in &key {
                match spec.columns.iter().find(|c| &c.name == k) {
                    None => self.mismatch(&spec.name, fl!("db-detail-key-column-local", column = k.as_str())),
                    Some(c) if c.role == ColumnRole::PrimaryKey && cat.add_missing => {
                        self.mismatch(&spec.name, fl!("db-detail-key-is-local-id", column = k.as_str()));
                    }
                    Some(_) => {}
                }
            }
            let add_missing = cat.add_missing;
            let (wrong, key_enforced) = self.unique(conn, &spec.name, &key)?;
            for detail in wrong {
                self.mismatch(&spec.name, fl!("db-detail-catalogue-key", detail = detail));
            }
            if !key_enforced {
                self.warn(&spec.name, fl!("db-warning-key-not-enforced", key = key.join(", ")));
            }
            if reached.contains(&spec.name) {
                out.push(CatalogueSpec { spec, key, key_enforced, add_missing });
            }
        }
        Ok(out)
    }

    /// Checks that `key` identifies every row of `table`: no row lacks a
    /// value, no value occurs twice. Where a unique index and `NOT NULL`
    /// enforce both, the data is only read by a thorough check. Returns
    /// what is wrong and whether the schema enforces the key.
    fn unique(&self, conn: &Connection, table: &str, key: &[String]) -> Result<(Vec<String>, bool)> {
        let enforced = self.enforced_by_schema(conn, table, key)?;
        let mut wrong = Vec::new();
        if enforced && !self.thorough {
            return Ok((wrong, true));
        }
        let cols: Vec<String> = key.iter().map(|k| q(k)).collect();
        let any_null = cols.iter().map(|c| format!("{c} IS NULL")).collect::<Vec<_>>().join(" OR ");
        let empty: i64 =
            conn.query_row(&format!("SELECT count(*) FROM {} WHERE {any_null}", q(table)), [], |r| r.get(0))?;
        let twice: i64 = conn.query_row(
            &format!(
                "SELECT count(*) FROM (SELECT 1 FROM {} WHERE NOT ({any_null}) GROUP BY {} HAVING count(*) > 1)",
                q(table),
                cols.join(", ")
            ),
            [],
            |r| r.get(0),
        )?;
        let key_text = key.join(", ");
        if empty > 0 {
            wrong.push(fl!("db-detail-key-empty", key = key_text.as_str(), rows = empty));
        }
        if twice > 0 {
            wrong.push(fl!("db-detail-key-repeats", key = key_text.as_str(), values = twice));
        }
        Ok((wrong, enforced))
    }

    /// Whether a unique index and `NOT NULL` make `key` identify every row.
    fn enforced_by_schema(&self, conn: &Connection, table: &str, key: &[String]) -> Result<bool> {
        let not_null = self
            .schema
            .get(table)
            .is_some_and(|t| key.iter().all(|k| t.column(k).is_some_and(|c| c.not_null || c.pk > 0)));
        Ok(not_null && unique_index(conn, table, key)?)
    }

    /// Checks the client identity against the data; returns whether a
    /// unique index enforces it.
    fn root_identity(&mut self, conn: &Connection) -> Result<bool> {
        let root = &self.profile.root;
        let scan =
            self.thorough || !self.enforced_by_schema(conn, &root.table, &[root.uuid.clone().unwrap_or_default()])?;
        let key = match root.identity() {
            Identity::Uuid(c) if scan => {
                let mut stmt = conn.prepare(&format!("SELECT {} FROM {}", q(&c), q(&root.table)))?;
                let mut rows = stmt.query([])?;
                let mut bad = 0u64;
                while let Some(r) = rows.next()? {
                    let v: Value = r.get(0)?;
                    // Hyphenated, in either case: the form ids are compared in.
                    let canonical = |s: &str| {
                        uuid::Uuid::parse_str(s).is_ok_and(|u| u.hyphenated().to_string().eq_ignore_ascii_case(s))
                    };
                    if !matches!(&v, Value::Text(s) if canonical(s)) && v != Value::Null {
                        bad += 1;
                    }
                }
                if bad > 0 {
                    self.mismatch(&root.table, fl!("db-detail-not-uuids", column = c.as_str(), rows = bad));
                }
                vec![c]
            }
            Identity::Uuid(c) => vec![c],
            Identity::NaturalKey(k) => k,
        };
        let (wrong, enforced) = self.unique(conn, &root.table, &key)?;
        for detail in wrong {
            self.mismatch(&root.table, fl!("db-detail-root-identity", detail = detail));
        }
        if !enforced {
            self.warn(&root.table, fl!("db-warning-key-not-enforced", key = key.join(", ")));
        }
        Ok(enforced)
    }

    /// The columns that name a client (identity, display) travel as plain
    /// values: not the local key, not a reference (whose value the receiver
    /// replaces), not a document, not kept local.
    fn root_columns(&mut self, owned: &[TableSpec]) {
        let root = &self.profile.root;
        let Some(spec) = owned.first().filter(|t| t.name == root.table) else { return };
        let named: Vec<&String> = match &root.natural_key {
            Some(k) => k.iter().chain(std::iter::once(&root.display)).collect(),
            None => root.uuid.iter().chain(std::iter::once(&root.display)).collect(),
        };
        for c in named {
            if !spec.columns.iter().any(|s| &s.name == c && s.role == ColumnRole::Value) {
                self.mismatch(&root.table, fl!("db-detail-root-column-plain", column = c.as_str()));
            }
        }
    }

    /// The consent table is client data, and its client column points at
    /// the root.
    fn consent_table(&mut self, owned: &[TableSpec]) {
        let Consent::Table { table, client, .. } = &self.profile.consent else { return };
        let root = &self.profile.root.table;
        let points_at_root = owned.iter().find(|t| &t.name == table).is_some_and(|t| {
            t.columns.iter().any(|c| &c.name == client && c.role == ColumnRole::OwnedRef { table: root.clone() })
        });
        if !points_at_root {
            self.mismatch(table, fl!("db-detail-consent-not-client", column = client.as_str(), root = root.as_str()));
        }
    }
}

fn cat_target(c: &ColumnSpec) -> Option<String> {
    match &c.role {
        ColumnRole::CatalogueRef { table } => Some(table.clone()),
        _ => None,
    }
}

/// Kahn's algorithm; the BTreeSet makes the tie-break "smallest name".
/// Returns the ordered tables and, if the references form a cycle, the
/// tables left in it.
fn topological(
    mut specs: BTreeMap<String, TableSpec>,
    mut parents: BTreeMap<String, BTreeSet<String>>,
) -> (Vec<TableSpec>, Vec<String>) {
    // A reference to a table refused elsewhere is that table's problem,
    // not a cycle.
    for deps in parents.values_mut() {
        deps.retain(|d| specs.contains_key(d));
    }
    let mut order = Vec::with_capacity(specs.len());
    let mut ready: BTreeSet<String> = parents.iter().filter(|(_, d)| d.is_empty()).map(|(t, _)| t.clone()).collect();
    while let Some(t) = ready.pop_first() {
        parents.remove(&t);
        for (child, deps) in parents.iter_mut() {
            if deps.remove(&t) && deps.is_empty() {
                ready.insert(child.clone());
            }
        }
        if let Some(spec) = specs.remove(&t) {
            order.push(spec);
        }
    }
    (order, parents.into_keys().collect())
}

/// Whether a unique index (or UNIQUE / PRIMARY KEY constraint) covers
/// exactly the columns of `key`.
fn unique_index(conn: &Connection, table: &str, key: &[String]) -> Result<bool> {
    let want: BTreeSet<&str> = key.iter().map(String::as_str).collect();
    if unique_indexes(conn, table)?.iter().any(|cols| cols.iter().map(String::as_str).collect::<BTreeSet<_>>() == want)
    {
        return Ok(true);
    }
    // An INTEGER PRIMARY KEY is the rowid and has no index of its own.
    let pk: Vec<String> = conn
        .prepare("SELECT name FROM pragma_table_info(?1) WHERE pk > 0")?
        .query_map([table], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(pk.len() == 1 && want.len() == 1 && want.contains(pk[0].as_str()))
}

/// The columns of each unique index (or UNIQUE / PRIMARY KEY constraint)
/// of `table` that covers the whole table and only columns (no
/// expression), in index order.
pub(crate) fn unique_indexes(conn: &Connection, table: &str) -> Result<Vec<Vec<String>>> {
    let mut list = conn.prepare("SELECT name FROM pragma_index_list(?1) WHERE \"unique\" = 1 AND partial = 0")?;
    let indexes = list.query_map([table], |r| r.get(0))?.collect::<rusqlite::Result<Vec<String>>>()?;
    let mut info = conn.prepare("SELECT name FROM pragma_index_info(?1)")?;
    let mut out = Vec::new();
    for index in indexes {
        let cols =
            info.query_map([&index], |r| r.get::<_, Option<String>>(0))?.collect::<rusqlite::Result<Vec<_>>>()?;
        if let Some(cols) = cols.into_iter().collect::<Option<Vec<String>>>() {
            out.push(cols);
        }
    }
    Ok(out)
}

/// The client-owned tables of bemx's reference schema, parents before
/// children (ties broken by name), with column roles. The root comes first.
pub fn export_tables(conn: &Connection) -> Result<Vec<TableSpec>> {
    Ok(installation_graph(conn)?.owned)
}

/// The catalogue tables of the reference schema that its client data
/// reaches, in dependency order. Their columns exclude the local key.
pub fn catalogue_tables(conn: &Connection) -> Result<Vec<TableSpec>> {
    Ok(installation_graph(conn)?.catalogues.into_iter().map(|c| c.spec).collect())
}

/// Everything that travels, in stream order: catalogues, then
/// client-owned tables (topological).
pub fn stream_tables(conn: &Connection) -> Result<Vec<TableSpec>> {
    Ok(installation_graph(conn)?.stream_tables())
}

/// Quotes an identifier for SQL (`"name"`, inner quotes doubled); the
/// other crates call it [`crate::quote_identifier`].
pub fn q(ident: &str) -> String {
    format!("\"{}\"", ident.replace('"', "\"\""))
}

/// SQL for the client id that `row` (`OLD` or `NEW`) of `table` belongs
/// to, following the first owned reference towards `clients` (nested
/// scalar subqueries for deeper tables). `None` for a table that does not
/// reach `clients`.
pub(crate) fn client_id_expr(specs: &[TableSpec], table: &str, row: &str, depth: usize) -> Option<String> {
    let spec = specs.iter().find(|t| t.name == table)?;
    for col in &spec.columns {
        let ColumnRole::OwnedRef { table: parent } = &col.role else { continue };
        if parent == CLIENTS_TABLE {
            return Some(format!("{row}.{}", q(&col.name)));
        }
        if depth > 16 {
            return None;
        }
        let alias = format!("p{depth}");
        if let Some(inner) = client_id_expr(specs, parent, &alias, depth + 1) {
            return Some(format!(
                "(SELECT {inner} FROM {} {alias} WHERE {alias}.id = {row}.{})",
                q(parent),
                q(&col.name)
            ));
        }
    }
    None
}

/// Triggers that make every record of a handed-over client read-only, for
/// each client-owned table the graph knows (the `clients` row itself has
/// hand-written triggers in schema.sql). Generated, not written by hand, so
/// a new table is protected like the others; deterministic, so installations
/// of the same version agree on the schema fingerprint.
pub(crate) fn read_only_triggers(conn: &Connection) -> Result<String> {
    let specs = export_tables(conn)?;
    let open = "EXISTS (SELECT 1 FROM handovers h WHERE h.state = 'open')";
    let handed_over = "(SELECT c.id FROM clients c JOIN handover_clients hc ON hc.client_uuid = c.uuid \
                       JOIN handovers h ON h.bundle_id = hc.bundle_id WHERE h.state = 'open')";
    let not_purging = "NOT EXISTS (SELECT 1 FROM meta WHERE key = 'purging' AND value = '1')";
    let abort = "SELECT RAISE(ABORT, 'this record belongs to a handed-over client and is read-only: confirm or cancel the handover first');";
    let mut sql = String::new();
    for spec in specs.iter().filter(|t| t.name != CLIENTS_TABLE) {
        let (Some(old), Some(new)) =
            (client_id_expr(&specs, &spec.name, "OLD", 0), client_id_expr(&specs, &spec.name, "NEW", 0))
        else {
            continue;
        };
        let t = &spec.name;
        // The cheap EXISTS comes first: without open handovers (the usual
        // case, and always on a receiver during import) nothing else runs.
        sql.push_str(&format!(
            "CREATE TRIGGER {qi} BEFORE INSERT ON {qt} WHEN {open} AND {new} IN {handed_over} BEGIN {abort} END;\n\
             CREATE TRIGGER {qu} BEFORE UPDATE ON {qt} WHEN {open} AND ({old} IN {handed_over} OR {new} IN {handed_over}) BEGIN {abort} END;\n\
             CREATE TRIGGER {qd} BEFORE DELETE ON {qt} WHEN {open} AND {not_purging} AND {old} IN {handed_over} BEGIN {abort} END;\n",
            qi = q(&format!("{t}_handed_over_no_insert")),
            qu = q(&format!("{t}_handed_over_no_update")),
            qd = q(&format!("{t}_handed_over_no_delete")),
            qt = q(t),
        ));
    }
    Ok(sql)
}
