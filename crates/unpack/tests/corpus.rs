//! Replays every file of fuzz/corpus/<target>/ through the fuzz targets'
//! bodies (bemx_unpack::fuzzing), so CI exercises the seeds and every
//! reproducer the fuzzer found without running a fuzzer.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::print_stderr)]

use std::path::PathBuf;

fn corpus(target: &str) -> Vec<(String, Vec<u8>)> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../fuzz/corpus").join(target);
    let mut files: Vec<(String, Vec<u8>)> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_file())
        .map(|p| (p.file_name().unwrap().to_string_lossy().into_owned(), std::fs::read(&p).unwrap()))
        .collect();
    files.sort();
    files
}

fn replay(target: &str, body: fn(&[u8])) {
    let files = corpus(target);
    assert!(!files.is_empty(), "fuzz/corpus/{target} is empty");
    for (name, data) in &files {
        if std::panic::catch_unwind(|| body(data)).is_err() {
            panic!("fuzz/corpus/{target}/{name} panics");
        }
    }
    eprintln!("fuzz/corpus/{target}: {} inputs replayed", files.len());
}

#[test]
fn manifest_corpus() {
    replay("manifest", bemx_unpack::fuzzing::manifest);
}

#[test]
fn rows_corpus() {
    replay("rows", bemx_unpack::fuzzing::rows);
}

#[test]
fn archive_corpus() {
    replay("archive", bemx_unpack::fuzzing::archive);
}

#[test]
fn the_valid_seed_archive_verifies() {
    let valid = corpus("archive").into_iter().find(|(n, _)| n == "valid.tar").expect("valid.tar seed");
    let v = bemx_unpack::read_plain_archive(&valid.1[..]).unwrap();
    assert_eq!(v.entries, 3);
}
