//! Builds bundles layer by layer for tests and vectors, so that each
//! invalid bundle carries exactly one defect.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::Write;
use std::path::{Path, PathBuf};

use age::secrecy::ExposeSecret;
use bemx_format::rows::{Column, RowWriter, TableHeader, Value};
use bemx_format::signature::sign_manifest;
use bemx_format::{Entry, FORMAT_VERSION, Manifest, Party, SchemaInfo, TableCount};
use bemx_unpack::{Recipient, SenderTrust, TrustStore};
use ed25519_dalek::SigningKey;
use sha2::{Digest, Sha256};

pub fn crate_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn vectors_dir() -> PathBuf {
    crate_dir().join("../../spec/vectors")
}

pub fn corpus_dir() -> PathBuf {
    crate_dir().join("../../fuzz/corpus")
}

/// The fixed test keys of spec/vectors/keys/.
pub struct Keys {
    pub receiver_age: age::x25519::Identity,
    pub receiver_installation: [u8; 16],
    pub receiver_ed25519: SigningKey,
    pub sender_ed25519: SigningKey,
    pub sender_installation: [u8; 16],
    pub untrusted_ed25519: SigningKey,
    pub other_age: age::x25519::Identity,
}

fn read_hex<const N: usize>(dir: &Path, name: &str) -> [u8; N] {
    let text = std::fs::read_to_string(dir.join(name)).unwrap_or_else(|e| panic!("{name}: {e}"));
    hex::decode(text.trim()).unwrap().try_into().unwrap_or_else(|_| panic!("{name}: wrong length"))
}

pub fn read_age_identity(path: &Path) -> age::x25519::Identity {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let line = text.lines().find(|l| l.starts_with("AGE-SECRET-KEY-1")).expect("no AGE-SECRET-KEY-1 line");
    line.parse().unwrap()
}

fn derived_seed(label: &str) -> [u8; 32] {
    Sha256::digest(format!("bemx test vector key: {label}").as_bytes()).into()
}

fn write_age_identity(path: &Path, id: &age::x25519::Identity, what: &str) {
    let text = format!(
        "# {what}\n# TEST KEY, PUBLISHED: never use it for real data\n# public key: {}\n{}\n",
        id.to_public(),
        id.to_string().expose_secret()
    );
    std::fs::write(path, text).unwrap();
}

impl Keys {
    /// Loads the committed keys; with `create`, makes any that are missing
    /// (age keys at random, once; the others derived from fixed labels).
    pub fn load(dir: &Path, create: bool) -> Keys {
        if create {
            std::fs::create_dir_all(dir).unwrap();
            for (file, what) in
                [("receiver.age.key", "receiver installation"), ("other.age.key", "another installation")]
            {
                if !dir.join(file).exists() {
                    write_age_identity(&dir.join(file), &age::x25519::Identity::generate(), what);
                }
            }
            let derived: [(&str, Vec<u8>); 5] = [
                ("receiver.installation", derived_seed("receiver installation")[..16].to_vec()),
                ("receiver.ed25519", derived_seed("receiver ed25519").to_vec()),
                ("sender.installation", derived_seed("sender installation")[..16].to_vec()),
                ("sender.ed25519", derived_seed("sender ed25519").to_vec()),
                ("untrusted.ed25519", derived_seed("untrusted ed25519").to_vec()),
            ];
            for (file, bytes) in derived {
                if !dir.join(file).exists() {
                    std::fs::write(dir.join(file), format!("{}\n", hex::encode(bytes))).unwrap();
                }
            }
        }
        Keys {
            receiver_age: read_age_identity(&dir.join("receiver.age.key")),
            receiver_installation: read_hex(dir, "receiver.installation"),
            receiver_ed25519: SigningKey::from_bytes(&read_hex(dir, "receiver.ed25519")),
            sender_ed25519: SigningKey::from_bytes(&read_hex(dir, "sender.ed25519")),
            sender_installation: read_hex(dir, "sender.installation"),
            untrusted_ed25519: SigningKey::from_bytes(&read_hex(dir, "untrusted.ed25519")),
            other_age: read_age_identity(&dir.join("other.age.key")),
        }
    }

