//! bemx benchmarks (issue 9): pack, verify, export, import and inspect on
//! generated data of documented composition, each next to its floor
//! measured on the same bytes in the same run, printed as markdown.
//!
//! Heavy steps run in child processes (`bemx-bench __child <json>`) so that
//! each reports its own peak resident memory (`VmHWM`); the smoke mode can
//! also run everything in-process (the `#[test]`).
#![forbid(unsafe_code)]

pub mod steps;

use std::fs::File;
use std::io::{self, BufWriter, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

use anyhow::{Context, Result, anyhow, bail};
use bemx_db::Database;
use bemx_demo::{SeedOptions, SeedReport};
use bemx_format::layers::BundleWriter;
use bemx_format::ustar::ArchiveReader;
use bemx_format::{Entry, Manifest, SchemaInfo};
use bemx_identity::{Contacts, Identity};
use bemx_install::Home;
use sha2::{Digest, Sha256};

pub use steps::{Measure, Step};

/// Prefix of the one result line a child prints.
pub const RESULT_PREFIX: &str = "BEMX-BENCH-RESULT ";
/// Hidden subcommand that runs one step.
pub const CHILD_COMMAND: &str = "__child";

/// What to run.
#[derive(Debug, Clone)]
pub struct Options {
    /// Tiny sizes (seconds in debug); timing is reported, never judged.
    pub smoke: bool,
    /// Run heavy steps in child processes (needs the `bemx-bench` binary as
    /// the current executable); otherwise in-process, without peak RSS.
    pub children: bool,
    /// Where to put the scratch data (a temporary folder inside it, removed
    /// at the end); default: the system temp folder.
    pub workdir: Option<PathBuf>,
    /// Also time the shell pipeline `tar c | zstd -3 -T0 | age -r` when the tools exist.
    pub shell: bool,
    /// Keep the scratch folder and the bundles (for profiling single steps).
    pub keep: bool,
}

impl Options {
    /// The smoke check, in-process.
    pub fn smoke_in_process() -> Self {
        Options { smoke: true, children: false, workdir: None, shell: false, keep: false }
    }
}

/// Sizes of one run.
#[derive(Debug, Clone)]
struct Sizes {
    a: SeedOptions,
    b: SeedOptions,
    big_entries: u32,
    big_entry_bytes: u64,
    reps: usize,
    inspect_reps: usize,
}

impl Sizes {
    fn new(smoke: bool) -> Self {
        let (a_clients, b_clients, docs, big_entries, big_entry_bytes, reps, inspect_reps) = if smoke {
            (4, 40, (1024, 16 * 1024), 4, 256 * 1024, 1, 3)
        } else {
            (1_000, 20_000, (8 * 1024, 192 * 1024), 64, 16 * 1024 * 1024, 3, 21)
        };
        let mut a = SeedOptions::new(a_clients, 1);
        a.max_documents_per_client = 10;
        a.document_bytes = docs;
        let mut b = SeedOptions::new(b_clients, 3);
        b.documents = false;
        Sizes { a, b, big_entries, big_entry_bytes, reps, inspect_reps }
    }
}

/// Composition of one scenario's data.
#[derive(Debug, Clone, Default)]
pub struct Composition {
    /// Clients seeded (all exported).
    pub clients: u32,
    /// Client-owned rows, documents rows included.
    pub rows: u64,
    /// Documents.
    pub documents: u64,
    /// Documents that are random bytes (PDF-like, incompressible) and their bytes.
    pub random_docs: (u64, u64),
    /// Text documents (compressible) and their bytes.
    pub text_docs: (u64, u64),
    /// Plain archive (tar) bytes: what zstd sees.
    pub archive_bytes: u64,
    /// Data entry bytes (rows encoded + documents).
    pub entry_bytes: u64,
    /// Bundle file bytes.
    pub bundle_bytes: u64,
}

/// The results of one scenario.
#[derive(Debug, Clone, Default)]
pub struct Scenario {
    /// "A" or "B".
    pub name: String,
    /// Human description.
    pub title: String,
    /// What the data is.
    pub composition: Composition,
    /// Export.
    pub export: Measure,
    /// Import.
    pub import: Measure,
    /// Raw insert floor.
    pub floor_insert: Measure,
    /// Raw read floor of the export (with the pack floor).
    pub floor_read: Measure,
    /// Verify.
    pub verify: Measure,
    /// Decrypt + decompress + hash floor.
    pub floor_verify: Measure,
    /// BundleWriter over the same entries.
    pub pack: Measure,
    /// zstd → age floor.
    pub floor_pack: Measure,
    /// Shell pipeline, when the tools are installed.
    pub shell_pack: Option<Measure>,
    /// `backup create` of the receiver's database after the import.
    pub backup: Measure,
    /// Plain copy of the same database file: the backup's floor.
    pub floor_copy: Measure,
}

/// The large-bundle inspect run.
#[derive(Debug, Clone, Default)]
pub struct InspectRun {
    /// Bundle file bytes.
    pub bundle_bytes: u64,
    /// Seconds it took to write it (BundleWriter, incompressible data).
    pub make_secs: f64,
    /// `BundleReader::open` / `inspect_header` timings.
    pub inspect: Measure,
    /// Full verify of the same bundle.
    pub verify: Measure,
    /// Its floor.
    pub floor_verify: Measure,
}

/// Everything one run measured.
#[derive(Debug, Clone, Default)]
pub struct Report {
    /// Smoke sizes?
    pub smoke: bool,
    /// Scenario A and B.
    pub scenarios: Vec<Scenario>,
    /// The inspect run.
    pub inspect: InspectRun,
    /// Machine description lines.
    pub machine: Vec<String>,
    /// `uptime` before and after.
    pub load: (String, String),
    /// Total wall time of the run.
    pub total_secs: f64,
}

/// Runs a step, in a child process or here.
fn step(opts: &Options, s: &Step) -> Result<Measure> {
    if std::env::var_os("BEMX_BENCH_TRACE").is_some() {
        eprintln_step(s);
    }
    if !opts.children {
        return steps::run_step(s);
    }
    let exe = std::env::current_exe()?;
    let arg = serde_json::to_string(s)?;
    // BEMX_BENCH_PERF="Import,scenario-b,/tmp/import.perf": profile the child
    // whose step matches the first two parts with `perf record` into the third.
    // Several such triples may be separated by ';'.
    let perf = std::env::var("BEMX_BENCH_PERF").ok().and_then(|v| {
        v.split(';').find_map(|spec| {
            let parts: Vec<&str> = spec.split(',').collect();
            (parts.len() == 3 && arg.contains(&format!("{{\"{}\"", parts[0])) && arg.contains(parts[1]))
                .then(|| parts[2].to_string())
        })
    });
    let mut cmd = match &perf {
        Some(file) => {
            let mut c = Command::new("perf");
            c.args(["record", "-F", "999", "--call-graph", "dwarf,16384", "-o", file.as_str(), "--"]).arg(&exe);
            c
        }
        None => Command::new(&exe),
    };
    let out = cmd
        .arg(CHILD_COMMAND)
        .arg(&arg)
        .stdin(Stdio::null())
        .stderr(Stdio::inherit())
        .output()
        .context("starting a benchmark child")?;
    let stdout = String::from_utf8_lossy(&out.stdout);
    if !out.status.success() {
        bail!("benchmark child failed ({}) for {arg}: {stdout}", out.status);
    }
    let line = stdout
        .lines()
        .rev()
        .find_map(|l| l.strip_prefix(RESULT_PREFIX))
        .ok_or_else(|| anyhow!("benchmark child printed no result for {arg}"))?;
    Ok(serde_json::from_str(line)?)
}

fn eprintln_step(s: &Step) {
    let _ = writeln!(io::stderr(), "[bemx-bench] step: {}", serde_json::to_string(s).unwrap_or_default());
}

fn progress(log: &mut dyn Write, msg: &str) {
    let _ = writeln!(log, "[bemx-bench] {msg}");
    let _ = log.flush();
}

/// Creates an installation in `root`: identity, empty database, optional seed.
fn make_site(root: &Path, name: &str, seed: Option<&SeedOptions>) -> Result<(Identity, SeedReport)> {
    std::fs::create_dir_all(root)?;
    let home = Home::new(root, None);
    let identity = Identity::generate(name)?;
    identity.save(root, None)?;
    let mut db = Database::create(home.db_path(), &identity.installation_id().to_string())?;
    let report = match seed {
        Some(o) => bemx_demo::seed_with(&mut db, o)?,
        None => SeedReport::default(),
    };
    Ok((identity, report))
}

fn trust(root: &Path, other: &Identity) -> Result<()> {
    let mut contacts = Contacts::load(root)?;
    contacts.add(other.contact_card())?;
    Ok(())
}

/// Size of the ustar archive holding `order` (headers, padding, end marker).
pub fn archive_size(order: &[(String, u64)]) -> u64 {
    let block = bemx_format::BLOCK as u64;
    order.iter().map(|(_, s)| block + s.div_ceil(block) * block).sum::<u64>() + 2 * block
}

/// Decrypts `bundle` into the plain archive `tar` and extracts its entries
/// below `dir` (for the shell pipeline's `tar c`). Entry paths follow §3's
/// rules (checked by the archive reader), so they stay inside `dir`.
pub fn extract_entries(identity: &Identity, bundle: &Path, tar: &Path, dir: &Path) -> Result<()> {
    let (_, mut payload) = bemx_format::layers::open_payload(File::open(bundle)?, identity.age_identity())?;
    let mut plain = BufWriter::with_capacity(1 << 20, File::create(tar)?);
    io::copy(&mut payload, &mut plain)?;
    plain.flush()?;
    drop(plain);
    payload.finish()?;
    let mut archive = ArchiveReader::new(io::BufReader::with_capacity(1 << 20, File::open(tar)?));
    while let Some(h) = archive.next_entry(u64::MAX)? {
        bemx_format::manifest::check_path(&h.path)?;
        let target = dir.join(&h.path);
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent)?;
        }
        let mut out = BufWriter::new(File::create(&target)?);
        let copied = io::copy(&mut (&mut archive).take(h.size), &mut out)?;
        if copied != h.size {
            bail!("{}: short entry", h.path);
        }
        out.flush()?;
    }
    Ok(())
}

