//! Helpers shared by the end-to-end tests: temporary installations, running
//! the `bemx` binary, exchanging contact cards, seeding, and the snapshots
//! that prove "nothing changed" and "nothing written elsewhere".
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeSet;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// The binary under test.
pub const BIN: &str = env!("CARGO_BIN_EXE_bemx");

/// What one run of `bemx` produced.
#[derive(Debug)]
pub struct Run {
    pub args: Vec<String>,
    pub stdout: String,
    pub stderr: String,
    pub code: i32,
}

impl Run {
    fn describe(&self) -> String {
        format!(
            "bemx {}\nexit code: {}\n--- stdout ---\n{}\n--- stderr ---\n{}",
            self.args.join(" "),
            self.code,
            self.stdout,
            self.stderr
        )
    }

    fn assert_no_panic(&self) {
        assert!(self.code != 101 && !self.stderr.contains("panicked"), "bemx panicked:\n{}", self.describe());
    }

    /// Asserts exit code 0.
    #[track_caller]
    pub fn success(self) -> Self {
        self.assert_no_panic();
        assert_eq!(self.code, 0, "expected success:\n{}", self.describe());
        self
    }

    /// Asserts exit code 1 (refused or failed) with an `error:` line on
    /// stderr, and no panic.
    #[track_caller]
    pub fn refused(self) -> Self {
        self.assert_no_panic();
        assert_eq!(self.code, 1, "expected a refusal (exit 1):\n{}", self.describe());
        assert!(
            self.stderr.lines().any(|l| l.starts_with("error: ") || l.starts_with("Fehler: ")),
            "refusal without an error line:\n{}",
            self.describe()
        );
        self
    }

    /// Like [`Run::refused`], and the error or hint mentions `text` (case-insensitive).
    #[track_caller]
    pub fn refused_with(self, text: &str) -> Self {
        let run = self.refused();
        assert!(
            run.stderr.to_lowercase().contains(&text.to_lowercase()),
            "expected {text:?} in the error:\n{}",
            run.describe()
        );
        run
    }

    /// Asserts exit code 2 (usage error).
    #[track_caller]
    pub fn usage_error(self) -> Self {
        self.assert_no_panic();
        assert_eq!(self.code, 2, "expected a usage error (exit 2):\n{}", self.describe());
        self
    }

    /// Parses stdout as exactly one JSON document.
    #[track_caller]
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("stdout is not one JSON document ({e}):\n{}", self.describe()))
    }
}

/// Starts `cmd`. A failure to *create* the process is retried: under Wine,
/// process creation fails now and then with ERROR_INTERNAL_ERROR (1359)
/// when a test starts hundreds of processes. Only the start is retried,
/// never a run: every exit code still counts.
pub fn spawn(cmd: &mut Command) -> std::process::Child {
    let mut last = None;
    for attempt in 0..5 {
        match cmd.spawn() {
            Ok(child) => return child,
            Err(e) => {
                last = Some(e);
                std::thread::sleep(std::time::Duration::from_millis(200 * (attempt + 1)));
            }
        }
    }
    panic!("start bemx: {last:?}");
}

/// `bemx ARGS` in `cwd` with an environment that cannot reach the real
/// user's data: no BEMX_* variables, HOME and XDG_DATA_HOME inside `cwd`;
/// stdin null, stdout and stderr piped.
pub fn sealed<S: AsRef<std::ffi::OsStr>>(cwd: &Path, args: &[S]) -> Command {
    let mut cmd = Command::new(BIN);
    cmd.args(args)
        .current_dir(cwd)
        .env_remove("BEMX_HOME")
        .env_remove("BEMX_PASSPHRASE")
        // English unless a test asks otherwise, whatever this machine's locale.
        .env("BEMX_LANG", "en")
        .env("HOME", cwd.join("user-home"))
        .env("XDG_DATA_HOME", cwd.join("user-home/.local/share"))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    cmd
}

/// Runs `bemx` in `cwd` with `args` in the [`sealed`] environment, feeding
/// `stdin` (or nothing).
pub fn bemx_in(cwd: &Path, args: &[&str], stdin: Option<&[u8]>, env: &[(&str, &str)]) -> Run {
    let mut cmd = sealed(cwd, args);
    if stdin.is_some() {
        cmd.stdin(Stdio::piped());
    }
    for (k, v) in env {
        cmd.env(k, v);
    }
    let mut child = spawn(&mut cmd);
    if let Some(input) = stdin {
        let mut pipe = child.stdin.take().expect("stdin pipe");
        // The binary may refuse before reading all of it; a broken pipe is fine.
        let _ = pipe.write_all(input);
    }
    run_of(args, child.wait_with_output().expect("wait for bemx"))
}

