//! spec/vectors/: the generator and the check that every vector yields
//! exactly its expected result.
//!
//! Regenerate with `BEMX_REGENERATE_VECTORS=1 cargo test -p bemx-unpack --test vectors`.
//! The keys in spec/vectors/keys/ are kept (created only when missing), so a
//! regeneration changes the bundles' bytes (age encryption is randomized)
//! but no expected result, manifest or fuzz seed.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::print_stderr)]

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

use bemx_format::receipt::{MAX_RECEIPT_SIZE, Receipt};
use bemx_format::rows::{MAX_VALUE_LEN, RowReader, TableHeader, Value, encode_header};
use bemx_format::signature::sign_manifest;
use bemx_format::{
    AGE_CHUNK_SIZE, FORMAT_VERSION, FormatError, MANIFEST_SIGNATURE_CONTEXT, MAX_MANIFEST_SIZE, MAX_PATH_LEN,
    MAX_TEXT_LEN, Manifest, Party, RECEIPT_SIGNATURE_CONTEXT,
};
use common::*;
use sha2::{Digest as _, Sha256};

/// One vector: file stem, expected outcome, the layer its one defect lies
/// in, a one-line defect description, the file bytes, the file extension
/// (`bemx` or `receipt`), and (for the fuzz corpus) its plain archive.
struct Vector {
    name: &'static str,
    expected: &'static str,
    layer: &'static str,
    defect: &'static str,
    bundle: Vec<u8>,
    archive: Option<Vec<u8>>,
    ext: &'static str,
}

/// The layers a defect can lie in, in the order a reader meets them. A
/// reader that does not decode rows (`BundleReader`) sees `rows` defects as
/// `ok`; receipts are a file of their own (§9).
const LAYERS: &[&str] =
    &["none", "age", "zstd", "archive", "manifest", "signature", "recipient", "trust", "entries", "rows", "receipt"];

fn v(
    name: &'static str,
    expected: &'static str,
    layer: &'static str,
    defect: &'static str,
    keys: &Keys,
    archive: Vec<u8>,
) -> Vector {
    Vector { name, expected, layer, defect, bundle: seal(keys, &archive), archive: Some(archive), ext: "bemx" }
}

/// A vector whose bytes are not a sealed archive of the generator's making
/// (another age or zstd layer, a cut file): no archive seed.
fn raw(
    name: &'static str,
    expected: &'static str,
    layer: &'static str,
    defect: &'static str,
    bundle: Vec<u8>,
) -> Vector {
    Vector { name, expected, layer, defect, bundle, archive: None, ext: "bemx" }
}

fn receipt(name: &'static str, expected: &'static str, defect: &'static str, file: Vec<u8>) -> Vector {
    Vector { name, expected, layer: "receipt", defect, bundle: file, archive: None, ext: "receipt" }
}

/// Items of a valid bundle, to be edited into one defect.
fn valid_items(keys: &Keys, entries: &[(String, Vec<u8>)]) -> Vec<Item> {
    let (bytes, sig) = signed(keys, &manifest(keys, entries));
    items(&bytes, &sig, entries)
}

fn manifest_signed_by(m: &Manifest, key: &ed25519_dalek::SigningKey, entries: &[(String, Vec<u8>)]) -> Vec<u8> {
    let bytes = m.encode().unwrap();
    let sig = sign_manifest(key, &bytes);
    tar(&items(&bytes, &sig, entries))
}

/// The archive of `manifest_bytes` (which the encoder may refuse to make:
/// they are edited by hand) signed by the real sender, with `entries`: the
/// manifest's bytes are the one defect.
fn raw_manifest(keys: &Keys, manifest_bytes: &[u8], entries: &[(String, Vec<u8>)]) -> Vec<u8> {
    tar(&items(manifest_bytes, &sign_manifest(&keys.sender_ed25519, manifest_bytes), entries))
}

/// `bytes` with the one occurrence of `from` replaced by `to`.
fn replace_once(bytes: &[u8], from: &[u8], to: &[u8]) -> Vec<u8> {
    let hits: Vec<usize> = bytes.windows(from.len()).enumerate().filter(|(_, w)| *w == from).map(|(i, _)| i).collect();
    assert_eq!(hits.len(), 1, "{:?} occurs {} times", String::from_utf8_lossy(from), hits.len());
    let mut out = bytes[..hits[0]].to_vec();
    out.extend_from_slice(to);
    out.extend_from_slice(&bytes[hits[0] + from.len()..]);
    out
}

/// A CBOR head (major type, argument) in shortest form.
fn cbor_head(major: u8, arg: u64) -> Vec<u8> {
    let m = major << 5;
    match arg {
        0..=23 => vec![m | arg as u8],
        24..=0xff => vec![m | 24, arg as u8],
        0x100..=0xffff => [&[m | 25][..], &(arg as u16).to_be_bytes()].concat(),
        0x1_0000..=0xffff_ffff => [&[m | 26][..], &(arg as u32).to_be_bytes()].concat(),
        _ => [&[m | 27][..], &arg.to_be_bytes()].concat(),
    }
}

fn cbor_text(s: &str) -> Vec<u8> {
    [cbor_head(3, s.len() as u64), s.as_bytes().to_vec()].concat()
}

fn cbor_bytes(b: &[u8]) -> Vec<u8> {
    [cbor_head(2, b.len() as u64), b.to_vec()].concat()
}

/// Offsets of each item's header in `tar(items)`.
fn header_offsets(items: &[Item]) -> Vec<usize> {
    let mut at = 0;
    items
        .iter()
        .map(|item| {
            let here = at;
            at += 512 + item.data.len().div_ceil(512) * 512;
            here
        })
        .collect()
}

/// Recomputes the checksum of the ustar header at `at`, so that an edit
/// of the header is its only defect.
fn reseal_header(t: &mut [u8], at: usize) {
    t[at + 148..at + 156].copy_from_slice(b"        ");
    let sum: u32 = t[at..at + 512].iter().map(|&b| u32::from(b)).sum();
    t[at + 148..at + 156].copy_from_slice(format!("{sum:06o}\0 ").as_bytes());
}

/// The valid archive with the header of item `index` edited (checksum resealed).
fn edited_header(keys: &Keys, entries: &[(String, Vec<u8>)], index: usize, edit: impl FnOnce(&mut [u8])) -> Vec<u8> {
    let it = valid_items(keys, entries);
    let at = header_offsets(&it)[index];
    let mut t = tar(&it);
    edit(&mut t[at..at + 512]);
    reseal_header(&mut t, at);
    t
}

/// A table entry: header, then rows given as raw CBOR (so that a row can
/// carry exactly one encoding defect).
fn raw_table(header: &TableHeader, rows: &[Vec<u8>]) -> Vec<u8> {
    let mut out = encode_header(header).unwrap();
    for r in rows {
        out.extend_from_slice(r);
    }
    out
}

fn clients_header() -> TableHeader {
    RowReader::new(&data_entries()[0].1[..]).unwrap().header().clone()
}

/// A clients row `[17, uuid, bem_id, last, first, created]` with the value
/// at `at` replaced by `value` (raw CBOR).
fn clients_row_with(at: usize, value: &[u8]) -> Vec<u8> {
    let values = [
        Value::Integer(17),
        Value::Bytes(CLIENT_A.to_vec()),
        Value::Text("BEM-2024-017".into()),
        Value::Text("Beispiel".into()),
        Value::Text("Erika".into()),
        Value::Text("2024-03-11".into()),
    ];
    let mut row = cbor_head(4, values.len() as u64);
    for (i, v) in values.iter().enumerate() {
        if i == at {
            row.extend_from_slice(value);
        } else {
            let mut b = Vec::new();
            bemx_format::rows::encode_value(&mut b, v);
            row.extend_from_slice(&b);
        }
    }
    row
}