fn tool_available(name: &str) -> bool {
    Command::new(name).arg("--version").stdout(Stdio::null()).stderr(Stdio::null()).status().is_ok_and(|s| s.success())
}

/// `tar c | zstd -3 -T0 | age -r` over the extracted entries, timed from outside.
fn shell_pack(dir: &Path, recipient: &str, out: &Path, archive_bytes: u64, reps: usize) -> Result<Option<Measure>> {
    if !["tar", "zstd", "age", "sh"].iter().all(|t| *t == "sh" || tool_available(t)) {
        return Ok(None);
    }
    let mut names: Vec<&str> = vec!["manifest.cbor", "manifest.sig"];
    for d in ["tables", "blobs"] {
        if dir.join(d).is_dir() {
            names.push(d);
        }
    }
    let script = format!(
        "tar -c -f - --format=ustar -C \"$1\" {} | zstd -3 -T0 -q -c | age -r \"$2\" -o \"$3\"",
        names.join(" ")
    );
    let mut best: Option<f64> = None;
    for _ in 0..reps.max(1) {
        if out.exists() {
            std::fs::remove_file(out)?;
        }
        let start = Instant::now();
        let status = Command::new("sh").arg("-c").arg(&script).arg("sh").arg(dir).arg(recipient).arg(out).status()?;
        let secs = start.elapsed().as_secs_f64();
        if !status.success() {
            bail!("shell pipeline failed: {status}");
        }
        best = Some(best.map_or(secs, |b: f64| b.min(secs)));
    }
    Ok(best.map(|secs| Measure { secs, bytes: archive_bytes, ..Measure::default() }))
}

