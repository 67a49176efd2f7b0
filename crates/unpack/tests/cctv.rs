//! The C2SP/CCTV age test vectors (vendored in tests/data/cctv-age, see
//! SOURCE.txt there) through the decryption path bemx uses: `age::Decryptor` with an
//! X25519 identity, or an scrypt identity where the vector gives a
//! passphrase (bemx identity files may be passphrase-protected), de-armored
//! with age's armor reader where the vector is armored.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::print_stderr)]

use std::collections::BTreeSet;
use std::io::{BufReader, Read};
use std::path::PathBuf;

use age::secrecy::SecretString;
use bemx_format::age_header::read_header;
use sha2::{Digest, Sha256};

/// Vectors for features bemx deliberately does not support, with the reason.
const SKIPPED: &[(&str, &str)] = {
    const PQ: &str = "post-quantum hybrid (mlkem768x25519) recipient or identity: not in age 0.12, not used by bemx";
    &[
        ("armor_hybrid", PQ),
        ("hybrid", PQ),
        ("hybrid_and_x25519", PQ),
        ("hybrid_bad_tag", PQ),
        ("hybrid_currupted_enc_mlkem", PQ),
        ("hybrid_currupted_enc_x25519", PQ),
        ("hybrid_extra_argument", PQ),
        ("hybrid_grease", PQ),
        ("hybrid_identity", PQ),
        ("hybrid_long_file_key", PQ),
        ("hybrid_long_share", PQ),
        ("hybrid_low_order", PQ),
        ("hybrid_multiple_recipients", PQ),
        ("hybrid_no_match", PQ),
        ("hybrid_not_canonical_body", PQ),
        ("hybrid_not_canonical_enc", PQ),
        ("hybrid_short_share", PQ),
        ("hybrid_uppercase", PQ),
        ("hybrid_x25519_arg", PQ),
    ]
};

/// Vectors where this path knowingly disagrees with CCTV, in the safe
/// direction (a valid file refused), with the reason. The test asserts that
/// each still disagrees, so an age upgrade that fixes one shows up here.
const KNOWN_DIVERGENCES: &[(&str, &str)] = &[(
    "armor_whitespace_outside",
    "age 0.12's ArmoredReader refuses whitespace before the armor's BEGIN line; bemx reads no armored age files (bundles and backups are binary)",
)];

/// The largest scrypt work factor (log2 N) accepted when opening a
/// passphrase-protected file: bounds time and memory (2^22 · 1 KiB = 4 GiB
/// would already be too much; age's own target is about one second).
const MAX_SCRYPT_WORK_FACTOR: u8 = 22;

fn cctv_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data/cctv-age")
}

struct Vector {
    expect: String,
    payload: Option<String>,
    identities: Vec<String>,
    passphrases: Vec<String>,
    armored: bool,
    compressed: bool,
    body: Vec<u8>,
}

fn parse(bytes: &[u8]) -> Option<Vector> {
    let split = bytes.windows(2).position(|w| w == b"\n\n")?;
    let head = std::str::from_utf8(&bytes[..split]).ok()?;
    let mut v = Vector {
        expect: String::new(),
        payload: None,
        identities: Vec::new(),
        passphrases: Vec::new(),
        armored: false,
        compressed: false,
        body: bytes[split + 2..].to_vec(),
    };
    for line in head.lines() {
        let (key, value) = line.split_once(": ")?;
        match key {
            "expect" => v.expect = value.to_string(),
            "payload" => v.payload = Some(value.to_string()),
            "identity" => v.identities.push(value.to_string()),
            "passphrase" => v.passphrases.push(value.to_string()),
            "armored" => v.armored = value == "yes",
            "compressed" if value == "zlib" => v.compressed = true,
            "compressed" => return None,
            "file key" | "comment" => {}
            _ => return None, // SOURCE.txt: files with unknown header keys are ignored
        }
    }
    Some(v)
}

#[derive(Debug, PartialEq)]
enum Outcome {
    Payload(String),
    HeaderError(String),
    PayloadError(String),
}

