//! The measured steps. Each runs either in a child process (so its peak
//! resident memory is its own) or in-process (the smoke test).

use std::fs::File;
use std::io::{self, BufReader, BufWriter, Read, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, anyhow, bail};
use bemx_db::{ColumnRole, Database, TableKind, quote_identifier as quote};
use bemx_format::Party;
use bemx_format::ustar::ArchiveReader;
use bemx_identity::{Contacts, Identity, PassphraseSource};
use bemx_import::import::NoProgress;
use bemx_import::{ImportOptions, Installation};
use bemx_install::backup::Retention;
use bemx_install::{Home, InstallLock};
use bemx_unpack::{Recipient, SenderTrust, TrustStore};
use rusqlite::types::{ToSqlOutput, Value, ValueRef};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// Copy buffer of the pack step, the same as the export's document loop.
const COPY_BUF: usize = 256 * 1024;
/// zstd worker threads, as `bemx export` uses them.
pub const WORKERS: u32 = 2;

/// One measured step and its inputs.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub enum Step {
    /// `bemx_pack::export` of every client of `sender` to `receiver`.
    Export { sender: PathBuf, receiver: PathBuf, out: PathBuf },
    /// `bemx_import::import` of `bundle` into `receiver`.
    Import { receiver: PathBuf, bundle: PathBuf, receipt: PathBuf },
    /// Raw SQLite insert of the rows `source` holds, one transaction, prepared statements.
    FloorInsert { source: PathBuf, target: PathBuf },
    /// Raw SQLite read of every client-owned row `source` holds, documents
    /// whole: with the pack floor, the floor of an export (issue 18, item 3).
    FloorRead { source: PathBuf, reps: usize },
    /// `bemx_unpack::verify_file`, best of `reps`.
    Verify { home: PathBuf, bundle: PathBuf, reps: usize },
    /// age decrypt → zstd decompress → SHA-256, best of `reps`.
    FloorVerify { home: PathBuf, bundle: PathBuf, reps: usize },
    /// `BundleWriter` over the entries of the plain archive `tar`, read as the floor reads it.
    Pack { home: PathBuf, tar: PathBuf, out: PathBuf, reps: usize },
    /// in-process zstd (level 3, 2 workers) → age over the plain archive `tar`.
    FloorPack { home: PathBuf, tar: PathBuf, out: PathBuf, reps: usize },
    /// `BundleReader::open` and `inspect_header`, `reps` times each.
    Inspect { home: PathBuf, bundle: PathBuf, reps: usize },
    /// `bemx backup create` of the installation's database, best of `reps`.
    Backup { home: PathBuf, reps: usize },
    /// Plain copy of the database file, synced, best of `reps`: the backup's floor.
    FloorCopy { source: PathBuf, target: PathBuf, reps: usize },
}

/// What a step measured.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Measure {
    /// Wall time of the measured part (best of the repetitions where there are several).
    pub secs: f64,
    /// Bytes the throughput refers to (plaintext unless said otherwise).
    pub bytes: u64,
    /// Rows handled.
    pub rows: u64,
    /// Peak resident set (`VmHWM`) of the process, KiB; `None` in-process or off Linux.
    pub hwm_kib: Option<u64>,
    /// Step-specific numbers.
    pub extra: Vec<(String, f64)>,
}

impl Measure {
    /// A named extra number (0 when absent).
    pub fn get(&self, name: &str) -> f64 {
        self.extra.iter().find(|(n, _)| n == name).map_or(0.0, |(_, v)| *v)
    }
}

/// `VmHWM` of this process in KiB (Linux only).
pub fn vm_hwm_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// Runs a step in this process.
pub fn run_step(step: &Step) -> Result<Measure> {
    match step {
        Step::Export { sender, receiver, out } => export(sender, receiver, out),
        Step::Import { receiver, bundle, receipt } => import(receiver, bundle, receipt),
        Step::FloorInsert { source, target } => floor_insert(source, target),
        Step::FloorRead { source, reps } => best_of(*reps, || floor_read(source)),
        Step::Verify { home, bundle, reps } => best_of(*reps, || verify(home, bundle)),
        Step::FloorVerify { home, bundle, reps } => best_of(*reps, || floor_verify(home, bundle)),
        Step::Pack { home, tar, out, reps } => best_of(*reps, || pack(home, tar, out)),
        Step::FloorPack { home, tar, out, reps } => best_of(*reps, || floor_pack(home, tar, out)),
        Step::Inspect { home, bundle, reps } => inspect(home, bundle, *reps),
        Step::Backup { home, reps } => best_of(*reps, || backup(home)),
        Step::FloorCopy { source, target, reps } => best_of(*reps, || floor_copy(source, target)),
    }
}