/// A temporary folder holding one or more installations (and bundles).
pub struct World {
    dir: tempfile::TempDir,
}

impl World {
    pub fn new() -> Self {
        Self { dir: tempfile::tempdir().expect("temp dir") }
    }

    /// The folder; commands run with it as working directory.
    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Runs `bemx` with exactly `args` (no `--home` added).
    pub fn bemx(&self, args: &[&str]) -> Run {
        bemx_in(self.path(), args, None, &[])
    }

    /// An installation folder `<world>/<name>` that does not exist yet.
    pub fn uninitialized(&self, name: &str) -> Inst {
        Inst { world: self.path().to_path_buf(), home: self.path().join(name) }
    }

    /// A new installation `<world>/<name>` made by `bemx init --name <name>`.
    pub fn init(&self, name: &str) -> Inst {
        let inst = self.uninitialized(name);
        inst.run(&["init", "--name", name]).success();
        inst
    }
}

/// One installation.
pub struct Inst {
    pub world: PathBuf,
    pub home: PathBuf,
}

impl Inst {
    fn with_home<'a>(&'a self, args: &[&'a str]) -> Vec<&'a str> {
        let home = self.home.to_str().expect("utf-8 temp path");
        let mut all = vec!["--home", home];
        all.extend_from_slice(args);
        all
    }

    /// Runs `bemx --home <home> ARGS`.
    pub fn run(&self, args: &[&str]) -> Run {
        bemx_in(&self.world, &self.with_home(args), None, &[])
    }

    /// Runs `bemx --home <home> ARGS` with `input` on stdin.
    pub fn run_stdin(&self, args: &[&str], input: &[u8]) -> Run {
        bemx_in(&self.world, &self.with_home(args), Some(input), &[])
    }

    /// Runs `bemx --home <home> ARGS` with extra environment variables.
    pub fn run_env(&self, args: &[&str], env: &[(&str, &str)]) -> Run {
        bemx_in(&self.world, &self.with_home(args), None, env)
    }

    /// The database file.
    pub fn db_path(&self) -> PathBuf {
        self.home.join("bemdok.sqlite")
    }

    /// The contact card as JSON (`id show --json`).
    pub fn card_json(&self) -> String {
        self.run(&["id", "show", "--json"]).success().stdout
    }

    /// The fingerprint from the contact card.
    pub fn fingerprint(&self) -> String {
        let card: serde_json::Value = serde_json::from_str(&self.card_json()).expect("card json");
        card["fingerprint"].as_str().expect("fingerprint").to_owned()
    }

    /// Trusts `other` (`contacts add - --yes` with its card on stdin).
    pub fn trust(&self, other: &Inst) {
        self.run_stdin(&["contacts", "add", "-", "--yes"], other.card_json().as_bytes()).success();
    }

    /// Adds demo clients with a few small documents each.
    pub fn seed(&self, clients: u32) {
        let n = clients.to_string();
        self.run(&[
            "db",
            "seed",
            "--clients",
            &n,
            "--seed",
            "7",
            "--max-documents",
            "2",
            "--document-bytes",
            "100-3000",
        ])
        .success();
    }

    /// Opens the database file directly (read-only checks).
    pub fn sql(&self) -> rusqlite::Connection {
        rusqlite::Connection::open_with_flags(self.db_path(), rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
            .expect("open database")
    }

    /// BEM-IDs of clients with (`true`) or without (`false`) an unrevoked
    /// handover consent, ordered by BEM-ID.
    pub fn clients_with_consent(&self, consent: bool) -> Vec<String> {
        let conn = self.sql();
        let mut stmt = conn
            .prepare(
                "SELECT bem_id FROM clients c WHERE EXISTS (SELECT 1 FROM consents WHERE client_id = c.id
                   AND kind = 'handover' AND revoked_on IS NULL) = ?1 ORDER BY bem_id",
            )
            .expect("prepare");
        stmt.query_map([consent], |r| r.get(0)).expect("query").collect::<Result<_, _>>().expect("rows")
    }

    /// The UUID of a client by BEM-ID.
    pub fn uuid_of(&self, bem_id: &str) -> String {
        self.sql().query_row("SELECT uuid FROM clients WHERE bem_id = ?1", [bem_id], |r| r.get(0)).expect("client")
    }
}

/// Anna and Bernd, who trust each other; Anna has `clients` demo clients.
pub fn pair(clients: u32) -> (World, Inst, Inst) {
    let world = World::new();
    let anna = world.init("Anna");
    let bernd = world.init("Bernd");
    exchange(&anna, &bernd);
    anna.seed(clients);
    (world, anna, bernd)
}

/// Makes `a` and `b` trust each other.
pub fn exchange(a: &Inst, b: &Inst) {
    a.trust(b);
    b.trust(a);
}

/// The bytes of a file, for byte-for-byte "unchanged" checks.
pub fn snapshot(path: &Path) -> Vec<u8> {
    std::fs::read(path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()))
}

