//! The pieces the export selection ([`crate::select_clients`]) and the
//! whole-database check ([`crate::check_database`]) share: reading owned
//! tables in topological order, following a row's references to the client
//! that owns it, and checking the row's own values.
//!
//! Each of the two walks the tables itself, because they differ in what
//! they read (some clients or all), in what a problem means (refuse the
//! export or note it and go on) and in which problems they look for.

use std::collections::BTreeMap;

use rusqlite::{Connection, OptionalExtension, Row};

use crate::error::{DbError, Result};
use crate::extract::Value;
use crate::graph::{ColumnRole, Graph, TableSpec, q};
use crate::i18n::fl;
use crate::runs::RunMap;

/// Per catalogue: referenced id -> the first row referencing it (table,
/// row id, column), to name in a dangling-reference problem.
pub(crate) type CatalogueRefs = BTreeMap<String, BTreeMap<i64, (String, i64, String)>>;

/// Client-owned tables in topological order and what a walk found so far.
#[derive(Debug)]
pub(crate) struct OwnedRows {
    pub(crate) tables: Vec<TableSpec>,
    /// The catalogues of the same graph, in stream order.
    pub(crate) catalogues: Vec<TableSpec>,
    /// Per table walked so far: row id -> owning client id.
    pub(crate) owners: Vec<RunMap>,
    pub(crate) cat_refs: CatalogueRefs,
}

impl OwnedRows {
    pub(crate) fn new(graph: &Graph) -> Self {
        let catalogues = graph.catalogues.iter().map(|c| c.spec.clone()).collect();
        let tables = graph.owned.clone();
        OwnedRows { owners: Vec::with_capacity(tables.len()), tables, catalogues, cat_refs: CatalogueRefs::new() }
    }

    /// For each table, the last table that references it (itself if none
    /// does): after that one is walked, its row owners are no longer
    /// looked up, and the walk keeps only its ids.
    pub(crate) fn last_referenced(&self) -> Vec<usize> {
        let mut last: Vec<usize> = (0..self.tables.len()).collect();
        for t in 0..self.tables.len() {
            for (_, parent) in &self.columns(t).refs {
                last[*parent] = last[*parent].max(t);
            }
        }
        last
    }

    /// Where table `t` keeps its references. Walk the tables in order:
    /// parents come first in topological order, so when table `t` is read,
    /// `owners` holds the rows of every table it references.
    pub(crate) fn columns(&self, t: usize) -> ScanColumns {
        ScanColumns::new(&self.tables, t)
    }

    /// Follows a row's references to the owned rows of the tables walked
    /// so far.
    pub(crate) fn follow_refs(&self, cols: &ScanColumns, r: &Row<'_>, id: i64) -> Result<Owners> {
        let mut found = Owners::default();
        for (i, (column, parent)) in cols.refs.iter().enumerate() {
            let value = match r.get::<_, Value>(cols.ref_pos(i))? {
                Value::Null => continue,
                Value::Integer(v) => v,
                _ => {
                    found.problems.push(DbError::UnexpectedValue {
                        table: cols.table.clone(),
                        column: column.clone(),
                        detail: fl!("db-detail-non-integer-reference", rowid = id.to_string()),
                    });
                    continue;
                }
            };
            found.any_ref = true;
            match self.owners[*parent].get(value) {
                Some(o) if found.owner.is_none_or(|x| x == o) => found.owner = Some(o),
                Some(_) => found.problems.push(DbError::CrossClientReference {
                    table: cols.table.clone(),
                    rowid: id,
                    column: column.clone(),
                    target: self.tables[*parent].name.clone(),
                    value,
                }),
                None => found.unresolved.push(Unresolved { column: i, parent: *parent, value }),
            }
        }
        Ok(found)
    }

    /// What an unresolved reference is: cross-client if the target row
    /// exists (it belongs to no client walked), dangling if it does not.
    pub(crate) fn bad_ref(&self, conn: &Connection, cols: &ScanColumns, id: i64, u: &Unresolved) -> Result<DbError> {
        let table = cols.table.clone();
        let column = cols.refs[u.column].0.clone();
        let target = self.tables[u.parent].name.clone();
        let value = u.value;
        Ok(if row_exists(conn, &self.tables[u.parent], value)? {
            DbError::CrossClientReference { table, rowid: id, column, target, value }
        } else {
            DbError::DanglingReference { table, rowid: id, column, target, value }
        })
    }

