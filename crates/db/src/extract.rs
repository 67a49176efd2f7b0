//! Subset extraction: the closure of rows belonging to selected clients,
//! streamed table by table to a [`RowSink`], documents streamed afterwards.
//!
//! Stream order: referenced catalogue tables (by name; only the rows the
//! selection uses, columns `code, label, system` without the local id), then
//! client-owned tables in topological order, each table's rows by ascending
//! local id. Value encoding per [`ColumnRole`]:
//! `PrimaryKey`/`OwnedRef` = source local id, `CatalogueRef` = the catalogue
//! row's `code` as text, `Blob` = byte length as integer (bytes follow via
//! [`for_each_blob`]), `Value` = unchanged. NULL stays NULL everywhere.
//!
//! Call these inside one read transaction so the selection, the rows and
//! the blobs all see the same snapshot.

use std::collections::HashSet;
use std::fmt;
use std::io::Read;

use rusqlite::{Connection, MAIN_DB};
use sha2::{Digest, Sha256};

use crate::error::{DbError, Result};
use crate::graph::{ColumnRole, Graph, TableKind, TableSpec, installation_graph, q};
use crate::i18n::fl;
use crate::ownership::{OwnedRows, check_blobs};
use crate::profile::Identity;
use crate::runs::{IdSet, RunMap};

pub use bemx_format::rows::ValueRef;
pub use rusqlite::types::Value;

/// Receives the rows of an extraction as they are read.
pub trait RowSink {
    /// The sink's own error, returned unchanged inside [`ExtractError::Sink`].
    type Error;
    /// A table starts.
    fn begin_table(&mut self, spec: &TableSpec) -> Result<(), Self::Error>;
    /// One row, values in `spec.columns` order, encoded as the module says;
    /// borrowed from the database's row, so nothing is copied that the
    /// sink does not keep (text is checked to be UTF-8).
    fn row(&mut self, values: &[ValueRef<'_>]) -> Result<(), Self::Error>;
    /// The current table is complete: `row_count` rows were handed over.
    /// (The count comes at the end because a walk that selects rows as it
    /// reads them knows it only then.)
    fn end_table(&mut self, row_count: u64) -> Result<(), Self::Error>;
}

/// Error of [`extract`] and [`for_each_blob`]: the database or the caller.
#[derive(Debug)]
pub enum ExtractError<E> {
    /// Reading or checking the database failed.
    Db(DbError),
    /// The sink or blob callback failed.
    Sink(E),
}

impl<E> From<DbError> for ExtractError<E> {
    fn from(e: DbError) -> Self {
        ExtractError::Db(e)
    }
}

impl<E> From<rusqlite::Error> for ExtractError<E> {
    fn from(e: rusqlite::Error) -> Self {
        ExtractError::Db(e.into())
    }
}

impl<E: fmt::Display> fmt::Display for ExtractError<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ExtractError::Db(e) => e.fmt(f),
            ExtractError::Sink(e) => e.fmt(f),
        }
    }
}

// Transparent: Display already is the inner error's, so its source is the
// inner error's source; returning the inner error itself would make a
// `{:#}` chain print the same message twice.
impl<E: std::error::Error + 'static> std::error::Error for ExtractError<E> {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            ExtractError::Db(e) => e.source(),
            ExtractError::Sink(e) => e.source(),
        }
    }
}

/// The rows belonging to a set of clients, computed and checked up front.
///
/// Holds only row ids (8 bytes per selected row), never row contents.
#[derive(Debug, Clone)]
pub struct Selection {
    tables: Vec<TableSpec>,
    /// Document columns and their hash column: (table, column, sha256).
    documents: Vec<(String, String, Option<String>)>,
    ids: Vec<IdSet>,
    client_uuids: Vec<String>,
    blob_count: u64,
    blob_bytes: u64,
}

impl Selection {
    /// Tables in stream order (catalogues, then client-owned, topological).
    pub fn tables(&self) -> &[TableSpec] {
        &self.tables
    }
    /// UUIDs of the selected clients, ordered by local id.
    pub fn client_uuids(&self) -> &[String] {
        &self.client_uuids
    }

    /// Moves the clients' ids out (an export's journal line and report
    /// take them; 6 MB at 100,000 clients is not copied); the selection
    /// keeps every row id, and its client list is empty afterwards.
    pub fn take_client_uuids(&mut self) -> Vec<String> {
        std::mem::take(&mut self.client_uuids)
    }
    /// Number of non-NULL blobs [`for_each_blob`] will stream.
    pub fn blob_count(&self) -> u64 {
        self.blob_count
    }
    /// Total bytes of those blobs.
    pub fn blob_bytes(&self) -> u64 {
        self.blob_bytes
    }
    /// Selected local row ids of one table, ascending.
    pub fn row_ids(&self, table: &str) -> Option<&IdSet> {
        self.tables.iter().position(|t| t.name == table).map(|i| &self.ids[i])
    }
    /// The column holding the SHA-256 (hex) of the documents in
    /// `table.column`, if the host keeps one.
    pub fn hash_column(&self, table: &str, column: &str) -> Option<&str> {
        self.documents.iter().find(|(t, c, _)| t == table && c == column).and_then(|(_, _, h)| h.as_deref())
    }
}

