#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::HashMap;
use std::convert::Infallible;
use std::io::Read;
use std::path::Path;

use bemx_db::{
    ColumnRole, Database, Graph, MergeReport, Merger, Profile, RowSink, Selection, TableKind, TableSpec, Value,
    ValueRef, extract, extract_catalogues, for_each_blob, select_clients_in, select_clients_streaming,
};
use bemx_demo::{SeedOptions, seed_with};
use rusqlite::Connection;
use sha2::{Digest, Sha256};

pub fn small_opts(clients: u32, seed: u64) -> SeedOptions {
    SeedOptions { clients, seed, documents: true, max_documents_per_client: 3, document_bytes: (64, 3000) }
}

pub fn seeded(dir: &Path, name: &str, clients: u32, seed: u64) -> Database {
    let iid = format!("00000000-0000-4000-8000-{:012}", seed);
    let mut db = Database::create(dir.join(name), &iid).unwrap();
    seed_with(&mut db, &small_opts(clients, seed)).unwrap();
    db
}

pub fn all_client_ids(db: &Database) -> Vec<i64> {
    db.clients_list(true).unwrap().into_iter().map(|c| c.id).collect()
}

#[derive(Debug, Default, PartialEq)]
pub struct Collect {
    pub tables: Vec<(TableSpec, Vec<Vec<Value>>)>,
    pub announced: Vec<u64>,
}

