//! Merging an extracted stream into a database, and purging clients.
//!
//! The caller feeds the stream in the order [`crate::extract`] produces it:
//! catalogue tables first (rows `code, label, system`: codes unknown here
//! are added with the sender's label; known codes keep the local label),
//! then client-owned tables parents first. Every local key is new: primary
//! keys are dropped and SQLite assigns fresh ids, references are remapped
//! through the ids seen earlier in the stream. Nothing is ever ignored or
//! replaced: a clash is an error and the caller's transaction is rolled back.

use std::collections::{BTreeMap, HashMap};
use std::io::Read;
use std::rc::Rc;

use rusqlite::types::ToSqlOutput;
use rusqlite::{Connection, MAIN_DB, OptionalExtension, Transaction};
use sha2::{Digest, Sha256};

use crate::error::{DbError, Result};
use crate::extract::{Value, select_clients_in};
use crate::graph::{ColumnRole, Graph, TableKind, TableSpec, derived_client_id, installation_graph, q, stream_tables};
use crate::i18n::fl;
use crate::profile::Identity;
use crate::runs::{IdSet, RunMap};
use crate::schema::PURGING_KEY;

/// What a merge did.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct MergeReport {
    /// Rows inserted per client-owned table (catalogue additions are listed
    /// in `catalogue_codes_added` instead).
    pub rows_per_table: BTreeMap<String, u64>,
    /// BEM-IDs renamed because they were taken here: (incoming, stored).
    pub renamed: Vec<(String, String)>,
    /// Catalogue codes that did not exist here: (catalogue table, code).
    pub catalogue_codes_added: Vec<(String, String)>,
    /// UUIDs of the clients inserted, in stream order.
    pub client_uuids: Vec<String>,
    /// Documents written through [`Merger::write_blob`].
    pub blobs_written: u64,
}

struct Current<'t> {
    spec_index: usize,
    insert_sql: String,
    /// The table's insert, prepared at its first row for all its rows (a
    /// catalogue matched by its key alone never inserts, and a table of
    /// only its key has no insert to prepare).
    insert: Option<rusqlite::CachedStatement<'t>>,
    /// Rows inserted so far (client data only).
    rows: u64,
}

impl<'t> Current<'t> {
    fn insert(&mut self, conn: &'t Connection, params: &[ToSqlOutput<'_>]) -> Result<()> {
        let stmt = match &mut self.insert {
            Some(stmt) => stmt,
            None => self.insert.insert(conn.prepare_cached(&self.insert_sql)?),
        };
        stmt.execute(rusqlite::params_from_iter(params.iter()))?;
        Ok(())
    }
}

/// bemx's read-only guards switched off for the statements of one merge,
/// where they cannot fire ([`crate::schema::guards_idle`]); on again when
/// the merge ends, however it ends.
///
/// Why: a trigger that may `RAISE(ABORT)` makes every `INSERT` into a
/// guarded table a statement SQLite must be able to undo alone, so each
/// one copies the pages it changes into a statement journal and evaluates
/// the guard's condition, even when that condition is false for every row.
/// That was a quarter of an import of row-heavy data (issue 18, item 4).
/// A database with a trigger of its own (a host's), a changed guard or an
/// open handover keeps every trigger on. While a [`Merger`] exists, any
/// other statement on its connection runs without the guards too: the
/// import runs none.
struct GuardsOff<'t> {
    conn: &'t Connection,
    off: bool,
}

/// SQLite's switch for every trigger of a connection.
const TRIGGERS: rusqlite::config::DbConfig = rusqlite::config::DbConfig::SQLITE_DBCONFIG_ENABLE_TRIGGER;

impl<'t> GuardsOff<'t> {
    fn begin(conn: &'t Connection) -> Result<Self> {
        Self::when(conn, crate::schema::guards_idle)
    }

    /// For a purge, which only deletes, with the `purging` key set: when
    /// every trigger is one of bemx's guards and no foreign key turns a
    /// delete into an update, no guard would refuse what it does.
    fn for_purge(conn: &'t Connection) -> Result<Self> {
        Self::when(conn, crate::schema::purge_guards_idle)
    }

    fn when(conn: &'t Connection, idle: fn(&Connection) -> Result<bool>) -> Result<Self> {
        // Triggers someone else switched off stay off, and are not switched on at the end.
        let off = conn.db_config(TRIGGERS)? && idle(conn)?;
        if off {
            // SQLite compiles triggers into a statement when it prepares
            // it, and expires every prepared statement when this changes.
            conn.set_db_config(TRIGGERS, false)?;
        }
        Ok(GuardsOff { conn, off })
    }

    fn end(&mut self) -> Result<()> {
        if self.off {
            self.conn.set_db_config(TRIGGERS, true)?;
            self.off = false;
        }
        Ok(())
    }
}

impl Drop for GuardsOff<'_> {
    fn drop(&mut self) {
        // A merge that failed: its caller rolls back and closes; the
        // connection's triggers are on again before anything else runs.
        let _ = self.end();
    }
}