/// The second valid clients row, encoded.
fn clients_row_b() -> Vec<u8> {
    bemx_format::rows::encode_row(&[
        Value::Integer(42),
        Value::Bytes(CLIENT_B.to_vec()),
        Value::Text("BEM-2025-042".into()),
        Value::Text("Mustermann".into()),
        Value::Text("Max".into()),
        Value::Text("2025-01-20".into()),
    ])
}

/// The valid entries with the clients table entry replaced by `clients`,
/// as a correctly signed archive: the rows are the one defect.
fn with_clients_entry(keys: &Keys, clients: Vec<u8>) -> Vec<u8> {
    let mut entries = data_entries();
    entries[0].1 = clients;
    valid_tar(keys, &entries)
}

/// The receiver's receipt of the valid bundle.
fn valid_receipt(keys: &Keys) -> Receipt {
    let m = manifest(keys, &data_entries());
    let manifest_sha256 = Sha256::digest(m.encode().unwrap()).into();
    Receipt {
        rows: 4,
        format: FORMAT_VERSION,
        sender: keys.sender_installation,
        clients: 2,
        receiver: keys.receiver_installation,
        bundle_id: m.bundle_id,
        imported_at: 1_767_229_200,
        clients_sha256: Receipt::clients_digest(&m.clients),
        manifest_sha256,
    }
}

/// `[body, sig]` as §9 defines the file, with the body and signature given.
fn receipt_file(body: &[u8], sig: &[u8]) -> Vec<u8> {
    [cbor_head(4, 2), cbor_bytes(body), cbor_bytes(sig)].concat()
}

/// The body bytes of a receipt file of the canonical shape.
fn receipt_body(file: &[u8]) -> Vec<u8> {
    let (_, body, _) = Receipt::parse_unverified(file).unwrap();
    body
}

/// Ed25519's group order L, little-endian.
const ED25519_L: [u8; 32] = [
    0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde, 0x14, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10,
];