/// Per-table row counts in stream order, for a manifest written before the rows.
pub fn count_rows(selection: &Selection) -> Vec<(String, u64)> {
    selection.tables.iter().zip(&selection.ids).map(|(t, ids)| (t.name.clone(), ids.len() as u64)).collect()
}

/// One problem found by [`check_database`].
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Problem {
    /// Table concerned, if known.
    pub table: Option<String>,
    /// Local row id concerned, if known.
    pub rowid: Option<i64>,
    /// Column concerned, if known.
    pub column: Option<String>,
    /// Full message.
    pub message: String,
}

impl From<&DbError> for Problem {
    fn from(e: &DbError) -> Self {
        let (table, rowid, column) = match e {
            DbError::DanglingReference { table, rowid, column, .. }
            | DbError::CrossClientReference { table, rowid, column, .. }
            | DbError::DocumentMismatch { table, rowid, column, .. } => {
                (Some(table.clone()), Some(*rowid), Some(column.clone()))
            }
            DbError::ForeignKeyViolation { table, rowid, .. } => (Some(table.clone()), Some(*rowid), None),
            DbError::UnexpectedValue { table, column, .. } => (Some(table.clone()), None, Some(column.clone())),
            _ => (None, None, None),
        };
        Problem { table, rowid, column, message: e.to_string() }
    }
}

/// Result of [`check_database`].
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct CheckReport {
    /// Lines of `PRAGMA integrity_check` other than "ok".
    pub integrity: Vec<String>,
    /// Reference, ownership and document problems (at most 1000).
    pub problems: Vec<Problem>,
    /// Rows per client-owned table.
    pub rows_per_table: Vec<(String, u64)>,
    /// Documents whose hash and size were verified.
    pub documents_verified: u64,
}

impl CheckReport {
    /// True when nothing was found.
    pub fn is_ok(&self) -> bool {
        self.integrity.is_empty() && self.problems.is_empty()
    }
}

const MAX_PROBLEMS: usize = 1000;

/// Computes and checks the closure of rows owned by the given clients
/// (local ids). Refuses dangling references, foreign-key violations,
/// references into other clients' rows and documents whose stored size
/// disagrees with their content.
pub fn select_clients(conn: &Connection, client_ids: &[i64]) -> Result<Selection> {
    select_clients_in(conn, &installation_graph(conn)?, client_ids)
}

/// [`select_clients`] over the graph a profile derived.
pub fn select_clients_in(conn: &Connection, graph: &Graph, client_ids: &[i64]) -> Result<Selection> {
    walk(conn, graph, client_ids, None::<&mut NoRows>).map_err(|e| match e {
        ExtractError::Db(e) => e,
        ExtractError::Sink(never) => match never {},
    })
}

/// [`select_clients_in`], handing every selected row of the client-owned
/// tables to `sink` as the walk meets it: the tables in stream order, each
/// table's rows by ascending id, the values exactly as [`extract`] hands
/// them. An export plans its entries from these rows, instead of reading
/// every row once more after the walk (issue 18, item 3). The catalogue
/// tables, first in stream order, are not handed over: which of their rows
/// are used is known only at the walk's end ([`extract_catalogues`]).
/// The rows are handed over before the walk's last checks (foreign keys,
/// catalogue rows): a sink's result counts only if this returns `Ok`.
pub fn select_clients_streaming<S: RowSink>(
    conn: &Connection,
    graph: &Graph,
    client_ids: &[i64],
    sink: &mut S,
) -> Result<Selection, ExtractError<S::Error>> {
    walk(conn, graph, client_ids, Some(sink))
}

/// The sink of a walk that hands no rows over.
enum NoRows {}

