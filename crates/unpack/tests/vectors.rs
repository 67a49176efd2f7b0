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
use std::path::Path;
use std::process::{Command, Stdio};

use bemx_format::signature::sign_manifest;
use bemx_format::{AGE_CHUNK_SIZE, Manifest, Party};
use common::*;

/// One vector: file stem, expected outcome, one-line defect description,
/// the bundle bytes, and (for the fuzz corpus) its plain archive.
struct Vector {
    name: &'static str,
    expected: &'static str,
    defect: &'static str,
    bundle: Vec<u8>,
    archive: Option<Vec<u8>>,
}

fn v(name: &'static str, expected: &'static str, defect: &'static str, keys: &Keys, archive: Vec<u8>) -> Vector {
    Vector { name, expected, defect, bundle: seal(keys, &archive), archive: Some(archive) }
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

fn build_all(keys: &Keys) -> Vec<Vector> {
    let entries = data_entries();
    let mut out = Vec::new();

    out.push(v(
        "valid",
        "ok",
        "none: a valid bundle with two clients, two cases and one document",
        keys,
        valid_tar(keys, &entries),
    ));

    let mut it = valid_items(keys, &entries);
    it[1].data[10] ^= 0x01;
    out.push(v("bad-signature", "error: BadSignature", "one bit of manifest.sig flipped", keys, tar(&it)));

    let mut m = manifest(keys, &entries);
    let (orig, sig) = signed(keys, &m);
    m.clients = vec![CLIENT_A];
    let altered = m.encode().unwrap();
    assert_ne!(altered, orig);
    out.push(v(
        "manifest-altered",
        "error: BadSignature",
        "manifest changed after signing (a client removed), the old signature kept: its hash no longer matches",
        keys,
        tar(&items(&altered, &sig, &entries)),
    ));

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
        "correctly signed for another installation, then encrypted to the receiver (forwarded)",
        keys,
        manifest_signed_by(&m, &keys.sender_ed25519, &entries),
    ));

    let mut bad = entries.clone();
    bad[2].1[5] ^= 0x20;
    let (bytes, sig) = signed(keys, &manifest(keys, &entries));
    out.push(v(
        "entry-hash",
        "error: HashMismatch",
        "one byte of the document blob changed; size unchanged, SHA-256 differs from the manifest",
        keys,
        tar(&items(&bytes, &sig, &bad)),
    ));

    let valid = seal(keys, &valid_tar(keys, &entries));
    let mut cut = valid.clone();
    cut.truncate(valid.len() - 40);
    out.push(Vector {
        name: "truncated-in-chunk",
        expected: "error: Truncated",
        defect: "the file cut 40 bytes before its end, inside the last (only) age chunk",
        bundle: cut,
        archive: None,
    });

    let mut big = entries.clone();
    big.push(("blobs/bem_cases.document/9".into(), noise(100 * 1024, 9)));
    let big_valid = seal(keys, &valid_tar(keys, &big));
    let header_len = big_valid.windows(4).position(|w| w == b"\n---").unwrap();
    let header_end = header_len + big_valid[header_len + 1..].iter().position(|&b| b == b'\n').unwrap() + 2;
    let boundary = header_end + 16 + AGE_CHUNK_SIZE + 16;
    assert!(big_valid.len() > boundary + 1000, "payload must span more than one chunk");
    out.push(Vector {
        name: "truncated-at-chunk-boundary",
        expected: "error: Truncated",
        defect: "a bundle with >64 KiB of payload cut exactly after its first full 64 KiB age chunk",
        bundle: big_valid[..boundary].to_vec(),
        archive: None,
    });

    let mut it = valid_items(keys, &entries);
    it.pop();
    out.push(v(
        "entry-missing",
        "error: MissingEntry",
        "the last data entry listed in the manifest is absent",
        keys,
        tar(&it),
    ));

    let mut it = valid_items(keys, &entries);
    it.push(Item::file("tables/002-extra.cbor", b"\xa0"));
    out.push(v("extra-entry", "error: ExtraEntry", "an unlisted entry after the last listed one", keys, tar(&it)));

    let mut it = valid_items(keys, &entries);
    it.swap(2, 3);
    out.push(v("reordered", "error: OutOfOrder", "the two table entries swapped", keys, tar(&it)));

    let mut it = valid_items(keys, &entries);
    it[3].name = b"tables/../../etc/cron.d/bemx".to_vec();
    out.push(v(
        "path-dotdot",
        "error: ForbiddenPath",
        "a data entry named tables/../../etc/cron.d/bemx",
        keys,
        tar(&it),
    ));

    let mut it = valid_items(keys, &entries);
    it[3].name = b"/etc/cron.d/bemx".to_vec();
    out.push(v("path-absolute", "error: ForbiddenPath", "a data entry named /etc/cron.d/bemx", keys, tar(&it)));

    let mut it = valid_items(keys, &entries);
    it[3] = Item { name: it[3].name.clone(), kind: b'2', link: b"/etc/passwd".to_vec(), data: Vec::new() };
    out.push(v(
        "symlink",
        "error: ForbiddenEntryType",
        "the second table entry replaced by a symbolic link to /etc/passwd",
        keys,
        tar(&it),
    ));

    let mut it = valid_items(keys, &entries);
    it[3] = Item { name: it[3].name.clone(), kind: b'1', link: b"manifest.cbor".to_vec(), data: Vec::new() };
    out.push(v(
        "hardlink",
        "error: ForbiddenEntryType",
        "the second table entry replaced by a hard link to manifest.cbor",
        keys,
        tar(&it),
    ));

    let mut it = valid_items(keys, &entries);
    it[4].data.extend_from_slice(b" (appended)");
    out.push(v(
        "entry-too-large",
        "error: SizeMismatch",
        "the document blob's archive header and data are 11 bytes larger than the manifest says",
        keys,
        tar(&it),
    ));

    let m = manifest(keys, &entries);
    let mut bytes = m.encode().unwrap();
    let at = bytes.windows(7).position(|w| w == b"\x66format").unwrap() + 7;
    assert_eq!(bytes[at], 0x01);
    bytes[at] = 0x02;
    let sig = sign_manifest(&keys.sender_ed25519, &bytes);
    out.push(v(
        "format-version-2",
        "error: UnsupportedFormat",
        "a correctly signed manifest with format version 2",
        keys,
        tar(&items(&bytes, &sig, &entries)),
    ));

    let mut it = valid_items(keys, &entries);
    let dup = it[2].clone();
    it.insert(3, dup);
    out.push(v(
        "duplicate-entry",
        "error: DuplicateEntry",
        "the first table entry appears twice in a row",
        keys,
        tar(&it),
    ));

    let mut frames = zstd_frame(&valid_tar(keys, &entries));
    frames.extend(zstd_frame(b"a second zstd frame"));
    out.push(Vector {
        name: "second-zstd-frame",
        expected: "error: TrailingData",
        defect: "a second zstd frame after the archive's frame",
        bundle: age_encrypt(&[&keys.receiver_age.to_public()], &frames),
        archive: None,
    });

    let mut t = valid_tar(keys, &entries);
    t.extend_from_slice(&[0x42; 512]);
    out.push(v(
        "data-after-end",
        "error: TrailingData",
        "512 bytes after the archive's end-of-archive marker, inside the zstd frame",
        keys,
        t,
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
        "a valid bundle signed by a key that is no contact of the receiver",
        keys,
        manifest_signed_by(&m, &keys.untrusted_ed25519, &entries),
    ));

    let mut m = manifest(keys, &entries);
    m.sender.ed25519 = keys.untrusted_ed25519.verifying_key().to_bytes();
    out.push(v(
        "sender-key-changed",
        "error: SenderKeyChanged",
        "the sender's name and installation id, but signed with another key",
        keys,
        manifest_signed_by(&m, &keys.untrusted_ed25519, &entries),
    ));

    let mut it = valid_items(keys, &entries);
    it.swap(0, 2);
    out.push(v("manifest-not-first", "error: ManifestMissing", "a data entry before manifest.cbor", keys, tar(&it)));

    out.push(Vector {
        name: "not-age",
        expected: "error: NotABundle",
        defect: "the zstd-compressed archive without age encryption",
        bundle: zstd_frame(&valid_tar(keys, &entries)),
        archive: None,
    });

    out.push(Vector {
        name: "two-recipients",
        expected: "error: NotABundle",
        defect: "age-encrypted to the receiver and a second X25519 recipient",
        bundle: age_encrypt(
            &[&keys.receiver_age.to_public(), &keys.other_age.to_public()],
            &zstd_frame(&valid_tar(keys, &entries)),
        ),
        archive: None,
    });

    out.push(Vector {
        name: "wrong-key",
        expected: "error: NotForThisInstallation",
        defect: "a valid archive age-encrypted to another installation's key",
        bundle: age_encrypt(&[&keys.other_age.to_public()], &zstd_frame(&valid_tar(keys, &entries))),
        archive: None,
    });

    let mut flipped = big_valid.clone();
    flipped[header_end + 16 + 1000] ^= 0x04;
    out.push(Vector {
        name: "flipped-byte",
        expected: "error: Damaged",
        defect: "one bit flipped inside the first of two age chunks",
        bundle: flipped,
        archive: None,
    });

    out
}