/// Asserts that the file still has exactly the bytes of `before`.
#[track_caller]
pub fn assert_unchanged(path: &Path, before: &[u8]) {
    let now = snapshot(path);
    assert!(now == before, "{} changed ({} bytes before, {} now)", path.display(), before.len(), now.len());
}

/// Every file under `dir`, as paths relative to it (folders not listed).
pub fn files_under(dir: &Path) -> BTreeSet<PathBuf> {
    fn walk(root: &Path, dir: &Path, out: &mut BTreeSet<PathBuf>) {
        let Ok(entries) = std::fs::read_dir(dir) else { return };
        for entry in entries {
            let path = entry.expect("dir entry").path();
            if path.is_dir() {
                walk(root, &path, out);
            } else {
                out.insert(path.strip_prefix(root).expect("under root").to_path_buf());
            }
        }
    }
    let mut out = BTreeSet::new();
    walk(dir, dir, &mut out);
    out
}

/// Files under `dir` that are not inside `inside` (e.g. an installation folder).
pub fn files_outside(dir: &Path, inside: &Path) -> BTreeSet<PathBuf> {
    let rel = inside.strip_prefix(dir).expect("inside dir");
    files_under(dir).into_iter().filter(|p| !p.starts_with(rel)).collect()
}

// --- flow helpers (receiver side, handover, backups, kill test) ---

impl Inst {
    /// Adds `clients` demo clients from generator seed `seed` with up to two
    /// documents of `document_bytes` ("MIN-MAX") each. Installations seeded
    /// with the same seed get the same client UUIDs, so give a receiver
    /// another seed than its sender.
    pub fn seed_with(&self, clients: u32, seed: u32, document_bytes: &str) {
        let (n, s) = (clients.to_string(), seed.to_string());
        let args =
            ["db", "seed", "--clients", &n, "--seed", &s, "--max-documents", "2", "--document-bytes", document_bytes];
        self.run(&args).success();
    }

    /// Starts `bemx --home <home> ARGS` as a child (stdin and stdout null,
    /// stderr piped) in the same sealed environment as [`bemx_in`], for
    /// tests that signal or kill it.
    pub fn spawn(&self, args: &[&str]) -> std::process::Child {
        let mut cmd = self.command(args);
        cmd.stdout(Stdio::null());
        spawn(&mut cmd)
    }
}

/// Copies the folder `from` (files and subfolders) to the new folder `to`.
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap_or_else(|e| panic!("create {}: {e}", to.display()));
    for entry in std::fs::read_dir(from).unwrap_or_else(|e| panic!("read {}: {e}", from.display())) {
        let path = entry.expect("dir entry").path();
        let target = to.join(path.file_name().expect("file name"));
        if path.is_dir() {
            copy_dir(&path, &target);
        } else {
            std::fs::copy(&path, &target).unwrap_or_else(|e| panic!("copy {}: {e}", path.display()));
        }
    }
}

// ---------------------------------------------------------------------------
// Helpers for the attack and fault cases (attacks.rs): whole-world snapshots,
// Debian's standard tools, the age layout, and measured child processes.

/// Every file under `dir` with its bytes (folders not listed).
pub fn contents_under(dir: &Path) -> std::collections::BTreeMap<PathBuf, Vec<u8>> {
    files_under(dir).into_iter().map(|rel| (rel.clone(), snapshot(&dir.join(&rel)))).collect()
}