/// Inserts a stream of rows inside a caller-provided transaction.
pub struct Merger<'t> {
    conn: &'t Connection,
    guards: GuardsOff<'t>,
    graph: Rc<Graph>,
    // Shared so a row can hold its spec while `self` is borrowed mutably.
    specs: Rc<Vec<TableSpec>>,
    /// Per stream table: its catalogue key's column positions (empty for
    /// client data).
    keys: Rc<Vec<Vec<usize>>>,
    /// Per stream table, per column: the stream table a reference points
    /// to, by position (looked up for every reference of every row).
    targets: Rc<Vec<Vec<Option<usize>>>>,
    started: Vec<bool>,
    current: Option<Current<'t>>,
    /// Per stream table (client data and catalogues), once begun: sender
    /// key -> local key.
    ids: Vec<Option<RunMap>>,
    /// Blobs announced by rows and not yet written: (table, column, source id) -> len.
    /// By stream table and column position (not their names: one entry
    /// per document, 100,000 in a large handover).
    pending_blobs: BTreeMap<(usize, usize, i64), u64>,
    /// Catalogue rows this merge added that no carried row has used yet:
    /// a sender carries only the rows its clients use, so one left at the
    /// end was planted (spec/FORMAT.md §7.1).
    unused_added: std::collections::BTreeSet<(String, i64)>,
    report: MergeReport,
}

impl std::fmt::Debug for Merger<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Merger").field("report", &self.report).finish_non_exhaustive()
    }
}

/// Compares the tables a bundle declares with the local ones (names, order,
/// columns and roles). Use it as a preflight before writing anything.
pub fn check_specs(conn: &Connection, incoming: &[TableSpec]) -> Result<()> {
    let local = stream_tables(conn)?;
    for spec in incoming {
        let Some(l) = local.iter().find(|l| l.name == spec.name) else {
            return Err(DbError::SchemaDrift { table: spec.name.clone(), detail: fl!("db-detail-table-not-here") });
        };
        if l != spec {
            return Err(DbError::SchemaDrift {
                table: spec.name.clone(),
                detail: fl!(
                    "db-detail-columns-differ",
                    bundle = spec.column_names().join(", "),
                    local = l.column_names().join(", ")
                ),
            });
        }
    }
    Ok(())
}

/// Which of `uuids` already exist here, as (uuid, local bem-id).
pub fn existing_client_uuids(conn: &Connection, uuids: &[String]) -> Result<Vec<(String, String)>> {
    let mut lookup = ClientLookup::new(conn)?;
    let mut out = Vec::new();
    for u in uuids {
        if let Some(b) = lookup.bem_id(u)? {
            out.push((u.clone(), b));
        }
    }
    Ok(out)
}

/// Finds clients by UUID one at a time, for a caller that has more of them
/// than it wants to hold at once (the journal's every client, issue 18,
/// item 5). A host database's clients are read once, when it is made.
pub struct ClientLookup<'c> {
    how: Lookup<'c>,
}

impl std::fmt::Debug for ClientLookup<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let how = match &self.how {
            Lookup::Host(here) => format!("host database, {} clients", here.len()),
            Lookup::Reference(_) => "bemx's own schema".to_owned(),
        };
        f.debug_struct("ClientLookup").field("how", &how).finish()
    }
}

enum Lookup<'c> {
    /// A host database: its clients by UUID, with their display names.
    Host(HashMap<String, String>),
    /// bemx's own schema: by its index on `clients.uuid`.
    Reference(rusqlite::CachedStatement<'c>),
}

impl<'c> ClientLookup<'c> {
    /// A lookup in the installation's database.
    pub fn new(conn: &'c Connection) -> Result<Self> {
        let how = match crate::graph::installation_profile(conn)? {
            Some(profile) => Lookup::Host(
                crate::schema::host_clients(conn, &profile)?.into_iter().map(|c| (c.uuid, c.bem_id)).collect(),
            ),
            None => Lookup::Reference(conn.prepare_cached("SELECT bem_id FROM clients WHERE uuid = ?1")?),
        };
        Ok(ClientLookup { how })
    }

    /// The BEM-ID of the client of this UUID, if it is here.
    pub fn bem_id(&mut self, uuid: &str) -> Result<Option<String>> {
        match &mut self.how {
            Lookup::Host(here) => Ok(here.get(uuid).cloned()),
            Lookup::Reference(stmt) => Ok(stmt.query_row([uuid], |r| r.get::<_, String>(0)).optional()?),
        }
    }
}

/// The BEM-ID each incoming client will get here, in the order the merge
/// inserts them: `None` where it keeps its own, `Some(stored)` where the
/// name is taken, here or by an earlier one of them, and it is renamed.
/// What an import's question shows before anything is written (issue 15,
/// item 3). Each name's next free number is remembered, so many clients
/// of one name cost one lookup each, not one per number tried before.
pub fn planned_bem_ids<S: AsRef<str>>(conn: &Connection, incoming: &[S]) -> Result<Vec<Option<String>>> {
    let graph = installation_graph(conn)?;
    // Only a display column a unique index covers makes the merge rename.
    if !graph.display_unique {
        return Ok(vec![None; incoming.len()]);
    }
    let mut stmt =
        conn.prepare_cached(&format!("SELECT 1 FROM {} WHERE {} = ?1", q(&graph.root), q(&graph.display)))?;
    let mut taken_now = std::collections::HashSet::new();
    let mut next_number: std::collections::HashMap<&str, u64> = std::collections::HashMap::new();
    let mut out = Vec::with_capacity(incoming.len());
    for wanted in incoming {
        let wanted = wanted.as_ref();
        let mut candidate = wanted.to_owned();
        let n = next_number.entry(wanted).or_insert(2);
        while taken_now.contains(&candidate) || stmt.exists([&candidate])? {
            candidate = format!("{wanted} ({n})");
            *n += 1;
        }
        out.push((candidate != *wanted).then(|| candidate.clone()));
        taken_now.insert(candidate);
    }
    Ok(out)
}