    pub fn committed() -> Keys {
        Keys::load(&vectors_dir().join("keys"), false)
    }

    pub fn me(&self) -> Recipient<'_> {
        Recipient { identity: &self.receiver_age, installation_id: self.receiver_installation }
    }

    pub fn sender(&self) -> Party {
        Party {
            installation: self.sender_installation,
            name: "BEM-Team Werk Nord".into(),
            age: "age1qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqq0e0zvz".into(),
            ed25519: self.sender_ed25519.verifying_key().to_bytes(),
        }
    }

    pub fn receiver(&self) -> Party {
        Party {
            installation: self.receiver_installation,
            name: "BEM-Team Werk Süd".into(),
            age: self.receiver_age.to_public().to_string(),
            ed25519: self.receiver_ed25519.verifying_key().to_bytes(),
        }
    }

    pub fn trust(&self) -> TestTrust {
        TestTrust { key: self.sender_ed25519.verifying_key().to_bytes(), installation: self.sender_installation }
    }
}

/// Trusts exactly the sender key; a different key claiming the sender's
/// installation is a changed key.
pub struct TestTrust {
    pub key: [u8; 32],
    pub installation: [u8; 16],
}

impl TrustStore for TestTrust {
    fn sender_trust(&self, sender: &Party) -> SenderTrust {
        if sender.ed25519 == self.key {
            SenderTrust::Trusted { name: "Werk Nord (contact)".into() }
        } else if sender.installation == self.installation {
            SenderTrust::KeyChanged { name: "Werk Nord (contact)".into() }
        } else {
            SenderTrust::Untrusted
        }
    }
}

/// Deterministic incompressible bytes.
pub fn noise(n: usize, seed: u64) -> Vec<u8> {
    let mut x = 0x9e37_79b9_7f4a_7c15u64 ^ seed;
    (0..n)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x >> 24) as u8
        })
        .collect()
}

fn col(name: &str, role: &str) -> Column {
    Column { name: name.into(), role: bemx_format::entry::Role::parse(role).expect("a valid role") }
}

pub const CLIENT_A: [u8; 16] =
    [0x1c, 0x4e, 0x8f, 0x02, 0x5a, 0x77, 0x4b, 0x1e, 0x9d, 0x10, 0x0a, 0x3b, 0x6c, 0x21, 0x7e, 0x01];
pub const CLIENT_B: [u8; 16] =
    [0x7a, 0x90, 0x13, 0xc4, 0x2e, 0x5f, 0x4d, 0x88, 0xa1, 0x42, 0x19, 0x60, 0xd7, 0x3f, 0x05, 0x02];

/// The data entries of a small, realistic bundle: two clients, two cases,
/// one document blob.
pub fn data_entries() -> Vec<(String, Vec<u8>)> {
    let clients = TableHeader {
        name: "clients".into(),
        columns: vec![
            col("id", "pk"),
            col("uuid", "value"),
            col("bem_id", "value"),
            col("last_name", "value"),
            col("first_name", "value"),
            col("created_at", "value"),
        ],
    };
    let mut w = RowWriter::new(Vec::new(), &clients).unwrap();
    w.row(&[
        Value::Integer(17),
        Value::Bytes(CLIENT_A.to_vec()),
        Value::Text("BEM-2024-017".into()),
        Value::Text("Beispiel".into()),
        Value::Text("Erika".into()),
        Value::Text("2024-03-11".into()),
    ])
    .unwrap();
    w.row(&[
        Value::Integer(42),
        Value::Bytes(CLIENT_B.to_vec()),
        Value::Text("BEM-2025-042".into()),
        Value::Text("Mustermann".into()),
        Value::Text("Max".into()),
        Value::Text("2025-01-20".into()),
    ])
    .unwrap();
    let clients = w.finish();

    let cases = TableHeader {
        name: "bem_cases".into(),
        columns: vec![
            col("id", "pk"),
            col("client_id", "ref:clients"),
            col("status_id", "cat:cat_case_status"),
            col("opened_on", "value"),
            col("weeks_absent", "value"),
            col("document", "blob"),
        ],
    };
    let doc = b"Einladung zum BEM-Erstgespraech (Beispieldokument, keine echten Daten)\n".to_vec();
    let mut w = RowWriter::new(Vec::new(), &cases).unwrap();
    w.row(&[
        Value::Integer(3),
        Value::Integer(17),
        Value::Text("OPEN".into()),
        Value::Text("2024-03-12".into()),
        Value::Real(6.5),
        Value::Integer(doc.len() as i64),
    ])
    .unwrap();
    w.row(&[
        Value::Integer(9),
        Value::Integer(42),
        Value::Text("IN_PROGRESS".into()),
        Value::Text("2025-01-21".into()),
        Value::Null,
        Value::Null,
    ])
    .unwrap();
    let cases = w.finish();
    vec![
        ("tables/000-clients.cbor".into(), clients),
        ("tables/001-bem_cases.cbor".into(), cases),
        ("blobs/bem_cases.document/3".into(), doc),
    ]
}