fn composition(db_path: &Path, seed: &SeedReport) -> Result<Composition> {
    let db = Database::open(db_path)?;
    let mut c = Composition { clients: seed.clients, rows: seed.rows, documents: seed.documents, ..Default::default() };
    let mut stmt = db
        .conn()
        .prepare("SELECT mime_type = 'application/pdf', count(*), coalesce(sum(size), 0) FROM documents GROUP BY 1")?;
    let rows = stmt.query_map([], |r| Ok((r.get::<_, bool>(0)?, r.get::<_, i64>(1)?, r.get::<_, i64>(2)?)))?;
    for row in rows {
        let (pdf, n, bytes) = row?;
        let (n, bytes) = (u64::try_from(n)?, u64::try_from(bytes)?);
        if pdf {
            c.random_docs = (n, bytes);
        } else {
            c.text_docs = (n, bytes);
        }
    }
    Ok(c)
}

fn run_scenario(
    opts: &Options,
    sizes: &Sizes,
    root: &Path,
    name: &str,
    title: &str,
    seed: &SeedOptions,
    log: &mut dyn Write,
) -> Result<Scenario> {
    let dir = root.join(format!("scenario-{}", name.to_lowercase()));
    let sender_root = dir.join("sender");
    let receiver_root = dir.join("receiver");
    progress(log, &format!("{name}: seeding {} clients", seed.clients));
    let (sender, seeded) = make_site(&sender_root, "Bench Sender", Some(seed))?;
    let (receiver, _) = make_site(&receiver_root, "Bench Receiver", None)?;
    trust(&sender_root, &receiver)?;
    trust(&receiver_root, &sender)?;
    let sender_db = Home::new(&sender_root, None).db_path().to_path_buf();
    let mut comp = composition(&sender_db, &seeded)?;
    // The floor reads the sender's rows after the export marked them handed
    // over, so keep a pristine copy for it.
    let floor_source = dir.join("floor-source.sqlite");
    std::fs::copy(&sender_db, &floor_source)?;

    let bundle = dir.join("handover.bemx");
    progress(log, &format!("{name}: export"));
    let export = step(
        opts,
        &Step::Export { sender: sender_root.clone(), receiver: receiver_root.clone(), out: bundle.clone() },
    )?;
    comp.entry_bytes = export.bytes;
    comp.bundle_bytes = std::fs::metadata(&bundle)?.len();

    progress(log, &format!("{name}: verify and its floor"));
    let verify = step(opts, &Step::Verify { home: receiver_root.clone(), bundle: bundle.clone(), reps: sizes.reps })?;
    let floor_verify =
        step(opts, &Step::FloorVerify { home: receiver_root.clone(), bundle: bundle.clone(), reps: sizes.reps })?;

    progress(log, &format!("{name}: pack and its floors"));
    let entries = dir.join("entries");
    let tar = dir.join("plain.tar");
    extract_entries(&receiver, &bundle, &tar, &entries)?;
    comp.archive_bytes = std::fs::metadata(&tar)?.len();
    let repack = dir.join("repack.bemx");
    let pack = step(
        opts,
        &Step::Pack { home: receiver_root.clone(), tar: tar.clone(), out: repack.clone(), reps: sizes.reps },
    )?;
    let floor_pack = step(
        opts,
        &Step::FloorPack { home: receiver_root.clone(), tar: tar.clone(), out: repack.clone(), reps: sizes.reps },
    )?;
    let shell = if opts.shell {
        shell_pack(&entries, &receiver.recipient().to_string(), &repack, comp.archive_bytes, sizes.reps)?
    } else {
        None
    };
    if !opts.keep {
        let _ = std::fs::remove_file(&repack);
        let _ = std::fs::remove_file(&tar);
        let _ = std::fs::remove_dir_all(&entries);
    }

    progress(log, &format!("{name}: import"));
    let import = step(
        opts,
        &Step::Import {
            receiver: receiver_root.clone(),
            bundle: bundle.clone(),
            receipt: dir.join("handover.receipt"),
        },
    )?;
    progress(log, &format!("{name}: raw read floor"));
    let floor_read = step(opts, &Step::FloorRead { source: floor_source.clone(), reps: sizes.reps })?;
    progress(log, &format!("{name}: raw insert floor"));
    let floor_insert =
        step(opts, &Step::FloorInsert { source: floor_source.clone(), target: dir.join("floor-target.sqlite") })?;
    if floor_insert.rows != import.rows {
        bail!("{name}: the floor inserted {} rows, the import {}", floor_insert.rows, import.rows);
    }
    progress(log, &format!("{name}: backup and its floor"));
    let backup = step(opts, &Step::Backup { home: receiver_root.clone(), reps: sizes.reps })?;
    let floor_copy = step(
        opts,
        &Step::FloorCopy {
            source: Home::new(&receiver_root, None).db_path().to_path_buf(),
            target: dir.join("floor-copy.sqlite"),
            reps: sizes.reps,
        },
    )?;
    if !opts.keep {
        let _ = std::fs::remove_dir_all(&dir);
    }
    Ok(Scenario {
        name: name.into(),
        title: title.into(),
        composition: comp,
        export,
        import,
        floor_insert,
        floor_read,
        verify,
        floor_verify,
        pack,
        floor_pack,
        shell_pack: shell,
        backup,
        floor_copy,
    })
}