impl RowSink for NoRows {
    type Error = std::convert::Infallible;
    fn begin_table(&mut self, _: &TableSpec) -> Result<(), Self::Error> {
        match *self {}
    }
    fn row(&mut self, _: &[ValueRef<'_>]) -> Result<(), Self::Error> {
        match *self {}
    }
    fn end_table(&mut self, _: u64) -> Result<(), Self::Error> {
        match *self {}
    }
}

fn walk<S: RowSink>(
    conn: &Connection,
    graph: &Graph,
    client_ids: &[i64],
    mut sink: Option<&mut S>,
) -> Result<Selection, ExtractError<S::Error>> {
    let mut owned = OwnedRows::new(graph);
    let mut blobs = (0u64, 0u64);
    let last_referenced = owned.last_referenced();
    let mut selected = Vec::with_capacity(owned.tables.len());
    for t in 0..owned.tables.len() {
        let rows = select_table_rows(conn, &mut owned, t, client_ids, &mut blobs, sink.as_deref_mut())?;
        selected.push(rows.keys());
        owned.owners.push(rows);
        // Owners are looked up only by the tables that reference theirs:
        // once the last of those is walked, the ids are all that is kept
        // (most rows are in tables nothing references).
        for (p, &last) in last_referenced.iter().enumerate().take(t + 1) {
            if last == t {
                owned.owners[p] = RunMap::same();
            }
        }
    }
    owned.close_catalogue_refs(conn)?;
    if let Some(e) = owned.missing_catalogue_rows(conn)?.into_iter().next() {
        return Err(e.into());
    }
    refuse_foreign_key_violations(conn, graph, &owned.tables, &selected)?;

    let mut tables = Vec::new();
    let mut ids = Vec::new();
    for c in std::mem::take(&mut owned.catalogues) {
        let v: Vec<i64> = owned.cat_refs.get(&c.name).map(|m| m.keys().copied().collect()).unwrap_or_default();
        tables.push(c);
        ids.push(IdSet::from_ids(&v));
    }
    let mut client_uuids = Vec::new();
    for (spec, v) in owned.tables.into_iter().zip(selected) {
        if spec.name == graph.root {
            client_uuids = client_ids_of(conn, graph, &v.to_vec())?;
        }
        tables.push(spec);
        ids.push(v);
    }
    let (blob_count, blob_bytes) = blobs;
    Ok(Selection { tables, documents: graph.documents.clone(), ids, client_uuids, blob_count, blob_bytes })
}

/// The id each client (root row `ids`, in order) travels under: its UUID,
/// or for a host without UUIDs the id derived from its natural key
/// ([`crate::graph::derived_client_id`]).
fn client_ids_of(conn: &Connection, graph: &Graph, ids: &[i64]) -> Result<Vec<String>> {
    let key = graph.identity.columns();
    let cols: Vec<String> = key.iter().map(|k| q(k)).collect();
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {} FROM {} WHERE {} = ?1",
        cols.join(", "),
        q(&graph.root),
        q(graph.root_key())
    ))?;
    let mut out = Vec::with_capacity(ids.len());
    for id in ids {
        let values: Vec<Value> = stmt.query_row([id], |r| (0..key.len()).map(|i| r.get(i)).collect())?;
        let canonical = match values.first() {
            Some(Value::Text(u)) => uuid::Uuid::parse_str(u).ok(),
            _ => None,
        };
        out.push(match (&graph.identity, canonical) {
            // Ids travel in one form: lower case, hyphenated.
            (Identity::Uuid(_), Some(u)) => u.hyphenated().to_string(),
            (Identity::Uuid(c), None) => {
                return Err(DbError::UnexpectedValue {
                    table: graph.root.clone(),
                    column: c.clone(),
                    detail: fl!("db-detail-client-without-uuid"),
                });
            }
            (Identity::NaturalKey(_), _) => crate::graph::derived_client_id(&graph.root, &values),
        });
    }
    Ok(out)
}

/// The rows of owned table `t` that belong to `client_ids` (row id ->
/// client), refusing the first problem among them. Adds the rows'
/// documents to `blobs` (count, bytes).
fn select_table_rows<S: RowSink>(
    conn: &Connection,
    owned: &mut OwnedRows,
    t: usize,
    client_ids: &[i64],
    blobs: &mut (u64, u64),
    mut sink: Option<&mut S>,
) -> Result<RunMap, ExtractError<S::Error>> {
    let cols = owned.columns(t);
    // Only the root table's rows are chosen by id; the others follow their references.
    let wanted: HashSet<i64> = if cols.is_root() { client_ids.iter().copied().collect() } else { HashSet::new() };
    let mut selected = RunMap::same();
    let spec = owned.tables[t].clone();
    // With a sink, each row's values follow the columns the walk reads.
    let values = if sink.is_some() { value_columns(&spec, "") } else { Vec::new() };
    let first_value = cols.width();
    let mut stmt = conn.prepare(&cols.sql(&values))?;
    let mut rows = stmt.query([])?;
    if let Some(sink) = sink.as_deref_mut() {
        sink.begin_table(&spec).map_err(ExtractError::Sink)?;
    }
    let mut handed = 0u64;
    let mut row_buf = Vec::new();
    while let Some(r) = rows.next()? {
        let id: i64 = r.get(0)?;
        let owner = if cols.is_root() {
            if !wanted.contains(&id) {
                continue;
            }
            id
        } else {
            let found = owned.follow_refs(&cols, r, id)?;
            if let Some(e) = found.problems.into_iter().next() {
                return Err(e.into());
            }
            // Rows of unselected clients are skipped silently; a row that
            // is ours but also points elsewhere is an error.
            let Some(owner) = found.owner else { continue };
            if let Some(u) = found.unresolved.first() {
                return Err(owned.bad_ref(conn, &cols, id, u)?.into());
            }
            owner
        };
        selected.insert(id, owner);
        // Refused as an owned reference is, so that what the walk proves is
        // what SQLite's foreign-key check would (`walk_proves_foreign_keys`).
        if let Some(e) = owned.note_catalogue_refs(&cols, r, id)? {
            return Err(e.into());
        }
        let found = check_blobs(&cols, r, id)?;
        if let Some(e) = found.problems.into_iter().next() {
            return Err(e.into());
        }
        blobs.0 += found.lengths.len() as u64;
        blobs.1 += found.lengths.iter().map(|&len| len as u64).sum::<u64>();
        if let Some(sink) = sink.as_deref_mut() {
            let row = row_values(std::mem::take(&mut row_buf), r, &spec, first_value)?;
            sink.row(&row).map_err(ExtractError::Sink)?;
            row_buf = emptied(row);
            handed += 1;
        }
    }
    if cols.is_root()
        && let Some(&id) = client_ids.iter().find(|&&id| !selected.contains(id))
    {
        return Err(DbError::UnknownClientId { id }.into());
    }
    if let Some(sink) = sink {
        sink.end_table(handed).map_err(ExtractError::Sink)?;
    }
    Ok(selected)
}