/// `wanted`, or the first of `wanted (2)`, `wanted (3)`, … not yet in the
/// root's display column.
fn free_display_name(conn: &Connection, graph: &Graph, wanted: &str) -> Result<String> {
    let mut stmt =
        conn.prepare_cached(&format!("SELECT 1 FROM {} WHERE {} = ?1", q(&graph.root), q(&graph.display)))?;
    if !stmt.exists([wanted])? {
        return Ok(wanted.to_owned());
    }
    let mut n = 2u64;
    loop {
        let candidate = format!("{wanted} ({n})");
        if !stmt.exists([&candidate])? {
            return Ok(candidate);
        }
        n += 1;
    }
}

/// Whether a client with these identity values exists here.
fn client_exists(conn: &Connection, graph: &Graph, columns: &[String], values: &[Value]) -> Result<bool> {
    if let (Identity::Uuid(c), [Value::Text(u)]) = (&graph.identity, values) {
        return uuid_row(conn, graph, c, u).map(|r| r.is_some());
    }
    let cond: Vec<String> = columns.iter().enumerate().map(|(i, c)| format!("{} = ?{}", q(c), i + 1)).collect();
    let mut stmt = conn.prepare_cached(&format!("SELECT 1 FROM {} WHERE {}", q(&graph.root), cond.join(" AND ")))?;
    Ok(stmt.exists(rusqlite::params_from_iter(values.iter()))?)
}

/// The root row whose UUID column holds `id` in either case (profile check
/// refuses other forms). Compared as stored, not through `lower()`, so the
/// column's index answers: an import of thousands of clients asks once per
/// client.
fn uuid_row(conn: &Connection, graph: &Graph, column: &str, id: &str) -> Result<Option<i64>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {} FROM {} WHERE {c} = ?1 OR {c} = ?2",
        q(graph.root_key()),
        q(&graph.root),
        c = q(column)
    ))?;
    Ok(stmt.query_row([id.to_ascii_lowercase(), id.to_ascii_uppercase()], |r| r.get(0)).optional()?)
}