    /// Remembers the catalogue rows an owned row references. A value that
    /// is neither NULL nor an integer can name no catalogue row: it is
    /// returned, for the caller to refuse or report.
    pub(crate) fn note_catalogue_refs(&mut self, cols: &ScanColumns, r: &Row<'_>, id: i64) -> Result<Option<DbError>> {
        let mut problem = None;
        for (i, (column, catalogue)) in cols.cats.iter().enumerate() {
            let v = match r.get::<_, Value>(cols.cat_pos(i))? {
                Value::Null => continue,
                Value::Integer(v) => v,
                _ => {
                    problem.get_or_insert_with(|| DbError::UnexpectedValue {
                        table: cols.table.clone(),
                        column: column.clone(),
                        detail: fl!("db-detail-non-integer-reference", rowid = id.to_string()),
                    });
                    continue;
                }
            };
            self.cat_refs
                .entry(catalogue.clone())
                .or_default()
                .entry(v)
                .or_insert_with(|| (cols.table.clone(), id, column.clone()));
        }
        Ok(problem)
    }

    /// Adds the catalogue rows that referenced catalogue rows reference in
    /// turn (an album's artist), so that every row a carried row needs is
    /// carried. The catalogues come in stream order, each after those it
    /// references: walked backwards, each is complete when it is read.
    pub(crate) fn close_catalogue_refs(&mut self, conn: &Connection) -> Result<()> {
        for spec in self.catalogues.iter().rev() {
            let refs: Vec<(usize, &str)> = spec
                .columns
                .iter()
                .enumerate()
                .filter_map(|(i, c)| match &c.role {
                    ColumnRole::CatalogueRef { table } => Some((i, table.as_str())),
                    _ => None,
                })
                .collect();
            let Some(ids) = self.cat_refs.get(&spec.name) else { continue };
            if refs.is_empty() {
                continue;
            }
            let ids: Vec<i64> = ids.keys().copied().collect();
            let cols: Vec<String> = refs.iter().map(|(i, _)| q(&spec.columns[*i].name)).collect();
            let mut stmt = conn.prepare(&format!(
                "SELECT {} FROM {} WHERE {} = ?1",
                cols.join(", "),
                q(&spec.name),
                q(spec.key_name())
            ))?;
            for id in ids {
                let mut rows = stmt.query([id])?;
                // A missing row is reported by missing_catalogue_rows.
                let Some(r) = rows.next()? else { continue };
                for (k, (i, target)) in refs.iter().enumerate() {
                    if let Value::Integer(v) = r.get::<_, Value>(k)? {
                        self.cat_refs
                            .entry((*target).to_owned())
                            .or_default()
                            .entry(v)
                            .or_insert_with(|| (spec.name.clone(), id, spec.columns[*i].name.clone()));
                    }
                }
            }
        }
        Ok(())
    }

    /// A dangling-reference problem for each referenced catalogue row that
    /// does not exist.
    pub(crate) fn missing_catalogue_rows(&self, conn: &Connection) -> Result<Vec<DbError>> {
        let mut problems = Vec::new();
        for (cat, ids) in &self.cat_refs {
            let Some(spec) = self.catalogues.iter().find(|c| &c.name == cat) else { continue };
            for (id, (table, rowid, column)) in ids {
                if !row_exists(conn, spec, *id)? {
                    problems.push(DbError::DanglingReference {
                        table: table.clone(),
                        rowid: *rowid,
                        column: column.clone(),
                        target: cat.clone(),
                        value: *id,
                    });
                }
            }
        }
        Ok(problems)
    }
}

/// The columns of one owned table that a walk reads, and where they sit
/// in the row of [`ScanColumns::sql`].
#[derive(Debug)]
pub(crate) struct ScanColumns {
    pub(crate) table: String,
    /// The table's primary key column.
    key: String,
    /// Owned-reference columns and the index of the parent table.
    refs: Vec<(String, usize)>,
    /// Catalogue-reference columns and their catalogue table.
    cats: Vec<(String, String)>,
    blobs: Vec<String>,
    /// A single blob column with a `size` column beside it, to compare.
    has_size: bool,
}

impl ScanColumns {
    fn new(tables: &[TableSpec], t: usize) -> Self {
        let spec = &tables[t];
        let refs = spec
            .columns
            .iter()
            .filter_map(|c| match &c.role {
                // Only earlier tables: the graph refuses self-references
                // and cycles, so every parent is one of them.
                ColumnRole::OwnedRef { table } => {
                    tables[..t].iter().position(|p| &p.name == table).map(|i| (c.name.clone(), i))
                }
                _ => None,
            })
            .collect();
        let cats = spec
            .columns
            .iter()
            .filter_map(|c| match &c.role {
                ColumnRole::CatalogueRef { table } => Some((c.name.clone(), table.clone())),
                _ => None,
            })
            .collect();
        let blobs: Vec<String> =
            spec.columns.iter().filter(|c| c.role == ColumnRole::Blob).map(|c| c.name.clone()).collect();
        let has_size = blobs.len() == 1 && spec.columns.iter().any(|c| c.name == "size");
        ScanColumns { table: spec.name.clone(), key: spec.key_name().to_owned(), refs, cats, blobs, has_size }
    }