/// The value of each column of `spec` as it travels (FORMAT.md §7): the
/// column, or a blob's length. `alias` prefixes each column (`"t."`).
fn value_columns(spec: &TableSpec, alias: &str) -> Vec<String> {
    spec.columns
        .iter()
        .map(|c| {
            let col = format!("{alias}{}", q(&c.name));
            if c.role == ColumnRole::Blob { format!("length({col})") } else { col }
        })
        .collect()
}

/// Refuses a selected row that `PRAGMA foreign_key_check` reports, in the
/// tables where the walk has not already proved every foreign key of every
/// selected row ([`walk_proves_foreign_keys`]): there the check would read
/// the whole table again to find nothing (a tenth of an export of 20,000
/// clients, issue 18, item 3).
fn refuse_foreign_key_violations(
    conn: &Connection,
    graph: &Graph,
    tables: &[TableSpec],
    selected: &[IdSet],
) -> Result<()> {
    for (spec, sel) in tables.iter().zip(selected) {
        if walk_proves_foreign_keys(conn, &graph.root, spec)? {
            continue;
        }
        let mut stmt = conn.prepare_cached("SELECT rowid, \"parent\" FROM pragma_foreign_key_check(?1)")?;
        let mut rows = stmt.query([&spec.name])?;
        while let Some(r) = rows.next()? {
            let rowid: Option<i64> = r.get(0)?;
            if let Some(rowid) = rowid
                && sel.contains(rowid)
            {
                return Err(DbError::ForeignKeyViolation { table: spec.name.clone(), rowid, parent: r.get(1)? });
            }
        }
    }
    Ok(())
}

/// Whether the walk proved every foreign key of `spec`'s selected rows:
/// each key is one column, and that column is
///
/// - a reference to an owned table, in a table other than the root: a
///   selected row's non-NULL value is the key of a row the walk selected
///   before it (`OwnedRows::follow_refs`; a value it did not select is
///   refused as dangling or cross-client, a row with no such value is not
///   selected), or
/// - a reference to a catalogue: every non-NULL value of a selected row is
///   an integer (`OwnedRows::note_catalogue_refs` refuses any other) that
///   is the key of an existing row (`OwnedRows::missing_catalogue_rows`).
///
/// The graph makes every such reference point at its target's integer
/// key. A key of several columns, or on the primary key, or an owned
/// reference of the root (`root`, whose rows are chosen by id, not by
/// their references), is left to SQLite's check.
fn walk_proves_foreign_keys(conn: &Connection, root: &str, spec: &TableSpec) -> Result<bool> {
    type Key = (i64, String, String, Option<String>);
    let mut stmt = conn.prepare_cached("SELECT id, \"from\", \"table\", \"to\" FROM pragma_foreign_key_list(?1)")?;
    let keys: Vec<Key> = stmt
        .query_map([&spec.name], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let mut target_key = conn.prepare_cached("SELECT name FROM pragma_table_info(?1) WHERE pk > 0")?;
    for (id, from, target, to) in &keys {
        let one_column = keys.iter().filter(|(other, ..)| other == id).count() == 1;
        let role = spec.columns.iter().find(|c| &c.name == from).map(|c| &c.role);
        let walked = match role {
            Some(ColumnRole::OwnedRef { table }) => table == target && spec.name != root,
            Some(ColumnRole::CatalogueRef { table }) => table == target,
            _ => false,
        };
        // The key the walk looks values up by is the target's one-column
        // primary key (the graph's integer key): a key to another column
        // of it (a second key on the same column, say) is not proved.
        let pk: Vec<String> = target_key.query_map([target], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
        let to_the_key = match (pk.as_slice(), to) {
            ([key], Some(to)) => key.eq_ignore_ascii_case(to),
            ([_], None) => true,
            _ => false,
        };
        if !(one_column && walked && to_the_key) {
            return Ok(false);
        }
    }
    Ok(true)
}

/// Streams every selected row to `sink`, table by table in stream order.
pub fn extract<S: RowSink>(
    conn: &Connection,
    selection: &Selection,
    sink: &mut S,
) -> Result<(), ExtractError<S::Error>> {
    extract_tables(conn, selection, sink, |_| true)
}

/// [`extract`] of the catalogue tables only (first in stream order): what
/// [`select_clients_streaming`] did not hand over.
pub fn extract_catalogues<S: RowSink>(
    conn: &Connection,
    selection: &Selection,
    sink: &mut S,
) -> Result<(), ExtractError<S::Error>> {
    extract_tables(conn, selection, sink, |spec| spec.kind == TableKind::Catalogue)
}

fn extract_tables<S: RowSink>(
    conn: &Connection,
    selection: &Selection,
    sink: &mut S,
    wanted: impl Fn(&TableSpec) -> bool,
) -> Result<(), ExtractError<S::Error>> {
    for (spec, ids) in selection.tables.iter().zip(&selection.ids).filter(|(spec, _)| wanted(spec)) {
        // Every reference travels as the sender's key of a row carried
        // earlier (spec/FORMAT.md §7.1); the selection has refused a
        // reference to a row that does not exist.
        let select = value_columns(spec, "t.");
        // One range per run of consecutive ids, not one look-up per id: a
        // selection is mostly long runs (a client's rows were entered
        // together; an export of every client is one run per table), and
        // a range walks the table's b-tree once. The key is the row id
        // (the profile refuses any other), so each range is in key order.
        let key = q(spec.key_name());
        let sql = format!(
            "SELECT t.{key}, {} FROM {} t WHERE t.{key} >= ?1 AND t.{key} <= ?2 ORDER BY t.{key}",
            select.join(", "),
            q(&spec.name)
        );
        let mut stmt = conn.prepare(&sql)?;
        let mut row_buf = Vec::new();
        sink.begin_table(spec).map_err(ExtractError::Sink)?;
        for (first, last) in ids.ranges() {
            let mut rows = stmt.query([first, last])?;
            let mut expected = first;
            while let Some(r) = rows.next()? {
                // A row gone since the selection (the transaction should
                // make that impossible) is a gap in the range.
                let id: i64 = r.get(0)?;
                if id != expected {
                    return Err(DbError::ChangedDuringExport { table: spec.name.clone(), rowid: expected }.into());
                }
                let row = row_values(std::mem::take(&mut row_buf), r, spec, 1)?;
                sink.row(&row).map_err(ExtractError::Sink)?;
                row_buf = emptied(row);
                expected = expected.wrapping_add(1);
            }
            if expected != last.wrapping_add(1) {
                return Err(DbError::ChangedDuringExport { table: spec.name.clone(), rowid: expected }.into());
            }
        }
        sink.end_table(ids.len() as u64).map_err(ExtractError::Sink)?;
    }
    Ok(())
}

/// The values of `spec`'s columns in `r`, from column `first` on (as
/// [`value_columns`] selected them), borrowed.
/// They go into `values` (empty), whose memory is reused row after row.
fn row_values<'r>(
    mut values: Vec<ValueRef<'r>>,
    r: &'r rusqlite::Row<'_>,
    spec: &TableSpec,
    first: usize,
) -> Result<Vec<ValueRef<'r>>> {
    for (i, column) in spec.columns.iter().enumerate() {
        values.push(borrowed(r, first + i, &spec.name, &column.name)?);
    }
    Ok(values)
}

