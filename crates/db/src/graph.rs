//! The foreign-key graph, read from the database itself.
//!
//! Nothing here names a table: which tables belong to a client, in what
//! order they are written, and what each column means are all derived from
//! `sqlite_master` and `PRAGMA foreign_key_list`, so a new table with a
//! foreign key towards `clients` travels without code changes.

use std::collections::{BTreeMap, BTreeSet};

use rusqlite::Connection;

use crate::error::{DbError, Result};
use crate::i18n::fl;
use crate::schema::{CATALOGUE_PREFIX, LOCAL_TABLES};

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
}

#[derive(Debug, Clone)]
struct RawColumn {
    name: String,
    decl_type: String,
    not_null: bool,
    pk: i64,
}

#[derive(Debug, Clone)]
struct RawFk {
    from: String,
    table: String,
    to: Option<String>,
}

fn table_names(conn: &Connection) -> Result<Vec<String>> {
    let mut stmt = conn.prepare(
        "SELECT name FROM sqlite_master WHERE type = 'table'
           AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name",
    )?;
    let names = stmt.query_map([], |r| r.get(0))?.collect::<rusqlite::Result<Vec<String>>>()?;
    Ok(names)
}

fn raw_columns(conn: &Connection, table: &str) -> Result<Vec<RawColumn>> {
    let mut stmt = conn.prepare("SELECT name, type, \"notnull\", pk FROM pragma_table_info(?1) ORDER BY cid")?;
    let cols = stmt
        .query_map([table], |r| {
            Ok(RawColumn { name: r.get(0)?, decl_type: r.get(1)?, not_null: r.get::<_, i64>(2)? != 0, pk: r.get(3)? })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(cols)
}

fn raw_fks(conn: &Connection, table: &str) -> Result<Vec<RawFk>> {
    let mut stmt = conn.prepare("SELECT \"from\", \"table\", \"to\" FROM pragma_foreign_key_list(?1)")?;
    let fks = stmt
        .query_map([table], |r| Ok(RawFk { from: r.get(0)?, table: r.get(1)?, to: r.get(2)? }))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(fks)
}

fn is_catalogue(name: &str) -> bool {
    name.starts_with(CATALOGUE_PREFIX)
}

fn is_local(name: &str) -> bool {
    LOCAL_TABLES.contains(&name)
}

/// The client-owned tables, parents before children (ties broken by name),
/// with column roles. `clients` comes first.
pub fn export_tables(conn: &Connection) -> Result<Vec<TableSpec>> {
    let names = table_names(conn)?;
    let mut fks: BTreeMap<String, Vec<RawFk>> = BTreeMap::new();
    for n in &names {
        fks.insert(n.clone(), raw_fks(conn, n)?);
    }
    if !names.iter().any(|n| n == CLIENTS_TABLE) {
        return Err(DbError::UnsupportedSchema { table: CLIENTS_TABLE.into(), detail: fl!("db-detail-table-missing") });
    }

    // Fixed point: a table is owned once one of its foreign keys reaches an
    // owned table; iterating until nothing changes covers chains of any
    // length.
    let mut owned: BTreeSet<String> = BTreeSet::from([CLIENTS_TABLE.to_owned()]);
    loop {
        let before = owned.len();
        for (t, list) in &fks {
            if owned.contains(t) || is_local(t) || is_catalogue(t) {
                continue;
            }
            if list.iter().any(|fk| owned.contains(&fk.table)) {
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
        let list = fks.get(t).map(Vec::as_slice).unwrap_or_default();
        let mut deps = BTreeSet::new();
        let mut columns = Vec::new();
        let pk_cols = raw_columns(conn, t)?;
        let pk_count = pk_cols.iter().filter(|c| c.pk > 0).count();
        for c in pk_cols {
            let fk = list.iter().find(|fk| fk.from == c.name);
            let role = if c.pk > 0 {
                if pk_count != 1 || !c.decl_type.eq_ignore_ascii_case("INTEGER") {
                    return Err(DbError::UnsupportedSchema {
                        table: t.clone(),
                        detail: fl!("db-detail-single-integer-key"),
                    });
                }
                ColumnRole::PrimaryKey
            } else if let Some(fk) = fk {
                if fk.to.as_deref().is_some_and(|to| to != "id") {
                    return Err(DbError::UnsupportedSchema {
                        table: t.clone(),
                        detail: fl!("db-detail-foreign-key-not-id", column = c.name.as_str()),
                    });
                }
                if owned.contains(&fk.table) {
                    if fk.table != *t {
                        deps.insert(fk.table.clone());
                    }
                    ColumnRole::OwnedRef { table: fk.table.clone() }
                } else if is_catalogue(&fk.table) {
                    ColumnRole::CatalogueRef { table: fk.table.clone() }
                } else {
                    return Err(DbError::UnsupportedSchema {
                        table: t.clone(),
                        detail: fl!(
                            "db-detail-reference-neither",
                            column = c.name.as_str(),
                            target = fk.table.as_str()
                        ),
                    });
                }
            } else if c.decl_type.eq_ignore_ascii_case("BLOB") {
                ColumnRole::Blob
            } else {
                ColumnRole::Value
            };
            columns.push(ColumnSpec { name: c.name, role, not_null: c.not_null || c.pk > 0 });
        }
        if list.iter().any(|fk| fk.table == *t) {
            return Err(DbError::UnsupportedSchema { table: t.clone(), detail: fl!("db-detail-self-reference") });
        }
        parents.insert(t.clone(), deps);
        specs.insert(t.clone(), TableSpec { name: t.clone(), kind: TableKind::Owned, columns });
    }

    // Kahn's algorithm; the BTreeSet makes the tie-break "smallest name".
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
    if let Some((t, _)) = parents.into_iter().next() {
        return Err(DbError::UnsupportedSchema { table: t, detail: fl!("db-detail-cycle") });
    }
    Ok(order)
}

/// The catalogue tables referenced by `owned`, sorted by name. Their
/// columns exclude the local `id`; `code` must exist.
pub fn catalogue_tables(conn: &Connection, owned: &[TableSpec]) -> Result<Vec<TableSpec>> {
    let referenced: BTreeSet<&str> = owned
        .iter()
        .flat_map(|t| t.columns.iter())
        .filter_map(|c| match &c.role {
            ColumnRole::CatalogueRef { table } => Some(table.as_str()),
            _ => None,
        })
        .collect();
    let mut out = Vec::new();
    for name in referenced {
        let cols = raw_columns(conn, name)?;
        if !cols.iter().any(|c| c.name == "code") {
            return Err(DbError::UnsupportedSchema { table: name.into(), detail: fl!("db-detail-no-code-column") });
        }
        out.push(TableSpec {
            name: name.to_owned(),
            kind: TableKind::Catalogue,
            columns: cols
                .into_iter()
                .filter(|c| c.pk == 0)
                .map(|c| ColumnSpec { name: c.name, role: ColumnRole::Value, not_null: c.not_null })
                .collect(),
        });
    }
    Ok(out)
}

/// Everything that travels, in stream order: referenced catalogues (by
/// name), then client-owned tables (topological).
pub fn stream_tables(conn: &Connection) -> Result<Vec<TableSpec>> {
    let owned = export_tables(conn)?;
    let mut all = catalogue_tables(conn, &owned)?;
    all.extend(owned);
    Ok(all)
}

/// Quotes an identifier for SQL.
pub(crate) fn q(ident: &str) -> String {
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