/// A catalogue key as the report shows it: its values, references to
/// other catalogues left out (they are local ids).
fn key_text(spec: &TableSpec, key: &[usize], values: &[Value]) -> String {
    key.iter()
        .filter(|&&i| !matches!(spec.columns[i].role, ColumnRole::CatalogueRef { .. }))
        .map(|&i| match &values[i] {
            Value::Text(t) => t.clone(),
            Value::Integer(n) => n.to_string(),
            Value::Real(x) => x.to_string(),
            Value::Null => String::new(),
            Value::Blob(b) => hex::encode(b),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

impl<'t> Merger<'t> {
    /// Starts a merge into bemx's own schema, through its built-in profile.
    pub fn new(tx: &'t Transaction<'_>) -> Result<Self> {
        Self::with_graph(tx, installation_graph(tx)?)
    }

    /// Starts a merge; the graph a profile derived from the local database
    /// decides the column roles and how catalogue rows are matched.
    pub fn with_graph(tx: &'t Transaction<'_>, graph: Graph) -> Result<Self> {
        let conn: &'t Connection = tx;
        // Room for a document's pages while it is written (documents are
        // mostly under 2 MB); the default 2 MB cache spilled them to disk.
        conn.pragma_update(None, "cache_size", -16_384)?;
        let specs = graph.stream_tables();
        let keys = specs
            .iter()
            .map(|s| {
                let key = graph.catalogues.iter().find(|c| c.spec.name == s.name).map(|c| c.key.as_slice());
                key.unwrap_or_default().iter().filter_map(|k| s.columns.iter().position(|c| &c.name == k)).collect()
            })
            .collect();
        let targets = specs
            .iter()
            .map(|s| {
                s.columns
                    .iter()
                    .map(|c| match &c.role {
                        ColumnRole::OwnedRef { table } | ColumnRole::CatalogueRef { table } => {
                            specs.iter().position(|t| &t.name == table)
                        }
                        _ => None,
                    })
                    .collect()
            })
            .collect();
        Ok(Merger {
            conn,
            guards: GuardsOff::begin(conn)?,
            graph: Rc::new(graph),
            started: vec![false; specs.len()],
            ids: std::iter::repeat_with(|| None).take(specs.len()).collect(),
            specs: Rc::new(specs),
            keys: Rc::new(keys),
            targets: Rc::new(targets),
            current: None,
            pending_blobs: BTreeMap::new(),
            unused_added: std::collections::BTreeSet::new(),
            report: MergeReport::default(),
        })
    }

    /// Starts a table. `columns` must equal the local columns in order.
    /// Each table at most once.
    pub fn begin_table<S: AsRef<str>>(&mut self, name: &str, columns: &[S]) -> Result<()> {
        if let Some(c) = &self.current {
            return Err(DbError::MergeProtocol {
                detail: fl!(
                    "db-detail-started-before-ended",
                    table = name,
                    open = self.specs[c.spec_index].name.as_str()
                ),
            });
        }
        let Some(i) = self.specs.iter().position(|s| s.name == name) else {
            return Err(DbError::SchemaDrift { table: name.into(), detail: fl!("db-detail-not-exportable") });
        };
        let spec = &self.specs[i];
        let incoming: Vec<&str> = columns.iter().map(AsRef::as_ref).collect();
        if incoming != spec.column_names() {
            return Err(DbError::SchemaDrift {
                table: name.into(),
                detail: fl!(
                    "db-detail-columns-differ",
                    bundle = incoming.join(", "),
                    local = spec.column_names().join(", ")
                ),
            });
        }
        if self.started[i] {
            return Err(DbError::MergeProtocol { detail: fl!("db-detail-table-twice", table = name) });
        }
        self.started[i] = true;
        // Every row gets a new local key: the sender's is only remembered.
        let cols: Vec<String> =
            spec.columns.iter().filter(|c| c.role != ColumnRole::PrimaryKey).map(|c| q(&c.name)).collect();
        let marks: Vec<String> = (1..=cols.len()).map(|k| format!("?{k}")).collect();
        let insert_sql = format!("INSERT INTO {} ({}) VALUES ({})", q(name), cols.join(", "), marks.join(", "));
        self.ids[i] = Some(RunMap::counting());
        self.current = Some(Current { spec_index: i, insert_sql, insert: None, rows: 0 });
        Ok(())
    }

    /// Inserts one row of the current table (values encoded as extracted),
    /// or for a catalogue, finds the local row with the same key and
    /// inserts the row only where there is none.
    pub fn row(&mut self, values: &[Value]) -> Result<()> {
        let Some(cur) = self.current.as_ref() else {
            return Err(DbError::MergeProtocol { detail: fl!("db-detail-row-outside-table") });
        };
        let i = cur.spec_index;
        let specs = Rc::clone(&self.specs);
        let targets = Rc::clone(&self.targets);
        let spec = &specs[i];
        if values.len() != spec.columns.len() {
            return Err(DbError::SchemaDrift {
                table: spec.name.clone(),
                detail: fl!(
                    "db-detail-value-count",
                    values = values.len().to_string(),
                    columns = spec.columns.len().to_string()
                ),
            });
        }
        let unexpected = |col: &str, detail: String| DbError::UnexpectedValue {
            table: spec.name.clone(),
            column: col.to_owned(),
            detail,
        };

        // Values are bound as borrowed from `values`: copied once, by SQLite.
        let mut params: Vec<ToSqlOutput<'_>> = Vec::with_capacity(values.len());
        let mut source_id = None;
        let mut blobs: Vec<(usize, u64)> = Vec::new();
        for (column_at, ((c, v), target_at)) in spec.columns.iter().zip(values).zip(&targets[i]).enumerate() {
            if c.not_null && *v == Value::Null {
                return Err(unexpected(&c.name, fl!("db-detail-null")));
            }
            match (&c.role, v) {
                (ColumnRole::PrimaryKey, Value::Integer(id)) => source_id = Some(*id),
                (ColumnRole::PrimaryKey, _) => {
                    return Err(unexpected(&c.name, fl!("db-detail-primary-key-integer")));
                }
                (ColumnRole::OwnedRef { .. } | ColumnRole::CatalogueRef { .. } | ColumnRole::Blob, Value::Null) => {
                    params.push(ToSqlOutput::Owned(Value::Null));
                }
                (
                    ColumnRole::OwnedRef { table: target } | ColumnRole::CatalogueRef { table: target },
                    Value::Integer(src),
                ) => {
                    let Some(new) = target_at.and_then(|t| self.ids[t].as_ref()).and_then(|m| m.get(*src)) else {
                        return Err(DbError::UnresolvedReference {
                            table: spec.name.clone(),
                            column: c.name.clone(),
                            target: target.clone(),
                            source_id: *src,
                        });
                    };
                    if !self.unused_added.is_empty() {
                        self.unused_added.remove(&(target.clone(), new));
                    }
                    params.push(ToSqlOutput::Owned(Value::Integer(new)));
                }
                (ColumnRole::Blob, Value::Integer(len)) => {
                    // SQLite's default maximum blob size is 1 GB.
                    let len = u64::try_from(*len)
                        .ok()
                        .filter(|l| *l <= 1_000_000_000)
                        .ok_or_else(|| unexpected(&c.name, fl!("db-detail-document-length-range")))?;
                    blobs.push((column_at, len));
                    // The space is reserved when the document arrives
                    // (write_blob): reserving it here would push every
                    // document's zero pages through the page cache to disk
                    // and back before its bytes come.
                    params.push(ToSqlOutput::ZeroBlob(0));
                }
                (ColumnRole::OwnedRef { .. } | ColumnRole::CatalogueRef { .. }, _) => {
                    return Err(unexpected(&c.name, fl!("db-detail-reference-integer")));
                }
                (ColumnRole::Blob, _) => {
                    return Err(unexpected(&c.name, fl!("db-detail-document-by-length")));
                }
                (ColumnRole::Value, v) => params.push(ToSqlOutput::Borrowed(v.into())),
            }
        }
        let Some(source_id) = source_id else {
            return Err(unexpected(spec.key_name(), fl!("db-detail-no-primary-key")));
        };
        if self.ids[i].as_ref().is_some_and(|m| m.contains(source_id)) {
            return Err(DbError::MergeProtocol {
                detail: fl!(
                    "db-detail-source-row-twice",
                    table = spec.name.as_str(),
                    source_id = source_id.to_string()
                ),
            });
        }
        // The values as they will be stored, in column order without the key.
        let stored = |params: &[ToSqlOutput<'_>], column: usize| -> Value {
            let at = column - usize::from(spec.primary_key().is_some_and(|pk| pk < column));
            match params.get(at) {
                Some(ToSqlOutput::Owned(v)) => v.clone(),
                // Borrowed: the value as it came, unchanged.
                Some(ToSqlOutput::Borrowed(_)) => values.get(column).cloned().unwrap_or(Value::Null),
                _ => Value::Null,
            }
        };

        if spec.kind == TableKind::Catalogue {
            let keys = Rc::clone(&self.keys);
            let key = &keys[i];
            // The key's values as the receiving side stores them; a key of
            // the table's own id (reference data every installation keeps
            // alike) is the sender's id itself.
            let key_values: Vec<Value> = key
                .iter()
                .map(|&k| {
                    if spec.columns[k].role == ColumnRole::PrimaryKey {
                        Value::Integer(source_id)
                    } else {
                        stored(&params, k)
                    }
                })
                .collect();
            if let Some(k) = key.iter().zip(&key_values).find(|(_, v)| **v == Value::Null).map(|(k, _)| *k) {
                return Err(unexpected(&spec.columns[k].name, fl!("db-detail-catalogue-key-null")));
            }
            if let Some(k) =
                key.iter().zip(&key_values).find(|(_, v)| matches!(v, Value::Blob(_) | Value::Real(_))).map(|(k, _)| *k)
            {
                return Err(unexpected(&spec.columns[k].name, fl!("db-detail-key-type")));
            }
            let cond: Vec<String> =
                key.iter().enumerate().map(|(n, &k)| format!("{} = ?{}", q(&spec.columns[k].name), n + 1)).collect();
            let found: Option<i64> = self
                .conn
                .prepare_cached(&format!(
                    "SELECT {} FROM {} WHERE {}",
                    q(spec.key_name()),
                    q(&spec.name),
                    cond.join(" AND ")
                ))?
                .query_row(rusqlite::params_from_iter(key_values.iter()), |r| r.get(0))
                .optional()?;
            // A row known here keeps its local values (users rename labels).
            let add_missing =
                self.graph.catalogues.iter().find(|c| c.spec.name == spec.name).is_none_or(|c| c.add_missing);
            let id = match found {
                Some(id) => id,
                None if !add_missing => {
                    return Err(DbError::CatalogueRowMissing {
                        table: spec.name.clone(),
                        key: key_text(spec, key, values),
                    });
                }
                None => {
                    self.insert(&params)?;
                    self.report.catalogue_codes_added.push((spec.name.clone(), key_text(spec, key, values)));
                    let id = self.conn.last_insert_rowid();
                    self.unused_added.insert((spec.name.clone(), id));
                    id
                }
            };
            if let Some(m) = self.ids[i].as_mut() {
                m.insert(source_id, id);
            }
            return Ok(());
        }

        let graph = Rc::clone(&self.graph);
        if spec.name == graph.root {
            let columns = graph.identity.columns();
            let uuid = matches!(graph.identity, Identity::Uuid(_));
            let positions: Vec<usize> =
                columns.iter().filter_map(|k| spec.columns.iter().position(|c| &c.name == k)).collect();
            let identity: Vec<Value> = positions.iter().map(|&p| stored(&params, p)).collect();
            // Text and integers only: a blob never equals the text it
            // spells, so it would slip past the duplicate check.
            if let Some(i) = identity.iter().position(|v| matches!(v, Value::Blob(_) | Value::Real(_))) {
                return Err(unexpected(&columns[i], fl!("db-detail-key-type")));
            }
            let id = match (uuid, identity.first()) {
                (true, Some(Value::Text(u))) => match uuid::Uuid::parse_str(u) {
                    Ok(parsed) => parsed.hyphenated().to_string(),
                    Err(_) => return Err(unexpected(&columns[0], fl!("db-detail-client-without-uuid"))),
                },
                (true, _) => {
                    return Err(unexpected(&columns[0], fl!("db-detail-client-without-uuid")));
                }
                (false, _) => derived_client_id(&graph.root, &identity),
            };
            if identity.len() != columns.len() || identity.contains(&Value::Null) {
                return Err(unexpected(&columns[0], fl!("db-detail-client-without-uuid")));
            }
            if client_exists(self.conn, &graph, columns, &identity)? {
                return Err(DbError::DuplicateClient { uuid: id });
            }
            if graph.display_unique
                && let Some(p) = spec.columns.iter().position(|c| c.name == graph.display)
                && let Value::Text(b) = stored(&params, p)
            {
                let free = free_display_name(self.conn, &graph, &b)?;
                if free != b {
                    self.report.renamed.push((b.clone(), free.clone()));
                    let at = p - usize::from(spec.primary_key().is_some_and(|pk| pk < p));
                    params[at] = ToSqlOutput::Owned(Value::Text(free));
                }
            }
            self.report.client_uuids.push(id);
        }

        self.insert(&params)?.rows += 1;
        let new_id = self.conn.last_insert_rowid();
        if spec.name == graph.root
            && let Identity::NaturalKey(k) = &graph.identity
            && let Some(id) = self.report.client_uuids.last()
        {
            // The id is what the row holds once stored: the column's
            // affinity may have turned a value into another (an integer
            // into text), and sender and receiver must derive alike.
            let cols: Vec<String> = k.iter().map(|c| q(c)).collect();
            let stored: Vec<Value> = self.conn.query_row(
                &format!("SELECT {} FROM {} WHERE {} = ?1", cols.join(", "), q(&graph.root), q(spec.key_name())),
                [new_id],
                |r| (0..k.len()).map(|i| r.get(i)).collect(),
            )?;
            if derived_client_id(&graph.root, &stored) != *id {
                return Err(unexpected(&k[0], fl!("db-detail-key-type")));
            }
        }
        if let Some(m) = self.ids[i].as_mut() {
            m.insert(source_id, new_id);
        }
        for (col, len) in blobs {
            self.pending_blobs.insert((i, col, source_id), len);
        }
        Ok(())
    }

    /// Inserts `params` into the current table; hands it back.
    fn insert(&mut self, params: &[ToSqlOutput<'_>]) -> Result<&mut Current<'t>> {
        let Some(cur) = self.current.as_mut() else {
            return Err(DbError::MergeProtocol { detail: fl!("db-detail-row-outside-table") });
        };
        cur.insert(self.conn, params)?;
        Ok(cur)
    }

    /// Ends the current table.
    pub fn end_table(&mut self) -> Result<()> {
        let Some(cur) = self.current.take() else {
            return Err(DbError::MergeProtocol { detail: fl!("db-detail-end-not-started") });
        };
        if cur.rows > 0 {
            *self.report.rows_per_table.entry(self.specs[cur.spec_index].name.clone()).or_default() += cur.rows;
        }
        Ok(())
    }

    /// Streams one document into the zero-filled blob its row announced and
    /// returns the SHA-256 of the bytes written. Exactly `len` bytes must
    /// come from `reader`. If the table has a `sha256` column, the written
    /// bytes must match it.
    pub fn write_blob(
        &mut self,
        table: &str,
        column: &str,
        source_rowid: i64,
        len: u64,
        reader: &mut dyn Read,
    ) -> Result<[u8; 32]> {
        self.write_blob_inner(table, column, source_rowid, len, reader, None)
    }

    /// [`Merger::write_blob`] for a reader that already guarantees the
    /// bytes hash to `sha256` (the bundle reader checks every entry against
    /// the signed manifest): the stored `sha256` column is compared with
    /// that value instead of hashing the document a second time. The caller
    /// must treat a hash error from `reader` as fatal to the merge.
    pub fn write_blob_with_known_hash(
        &mut self,
        table: &str,
        column: &str,
        source_rowid: i64,
        len: u64,
        reader: &mut dyn Read,
        sha256: [u8; 32],
    ) -> Result<[u8; 32]> {
        self.write_blob_inner(table, column, source_rowid, len, reader, Some(sha256))
    }

    fn write_blob_inner(
        &mut self,
        table: &str,
        column: &str,
        source_rowid: i64,
        len: u64,
        reader: &mut dyn Read,
        known: Option<[u8; 32]>,
    ) -> Result<[u8; 32]> {
        let at = self.specs.iter().position(|s| s.name == table);
        let column_at = at.and_then(|t| self.specs[t].columns.iter().position(|c| c.name == column));
        let announced = match (at, column_at) {
            (Some(t), Some(c)) => self.pending_blobs.remove(&(t, c, source_rowid)),
            _ => None,
        };
        let Some(announced) = announced else {
            return Err(DbError::MergeProtocol {
                detail: fl!(
                    "db-detail-document-not-announced",
                    table = table,
                    column = column,
                    source_rowid = source_rowid.to_string()
                ),
            });
        };
        let mismatch = |actual| DbError::BlobLength { table: table.into(), source_rowid, expected: announced, actual };
        if len != announced {
            return Err(mismatch(len));
        }
        let new_id = at.and_then(|t| self.ids[t].as_ref()).and_then(|m| m.get(source_rowid)).ok_or_else(|| {
            DbError::MergeProtocol {
                detail: fl!("db-detail-source-row-unknown", table = table, source_rowid = source_rowid.to_string()),
            }
        })?;
        let key = at.map_or("rowid", |t| self.specs[t].key_name());
        let reserve = format!("UPDATE {} SET {} = zeroblob(?2) WHERE {} = ?1", q(table), q(column), q(key));
        self.conn.prepare_cached(&reserve)?.execute(rusqlite::params![new_id, announced as i64])?;
        let mut blob = self.conn.blob_open(MAIN_DB, table, column, new_id, false)?;
        let mut hasher = Sha256::new();
        let mut buf = vec![0u8; 64 * 1024];
        let mut written = 0u64;
        loop {
            let n = reader.read(&mut buf).map_err(|e| DbError::io(fl!("db-io-reading-bundle-document"), e))?;
            if n == 0 {
                break;
            }
            if written + n as u64 > announced {
                return Err(mismatch(written + n as u64));
            }
            std::io::Write::write_all(&mut blob, &buf[..n])
                .map_err(|e| DbError::io(fl!("db-io-writing-document"), e))?;
            if known.is_none() {
                hasher.update(&buf[..n]);
            }
            written += n as u64;
        }
        if written != announced {
            return Err(mismatch(written));
        }
        drop(blob);
        let digest: [u8; 32] = known.unwrap_or_else(|| hasher.finalize().into());
        let hash_column = self.graph.documents.iter().find(|(t, c, _)| t == table && c == column);
        if let Some((_, _, Some(hash_column))) = hash_column {
            let stored: Option<String> = self.conn.query_row(
                &format!("SELECT {} FROM {} WHERE {} = ?1", q(hash_column), q(table), q(key)),
                [new_id],
                |r| r.get(0),
            )?;
            if stored.is_some_and(|s| !s.eq_ignore_ascii_case(&hex::encode(digest))) {
                return Err(DbError::DocumentMismatch {
                    table: table.into(),
                    rowid: new_id,
                    column: column.into(),
                    detail: fl!("db-detail-content-differs"),
                });
            }
        }
        self.report.blobs_written += 1;
        Ok(digest)
    }

    /// Ends the merge; refuses if a table is still open or a document that
    /// a row announced was never written.
    pub fn finish(mut self) -> Result<MergeReport> {
        self.guards.end()?;
        if let Some(c) = &self.current {
            return Err(DbError::MergeProtocol {
                detail: fl!("db-detail-table-not-ended", table = self.specs[c.spec_index].name.as_str()),
            });
        }
        if let Some((t, _)) = self.unused_added.iter().next() {
            return Err(DbError::MergeProtocol { detail: fl!("db-detail-catalogue-row-unused", table = t.as_str()) });
        }
        if let Some(((t, c, id), _)) = self.pending_blobs.iter().next() {
            let spec = &self.specs[*t];
            return Err(DbError::MergeProtocol {
                detail: fl!(
                    "db-detail-documents-missing",
                    count = self.pending_blobs.len(),
                    table = spec.name.as_str(),
                    column = spec.columns[*c].name.as_str(),
                    source_rowid = id.to_string()
                ),
            });
        }
        Ok(std::mem::take(&mut self.report))
    }
}

/// What [`purge_clients`] removed.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct PurgeReport {
    /// Rows removed per client-owned table.
    pub rows_per_table: BTreeMap<String, u64>,
    /// UUIDs that were not present (already purged).
    pub not_found: Vec<String>,
}

/// Deletes the clients with every dependent row (by cascade) and verifies
/// that none of their rows remain. Handed-over clients may be purged: the
/// `meta` key `purging` is set to `1` for the duration (inside `tx`, so a
/// crash rolls it back with everything else) and the read-only trigger
/// lets deletes through while it is set.
pub fn purge_clients(tx: &Transaction<'_>, client_uuids: &[String]) -> Result<PurgeReport> {
    purge_clients_in(tx, &installation_graph(tx)?, client_uuids)
}

/// [`purge_clients`] over the graph a profile derived. Rows are deleted
/// one by one, children before parents, so the purge needs no `ON DELETE
/// CASCADE` in the host's schema, and every row is checked gone afterwards.
pub fn purge_clients_in(tx: &Transaction<'_>, graph: &Graph, client_uuids: &[String]) -> Result<PurgeReport> {
    plan_purge_in(tx, graph, client_uuids)?.run(tx)
}

/// The rows a purge of some clients will delete, found before anything is
/// deleted: what it needs of the disk can be checked first.
#[derive(Debug)]
pub struct PurgePlan {
    selection: crate::extract::Selection,
    not_found: Vec<String>,
    /// The graph's read-only triggers, lifted for the purge.
    read_only_triggers: bool,
    /// Bytes of the pages the rows' deletion overwrites, at most: per row
    /// its table's page and a page of each of its indexes.
    row_pages: u64,
    /// Whether the purge may overwrite pages no estimate from the rows can
    /// bound: `auto_vacuum` moves pages at the commit, and a host's own
    /// triggers may write anywhere.
    unbounded: bool,
}

/// [`PurgePlan`] of `client_uuids` in bemx's own graph or the profile's.
pub fn plan_purge(conn: &Connection, client_uuids: &[String]) -> Result<PurgePlan> {
    plan_purge_in(conn, &installation_graph(conn)?, client_uuids)
}

fn plan_purge_in(conn: &Connection, graph: &Graph, client_uuids: &[String]) -> Result<PurgePlan> {
    let mut not_found = Vec::new();
    let ids = root_rows_of(conn, graph, client_uuids, &mut not_found)?;
    let selection = select_clients_in(conn, graph, &ids)?;
    let page: u64 = conn.query_row("PRAGMA main.page_size", [], |r| r.get::<_, i64>(0))?.max(512) as u64;
    let mut row_pages = 0u64;
    for spec in selection.tables().iter().filter(|t| t.kind == TableKind::Owned) {
        let rows = selection.row_ids(&spec.name).map_or(0, IdSet::len) as u64;
        let indexes: i64 =
            conn.query_row("SELECT count(*) FROM main.pragma_index_list(?1)", [&spec.name], |r| r.get(0))?;
        let per_row = page.saturating_mul(1 + indexes.max(0) as u64);
        row_pages = row_pages.saturating_add(rows.saturating_mul(per_row));
    }
    let auto_vacuum: i64 = conn.query_row("PRAGMA main.auto_vacuum", [], |r| r.get(0))?;
    // bemx's own triggers only refuse; a host's may write anything.
    let host_triggers = !graph.read_only_triggers
        && conn.query_row("SELECT EXISTS (SELECT 1 FROM main.sqlite_master WHERE type = 'trigger')", [], |r| {
            r.get::<_, bool>(0)
        })?;
    Ok(PurgePlan {
        selection,
        not_found,
        read_only_triggers: graph.read_only_triggers,
        row_pages,
        unbounded: auto_vacuum != 0 || host_triggers,
    })
}

impl PurgePlan {
    /// About how much the purge's rollback journal takes on the database's
    /// disk, from `db_bytes`, the database file's size. With
    /// `secure_delete` every page whose content goes is journaled whole
    /// before it is overwritten: the documents' bytes, and for each row its
    /// table's page and a page of each of its indexes (a bound where a
    /// client's rows are scattered, far above it where they lie together;
    /// a long text value's own overflow pages are not counted: the margin
    /// takes them), never more than the whole file, and the whole file
    /// where `auto_vacuum` or a host's triggers may overwrite any page. A
    /// page's journal record adds its number and checksum.
    pub fn journal_bytes(&self, db_bytes: u64) -> u64 {
        let content = self.selection.blob_bytes().saturating_add(self.row_pages);
        let pages = if self.unbounded { db_bytes } else { content.min(db_bytes) };
        Self::journal_of(pages)
    }

    /// The most any purge's journal takes beside a database of `db_bytes`:
    /// room for it is room for every purge, known without a plan.
    pub fn most_journal_bytes(db_bytes: u64) -> u64 {
        Self::journal_of(db_bytes)
    }

    fn journal_of(pages: u64) -> u64 {
        pages.saturating_add(pages / 512).saturating_add(64 << 10)
    }

    /// Deletes the rows, in `tx`, and checks them gone.
    pub fn run(self, tx: &Transaction<'_>) -> Result<PurgeReport> {
        let PurgePlan { selection, not_found, read_only_triggers, .. } = self;
        let mut report = PurgeReport { not_found, ..PurgeReport::default() };
        purge_selected(tx, read_only_triggers, &selection, &mut report)?;
        Ok(report)
    }
}

fn purge_selected(
    tx: &Transaction<'_>,
    read_only_triggers: bool,
    selection: &crate::extract::Selection,
    report: &mut PurgeReport,
) -> Result<()> {
    if read_only_triggers {
        tx.execute(
            "INSERT INTO meta (key, value) VALUES (?1, '1')
             ON CONFLICT(key) DO UPDATE SET value = '1'",
            [PURGING_KEY],
        )?;
    }
    // The guards cannot fire on these deletes (`purging` is set), but a
    // statement that has a trigger able to abort it pays for a statement
    // journal of every page it changes.
    let mut guards = if read_only_triggers { Some(GuardsOff::for_purge(tx)?) } else { None };
    for spec in selection.tables().iter().rev().filter(|t| t.kind == TableKind::Owned) {
        let mut del = tx.prepare(&format!("DELETE FROM {} WHERE {} = ?1", q(&spec.name), q(spec.key_name())))?;
        for id in selection.row_ids(&spec.name).into_iter().flat_map(IdSet::iter) {
            del.execute([id])?;
        }
    }
    if let Some(guards) = &mut guards {
        guards.end()?;
    }
    if read_only_triggers {
        tx.execute("DELETE FROM meta WHERE key = ?1", [PURGING_KEY])?;
    }

    for spec in selection.tables() {
        if spec.kind != TableKind::Owned {
            continue;
        }
        let rows = selection.row_ids(&spec.name);
        let mut stmt = tx.prepare(&format!("SELECT 1 FROM {} WHERE {} = ?1", q(&spec.name), q(spec.key_name())))?;
        let mut remaining = 0u64;
        for id in rows.into_iter().flat_map(IdSet::iter) {
            if stmt.exists([id])? {
                remaining += 1;
            }
        }
        if remaining > 0 {
            return Err(DbError::PurgeIncomplete { table: spec.name.clone(), remaining });
        }
        report.rows_per_table.insert(spec.name.clone(), rows.map_or(0, IdSet::len) as u64);
    }
    Ok(())
}

/// Which of `client_ids` no client of this database has any more. On a
/// host database the host program may have changed the values a client is
/// recognised by (no trigger keeps it from them): a confirm must not mark
/// such a handover done while the client's rows stay here.
pub fn clients_not_found(conn: &Connection, client_ids: &[String]) -> Result<Vec<String>> {
    let mut not_found = Vec::new();
    root_rows_of(conn, &installation_graph(conn)?, client_ids, &mut not_found)?;
    Ok(not_found)
}

/// The root rows of the clients with these ids, in the order given; ids
/// not found go to `not_found`. A derived id is found by computing every
/// client's: a purge is rare and reads the root table once.
fn root_rows_of(
    conn: &Connection,
    graph: &Graph,
    client_ids: &[String],
    not_found: &mut Vec<String>,
) -> Result<Vec<i64>> {
    let key = graph.root_key();
    let mut found: HashMap<String, i64> = HashMap::new();
    match &graph.identity {
        Identity::Uuid(c) => {
            for u in client_ids {
                if let Some(id) = uuid_row(conn, graph, c, u)? {
                    found.insert(u.clone(), id);
                }
            }
        }
        Identity::NaturalKey(k) => {
            let wanted: std::collections::HashSet<&str> = client_ids.iter().map(String::as_str).collect();
            let cols: Vec<String> = k.iter().map(|c| q(c)).collect();
            let mut stmt = conn.prepare(&format!("SELECT {}, {} FROM {}", q(key), cols.join(", "), q(&graph.root)))?;
            let mut rows = stmt.query([])?;
            while let Some(r) = rows.next()? {
                let values: Vec<Value> = (1..=k.len()).map(|i| r.get(i)).collect::<rusqlite::Result<_>>()?;
                let id = derived_client_id(&graph.root, &values);
                if wanted.contains(id.as_str()) {
                    found.insert(id, r.get(0)?);
                }
            }
        }
    }
    let mut out = Vec::new();
    for u in client_ids {
        match found.get(u) {
            Some(&id) => out.push(id),
            None => not_found.push(u.clone()),
        }
    }
    Ok(out)
}
