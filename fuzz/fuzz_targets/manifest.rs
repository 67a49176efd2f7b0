//! Fuzz target `manifest`: see bemx_unpack::fuzzing::manifest (the body is shared with
//! the corpus replay in crates/unpack/tests/corpus.rs).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| bemx_unpack::fuzzing::manifest(data));
