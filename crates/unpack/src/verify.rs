//! Whole-bundle checks built on the reader: `verify`, `inspect`, and the
//! decryption-free entry point the fuzzer and the corpus replay use.

use std::fs::File;
use std::io::{self, BufReader, Read};
use std::path::Path;

use bemx_format::age_header::read_header;
use bemx_format::{FormatError, Part};

use crate::error::UnpackError;
use crate::reader::{BundleReader, Checked, Finished, Recipient, SenderTrust, TrustStore, VerifiedBundle};
use crate::walk::{Document, EntryVisitor, Rows, walk, walk_checked};

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
    let mut reader = BundleReader::open(file, me, trust, require_trusted)?;
    // As import reads: the thread hashes the entries that begin while the
    // reads are behind it (the rows' checks keep them busy), the reads the
    // others. Without a thread to be had, the reads do all as they go:
    // slower, the same checks.
    let _ = reader.read_and_hash_ahead();
    verify_opened(reader)
}

/// [`verify_file`] over any reader.
pub fn verify_reader<R: Read>(
    input: R,
    me: Recipient<'_>,
    trust: &dyn TrustStore,
    require_trusted: bool,
) -> Result<VerifiedBundle, UnpackError> {
    verify_opened(BundleReader::open(input, me, trust, require_trusted)?)
}

fn verify_opened<R: Read>(mut reader: BundleReader<R>) -> Result<VerifiedBundle, UnpackError> {
    let tables = walk(&mut reader, &mut WalkOnly)?;
    let mut verified = reader.finish()?;
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
    let tables = walk_checked(&mut checked, &mut WalkOnly)?;
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
    Ok(VerifiedBundle { manifest, manifest_bytes, sender_trust: SenderTrust::Untrusted, entries, data_bytes, tables })
}

/// Looks at nothing: [`walk_checked`] itself validates every row the
/// visitor leaves (without allocating it) and drains every document through
/// the hash, so verifying needs no more than the walk.
struct WalkOnly;

impl EntryVisitor for WalkOnly {
    type Error = UnpackError;

    fn table(&mut self, _: &mut Rows<'_>) -> Result<(), UnpackError> {
        Ok(())
    }

    fn document(&mut self, _: &Document<'_>, _: &mut dyn Read) -> Result<(), UnpackError> {
        Ok(())
    }
}