/// `values` emptied, its memory kept for the next row's (which borrows
/// from another row): collected in place, as nothing is left to map.
fn emptied<'b>(mut values: Vec<ValueRef<'_>>) -> Vec<ValueRef<'b>> {
    values.clear();
    values.into_iter().map(|_| ValueRef::Null).collect()
}

/// Column `i` of `r`, borrowed; text that is not UTF-8 (SQLite stores what
/// a program gave it) is refused by name, as a row cannot carry it.
fn borrowed<'r>(r: &'r rusqlite::Row<'_>, i: usize, table: &str, column: &str) -> Result<ValueRef<'r>> {
    use rusqlite::types::ValueRef as Sql;
    Ok(match r.get_ref(i)? {
        Sql::Null => ValueRef::Null,
        Sql::Integer(v) => ValueRef::Integer(v),
        Sql::Real(v) => ValueRef::Real(v),
        Sql::Text(b) => ValueRef::Text(std::str::from_utf8(b).map_err(|_| DbError::UnexpectedValue {
            table: table.to_owned(),
            column: column.to_owned(),
            detail: fl!("db-detail-text-not-utf8"),
        })?),
        Sql::Blob(b) => ValueRef::Bytes(b),
    })
}

/// A borrowed row value as the database's own [`Value`].
pub fn owned_value(v: ValueRef<'_>) -> Value {
    match v {
        ValueRef::Null => Value::Null,
        ValueRef::Integer(i) => Value::Integer(i),
        ValueRef::Real(f) => Value::Real(f),
        ValueRef::Text(s) => Value::Text(s.to_owned()),
        ValueRef::Bytes(b) => Value::Blob(b.to_vec()),
    }
}

/// A document about to be streamed by [`for_each_blob`].
#[derive(Debug, Clone, Copy)]
pub struct BlobInfo<'a> {
    /// Table holding it.
    pub table: &'a str,
    /// Blob column.
    pub column: &'a str,
    /// Source local row id (the row's `PrimaryKey` value in the stream).
    pub rowid: i64,
    /// Exact byte length (the value sent in the row).
    pub len: u64,
}

struct HashingReader<R> {
    inner: R,
    hasher: Sha256,
    read: u64,
}

impl<R: Read> Read for HashingReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.hasher.update(&buf[..n]);
        self.read += n as u64;
        Ok(n)
    }
}

