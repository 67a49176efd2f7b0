//! §4: the manifest, its deterministic CBOR encoding and its validation.
//!
//! Keys are text strings written in the order §4.1 fixes, which is the
//! RFC 8949 §4.2.1 order (shorter encoded key first, then bytewise). The
//! decoder walks exactly that order, so a reordered map is refused by
//! construction; a final re-encoding comparison refuses every other
//! non-deterministic form (long integer heads, indefinite lengths).

use minicbor::data::Type;
use minicbor::{Decoder, Encoder};

use crate::entry::DataPath;
use crate::error::FormatError;
use crate::i18n::fl;
use crate::{
    FORMAT_VERSION, MANIFEST_PATH, MAX_CLIENTS, MAX_ENTRIES, MAX_ENTRY_SIZE, MAX_MANIFEST_SIZE, MAX_PATH_LEN,
    MAX_TABLES, MAX_TEXT_LEN, SIGNATURE_PATH,
};

/// One installation as named in a manifest: the sender or the recipient.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Party {
    /// Installation UUID, 16 bytes.
    pub installation: [u8; 16],
    /// Display name of the installation (a person's or office's name, set at `init`).
    pub name: String,
    /// The installation's age X25519 recipient, `age1…`.
    pub age: String,
    /// The installation's Ed25519 public key.
    pub ed25519: [u8; 32],
}

/// The database schema the rows were read from (§8).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SchemaInfo {
    /// Version of the application that wrote the bundle (informational).
    pub app: String,
    /// Database schema version (`PRAGMA user_version`).
    pub version: u64,
    /// SHA-256 fingerprint of the schema.
    pub fingerprint: [u8; 32],
    /// Name of the profile that describes the database (§8).
    pub profile: String,
    /// That profile's version.
    pub profile_version: u64,
    /// SHA-256 of the graph the profile derived: what travels and how it
    /// is matched (§8).
    pub graph: [u8; 32],
}

/// Row count of one table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableCount {
    /// Table name.
    pub name: String,
    /// Number of rows the bundle carries for it.
    pub rows: u64,
}

/// One data entry of the archive (§3).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// Archive path.
    pub path: String,
    /// Exact size in bytes.
    pub size: u64,
    /// SHA-256 of the entry's bytes.
    pub sha256: [u8; 32],
}

/// The signed description of a bundle (§4).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Manifest {
    /// Format version, [`FORMAT_VERSION`].
    pub format: u64,
    /// Schema the rows come from.
    pub schema: SchemaInfo,
    /// The installation that made and signed the bundle.
    pub sender: Party,
    /// Row counts per table, in the order the table entries appear.
    pub tables: Vec<TableCount>,
    /// UUIDs of the clients handed over, strictly ascending.
    pub clients: Vec<[u8; 16]>,
    /// Creation time, seconds since the Unix epoch (UTC).
    pub created: u64,
    /// The data entries, in archive order (after manifest and signature).
    pub entries: Vec<Entry>,
    /// Random 256-bit bundle id: the one-time import nonce.
    pub bundle_id: [u8; 32],
    /// The one installation the bundle is for.
    pub recipient: Party,
}

impl Manifest {
    /// Encodes the manifest deterministically (§4.1). Validates first, so a
    /// writer can never produce a manifest a reader would refuse.
    pub fn encode(&self) -> Result<Vec<u8>, FormatError> {
        self.validate()?;
        Ok(self.encode_unchecked())
    }

    fn encode_unchecked(&self) -> Vec<u8> {
        let mut e = Encoder::new(Vec::with_capacity(1024 + self.entries.len() * 96));
        // Writing to a Vec cannot fail; `Infallible` makes the results uninhabited errors.
        let _ = write_manifest(&mut e, self);
        e.into_writer()
    }

    /// Decodes a manifest from the exact bytes of the manifest entry.
    ///
    /// The format version is read first so that a bundle from a newer bemx
    /// is reported as such, whatever else changed (§8). Nothing decoded here
    /// is trustworthy until [`crate::signature::open_signed_manifest`] has checked
    /// the signature over these same bytes.
    pub fn decode(bytes: &[u8]) -> Result<Manifest, FormatError> {
        if bytes.len() as u64 > MAX_MANIFEST_SIZE {
            return Err(FormatError::Limit {
                what: "manifest size",
                value: bytes.len() as u64,
                limit: MAX_MANIFEST_SIZE,
            });
        }
        let mut d = Decoder::new(bytes);
        let manifest = read_manifest(&mut d)?;
        if d.position() != bytes.len() {
            return Err(FormatError::TrailingData { part: crate::Part::Manifest });
        }
        manifest.validate()?;
        if manifest.encode_unchecked() != bytes {
            return Err(FormatError::NonCanonical);
        }
        Ok(manifest)
    }