fn build_all(keys: &Keys) -> Vec<Vector> {
    let entries = data_entries();
    let mut out = Vec::new();

    out.push(v(
        "valid",
        "ok",
        "none",
        "none: a valid bundle with two clients, two cases and one document",
        keys,
        valid_tar(keys, &entries),
    ));

    // §2.1: the age layer.
    let valid = seal(keys, &valid_tar(keys, &entries));
    let mut cut = valid.clone();
    cut.truncate(valid.len() - 40);
    out.push(raw(
        "truncated-in-chunk",
        "error: Truncated",
        "age",
        "the file cut 40 bytes before its end, inside the last (only) age chunk",
        cut,
    ));

    let mut big = entries.clone();
    big.push(("blobs/bem_cases.document/9".into(), noise(100 * 1024, 9)));
    let big_valid = seal(keys, &valid_tar(keys, &big));
    let header_len = big_valid.windows(4).position(|w| w == b"\n---").unwrap();
    let header_end = header_len + big_valid[header_len + 1..].iter().position(|&b| b == b'\n').unwrap() + 2;
    let boundary = header_end + 16 + AGE_CHUNK_SIZE + 16;
    assert!(big_valid.len() > boundary + 1000, "payload must span more than one chunk");
    out.push(raw(
        "truncated-at-chunk-boundary",
        "error: Truncated",
        "age",
        "a bundle with >64 KiB of payload cut exactly after its first full 64 KiB age chunk",
        big_valid[..boundary].to_vec(),
    ));

    out.push(raw(
        "not-age",
        "error: NotABundle",
        "age",
        "the zstd-compressed archive without age encryption",
        zstd_frame(&valid_tar(keys, &entries)),
    ));

    out.push(raw(
        "two-recipients",
        "error: NotABundle",
        "age",
        "age-encrypted to the receiver and a second X25519 recipient",
        age_encrypt(
            &[&keys.receiver_age.to_public(), &keys.other_age.to_public()],
            &zstd_frame(&valid_tar(keys, &entries)),
        ),
    ));

    out.push(raw(
        "wrong-key",
        "error: NotForThisInstallation",
        "age",
        "a valid archive age-encrypted to another installation's key",
        age_encrypt(&[&keys.other_age.to_public()], &zstd_frame(&valid_tar(keys, &entries))),
    ));

    let mut flipped = big_valid.clone();
    flipped[header_end + 16 + 1000] ^= 0x04;
    out.push(raw(
        "flipped-byte",
        "error: Damaged",
        "age",
        "one bit flipped inside the first of two age chunks",
        flipped,
    ));

    let armored =
        age::encrypt_and_armor(&keys.receiver_age.to_public(), &zstd_frame(&valid_tar(keys, &entries))).unwrap();
    out.push(raw(
        "age-armored",
        "error: NotABundle",
        "age",
        "the valid archive age-encrypted to the receiver, ASCII-armored (PEM-style) instead of binary",
        armored.into_bytes(),
    ));

    // §2.2: the zstd layer.
    let mut frames = zstd_frame(&valid_tar(keys, &entries));
    frames.extend(zstd_frame(b"a second zstd frame"));
    out.push(raw(
        "second-zstd-frame",
        "error: TrailingData",
        "zstd",
        "a second zstd frame after the archive's frame",
        age_encrypt(&[&keys.receiver_age.to_public()], &frames),
    ));

    let mut frames = zstd_frame(&valid_tar(keys, &entries));
    frames.extend_from_slice(&0x184D_2A50u32.to_le_bytes());
    frames.extend_from_slice(&8u32.to_le_bytes());
    frames.extend_from_slice(b"skipped!");
    out.push(raw(
        "zstd-skippable-frame",
        "error: TrailingData",
        "zstd",
        "a skippable zstd frame (8 bytes) after the archive's frame",
        age_encrypt(&[&keys.receiver_age.to_public()], &frames),
    ));

    let mut frame = zstd_frame(&valid_tar(keys, &entries));
    frame.truncate(frame.len() - 8);
    out.push(raw(
        "zstd-truncated-frame",
        "error: Truncated",
        "zstd",
        "the archive's zstd frame without its last 8 bytes, age-encrypted whole",
        age_encrypt(&[&keys.receiver_age.to_public()], &frame),
    ));

    let mut wide = zstd::stream::write::Encoder::new(Vec::new(), bemx_format::ZSTD_LEVEL).unwrap();
    wide.window_log(24).unwrap();
    wide.write_all(&valid_tar(keys, &entries)).unwrap();
    let wide = wide.finish().unwrap();
    out.push(raw(
        "zstd-window-too-large",
        "error: Damaged",
        "zstd",
        "the valid archive in one zstd frame that declares a 16 MiB window (window log 24 > 23)",
        age_encrypt(&[&keys.receiver_age.to_public()], &wide),
    ));

    // §2.3: the archive layer.
    let mut t = valid_tar(keys, &entries);
    t.extend_from_slice(&[0x42; 512]);
    out.push(v(
        "data-after-end",
        "error: TrailingData",
        "archive",
        "512 bytes after the archive's end-of-archive marker, inside the zstd frame",
        keys,
        t,
    ));

    let mut it = valid_items(keys, &entries);
    it[3].name = b"tables/../../etc/cron.d/bemx".to_vec();
    out.push(v(
        "path-dotdot",
        "error: ForbiddenPath",
        "archive",
        "a data entry named tables/../../etc/cron.d/bemx",
        keys,
        tar(&it),
    ));

    let mut it = valid_items(keys, &entries);
    it[3].name = b"/etc/cron.d/bemx".to_vec();
    out.push(v(
        "path-absolute",
        "error: ForbiddenPath",
        "archive",
        "a data entry named /etc/cron.d/bemx",
        keys,
        tar(&it),
    ));

    let mut it = valid_items(keys, &entries);
    it[3] = Item { name: it[3].name.clone(), kind: b'2', link: b"/etc/passwd".to_vec(), data: Vec::new() };
    out.push(v(
        "symlink",
        "error: ForbiddenEntryType",
        "archive",
        "the second table entry replaced by a symbolic link to /etc/passwd",
        keys,
        tar(&it),
    ));

    let mut it = valid_items(keys, &entries);
    it[3] = Item { name: it[3].name.clone(), kind: b'1', link: b"manifest.cbor".to_vec(), data: Vec::new() };
    out.push(v(
        "hardlink",
        "error: ForbiddenEntryType",
        "archive",
        "the second table entry replaced by a hard link to manifest.cbor",
        keys,
        tar(&it),
    ));

    let mut it = valid_items(keys, &entries);
    it[3] = Item { name: b"tables/".to_vec(), kind: b'5', link: Vec::new(), data: Vec::new() };
    out.push(v(
        "directory",
        "error: ForbiddenEntryType",
        "archive",
        "the second table entry replaced by a directory entry tables/",
        keys,
        tar(&it),
    ));

    let mut it = valid_items(keys, &entries);
    let pax =
        Item { name: b"pax/x".to_vec(), kind: b'x', link: Vec::new(), data: b"30 path=/etc/cron.d/bemx\n".to_vec() };
    it.insert(2, pax);
    out.push(v(
        "pax-header",
        "error: ForbiddenEntryType",
        "archive",
        "a PAX extended header naming /etc/cron.d/bemx before the first table entry",
        keys,
        tar(&it),
    ));

    let it = valid_items(keys, &entries);
    let offsets = header_offsets(&it);
    let pad_at = offsets[2] + 512 + it[2].data.len();
    assert!(pad_at < offsets[3], "the first table entry must end inside a block");
    let mut t = tar(&it);
    t[pad_at] = 0x20;
    out.push(v(
        "archive-nonzero-padding",
        "error: Damaged",
        "archive",
        "the first padding byte after the first table entry's data is 0x20 instead of zero",
        keys,
        t,
    ));

    let mut t = valid_tar(keys, &entries);
    t.truncate(t.len() - 512);
    out.push(v(
        "archive-lone-zero-block",
        "error: Truncated",
        "archive",
        "the archive ends after one zero block instead of the two of the end-of-archive marker",
        keys,
        t,
    ));

    let it = valid_items(keys, &entries);
    let offsets = header_offsets(&it);
    let mut t = tar(&it);
    t.splice(offsets[3]..offsets[3], [0u8; 512]);
    out.push(v(
        "archive-zero-block-inside",
        "error: Damaged",
        "archive",
        "one zero block between the two table entries",
        keys,
        t,
    ));

    out.push(v(
        "archive-prefix-field",
        "error: ForbiddenPath",
        "archive",
        "the first table entry's header has etc/cron.d in its prefix field (checksum resealed)",
        keys,
        edited_header(keys, &entries, 2, |h| h[345..355].copy_from_slice(b"etc/cron.d")),
    ));

    out.push(v(
        "archive-name-after-nul",
        "error: ForbiddenPath",
        "archive",
        "the first table entry's name field has bytes after its terminating NUL (checksum resealed)",
        keys,
        edited_header(keys, &entries, 2, |h| h[40..48].copy_from_slice(b"/../evil")),
    ));

    out.push(v(
        "archive-link-name",
        "error: Damaged",
        "archive",
        "the first table entry, a regular file, carries the link name /etc/passwd (checksum resealed)",
        keys,
        edited_header(keys, &entries, 2, |h| h[157..168].copy_from_slice(b"/etc/passwd")),
    ));

    out.push(v(
        "archive-size-not-octal",
        "error: Damaged",
        "archive",
        "the first table entry's size field holds the digit 9 (checksum resealed)",
        keys,
        edited_header(keys, &entries, 2, |h| h[124] = b'9'),
    ));

    out.push(v(
        "archive-gnu-magic",
        "error: Damaged",
        "archive",
        "the first table entry's header has GNU tar's magic \"ustar  \\0\" instead of ustar\\000 (checksum resealed)",
        keys,
        edited_header(keys, &entries, 2, |h| h[257..265].copy_from_slice(b"ustar  \0")),
    ));

    let it = valid_items(keys, &entries);
    let at = header_offsets(&it)[2];
    let mut t = tar(&it);
    t[at + 136] ^= 0x01; // an mtime digit: ignored by readers, but covered by the checksum
    out.push(v(
        "archive-bad-checksum",
        "error: Damaged",
        "archive",
        "one mtime digit of the first table entry's header changed, the checksum not updated",
        keys,
        t,
    ));

    out.push(v(
        "archive-mode-owner-mtime",
        "ok",
        "archive",
        "valid, but the first table entry's header has mode 4777, uid and gid 1000, user root and another mtime: readers ignore them",
        keys,
        edited_header(keys, &entries, 2, |h| {
            h[100..107].copy_from_slice(b"0004777");
            h[108..115].copy_from_slice(b"0001750");
            h[116..123].copy_from_slice(b"0001750");
            h[136..147].copy_from_slice(b"14000000000");
            h[265..269].copy_from_slice(b"root");
        }),
    ));

    // §3: entries.
    let mut it = valid_items(keys, &entries);
    it.swap(0, 2);
    out.push(v(
        "manifest-not-first",
        "error: ManifestMissing",
        "entries",
        "a data entry before manifest.cbor",
        keys,
        tar(&it),
    ));

    let mut bad = entries.clone();
    bad[2].1[5] ^= 0x20;
    let (bytes, sig) = signed(keys, &manifest(keys, &entries));
    out.push(v(
        "entry-hash",
        "error: HashMismatch",
        "entries",
        "one byte of the document blob changed; size unchanged, SHA-256 differs from the manifest",
        keys,
        tar(&items(&bytes, &sig, &bad)),
    ));

    let mut it = valid_items(keys, &entries);
    it.pop();
    out.push(v(
        "entry-missing",
        "error: MissingEntry",
        "entries",
        "the last data entry listed in the manifest is absent",
        keys,
        tar(&it),
    ));

    let mut it = valid_items(keys, &entries);
    it.push(Item::file("tables/002-extra.cbor", b"\xa0"));
    out.push(v(
        "extra-entry",
        "error: ExtraEntry",
        "entries",
        "an unlisted entry after the last listed one",
        keys,
        tar(&it),
    ));

    let mut it = valid_items(keys, &entries);
    it.swap(2, 3);
    out.push(v("reordered", "error: OutOfOrder", "entries", "the two table entries swapped", keys, tar(&it)));

    let mut it = valid_items(keys, &entries);
    it[4].data.extend_from_slice(b" (appended)");
    out.push(v(
        "entry-too-large",
        "error: SizeMismatch",
        "entries",
        "the document blob's archive header and data are 11 bytes larger than the manifest says",
        keys,
        tar(&it),
    ));

    let mut it = valid_items(keys, &entries);
    let dup = it[2].clone();
    it.insert(3, dup);
    out.push(v(
        "duplicate-entry",
        "error: DuplicateEntry",
        "entries",
        "the first table entry appears twice in a row",
        keys,
        tar(&it),
    ));

    // §4 and §6: the manifest's bytes, signed by the real sender.
    let m = manifest(keys, &entries);
    let mbytes = m.encode().unwrap();

    let mut h = header(&Item::file("manifest.cbor", &[]));
    h[124..136].copy_from_slice(format!("{:011o}\0", MAX_MANIFEST_SIZE + 1).as_bytes());
    reseal_header(&mut h, 0);
    out.push(v(
        "manifest-too-large",
        "error: Limit",
        "manifest",
        "the manifest's archive header announces 16 MiB + 1 bytes (and no data follows): refused before reading",
        keys,
        h.to_vec(),
    ));

    let at = mbytes.windows(7).position(|w| w == b"\x66format").unwrap() + 7;
    assert_eq!(u64::from(mbytes[at]), FORMAT_VERSION);
    let mut next = mbytes.clone();
    next[at] = 0x03;
    out.push(v(
        "format-version-3",
        "error: UnsupportedFormat",
        "manifest",
        "a correctly signed manifest with format version 3",
        keys,
        raw_manifest(keys, &next, &entries),
    ));

    out.push(v(
        "manifest-not-cbor",
        "error: BadManifest",
        "manifest",
        "a correctly signed manifest.cbor of the bytes ff ff ff ff (CBOR \"break\" codes, no item)",
        keys,
        raw_manifest(keys, &[0xff; 4], &entries),
    ));

    let mut trailing = mbytes.clone();
    trailing.push(0x00);
    out.push(v(
        "manifest-trailing-byte",
        "error: BadManifest",
        "manifest",
        "a correctly signed manifest with one byte (00) after the map",
        keys,
        raw_manifest(keys, &trailing, &entries),
    ));

    assert_eq!(mbytes[0], 0xa9);
    let indefinite = [&[0xbf][..], &mbytes[1..], &[0xff]].concat();
    out.push(v(
        "manifest-indefinite-length",
        "error: BadManifest",
        "manifest",
        "a correctly signed manifest whose map has indefinite length (bf … ff)",
        keys,
        raw_manifest(keys, &indefinite, &entries),
    ));

    let created = [&b"\x67created\x1a"[..], &(m.created as u32).to_be_bytes()].concat();
    let long_created = [&b"\x67created\x1b"[..], &m.created.to_be_bytes()].concat();
    out.push(v(
        "manifest-non-shortest-integer",
        "error: BadManifest",
        "manifest",
        "a correctly signed manifest whose created time is an 8-byte integer (1b) where 4 bytes (1a) suffice",
        keys,
        raw_manifest(keys, &replace_once(&mbytes, &created, &long_created), &entries),
    ));

    let mut missing = replace_once(&mbytes, &created, b"");
    missing[0] = 0xa8;
    out.push(v(
        "manifest-missing-key",
        "error: BadManifest",
        "manifest",
        "a correctly signed manifest without the created key (8 pairs)",
        keys,
        raw_manifest(keys, &missing, &entries),
    ));

    let mut extra = mbytes.clone();
    extra[0] = 0xaa;
    extra.extend_from_slice(&cbor_text("zzz_extra"));
    extra.push(0x00);
    out.push(v(
        "manifest-extra-key",
        "error: BadManifest",
        "manifest",
        "a correctly signed manifest with a tenth key zzz_extra: 0 after recipient",
        keys,
        raw_manifest(keys, &extra, &entries),
    ));

    out.push(v(
        "manifest-renamed-key",
        "error: BadManifest",
        "manifest",
        "a correctly signed manifest whose created key is spelled updated",
        keys,
        raw_manifest(keys, &replace_once(&mbytes, b"\x67created", b"\x67updated"), &entries),
    ));

    let find = |key: &[u8]| mbytes.windows(key.len()).position(|w| w == key).unwrap();
    let (schema_at, sender_at, tables_at) = (find(b"\x66schema"), find(b"\x66sender"), find(b"\x66tables"));
    let reordered =
        [&mbytes[..schema_at], &mbytes[sender_at..tables_at], &mbytes[schema_at..sender_at], &mbytes[tables_at..]]
            .concat();
    out.push(v(
        "manifest-reordered-keys",
        "error: BadManifest",
        "manifest",
        "a correctly signed manifest with the sender pair before the schema pair",
        keys,
        raw_manifest(keys, &reordered, &entries),
    ));

    let text_created = [&b"\x67created"[..], &cbor_text("2026-01-01")].concat();
    out.push(v(
        "manifest-wrong-type",
        "error: BadManifest",
        "manifest",
        "a correctly signed manifest whose created time is the text 2026-01-01",
        keys,
        raw_manifest(keys, &replace_once(&mbytes, &created, &text_created), &entries),
    ));

    let id = [&b"\x69bundle_id"[..], &cbor_bytes(&m.bundle_id)].concat();
    let short_id = [&b"\x69bundle_id"[..], &cbor_bytes(&m.bundle_id[..31])].concat();
    out.push(v(
        "manifest-wrong-size",
        "error: BadManifest",
        "manifest",
        "a correctly signed manifest whose bundle_id is 31 bytes",
        keys,
        raw_manifest(keys, &replace_once(&mbytes, &id, &short_id), &entries),
    ));

    out.push(v(
        "manifest-sender-is-recipient",
        "error: BadManifest",
        "manifest",
        "a correctly signed manifest whose recipient installation id is the sender's",
        keys,
        raw_manifest(
            keys,
            &replace_once(&mbytes, &cbor_bytes(&keys.receiver_installation), &cbor_bytes(&keys.sender_installation)),
            &entries,
        ),
    ));

    let clients = [&b"\x67clients\x82"[..], &cbor_bytes(&CLIENT_A), &cbor_bytes(&CLIENT_B)].concat();
    out.push(v(
        "manifest-no-clients",
        "error: BadManifest",
        "manifest",
        "a correctly signed manifest with an empty clients list",
        keys,
        raw_manifest(keys, &replace_once(&mbytes, &clients, b"\x67clients\x80"), &entries),
    ));

    let swapped = [&b"\x67clients\x82"[..], &cbor_bytes(&CLIENT_B), &cbor_bytes(&CLIENT_A)].concat();
    out.push(v(
        "manifest-clients-unsorted",
        "error: BadManifest",
        "manifest",
        "a correctly signed manifest whose two client ids are in descending order",
        keys,
        raw_manifest(keys, &replace_once(&mbytes, &clients, &swapped), &entries),
    ));

    out.push(v(
        "manifest-table-name",
        "error: BadManifest",
        "manifest",
        "a correctly signed manifest whose tables list names the table cli-nts (not an identifier)",
        keys,
        raw_manifest(keys, &replace_once(&mbytes, b"\x64name\x67clients", b"\x64name\x67cli-nts"), &entries),
    ));

    out.push(v(
        "manifest-table-twice",
        "error: BadManifest",
        "manifest",
        "a correctly signed manifest whose tables list names clients twice",
        keys,
        raw_manifest(keys, &replace_once(&mbytes, b"\x64name\x69bem_cases", b"\x64name\x67clients"), &entries),
    ));

    out.push(v(
        "manifest-entry-path",
        "error: ForbiddenPath",
        "manifest",
        "a correctly signed manifest listing the document blob as blobs/../../etc/cron.d/bemx",
        keys,
        raw_manifest(
            keys,
            &replace_once(&mbytes, &cbor_text(&entries[2].0), &cbor_text("blobs/../../etc/cron.d/bemx")),
            &entries,
        ),
    ));

    out.push(v(
        "manifest-entry-not-data",
        "error: ForbiddenPath",
        "manifest",
        "a correctly signed manifest listing the document blob as notes/bem_cases.document/3 (not under tables/ or blobs/)",
        keys,
        raw_manifest(
            keys,
            &replace_once(&mbytes, &cbor_text(&entries[2].0), &cbor_text("notes/bem_cases.document/3")),
            &entries,
        ),
    ));

    let long_path = format!("blobs/bem_cases.document/{}", "3".repeat(MAX_PATH_LEN + 1 - 25));
    assert_eq!(long_path.len(), MAX_PATH_LEN + 1);
    out.push(v(
        "manifest-entry-path-too-long",
        "error: ForbiddenPath",
        "manifest",
        "a correctly signed manifest listing the document blob under a path of 100 bytes",
        keys,
        raw_manifest(keys, &replace_once(&mbytes, &cbor_text(&entries[2].0), &cbor_text(&long_path)), &entries),
    ));

    out.push(v(
        "manifest-entry-twice",
        "error: BadManifest",
        "manifest",
        "a correctly signed manifest listing tables/000-clients.cbor twice (the second table entry's path)",
        keys,
        raw_manifest(keys, &replace_once(&mbytes, &cbor_text(&entries[1].0), &cbor_text(&entries[0].0)), &entries),
    ));

    let doc_size = [&b"\x64size"[..], &cbor_head(0, entries[2].1.len() as u64)].concat();
    let huge = [&b"\x64size"[..], &cbor_head(0, bemx_format::MAX_ENTRY_SIZE + 1)].concat();
    out.push(v(
        "manifest-entry-size-limit",
        "error: Limit",
        "manifest",
        "a correctly signed manifest giving the document blob a size of 8 GiB (MAX_ENTRY_SIZE + 1)",
        keys,
        raw_manifest(keys, &replace_once(&mbytes, &doc_size, &huge), &entries),
    ));

    let sender_name = cbor_text(&keys.sender().name);
    out.push(v(
        "manifest-name-control-char",
        "error: BadManifest",
        "manifest",
        "a correctly signed manifest whose sender name holds an escape sequence (ESC [2J)",
        keys,
        raw_manifest(keys, &replace_once(&mbytes, &sender_name, &cbor_text("BEM-Team \u{1b}[2J Nord")), &entries),
    ));

    out.push(v(
        "manifest-name-too-long",
        "error: BadManifest",
        "manifest",
        "a correctly signed manifest whose sender name is 257 bytes (MAX_TEXT_LEN + 1)",
        keys,
        raw_manifest(keys, &replace_once(&mbytes, &sender_name, &cbor_text(&"n".repeat(MAX_TEXT_LEN + 1))), &entries),
    ));

    out.push(v(
        "manifest-too-many-clients",
        "error: Limit",
        "manifest",
        "a correctly signed manifest whose clients array head says 100,001 items (MAX_CLIENTS + 1)",
        keys,
        raw_manifest(keys, &replace_once(&mbytes, b"\x67clients\x82", b"\x67clients\x9a\x00\x01\x86\xa1"), &entries),
    ));

    out.push(v(
        "manifest-too-many-tables",
        "error: Limit",
        "manifest",
        "a correctly signed manifest whose tables array head says 257 items (MAX_TABLES + 1)",
        keys,
        raw_manifest(keys, &replace_once(&mbytes, b"\x66tables\x82", b"\x66tables\x99\x01\x01"), &entries),
    ));

    out.push(v(
        "manifest-too-many-entries",
        "error: Limit",
        "manifest",
        "a correctly signed manifest whose entries array head says 200,001 items (MAX_ENTRIES + 1)",
        keys,
        raw_manifest(keys, &replace_once(&mbytes, b"\x67entries\x83", b"\x67entries\x9a\x00\x03\x0d\x41"), &entries),
    ));

    out.push(v(
        "manifest-list-exceeds-bytes",
        "error: BadManifest",
        "manifest",
        "a correctly signed manifest whose clients array head says 4,096 items, more than its remaining bytes hold",
        keys,
        raw_manifest(keys, &replace_once(&mbytes, b"\x67clients\x82", b"\x67clients\x99\x10\x00"), &entries),
    ));

    // §5: the signature.
    let mut it = valid_items(keys, &entries);
    it[1].data[10] ^= 0x01;
    out.push(v("bad-signature", "error: BadSignature", "signature", "one bit of manifest.sig flipped", keys, tar(&it)));

    let mut altered_m = manifest(keys, &entries);
    let (orig, sig) = signed(keys, &altered_m);
    altered_m.clients = vec![CLIENT_A];
    let altered = altered_m.encode().unwrap();
    assert_ne!(altered, orig);
    out.push(v(
        "manifest-altered",
        "error: BadSignature",
        "signature",
        "manifest changed after signing (a client removed), the old signature kept: its hash no longer matches",
        keys,
        tar(&items(&altered, &sig, &entries)),
    ));

    let mut it = valid_items(keys, &entries);
    it[1].data.truncate(63);
    out.push(v(
        "signature-short",
        "error: BadSignature",
        "signature",
        "manifest.sig is 63 bytes: the valid signature without its last byte",
        keys,
        tar(&it),
    ));

    let mut it = valid_items(keys, &entries);
    it.remove(1);
    out.push(v(
        "signature-missing",
        "error: BadManifest",
        "signature",
        "no manifest.sig: the first table entry follows manifest.cbor",
        keys,
        tar(&it),
    ));

    let mut weak = manifest(keys, &entries);
    let mut identity_point = [0u8; 32];
    identity_point[0] = 1;
    weak.sender.ed25519 = identity_point;
    let weak_bytes = weak.encode().unwrap();
    let mut forged = [0u8; 64];
    forged[0] = 1;
    out.push(v(
        "signature-small-order-key",
        "error: BadSignature",
        "signature",
        "the sender key is the identity point and the signature (R = identity, S = 0) passes the lax RFC 8032 check for any message",
        keys,
        tar(&items(&weak_bytes, &forged, &entries)),
    ));

    let mut it = valid_items(keys, &entries);
    let mut carry = 0u16;
    for (i, l) in ED25519_L.iter().enumerate() {
        let sum = u16::from(it[1].data[32 + i]) + u16::from(*l) + carry;
        it[1].data[32 + i] = sum as u8;
        carry = sum >> 8;
    }
    assert_eq!(carry, 0);
    out.push(v(
        "signature-non-canonical-s",
        "error: BadSignature",
        "signature",
        "the valid signature with S replaced by S + L (the same signature, not in canonical form)",
        keys,
        tar(&it),
    ));

    let receipt_context = bemx_format::signature::sign(&keys.sender_ed25519, RECEIPT_SIGNATURE_CONTEXT, &mbytes);
    out.push(v(
        "signature-receipt-context",
        "error: BadSignature",
        "signature",
        "manifest.sig made by the sender's key over the manifest, but under the receipt context bemx/v1 receipt",
        keys,
        tar(&items(&mbytes, &receipt_context, &entries)),
    ));

    // §4 (recipient) and §5 (trust).
    let mut m = manifest(keys, &entries);
    m.recipient = Party {
        installation: [0x5e; 16],
        name: "BEM-Team Werk West".into(),
        age: keys.other_age.to_public().to_string(),
        ed25519: [0x11; 32],
    };
    out.push(v(
        "other-recipient",
        "error: RecipientMismatch",
        "recipient",
        "correctly signed for another installation, then encrypted to the receiver (forwarded)",
        keys,
        manifest_signed_by(&m, &keys.sender_ed25519, &entries),
    ));

    let mut m = manifest(keys, &entries);
    m.recipient.age = keys.other_age.to_public().to_string();
    out.push(v(
        "other-recipient-age",
        "error: RecipientMismatch",
        "recipient",
        "correctly signed for the receiver's installation id but another installation's age key, encrypted to the receiver",
        keys,
        manifest_signed_by(&m, &keys.sender_ed25519, &entries),
    ));

    let mut m = manifest(keys, &entries);
    m.sender = Party {
        installation: [0x7f; 16],
        name: "Unbekannte Stelle".into(),
        age: keys.other_age.to_public().to_string(),
        ed25519: keys.untrusted_ed25519.verifying_key().to_bytes(),
    };
    out.push(v(
        "untrusted-signer",
        "error: UntrustedSender",
        "trust",
        "a valid bundle signed by a key that is no contact of the receiver",
        keys,
        manifest_signed_by(&m, &keys.untrusted_ed25519, &entries),
    ));

    let mut m = manifest(keys, &entries);
    m.sender.ed25519 = keys.untrusted_ed25519.verifying_key().to_bytes();
    out.push(v(
        "sender-key-changed",
        "error: SenderKeyChanged",
        "trust",
        "the sender's name and installation id, but signed with another key",
        keys,
        manifest_signed_by(&m, &keys.untrusted_ed25519, &entries),
    ));

    // §7: table entries, seen only by a reader that decodes rows.
    let mut m = manifest(keys, &entries);
    m.tables[1].rows = 3;
    out.push(v(
        "rows-count-mismatch",
        "error: RowCountMismatch",
        "rows",
        "a correctly signed manifest saying bem_cases has 3 rows; its entry holds 2",
        keys,
        manifest_signed_by(&m, &keys.sender_ed25519, &entries),
    ));

    let header = clients_header();
    let mut five = clients_row_with(0, &[0x11]);
    five[0] = 0x85;
    five.truncate(five.len() - 11); // the last value, "2024-03-11" (11 bytes), dropped
    out.push(v(
        "rows-wrong-arity",
        "error: BadRows",
        "rows",
        "the first clients row has 5 values; the header has 6 columns",
        keys,
        with_clients_entry(keys, raw_table(&header, &[five, clients_row_b()])),
    ));

    let mut indefinite_row = clients_row_with(0, &[0x11]);
    indefinite_row[0] = 0x9f;
    indefinite_row.push(0xff);
    out.push(v(
        "rows-indefinite-length",
        "error: BadRows",
        "rows",
        "the first clients row is an indefinite-length array (9f … ff)",
        keys,
        with_clients_entry(keys, raw_table(&header, &[indefinite_row, clients_row_b()])),
    ));

    out.push(v(
        "rows-non-shortest",
        "error: BadRows",
        "rows",
        "the first clients row's id 17 is encoded as 18 11 instead of 11",
        keys,
        with_clients_entry(keys, raw_table(&header, &[clients_row_with(0, &[0x18, 0x11]), clients_row_b()])),
    ));

    out.push(v(
        "rows-unsupported-type",
        "error: BadRows",
        "rows",
        "the first clients row's created_at is a tagged item (tag 1, epoch time) instead of text",
        keys,
        with_clients_entry(
            keys,
            raw_table(&header, &[clients_row_with(5, &[0xc1, 0x1a, 0x65, 0xee, 0x4a, 0x00]), clients_row_b()]),
        ),
    ));

    out.push(v(
        "rows-integer-out-of-range",
        "error: BadRows",
        "rows",
        "the first clients row's id is 2^63, outside the signed 64-bit range",
        keys,
        with_clients_entry(
            keys,
            raw_table(&header, &[clients_row_with(0, &[0x1b, 0x80, 0, 0, 0, 0, 0, 0, 0]), clients_row_b()]),
        ),
    ));

    out.push(v(
        "rows-text-not-utf8",
        "error: BadRows",
        "rows",
        "the first clients row's last_name is the 8 bytes Beispi\\xc3\\x28 (invalid UTF-8) as text",
        keys,
        with_clients_entry(keys, raw_table(&header, &[clients_row_with(3, b"\x68Beispi\xc3\x28"), clients_row_b()])),
    ));

    out.push(v(
        "rows-value-too-long",
        "error: Limit",
        "rows",
        "the first clients row's last_name declares 16 MiB + 1 bytes (MAX_VALUE_LEN + 1) in a short entry",
        keys,
        with_clients_entry(
            keys,
            raw_table(&header, &[clients_row_with(3, &cbor_head(3, MAX_VALUE_LEN + 1)), clients_row_b()]),
        ),
    ));

    let mut no_columns = cbor_head(5, 2);
    no_columns.extend([cbor_text("name"), cbor_text("clients"), cbor_text("columns"), cbor_head(4, 0)].concat());
    out.push(v(
        "rows-header-malformed",
        "error: BadRows",
        "rows",
        "the clients table entry's header has an empty columns list and no rows follow",
        keys,
        with_clients_entry(keys, no_columns),
    ));

    let mut wide_header = cbor_head(5, 2);
    wide_header.extend([cbor_text("name"), cbor_text("clients"), cbor_text("columns"), cbor_head(4, 129)].concat());
    for i in 0..129 {
        wide_header.extend([cbor_head(4, 2), cbor_text(&format!("c{i:03}")), cbor_text("value")].concat());
    }
    out.push(v(
        "rows-too-many-columns",
        "error: BadRows",
        "rows",
        "the clients table entry's header lists 129 columns (MAX_COLUMNS + 1) and no rows follow",
        keys,
        with_clients_entry(keys, wide_header),
    ));

    let mut swapped = entries.clone();
    let (a, b) = (swapped[0].1.clone(), swapped[1].1.clone());
    swapped[0].1 = b;
    swapped[1].1 = a;
    out.push(v(
        "rows-table-name-differs",
        "error: BadRows",
        "rows",
        "the two table entries' contents swapped under their paths (each header names the other table, 2 rows each)",
        keys,
        valid_tar(keys, &swapped),
    ));

    // §9: receipts.
    let receiver = &keys.receiver_ed25519;
    let good = valid_receipt(keys).sign_to_file(receiver);
    let body = receipt_body(&good);
    out.push(receipt("receipt-valid", "ok", "none: the receiver's receipt of valid.bemx", good.clone()));

    let mut flipped = good.clone();
    let n = flipped.len();
    flipped[n - 20] ^= 0x01;
    out.push(receipt("receipt-bad-signature", "error: BadReceipt", "one bit of the signature flipped", flipped));

    out.push(receipt(
        "receipt-wrong-key",
        "error: BadReceipt",
        "the valid receipt body signed by the sender's key instead of the receiver's",
        valid_receipt(keys).sign_to_file(&keys.sender_ed25519),
    ));

    out.push(receipt(
        "receipt-manifest-context",
        "error: BadReceipt",
        "the valid body signed by the receiver under the manifest context bemx/v1 manifest",
        receipt_file(&body, &bemx_format::signature::sign(receiver, MANIFEST_SIGNATURE_CONTEXT, &body)),
    ));

    let mut next = valid_receipt(keys);
    next.format = 3;
    out.push(receipt(
        "receipt-format-3",
        "error: BadReceipt",
        "a correctly signed receipt with format 3",
        next.sign_to_file(receiver),
    ));

    let rows_at = body.windows(5).position(|w| w == b"\x64rows").unwrap() + 5;
    assert_eq!(body[rows_at], 0x04);
    let mut long_body = body.clone();
    long_body.splice(rows_at..rows_at + 1, [0x18, 0x04]);
    out.push(receipt(
        "receipt-non-canonical",
        "error: BadReceipt",
        "a correctly signed body whose rows count 4 is encoded as 18 04 instead of 04",
        receipt_file(&long_body, &bemx_format::signature::sign(receiver, RECEIPT_SIGNATURE_CONTEXT, &long_body)),
    ));

    let mut three = good.clone();
    assert_eq!(three[0], 0x82);
    three[0] = 0x83;
    three.push(0xf6);
    out.push(receipt(
        "receipt-shape",
        "error: BadReceipt",
        "the valid receipt as an array of three items: body, signature and null",
        three,
    ));

    let mut big = good.clone();
    big.resize(MAX_RECEIPT_SIZE + 1, 0);
    out.push(receipt(
        "receipt-too-large",
        "error: BadReceipt",
        "the valid receipt followed by zero bytes up to 4,097 bytes (refused for its size before it is parsed)",
        big,
    ));

    let names: BTreeSet<&str> = out.iter().map(|v| v.name).collect();
    assert_eq!(names.len(), out.len(), "two vectors share a name");
    assert!(out.iter().all(|v| LAYERS.contains(&v.layer)), "a vector names an unknown layer");
    out
}

