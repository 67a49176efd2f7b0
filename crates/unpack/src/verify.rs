//! Whole-bundle checks built on the reader: `verify`, `inspect`, and the
//! decryption-free entry point the fuzzer and the corpus replay use.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{self, BufReader, Read};
use std::path::Path;

use bemx_format::age_header::read_header;
use bemx_format::rows::RowReader;
use bemx_format::{FormatError, Part, TABLES_PREFIX};

use crate::error::UnpackError;
use crate::reader::{BundleReader, Checked, EntryReader, Finished, Recipient, SenderTrust, TrustStore, VerifiedBundle};

/// Rows found in one table entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableRows {
    /// The entry path.
    pub path: String,
    /// The table name from the entry's header.
    pub table: String,
    /// Number of rows decoded.
    pub rows: u64,
}

/// What a file shows without any key (`bemx inspect`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeaderInfo {
    /// File size in bytes.
    pub file_size: u64,
    /// Whether the file starts with an age v1 header.
    pub is_age: bool,
    /// Stanza types in header order (empty when not age).
    pub stanza_types: Vec<String>,
    /// Number of recipient stanzas (GREASE stanzas not counted).
    pub recipients: usize,
    /// Whether the header has the shape of a bundle: exactly one X25519 recipient.
    pub bundle_shaped: bool,
    /// Length of the age header in bytes (0 when not age).
    pub header_len: usize,
}

/// Reads a file's age header without any key: whether it is age at all,
/// which recipient stanzas it has, and its size. Decrypts nothing.
pub fn inspect_header(path: &Path) -> Result<HeaderInfo, UnpackError> {
    let file = File::open(path).map_err(UnpackError::Io)?;
    let file_size = file.metadata().map_err(UnpackError::Io)?.len();
    let mut input = BufReader::new(file);
    match read_header(&mut input) {
        Ok((header, _)) => {
            let recipients = header.recipients().count();
            let bundle_shaped = header.check_bundle_recipients().is_ok();
            Ok(HeaderInfo {
                file_size,
                is_age: true,
                stanza_types: header.stanza_types,
                recipients,
                bundle_shaped,
                header_len: header.len,
            })
        }
        Err(FormatError::NotABundle) => Ok(HeaderInfo {
            file_size,
            is_age: false,
            stanza_types: Vec::new(),
            recipients: 0,
            bundle_shaped: false,
            header_len: 0,
        }),
        Err(e) => Err(e.into()),
    }
}

/// The full streaming check of `bemx verify`: opens the bundle at `path`,
/// reads every entry (decoding table entries and checking their row counts
/// against the manifest), and finishes every layer. Writes nothing.
pub fn verify_file(
    path: &Path,
    me: Recipient<'_>,
    trust: &dyn TrustStore,
    require_trusted: bool,
) -> Result<VerifiedBundle, UnpackError> {
    let file = File::open(path).map_err(UnpackError::Io)?;
    verify_reader(file, me, trust, require_trusted)
}

/// [`verify_file`] over any reader.
pub fn verify_reader<R: Read>(
    input: R,
    me: Recipient<'_>,
    trust: &dyn TrustStore,
    require_trusted: bool,
) -> Result<VerifiedBundle, UnpackError> {
    let mut reader = BundleReader::open(input, me, trust, require_trusted)?;
    let tables = read_all_entries(reader.checked_mut())?;
    let mut verified = reader.finish()?;
    check_row_counts(&verified.manifest, &tables)?;
    verified.tables = tables;
    Ok(verified)
}

/// Runs every check that follows decryption — manifest first, signature,
/// entry paths, order, sizes, hashes, row encoding and counts, the end
/// marker and nothing after it — over an already decrypted and decompressed
/// archive stream. The recipient and the signer's trust are *not* checked
/// (no identity is involved). For the fuzzer and the corpus replay; a
/// bundle from a file goes through [`BundleReader`].
#[doc(hidden)]
pub fn read_plain_archive<R: Read>(archive: R) -> Result<VerifiedBundle, UnpackError> {
    let mut checked = Checked::open(archive, None)?;
    let tables = read_all_entries(&mut checked)?;
    let Finished { mut stream, manifest, manifest_bytes, entries, data_bytes } = checked.finish()?;
    let mut probe = [0u8; 1];
    let extra = loop {
        match stream.read(&mut probe) {
            Ok(n) => break n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(UnpackError::from_io(e, Part::Archive)),
        }
    };
    if extra != 0 {
        return Err(UnpackError::TrailingData { part: Part::Archive });
    }
    check_row_counts(&manifest, &tables)?;
    Ok(VerifiedBundle { manifest, manifest_bytes, sender_trust: SenderTrust::Untrusted, entries, data_bytes, tables })
}

