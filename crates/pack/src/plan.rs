//! The two passes over the selection. Pass 1 encodes every table entry into
//! a hashing sink to learn its size and SHA-256 (the manifest comes first in
//! the archive, §11 writer 2), as the walk that selects the rows meets them;
//! documents are planned from their stored size and hash without reading
//! them. Pass 2 writes every entry into the bundle and checks it against the
//! plan: the tables the walk planned from the walk's encrypted spool
//! (`crate::spool`), the others encoded again from the database.

use std::io::{self, Read, Write};
use std::path::Path;
use std::sync::atomic::AtomicBool;

use bemx_db::{
    ColumnRole, ExtractError, Graph, RowSink, Selection, TableKind, TableSpec, ValueRef, quote_identifier as quote,
};
use bemx_format::FormatError;
use bemx_format::layers::{BundleWriter, HashingWriter};
use rusqlite::Connection;
use sha2::{Digest, Sha256};

use crate::spool::SpoolWriter;
use crate::{PackError, Progress, blob_path, check_cancel, table_header, table_path};

/// One data entry with its planned size and hash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedEntry {
    /// Archive path.
    pub path: String,
    /// Exact size.
    pub size: u64,
    /// SHA-256 of its bytes.
    pub sha256: [u8; 32],
}

/// Everything the manifest needs to know before the first byte is written.
#[derive(Debug, Clone, Default)]
pub struct Plan {
    /// Table names and row counts, in entry order.
    pub tables: Vec<(String, u64)>,
    /// All data entries: the table entries, then the blob entries.
    pub entries: Vec<PlannedEntry>,
}

impl Plan {
    /// Number of blob entries.
    pub fn blob_count(&self) -> u64 {
        (self.entries.len() - self.tables.len()) as u64
    }

    /// Plaintext bytes of all data entries.
    pub fn total_bytes(&self) -> u64 {
        self.entries.iter().map(|e| e.size).sum()
    }

    /// The most bytes the bundle file can take, from the sizes alone
    /// (FORMAT.md §2 layers), so the target's free space can be checked
    /// before anything is written (DESIGN.md F1). Everything stored may be
    /// incompressible (scanned documents mostly are), so this is the bound,
    /// not a guess: each entry and the manifest and signature with their
    /// ustar header and padding, the end of the archive, zstd's worst-case
    /// expansion (`ZSTD_compressBound`: n/256 plus 128 KiB for small
    /// inputs), age's 16-byte tag per 64 KiB chunk and its header.
    pub fn bundle_bound(&self, manifest_len: u64, signature_len: u64) -> u64 {
        let tar: u64 = self
            .entries
            .iter()
            .map(|e| e.size)
            .chain([manifest_len, signature_len])
            .map(|size| 512 + size.div_ceil(512) * 512)
            .fold(1024, u64::saturating_add);
        let zstd = tar.saturating_add(tar / 256).saturating_add(128 << 10);
        zstd.saturating_add(zstd.div_ceil(64 << 10) * 16).saturating_add(4096)
    }

    /// Selects the clients' rows and plans their entries, inside the
    /// caller's transaction. When the clients own most rows (they are at
    /// least half of all clients), the walk that selects the rows also
    /// hashes them (`select_clients_streaming`): a separate pass 1 read
    /// every row once more, a quarter of an export of row-heavy data
    /// (issue 18, item 3). Then the catalogue tables, whose used rows are
    /// known only after the walk, are planned after it. For a few clients
    /// the walk reads only keys and references and pass 1 reads just their
    /// rows: the walk reads every client's rows, and reading all their
    /// columns too would cost more than a pass over a few clients' rows.
    ///
    /// What the walk encodes goes to a spool in `spool_dir` as well, for the
    /// write pass (`crate::spool`): those rows are then read once.
    pub(crate) fn select(
        conn: &Connection,
        graph: &Graph,
        client_ids: &[i64],
        cancel: Option<&AtomicBool>,
        spool_dir: &Path,
    ) -> Result<(Selection, Plan, Option<Spool>), PackError> {
        let all: i64 = conn.query_row(&format!("SELECT count(*) FROM {}", quote(&graph.root)), [], |r| r.get(0))?;
        let in_the_walk = client_ids.len() as u64 * 2 >= all.max(0) as u64;
        Self::select_with(conn, graph, client_ids, cancel, in_the_walk.then_some(spool_dir))
    }

