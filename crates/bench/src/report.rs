//! Markdown rendering of a [`Report`].

use std::fmt::Write as _;

use crate::{Measure, Report, Scenario};

/// Peak RSS limit of every bemx step, MiB.
pub const RSS_LIMIT_MIB: f64 = 64.0;
/// Inspect limit, seconds.
pub const INSPECT_LIMIT_SECS: f64 = 0.050;

fn mbs(bytes: u64, secs: f64) -> f64 {
    if secs > 0.0 { bytes as f64 / 1e6 / secs } else { 0.0 }
}

fn mb(bytes: u64) -> String {
    format!("{:.1} MB", bytes as f64 / 1e6)
}

fn rss(m: &Measure) -> String {
    m.hwm_kib.map_or_else(|| "n/a".into(), |k| format!("{:.1} MiB", k as f64 / 1024.0))
}

fn rss_ok(m: &Measure) -> Option<bool> {
    m.hwm_kib.map(|k| (k as f64 / 1024.0) < RSS_LIMIT_MIB)
}

struct Judge {
    smoke: bool,
}

impl Judge {
    fn status(&self, checks: &[Option<bool>]) -> String {
        if self.smoke {
            return "smoke: not judged".into();
        }
        let known: Vec<bool> = checks.iter().flatten().copied().collect();
        if known.is_empty() {
            "—".into()
        } else if known.iter().all(|&b| b) {
            "**met**".into()
        } else {
            "**MISSED**".into()
        }
    }
}

fn scenario_rows(out: &mut String, s: &Scenario, j: &Judge) {
    let n = &s.name;
    let tp = |m: &Measure| format!("{:.0} MB/s ({:.2} s)", mbs(m.bytes, m.secs), m.secs);
    // Pack vs in-process floor.
    let ratio = mbs(s.pack.bytes, s.pack.secs) / mbs(s.floor_pack.bytes, s.floor_pack.secs).max(f64::MIN_POSITIVE);
    let _ = writeln!(
        out,
        "| {n} | pack: `BundleWriter` over the bundle's entries, {} archive | {} | in-process zstd -3 ×{} → age: {} | {:.0} % | {} | ≥ 95 % of floor | {} |",
        mb(s.pack.bytes),
        tp(&s.pack),
        crate::steps::WORKERS,
        tp(&s.floor_pack),
        ratio * 100.0,
        rss(&s.pack),
        j.status(&[Some(ratio >= 0.95), rss_ok(&s.pack)])
    );
    if let Some(sh) = &s.shell_pack {
        let r = mbs(s.pack.bytes, s.pack.secs) / mbs(sh.bytes, sh.secs).max(f64::MIN_POSITIVE);
        let _ = writeln!(
            out,
            "| {n} | pack (same) | {} | shell `tar c \\| zstd -3 -T0 \\| age -r`: {} | {:.0} % | — | (information) | — |",
            tp(&s.pack),
            tp(sh),
            r * 100.0
        );
    }
    let e = &s.export;
    // Issue 18 item 3: the export against what it must do at the least —
    // read the rows (raw SQLite) and pack them (the pack floor).
    let floor = s.floor_pack.secs + s.floor_read.secs;
    let e_ratio = e.secs / floor.max(f64::MIN_POSITIVE);
    let _ = writeln!(
        out,
        "| {n} | export (`bemx_pack::export`, end to end: plan, write, fsync, re-read, mark) | {:.2} s, {:.0} rows/s, {:.0} MB/s of entries | pack floor above {:.2} s + raw read of the rows {:.2} s = {:.2} s | {:.2} × floor time | {} | ≤ 1.5 × floor; RSS < 64 MiB | {} |",
        e.secs,
        e.rows as f64 / e.secs.max(f64::MIN_POSITIVE),
        mbs(e.bytes, e.secs),
        s.floor_pack.secs,
        s.floor_read.secs,
        floor,
        e_ratio,
        rss(e),
        j.status(&[Some(e_ratio <= 1.5), rss_ok(e)])
    );
    let v_ratio = s.floor_verify.secs / s.verify.secs.max(f64::MIN_POSITIVE);
    let _ = writeln!(
        out,
        "| {n} | verify (`verify_file`) | {} | age decrypt + zstd -d + SHA-256: {} | {:.0} % | {} | ≥ 95 % of floor | {} |",
        tp(&Measure { bytes: s.floor_verify.bytes, ..s.verify.clone() }),
        tp(&s.floor_verify),
        v_ratio * 100.0,
        rss(&s.verify),
        j.status(&[Some(v_ratio >= 0.95), rss_ok(&s.verify)])
    );
    let i = &s.import;
    let f = &s.floor_insert;
    let i_ratio = i.secs / f.secs.max(f64::MIN_POSITIVE);
    let _ = writeln!(
        out,
        "| {n} | import (`bemx_import::import`, end to end) | {:.2} s, {:.0} rows/s | raw SQLite insert, 1 tx, prepared: {:.2} s, {:.0} rows/s | {:.2} × floor time | {} | ≤ 1.3 × floor; RSS < 64 MiB | {} |",
        i.secs,
        i.rows as f64 / i.secs.max(f64::MIN_POSITIVE),
        f.secs,
        f.rows as f64 / f.secs.max(f64::MIN_POSITIVE),
        i_ratio,
        rss(i),
        j.status(&[Some(i_ratio <= 1.3), rss_ok(i)])
    );
    let b = &s.backup;
    let c = &s.floor_copy;
    let _ = writeln!(
        out,
        "| {n} | backup (`backup create`: zstd → age, fsync, read back and compare), {} database → {} | {} | plain file copy + fsync: {} | {:.0} % | {} | (information; RSS < 64 MiB) | {} |",
        mb(b.bytes),
        mb(b.get("file_bytes") as u64),
        tp(b),
        tp(c),
        mbs(b.bytes, b.secs) / mbs(c.bytes, c.secs).max(f64::MIN_POSITIVE) * 100.0,
        rss(b),
        j.status(&[rss_ok(b)])
    );
}