/// A manifest listing `entries`, from sender to receiver.
pub fn manifest(keys: &Keys, entries: &[(String, Vec<u8>)]) -> Manifest {
    Manifest {
        format: FORMAT_VERSION,
        schema: SchemaInfo {
            app: "bemx 0.1.0".into(),
            version: 1,
            fingerprint: Sha256::digest(b"schema v1").into(),
            profile: "bemx-reference".into(),
            profile_version: 1,
            graph: Sha256::digest(b"graph v1").into(),
        },
        sender: keys.sender(),
        tables: vec![TableCount { name: "clients".into(), rows: 2 }, TableCount { name: "bem_cases".into(), rows: 2 }],
        clients: vec![CLIENT_A, CLIENT_B],
        created: 1_767_225_600,
        entries: entries
            .iter()
            .map(|(p, d)| Entry { path: p.clone(), size: d.len() as u64, sha256: Sha256::digest(d).into() })
            .collect(),
        bundle_id: Sha256::digest(b"bemx test vector bundle id").into(),
        recipient: keys.receiver(),
    }
}

/// One archive item: a name as raw bytes, a ustar type flag, data, and
/// optionally a size field that disagrees with the data.
#[derive(Clone)]
pub struct Item {
    pub name: Vec<u8>,
    pub kind: u8,
    pub link: Vec<u8>,
    pub data: Vec<u8>,
}

impl Item {
    pub fn file(name: &str, data: &[u8]) -> Item {
        Item { name: name.as_bytes().to_vec(), kind: b'0', link: Vec::new(), data: data.to_vec() }
    }
}

/// The standard archive items: manifest, signature, data entries.
pub fn items(manifest_bytes: &[u8], signature: &[u8], entries: &[(String, Vec<u8>)]) -> Vec<Item> {
    let mut v = vec![Item::file("manifest.cbor", manifest_bytes), Item::file("manifest.sig", signature)];
    v.extend(entries.iter().map(|(p, d)| Item::file(p, d)));
    v
}

/// A ustar header as the tar crate writes it (deterministic mode, mode
/// 0600), with the name bytes and type flag placed raw so that defects the
/// crate itself would refuse can be built.
pub fn header(item: &Item) -> [u8; 512] {
    let mut h = tar::Header::new_ustar();
    h.set_size(item.data.len() as u64);
    h.set_mode(0o600);
    h.set_uid(0);
    h.set_gid(0);
    h.set_mtime(1_767_225_600);
    h.set_entry_type(tar::EntryType::new(item.kind));
    let bytes = h.as_mut_bytes();
    bytes[..item.name.len()].copy_from_slice(&item.name);
    bytes[157..157 + item.link.len()].copy_from_slice(&item.link);
    h.set_cksum();
    *h.as_bytes()
}

/// Serializes items into a ustar stream with its end marker.
pub fn tar(items: &[Item]) -> Vec<u8> {
    let mut out = Vec::new();
    for item in items {
        out.extend_from_slice(&header(item));
        out.extend_from_slice(&item.data);
        out.resize(out.len().div_ceil(512) * 512, 0);
    }
    out.extend_from_slice(&[0u8; 1024]);
    out
}