impl RowSink for Collect {
    type Error = Infallible;
    fn begin_table(&mut self, spec: &TableSpec) -> Result<(), Infallible> {
        self.tables.push((spec.clone(), Vec::new()));
        Ok(())
    }
    fn row(&mut self, values: &[ValueRef<'_>]) -> Result<(), Infallible> {
        if let Some(t) = self.tables.last_mut() {
            t.1.push(values.iter().map(|v| bemx_db::owned_value(*v)).collect());
        }
        Ok(())
    }
    fn end_table(&mut self, row_count: u64) -> Result<(), Infallible> {
        self.announced.push(row_count);
        Ok(())
    }
}

pub struct Extracted {
    pub rows: Collect,
    pub blobs: Vec<(String, String, i64, Vec<u8>)>,
    pub selection: Selection,
}

pub fn extract_all(db: &Database, ids: &[i64]) -> Extracted {
    extract_in(db.conn(), &bemx_db::reference_graph(db.conn()).unwrap(), ids)
}

/// What an export plans from (`select_clients_streaming`'s rows of the
/// client-owned tables, after `extract_catalogues`' rows), checked by the
/// callers against what `extract` hands over, row for row and count for
/// count; and the selection the walk made, against `select_clients_in`'s.
pub fn walked_then_catalogues(conn: &Connection, graph: &Graph, ids: &[i64]) -> (Selection, Collect) {
    let mut walked = Collect::default();
    let selection = select_clients_streaming(conn, graph, ids, &mut walked).unwrap();
    let mut all = Collect::default();
    extract_catalogues(conn, &selection, &mut all).unwrap();
    all.tables.extend(walked.tables);
    all.announced.extend(walked.announced);
    (selection, all)
}

/// Extracts the clients with root rows `ids` through `graph`, into memory.
pub fn extract_in(conn: &Connection, graph: &Graph, ids: &[i64]) -> Extracted {
    let selection = select_clients_in(conn, graph, ids).unwrap();
    let mut rows = Collect::default();
    extract(conn, &selection, &mut rows).unwrap();
    let mut blobs = Vec::new();
    for_each_blob(conn, &selection, |info, r: &mut dyn Read| {
        let mut v = Vec::new();
        r.read_to_end(&mut v).unwrap();
        assert_eq!(v.len() as u64, info.len);
        blobs.push((info.table.to_owned(), info.column.to_owned(), info.rowid, v));
        Ok::<(), Infallible>(())
    })
    .unwrap();
    Extracted { rows, blobs, selection }
}

pub fn merge(dst: &mut Database, ex: &Extracted) -> bemx_db::Result<MergeReport> {
    let graph = bemx_db::reference_graph(dst.conn())?;
    merge_in(dst.conn_mut(), graph, ex)
}

/// Merges what [`extract_in`] read into `dst` through `graph`, in one transaction.
pub fn merge_in(dst: &mut Connection, graph: Graph, ex: &Extracted) -> bemx_db::Result<MergeReport> {
    let tx = dst.transaction()?;
    let report = {
        let mut m = Merger::with_graph(&tx, graph)?;
        for (spec, rows) in &ex.rows.tables {
            m.begin_table(&spec.name, &spec.column_names())?;
            for r in rows {
                m.row(r)?;
            }
            m.end_table()?;
        }
        for (t, c, id, bytes) in &ex.blobs {
            let got = m.write_blob(t, c, *id, bytes.len() as u64, &mut bytes.as_slice())?;
            assert_eq!(got, <[u8; 32]>::from(Sha256::digest(bytes)));
        }
        m.finish()?
    };
    tx.commit()?;
    Ok(report)
}

pub fn normalise(ex: &Extracted, bem_rename: &HashMap<String, String>) -> Vec<(String, Vec<Vec<String>>)> {
    normalise_in(&Profile::reference().clone(), ex, bem_rename)
}

/// Rows with local ids replaced by their position in the stream, so two
/// databases can be compared; the blobs by hash in stream order.
/// Catalogue rows are named by their natural key (references to other
/// catalogues by theirs), client rows by their position in the stream.
pub fn normalise_in(
    profile: &Profile,
    ex: &Extracted,
    display_rename: &HashMap<String, String>,
) -> Vec<(String, Vec<Vec<String>>)> {
    let mut ordinal: HashMap<String, HashMap<i64, usize>> = HashMap::new();
    // Per catalogue: the sender's key of each row -> its code.
    let mut codes: HashMap<String, HashMap<i64, String>> = HashMap::new();
    let mut out = Vec::new();
    for (spec, rows) in &ex.rows.tables {
        if spec.kind == TableKind::Catalogue {
            // Labels and ids are local; only keys must agree.
            let pk = spec.primary_key().unwrap();
            let key: Vec<usize> = profile
                .catalogue(&spec.name)
                .unwrap()
                .key
                .iter()
                .map(|k| spec.columns.iter().position(|c| &c.name == k).unwrap())
                .collect();
            let mut mine = HashMap::new();
            for r in rows {
                let Value::Integer(id) = &r[pk] else { panic!("{r:?}") };
                let parts: Vec<String> = key
                    .iter()
                    .map(|&k| match (&spec.columns[k].role, &r[k]) {
                        (ColumnRole::CatalogueRef { table }, Value::Integer(v)) => format!("({})", codes[table][v]),
                        (_, v) => format!("{v:?}"),
                    })
                    .collect();
                mine.insert(*id, parts.join(" "));
            }
            let mut list: Vec<Vec<String>> = mine.values().map(|c| vec![c.clone()]).collect();
            list.sort();
            codes.insert(spec.name.clone(), mine);
            out.push((spec.name.clone(), list));
            continue;
        }
        let mut norm_rows = Vec::new();
        let mut mine = HashMap::new();
        for (i, r) in rows.iter().enumerate() {
            let mut nr = Vec::new();
            for (c, v) in spec.columns.iter().zip(r) {
                nr.push(match (&c.role, v) {
                    (ColumnRole::PrimaryKey, Value::Integer(id)) => {
                        mine.insert(*id, i);
                        format!("#{i}")
                    }
                    (ColumnRole::OwnedRef { table }, Value::Integer(id)) => {
                        format!("{table}#{}", ordinal[table][id])
                    }
                    (ColumnRole::CatalogueRef { table }, Value::Integer(id)) => {
                        format!("{table}:{}", codes[table][id])
                    }
                    (_, Value::Text(t)) if spec.name == profile.root.table && c.name == profile.root.display => {
                        display_rename.get(t).cloned().unwrap_or_else(|| t.clone())
                    }
                    (_, v) => format!("{v:?}"),
                });
            }
            norm_rows.push(nr);
        }
        ordinal.insert(spec.name.clone(), mine);
        out.push((spec.name.clone(), norm_rows));
    }
    let blobs =
        ex.blobs.iter().map(|(t, c, _, b)| vec![t.clone(), c.clone(), hex::encode(Sha256::digest(b))]).collect();
    out.push(("<blobs>".into(), blobs));
    out
}
