//! The bodies of the fuzz targets in fuzz/, shared with the corpus replay
//! test so that a plain `cargo test` exercises every seed and every crash
//! reproducer the fuzzer ever found. Each function must never panic on any
//! input, except for the round-trip invariants it asserts.

use bemx_format::Manifest;
use bemx_format::rows::{RowReader, encode_header, encode_row};

/// `Manifest::decode` over arbitrary bytes; whatever decodes must encode
/// back to exactly the same bytes (the encoding is deterministic).
pub fn manifest(data: &[u8]) {
    if let Ok(m) = Manifest::decode(data) {
        let again = m.encode();
        assert!(again.as_deref().ok() == Some(data), "a decoded manifest does not re-encode to its bytes");
    }
}

/// `RowReader` over arbitrary bytes; every row it accepts re-encodes to
/// exactly the bytes it was read from (one encoding per value).
pub fn rows(data: &[u8]) {
    let Ok(mut reader) = RowReader::new(data) else { return };
    let mut encoded = encode_header(reader.header()).unwrap_or_default();
    loop {
        match reader.next_row() {
            Ok(Some(row)) => encoded.extend_from_slice(&encode_row(&row)),
            Ok(None) => {
                assert!(encoded == data, "accepted rows do not re-encode to their bytes");
                return;
            }
            Err(_) => {
                assert!(data.starts_with(&encoded), "accepted rows do not re-encode to their bytes");
                return;
            }
        }
    }
}

/// The decryption-free bundle checks ([`crate::read_plain_archive`]) over
/// an arbitrary decompressed archive stream.
pub fn archive(data: &[u8]) {
    if let Ok(v) = crate::read_plain_archive(data) {
        assert!(v.entries == v.manifest.entries.len(), "verified bundle with a wrong entry count");
    }
}