/// splitmix64 filler: incompressible, deterministic per entry.
fn fill(state: &mut u64, buf: &mut [u8]) {
    for chunk in buf.chunks_mut(8) {
        *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = *state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^= z >> 31;
        let b = z.to_le_bytes();
        chunk.copy_from_slice(&b[..chunk.len()]);
    }
}

/// Streams entry `i` of the synthetic bundle in 1 MiB pieces.
fn synthetic_entry(i: u32, size: u64, mut f: impl FnMut(&[u8]) -> Result<()>) -> Result<()> {
    let mut state = 0x5EED_0000_0000_0000 ^ u64::from(i);
    let mut buf = vec![0u8; 1 << 20];
    let mut left = size;
    while left > 0 {
        let n = usize::try_from(left.min(buf.len() as u64))?;
        fill(&mut state, &mut buf[..n]);
        f(&buf[..n])?;
        left -= n as u64;
    }
    Ok(())
}

/// Writes a signed bundle of `entries` incompressible documents of
/// `entry_bytes` each straight through `BundleWriter`, addressed to `to`.
fn make_big_bundle(out: &Path, from: &Identity, to: &Identity, entries: u32, entry_bytes: u64) -> Result<()> {
    let mut listed = Vec::new();
    for i in 0..entries {
        let mut h = Sha256::new();
        synthetic_entry(i, entry_bytes, |b| {
            h.update(b);
            Ok(())
        })?;
        listed.push(Entry {
            path: format!("{}documents.content/{}", bemx_format::BLOBS_PREFIX, i + 1),
            size: entry_bytes,
            sha256: h.finalize().into(),
        });
    }
    let mut bundle_id = [0u8; 32];
    getrandom::getrandom(&mut bundle_id).map_err(|e| anyhow!("{e}"))?;
    let created = bemx_format::time::now();
    let manifest = Manifest {
        format: bemx_format::FORMAT_VERSION,
        schema: SchemaInfo {
            app: "bemx-bench".into(),
            version: u64::from(bemx_db::SCHEMA_VERSION),
            fingerprint: [0; 32],
            profile: "bemx-bench".into(),
            profile_version: 1,
            graph: [0; 32],
        },
        sender: bemx_pack::party_of_card(&from.contact_card()),
        tables: Vec::new(),
        clients: vec![*uuid::Uuid::new_v4().as_bytes()],
        created,
        entries: listed.clone(),
        bundle_id,
        recipient: bemx_pack::party_of_card(&to.contact_card()),
    };
    let manifest_bytes = manifest.encode()?;
    let signature = bemx_format::signature::sign_manifest(from.signing_key(), &manifest_bytes);
    let file = BufWriter::with_capacity(1 << 20, File::create(out)?);
    let mut w = BundleWriter::new(file, &to.recipient(), created, steps::WORKERS)?;
    w.append_bytes(bemx_format::MANIFEST_PATH, &manifest_bytes)?;
    w.append_bytes(bemx_format::SIGNATURE_PATH, &signature)?;
    for (i, e) in listed.iter().enumerate() {
        w.begin_entry(&e.path, e.size)?;
        synthetic_entry(u32::try_from(i)?, e.size, |b| Ok(w.write_all(b)?))?;
        if w.end_entry()? != e.sha256 {
            bail!("synthetic entry {} changed between passes", e.path);
        }
    }
    let mut file = w.finish()?;
    file.flush()?;
    file.into_inner().map_err(|e| e.into_error())?.sync_all()?;
    Ok(())
}