fn expected_text(vec: &Vector) -> String {
    format!("{}\ndefect: {}\nlayer: {}\n", vec.expected, vec.defect, vec.layer)
}

fn manifest_json(m: &Manifest) -> String {
    let party = |p: &Party| {
        serde_json::json!({
            "installation": hex::encode(p.installation),
            "name": p.name,
            "age": p.age,
            "ed25519": hex::encode(p.ed25519),
        })
    };
    let j = serde_json::json!({
        "format": m.format,
        "schema": { "app": m.schema.app, "version": m.schema.version, "fingerprint": hex::encode(m.schema.fingerprint) },
        "sender": party(&m.sender),
        "tables": m.tables.iter().map(|t| serde_json::json!({"name": t.name, "rows": t.rows})).collect::<Vec<_>>(),
        "clients": m.clients.iter().map(hex::encode).collect::<Vec<_>>(),
        "created": m.created,
        "entries": m.entries.iter().map(|e| serde_json::json!({"path": e.path, "size": e.size, "sha256": hex::encode(e.sha256)})).collect::<Vec<_>>(),
        "bundle_id": hex::encode(m.bundle_id),
        "recipient": party(&m.recipient),
    });
    format!("{}\n", serde_json::to_string_pretty(&j).unwrap())
}

/// Writes the vectors, their expected results, the manifest JSON and the
/// fuzz seed corpus into `dir` / `corpus`.
fn write_all(keys: &Keys, dir: &Path, corpus: &Path) {
    std::fs::create_dir_all(dir).unwrap();
    for sub in ["archive", "manifest", "rows"] {
        std::fs::create_dir_all(corpus.join(sub)).unwrap();
    }
    let entries = data_entries();
    for vec in build_all(keys) {
        std::fs::write(dir.join(format!("{}.{}", vec.name, vec.ext)), &vec.bundle).unwrap();
        std::fs::write(dir.join(format!("{}.expected", vec.name)), expected_text(&vec)).unwrap();
        if let Some(archive) = &vec.archive {
            std::fs::write(corpus.join("archive").join(format!("{}.tar", vec.name)), archive).unwrap();
            // The manifest seed: the first entry's data, when it is the
            // manifest and the archive holds all of it (not so for
            // manifest-not-first and manifest-too-large).
            if archive.len() >= 512 && archive[..13] == *b"manifest.cbor" && archive[13] == 0 {
                let size = usize::from_str_radix(std::str::from_utf8(&archive[124..135]).unwrap(), 8).unwrap();
                if let Some(bytes) = archive.get(512..512 + size) {
                    std::fs::write(corpus.join("manifest").join(format!("{}.cbor", vec.name)), bytes).unwrap();
                }
            }
        }
    }
    let m = manifest(keys, &entries);
    std::fs::write(dir.join("valid.manifest.json"), manifest_json(&m)).unwrap();
    for (path, data) in &entries {
        if path.starts_with("tables/") {
            let stem = path.trim_start_matches("tables/");
            std::fs::write(corpus.join("rows").join(stem), data).unwrap();
        }
    }
}

