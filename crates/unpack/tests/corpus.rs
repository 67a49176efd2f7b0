//! Replays every file of fuzz/corpus/<target>/ through the fuzz targets'
//! bodies (bemx_unpack::fuzzing), so CI exercises the seeds and every
//! reproducer the fuzzer found without running a fuzzer: no input panics,
//! and the bodies' round-trip invariants hold.
//!
//! "No panic" alone would pass a reader that accepts everything, so each
//! input's verdict is checked too:
//! - a seed the vector generator wrote (named after a vector of
//!   spec/vectors) gives that vector's expected result, as far as the
//!   target's layer can see it (see [`NEEDS_AN_IDENTITY`], and the
//!   vector's `layer:` line for the manifest target);
//! - the valid bundle's seeds verify, matching spec/vectors/valid.manifest.json;
//! - any other input (a fuzzer's reproducer, whose right answer nobody
//!   wrote down) gives the same verdict twice.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::print_stderr)]

mod common;

use std::path::PathBuf;

use bemx_format::Manifest;
use bemx_format::rows::RowReader;
use bemx_unpack::UnpackError;
use common::{corpus_dir, outcome, vectors_dir};

/// Failure classes only a reader with an identity can find. The plain
/// archive check has no recipient and no contacts (`read_plain_archive`),
/// so a vector refused for one of these is `ok` at that layer.
const NEEDS_AN_IDENTITY: &[&str] =
    &["NotABundle", "NotForThisInstallation", "RecipientMismatch", "UntrustedSender", "SenderKeyChanged"];

fn corpus(target: &str) -> Vec<(String, Vec<u8>)> {
    let dir = corpus_dir().join(target);
    let mut files: Vec<(String, Vec<u8>)> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_file())
        .map(|p| (p.file_name().unwrap().to_string_lossy().into_owned(), std::fs::read(&p).unwrap()))
        .collect();
    files.sort();
    assert!(!files.is_empty(), "fuzz/corpus/{target} is empty");
    files
}

/// The first line of spec/vectors/<stem>.expected (`ok` or `error: <Class>`),
/// if `file` is named after a vector.
fn vector_expectation(file: &str, extension: &str) -> Option<String> {
    let stem = file.strip_suffix(extension)?;
    let path: PathBuf = vectors_dir().join(format!("{stem}.expected"));
    let text = std::fs::read_to_string(path).ok()?;
    Some(text.lines().next().unwrap().to_owned())
}

/// The layer a vector's one defect lies in: the `layer:` line of
/// spec/vectors/<stem>.expected.
fn vector_layer(file: &str, extension: &str) -> Option<String> {
    let stem = file.strip_suffix(extension)?;
    let text = std::fs::read_to_string(vectors_dir().join(format!("{stem}.expected"))).ok()?;
    text.lines().find_map(|l| l.strip_prefix("layer: ")).map(str::to_owned)
}

fn class_of(expected: &str) -> Option<&str> {
    expected.strip_prefix("error: ")
}

/// The valid bundle's manifest as documented beside it.
fn valid_manifest() -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(vectors_dir().join("valid.manifest.json")).unwrap()).unwrap()
}

/// Runs the fuzz body on every input (no panic), checks that `verdict`
/// gives the same answer twice, and that it gives `expected(name)` where
/// that is known. Returns how many inputs had a known expectation.
fn replay(
    target: &str,
    body: fn(&[u8]),
    verdict: fn(&[u8]) -> String,
    expected: impl Fn(&str) -> Option<String>,
) -> usize {
    let files = corpus(target);
    let mut known = 0;
    for (name, data) in &files {
        if std::panic::catch_unwind(|| body(data)).is_err() {
            panic!("fuzz/corpus/{target}/{name} panics");
        }
        let first = verdict(data);
        assert_eq!(verdict(data), first, "fuzz/corpus/{target}/{name}: two runs, two verdicts");
        if let Some(want) = expected(name) {
            assert_eq!(first, want, "fuzz/corpus/{target}/{name}");
            known += 1;
        }
    }
    eprintln!("fuzz/corpus/{target}: {} inputs replayed, {known} against a known result", files.len());
    known
}

