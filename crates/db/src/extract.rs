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

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt;
use std::io::Read;

use rusqlite::{Connection, MAIN_DB, OptionalExtension};
use sha2::{Digest, Sha256};

use crate::error::{DbError, Result};
use crate::graph::{ColumnRole, TableKind, TableSpec, catalogue_tables, export_tables, q};

pub use rusqlite::types::Value;

/// Receives the rows of an extraction as they are read.
pub trait RowSink {
    /// The sink's own error, returned unchanged inside [`ExtractError::Sink`].
    type Error;
    /// A table starts; exactly `row_count` calls to [`RowSink::row`] follow.
    fn begin_table(&mut self, spec: &TableSpec, row_count: u64) -> Result<(), Self::Error>;
    /// One row, values in `spec.columns` order, encoded as the module says.
    fn row(&mut self, values: &[Value]) -> Result<(), Self::Error>;
    /// The current table is complete.
    fn end_table(&mut self) -> Result<(), Self::Error>;
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
    ids: Vec<Vec<i64>>,
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
    /// Number of non-NULL blobs [`for_each_blob`] will stream.
    pub fn blob_count(&self) -> u64 {
        self.blob_count
    }
    /// Total bytes of those blobs.
    pub fn blob_bytes(&self) -> u64 {
        self.blob_bytes
    }
    /// Selected local row ids of one table, ascending.
    pub fn row_ids(&self, table: &str) -> Option<&[i64]> {
        self.tables.iter().position(|t| t.name == table).map(|i| self.ids[i].as_slice())
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

/// Ownership scan shared by extraction (stop at first problem) and the
/// whole-database check (collect problems).
struct Scan {
    owned: Vec<TableSpec>,
    /// Per owned table: selected row id -> owning client id.
    selected: Vec<HashMap<i64, i64>>,
    /// Per catalogue: referenced id -> first referencing (table, row, column).
    cat_refs: BTreeMap<String, BTreeMap<i64, (String, i64, String)>>,
    blob_count: u64,
    blob_bytes: u64,
}

type ProblemFn<'a> = &'a mut dyn FnMut(DbError) -> Result<()>;

fn row_exists(conn: &Connection, table: &str, id: i64) -> Result<bool> {
    Ok(conn
        .prepare_cached(&format!("SELECT 1 FROM {} WHERE id = ?1", q(table)))?
        .query_row([id], |_| Ok(()))
        .optional()?
        .is_some())
}

fn bad_ref(conn: &Connection, table: &str, rowid: i64, column: &str, target: &str, value: i64) -> Result<DbError> {
    Ok(if row_exists(conn, target, value)? {
        DbError::CrossClientReference {
            table: table.into(),
            rowid,
            column: column.into(),
            target: target.into(),
            value,
        }
    } else {
        DbError::DanglingReference { table: table.into(), rowid, column: column.into(), target: target.into(), value }
    })
}

fn scan(conn: &Connection, clients: Option<&[i64]>, problem: ProblemFn<'_>) -> Result<Scan> {
    let owned = export_tables(conn)?;
    let all = clients.is_none();
    let mut selected: Vec<HashMap<i64, i64>> = Vec::with_capacity(owned.len());
    let mut cat_refs: BTreeMap<String, BTreeMap<i64, (String, i64, String)>> = BTreeMap::new();
    let (mut blob_count, mut blob_bytes) = (0u64, 0u64);
    let index: HashMap<&str, usize> = owned.iter().enumerate().map(|(i, t)| (t.name.as_str(), i)).collect();

    for spec in &owned {
        let mut sel: HashMap<i64, i64> = HashMap::new();
        let refs: Vec<(&str, usize)> = spec
            .columns
            .iter()
            .filter_map(|c| match &c.role {
                ColumnRole::OwnedRef { table } => index.get(table.as_str()).map(|&i| (c.name.as_str(), i)),
                _ => None,
            })
            .collect();
        let cats: Vec<(&str, &str)> = spec
            .columns
            .iter()
            .filter_map(|c| match &c.role {
                ColumnRole::CatalogueRef { table } => Some((c.name.as_str(), table.as_str())),
                _ => None,
            })
            .collect();
        let blobs: Vec<&str> =
            spec.columns.iter().filter(|c| c.role == ColumnRole::Blob).map(|c| c.name.as_str()).collect();
        let has_size = blobs.len() == 1 && spec.columns.iter().any(|c| c.name == "size");

        let mut cols = vec!["id".to_owned()];
        cols.extend(refs.iter().map(|(c, _)| q(c)));
        cols.extend(cats.iter().map(|(c, _)| q(c)));
        for b in &blobs {
            cols.push(format!("typeof({0}), length({0})", q(b)));
        }
        if has_size {
            cols.push("\"size\"".into());
        }
        let sql = format!("SELECT {} FROM {} ORDER BY id", cols.join(", "), q(&spec.name));
        let mut stmt = conn.prepare(&sql)?;
        let mut rows = stmt.query([])?;
        let is_root = refs.is_empty();
        let wanted: Option<HashSet<i64>> = if is_root { clients.map(|c| c.iter().copied().collect()) } else { None };
        while let Some(r) = rows.next()? {
            let id: i64 = r.get(0)?;
            let mut pos = 1;
            let owner = if is_root {
                if wanted.as_ref().is_some_and(|w| !w.contains(&id)) {
                    continue;
                }
                Some(id)
            } else {
                let mut owner: Option<i64> = None;
                let mut bad: Vec<(&str, usize, i64)> = Vec::new();
                let mut any_ref = false;
                for (col, parent) in &refs {
                    let v: Value = r.get(pos)?;
                    pos += 1;
                    let v = match v {
                        Value::Null => continue,
                        Value::Integer(v) => v,
                        _ => {
                            problem(DbError::UnexpectedValue {
                                table: spec.name.clone(),
                                column: (*col).into(),
                                detail: format!("row {id} holds a non-integer reference"),
                            })?;
                            continue;
                        }
                    };
                    any_ref = true;
                    match selected[*parent].get(&v) {
                        Some(&o) if owner.is_none_or(|x| x == o) => owner = Some(o),
                        Some(_) => problem(DbError::CrossClientReference {
                            table: spec.name.clone(),
                            rowid: id,
                            column: (*col).into(),
                            target: owned[*parent].name.clone(),
                            value: v,
                        })?,
                        None => bad.push((col, *parent, v)),
                    }
                }
                // Rows of unselected clients are skipped silently; a row
                // that is ours but also points elsewhere is an error.
                if owner.is_some() || all {
                    for (col, parent, v) in bad {
                        let e = bad_ref(conn, &spec.name, id, col, &owned[parent].name, v)?;
                        // In a full check a parent that exists but is
                        // unowned was reported at its own row already.
                        if all && matches!(e, DbError::CrossClientReference { .. }) {
                            continue;
                        }
                        problem(e)?;
                    }
                }
                if all && !any_ref {
                    problem(DbError::DanglingReference {
                        table: spec.name.clone(),
                        rowid: id,
                        column: refs.first().map(|r| r.0).unwrap_or("id").into(),
                        target: "clients".into(),
                        value: 0,
                    })?;
                }
                owner
            };
            let Some(owner) = owner else { continue };
            sel.insert(id, owner);
            for (col, cat) in &cats {
                if let Value::Integer(v) = r.get::<_, Value>(pos)? {
                    cat_refs
                        .entry((*cat).to_owned())
                        .or_default()
                        .entry(v)
                        .or_insert_with(|| (spec.name.clone(), id, (*col).to_owned()));
                }
                pos += 1;
            }
            let mut lengths = Vec::new();
            for col in &blobs {
                let ty: String = r.get(pos)?;
                let len: Option<i64> = r.get(pos + 1)?;
                pos += 2;
                match ty.as_str() {
                    "null" => {}
                    "blob" => {
                        let len = len.unwrap_or(0);
                        blob_count += 1;
                        blob_bytes += len as u64;
                        lengths.push(len);
                    }
                    other => problem(DbError::UnexpectedValue {
                        table: spec.name.clone(),
                        column: (*col).into(),
                        detail: format!("row {id} holds {other} instead of a blob"),
                    })?,
                }
            }
            if has_size {
                let size: Option<i64> = r.get(pos)?;
                if let (Some(size), Some(&len)) = (size, lengths.first())
                    && size != len
                {
                    problem(DbError::DocumentMismatch {
                        table: spec.name.clone(),
                        rowid: id,
                        column: blobs[0].into(),
                        detail: format!("stored size {size} but content has {len} bytes"),
                    })?;
                }
            }
        }
        if let (true, Some(c)) = (is_root, clients) {
            for id in c {
                if !sel.contains_key(id) {
                    return Err(DbError::UnknownClientId { id: *id });
                }
            }
        }
        selected.push(sel);
    }

    for (cat, ids) in &cat_refs {
        for (id, (table, rowid, column)) in ids {
            if !row_exists(conn, cat, *id)? {
                problem(DbError::DanglingReference {
                    table: table.clone(),
                    rowid: *rowid,
                    column: column.clone(),
                    target: cat.clone(),
                    value: *id,
                })?;
            }
        }
    }

    Ok(Scan { owned, selected, cat_refs, blob_count, blob_bytes })
}

/// Computes and checks the closure of rows owned by the given clients
/// (local ids). Refuses dangling references, foreign-key violations,
/// references into other clients' rows and documents whose stored size
/// disagrees with their content.
pub fn select_clients(conn: &Connection, client_ids: &[i64]) -> Result<Selection> {
    let mut fail = |e: DbError| -> Result<()> { Err(e) };
    let scan = scan(conn, Some(client_ids), &mut fail)?;

    for (spec, sel) in scan.owned.iter().zip(&scan.selected) {
        let mut stmt = conn.prepare_cached("SELECT rowid, \"parent\" FROM pragma_foreign_key_check(?1)")?;
        let mut rows = stmt.query([&spec.name])?;
        while let Some(r) = rows.next()? {
            let rowid: Option<i64> = r.get(0)?;
            if let Some(rowid) = rowid
                && sel.contains_key(&rowid)
            {
                return Err(DbError::ForeignKeyViolation { table: spec.name.clone(), rowid, parent: r.get(1)? });
            }
        }
    }

    let cats = catalogue_tables(conn, &scan.owned)?;
    let mut tables = Vec::new();
    let mut ids = Vec::new();
    for c in cats {
        let mut v: Vec<i64> = scan.cat_refs.get(&c.name).map(|m| m.keys().copied().collect()).unwrap_or_default();
        v.sort_unstable();
        tables.push(c);
        ids.push(v);
    }
    let mut client_uuids = Vec::new();
    for (spec, sel) in scan.owned.into_iter().zip(scan.selected) {
        let mut v: Vec<i64> = sel.into_keys().collect();
        v.sort_unstable();
        if spec.name == crate::graph::CLIENTS_TABLE {
            let mut stmt = conn.prepare_cached("SELECT uuid FROM clients WHERE id = ?1")?;
            for id in &v {
                client_uuids.push(stmt.query_row([id], |r| r.get(0))?);
            }
        }
        tables.push(spec);
        ids.push(v);
    }
    Ok(Selection { tables, ids, client_uuids, blob_count: scan.blob_count, blob_bytes: scan.blob_bytes })
}

/// Streams every selected row to `sink`, table by table in stream order.
pub fn extract<S: RowSink>(
    conn: &Connection,
    selection: &Selection,
    sink: &mut S,
) -> Result<(), ExtractError<S::Error>> {
    for (spec, ids) in selection.tables.iter().zip(&selection.ids) {
        let mut select = Vec::new();
        let mut checks: Vec<(usize, usize, &str, &str)> = Vec::new();
        let n = spec.columns.len();
        for c in &spec.columns {
            let col = format!("t.{}", q(&c.name));
            select.push(match &c.role {
                ColumnRole::CatalogueRef { table } => {
                    checks.push((select.len(), n + checks.len(), c.name.as_str(), table.as_str()));
                    format!("(SELECT code FROM {} WHERE id = {col})", q(table))
                }
                ColumnRole::Blob => format!("length({col})"),
                _ => col,
            });
        }
        for (_, _, name, _) in &checks {
            select.push(format!("t.{}", q(name)));
        }
        let sql = format!("SELECT {} FROM {} t WHERE t.id = ?1", select.join(", "), q(&spec.name));
        let mut stmt = conn.prepare(&sql)?;
        sink.begin_table(spec, ids.len() as u64).map_err(ExtractError::Sink)?;
        let mut values: Vec<Value> = Vec::with_capacity(n);
        for &id in ids {
            let mut rows = stmt.query([id])?;
            let Some(r) = rows.next()? else {
                return Err(DbError::ChangedDuringExport { table: spec.name.clone(), rowid: id }.into());
            };
            values.clear();
            for i in 0..n {
                values.push(r.get(i)?);
            }
            for &(vi, ri, name, table) in &checks {
                if let (Value::Null, Value::Integer(raw)) = (&values[vi], r.get::<_, Value>(ri)?) {
                    return Err(DbError::DanglingReference {
                        table: spec.name.clone(),
                        rowid: id,
                        column: name.into(),
                        target: table.into(),
                        value: raw,
                    }
                    .into());
                }
            }
            sink.row(&values).map_err(ExtractError::Sink)?;
        }
        sink.end_table().map_err(ExtractError::Sink)?;
    }
    Ok(())
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
        let has_hash = verify && spec.columns.iter().any(|c| c.name == "sha256");
        for col in spec.columns.iter().filter(|c| c.role == ColumnRole::Blob) {
            let meta_sql = format!(
                "SELECT length({c}), {h} FROM {t} WHERE id = ?1",
                c = q(&col.name),
                h = if has_hash { "\"sha256\"" } else { "NULL" },
                t = q(&spec.name)
            );
            let mut meta = conn.prepare(&meta_sql)?;
            for &id in ids {
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
                std::io::copy(&mut reader, &mut std::io::sink()).map_err(|e| DbError::io("reading a document", e))?;
                let got = hex::encode(reader.hasher.finalize());
                if let Some(want) = want
                    && !want.eq_ignore_ascii_case(&got)
                {
                    return Err(DbError::DocumentMismatch {
                        table: spec.name.clone(),
                        rowid: id,
                        column: col.name.clone(),
                        detail: "stored sha256 does not match the content".into(),
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
/// reach no client, and every document's size and SHA-256.
pub fn check_database(conn: &Connection) -> Result<CheckReport> {
    let mut report = CheckReport::default();
    {
        let mut stmt = conn.prepare("PRAGMA integrity_check")?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            let line: String = r.get(0)?;
            if line != "ok" {
                report.integrity.push(line);
            }
        }
    }
    let mut problems: Vec<Problem> = Vec::new();
    let mut seen: HashSet<(String, i64)> = HashSet::new();
    let record = |problems: &mut Vec<Problem>, seen: &mut HashSet<(String, i64)>, e: DbError| {
        let p = Problem::from(&e);
        if let (Some(t), Some(r)) = (&p.table, p.rowid) {
            seen.insert((t.clone(), r));
        }
        if problems.len() < MAX_PROBLEMS {
            problems.push(p);
        }
    };
    let scan = {
        let mut collect = |e: DbError| -> Result<()> {
            record(&mut problems, &mut seen, e);
            Ok(())
        };
        scan(conn, None, &mut collect)?
    };
    let violations: Vec<(String, Option<i64>, String)> = {
        let mut stmt = conn.prepare("SELECT \"table\", rowid, \"parent\" FROM pragma_foreign_key_check")?;
        stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?.collect::<rusqlite::Result<_>>()?
    };
    for (table, rowid, parent) in violations {
        let rowid = rowid.unwrap_or(0);
        if seen.contains(&(table.clone(), rowid)) {
            continue;
        }
        record(&mut problems, &mut seen, DbError::ForeignKeyViolation { table, rowid, parent });
    }
    // Verify every document, owned or orphaned, by streaming it.
    let mut selection_tables = Vec::new();
    let mut ids = Vec::new();
    for spec in &scan.owned {
        report.rows_per_table.push((
            spec.name.clone(),
            conn.query_row(&format!("SELECT count(*) FROM {}", q(&spec.name)), [], |r| r.get::<_, i64>(0))? as u64,
        ));
        if spec.columns.iter().any(|c| c.role == ColumnRole::Blob) {
            let mut stmt = conn.prepare(&format!("SELECT id FROM {} ORDER BY id", q(&spec.name)))?;
            let v = stmt.query_map([], |r| r.get(0))?.collect::<rusqlite::Result<Vec<i64>>>()?;
            selection_tables.push(spec.clone());
            ids.push(v);
        }
    }
    let docs = Selection { tables: selection_tables, ids, client_uuids: Vec::new(), blob_count: 0, blob_bytes: 0 };
    let mut verified = 0u64;
    for (spec, ids) in docs.tables.iter().zip(&docs.ids) {
        for &id in ids {
            let one = Selection {
                tables: vec![spec.clone()],
                ids: vec![vec![id]],
                client_uuids: Vec::new(),
                blob_count: 0,
                blob_bytes: 0,
            };
            match for_each_blob(conn, &one, |_, _| Ok::<(), std::convert::Infallible>(())) {
                Ok(()) => verified += 1,
                Err(ExtractError::Db(e @ DbError::DocumentMismatch { .. })) => record(&mut problems, &mut seen, e),
                Err(ExtractError::Db(e)) => return Err(e),
                Err(ExtractError::Sink(never)) => match never {},
            }
        }
    }
    report.documents_verified = verified;
    report.problems = problems;
    Ok(report)
}
