//! `bemx-bench`: runs the benchmarks and prints a markdown table.
//!
//! `bemx-bench` measures at full size (use a release build:
//! `cargo run --release -p bemx-bench`); `bemx-bench --smoke` runs tiny sizes
//! as a CI check that fails only when the benchmark itself breaks.
#![forbid(unsafe_code)]

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use bemx_bench::{CHILD_COMMAND, Options, report, run, steps};

const USAGE: &str =
    "usage: bemx-bench [--smoke] [--no-shell] [--in-process] [--keep] [--workdir DIR] [--markdown FILE]";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut err = std::io::stderr().lock();
    if args.first().map(String::as_str) == Some(CHILD_COMMAND) {
        let Some(arg) = args.get(1) else {
            let _ = writeln!(err, "{CHILD_COMMAND} needs a step");
            return ExitCode::from(2);
        };
        return match steps::child_main(arg) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                let _ = writeln!(err, "bemx-bench child: {e:#}");
                ExitCode::FAILURE
            }
        };
    }
    let mut opts = Options { smoke: false, children: true, workdir: None, shell: true, keep: false };
    let mut markdown: Option<PathBuf> = None;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--smoke" => opts.smoke = true,
            "--no-shell" => opts.shell = false,
            "--in-process" => opts.children = false,
            "--keep" => opts.keep = true,
            "--workdir" => opts.workdir = it.next().map(PathBuf::from),
            "--markdown" => markdown = it.next().map(PathBuf::from),
            "-h" | "--help" => {
                let _ = writeln!(std::io::stdout(), "{USAGE}");
                return ExitCode::SUCCESS;
            }
            other => {
                let _ = writeln!(err, "unknown argument {other:?}\n{USAGE}");
                return ExitCode::from(2);
            }
        }
    }
    match run(&opts, &mut err) {
        Ok(r) => {
            let text = report::render(&r);
            if let Some(path) = markdown
                && let Err(e) = std::fs::write(&path, &text)
            {
                let _ = writeln!(err, "bemx-bench: writing {}: {e}", path.display());
                return ExitCode::FAILURE;
            }
            let mut out = std::io::stdout().lock();
            if out.write_all(text.as_bytes()).and_then(|()| out.flush()).is_err() {
                return ExitCode::FAILURE;
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            let _ = writeln!(err, "bemx-bench: {e:#}");
            ExitCode::FAILURE
        }
    }
}