fn best_of(reps: usize, mut f: impl FnMut() -> Result<Measure>) -> Result<Measure> {
    let mut best: Option<Measure> = None;
    for _ in 0..reps.max(1) {
        let m = f()?;
        if best.as_ref().is_none_or(|b| m.secs < b.secs) {
            best = Some(m);
        }
    }
    best.ok_or_else(|| anyhow!("no repetition ran"))
}

pub(crate) fn load_identity(home: &Path) -> Result<Identity> {
    Identity::load(home, &PassphraseSource::None).with_context(|| format!("loading the identity in {}", home.display()))
}

fn export(sender_root: &Path, receiver_root: &Path, out: &Path) -> Result<Measure> {
    let sender = load_identity(sender_root)?;
    let card = Identity::load_contact_card(receiver_root)?;
    let home = Home::new(sender_root, None);
    let lock = home.lock()?;
    let mut db = Database::open(home.db_path())?;
    let clients: Vec<String> = db.clients_list(false)?.into_iter().map(|c| c.uuid).collect();
    let recipient = bemx_pack::Recipient::new(&card);
    let from = bemx_pack::Sender::new(&sender);
    let request = bemx_pack::ExportRequest {
        confirmed_without_consent: None,
        clients,
        without_consent: Some("benchmark of demo data, no real clients".into()),
        output: out.to_path_buf(),
        workers: WORKERS,
        cancel: None,
    };
    let start = Instant::now();
    let report = bemx_pack::export(&home, &lock, &mut db, &from, &recipient, &request, &mut NoProgress)?;
    let secs = start.elapsed().as_secs_f64();
    Ok(Measure {
        secs,
        bytes: report.plaintext_bytes,
        rows: report.rows.iter().map(|(_, n)| n).sum(),
        hwm_kib: None,
        extra: vec![("file_bytes".into(), report.file_bytes as f64), ("documents".into(), report.documents as f64)],
    })
}

fn import(receiver_root: &Path, bundle: &Path, receipt: &Path) -> Result<Measure> {
    let home = Home::new(receiver_root, None);
    let identity = load_identity(receiver_root)?;
    let contacts = Contacts::load(receiver_root)?;
    let inst = Installation { home: &home, identity: &identity, contacts: &contacts };
    let lock = InstallLock::acquire(&home.lock_path())?;
    let options = ImportOptions {
        receipt: Some(receipt.to_path_buf()),
        burn: false,
        retention: Retention::default(),
        cancel: None,
        expected_manifest: None,
    };
    let bytes = std::fs::metadata(bundle)?.len();
    let start = Instant::now();
    let report = bemx_import::import(bundle, &inst, &lock, &options, &mut NoProgress)?;
    let secs = start.elapsed().as_secs_f64();
    Ok(Measure {
        secs,
        bytes,
        rows: report.rows.iter().map(|(_, n)| n).sum(),
        hwm_kib: None,
        extra: vec![("documents".into(), report.documents as f64)],
    })
}

/// One `backup create` (zstd → age, fsync, decrypt again and compare,
/// signature file), removed again so the next repetition starts alike.
fn backup(root: &Path) -> Result<Measure> {
    let home = Home::new(root, None);
    let identity = load_identity(root)?;
    let lock = home.lock()?;
    let start = Instant::now();
    let info = bemx_install::restore::create_backup(&home, &lock, &identity, "bench")?;
    let secs = start.elapsed().as_secs_f64();
    bemx_install::backup::remove_backup(&info.path)?;
    Ok(Measure {
        secs,
        bytes: info.db_bytes,
        rows: 0,
        hwm_kib: None,
        extra: vec![("file_bytes".into(), info.size as f64)],
    })
}

/// The floor of a backup: copy the database file and sync the copy.
fn floor_copy(source: &Path, target: &Path) -> Result<Measure> {
    let start = Instant::now();
    let bytes = std::fs::copy(source, target)?;
    // Windows syncs only a handle opened for writing (FlushFileBuffers).
    std::fs::OpenOptions::new().write(true).open(target)?.sync_all()?;
    let secs = start.elapsed().as_secs_f64();
    std::fs::remove_file(target)?;
    Ok(Measure { secs, bytes, rows: 0, hwm_kib: None, extra: vec![] })
}