fn archive_verdict(data: &[u8]) -> String {
    outcome(&bemx_unpack::read_plain_archive(data))
}

fn manifest_verdict(data: &[u8]) -> String {
    match Manifest::decode(data) {
        Ok(_) => "ok".into(),
        Err(e) => format!("error: {}", UnpackError::from(e).class()),
    }
}

/// `ok: <table> <n> rows` when every row reads, else the error class.
fn rows_verdict(data: &[u8]) -> String {
    let read = || -> Result<String, bemx_format::FormatError> {
        let mut reader = RowReader::new(data)?;
        let mut rows = 0u64;
        while reader.next_row()?.is_some() {
            rows += 1;
        }
        Ok(format!("ok: {} {rows} rows", reader.header().name))
    };
    read().unwrap_or_else(|e| format!("error: {}", UnpackError::from(e).class()))
}

#[test]
fn archive_corpus() {
    let known = replay("archive", bemx_unpack::fuzzing::archive, archive_verdict, |name| {
        let want = vector_expectation(name, ".tar")?;
        Some(match class_of(&want) {
            Some(class) if NEEDS_AN_IDENTITY.contains(&class) => "ok".into(),
            _ => want,
        })
    });
    // Guards against a moved spec/vectors turning every seed into "unknown".
    assert!(known >= 15, "only {known} archive seeds matched a vector in {}", vectors_dir().display());
}

#[test]
fn manifest_corpus() {
    let known = replay("manifest", bemx_unpack::fuzzing::manifest, manifest_verdict, |name| {
        // A vector whose defect lies in the manifest's bytes gives its class
        // here; every other vector's manifest decodes.
        let want = vector_expectation(name, ".cbor")?;
        Some(if vector_layer(name, ".cbor")? == "manifest" { want } else { "ok".into() })
    });
    assert!(known >= 15, "only {known} manifest seeds matched a vector in {}", vectors_dir().display());
}

#[test]
fn rows_corpus() {
    // The seeds are the valid bundle's table entries: `tables/<stem>` holds
    // the rows of the manifest's table of the same position.
    let manifest = valid_manifest();
    let tables = manifest["tables"].as_array().unwrap();
    let entries: Vec<&str> = manifest["entries"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["path"].as_str().unwrap().strip_prefix("tables/"))
        .collect();
    assert_eq!(entries.len(), tables.len());
    let known = replay("rows", bemx_unpack::fuzzing::rows, rows_verdict, |name| {
        let at = entries.iter().position(|e| *e == name)?;
        Some(format!("ok: {} {} rows", tables[at]["name"].as_str().unwrap(), tables[at]["rows"]))
    });
    assert_eq!(known, tables.len(), "a seed for each table entry of the valid bundle");
}

#[test]
fn the_valid_seeds_verify() {
    let manifest = valid_manifest();
    let archive = corpus("archive").into_iter().find(|(n, _)| n == "valid.tar").expect("valid.tar seed");
    let v = bemx_unpack::read_plain_archive(&archive.1[..]).unwrap();
    assert_eq!(v.entries, manifest["entries"].as_array().unwrap().len());
    assert_eq!(hex::encode(v.manifest.bundle_id), manifest["bundle_id"].as_str().unwrap());
    let rows: Vec<(String, u64)> = v.tables.iter().map(|t| (t.table.clone(), t.rows)).collect();
    let want: Vec<(String, u64)> = manifest["tables"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| (t["name"].as_str().unwrap().to_owned(), t["rows"].as_u64().unwrap()))
        .collect();
    assert_eq!(rows, want);

    let cbor = corpus("manifest").into_iter().find(|(n, _)| n == "valid.cbor").expect("valid.cbor seed");
    assert_eq!(Manifest::decode(&cbor.1).unwrap(), v.manifest, "valid.cbor is the valid archive's manifest");
}