fn expected_of(dir: &Path) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let path = e.unwrap().path();
        if path.extension().is_some_and(|x| x == "expected") {
            let stem = path.file_stem().unwrap().to_string_lossy().into_owned();
            out.insert(stem, std::fs::read_to_string(&path).unwrap());
        }
    }
    out
}

/// The `layer:` line of an `.expected` text.
fn layer_of(text: &str) -> &str {
    text.lines().find_map(|l| l.strip_prefix("layer: ")).unwrap_or_else(|| panic!("no layer line in {text:?}"))
}

fn receipt_outcome(keys: &Keys, file: &[u8]) -> String {
    match Receipt::verify_file(file, &keys.receiver_ed25519.verifying_key().to_bytes()) {
        Ok(_) => "ok".into(),
        Err(FormatError::BadReceipt { .. }) => "error: BadReceipt".into(),
        Err(other) => format!("error: {other:?}"),
    }
}

/// Checks the vector `name` of `dir` against its `.expected` text: a
/// receipt through the receipt verifier; a bundle through `BundleReader`
/// (open, every entry, finish) and through `verify_reader`, which also
/// decodes the rows, so a `rows` defect is `ok` for the first and the
/// expected class for the second.
fn check_vector(keys: &Keys, dir: &Path, name: &str, text: &str) {
    let first = text.lines().next().unwrap();
    assert!(text.lines().nth(1).is_some_and(|l| l.starts_with("defect: ")), "{name}: no defect line");
    let layer = layer_of(text);
    assert!(LAYERS.contains(&layer), "{name}: unknown layer {layer}");
    if layer == "receipt" {
        let file = std::fs::read(dir.join(format!("{name}.receipt"))).unwrap();
        assert_eq!(receipt_outcome(keys, &file), first, "{name} (Receipt::verify_file)");
        return;
    }
    let file = std::fs::read(dir.join(format!("{name}.bemx"))).unwrap();
    let streamed = read_bundle(keys, &file);
    let streamed_want = if layer == "rows" { "ok" } else { first };
    assert_eq!(
        outcome(&streamed),
        streamed_want,
        "{name} (BundleReader): {:?}",
        streamed.as_ref().err().map(|e| e.to_string())
    );
    let verified = bemx_unpack::verify_reader(&file[..], keys.me(), &keys.trust(), true);
    assert_eq!(
        outcome(&verified),
        first,
        "{name} (verify_reader): {:?}",
        verified.as_ref().err().map(|e| e.to_string())
    );
    // verify_file decrypts ahead on a thread of its own: the same error.
    let from_file = bemx_unpack::verify_file(&dir.join(format!("{name}.bemx")), keys.me(), &keys.trust(), true);
    assert_eq!(said(&from_file), said(&verified), "{name} (verify_file)");
    assert_eq!(said(&read_bundle_ahead(keys, &file)), said(&streamed), "{name} (BundleReader, read ahead)");
    if let Err(e) = &verified {
        eprintln!("{name}: {e}");
    }
}