/// Every client-owned row of `source`, every value read as SQLite hands it
/// out (documents whole), table by table in key order: what an export must
/// read at the least, without its ownership walk, plan or checks.
fn floor_read(source: &Path) -> Result<Measure> {
    let src = Database::open(source)?;
    let owned = bemx_db::export_tables(src.conn())?;
    let start = Instant::now();
    let (mut rows, mut bytes) = (0u64, 0u64);
    for spec in owned.iter().filter(|s| s.kind == TableKind::Owned) {
        let mut stmt = src.conn().prepare(&format!("SELECT * FROM {} ORDER BY 1", quote(&spec.name)))?;
        let n = stmt.column_count();
        let mut cursor = stmt.query([])?;
        while let Some(r) = cursor.next()? {
            rows += 1;
            for i in 0..n {
                bytes += match r.get_ref(i)? {
                    rusqlite::types::ValueRef::Text(t) | rusqlite::types::ValueRef::Blob(t) => t.len() as u64,
                    _ => 8,
                };
            }
        }
    }
    let secs = start.elapsed().as_secs_f64();
    Ok(Measure { secs, bytes, rows, hwm_kib: None, extra: vec![] })
}

/// The floor an import cannot beat: the same client-owned rows (documents
/// included, bound directly as blobs) inserted into an empty database with
/// the same schema and connection settings, in one transaction with one
/// prepared statement per table. Rows are loaded into memory beforehand and
/// document reads from the source are excluded from the time, so only the
/// inserts and the commit are measured.
fn floor_insert(source: &Path, target: &Path) -> Result<Measure> {
    let src = Database::open(source)?;
    let owned = bemx_db::export_tables(src.conn())?;
    let catalogues = bemx_db::catalogue_tables(src.conn())?;
    let mut tgt = Database::create(target, &uuid::Uuid::new_v4().to_string())?;
    let source_text = source.to_str().ok_or_else(|| anyhow!("non-UTF-8 path"))?;
    tgt.conn().execute("ATTACH DATABASE ?1 AS src", [source_text])?;
    for cat in &catalogues {
        let t = quote(&cat.name);
        tgt.conn().execute(&format!("INSERT OR REPLACE INTO main.{t} SELECT * FROM src.{t}"), [])?;
    }
    tgt.conn().execute("DETACH DATABASE src", [])?;

    struct Table {
        name: String,
        columns: Vec<String>,
        blob_cols: Vec<usize>,
        rows: Vec<Vec<Value>>,
    }
    let mut tables = Vec::new();
    for spec in owned.iter().filter(|s| s.kind == TableKind::Owned) {
        let columns: Vec<String> = spec.columns.iter().map(|c| c.name.clone()).collect();
        let blob_cols: Vec<usize> =
            spec.columns.iter().enumerate().filter(|(_, c)| c.role == ColumnRole::Blob).map(|(i, _)| i).collect();
        let select: Vec<String> = spec
            .columns
            .iter()
            .map(|c| if c.role == ColumnRole::Blob { format!("length({})", quote(&c.name)) } else { quote(&c.name) })
            .collect();
        let mut stmt =
            src.conn().prepare(&format!("SELECT {} FROM {} ORDER BY id", select.join(", "), quote(&spec.name)))?;
        let n = columns.len();
        let rows = stmt
            .query_map([], |r| (0..n).map(|i| r.get::<_, Value>(i)).collect::<rusqlite::Result<Vec<Value>>>())?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        tables.push(Table { name: spec.name.clone(), columns, blob_cols, rows });
    }

    let mut excluded = Duration::ZERO;
    let mut blob_buf: Vec<u8> = Vec::new();
    let mut rows_done = 0u64;
    let start = Instant::now();
    let tx = tgt.conn_mut().transaction()?;
    for t in &tables {
        let cols: Vec<String> = t.columns.iter().map(|c| quote(c)).collect();
        let marks: Vec<String> = (1..=cols.len()).map(|k| format!("?{k}")).collect();
        let mut ins =
            tx.prepare(&format!("INSERT INTO {} ({}) VALUES ({})", quote(&t.name), cols.join(", "), marks.join(", ")))?;
        for row in &t.rows {
            if t.blob_cols.is_empty() {
                ins.execute(rusqlite::params_from_iter(row.iter()))?;
            } else {
                // One blob column per table in this schema; bind its content.
                let bc = t.blob_cols[0];
                let paused = Instant::now();
                let has_blob = !matches!(row[bc], Value::Null);
                if has_blob {
                    let Value::Integer(id) = row[0] else { bail!("{}: first column is not the id", t.name) };
                    blob_buf.clear();
                    src.conn()
                        .blob_open(rusqlite::MAIN_DB, t.name.as_str(), t.columns[bc].as_str(), id, true)?
                        .read_to_end(&mut blob_buf)?;
                }
                excluded += paused.elapsed();
                let params: Vec<ToSqlOutput<'_>> = row
                    .iter()
                    .enumerate()
                    .map(|(i, v)| {
                        if i == bc && has_blob {
                            ToSqlOutput::Borrowed(ValueRef::Blob(&blob_buf))
                        } else {
                            ToSqlOutput::Borrowed(ValueRef::from(v))
                        }
                    })
                    .collect();
                ins.execute(rusqlite::params_from_iter(params.iter()))?;
            }
            rows_done += 1;
        }
    }
    tx.commit()?;
    let secs = (start.elapsed() - excluded).as_secs_f64();
    Ok(Measure { secs, bytes: 0, rows: rows_done, hwm_kib: None, extra: vec![] })
}