fn run_inspect(opts: &Options, sizes: &Sizes, root: &Path, log: &mut dyn Write) -> Result<InspectRun> {
    let dir = root.join("inspect");
    let to_root = dir.join("receiver");
    let (to, _) = make_site(&to_root, "Bench Receiver", None)?;
    let from = Identity::generate("Bench Sender")?;
    let bundle = dir.join("big.bemx");
    let total = u64::from(sizes.big_entries) * sizes.big_entry_bytes;
    progress(log, &format!("inspect: writing a {} MiB bundle", total >> 20));
    let start = Instant::now();
    make_big_bundle(&bundle, &from, &to, sizes.big_entries, sizes.big_entry_bytes)?;
    let make_secs = start.elapsed().as_secs_f64();
    let bundle_bytes = std::fs::metadata(&bundle)?.len();
    progress(log, "inspect: open and inspect_header");
    let inspect =
        step(opts, &Step::Inspect { home: to_root.clone(), bundle: bundle.clone(), reps: sizes.inspect_reps })?;
    progress(log, "inspect: verify of the large bundle and its floor");
    let verify = step(opts, &Step::Verify { home: to_root.clone(), bundle: bundle.clone(), reps: 1 })?;
    let floor_verify = step(opts, &Step::FloorVerify { home: to_root.clone(), bundle: bundle.clone(), reps: 1 })?;
    if !opts.keep {
        let _ = std::fs::remove_dir_all(&dir);
    }
    Ok(InspectRun { bundle_bytes, make_secs, inspect, verify, floor_verify })
}