impl Run {
    /// Like [`Run::refused`], and the error or hint mentions one of `texts`
    /// (case-insensitive).
    #[track_caller]
    pub fn refused_with_any(self, texts: &[&str]) -> Self {
        let run = self.refused();
        let stderr = run.stderr.to_lowercase();
        assert!(
            texts.iter().any(|t| stderr.contains(&t.to_lowercase())),
            "expected one of {texts:?} in the error:\n{}",
            run.describe()
        );
        run
    }
}

impl Inst {
    /// The installation's standard age identity file (FORMAT.md §10).
    pub fn age_key_file(&self) -> PathBuf {
        self.home.join("identity").join("age.key")
    }

    /// The installation's age recipient (`age1…`), from its contact card.
    pub fn age_recipient(&self) -> String {
        let card: serde_json::Value = serde_json::from_str(&self.card_json()).expect("card json");
        card["age_recipient"].as_str().expect("age_recipient").to_owned()
    }

    /// The installation's keys, loaded with the identity crate (no passphrase).
    pub fn identity(&self) -> bemx_identity::Identity {
        bemx_identity::Identity::load(&self.home, &bemx_identity::PassphraseSource::None).expect("load identity")
    }

    /// Opens the database file for writing (to stage a situation a user or
    /// another program would create).
    pub fn sql_rw(&self) -> rusqlite::Connection {
        rusqlite::Connection::open(self.db_path()).expect("open database")
    }

    /// A `Command` for `bemx --home <home> ARGS` with the environment of
    /// [`bemx_in`], for tests that start bemx themselves (concurrency, memory).
    pub fn command(&self, args: &[&str]) -> Command {
        sealed(&self.world, &self.with_home(args))
    }
}