/// Trusts every signer: the benchmark measures, it does not judge trust.
#[derive(Debug)]
pub(crate) struct TrustAll;

impl TrustStore for TrustAll {
    fn sender_trust(&self, sender: &Party) -> SenderTrust {
        SenderTrust::Trusted { name: sender.name.clone() }
    }
}

fn me(identity: &Identity) -> Recipient<'_> {
    Recipient { identity: identity.age_identity(), installation_id: *identity.installation_id().as_bytes() }
}

fn verify(home: &Path, bundle: &Path) -> Result<Measure> {
    let identity = load_identity(home)?;
    let start = Instant::now();
    let verified = bemx_unpack::verify_file(bundle, me(&identity), &TrustAll, true)?;
    let secs = start.elapsed().as_secs_f64();
    let rows = verified.tables.iter().map(|t| t.rows).sum();
    Ok(Measure { secs, bytes: verified.data_bytes, rows, hwm_kib: None, extra: vec![] })
}

/// age decrypt + zstd decompress (window limit as the reader's) + SHA-256
/// of the decompressed stream: the work a verify cannot avoid.
fn floor_verify(home: &Path, bundle: &Path) -> Result<Measure> {
    let identity = load_identity(home)?;
    let start = Instant::now();
    let file = BufReader::with_capacity(1 << 20, File::open(bundle)?);
    let decryptor = age::Decryptor::new_buffered(file)?;
    let plain = decryptor.decrypt(std::iter::once(identity.age_identity() as &dyn age::Identity))?;
    let mut zstd = zstd::stream::read::Decoder::new(plain)?;
    zstd.window_log_max(bemx_format::MAX_WINDOW_LOG)?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; COPY_BUF];
    let mut total = 0u64;
    loop {
        let n = zstd.read(&mut buf)?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
        total += n as u64;
    }
    let digest = hasher.finalize();
    let secs = start.elapsed().as_secs_f64();
    Ok(Measure { secs, bytes: total, rows: 0, hwm_kib: None, extra: vec![("digest0".into(), f64::from(digest[0]))] })
}

fn output(out: &Path) -> Result<BufWriter<File>> {
    if out.exists() {
        std::fs::remove_file(out)?;
    }
    Ok(BufWriter::with_capacity(1 << 20, File::create(out)?))
}

/// bemx's packing layers on the bytes of an exported bundle: every entry
/// read from the plain archive `tar` and streamed through `BundleWriter`
/// (begin/write/end, the export's path), into a file. The input is read as
/// the floor reads it, one file front to back: reading the entries from a
/// file each (4,964 in scenario A) cost 0.07 s the floor never pays.
/// Bytes: the archive the writer produced.
fn pack(home: &Path, tar: &Path, out: &Path) -> Result<Measure> {
    let identity = load_identity(home)?;
    let mut buf = vec![0u8; COPY_BUF];
    let start = Instant::now();
    let mut archive = ArchiveReader::new(BufReader::with_capacity(COPY_BUF, File::open(tar)?));
    let mut writer =
        bemx_format::layers::BundleWriter::new(output(out)?, &identity.recipient(), bemx_format::time::now(), WORKERS)?;
    // As the export writes: the manifest and its signature whole, then
    // every data entry streamed and held to the manifest's digest.
    let mut order = Vec::new();
    let mut head = Vec::new();
    for _ in 0..2 {
        let h = archive.next_entry(u64::MAX)?.ok_or_else(|| anyhow!("the archive ends before its manifest"))?;
        let mut bytes = Vec::new();
        (&mut archive).take(h.size).read_to_end(&mut bytes)?;
        writer.append_bytes(&h.path, &bytes)?;
        order.push((h.path, h.size));
        head.push(bytes);
    }
    let manifest = bemx_format::Manifest::decode(&head[0])?;
    for listed in &manifest.entries {
        let h = archive.next_entry(u64::MAX)?.ok_or_else(|| anyhow!("the archive ends before {}", listed.path))?;
        if h.path != listed.path {
            bail!("entry {} where the manifest lists {}", h.path, listed.path);
        }
        writer.begin_entry(&h.path, h.size)?;
        let mut data = (&mut archive).take(h.size);
        loop {
            let n = data.read(&mut buf)?;
            if n == 0 {
                break;
            }
            writer.write_all(&buf[..n])?;
        }
        if writer.end_entry()? != listed.sha256 {
            bail!("entry {} differs from its manifest", listed.path);
        }
        order.push((h.path, h.size));
    }
    let mut file = writer.finish()?;
    file.flush()?;
    let secs = start.elapsed().as_secs_f64();
    Ok(Measure { secs, bytes: crate::archive_size(&order), rows: 0, hwm_kib: None, extra: vec![] })
}