/// Streams every selected non-NULL blob through incremental blob I/O, in
/// stream table order, blob columns in column order, rows by ascending id.
///
/// Memory stays constant whatever the document size. If the table has a
/// `sha256` column (hex), the streamed bytes are verified against it and a
/// mismatch is an error after the callback returned, so the caller must
/// discard what it wrote on error. Unread bytes are drained for the hash.
pub fn for_each_blob<E, F>(conn: &Connection, selection: &Selection, f: F) -> Result<(), ExtractError<E>>
where
    F: FnMut(&BlobInfo<'_>, &mut dyn Read) -> Result<(), E>,
{
    blobs(conn, selection, f, true)
}

/// [`for_each_blob`] without its own SHA-256 check, for a caller that
/// hashes every byte itself and compares with the stored `sha256` (the
/// export's bundle writer does), so documents are not hashed twice.
pub fn for_each_blob_hashed_by_caller<E, F>(
    conn: &Connection,
    selection: &Selection,
    f: F,
) -> Result<(), ExtractError<E>>
where
    F: FnMut(&BlobInfo<'_>, &mut dyn Read) -> Result<(), E>,
{
    blobs(conn, selection, f, false)
}

fn blobs<E, F>(conn: &Connection, selection: &Selection, mut f: F, verify: bool) -> Result<(), ExtractError<E>>
where
    F: FnMut(&BlobInfo<'_>, &mut dyn Read) -> Result<(), E>,
{
    for (spec, ids) in selection.tables.iter().zip(&selection.ids) {
        if spec.kind != TableKind::Owned {
            continue;
        }
        for col in spec.columns.iter().filter(|c| c.role == ColumnRole::Blob) {
            let hash = selection.hash_column(&spec.name, &col.name).filter(|_| verify);
            let has_hash = hash.is_some();
            let meta_sql = format!(
                "SELECT length({c}), {h} FROM {t} WHERE {k} = ?1",
                c = q(&col.name),
                h = hash.map_or_else(|| "NULL".to_owned(), q),
                t = q(&spec.name),
                k = q(spec.key_name())
            );
            let mut meta = conn.prepare(&meta_sql)?;
            for id in ids.iter() {
                let (len, want): (Option<i64>, Option<String>) =
                    meta.query_row([id], |r| Ok((r.get(0)?, r.get(1)?)))?;
                let Some(len) = len else { continue };
                let blob = conn.blob_open(MAIN_DB, spec.name.as_str(), col.name.as_str(), id, true)?;
                let info = BlobInfo { table: &spec.name, column: &col.name, rowid: id, len: len as u64 };
                if !has_hash {
                    let mut blob = blob;
                    f(&info, &mut blob).map_err(ExtractError::Sink)?;
                    continue;
                }
                let mut reader = HashingReader { inner: blob, hasher: Sha256::new(), read: 0 };
                f(&info, &mut reader).map_err(ExtractError::Sink)?;
                std::io::copy(&mut reader, &mut std::io::sink())
                    .map_err(|e| DbError::io(fl!("db-io-reading-document"), e))?;
                let got = hex::encode(reader.hasher.finalize());
                if let Some(want) = want
                    && !want.eq_ignore_ascii_case(&got)
                {
                    return Err(DbError::DocumentMismatch {
                        table: spec.name.clone(),
                        rowid: id,
                        column: col.name.clone(),
                        detail: fl!("db-detail-sha256-differs"),
                    }
                    .into());
                }
            }
        }
    }
    Ok(())
}

/// Checks the whole database: `PRAGMA integrity_check`, `PRAGMA
/// foreign_key_check`, dangling and cross-client references, rows that
/// reach no client, every document's size and SHA-256, and triggers, views
/// and indexes the reference schema does not define.
pub fn check_database(conn: &Connection) -> Result<CheckReport> {
    let graph = installation_graph(conn)?;
    let mut report = CheckReport { integrity: integrity_problems(conn)?, ..CheckReport::default() };
    // A host database's triggers and indexes are its program's; only
    // bemx's own schema has a reference to compare with.
    let schema = if crate::graph::installation_profile(conn)?.is_some() { Vec::new() } else { schema_problems(conn)? };
    let mut findings = Findings::default();
    let owned = check_ownership(conn, &graph, &mut findings)?;
    let violations: Vec<(String, Option<i64>, String)> = {
        let mut stmt = conn.prepare("SELECT \"table\", rowid, \"parent\" FROM pragma_foreign_key_check")?;
        stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?.collect::<rusqlite::Result<_>>()?
    };
    for (table, rowid, parent) in violations {
        let rowid = rowid.unwrap_or(0);
        // A row already reported by the ownership walk is reported once.
        if findings.seen.contains(&(table.clone(), rowid)) {
            continue;
        }
        findings.record(DbError::ForeignKeyViolation { table, rowid, parent });
    }
    for spec in &owned {
        report.rows_per_table.push((
            spec.name.clone(),
            conn.query_row(&format!("SELECT count(*) FROM {}", q(&spec.name)), [], |r| r.get::<_, i64>(0))? as u64,
        ));
    }
    report.documents_verified = verify_documents(conn, &graph, &owned, &mut findings)?;
    // Schema problems first: a planted trigger outranks any row finding.
    report.problems = schema;
    report.problems.extend(findings.problems);
    report.problems.truncate(MAX_PROBLEMS);
    Ok(report)
}

/// Triggers, views and indexes that differ from a fresh database of the
/// reference schema: added, altered or missing. A trigger planted by another
/// program (or carried in by a restored file) runs with every write bemx
/// makes, so it is named as a problem; tables are left to the ownership walk.
fn schema_problems(conn: &Connection) -> Result<Vec<Problem>> {
    type Objects = std::collections::BTreeMap<(String, String), (String, String)>;
    fn objects(conn: &Connection) -> Result<Objects> {
        let mut stmt = conn.prepare(
            "SELECT type, name, tbl_name, sql FROM sqlite_master
             WHERE sql IS NOT NULL AND type IN ('index', 'trigger', 'view')",
        )?;
        let rows = stmt.query_map([], |r| {
            let sql: String = r.get(3)?;
            // Whitespace does not change what a statement does.
            let normalised = sql.split_whitespace().collect::<Vec<_>>().join(" ");
            Ok(((r.get(0)?, r.get(1)?), (r.get(2)?, normalised)))
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
    let mut reference = Connection::open_in_memory()?;
    crate::schema::migrate(&mut reference)?;
    let expected = objects(&reference)?;
    let found = objects(conn)?;
    let problem =
        |table: &str, message: String| Problem { table: Some(table.to_string()), rowid: None, column: None, message };
    // `kind` is SQLite's word for the object (index, trigger, view): the
    // catalogues name it by it.
    let mut out = Vec::new();
    for ((kind, name), (table, sql)) in &found {
        let (kind, quoted) = (kind.as_str(), format!("{name:?}"));
        match expected.get(&(kind.to_owned(), name.clone())) {
            None => out.push(problem(
                table,
                fl!("db-schema-object-added", kind = kind, name = quoted, table = table.as_str()),
            )),
            Some((_, want)) if want != sql => out.push(problem(
                table,
                fl!("db-schema-object-changed", kind = kind, name = quoted, table = table.as_str()),
            )),
            Some(_) => {}
        }
    }
    for ((kind, name), (table, _)) in &expected {
        if !found.contains_key(&(kind.clone(), name.clone())) {
            out.push(problem(
                table,
                fl!(
                    "db-schema-object-missing",
                    kind = kind.as_str(),
                    name = format!("{name:?}"),
                    table = table.as_str()
                ),
            ));
        }
    }
    Ok(out)
}

/// The lines of `PRAGMA integrity_check` other than "ok".
fn integrity_problems(conn: &Connection) -> Result<Vec<String>> {
    let mut lines = Vec::new();
    let mut stmt = conn.prepare("PRAGMA integrity_check")?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        let line: String = r.get(0)?;
        if line != "ok" {
            lines.push(line);
        }
    }
    Ok(lines)
}

/// Problems found by [`check_database`], the first [`MAX_PROBLEMS`] kept.
#[derive(Debug, Default)]
struct Findings {
    problems: Vec<Problem>,
    /// (table, row id) of every problem, kept or not.
    seen: HashSet<(String, i64)>,
}

impl Findings {
    fn record(&mut self, e: DbError) {
        let p = Problem::from(&e);
        if let (Some(t), Some(r)) = (&p.table, p.rowid) {
            self.seen.insert((t.clone(), r));
        }
        if self.problems.len() < MAX_PROBLEMS {
            self.problems.push(p);
        }
    }
}

/// Walks every owned table, noting each problem; returns the tables.
fn check_ownership(conn: &Connection, graph: &Graph, findings: &mut Findings) -> Result<Vec<TableSpec>> {
    let mut owned = OwnedRows::new(graph);
    for t in 0..owned.tables.len() {
        let rows = check_table_rows(conn, &mut owned, t, findings)?;
        owned.owners.push(rows);
    }
    owned.close_catalogue_refs(conn)?;
    for e in owned.missing_catalogue_rows(conn)? {
        findings.record(e);
    }
    Ok(owned.tables)
}

/// Every row of owned table `t` and its client (row id -> client).
/// Unlike the export selection it reads every client's rows, goes on after
/// a problem, and also reports rows that reach no client.
fn check_table_rows(conn: &Connection, owned: &mut OwnedRows, t: usize, findings: &mut Findings) -> Result<RunMap> {
    let cols = owned.columns(t);
    let mut owners = RunMap::same();
    let mut stmt = conn.prepare(&cols.sql(&[]))?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        let id: i64 = r.get(0)?;
        let owner = if cols.is_root() {
            id
        } else {
            let found = owned.follow_refs(&cols, r, id)?;
            for e in found.problems {
                findings.record(e);
            }
            for u in &found.unresolved {
                let e = owned.bad_ref(conn, &cols, id, u)?;
                // A parent that exists but is unowned was reported at its
                // own row already.
                if !matches!(e, DbError::CrossClientReference { .. }) {
                    findings.record(e);
                }
            }
            if !found.any_ref {
                findings.record(DbError::DanglingReference {
                    table: cols.table.clone(),
                    rowid: id,
                    column: cols.first_ref().into(),
                    target: owned.tables.first().map(|t| t.name.clone()).unwrap_or_default(),
                    value: 0,
                });
            }
            let Some(owner) = found.owner else { continue };
            owner
        };
        owners.insert(id, owner);
        // Such a value is reported by the foreign-key check where it names
        // no row, as before.
        let _ = owned.note_catalogue_refs(&cols, r, id)?;
        for e in check_blobs(&cols, r, id)?.problems {
            findings.record(e);
        }
    }
    Ok(owners)
}

/// Streams every document, owned or orphaned, through [`for_each_blob`]'s
/// hash check; returns how many matched.
fn verify_documents(conn: &Connection, graph: &Graph, owned: &[TableSpec], findings: &mut Findings) -> Result<u64> {
    let mut verified = 0u64;
    for spec in owned.iter().filter(|s| s.columns.iter().any(|c| c.role == ColumnRole::Blob)) {
        let ids = {
            let key = q(spec.key_name());
            let mut stmt = conn.prepare(&format!("SELECT {key} FROM {} ORDER BY {key}", q(&spec.name)))?;
            stmt.query_map([], |r| r.get(0))?.collect::<rusqlite::Result<Vec<i64>>>()?
        };
        for id in ids {
            let one = Selection {
                tables: vec![spec.clone()],
                documents: graph.documents.clone(),
                ids: vec![IdSet::from_ids(&[id])],
                client_uuids: Vec::new(),
                blob_count: 0,
                blob_bytes: 0,
            };
            match for_each_blob(conn, &one, |_, _| Ok::<(), std::convert::Infallible>(())) {
                Ok(()) => verified += 1,
                Err(ExtractError::Db(e @ DbError::DocumentMismatch { .. })) => findings.record(e),
                Err(ExtractError::Db(e)) => return Err(e),
                Err(ExtractError::Sink(never)) => match never {},
            }
        }
    }
    Ok(verified)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The walk proves the foreign keys of every table of bemx's schema, so
    /// an export never runs SQLite's check there; a key it does not prove
    /// (on the primary key, of two columns, an owned reference of the root,
    /// a column the graph gave another role or none) keeps the check.
    #[test]
    fn the_foreign_keys_the_walk_proves() {
        let dir = tempfile::tempdir().unwrap();
        let db = crate::Database::create(dir.path().join("db.sqlite"), "01010101-0101-0101-0101-010101010101").unwrap();
        let graph = crate::reference_graph(db.conn()).unwrap();
        for spec in graph.stream_tables().iter().filter(|s| s.kind == TableKind::Owned) {
            assert!(walk_proves_foreign_keys(db.conn(), &graph.root, spec).unwrap(), "{}", spec.name);
        }
        let conn = Connection::open_in_memory().unwrap();
        conn.execute_batch(
            "CREATE TABLE cat (id INTEGER PRIMARY KEY, code TEXT);
             CREATE TABLE root (id INTEGER PRIMARY KEY, cat_id INTEGER REFERENCES cat(id), other_id INTEGER REFERENCES child(id));
             CREATE TABLE child (id INTEGER PRIMARY KEY, root_id INTEGER REFERENCES root(id), cat_id INTEGER REFERENCES cat(id));
             CREATE TABLE extra (id INTEGER PRIMARY KEY REFERENCES child(id));
             CREATE TABLE pair (id INTEGER PRIMARY KEY, a INTEGER, b INTEGER, FOREIGN KEY (a, b) REFERENCES two(x, y));
             CREATE TABLE cases (id INTEGER PRIMARY KEY, legacy_no INTEGER UNIQUE);
             CREATE TABLE notes (id INTEGER PRIMARY KEY, case_id INTEGER REFERENCES cases(id));
             CREATE TABLE notes2 (id INTEGER PRIMARY KEY, case_id INTEGER REFERENCES cases(legacy_no),
                                  FOREIGN KEY (case_id) REFERENCES cases(id));
             CREATE TABLE notes3 (id INTEGER PRIMARY KEY, case_id INTEGER REFERENCES cases);",
        )
        .unwrap();
        let column = |name: &str, role: ColumnRole| crate::ColumnSpec { name: name.into(), role, not_null: false };
        let owned = |t: &str| ColumnRole::OwnedRef { table: t.into() };
        let cat = || ColumnRole::CatalogueRef { table: "cat".into() };
        let table = |name: &str, columns: Vec<crate::ColumnSpec>| TableSpec {
            name: name.into(),
            kind: TableKind::Owned,
            columns,
        };
        let proves = |spec: &TableSpec| walk_proves_foreign_keys(&conn, "root", spec).unwrap();
        let pk = || column("id", ColumnRole::PrimaryKey);
        assert!(proves(&table("child", vec![pk(), column("root_id", owned("root")), column("cat_id", cat())])));
        assert!(!proves(&table(
            "child",
            vec![pk(), column("root_id", owned("root")), column("cat_id", ColumnRole::Value)]
        )));
        assert!(!proves(&table("child", vec![pk(), column("root_id", owned("cat")), column("cat_id", cat())])));
        assert!(!proves(&table("child", vec![pk(), column("cat_id", cat())])));
        assert!(!proves(&table("root", vec![pk(), column("cat_id", cat()), column("other_id", cat())])));
        assert!(!proves(&table("root", vec![pk(), column("cat_id", cat()), column("other_id", owned("child"))])));
        assert!(!proves(&table("extra", vec![pk()])));
        assert!(!proves(&table("pair", vec![pk(), column("a", owned("two")), column("b", owned("two"))])));
        // A key to the target's primary key, named or not; a second key on
        // the same column, to another column of the target, is not proved.
        assert!(proves(&table("notes", vec![pk(), column("case_id", owned("cases"))])));
        assert!(proves(&table("notes3", vec![pk(), column("case_id", owned("cases"))])));
        assert!(!proves(&table("notes2", vec![pk(), column("case_id", owned("cases"))])));
    }

    /// A row's values reuse the memory of the row before: emptied, the
    /// vector keeps what it held (an allocation per row was 3 % of an
    /// export of 785,000 rows).
    #[test]
    fn emptied_values_keep_their_memory() {
        let text = String::from("a value");
        let mut values: Vec<ValueRef<'_>> = Vec::with_capacity(12);
        values.extend([ValueRef::Null, ValueRef::Integer(3), ValueRef::Text(&text)]);
        let at = values.as_ptr() as usize;
        let next: Vec<ValueRef<'static>> = emptied(values);
        assert!(next.is_empty());
        assert_eq!(next.capacity(), 12);
        assert_eq!(next.as_ptr() as usize, at);
    }
}