/// Regenerates spec/vectors once per test run when BEMX_REGENERATE_VECTORS=1,
/// before any test reads them.
fn prepared() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        if std::env::var("BEMX_REGENERATE_VECTORS").as_deref() == Ok("1") {
            let dir = vectors_dir();
            let keys = Keys::load(&dir.join("keys"), true);
            write_all(&keys, &dir, &corpus_dir());
            eprintln!("spec/vectors and the fuzz seed corpus regenerated");
        }
    });
}

/// The files in spec/vectors are exactly the generator's set: a vector the
/// generator no longer makes, or a `.bemx` or `.receipt` without its
/// `.expected`, cannot linger (their contents are compared by
/// [`regeneration_gives_the_same_results`]), and the README's table lists
/// every vector with its layer, defect and expected result. Also the entry
/// point for `BEMX_REGENERATE_VECTORS=1 … regenerate`, which then checks the
/// fresh files.
#[test]
fn regenerate_when_asked_and_the_vector_set_is_the_generated_one() {
    prepared();
    let dir = vectors_dir();
    let vectors = build_all(&Keys::committed());
    let names: BTreeSet<String> = vectors.iter().map(|v| v.name.to_string()).collect();
    let (mut files, mut expected) = (BTreeSet::new(), BTreeSet::new());
    for e in std::fs::read_dir(&dir).unwrap() {
        let path = e.unwrap().path();
        let stem = path.file_stem().unwrap().to_string_lossy().into_owned();
        match path.extension().and_then(|x| x.to_str()) {
            Some("bemx" | "receipt") => files.insert(stem),
            Some("expected") => expected.insert(stem),
            _ => false,
        };
    }
    assert_eq!(files, names, ".bemx and .receipt files in {} vs the generator", dir.display());
    assert_eq!(expected, names, ".expected files in {} vs the generator", dir.display());
    let readme = std::fs::read_to_string(dir.join("README.md")).unwrap();
    for v in &vectors {
        let row = format!("| `{}.{}` | {} | {} | `{}` |", v.name, v.ext, v.layer, v.defect, v.expected);
        assert!(readme.lines().any(|l| l == row), "spec/vectors/README.md lacks the row {row}");
    }
}