/// The in-process floor of [`pack`]: the same archive bytes through zstd
/// (level 3, window log 21, 2 workers) and age into a file.
fn floor_pack(home: &Path, tar: &Path, out: &Path) -> Result<Measure> {
    let identity = load_identity(home)?;
    let recipient = identity.recipient();
    let start = Instant::now();
    let mut input = File::open(tar)?;
    let encryptor = age::Encryptor::with_recipients(std::iter::once(&recipient as &dyn age::Recipient))
        .map_err(|e| anyhow!("{e}"))?;
    let age_out = encryptor.wrap_output(output(out)?)?;
    let mut zstd = zstd::stream::write::Encoder::new(age_out, bemx_format::ZSTD_LEVEL)?;
    zstd.window_log(bemx_format::layers::WRITER_WINDOW_LOG)?;
    zstd.multithread(WORKERS)?;
    let mut buf = vec![0u8; COPY_BUF];
    let mut total = 0u64;
    loop {
        let n = input.read(&mut buf)?;
        if n == 0 {
            break;
        }
        zstd.write_all(&buf[..n])?;
        total += n as u64;
    }
    let mut file = zstd.finish()?.finish()?;
    file.flush()?;
    let secs = start.elapsed().as_secs_f64();
    Ok(Measure { secs, bytes: total, rows: 0, hwm_kib: None, extra: vec![] })
}

fn median_max(mut v: Vec<f64>) -> (f64, f64) {
    v.sort_by(f64::total_cmp);
    (v[v.len() / 2], v[v.len() - 1])
}

/// `BundleReader::open` (header, manifest, signature, recipient, trust)
/// and `inspect_header` (the age header only), each `reps` times.
fn inspect(home: &Path, bundle: &Path, reps: usize) -> Result<Measure> {
    let identity = load_identity(home)?;
    let reps = reps.max(1);
    let mut open = Vec::with_capacity(reps);
    let mut header = Vec::with_capacity(reps);
    let mut entries = 0usize;
    for _ in 0..reps {
        let start = Instant::now();
        let reader =
            bemx_unpack::BundleReader::open(BufReader::new(File::open(bundle)?), me(&identity), &TrustAll, true)?;
        entries = reader.manifest().entries.len();
        drop(reader);
        open.push(start.elapsed().as_secs_f64());
        let start = Instant::now();
        let info = bemx_unpack::inspect_header(bundle)?;
        header.push(start.elapsed().as_secs_f64());
        if !info.bundle_shaped {
            bail!("inspect_header: not bundle-shaped");
        }
    }
    let (open_med, open_max) = median_max(open);
    let (hdr_med, hdr_max) = median_max(header);
    Ok(Measure {
        secs: open_med,
        bytes: std::fs::metadata(bundle)?.len(),
        rows: 0,
        hwm_kib: None,
        extra: vec![
            ("open_max".into(), open_max),
            ("header_median".into(), hdr_med),
            ("header_max".into(), hdr_max),
            ("entries".into(), entries as f64),
        ],
    })
}

/// Entry point of the hidden child subcommand: runs one step and prints
/// its result as one JSON line.
pub fn child_main(arg: &str) -> Result<()> {
    let step: Step = serde_json::from_str(arg)?;
    let mut m = run_step(&step)?;
    m.hwm_kib = vm_hwm_kib();
    let line = serde_json::to_string(&m)?;
    let mut out = io::stdout().lock();
    writeln!(out, "{}{line}", crate::RESULT_PREFIX)?;
    out.flush()?;
    Ok(())
}