/// Turns a finished child's output into a [`Run`].
pub fn run_of(args: &[&str], out: std::process::Output) -> Run {
    Run {
        args: args.iter().map(|s| (*s).to_owned()).collect(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        code: out.status.code().unwrap_or(-1),
    }
}

/// Runs `cmd` (stdout and stderr piped) and polls its peak resident set size
/// (`VmHWM` in /proc/<pid>/status, Linux) until it exits. Returns the run,
/// the peak in KiB (0 off Linux) and the wall time.
pub fn run_measured(mut cmd: Command, args: &[&str]) -> (Run, u64, std::time::Duration) {
    use std::io::Read as _;
    let start = std::time::Instant::now();
    let mut child = spawn(&mut cmd);
    let mut out = child.stdout.take().expect("stdout");
    let mut err = child.stderr.take().expect("stderr");
    let out_thread = std::thread::spawn(move || {
        let mut v = Vec::new();
        let _ = out.read_to_end(&mut v);
        v
    });
    let err_thread = std::thread::spawn(move || {
        let mut v = Vec::new();
        let _ = err.read_to_end(&mut v);
        v
    });
    // Linux only: under Wine the child's id is a Windows process id, and
    // "/proc/<id>/status" on the Z: drive is whichever Linux process has
    // that number (once a build's rustc at 279 MiB).
    let status_file = cfg!(target_os = "linux").then(|| PathBuf::from(format!("/proc/{}/status", child.id())));
    let mut peak = 0u64;
    let status = loop {
        // Read before reaping: a reaped child has no status file.
        if let Some(text) = status_file.as_ref().and_then(|f| std::fs::read_to_string(f).ok())
            && let Some(line) = text.lines().find(|l| l.starts_with("VmHWM:"))
        {
            let kb: u64 = line.split_whitespace().nth(1).and_then(|v| v.parse().ok()).unwrap_or(0);
            peak = peak.max(kb);
        }
        if let Some(status) = child.try_wait().expect("wait for bemx") {
            break status;
        }
        std::thread::sleep(std::time::Duration::from_millis(5));
    };
    let elapsed = start.elapsed();
    let output = std::process::Output {
        status,
        stdout: out_thread.join().expect("stdout"),
        stderr: err_thread.join().expect("stderr"),
    };
    (run_of(args, output), peak, elapsed)
}

/// Whether `program --version` runs.
pub fn tool_exists(program: &str) -> bool {
    Command::new(program)
        .arg("--version")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// True when every tool is installed; otherwise prints a loud SKIPPED line
/// for `test` and returns false (CI installs Debian's age, zstd and tar).
#[allow(clippy::print_stderr)]
pub fn tools_or_skip(test: &str, tools: &[&str]) -> bool {
    let missing: Vec<&str> = tools.iter().copied().filter(|t| !tool_exists(t)).collect();
    if missing.is_empty() {
        return true;
    }
    // CI installs the tools and sets this: there a missing tool fails.
    assert!(
        std::env::var_os("BEMX_REQUIRE_TOOLS").is_none(),
        "BEMX_REQUIRE_TOOLS is set but {missing:?} do not run: install them (apt-get install age zstd tar)"
    );
    eprintln!("SKIPPED {test}: standard tool(s) {missing:?} not installed (apt-get install age zstd tar)");
    false
}

/// Runs `program ARGS` in `cwd` with `input` on stdin (fed from a thread, so
/// large outputs cannot deadlock) and returns stdout; panics with stderr if
/// the program fails.
pub fn pipe(program: &str, args: &[&str], cwd: &Path, input: &[u8]) -> Vec<u8> {
    let mut child = Command::new(program)
        .args(args)
        .current_dir(cwd)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("start {program}: {e}"));
    let mut stdin = child.stdin.take().expect("stdin");
    let input = input.to_vec();
    let feeder = std::thread::spawn(move || {
        let _ = stdin.write_all(&input);
    });
    let out = child.wait_with_output().expect("wait");
    let _ = feeder.join();
    assert!(
        out.status.success(),
        "{program} {args:?} failed: {}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

/// Length of an age v1 header (up to and including the `--- <MAC>` line):
/// the offset of the payload's 16-byte nonce. The MAC line is "\n--- "
/// followed by 43 base64 characters and "\n".
pub fn age_header_len(file: &[u8]) -> usize {
    let at = file.windows(5).position(|w| w == b"\n--- ").expect("age MAC line");
    let end = at + 5 + 43;
    assert_eq!(file[end], b'\n', "43 base64 characters of MAC, then a newline");
    end + 1
}

// --- German output (issue 15) ---

/// English words that must not appear in German output (matched as whole
/// lowercase words, outside `backticks` and OS error texts).
const ENGLISH_WORDS: &[&str] = &[
    "the",
    "and",
    "not",
    "cannot",
    "could",
    "were",
    "is",
    "are",
    "has",
    "have",
    "with",
    "without",
    "this",
    "that",
    "from",
    "into",
    "for",
    "nothing",
    "changed",
    "file",
    "bundle",
    "receipt",
    "client",
    "clients",
    "handover",
    "handed",
    "database",
    "backup",
    "backups",
    "contact",
    "installation's",
    "error",
    "hint",
    "warning",
    "note",
    "please",
    "again",
    "check",
    "run",
    "written",
    "found",
    "missing",
    "refused",
    "damaged",
    "signed",
    "sender",
    "recipient",
    "imported",
    "exported",
    "cancelled",
    "confirmed",
    "free",
    "space",
    "disk",
    "yes",
    "no",
    "created",
    "size",
    "kind",
    "name",
    "signature",
    "trusted",
    "fingerprint",
];

/// Raw table names of the reference schema that people never see.
const TABLE_NAMES: &[&str] = &[
    "cat_action_type",
    "cat_department",
    "cat_funding_body",
    "cat_funding_type",
    "cat_job_function",
    "cat_measure",
    "bem_cases",
    "action_participants",
    "action_results",
    "action_tasks",
    "deletion_schedule",
    "funding_applications",
    "sick_days_after",
    "sick_leave_periods",
    "survey_answers",
    "import_ledger",
    "handover_clients",
];

/// What a German check looks at: the text without `quoted commands`,
/// paths given by the test, and OS error texts (the OS's language).
fn checked_part(text: &str, skip: &[&str]) -> String {
    let mut out = String::new();
    for (i, piece) in text.split('`').enumerate() {
        if i % 2 == 0 {
            out.push_str(piece);
        }
        out.push(' ');
    }
    // A path the test made (the world folder and below) is the test's,
    // to its end: `/tmp/x/Bernd/backups` holds no word of bemx's.
    for s in skip.iter().filter(|s| !s.is_empty()) {
        while let Some(start) = out.find(s) {
            let end = out[start..].find(char::is_whitespace).map_or(out.len(), |e| start + e);
            out.replace_range(start..end, " ");
        }
    }
    // An entry name quoted from the bundle (`"tables/000-cat_….cbor"`) is
    // the file's own content, shown as evidence, like a file name.
    for prefix in ["\"tables/", "\"blobs/"] {
        while let Some(start) = out.find(prefix) {
            let end = out[start + 1..].find('"').map_or(out.len(), |e| start + e + 2);
            out.replace_range(start..end, " ");
        }
    }
    // Options as typed (`--yes`, `-o`), file names (`h.receipt`,
    // `*.receipt`) and backup names (`backup-20261130T…`) are no words of
    // either language; nor are the command names in a help screen's list.
    let is_name = |w: &str| {
        let w = w.trim_matches(|c: char| matches!(c, ',' | ';' | ')' | '(' | ']' | '[' | ':'));
        (w.starts_with('-') && w.len() > 1)
            || w.rsplit_once('.').is_some_and(|(stem, ext)| {
                !stem.is_empty() && !ext.is_empty() && ext.chars().all(|c| c.is_ascii_lowercase())
            })
            || ["backup-", "before-restore-", "SICHERHEITSBACKUP-"].iter().any(|p| w.starts_with(p))
    };
    let mut lines = Vec::new();
    let mut in_commands = false;
    for line in out.lines() {
        if line.ends_with(':') && !line.starts_with(' ') {
            in_commands = line == "Befehle:" || line == "Commands:";
        }
        let line = if in_commands && line.starts_with("  ") {
            // "  handover     Die abgebende Seite …": the first word is a command.
            line.trim_start().split_once(' ').map_or("", |(_, rest)| rest)
        } else {
            line
        };
        lines.push(line.split(' ').map(|w| if is_name(w) { "" } else { w }).collect::<Vec<_>>().join(" "));
    }
    out = lines.join("\n");
    // "…: No such file or directory (os error 2)": the OS speaks.
    let mut cleaned = String::new();
    // The contact card is data in its own parsed format, the same in every
    // language (`bemx contacts add` reads it back).
    const CARD_LINES: [&str; 6] =
        ["bemx contact card v1", "name: ", "installation: ", "age-recipient: ", "ed25519: ", "fingerprint: "];
    for line in out.lines().filter(|l| !CARD_LINES.iter().any(|p| l.trim_start().starts_with(p))) {
        let mut line = line.to_owned();
        while let Some(end) = line.find("(os error") {
            let start = line[..end].rfind(": ").map_or(0, |s| s + 2);
            let close = line[end..].find(')').map_or(line.len(), |c| end + c + 1);
            line.replace_range(start..close, " ");
        }
        cleaned.push_str(&line);
        cleaned.push('\n');
    }
    cleaned
}

/// Fails when `text` (human output of `what`) has an English word, a raw
/// table name, a hex id longer than 12 characters or an ISO timestamp.
/// `skip`: strings the test itself put there (paths, names).
#[track_caller]
pub fn assert_german(what: &str, text: &str, skip: &[&str]) {
    let problems = german_problems(text, skip);
    assert!(problems.is_empty(), "{what}: {} in German output:\n{text}", problems.join(", "));
}

/// What [`assert_german`] finds, one entry per finding.
pub fn german_problems(text: &str, skip: &[&str]) -> Vec<String> {
    let part = checked_part(text, skip);
    let mut problems = Vec::new();
    let words: Vec<&str> =
        part.split(|c: char| !(c.is_alphanumeric() || c == '\'' || c == '_')).filter(|w| !w.is_empty()).collect();
    for w in &words {
        if ENGLISH_WORDS.contains(w) {
            problems.push(format!("English word {w:?}"));
        }
        if TABLE_NAMES.contains(w) {
            problems.push(format!("table name {w:?}"));
        }
        let hex = w.chars().filter(|c| c.is_ascii_hexdigit()).count();
        if hex == w.len() && w.len() > 12 && w.chars().any(|c| c.is_ascii_digit()) {
            problems.push(format!("hex id {w}"));
        }
    }
    let bytes = part.as_bytes();
    for i in 0..bytes.len().saturating_sub(13) {
        if bytes[i..i + 4].iter().all(u8::is_ascii_digit)
            && bytes[i + 4] == b'-'
            && bytes[i + 7] == b'-'
            && bytes[i + 10] == b'T'
        {
            problems.push("an ISO timestamp".into());
        }
    }
    problems
}