    /// The root table (clients) references no owned table.
    pub(crate) fn is_root(&self) -> bool {
        self.refs.is_empty()
    }

    /// Name of the first owned-reference column, for a row that reaches no client.
    pub(crate) fn first_ref(&self) -> &str {
        self.refs.first().map_or(self.key.as_str(), |r| r.0.as_str())
    }

    /// The key, the references, the catalogue references, type and length of
    /// each blob, and `size`; every row by ascending id.
    /// Then `values`, from column [`ScanColumns::width`] on.
    pub(crate) fn sql(&self, values: &[String]) -> String {
        let mut cols = vec![q(&self.key)];
        cols.extend(self.refs.iter().map(|(c, _)| q(c)));
        cols.extend(self.cats.iter().map(|(c, _)| q(c)));
        for b in &self.blobs {
            cols.push(format!("typeof({0}), length({0})", q(b)));
        }
        if self.has_size {
            cols.push("\"size\"".into());
        }
        cols.extend(values.iter().cloned());
        format!("SELECT {} FROM {} ORDER BY {}", cols.join(", "), q(&self.table), q(&self.key))
    }

    fn ref_pos(&self, i: usize) -> usize {
        1 + i
    }

    fn cat_pos(&self, i: usize) -> usize {
        1 + self.refs.len() + i
    }

    fn blob_pos(&self, i: usize) -> usize {
        1 + self.refs.len() + self.cats.len() + 2 * i
    }

    fn size_pos(&self) -> usize {
        self.blob_pos(self.blobs.len())
    }

    /// How many columns [`ScanColumns::sql`] reads before the values.
    pub(crate) fn width(&self) -> usize {
        self.size_pos() + usize::from(self.has_size)
    }
}

/// A reference to a row no client walked so far owns.
#[derive(Debug)]
pub(crate) struct Unresolved {
    /// Index into the table's owned-reference columns.
    column: usize,
    parent: usize,
    value: i64,
}

/// Where a row's references lead.
#[derive(Debug, Default)]
pub(crate) struct Owners {
    /// The client owning the first referenced row found.
    pub(crate) owner: Option<i64>,
    /// Whether any reference holds an integer.
    pub(crate) any_ref: bool,
    /// Non-integer references, and references into a row of another client
    /// than `owner`, in column order.
    pub(crate) problems: Vec<DbError>,
    pub(crate) unresolved: Vec<Unresolved>,
}

/// An owned row's documents.
#[derive(Debug, Default)]
pub(crate) struct Blobs {
    /// Byte lengths of its non-NULL blobs.
    pub(crate) lengths: Vec<i64>,
    /// Blob columns holding something else, a stored `size` that differs
    /// from the content, in column order.
    pub(crate) problems: Vec<DbError>,
}

/// Checks an owned row's blob columns (a blob or NULL) and its stored size.
pub(crate) fn check_blobs(cols: &ScanColumns, r: &Row<'_>, id: i64) -> Result<Blobs> {
    let mut found = Blobs::default();
    for (i, column) in cols.blobs.iter().enumerate() {
        let ty: String = r.get(cols.blob_pos(i))?;
        let len: Option<i64> = r.get(cols.blob_pos(i) + 1)?;
        match ty.as_str() {
            "null" => {}
            "blob" => found.lengths.push(len.unwrap_or(0)),
            other => found.problems.push(DbError::UnexpectedValue {
                table: cols.table.clone(),
                column: column.clone(),
                detail: fl!("db-detail-not-a-blob", rowid = id.to_string(), kind = other),
            }),
        }
    }
    if cols.has_size {
        let size: Option<i64> = r.get(cols.size_pos())?;
        if let (Some(size), Some(&len)) = (size, found.lengths.first())
            && size != len
        {
            found.problems.push(DbError::DocumentMismatch {
                table: cols.table.clone(),
                rowid: id,
                column: cols.blobs[0].clone(),
                detail: fl!("db-detail-size-differs", size = size.to_string(), length = len.to_string()),
            });
        }
    }
    Ok(found)
}

pub(crate) fn row_exists(conn: &Connection, table: &TableSpec, id: i64) -> Result<bool> {
    Ok(conn
        .prepare_cached(&format!("SELECT 1 FROM {} WHERE {} = ?1", q(&table.name), q(table.key_name())))?
        .query_row([id], |_| Ok(()))
        .optional()?
        .is_some())
}
