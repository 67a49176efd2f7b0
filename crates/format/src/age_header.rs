//! §2.1: what the age header of a bundle shows without any key, and the
//! rule that a bundle has exactly one X25519 recipient stanza.
//!
//! The age library checks the header's syntax and MAC; this module only
//! lists stanza types, so that `inspect` can describe a file it cannot open
//! and the reader can refuse files encrypted to several recipients.

use std::io::{BufRead, Read};

use crate::error::FormatError;
use crate::i18n::fl;

/// First line of every age v1 file.
pub const AGE_MAGIC: &[u8] = b"age-encryption.org/v1\n";
/// Longest header this reader examines.
pub const MAX_HEADER_LEN: usize = 64 * 1024;

/// Summary of an age header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgeHeader {
    /// Stanza types in order (`X25519`, `scrypt`, `…-grease`, …).
    pub stanza_types: Vec<String>,
    /// Header length in bytes including the MAC line.
    pub len: usize,
}

impl AgeHeader {
    /// Stanzas that count as recipients (GREASE stanzas excluded, as the age
    /// specification asks implementations to ignore them).
    pub fn recipients(&self) -> impl Iterator<Item = &str> {
        self.stanza_types.iter().map(String::as_str).filter(|t| !t.ends_with("-grease"))
    }

    /// §2.1: exactly one recipient stanza, of type X25519.
    pub fn check_bundle_recipients(&self) -> Result<(), FormatError> {
        let recipients: Vec<&str> = self.recipients().collect();
        if recipients == ["X25519"] {
            return Ok(());
        }
        let found = if recipients.is_empty() {
            fl!("format-recipients-none")
        } else {
            fl!("format-recipients-found", count = recipients.len().to_string(), types = recipients.join(", "))
        };
        Err(FormatError::RecipientStanzas { found })
    }
}