    /// Checks every rule of §4.2 that is not a matter of encoding.
    pub fn validate(&self) -> Result<(), FormatError> {
        if self.format != FORMAT_VERSION {
            return Err(FormatError::UnsupportedFormat { found: self.format, supported: FORMAT_VERSION });
        }
        for party in [&self.sender, &self.recipient] {
            check_text("installation name", &party.name)?;
            if !party.age.starts_with("age1")
                || party.age.len() > 100
                || !party.age.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
            {
                return Err(FormatError::manifest(fl!("format-manifest-bad-age-recipient")));
            }
        }
        if self.sender.installation == self.recipient.installation {
            return Err(FormatError::manifest(fl!("format-manifest-same-installation")));
        }
        check_text("application version", &self.schema.app)?;
        if !is_profile_name(&self.schema.profile) {
            return Err(FormatError::manifest(fl!(
                "format-manifest-bad-profile-name",
                name = format!("{:?}", self.schema.profile)
            )));
        }
        limit("client count", self.clients.len(), MAX_CLIENTS)?;
        if self.clients.is_empty() {
            return Err(FormatError::manifest(fl!("format-manifest-no-clients")));
        }
        if !self.clients.windows(2).all(|w| w[0] < w[1]) {
            return Err(FormatError::manifest(fl!("format-manifest-clients-not-ascending")));
        }
        limit("table count", self.tables.len(), MAX_TABLES)?;
        for (i, t) in self.tables.iter().enumerate() {
            if !is_identifier(&t.name) {
                return Err(FormatError::manifest(fl!(
                    "format-manifest-bad-table-name",
                    name = format!("{:?}", t.name)
                )));
            }
            if self.tables[..i].iter().any(|o| o.name == t.name) {
                return Err(FormatError::manifest(fl!("format-manifest-table-twice", name = t.name.as_str())));
            }
        }
        limit("entry count", self.entries.len(), MAX_ENTRIES)?;
        let mut seen = std::collections::HashSet::with_capacity(self.entries.len());
        // §3: the table entries come first, one per listed table, in the
        // manifest's table order and named by their position; documents
        // follow. One order for every reader, so none accepts a bundle
        // another refuses.
        let mut tables_seen = 0usize;
        let mut documents_seen = false;
        for entry in &self.entries {
            match check_data_path(&entry.path)? {
                DataPath::Table { index, table } => {
                    let expected = self.tables.get(tables_seen).map(|t| t.name.as_str());
                    if documents_seen || index != tables_seen || expected != Some(table.as_str()) {
                        return Err(FormatError::manifest(fl!(
                            "format-manifest-entry-not-table",
                            path = entry.path.as_str(),
                            number = tables_seen.to_string()
                        )));
                    }
                    tables_seen += 1;
                }
                DataPath::Blob { .. } => documents_seen = true,
            }
            if entry.size > MAX_ENTRY_SIZE {
                return Err(FormatError::Limit { what: "entry size", value: entry.size, limit: MAX_ENTRY_SIZE });
            }
            if !seen.insert(entry.path.as_str()) {
                return Err(FormatError::manifest(fl!("format-manifest-entry-twice", path = entry.path.as_str())));
            }
        }
        if tables_seen != self.tables.len() {
            return Err(FormatError::manifest(fl!(
                "format-manifest-table-entries",
                tables = self.tables.len().to_string(),
                entries = tables_seen.to_string()
            )));
        }
        Ok(())
    }

    /// Bundle id as lowercase hex, the form users and the ledger see.
    pub fn bundle_id_hex(&self) -> String {
        hex::encode(self.bundle_id)
    }

    /// The total of all data entry sizes.
    pub fn payload_size(&self) -> u64 {
        self.entries.iter().map(|e| e.size).fold(0u64, u64::saturating_add)
    }
}

fn limit(what: &'static str, value: usize, max: usize) -> Result<(), FormatError> {
    if value > max {
        return Err(FormatError::Limit { what, value: value as u64, limit: max as u64 });
    }
    Ok(())
}

fn check_text(what: &str, s: &str) -> Result<(), FormatError> {
    if s.is_empty() || s.len() > MAX_TEXT_LEN || s.chars().any(char::is_control) {
        return Err(FormatError::manifest(fl!(
            "format-manifest-bad-text",
            what = crate::term(what),
            max = MAX_TEXT_LEN.to_string()
        )));
    }
    Ok(())
}

/// A profile name: 1 to 64 ASCII letters, digits, `.`, `_` and `-`.
pub fn is_profile_name(s: &str) -> bool {
    (1..=64).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_alphanumeric() || b"._-".contains(&b))
}

/// A table or column name: `[A-Za-z_][A-Za-z0-9_]*`, at most 64 bytes.
/// Host databases name their tables as they like (`InvoiceLine`); a name
/// outside this grammar cannot travel, and `bemx profile check` says so.
pub fn is_identifier(s: &str) -> bool {
    let b = s.as_bytes();
    !b.is_empty()
        && b.len() <= 64
        && (b[0].is_ascii_alphabetic() || b[0] == b'_')
        && b.iter().all(|c| c.is_ascii_alphanumeric() || *c == b'_')
}

/// §3 path rules for any entry path. The path is never used on a
/// filesystem; the rules exist so that standard tools extracting a bundle
/// (the recovery path of §10) cannot be led outside their directory.
pub fn check_path(path: &str) -> Result<(), FormatError> {
    let bad = |reason| Err(FormatError::ForbiddenPath { path: path.escape_debug().to_string(), reason });
    if path.is_empty() || path.len() > MAX_PATH_LEN {
        return bad("length must be 1 to 99 bytes");
    }
    if !path.bytes().all(|b| b.is_ascii_alphanumeric() || b"._-/".contains(&b)) {
        return bad("only A-Z, a-z, 0-9, '.', '_', '-' and '/' are allowed");
    }
    if path.starts_with('/') {
        return bad("absolute path");
    }
    for component in path.split('/') {
        match component {
            "" => return bad("empty path component"),
            "." | ".." => return bad("'.' or '..' component"),
            _ => {}
        }
    }
    Ok(())
}