fn decrypt(v: &Vector) -> Outcome {
    let body = if v.compressed { inflate::zlib(&v.body).expect("vector's zlib body") } else { v.body.clone() };
    let input: Box<dyn Read> = if v.armored {
        Box::new(age::armor::ArmoredReader::new(BufReader::new(std::io::Cursor::new(body))))
    } else {
        Box::new(std::io::Cursor::new(body))
    };
    // As bemx_format::layers::open_payload does: bemx's own header reader
    // first (stricter than age 0.12 about stanza bodies), then age on the
    // exact header bytes followed by the rest.
    let mut buffered = BufReader::new(input);
    let header_bytes = match read_header(&mut buffered) {
        Ok((_, bytes)) => bytes,
        Err(e) => return Outcome::HeaderError(e.to_string()),
    };
    let chained = BufReader::new(std::io::Cursor::new(header_bytes).chain(buffered));
    let decryptor = match age::Decryptor::new_buffered(chained) {
        Ok(d) => d,
        Err(e) => return Outcome::HeaderError(e.to_string()),
    };
    let mut identities: Vec<Box<dyn age::Identity>> = Vec::new();
    for s in &v.identities {
        match s.parse::<age::x25519::Identity>() {
            Ok(id) => identities.push(Box::new(id)),
            Err(e) => panic!("identity not parseable: {e}"),
        }
    }
    for p in &v.passphrases {
        let mut id = age::scrypt::Identity::new(SecretString::from(p.clone()));
        id.set_max_work_factor(MAX_SCRYPT_WORK_FACTOR);
        identities.push(Box::new(id));
    }
    let mut reader = match decryptor.decrypt(identities.iter().map(|b| b.as_ref() as &dyn age::Identity)) {
        Ok(r) => r,
        Err(e) => return Outcome::HeaderError(e.to_string()),
    };
    let mut plain = Vec::new();
    match reader.read_to_end(&mut plain) {
        Ok(_) => Outcome::Payload(hex::encode(Sha256::digest(&plain))),
        Err(e) => Outcome::PayloadError(e.to_string()),
    }
}

#[test]
fn cctv_age_vectors() {
    let dir = cctv_dir();
    if !dir.join("SOURCE.txt").exists() {
        panic!(
            "CCTV vectors not found at {}: they are part of the repository; restore tests/data/cctv-age from git",
            dir.display()
        );
    }
    let skipped: BTreeSet<&str> = SKIPPED.iter().map(|(n, _)| *n).collect();
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n != "SOURCE.txt")
        .collect();
    names.sort();
    let present: BTreeSet<&str> = names.iter().map(String::as_str).collect();
    let stale: Vec<&str> = skipped
        .iter()
        .copied()
        .chain(KNOWN_DIVERGENCES.iter().map(|(n, _)| *n))
        .filter(|n| !present.contains(n))
        .collect();
    assert!(stale.is_empty(), "skip list names vectors that no longer exist: {stale:?}");

    let (mut passed, mut ignored, mut diverged, mut failures) = (0, 0, 0, Vec::new());
    let mut success_count = 0;
    for name in &names {
        if skipped.contains(name.as_str()) {
            continue;
        }
        let bytes = std::fs::read(dir.join(name)).unwrap();
        let Some(v) = parse(&bytes) else {
            eprintln!("cctv: {name}: unknown header keys, ignored as SOURCE.txt asks");
            ignored += 1;
            continue;
        };
        let got = std::panic::catch_unwind(|| decrypt(&v));
        if let Some((_, why)) = KNOWN_DIVERGENCES.iter().find(|(n, _)| n == name) {
            match &got {
                Ok(Outcome::HeaderError(_)) if v.expect == "success" => {
                    diverged += 1;
                    eprintln!("cctv-age: known divergence {name}: {why}");
                }
                other => failures
                    .push(format!("{name}: listed as a known divergence but now gives {other:?}: update the list")),
            }
            continue;
        }
        let verdict = match (&got, v.expect.as_str()) {
            (Err(_), _) => Err("panicked".to_string()),
            (Ok(Outcome::Payload(h)), "success") if Some(h) == v.payload.as_ref() => Ok(()),
            (Ok(other), "success") => Err(format!("expected payload {:?}, got {other:?}", v.payload)),
            (Ok(Outcome::Payload(_)), expect) => Err(format!("expected {expect}, but it decrypted")),
            // The payload stage must be where a payload failure is found; a
            // header-level failure must not get as far as the payload.
            (Ok(Outcome::HeaderError(e)), "payload failure") => {
                Err(format!("payload failure expected, header refused: {e}"))
            }
            (Ok(Outcome::PayloadError(e)), "header failure" | "no match" | "HMAC failure") => {
                Err(format!("{} expected, payload refused: {e}", v.expect))
            }
            (Ok(_), _) => Ok(()),
        };
        if v.expect == "success" {
            success_count += 1;
        }
        match verdict {
            Ok(()) => passed += 1,
            Err(why) => failures.push(format!("{name}: {why}")),
        }
    }
    eprintln!(
        "cctv-age: {} vectors, {passed} passed ({success_count} success vectors), {} skipped (unsupported features), {diverged} known divergences, {ignored} ignored, {} failed",
        names.len(),
        skipped.len(),
        failures.len()
    );
    for (name, why) in SKIPPED {
        eprintln!("cctv-age: skipped {name}: {why}");
    }
    assert!(failures.is_empty(), "CCTV failures:\n{}", failures.join("\n"));
    assert_eq!(passed + skipped.len() + diverged + ignored, names.len());
}