    /// [`Plan::select`], planning the client-owned tables in the walk, and
    /// spooling them in `in_the_walk`, or in a pass of their own.
    fn select_with(
        conn: &Connection,
        graph: &Graph,
        client_ids: &[i64],
        cancel: Option<&AtomicBool>,
        in_the_walk: Option<&Path>,
    ) -> Result<(Selection, Plan, Option<Spool>), PackError> {
        let (selection, planned, spool) = if let Some(spool_dir) = in_the_walk {
            let mut owned = Planner::new(cancel, Some(SpoolWriter::create(spool_dir)?));
            let selection = bemx_db::select_clients_streaming(conn, graph, client_ids, &mut owned).map_err(flatten)?;
            let spool = owned.spool.take().map(SpoolWriter::finish).transpose()?;
            let mut planner = Planner::new(cancel, None);
            bemx_db::extract_catalogues(conn, &selection, &mut planner).map_err(flatten)?;
            let catalogues = planner.tables.len();
            planner.tables.extend(owned.tables);
            (selection, planner.tables, spool.map(|s| (catalogues, s)))
        } else {
            let selection = bemx_db::select_clients_in(conn, graph, client_ids)?;
            let mut planner = Planner::new(cancel, None);
            bemx_db::extract(conn, &selection, &mut planner).map_err(flatten)?;
            (selection, planner.tables, None)
        };
        // Every table of the selection, in its stream order, with its
        // selected rows: anything else is a bug here.
        if planned.len() != selection.tables().len() {
            return Err(PackError::Internal("a table of the selection was not planned"));
        }
        let mut plan = Plan::default();
        for (index, (table, spec)) in planned.into_iter().zip(selection.tables()).enumerate() {
            if table.name != spec.name || Some(table.rows) != selection.row_ids(&spec.name).map(|ids| ids.len() as u64)
            {
                return Err(PackError::Internal("planned tables out of stream order"));
            }
            plan.entries.push(PlannedEntry {
                path: table_path(index, &table.name),
                size: table.size,
                sha256: table.sha256,
            });
            plan.tables.push((table.name, table.rows));
        }
        plan_blobs(conn, &selection, &mut plan.entries)?;
        let spool = match spool {
            // The spool holds the tables after the catalogues, whole.
            Some((first, spool)) => {
                let spooled: u64 =
                    plan.entries.get(first..plan.tables.len()).unwrap_or_default().iter().map(|e| e.size).sum();
                if spooled != spool.len() {
                    return Err(PackError::Internal("the spool does not hold the planned tables"));
                }
                Some(Spool { first, spool })
            }
            None => None,
        };
        Ok((selection, plan, spool))
    }
}

/// The client-owned tables' entries, as the walk encoded them: plan entries
/// `first..` up to the last table.
#[derive(Debug)]
pub(crate) struct Spool {
    first: usize,
    spool: crate::spool::Spool,
}

pub(crate) fn flatten(e: ExtractError<PackError>) -> PackError {
    match e {
        ExtractError::Db(db) => PackError::Db(db),
        ExtractError::Sink(pack) => pack,
    }
}

/// One table entry as planned: its bytes' size and hash, its row count.
struct PlannedTable {
    name: String,
    rows: u64,
    size: u64,
    sha256: [u8; 32],
}

