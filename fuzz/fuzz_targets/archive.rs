//! Fuzz target `archive`: see bemx_unpack::fuzzing::archive (the body is shared with
//! the corpus replay in crates/unpack/tests/corpus.rs).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| bemx_unpack::fuzzing::archive(data));