#[test]
fn every_vector_yields_its_expected_result() {
    prepared();
    let dir = vectors_dir();
    let keys = Keys::committed();
    let expected = expected_of(&dir);
    assert!(expected.len() >= 80, "only {} vectors found in {}", expected.len(), dir.display());
    for (name, text) in &expected {
        check_vector(&keys, &dir, name, text);
    }
    // The valid bundle's manifest is the one documented beside it.
    let valid = read_bundle(&keys, &std::fs::read(dir.join("valid.bemx")).unwrap()).unwrap();
    let json = std::fs::read_to_string(dir.join("valid.manifest.json")).unwrap();
    assert_eq!(manifest_json(&valid.manifest), json);
    assert_eq!(valid.entries, 3);
    let verified =
        bemx_unpack::verify_reader(&std::fs::read(dir.join("valid.bemx")).unwrap()[..], keys.me(), &keys.trust(), true)
            .unwrap();
    assert_eq!(verified.tables.iter().map(|t| t.rows).sum::<u64>(), 4);
    // The valid receipt is the receipt of that very bundle.
    let receipt = Receipt::verify_file(
        &std::fs::read(dir.join("receipt-valid.receipt")).unwrap(),
        &keys.receiver_ed25519.verifying_key().to_bytes(),
    )
    .unwrap();
    assert_eq!(receipt.bundle_id, valid.manifest.bundle_id);
    assert_eq!((receipt.sender, receipt.receiver), (valid.manifest.sender.installation, keys.receiver_installation));
    assert_eq!((receipt.clients, receipt.rows), (valid.manifest.clients.len() as u64, 4));
}