/// Encodes each table's rows into a hash to learn the entry's size and
/// SHA-256; the entry's path (its position in the stream) is given when
/// the walk's and the catalogues' tables are put together.
struct Planner<'a> {
    tables: Vec<PlannedTable>,
    current: Option<(String, HashingWriter<io::Sink>)>,
    /// Where the encoded entries go as well, for the write pass.
    spool: Option<SpoolWriter>,
    cancel: Option<&'a AtomicBool>,
    rows_seen: u64,
    /// One row's bytes, reused from row to row.
    buf: Vec<u8>,
}

impl<'a> Planner<'a> {
    fn new(cancel: Option<&'a AtomicBool>, spool: Option<SpoolWriter>) -> Self {
        Planner { tables: Vec::new(), current: None, spool, cancel, rows_seen: 0, buf: Vec::new() }
    }

    /// Hashes `bytes` into the current entry and spools them.
    fn write(&mut self, bytes: &[u8]) -> Result<(), PackError> {
        let (_, out) = self.current.as_mut().ok_or(PackError::Internal("row outside a table"))?;
        out.write_all(bytes)?;
        if let Some(spool) = &mut self.spool {
            spool.write_all(bytes)?;
        }
        Ok(())
    }
}

impl RowSink for Planner<'_> {
    type Error = PackError;

    fn begin_table(&mut self, spec: &TableSpec) -> Result<(), PackError> {
        self.current = Some((spec.name.clone(), HashingWriter::new(io::sink())));
        self.write(&bemx_format::rows::encode_header(&table_header(spec))?)
    }

    fn row(&mut self, values: &[ValueRef<'_>]) -> Result<(), PackError> {
        self.rows_seen += 1;
        if self.rows_seen.is_multiple_of(1024) {
            check_cancel(self.cancel)?;
        }
        let mut buf = std::mem::take(&mut self.buf);
        buf.clear();
        bemx_format::rows::encode_row_ref(&mut buf, values);
        let written = self.write(&buf);
        self.buf = buf;
        written
    }

    fn end_table(&mut self, rows: u64) -> Result<(), PackError> {
        let (name, out) = self.current.take().ok_or(PackError::Internal("table ended twice"))?;
        let (_, size, sha256) = out.finish();
        self.tables.push(PlannedTable { name, rows, size, sha256 });
        Ok(())
    }
}

/// Plans blob entries in exactly the order `bemx_db::for_each_blob` streams
/// them (tables in stream order, blob columns in column order, ascending
/// row id, NULL blobs skipped). A stored `sha256` column is used as the
/// planned hash; the write pass re-hashes the bytes and must agree.
fn plan_blobs(conn: &Connection, selection: &Selection, entries: &mut Vec<PlannedEntry>) -> Result<(), PackError> {
    for spec in selection.tables().iter().filter(|t| t.kind == TableKind::Owned) {
        let ids = selection.row_ids(&spec.name);
        for col in spec.columns.iter().filter(|c| c.role == ColumnRole::Blob) {
            let sql = format!(
                "SELECT length({c}), {h} FROM {t} WHERE {k} = ?1",
                c = quote(&col.name),
                h = selection.hash_column(&spec.name, &col.name).map_or_else(|| "NULL".to_owned(), quote),
                t = quote(&spec.name),
                k = quote(spec.key_name())
            );
            let mut stmt = conn.prepare(&sql)?;
            for id in ids.into_iter().flat_map(bemx_db::IdSet::iter) {
                let (len, stored): (Option<i64>, Option<String>) =
                    stmt.query_row([id], |r| Ok((r.get(0)?, r.get(1)?)))?;
                let Some(len) = len else { continue };
                let sha256 = match stored.as_deref().map(hex::decode) {
                    Some(Ok(bytes)) if bytes.len() == 32 => {
                        let mut h = [0u8; 32];
                        h.copy_from_slice(&bytes);
                        h
                    }
                    _ => hash_blob(conn, &spec.name, &col.name, id)?,
                };
                entries.push(PlannedEntry { path: blob_path(&spec.name, &col.name, id), size: len as u64, sha256 });
            }
        }
    }
    Ok(())
}