fn command_line(cmd: &str, args: &[&str]) -> Option<String> {
    let out = Command::new(cmd).args(args).output().ok()?;
    out.status.success().then(|| String::from_utf8_lossy(&out.stdout).trim().to_string())
}

/// The machine: CPU count and model, memory, kernel.
pub fn machine() -> Vec<String> {
    let mut lines = Vec::new();
    let cpus = std::thread::available_parallelism().map_or(0, |n| n.get());
    lines.push(format!("logical CPUs (nproc): {cpus}"));
    if let Some(model) = command_line("lscpu", &[]).and_then(|s| {
        s.lines().find(|l| l.starts_with("Model name:")).map(|l| l["Model name:".len()..].trim().to_string())
    }) {
        lines.push(format!("CPU model (lscpu): {model}"));
    }
    if let Ok(mem) = std::fs::read_to_string("/proc/meminfo")
        && let Some(total) = mem.lines().find(|l| l.starts_with("MemTotal:"))
    {
        lines.push(format!("memory: {}", total["MemTotal:".len()..].trim()));
    }
    if let Some(k) = command_line("uname", &["-srm"]) {
        lines.push(format!("kernel: {k}"));
    }
    lines
}

fn uptime() -> String {
    command_line("uptime", &[]).unwrap_or_else(|| "n/a".into())
}

/// Runs the whole benchmark; progress goes to `log`.
pub fn run(opts: &Options, log: &mut dyn Write) -> Result<Report> {
    let start = Instant::now();
    let load_before = uptime();
    let sizes = Sizes::new(opts.smoke);
    let base = opts.workdir.clone().unwrap_or_else(std::env::temp_dir);
    let scratch = tempfile::Builder::new().prefix("bemx-bench-").tempdir_in(&base)?;
    let root = scratch.path();
    let a = run_scenario(
        opts,
        &sizes,
        root,
        "A",
        &format!("{} clients, about 5 documents each", sizes.a.clients),
        &sizes.a,
        log,
    )?;
    let b =
        run_scenario(opts, &sizes, root, "B", &format!("{} clients, no documents", sizes.b.clients), &sizes.b, log)?;
    let inspect = run_inspect(opts, &sizes, root, log)?;
    if opts.keep {
        progress(log, &format!("kept scratch data in {}", scratch.keep().display()));
    } else {
        scratch.close()?;
    }
    Ok(Report {
        smoke: opts.smoke,
        scenarios: vec![a, b],
        inspect,
        machine: machine(),
        load: (load_before, uptime()),
        total_secs: start.elapsed().as_secs_f64(),
    })
}

pub mod report;