/// A small RFC 1950/1951 decoder for the vectors' `compressed: zlib`
/// bodies (test code only; modelled on zlib's `puff`).
mod inflate {
    pub fn zlib(data: &[u8]) -> Result<Vec<u8>, &'static str> {
        if data.len() < 6 || data[0] & 0x0f != 8 || (u16::from(data[0]) << 8 | u16::from(data[1])) % 31 != 0 {
            return Err("not a zlib stream");
        }
        if data[1] & 0x20 != 0 {
            return Err("preset dictionary");
        }
        let mut bits = Bits { data, pos: 2, buf: 0, n: 0 };
        let out = inflate(&mut bits)?;
        let tail = data.get(bits.pos..bits.pos + 4).ok_or("no adler32")?;
        let want = u32::from_be_bytes(tail.try_into().map_err(|_| "adler32")?);
        let (mut a, mut b) = (1u32, 0u32);
        for &byte in &out {
            a = (a + u32::from(byte)) % 65521;
            b = (b + a) % 65521;
        }
        if (b << 16 | a) != want {
            return Err("adler32 mismatch");
        }
        Ok(out)
    }

    struct Bits<'a> {
        data: &'a [u8],
        pos: usize,
        buf: u32,
        n: u32,
    }

    impl Bits<'_> {
        fn get(&mut self, need: u32) -> Result<u32, &'static str> {
            while self.n < need {
                let byte = *self.data.get(self.pos).ok_or("input ends early")?;
                self.pos += 1;
                self.buf |= u32::from(byte) << self.n;
                self.n += 8;
            }
            let v = self.buf & ((1u32 << need) - 1);
            self.buf = if need == 32 { 0 } else { self.buf >> need };
            self.n -= need;
            Ok(v)
        }
    }

    struct Huffman {
        count: [u16; 16],
        symbol: Vec<u16>,
    }

    fn build(lengths: &[u8]) -> Huffman {
        let mut count = [0u16; 16];
        for &l in lengths {
            count[usize::from(l)] += 1;
        }
        count[0] = 0;
        let mut offs = [0u16; 16];
        for i in 1..15 {
            offs[i + 1] = offs[i] + count[i];
        }
        let mut symbol = vec![0u16; lengths.len()];
        for (s, &l) in lengths.iter().enumerate() {
            if l != 0 {
                symbol[usize::from(offs[usize::from(l)])] = s as u16;
                offs[usize::from(l)] += 1;
            }
        }
        Huffman { count, symbol }
    }

    fn decode(bits: &mut Bits<'_>, h: &Huffman) -> Result<u16, &'static str> {
        let (mut code, mut first, mut index) = (0i32, 0i32, 0i32);
        for len in 1..16 {
            code |= bits.get(1)? as i32;
            let count = i32::from(h.count[len]);
            if code - count < first {
                return h.symbol.get((index + code - first) as usize).copied().ok_or("bad code");
            }
            index += count;
            first += count;
            first <<= 1;
            code <<= 1;
        }
        Err("ran out of codes")
    }

    const LBASE: [u16; 29] = [
        3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227,
        258,
    ];
    const LEXT: [u8; 29] = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0];
    const DBASE: [u16; 30] = [
        1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097,
        6145, 8193, 12289, 16385, 24577,
    ];
    const DEXT: [u8; 30] =
        [0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13];

    fn codes(bits: &mut Bits<'_>, out: &mut Vec<u8>, lit: &Huffman, dist: &Huffman) -> Result<(), &'static str> {
        loop {
            let sym = decode(bits, lit)?;
            match sym {
                0..=255 => out.push(sym as u8),
                256 => return Ok(()),
                _ => {
                    let i = usize::from(sym - 257);
                    let len = usize::from(*LBASE.get(i).ok_or("bad length")?) + bits.get(u32::from(LEXT[i]))? as usize;
                    let d = usize::from(decode(bits, dist)?);
                    let dist =
                        usize::from(*DBASE.get(d).ok_or("bad distance")?) + bits.get(u32::from(DEXT[d]))? as usize;
                    if dist > out.len() {
                        return Err("distance too far");
                    }
                    for _ in 0..len {
                        out.push(out[out.len() - dist]);
                    }
                }
            }
        }
    }

    fn inflate(bits: &mut Bits<'_>) -> Result<Vec<u8>, &'static str> {
        let mut out = Vec::new();
        loop {
            let last = bits.get(1)?;
            match bits.get(2)? {
                0 => {
                    bits.buf = 0;
                    bits.n = 0;
                    let d = bits.data;
                    let hdr = d.get(bits.pos..bits.pos + 4).ok_or("stored header")?;
                    let len = usize::from(u16::from_le_bytes([hdr[0], hdr[1]]));
                    if u16::from_le_bytes([hdr[2], hdr[3]]) != !(len as u16) {
                        return Err("stored length check");
                    }
                    bits.pos += 4;
                    out.extend_from_slice(d.get(bits.pos..bits.pos + len).ok_or("stored data")?);
                    bits.pos += len;
                }
                1 => {
                    let mut l = [0u8; 288];
                    l[..144].fill(8);
                    l[144..256].fill(9);
                    l[256..280].fill(7);
                    l[280..].fill(8);
                    codes(bits, &mut out, &build(&l), &build(&[5u8; 30]))?;
                }
                2 => {
                    let nlen = bits.get(5)? as usize + 257;
                    let ndist = bits.get(5)? as usize + 1;
                    let ncode = bits.get(4)? as usize + 4;
                    const ORDER: [usize; 19] = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15];
                    let mut cl = [0u8; 19];
                    for &o in &ORDER[..ncode] {
                        cl[o] = bits.get(3)? as u8;
                    }
                    let clh = build(&cl);
                    let mut lengths = Vec::with_capacity(nlen + ndist);
                    while lengths.len() < nlen + ndist {
                        let sym = decode(bits, &clh)?;
                        let (value, repeat) = match sym {
                            0..=15 => (sym as u8, 1),
                            16 => (*lengths.last().ok_or("repeat without length")?, 3 + bits.get(2)?),
                            17 => (0, 3 + bits.get(3)?),
                            _ => (0, 11 + bits.get(7)?),
                        };
                        for _ in 0..repeat {
                            lengths.push(value);
                        }
                    }
                    if lengths.len() != nlen + ndist {
                        return Err("too many lengths");
                    }
                    codes(bits, &mut out, &build(&lengths[..nlen]), &build(&lengths[nlen..]))?;
                }
                _ => return Err("reserved block type"),
            }
            if last == 1 {
                // Continue after the final block at the next byte (the adler32).
                bits.buf = 0;
                bits.n = 0;
                return Ok(out);
            }
        }
    }
}