fn hash_blob(conn: &Connection, table: &str, column: &str, id: i64) -> Result<[u8; 32], PackError> {
    let mut blob = conn.blob_open(rusqlite::MAIN_DB, table, column, id, true)?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        let n = blob.read(&mut buf)?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
    }
    Ok(hasher.finalize().into())
}

/// Where pass 2 writes: the bundle writer, seen through its entry API.
pub trait EntryOut: Write {
    /// Starts an entry of exactly `size` bytes.
    fn begin_entry(&mut self, path: &str, size: u64) -> Result<(), FormatError>;
    /// Ends it and returns the SHA-256 of what was written.
    fn end_entry(&mut self) -> Result<[u8; 32], FormatError>;
}

impl<W: Write> EntryOut for BundleWriter<W> {
    fn begin_entry(&mut self, path: &str, size: u64) -> Result<(), FormatError> {
        BundleWriter::begin_entry(self, path, size)
    }
    fn end_entry(&mut self) -> Result<[u8; 32], FormatError> {
        BundleWriter::end_entry(self)
    }
}

/// Produces the data entries of a bundle in pass 2.
pub trait EntrySource {
    /// Plaintext bytes that [`EntrySource::write_all`] will write.
    fn total_bytes(&self) -> u64;
    /// Writes every data entry, in plan order, checking each against the plan.
    fn write_all(&mut self, out: &mut dyn EntryOut, progress: &mut dyn Progress) -> Result<(), PackError>;
}

/// Pass 2 over the database.
pub(crate) struct DbSource<'a> {
    pub conn: &'a Connection,
    pub selection: &'a Selection,
    pub plan: &'a Plan,
    pub cancel: Option<&'a AtomicBool>,
    /// The walk's spool: those tables are copied from it, not read again.
    pub spool: Option<Spool>,
}

fn check_planned(planned: &PlannedEntry, digest: [u8; 32]) -> Result<(), PackError> {
    if digest != planned.sha256 {
        return Err(PackError::PlanMismatch(planned.path.clone()));
    }
    Ok(())
}

struct EntryWriterSink<'a> {
    out: &'a mut dyn EntryOut,
    plan: &'a Plan,
    index: usize,
    progress: &'a mut dyn Progress,
    cancel: Option<&'a AtomicBool>,
    rows_seen: u64,
    /// One row's bytes, reused from row to row.
    buf: Vec<u8>,
}

impl RowSink for EntryWriterSink<'_> {
    type Error = PackError;

    fn begin_table(&mut self, spec: &TableSpec) -> Result<(), PackError> {
        let planned = self.plan.entries.get(self.index).ok_or(PackError::Internal("more tables than planned"))?;
        if planned.path != table_path(self.index, &spec.name) {
            return Err(PackError::PlanMismatch(planned.path.clone()));
        }
        self.out.begin_entry(&planned.path, planned.size)?;
        let header = bemx_format::rows::encode_header(&table_header(spec))?;
        self.out.write_all(&header)?;
        self.progress.advance(header.len() as u64);
        Ok(())
    }

    fn row(&mut self, values: &[ValueRef<'_>]) -> Result<(), PackError> {
        self.rows_seen += 1;
        if self.rows_seen.is_multiple_of(1024) {
            check_cancel(self.cancel)?;
        }
        self.buf.clear();
        bemx_format::rows::encode_row_ref(&mut self.buf, values);
        self.out.write_all(&self.buf)?;
        self.progress.advance(self.buf.len() as u64);
        Ok(())
    }

    fn end_table(&mut self, _rows: u64) -> Result<(), PackError> {
        let digest = self.out.end_entry()?;
        check_planned(&self.plan.entries[self.index], digest)?;
        self.index += 1;
        Ok(())
    }
}