/// §3: a data entry path is a valid path by the grammar of
/// [`DataPath`]: a table entry or a document entry.
pub fn check_data_path(path: &str) -> Result<DataPath, FormatError> {
    check_path(path)?;
    if path == MANIFEST_PATH || path == SIGNATURE_PATH {
        return Err(FormatError::ForbiddenPath {
            path: path.to_string(),
            reason: "reserved name used for a data entry",
        });
    }
    DataPath::parse(path)
}

type EncResult = Result<(), minicbor::encode::Error<std::convert::Infallible>>;

fn write_party(e: &mut Encoder<Vec<u8>>, p: &Party) -> EncResult {
    e.map(4)?;
    e.str("age")?.str(&p.age)?;
    e.str("name")?.str(&p.name)?;
    e.str("ed25519")?.bytes(&p.ed25519)?;
    e.str("installation")?.bytes(&p.installation)?;
    Ok(())
}

fn write_manifest(e: &mut Encoder<Vec<u8>>, m: &Manifest) -> EncResult {
    e.map(9)?;
    e.str("format")?.u64(m.format)?;
    // Keys in deterministic order (§4.1): shorter first, then bytewise.
    e.str("schema")?.map(6)?;
    e.str("app")?.str(&m.schema.app)?;
    e.str("graph")?.bytes(&m.schema.graph)?;
    e.str("profile")?.str(&m.schema.profile)?;
    e.str("version")?.u64(m.schema.version)?;
    e.str("fingerprint")?.bytes(&m.schema.fingerprint)?;
    e.str("profile_version")?.u64(m.schema.profile_version)?;
    e.str("sender")?;
    write_party(e, &m.sender)?;
    e.str("tables")?.array(m.tables.len() as u64)?;
    for t in &m.tables {
        e.map(2)?.str("name")?.str(&t.name)?.str("rows")?.u64(t.rows)?;
    }
    e.str("clients")?.array(m.clients.len() as u64)?;
    for c in &m.clients {
        e.bytes(c)?;
    }
    e.str("created")?.u64(m.created)?;
    e.str("entries")?.array(m.entries.len() as u64)?;
    for en in &m.entries {
        e.map(3)?.str("path")?.str(&en.path)?.str("size")?.u64(en.size)?.str("sha256")?.bytes(&en.sha256)?;
    }
    e.str("bundle_id")?.bytes(&m.bundle_id)?;
    e.str("recipient")?;
    write_party(e, &m.recipient)?;
    Ok(())
}

fn cbor_err(e: minicbor::decode::Error) -> FormatError {
    if e.is_end_of_input() {
        FormatError::Truncated { part: crate::Part::Manifest }
    } else {
        FormatError::manifest(fl!("format-manifest-invalid-cbor", error = e.to_string()))
    }
}

/// Reads a definite-length map head and requires exactly `n` pairs.
fn expect_map(d: &mut Decoder<'_>, n: u64, what: &str) -> Result<(), FormatError> {
    match d.map().map_err(cbor_err)? {
        Some(len) if len == n => Ok(()),
        Some(len) => Err(FormatError::manifest(fl!(
            "format-manifest-field-count",
            what = crate::term(what),
            found = len.to_string(),
            expected = n.to_string()
        ))),
        None => Err(FormatError::NonCanonical),
    }
}

/// Reads a definite-length array head, capped at `max` and at what the
/// remaining input could possibly hold, before anything is allocated.
fn expect_array(d: &mut Decoder<'_>, max: usize, min_item: usize, what: &'static str) -> Result<usize, FormatError> {
    let len = d.array().map_err(cbor_err)?.ok_or(FormatError::NonCanonical)?;
    if len > max as u64 {
        return Err(FormatError::Limit { what, value: len, limit: max as u64 });
    }
    let remaining = d.input().len().saturating_sub(d.position());
    if len.saturating_mul(min_item as u64) > remaining as u64 {
        return Err(FormatError::Truncated { part: crate::Part::Manifest });
    }
    Ok(len as usize)
}

fn expect_key(d: &mut Decoder<'_>, key: &str) -> Result<(), FormatError> {
    let found = d.str().map_err(cbor_err)?;
    if found != key {
        return Err(FormatError::manifest(fl!(
            "format-manifest-expected-field",
            expected = format!("{key:?}"),
            found = format!("{:?}", found.escape_debug().to_string())
        )));
    }
    Ok(())
}

fn read_fixed<const N: usize>(d: &mut Decoder<'_>, what: &str) -> Result<[u8; N], FormatError> {
    let b = d.bytes().map_err(cbor_err)?;
    b.try_into().map_err(|_| {
        FormatError::manifest(fl!(
            "format-manifest-fixed-size",
            what = crate::term(what),
            size = N.to_string(),
            found = b.len().to_string()
        ))
    })
}

fn read_text(d: &mut Decoder<'_>) -> Result<String, FormatError> {
    if d.datatype().map_err(cbor_err)? != Type::String {
        return Err(FormatError::manifest(fl!("format-manifest-expected-text")));
    }
    Ok(d.str().map_err(cbor_err)?.to_owned())
}

fn read_uint(d: &mut Decoder<'_>) -> Result<u64, FormatError> {
    match d.datatype().map_err(cbor_err)? {
        Type::U8 | Type::U16 | Type::U32 | Type::U64 => d.u64().map_err(cbor_err),
        other => Err(FormatError::manifest(fl!("format-manifest-expected-uint", found = other.to_string()))),
    }
}