#[test]
fn regeneration_gives_the_same_results() {
    prepared();
    let keys = Keys::committed();
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("vectors");
    let corpus = tmp.path().join("corpus");
    write_all(&keys, &dir, &corpus);
    let committed = expected_of(&vectors_dir());
    let fresh = expected_of(&dir);
    assert_eq!(committed, fresh, "expected results differ: run BEMX_REGENERATE_VECTORS=1 and review");
    assert_eq!(
        std::fs::read_to_string(dir.join("valid.manifest.json")).unwrap(),
        std::fs::read_to_string(vectors_dir().join("valid.manifest.json")).unwrap()
    );
    for (name, text) in &fresh {
        check_vector(&keys, &dir, name, text);
    }
    // The deterministic layers (fuzz seeds: archives, manifests, rows) are
    // byte-identical. Counted, so that a generator writing no seeds fails
    // instead of comparing nothing.
    for sub in ["archive", "manifest", "rows"] {
        let mut compared = 0;
        for e in std::fs::read_dir(corpus.join(sub)).unwrap() {
            let path = e.unwrap().path();
            let committed = corpus_dir().join(sub).join(path.file_name().unwrap());
            assert_eq!(std::fs::read(&path).unwrap(), std::fs::read(&committed).unwrap(), "{}", committed.display());
            compared += 1;
        }
        assert!(compared > 0, "the generator wrote no fuzz seeds into corpus/{sub}");
    }
}

fn have(tool: &str) -> bool {
    Command::new(tool).arg("--version").stdout(Stdio::null()).stderr(Stdio::null()).status().is_ok()
}

#[test]
#[cfg_attr(windows, ignore = "SKIPPED on Windows: runs bash, age, zstd and tar (Debian's Linux programs in CI)")]
fn standard_tools_list_the_valid_bundle() {
    prepared();
    if !have("age") || !have("zstd") || !have("tar") || !have("bash") {
        // CI installs the tools and sets this: there a missing tool fails.
        assert!(
            std::env::var_os("BEMX_REQUIRE_TOOLS").is_none(),
            "BEMX_REQUIRE_TOOLS is set but `age`, `zstd`, `tar` or `bash` does not run"
        );
        eprintln!("SKIPPED standard_tools_list_the_valid_bundle: `age`, `zstd`, `tar` or `bash` is not on PATH");
        return;
    }
    let dir = vectors_dir();
    let script = "age -d -i keys/receiver.age.key valid.bemx | zstd -d | tar -t";
    let out = Command::new("bash").args(["-o", "pipefail", "-c", script]).current_dir(&dir).output().unwrap();
    assert!(out.status.success(), "{script}: {}", String::from_utf8_lossy(&out.stderr));
    let listed: Vec<String> = String::from_utf8(out.stdout).unwrap().lines().map(str::to_string).collect();
    let mut want = vec!["manifest.cbor".to_string(), "manifest.sig".to_string()];
    want.extend(data_entries().into_iter().map(|(p, _)| p));
    assert_eq!(listed, want);
}