pub fn zstd_frame(bytes: &[u8]) -> Vec<u8> {
    zstd::stream::encode_all(bytes, bemx_format::ZSTD_LEVEL).unwrap()
}

pub fn age_encrypt(recipients: &[&age::x25519::Recipient], plain: &[u8]) -> Vec<u8> {
    let encryptor = age::Encryptor::with_recipients(recipients.iter().map(|r| *r as &dyn age::Recipient)).unwrap();
    let mut out = Vec::new();
    let mut w = encryptor.wrap_output(&mut out).unwrap();
    w.write_all(plain).unwrap();
    w.finish().unwrap();
    out
}

/// zstd + age to the receiver.
pub fn seal(keys: &Keys, tar_bytes: &[u8]) -> Vec<u8> {
    age_encrypt(&[&keys.receiver_age.to_public()], &zstd_frame(tar_bytes))
}

/// Signed manifest bytes and signature for `entries`.
pub fn signed(keys: &Keys, m: &Manifest) -> (Vec<u8>, [u8; 64]) {
    let bytes = m.encode().unwrap();
    let sig = sign_manifest(&keys.sender_ed25519, &bytes);
    (bytes, sig)
}

/// The archive of a valid bundle with `entries`.
pub fn valid_tar(keys: &Keys, entries: &[(String, Vec<u8>)]) -> Vec<u8> {
    let m = manifest(keys, entries);
    let (bytes, sig) = signed(keys, &m);
    tar(&items(&bytes, &sig, entries))
}

/// Reads a bundle the way the importer does: open, every entry to its end, finish.
pub fn read_bundle(keys: &Keys, file: &[u8]) -> Result<bemx_unpack::VerifiedBundle, bemx_unpack::UnpackError> {
    let trust = keys.trust();
    let mut reader = bemx_unpack::BundleReader::open(file, keys.me(), &trust, true)?;
    while let Some(entry) = reader.next_entry()? {
        entry.finish()?;
    }
    reader.finish()
}

/// [`read_bundle`] with the payload decrypted and decompressed ahead on a
/// thread of its own, as `verify_file` reads; and again with that thread
/// hashing the entries too, as import reads, which must end alike.
pub fn read_bundle_ahead(keys: &Keys, file: &[u8]) -> Result<bemx_unpack::VerifiedBundle, bemx_unpack::UnpackError> {
    let ahead = read_bundle_ahead_hashing(keys, file, false);
    let hashing = read_bundle_ahead_hashing(keys, file, true);
    assert_eq!(said(&hashing), said(&ahead), "hashing ahead ends otherwise than reading ahead");
    ahead
}

fn read_bundle_ahead_hashing(
    keys: &Keys,
    file: &[u8],
    hash: bool,
) -> Result<bemx_unpack::VerifiedBundle, bemx_unpack::UnpackError> {
    let trust = keys.trust();
    let mut reader = bemx_unpack::BundleReader::open(std::io::Cursor::new(file.to_vec()), keys.me(), &trust, true)?;
    if hash {
        reader.read_and_hash_ahead().unwrap();
    } else {
        reader.read_ahead().unwrap();
    }
    assert_eq!(reader.hashes_ahead(), hash);
    while let Some(entry) = reader.next_entry()? {
        entry.finish()?;
    }
    if !hash {
        assert_eq!(reader.entries_hashed_ahead(), 0);
    }
    reader.finish()
}

/// Everything a reading's result says: the error with its kind, part and
/// words, or the verified bundle's facts.
pub fn said(r: &Result<bemx_unpack::VerifiedBundle, bemx_unpack::UnpackError>) -> String {
    match r {
        Ok(v) => format!("ok: {:?} {:?} {}", v.entries, v.manifest_bytes, v.data_bytes),
        Err(e) => format!("{e:?} / {e}"),
    }
}

pub fn outcome(r: &Result<bemx_unpack::VerifiedBundle, bemx_unpack::UnpackError>) -> String {
    match r {
        Ok(_) => "ok".into(),
        Err(e) => format!("error: {}", e.class()),
    }
}