fn read_party(d: &mut Decoder<'_>, what: &str) -> Result<Party, FormatError> {
    expect_map(d, 4, what)?;
    expect_key(d, "age")?;
    let age = read_text(d)?;
    expect_key(d, "name")?;
    let name = read_text(d)?;
    expect_key(d, "ed25519")?;
    let ed25519 = read_fixed(d, "ed25519 key")?;
    expect_key(d, "installation")?;
    let installation = read_fixed(d, "installation id")?;
    Ok(Party { installation, name, age, ed25519 })
}

fn read_manifest(d: &mut Decoder<'_>) -> Result<Manifest, FormatError> {
    // §8: the version comes first and is judged before the rest of the map,
    // so a newer layout is reported as a version mismatch, not as damage.
    let pairs = d.map().map_err(cbor_err)?.ok_or(FormatError::NonCanonical)?;
    expect_key(d, "format")?;
    let format = read_uint(d)?;
    if format != FORMAT_VERSION {
        return Err(FormatError::UnsupportedFormat { found: format, supported: FORMAT_VERSION });
    }
    if pairs != 9 {
        return Err(FormatError::manifest(fl!(
            "format-manifest-field-count",
            what = crate::term("manifest"),
            found = pairs.to_string(),
            expected = "9"
        )));
    }
    expect_key(d, "schema")?;
    expect_map(d, 6, "schema")?;
    expect_key(d, "app")?;
    let app = read_text(d)?;
    expect_key(d, "graph")?;
    let graph = read_fixed(d, "graph hash")?;
    expect_key(d, "profile")?;
    let profile = read_text(d)?;
    expect_key(d, "version")?;
    let version = read_uint(d)?;
    expect_key(d, "fingerprint")?;
    let fingerprint = read_fixed(d, "schema fingerprint")?;
    expect_key(d, "profile_version")?;
    let profile_version = read_uint(d)?;
    expect_key(d, "sender")?;
    let sender = read_party(d, "sender")?;
    expect_key(d, "tables")?;
    let n = expect_array(d, MAX_TABLES, 12, "table count")?;
    let mut tables = Vec::with_capacity(n);
    for _ in 0..n {
        expect_map(d, 2, "table count")?;
        expect_key(d, "name")?;
        let name = read_text(d)?;
        expect_key(d, "rows")?;
        let rows = read_uint(d)?;
        tables.push(TableCount { name, rows });
    }
    expect_key(d, "clients")?;
    let n = expect_array(d, MAX_CLIENTS, 17, "client count")?;
    let mut clients = Vec::with_capacity(n);
    for _ in 0..n {
        clients.push(read_fixed(d, "client id")?);
    }
    expect_key(d, "created")?;
    let created = read_uint(d)?;
    expect_key(d, "entries")?;
    let n = expect_array(d, MAX_ENTRIES, 52, "entry count")?;
    let mut entries = Vec::with_capacity(n);
    for _ in 0..n {
        expect_map(d, 3, "entry")?;
        expect_key(d, "path")?;
        let path = read_text(d)?;
        expect_key(d, "size")?;
        let size = read_uint(d)?;
        expect_key(d, "sha256")?;
        let sha256 = read_fixed(d, "entry hash")?;
        entries.push(Entry { path, size, sha256 });
    }
    expect_key(d, "bundle_id")?;
    let bundle_id = read_fixed(d, "bundle id")?;
    expect_key(d, "recipient")?;
    let recipient = read_party(d, "recipient")?;
    Ok(Manifest {
        format,
        schema: SchemaInfo { app, version, fingerprint, profile, profile_version, graph },
        sender,
        tables,
        clients,
        created,
        entries,
        bundle_id,
        recipient,
    })
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub(crate) fn sample() -> Manifest {
        Manifest {
            format: FORMAT_VERSION,
            schema: SchemaInfo {
                app: "0.1.0".into(),
                version: 1,
                fingerprint: [7; 32],
                profile: "bemx-reference".into(),
                profile_version: 1,
                graph: [10; 32],
            },
            sender: Party { installation: [1; 16], name: "Sender".into(), age: "age1sender".into(), ed25519: [2; 32] },
            tables: vec![TableCount { name: "clients".into(), rows: 2 }],
            clients: vec![[3; 16], [4; 16]],
            created: 1_700_000_000,
            entries: vec![Entry { path: "tables/000-clients.cbor".into(), size: 10, sha256: [5; 32] }],
            bundle_id: [6; 32],
            recipient: Party {
                installation: [8; 16],
                name: "Receiver".into(),
                age: "age1receiver".into(),
                ed25519: [9; 32],
            },
        }
    }

    #[test]
    fn round_trip_is_exact() {
        let m = sample();
        let bytes = m.encode().unwrap();
        assert_eq!(Manifest::decode(&bytes).unwrap(), m);
    }

    #[test]
    fn keys_follow_rfc8949_order() {
        // Shorter encoded keys first, then bytewise: the order write_manifest uses.
        let keys = ["format", "schema", "sender", "tables", "clients", "created", "entries", "bundle_id", "recipient"];
        let mut sorted = keys.to_vec();
        sorted.sort_by(|a, b| a.len().cmp(&b.len()).then(a.cmp(b)));
        assert_eq!(sorted, keys);
    }

    #[test]
    fn non_shortest_integer_is_refused() {
        let m = sample();
        let bytes = m.encode().unwrap();
        // "created" value 1_700_000_000 is a 4-byte uint (0x1a); re-encode it as 8 bytes (0x1b).
        let key = b"\x67created\x1a";
        let at = bytes.windows(key.len()).position(|w| w == key).unwrap() + key.len() - 1;
        let mut long = bytes[..at].to_vec();
        long.push(0x1b);
        long.extend_from_slice(&[0, 0, 0, 0]);
        long.extend_from_slice(&bytes[at + 1..]);
        assert!(matches!(Manifest::decode(&long), Err(FormatError::NonCanonical)));
    }

    #[test]
    fn newer_format_is_named() {
        let mut m = sample();
        m.format = FORMAT_VERSION + 1;
        let bytes = m.encode_unchecked();
        match Manifest::decode(&bytes) {
            Err(FormatError::UnsupportedFormat { found, supported: FORMAT_VERSION }) if found == FORMAT_VERSION + 1 => {
            }
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn duplicate_client_is_refused() {
        let mut m = sample();
        m.clients = vec![[3; 16], [3; 16]];
        assert!(matches!(m.encode(), Err(FormatError::Manifest { .. })));
    }

    /// Both sides of a §4.2 rule: the writer refuses to encode the
    /// manifest, and a reader refuses the same manifest encoded anyway.
    fn refused_both_ways(m: &Manifest) -> FormatError {
        let writer = m.encode().expect_err("the writer encoded a manifest §4.2 forbids");
        let reader = Manifest::decode(&m.encode_unchecked()).expect_err("the reader accepted it");
        assert_eq!(writer.to_string(), reader.to_string());
        reader
    }

    /// §4.2 "`sender.installation` differs from `recipient.installation`":
    /// a bundle from an installation to itself is no handover.
    #[test]
    fn sender_equal_to_recipient_is_refused() {
        let mut m = sample();
        m.recipient.installation = m.sender.installation;
        match refused_both_ways(&m) {
            FormatError::Manifest { detail } => assert!(detail.contains("same installation"), "{detail}"),
            other => panic!("{other:?}"),
        }
    }

    /// §4.2 "`clients` is non-empty": a bundle hands over at least one client.
    #[test]
    fn no_clients_is_refused() {
        let mut m = sample();
        m.clients.clear();
        match refused_both_ways(&m) {
            FormatError::Manifest { detail } => assert!(detail.contains("no clients"), "{detail}"),
            other => panic!("{other:?}"),
        }
    }

    /// The other §4.2 rules, each on its own, writer and reader alike.
    #[test]
    fn every_other_section_4_2_rule_is_enforced() {
        type Edit = fn(&mut Manifest);
        let cases: [(&str, Edit, &str); 13] = [
            ("clients not ascending", |m| m.clients.reverse(), "Manifest"),
            ("table name not an identifier", |m| m.tables[0].name = "client-list".into(), "Manifest"),
            ("profile name with a space", |m| m.schema.profile = "my profile".into(), "Manifest"),
            ("empty profile name", |m| m.schema.profile = String::new(), "Manifest"),
            ("table name longer than 64 bytes", |m| m.tables[0].name = "t".repeat(65), "Manifest"),
            ("table listed twice", |m| m.tables.push(m.tables[0].clone()), "Manifest"),
            ("entry path outside tables/ and blobs/", |m| m.entries[0].path = "notes/x".into(), "ForbiddenPath"),
            ("entry listed twice", |m| m.entries.push(m.entries[0].clone()), "Manifest"),
            ("entry size above MAX_ENTRY_SIZE", |m| m.entries[0].size = MAX_ENTRY_SIZE + 1, "Limit"),
            ("name with a control character", |m| m.sender.name = "Werk\u{1b}[2J".into(), "Manifest"),
            ("name longer than MAX_TEXT_LEN", |m| m.recipient.name = "n".repeat(MAX_TEXT_LEN + 1), "Manifest"),
            ("empty name", |m| m.sender.name.clear(), "Manifest"),
            ("age recipient not age1…", |m| m.recipient.age = "ssh-ed25519 AAAA".into(), "Manifest"),
        ];
        for (what, edit, want) in cases {
            let mut m = sample();
            edit(&mut m);
            let err = refused_both_ways(&m);
            let kind = match err {
                FormatError::Manifest { .. } => "Manifest",
                FormatError::Limit { .. } => "Limit",
                FormatError::ForbiddenPath { .. } => "ForbiddenPath",
                _ => "other",
            };
            assert_eq!(kind, want, "{what}: {err:?}");
        }
    }

    /// §4 "a missing, extra, renamed or reordered key, or a value of the
    /// wrong type or size", "trailing bytes", "indefinite lengths", and §6
    /// "lists are checked against their limit, and against the bytes
    /// remaining, before anything is allocated".
    #[test]
    fn encodings_other_than_the_one_are_refused() {
        let bytes = sample().encode().unwrap();
        let replace = |from: &[u8], to: &[u8]| {
            let at = bytes.windows(from.len()).position(|w| w == from).unwrap();
            let mut out = bytes[..at].to_vec();
            out.extend_from_slice(to);
            out.extend_from_slice(&bytes[at + from.len()..]);
            out
        };
        let mut trailing = bytes.clone();
        trailing.push(0);
        let mut indefinite = vec![0xbf];
        indefinite.extend_from_slice(&bytes[1..]);
        indefinite.push(0xff);
        let cases: Vec<(&str, Vec<u8>, &str)> = vec![
            ("trailing byte", trailing, "TrailingData"),
            ("indefinite-length map", indefinite, "NonCanonical"),
            ("renamed key", replace(b"\x67created", b"\x67updated"), "Manifest"),
            (
                "reordered keys",
                {
                    let schema_at = bytes.windows(7).position(|w| w == b"\x66schema").unwrap();
                    let sender_at = bytes.windows(7).position(|w| w == b"\x66sender").unwrap();
                    let tables_at = bytes.windows(7).position(|w| w == b"\x66tables").unwrap();
                    let mut out = bytes[..schema_at].to_vec();
                    out.extend_from_slice(&bytes[sender_at..tables_at]);
                    out.extend_from_slice(&bytes[schema_at..sender_at]);
                    out.extend_from_slice(&bytes[tables_at..]);
                    out
                },
                "Manifest",
            ),
            (
                "missing key",
                {
                    // "created" (key, 0x1a head, 4-byte value) removed, the map head says 8 pairs.
                    let at = bytes.windows(9).position(|w| w == b"\x67created\x1a").unwrap();
                    let mut out = bytes.clone();
                    out.drain(at..at + 13);
                    out[0] = 0xa8;
                    out
                },
                "Manifest",
            ),
            (
                "extra key",
                {
                    let mut out = bytes.clone();
                    out[0] = 0xaa;
                    out.extend_from_slice(b"\x65extra\x00");
                    out
                },
                "Manifest",
            ),
            ("wrong type", replace(b"\x67created\x1a", b"\x67created\x64"), "Manifest"),
            (
                "wrong size",
                replace(
                    &[0x69, b'b', b'u', b'n', b'd', b'l', b'e', b'_', b'i', b'd', 0x58, 0x20],
                    b"\x69bundle_id\x58\x1f",
                ),
                "Manifest",
            ),
            (
                "client list longer than MAX_CLIENTS",
                replace(b"\x67clients\x82", b"\x67clients\x9a\x00\x01\x86\xa1"),
                "Limit",
            ),
            (
                "client list longer than the bytes left",
                replace(b"\x67clients\x82", b"\x67clients\x99\x10\x00"),
                "Truncated",
            ),
        ];
        for (what, bad, want) in cases {
            assert_ne!(bad, bytes, "{what}: no change made");
            let err = Manifest::decode(&bad).expect_err(what);
            let kind = match err {
                FormatError::Manifest { .. } => "Manifest",
                FormatError::NonCanonical => "NonCanonical",
                FormatError::TrailingData { .. } => "TrailingData",
                FormatError::Truncated { .. } => "Truncated",
                FormatError::Limit { .. } => "Limit",
                _ => "other",
            };
            assert_eq!(kind, want, "{what}: {err:?}");
        }
    }

    /// A sample with `n` clients, ascending by construction.
    fn with_clients(n: usize) -> Manifest {
        let mut m = sample();
        m.clients = (0..n as u32)
            .map(|i| {
                let mut id = [0u8; 16];
                id[..4].copy_from_slice(&i.to_be_bytes());
                id
            })
            .collect();
        m
    }

    /// A sample with `n` tables and their `n` table entries.
    fn with_tables(n: usize) -> Manifest {
        let mut m = sample();
        m.tables = (0..n).map(|i| TableCount { name: format!("t{i}"), rows: 1 }).collect();
        m.entries =
            (0..n).map(|i| Entry { path: DataPath::table(i, &format!("t{i}")), size: 1, sha256: [0; 32] }).collect();
        m
    }

    /// §6 "A reader MUST reject any value above its limit": every list may
    /// be exactly as long as its limit, and not one longer — for the writer
    /// (validate) and for the reader (decode, which checks the length
    /// before it allocates).
    #[test]
    fn every_list_may_reach_its_limit_and_not_pass_it() {
        let limit_of = |e: FormatError| match e {
            FormatError::Limit { what, value, limit } => (what, value, limit),
            other => panic!("expected a limit, got {other:?}"),
        };

        let at = with_clients(MAX_CLIENTS);
        assert_eq!(Manifest::decode(&at.encode().unwrap()).unwrap().clients.len(), MAX_CLIENTS);
        let over = with_clients(MAX_CLIENTS + 1);
        assert_eq!(limit_of(over.validate().unwrap_err()), ("client count", 100_001, 100_000));
        assert_eq!(
            limit_of(Manifest::decode(&over.encode_unchecked()).unwrap_err()),
            ("client count", 100_001, 100_000)
        );

        let at = with_tables(MAX_TABLES);
        assert_eq!(Manifest::decode(&at.encode().unwrap()).unwrap().tables.len(), MAX_TABLES);
        let over = with_tables(MAX_TABLES + 1);
        assert_eq!(limit_of(over.validate().unwrap_err()), ("table count", 257, 256));
        assert_eq!(limit_of(Manifest::decode(&over.encode_unchecked()).unwrap_err()), ("table count", 257, 256));

        // MAX_ENTRIES documents: the list is checked before any entry is.
        let mut at = sample();
        at.entries.extend((0..MAX_ENTRIES as i64 - 1).map(|id| Entry {
            path: DataPath::blob("t", "c", id),
            size: 0,
            sha256: [0; 32],
        }));
        at.validate().unwrap();
        let mut over = at.clone();
        over.entries.push(Entry { path: DataPath::blob("t", "c", -1), size: 0, sha256: [0; 32] });
        assert_eq!(limit_of(over.validate().unwrap_err()), ("entry count", 200_001, 200_000));
        assert_eq!(
            limit_of(Manifest::decode(&over.encode_unchecked()).unwrap_err()),
            ("entry count", 200_001, 200_000)
        );
    }

    /// §4.2 "Table names and column names are identifiers
    /// `[a-z_][a-z0-9_]*` of at most 64 bytes".
    #[test]
    fn identifiers() {
        let longest = format!("_{}", "a9".repeat(31)) + "z";
        assert_eq!(longest.len(), 64);
        for good in ["a", "_", "_9", "clients", "cat_2", "InvoiceLine", "Customer", longest.as_str()] {
            assert!(is_identifier(good), "{good:?} refused");
        }
        let too_long = format!("{longest}a");
        for bad in ["", "9a", "a-b", "a b", "ä", "a.b", too_long.as_str()] {
            assert!(!is_identifier(bad), "{bad:?} accepted");
        }
    }

    /// §4.1 party "name": "display name, 1–256 bytes, no control
    /// characters" — 256 bytes are allowed (the rest is in
    /// `every_other_section_4_2_rule_is_enforced`).
    #[test]
    fn a_name_may_be_max_text_len_bytes() {
        let mut m = sample();
        m.sender.name = "ü".repeat(MAX_TEXT_LEN / 2);
        assert_eq!(m.sender.name.len(), MAX_TEXT_LEN);
        assert_eq!(Manifest::decode(&m.encode().unwrap()).unwrap(), m);
    }

    /// §4 "a missing, extra ... key": a nested map (a party, the schema, a
    /// table count, an entry) with a pair too many or too few is named as
    /// such, by its own field count, before any of its keys is read.
    #[test]
    fn a_nested_map_with_another_field_count_is_named() {
        let bytes = sample().encode().unwrap();
        for (head, want) in [(0xa5u8, "5 fields, expected 4"), (0xa3, "3 fields, expected 4")] {
            let key = b"\x66sender\xa4";
            let at = bytes.windows(key.len()).position(|w| w == key).unwrap() + key.len() - 1;
            let mut bad = bytes.clone();
            bad[at] = head;
            match Manifest::decode(&bad) {
                Err(FormatError::Manifest { detail }) => assert!(detail.contains(want), "{detail}"),
                other => panic!("{other:?}"),
            }
        }
    }

    /// §3: the two reserved names are never data entries, each refused as
    /// reserved; and a path with an empty component ("a//b", "a/") is
    /// refused as such by the rules for any entry path.
    #[test]
    fn reserved_names_and_empty_components() {
        for reserved in [MANIFEST_PATH, SIGNATURE_PATH] {
            match check_data_path(reserved) {
                Err(FormatError::ForbiddenPath { reason, .. }) => assert!(reason.contains("reserved"), "{reason}"),
                other => panic!("{reserved}: {other:?}"),
            }
        }
        for empty in ["a//b", "a/", "tables//x"] {
            match check_path(empty) {
                Err(FormatError::ForbiddenPath { reason, .. }) => assert_eq!(reason, "empty path component"),
                other => panic!("{empty}: {other:?}"),
            }
        }
    }

    /// §4 "lists are checked ... against the bytes remaining, before
    /// anything is allocated": a list is refused as truncated when even its
    /// smallest encoding (17 bytes a client id) cannot fit in what is left,
    /// and not when it just fits — then its items are read and judged.
    #[test]
    fn a_list_is_truncated_only_when_it_cannot_fit() {
        let bytes = sample().encode().unwrap();
        let key = b"\x67clients\x82";
        let head = bytes.windows(key.len()).position(|w| w == key).unwrap() + key.len() - 1;
        // Two client ids' worth of bytes left, the first id empty.
        let mut fits = bytes[..head].to_vec();
        fits.push(0x82);
        fits.push(0x40);
        fits.extend_from_slice(&[0; 33]);
        match Manifest::decode(&fits) {
            Err(FormatError::Manifest { detail }) => assert!(detail.contains("16"), "{detail}"),
            other => panic!("{other:?}"),
        }
        fits.pop();
        assert!(matches!(Manifest::decode(&fits), Err(FormatError::Truncated { part: crate::Part::Manifest })));
    }

    /// §4.2 "sizes are at most `MAX_ENTRY_SIZE`": the largest size a tar
    /// header can state is allowed, one more is not (the latter is in
    /// `every_other_section_4_2_rule_is_enforced`).
    #[test]
    fn an_entry_may_be_exactly_max_entry_size() {
        let mut m = sample();
        m.entries[0].size = MAX_ENTRY_SIZE;
        assert_eq!(Manifest::decode(&m.encode().unwrap()).unwrap().entries[0].size, MAX_ENTRY_SIZE);
    }

    /// The bundle id as the ledger records it and users see it: 64
    /// lowercase hex digits, and the payload as the space check counts it:
    /// the sum of the entry sizes, saturating rather than wrapping.
    #[test]
    fn bundle_id_hex_and_payload_size() {
        let mut m = sample();
        m.bundle_id[0] = 0xab;
        m.bundle_id[31] = 0x0f;
        let hex = m.bundle_id_hex();
        assert_eq!(hex.len(), 64);
        assert!(hex.starts_with("ab06") && hex.ends_with("060f"), "{hex}");
        m.entries.push(Entry { path: "blobs/t.c/1".into(), size: 32, sha256: [0; 32] });
        assert_eq!(m.payload_size(), 42);
        m.entries[1].size = u64::MAX;
        assert_eq!(m.payload_size(), u64::MAX);
    }

    /// §4 "larger than `MAX_MANIFEST_SIZE`": a manifest of exactly
    /// MAX_MANIFEST_SIZE bytes is read; one byte more is refused for its
    /// size, before it is parsed.
    #[test]
    fn a_manifest_may_be_exactly_max_manifest_size() {
        let max = MAX_MANIFEST_SIZE as usize;
        // Entries of 55 + path bytes each (paths of 24 to 99 bytes have a
        // two-byte text head): fill with 99-byte paths
        // "blobs/<table>.<column>/<id>" (a 64-byte table name and the column
        // that makes 99 bytes), then shorten the table names of the last
        // ones until the total is exact.
        let path = |table_len: usize, id: i64| {
            let digits = id.to_string().len();
            let column = "c".repeat(MAX_PATH_LEN - "blobs/./".len() - 64 - digits);
            DataPath::blob(&"t".repeat(table_len), &column, id)
        };
        let mut m = sample();
        let mut id = 0i64;
        let mut grow = (max - m.encode_unchecked().len()) / (55 + MAX_PATH_LEN) + 1;
        while grow > 0 {
            m.entries.extend((0..grow).map(|_| {
                id += 1;
                Entry { path: path(64, id), size: 0, sha256: [0; 32] }
            }));
            grow = if m.encode_unchecked().len() < max { 1 } else { 0 };
        }
        let mut excess = m.encode_unchecked().len() - max;
        for e in m.entries.iter_mut().rev() {
            if excess == 0 {
                break;
            }
            let Ok(DataPath::Blob { table, rowid, .. }) = DataPath::parse(&e.path) else { continue };
            // Never below 24 bytes, where the text head would shrink too.
            let cut = excess.min(table.len() - 1).min(e.path.len() - 24);
            e.path = path(table.len() - cut, rowid);
            excess -= cut;
        }
        let bytes = m.encode().unwrap();
        assert_eq!(bytes.len(), max);
        assert_eq!(Manifest::decode(&bytes).unwrap(), m);

        let mut over = bytes;
        over.push(0);
        match Manifest::decode(&over) {
            Err(FormatError::Limit { what: "manifest size", value, limit }) => {
                assert_eq!((value, limit), (MAX_MANIFEST_SIZE + 1, MAX_MANIFEST_SIZE));
            }
            other => panic!("{other:?}"),
        }
    }

    /// §4.2 (party): `age` is an age X25519 recipient, "age1" followed by
    /// lowercase letters and digits, at most 100 bytes.
    #[test]
    fn the_age_recipient_has_one_form() {
        let with_age = |age: &str| {
            let mut m = sample();
            m.recipient.age = age.to_string();
            m
        };
        let longest = format!("age1{}", "q".repeat(96));
        assert_eq!(longest.len(), 100);
        Manifest::decode(&with_age(&longest).encode().unwrap()).unwrap();
        Manifest::decode(&with_age("age1").encode().unwrap()).unwrap();
        for bad in [
            format!("{longest}q"),
            "age2qqqq".to_string(),
            "qqqqage1".to_string(),
            "age1QQQQ".to_string(),
            "age1qq-q".to_string(),
            "AGE1qqqq".to_string(),
        ] {
            match refused_both_ways(&with_age(&bad)) {
                FormatError::Manifest { detail } => assert!(detail.contains("age"), "{bad}: {detail}"),
                other => panic!("{bad}: {other:?}"),
            }
        }
    }

    #[test]
    fn path_rules() {
        let too_long = format!("tables/{}", "x".repeat(MAX_PATH_LEN - 6));
        for bad in [
            "../x",
            "/etc/x",
            "tables/../../x",
            "tables//x",
            "tables/X",
            "tables/a\\b",
            "tables/a b",
            "",
            "x/./y",
            "notes/x",
            "manifest.cbor",
            too_long.as_str(),
        ] {
            assert!(check_data_path(bad).is_err(), "{bad} accepted");
        }
        // The longest path the grammar allows still fits: a 64-byte table,
        // a 26-byte column and a one-digit row id make exactly 99 bytes.
        let longest = format!("blobs/{}.{}/1", "t".repeat(64), "c".repeat(26));
        assert_eq!(longest.len(), MAX_PATH_LEN);
        check_data_path(&longest).unwrap();
        assert!(check_data_path(&format!("blobs/{}.{}/12", "t".repeat(64), "c".repeat(26))).is_err());
        for good in ["tables/000-clients.cbor", "blobs/documents.content/17"] {
            check_data_path(good).unwrap();
        }
    }

    #[test]
    fn truncated_input_never_panics() {
        let bytes = sample().encode().unwrap();
        for cut in 0..bytes.len() {
            assert!(Manifest::decode(&bytes[..cut]).is_err());
        }
    }

    proptest::proptest! {
        #[test]
        fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(proptest::num::u8::ANY, 0..512)) {
            let _ = Manifest::decode(&bytes);
        }

        #[test]
        fn flipped_bytes_never_decode_to_the_same(pos in 0usize..400, bit in 0u8..8) {
            let bytes = sample().encode().unwrap();
            let pos = pos % bytes.len();
            let mut flipped = bytes.clone();
            flipped[pos] ^= 1 << bit;
            if let Ok(m) = Manifest::decode(&flipped) {
                proptest::prop_assert_ne!(m, sample());
            }
        }
    }
}