impl EntrySource for DbSource<'_> {
    fn total_bytes(&self) -> u64 {
        self.plan.total_bytes()
    }

    fn write_all(&mut self, out: &mut dyn EntryOut, progress: &mut dyn Progress) -> Result<(), PackError> {
        let cancel = self.cancel;
        let plan = self.plan;
        let mut sink = EntryWriterSink { out, plan, index: 0, progress, cancel, rows_seen: 0, buf: Vec::new() };
        let spool = self.spool.take();
        match &spool {
            Some(_) => bemx_db::extract_catalogues(self.conn, self.selection, &mut sink),
            None => bemx_db::extract(self.conn, self.selection, &mut sink),
        }
        .map_err(flatten)?;
        let EntryWriterSink { out, mut index, progress, .. } = sink;
        let mut buf = vec![0u8; 256 * 1024];
        if let Some(Spool { first, spool }) = spool {
            if index != first {
                return Err(PackError::Internal("the spool does not follow the catalogues"));
            }
            let mut reader = spool.into_reader()?;
            for planned in plan.entries.get(first..plan.tables.len()).unwrap_or_default() {
                out.begin_entry(&planned.path, planned.size)?;
                reader.copy_entry(planned.size, out, &mut buf, |n| {
                    progress.advance(n as u64);
                    check_cancel(cancel)
                })?;
                check_planned(planned, out.end_entry()?)?;
                index += 1;
            }
            reader.finish()?;
        }
        // Every byte is hashed by the bundle writer and compared with the
        // planned hash, which is the stored sha256: no second hash here.
        bemx_db::for_each_blob_hashed_by_caller(
            self.conn,
            self.selection,
            |info, reader: &mut dyn Read| -> Result<(), PackError> {
                let planned = plan.entries.get(index).ok_or(PackError::Internal("more blobs than planned"))?;
                if planned.path != blob_path(info.table, info.column, info.rowid) || planned.size != info.len {
                    return Err(PackError::PlanMismatch(planned.path.clone()));
                }
                out.begin_entry(&planned.path, planned.size)?;
                loop {
                    check_cancel(cancel)?;
                    let n = reader.read(&mut buf)?;
                    if n == 0 {
                        break;
                    }
                    out.write_all(&buf[..n])?;
                    progress.advance(n as u64);
                }
                // The planned hash is the stored sha256: a difference means the
                // document's bytes no longer match what the database recorded.
                if out.end_entry()? != planned.sha256 {
                    return Err(PackError::DocumentDamaged(planned.path.clone()));
                }
                index += 1;
                Ok(())
            },
        )
        .map_err(flatten)?;
        if index != plan.entries.len() {
            return Err(PackError::Internal("fewer entries than planned"));
        }
        Ok(())
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    /// Records the entries a write pass writes.
    #[derive(Default)]
    struct Entries(Vec<(String, u64, Vec<u8>)>);

    impl Write for Entries {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            self.0.last_mut().ok_or_else(|| io::Error::other("no entry"))?.2.extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    impl EntryOut for Entries {
        fn begin_entry(&mut self, path: &str, size: u64) -> Result<(), FormatError> {
            self.0.push((path.to_owned(), size, Vec::new()));
            Ok(())
        }
        fn end_entry(&mut self) -> Result<[u8; 32], FormatError> {
            let (_, size, bytes) = self.0.last().ok_or_else(|| FormatError::Io(io::Error::other("no entry")))?;
            assert_eq!(*size, bytes.len() as u64);
            Ok(Sha256::digest(bytes).into())
        }
    }

    /// Planning in the walk and planning in a pass of its own give the same
    /// selection and the same plan, entry for entry, for one client, a few,
    /// and all of them (tables with and without rows, documents,
    /// catalogues); and the write pass writes the same entries from the
    /// walk's spool as from a second reading, leaving no file behind.
    #[test]
    fn planning_in_the_walk_plans_what_a_pass_of_its_own_plans() {
        let dir = tempfile::tempdir().unwrap();
        let spool_dir = tempfile::tempdir().unwrap();
        let mut db =
            bemx_db::Database::create(dir.path().join("db.sqlite"), "01010101-0101-0101-0101-010101010101").unwrap();
        let mut options = bemx_demo::SeedOptions::new(12, 7);
        options.document_bytes = (16, 5_000);
        bemx_demo::seed_with(&mut db, &options).unwrap();
        let ids: Vec<i64> = db.clients_list(true).unwrap().into_iter().map(|c| c.id).collect();
        let graph = bemx_db::reference_graph(db.conn()).unwrap();
        assert!(ids.len() == 12);
        for chosen in [&ids[..1], &ids[3..7], &ids[..]] {
            let n = chosen.len();
            let (walked_sel, walked, spool) =
                Plan::select_with(db.conn(), &graph, chosen, None, Some(spool_dir.path())).unwrap();
            let (passed_sel, passed, none) = Plan::select_with(db.conn(), &graph, chosen, None, None).unwrap();
            assert!(spool.is_some() && none.is_none());
            assert_eq!(walked.tables, passed.tables, "{n} clients");
            assert_eq!(walked.entries, passed.entries, "{n} clients");
            assert_eq!(format!("{walked_sel:?}"), format!("{passed_sel:?}"));
            if chosen.len() == ids.len() {
                assert!(walked.blob_count() > 0);
            }
            assert!(walked.tables.iter().any(|(_, rows)| *rows > 0));

            let write = |selection: &Selection, plan: &Plan, spool: Option<Spool>| {
                let mut source = DbSource { conn: db.conn(), selection, plan, cancel: None, spool };
                let mut out = Entries::default();
                source.write_all(&mut out, &mut crate::NoProgress).unwrap();
                out.0
            };
            let from_spool = write(&walked_sel, &walked, spool);
            let from_db = write(&passed_sel, &passed, None);
            assert_eq!(from_spool.len(), walked.entries.len());
            assert!(from_spool == from_db, "{n} clients: the spool gave other entries");
            assert_eq!(std::fs::read_dir(spool_dir.path()).unwrap().count(), 0);
        }
    }

    /// A spool that does not hold the planned bytes is refused, entry by
    /// entry: a row changed in it fails the entry's planned hash.
    #[test]
    fn a_spool_that_differs_from_the_plan_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let mut db =
            bemx_db::Database::create(dir.path().join("db.sqlite"), "01010101-0101-0101-0101-010101010101").unwrap();
        bemx_demo::seed_with(&mut db, &bemx_demo::SeedOptions::new(4, 3)).unwrap();
        let ids: Vec<i64> = db.clients_list(true).unwrap().into_iter().map(|c| c.id).collect();
        let graph = bemx_db::reference_graph(db.conn()).unwrap();
        let (selection, plan, spool) = Plan::select_with(db.conn(), &graph, &ids, None, Some(dir.path())).unwrap();
        let Some(Spool { first, spool }) = spool else { panic!("no spool") };
        // The same number of bytes, one of them changed: only the hash can tell.
        let mut reader = spool.into_reader().unwrap();
        let mut bytes = Vec::new();
        let total: u64 = plan.entries[first..plan.tables.len()].iter().map(|e| e.size).sum();
        reader.copy_entry(total, &mut bytes, &mut [0u8; 4096], |_| Ok(())).unwrap();
        reader.finish().unwrap();
        let last = bytes.len() - 1;
        bytes[last] ^= 0x01;
        let mut changed = SpoolWriter::create(dir.path()).unwrap();
        changed.write_all(&bytes).unwrap();
        let spool = Some(Spool { first, spool: changed.finish().unwrap() });
        let mut source = DbSource { conn: db.conn(), selection: &selection, plan: &plan, cancel: None, spool };
        let e = source.write_all(&mut Entries::default(), &mut crate::NoProgress).unwrap_err();
        let PackError::PlanMismatch(entry) = e else { panic!("{e:?}") };
        assert_eq!(entry, plan.entries[plan.tables.len() - 1].path);
    }
}