/// The results as markdown: composition, then the measurements.
pub fn render(r: &Report) -> String {
    let j = Judge { smoke: r.smoke };
    let mut out = String::new();
    let _ = writeln!(out, "### Data{}\n", if r.smoke { " (smoke sizes)" } else { "" });
    let _ = writeln!(
        out,
        "| Scenario | Clients | Rows (client-owned) | Documents | Random-byte documents (incompressible) | Text documents (compressible) | Data entries | Plain archive | Bundle file | Archive/bundle |"
    );
    let _ = writeln!(out, "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    for s in &r.scenarios {
        let c = &s.composition;
        let _ = writeln!(
            out,
            "| {}: {} | {} | {} | {} | {} in {} | {} in {} | {} | {} | {} | {:.2} |",
            s.name,
            s.title,
            c.clients,
            c.rows,
            c.documents,
            c.random_docs.0,
            mb(c.random_docs.1),
            c.text_docs.0,
            mb(c.text_docs.1),
            mb(c.entry_bytes),
            mb(c.archive_bytes),
            mb(c.bundle_bytes),
            c.archive_bytes as f64 / (c.bundle_bytes.max(1)) as f64
        );
    }
    let ins = &r.inspect;
    let _ = writeln!(
        out,
        "| I: synthetic large bundle | 1 | 0 | {} | all ({}) | 0 | {} | — | {} | ≈ 1 |",
        ins.inspect.get("entries") as u64,
        mb(ins.verify.bytes),
        mb(ins.verify.bytes),
        mb(ins.bundle_bytes)
    );
    let _ = writeln!(out, "\n### Results{}\n", if r.smoke { " (smoke sizes: timings are not meaningful)" } else { "" });
    let _ = writeln!(
        out,
        "| Scenario | Measurement | bemx | Floor (same bytes, same run) | bemx vs floor | Peak RSS | Target | Status |"
    );
    let _ = writeln!(out, "|---|---|---|---|---|---:|---|---|");
    for s in &r.scenarios {
        scenario_rows(&mut out, s, &j);
    }
    let m = &ins.inspect;
    let open_max = m.get("open_max");
    let hdr_max = m.get("header_max");
    let _ = writeln!(
        out,
        "| I | inspect, {} bundle: `BundleReader::open` (header, manifest, signature) | median {:.2} ms, max {:.2} ms | — | — | {} | < 50 ms | {} |",
        mb(ins.bundle_bytes),
        m.secs * 1e3,
        open_max * 1e3,
        rss(m),
        j.status(&[Some(open_max < INSPECT_LIMIT_SECS), rss_ok(m)])
    );
    let _ = writeln!(
        out,
        "| I | inspect, same bundle: `inspect_header` (age header only) | median {:.3} ms, max {:.3} ms | — | — | (same process) | < 50 ms | {} |",
        m.get("header_median") * 1e3,
        hdr_max * 1e3,
        j.status(&[Some(hdr_max < INSPECT_LIMIT_SECS)])
    );
    let v_ratio = ins.floor_verify.secs / ins.verify.secs.max(f64::MIN_POSITIVE);
    let _ = writeln!(
        out,
        "| I | verify, same bundle | {:.0} MB/s ({:.2} s) | age decrypt + zstd -d + SHA-256: {:.0} MB/s ({:.2} s) | {:.0} % | {} | ≥ 95 % of floor; RSS < 64 MiB | {} |",
        mbs(ins.floor_verify.bytes, ins.verify.secs),
        ins.verify.secs,
        mbs(ins.floor_verify.bytes, ins.floor_verify.secs),
        ins.floor_verify.secs,
        v_ratio * 100.0,
        rss(&ins.verify),
        j.status(&[Some(v_ratio >= 0.95), rss_ok(&ins.verify)])
    );
    let _ = writeln!(
        out,
        "\nMB = 10^6 bytes; throughput is plaintext archive bytes (what zstd sees) per second, except export (data entry bytes). Pack, verify and their floors: best of the repetitions; export and import: one run each. Peak RSS is the `VmHWM` of the child process that ran the step. Writing the synthetic bundle took {:.1} s. Whole run: {:.0} s.",
        ins.make_secs, r.total_secs
    );
    let _ = writeln!(out, "\nMachine:\n");
    for l in &r.machine {
        let _ = writeln!(out, "- {l}");
    }
    let _ = writeln!(out, "- load before: `{}`", r.load.0);
    let _ = writeln!(out, "- load after: `{}`", r.load.1);
    out
}