fn expected_text(vec: &Vector) -> String {
    format!("{}\ndefect: {}\n", vec.expected, vec.defect)
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
        std::fs::write(dir.join(format!("{}.bemx", vec.name)), &vec.bundle).unwrap();
        std::fs::write(dir.join(format!("{}.expected", vec.name)), expected_text(&vec)).unwrap();
        if let Some(archive) = &vec.archive {
            std::fs::write(corpus.join("archive").join(format!("{}.tar", vec.name)), archive).unwrap();
            if vec.name != "manifest-not-first" {
                let size = usize::from_str_radix(std::str::from_utf8(&archive[124..135]).unwrap(), 8).unwrap();
                std::fs::write(corpus.join("manifest").join(format!("{}.cbor", vec.name)), &archive[512..512 + size])
                    .unwrap();
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
/// generator no longer makes, or a `.bemx` without its `.expected`, cannot
/// linger (their contents are compared by
/// [`regeneration_gives_the_same_results`]), and the README's table lists
/// every vector with its defect and expected result. Also the entry point
/// for `BEMX_REGENERATE_VECTORS=1 … regenerate`, which then checks the
/// fresh files.
#[test]
fn regenerate_when_asked_and_the_vector_set_is_the_generated_one() {
    prepared();
    let dir = vectors_dir();
    let vectors = build_all(&Keys::committed());
    let names: BTreeSet<String> = vectors.iter().map(|v| v.name.to_string()).collect();
    let (mut bemx, mut expected) = (BTreeSet::new(), BTreeSet::new());
    for e in std::fs::read_dir(&dir).unwrap() {
        let path = e.unwrap().path();
        let stem = path.file_stem().unwrap().to_string_lossy().into_owned();
        match path.extension().and_then(|x| x.to_str()) {
            Some("bemx") => bemx.insert(stem),
            Some("expected") => expected.insert(stem),
            _ => false,
        };
    }
    assert_eq!(bemx, names, ".bemx files in {} vs the generator", dir.display());
    assert_eq!(expected, names, ".expected files in {} vs the generator", dir.display());
    let readme = std::fs::read_to_string(dir.join("README.md")).unwrap();
    for v in &vectors {
        let row = format!("| `{}.bemx` | {} | `{}` |", v.name, v.defect, v.expected);
        assert!(readme.lines().any(|l| l == row), "spec/vectors/README.md lacks the row {row}");
    }
}

#[test]
fn every_vector_yields_its_expected_result() {
    prepared();
    let dir = vectors_dir();
    let keys = Keys::committed();
    let expected = expected_of(&dir);
    assert!(expected.len() >= 15, "only {} vectors found in {}", expected.len(), dir.display());
    for (name, text) in &expected {
        let first = text.lines().next().unwrap();
        assert!(text.lines().nth(1).is_some_and(|l| l.starts_with("defect: ")), "{name}: no defect line");
        let file = std::fs::read(dir.join(format!("{name}.bemx"))).unwrap();
        let streamed = read_bundle(&keys, &file);
        assert_eq!(
            outcome(&streamed),
            first,
            "{name} (BundleReader): {:?}",
            streamed.as_ref().err().map(|e| e.to_string())
        );
        let verified = bemx_unpack::verify_reader(&file[..], keys.me(), &keys.trust(), true);
        assert_eq!(outcome(&verified), first, "{name} (verify_reader)");
        if let Err(e) = &streamed {
            eprintln!("{name}: {e}");
        }
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
    for name in fresh.keys() {
        let file = std::fs::read(dir.join(format!("{name}.bemx"))).unwrap();
        assert_eq!(outcome(&read_bundle(&keys, &file)), fresh[name].lines().next().unwrap(), "fresh {name}");
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