/// Keeps the first error an entry read raised, so that a row decoder that
/// sees only `io::Error`s cannot turn a hash mismatch into "malformed rows".
struct Stash<'a, 'b> {
    entry: &'b mut EntryReader<'a>,
    error: Option<UnpackError>,
}

impl Read for Stash<'_, '_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self.entry.read(buf) {
            Ok(n) => Ok(n),
            Err(e) if e.kind() == io::ErrorKind::Interrupted => Err(e),
            Err(e) => {
                let part = Part::Entry(self.entry.path().to_string());
                let err = UnpackError::from_io(e, part);
                let msg = err.to_string();
                self.error.get_or_insert(err);
                Err(io::Error::other(msg))
            }
        }
    }
}

/// §3: a table entry's path is `tables/NNN-<table>.cbor`, NNN the
/// zero-padded index of the table in the manifest's `tables` list.
fn table_entry_path(path: &str) -> Option<(usize, &str)> {
    let rest = path.strip_prefix(TABLES_PREFIX)?.strip_suffix(".cbor")?;
    let (index, name) = rest.split_once('-')?;
    if index.len() != 3 || !index.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some((index.parse().ok()?, name))
}

fn read_all_entries<S: Read>(checked: &mut Checked<S>) -> Result<Vec<TableRows>, UnpackError> {
    let listed: Vec<String> = checked.manifest().tables.iter().map(|t| t.name.clone()).collect();
    let mut tables = Vec::new();
    let mut buf = vec![0u8; 64 * 1024];
    while let Some(mut entry) = checked.next_entry_reader()? {
        let path = entry.path().to_string();
        if path.starts_with(TABLES_PREFIX) {
            // §3 and §7: "a table entry … whose name is not the table the
            // path names" is refused; the path is signed, so it is checked
            // against the manifest before the entry is read, and the
            // entry's own header against the path after.
            let name = match table_entry_path(&path) {
                Some((index, name)) if index == tables.len() && listed.get(index).is_some_and(|l| l == name) => {
                    name.to_string()
                }
                _ => {
                    return Err(UnpackError::BadRows {
                        detail: format!(
                            "entry {path} is not named tables/{:03}-<table>.cbor after table {} of the manifest",
                            tables.len(),
                            tables.len()
                        ),
                    });
                }
            };
            let mut stash = Stash { entry: &mut entry, error: None };
            let decoded = count_rows(BufReader::new(&mut stash));
            if let Some(e) = stash.error.take() {
                return Err(e);
            }
            match decoded {
                Ok((table, _)) if table != name => {
                    entry.finish()?;
                    return Err(UnpackError::BadRows {
                        detail: format!("entry {path} holds table {table:?}, not the table its path names"),
                    });
                }
                Ok((table, rows)) => tables.push(TableRows { path, table, rows }),
                Err(rows_error) => {
                    // The hash is authoritative: a tampered entry is reported
                    // as such, not as the malformed rows it may also contain.
                    entry.finish()?;
                    return Err(rows_error.into());
                }
            }
        } else {
            loop {
                let n = match entry.read(&mut buf) {
                    Ok(n) => n,
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                    Err(e) => return Err(UnpackError::from_io(e, Part::Entry(path))),
                };
                if n == 0 {
                    break;
                }
            }
        }
    }
    if tables.len() != listed.len() {
        return Err(UnpackError::BadRows {
            detail: format!(
                "the manifest lists {} tables, the bundle holds {} table entries",
                listed.len(),
                tables.len()
            ),
        });
    }
    Ok(tables)
}

fn count_rows<R: Read>(input: R) -> Result<(String, u64), FormatError> {
    let mut rows = RowReader::new(input)?;
    let mut n = 0u64;
    // Validated like next_row, but without allocating each value.
    let mut scratch = Vec::new();
    while rows.skip_row(&mut scratch)? {
        n += 1;
    }
    Ok((rows.header().name.clone(), n))
}

/// Every table entry's rows add up to the manifest's count for its table,
/// and every table entry belongs to a table the manifest lists.
fn check_row_counts(manifest: &bemx_format::Manifest, tables: &[TableRows]) -> Result<(), UnpackError> {
    let mut found: BTreeMap<&str, u64> = BTreeMap::new();
    for t in tables {
        if !manifest.tables.iter().any(|m| m.name == t.table) {
            return Err(UnpackError::BadRows {
                detail: format!("entry {} holds table {:?}, which the manifest does not list", t.path, t.table),
            });
        }
        *found.entry(t.table.as_str()).or_default() += t.rows;
    }
    for m in &manifest.tables {
        let rows = found.get(m.name.as_str()).copied().unwrap_or(0);
        if rows != m.rows {
            return Err(UnpackError::RowCountMismatch { table: m.name.clone(), manifest: m.rows, found: rows });
        }
    }
    Ok(())
}