/// Reads the header lines from `input` (up to and including the `---` MAC
/// line) and returns the summary and the exact bytes read, so the caller
/// can hand them, followed by the rest of the input, to the age decryptor.
pub fn read_header<R: BufRead>(input: &mut R) -> Result<(AgeHeader, Vec<u8>), FormatError> {
    let mut bytes = Vec::with_capacity(512);
    let mut limited = input.take(MAX_HEADER_LEN as u64);
    let mut stanza_types = Vec::new();
    let mut first = true;
    // age's grammar: each stanza is an argument line, then body lines of
    // exactly 64 columns, then one shorter (possibly empty) final line. The
    // age crate (0.12) accepts stanzas without that final line; this reader
    // does not (CCTV vectors stanza_missing_body, stanza_missing_final_line).
    let mut in_stanza = false;
    let malformed = |detail: String| FormatError::Damaged { part: crate::Part::AgeHeader, detail };
    loop {
        let start = bytes.len();
        limited.read_until(b'\n', &mut bytes)?;
        let line = &bytes[start..];
        if first {
            if line != AGE_MAGIC {
                return Err(FormatError::NotABundle);
            }
            first = false;
            continue;
        }
        // The end of input (nothing read) is a line without its newline too.
        if !line.ends_with(b"\n") {
            return Err(if bytes.len() >= MAX_HEADER_LEN {
                FormatError::Damaged { part: crate::Part::AgeHeader, detail: fl!("format-header-too-long") }
            } else {
                FormatError::Truncated { part: crate::Part::AgeHeader }
            });
        }
        let is_stanza = line.starts_with(b"-> ");
        let is_mac = line.starts_with(b"---");
        if (is_stanza || is_mac) && in_stanza {
            return Err(malformed(fl!("format-stanza-without-final-line")));
        }
        if !is_stanza && !is_mac {
            let body_len = line.len() - 1;
            if !in_stanza || body_len > 64 {
                return Err(malformed(fl!("format-stray-header-line")));
            }
            in_stanza = body_len == 64;
            continue;
        }
        if let Some(rest) = line.strip_prefix(b"-> ") {
            in_stanza = true;
            let ty = rest.split(|&b| b == b' ' || b == b'\n').next().unwrap_or_default();
            stanza_types.push(String::from_utf8_lossy(ty).into_owned());
            if stanza_types.len() > 64 {
                return Err(FormatError::Damaged {
                    part: crate::Part::AgeHeader,
                    detail: fl!("format-too-many-stanzas"),
                });
            }
        } else {
            let len = bytes.len();
            return Ok((AgeHeader { stanza_types, len }, bytes));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn not_age_is_named() {
        assert!(matches!(read_header(&mut &b"PK\x03\x04 zip"[..]), Err(FormatError::NotABundle)));
        assert!(matches!(read_header(&mut &b""[..]), Err(FormatError::NotABundle)));
    }

    #[test]
    fn stanzas_need_their_final_short_body_line() {
        let missing_body = b"age-encryption.org/v1\n-> X25519 a\nb\n-> empty\n--- mac\n";
        let full_last = format!("age-encryption.org/v1\n-> X25519 a\nb\n-> s\n{}\n--- mac\n", "A".repeat(64));
        let long_line = format!("age-encryption.org/v1\n-> X25519 a\n{}\n--- mac\n", "A".repeat(65));
        let stray = b"age-encryption.org/v1\n-> X25519 a\nb\nstray\n--- mac\n";
        for bad in [&missing_body[..], full_last.as_bytes(), long_line.as_bytes(), &stray[..]] {
            assert!(matches!(read_header(&mut &bad[..]), Err(FormatError::Damaged { .. })), "{bad:?}");
        }
        let full_then_short = format!("age-encryption.org/v1\n-> X25519 a\n{}\nAA\n--- mac\n", "A".repeat(64));
        assert!(read_header(&mut full_then_short.as_bytes()).is_ok());
    }

    /// §2.1 and §6: "a header longer than 64 KiB or with more than 64
    /// stanzas" is refused while it is read, GREASE stanzas counted too
    /// (they cost memory like any other).
    #[test]
    fn more_than_64_stanzas_are_refused() {
        let header = |n: usize| {
            let mut h = b"age-encryption.org/v1\n-> X25519 a\nb\n".to_vec();
            for _ in 1..n {
                h.extend_from_slice(b"-> x-grease\n\n");
            }
            h.extend_from_slice(b"--- mac\n");
            h
        };
        let (hdr, _) = read_header(&mut &header(64)[..]).unwrap();
        assert_eq!(hdr.stanza_types.len(), 64);
        hdr.check_bundle_recipients().unwrap();
        match read_header(&mut &header(65)[..]) {
            Err(FormatError::Damaged { detail, .. }) => assert_eq!(detail, "too many stanzas"),
            other => panic!("65 stanzas: {other:?}"),
        }
    }

    /// §2.1: a header of exactly 64 KiB (a long stanza body) is read whole;
    /// the limit is not a byte shorter. The length is the spec's, written
    /// out: a test built from MAX_HEADER_LEN would follow it anywhere.
    #[test]
    fn a_header_of_exactly_64_kib_is_read() {
        const SPEC_LIMIT: usize = 65_536;
        let mut h = b"age-encryption.org/v1\n-> X25519 a\n".to_vec();
        let body = format!("{}\n", "A".repeat(64));
        let end = b"--- mac\n";
        while SPEC_LIMIT - h.len() - end.len() > body.len() {
            h.extend_from_slice(body.as_bytes());
        }
        // The stanza's final line: shorter than 64 columns, then the MAC.
        let last = SPEC_LIMIT - h.len() - end.len();
        h.extend_from_slice("A".repeat(last - 1).as_bytes());
        h.push(b'\n');
        h.extend_from_slice(end);
        h.extend_from_slice(b"PAYLOAD");
        let (hdr, bytes) = read_header(&mut &h[..]).unwrap();
        assert_eq!(bytes.len(), SPEC_LIMIT);
        assert_eq!(hdr.stanza_types, ["X25519"]);
    }

    #[test]
    fn a_header_longer_than_64_kib_is_refused() {
        let mut h = b"age-encryption.org/v1\n-> X25519 a\n".to_vec();
        let body = format!("{}\n", "A".repeat(64));
        while h.len() <= MAX_HEADER_LEN {
            h.extend_from_slice(body.as_bytes());
        }
        h.extend_from_slice(b"AA\n--- mac\n");
        match read_header(&mut &h[..]) {
            Err(FormatError::Damaged { detail, .. }) => assert_eq!(detail, "header too long"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn counts_stanzas_ignoring_grease() {
        let h = b"age-encryption.org/v1\n-> X25519 abc\nbody\n-> x-grease a b\n\n--- mac\nPAYLOAD";
        let (hdr, bytes) = read_header(&mut &h[..]).unwrap();
        assert_eq!(hdr.stanza_types, ["X25519", "x-grease"]);
        assert_eq!(&h[bytes.len()..], b"PAYLOAD");
        hdr.check_bundle_recipients().unwrap();
        let two = b"age-encryption.org/v1\n-> X25519 a\nb\n-> X25519 c\nd\n--- mac\n";
        assert!(read_header(&mut &two[..]).unwrap().0.check_bundle_recipients().is_err());
        let scrypt = b"age-encryption.org/v1\n-> scrypt a 18\nb\n--- mac\n";
        assert!(read_header(&mut &scrypt[..]).unwrap().0.check_bundle_recipients().is_err());
    }
}
