//! The streaming bundle reader.

use std::io::{self, Read};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use bemx_format::layers::{PayloadReader, open_payload};
use bemx_format::signature::{SIGNATURE_LEN, open_signed_manifest};
pub use bemx_format::trust::{SenderTrust, TrustStore};
use bemx_format::ustar::ArchiveReader;
use bemx_format::{MANIFEST_PATH, MAX_MANIFEST_SIZE, Manifest, Part, SIGNATURE_PATH};
use sha2::{Digest, Sha256};

use crate::error::UnpackError;
use crate::i18n::fl;

/// The receiving installation: the age identity that opens the bundle and
/// the installation id the manifest must name.
#[derive(Clone, Copy)]
pub struct Recipient<'a> {
    /// This installation's age X25519 identity.
    pub identity: &'a age::x25519::Identity,
    /// This installation's id.
    pub installation_id: [u8; 16],
}

impl std::fmt::Debug for Recipient<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Recipient")
            .field("recipient", &self.identity.to_public().to_string())
            .field("installation_id", &hex::encode(self.installation_id))
            .finish()
    }
}

/// A bundle that has been read to its end and verified in every layer.
#[derive(Debug, Clone)]
pub struct VerifiedBundle {
    /// The signed manifest.
    pub manifest: Manifest,
    /// The exact manifest bytes the signature covers.
    pub manifest_bytes: Vec<u8>,
    /// What the trust store said about the signer.
    pub sender_trust: SenderTrust,
    /// Number of data entries read and verified.
    pub entries: usize,
    /// Total bytes of the data entries.
    pub data_bytes: u64,
    /// Row counts per table entry, when rows were decoded ([`crate::verify_file`]
    /// does; [`BundleReader::finish`] leaves this empty for the caller that
    /// decodes rows itself).
    pub tables: Vec<crate::TableRows>,
}

/// Sets a flag once the wrapped input has reported its end: an age chunk
/// that fails to authenticate after that is the file's last one, which a
/// truncated copy and a damaged end cannot be told apart in.
pub(crate) struct EofFlag<R> {
    inner: R,
    eof: Arc<AtomicBool>,
}

impl<R: Read> Read for EofFlag<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        if n == 0 && !buf.is_empty() {
            self.eof.store(true, Ordering::Relaxed);
        }
        Ok(n)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    Entries,
    Ended,
    Failed,
}

struct Current {
    index: usize,
    /// Stream offset of the entry's data.
    start: u64,
    remaining: u64,
    /// Fed by the reads unless the stream hashes ahead (`Checked::hashes`).
    hasher: Sha256,
    ahead: bool,
    verified: bool,
}

/// How a stream that hashes ahead says which entries it leaves to the
/// reads and hands out the SHA-256 of the others, each by its data's
/// stream offset and size.
struct HashesAhead<S> {
    left_to_reads: fn(&mut S, u64, u64) -> bool,
    take: fn(&mut S, u64, u64) -> Option<[u8; 32]>,
}

impl<S> Clone for HashesAhead<S> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<S> Copy for HashesAhead<S> {}

/// The manifest and entry checks over a decrypted, decompressed archive
/// stream, shared by [`BundleReader`] and [`crate::read_plain_archive`].
pub(crate) struct Checked<S: Read> {
    archive: ArchiveReader<S>,
    manifest: Manifest,
    manifest_bytes: Vec<u8>,
    next: usize,
    current: Option<Current>,
    state: State,
    data_bytes: u64,
    eof: Option<Arc<AtomicBool>>,
    /// Set once the stream may hash the later entries itself.
    hashes: Option<HashesAhead<S>>,
    /// Entries it hashed.
    hashed_ahead: u64,
}

fn classify_with(eof: Option<&Arc<AtomicBool>>, e: UnpackError) -> UnpackError {
    match e {
        UnpackError::Damaged { part: Part::AgePayload, .. } if eof.is_some_and(|f| f.load(Ordering::Relaxed)) => {
            UnpackError::Truncated { part: Part::AgePayload }
        }
        other => other,
    }
}

fn read_exact_entry<S: Read>(archive: &mut ArchiveReader<S>, size: u64, part: Part) -> Result<Vec<u8>, UnpackError> {
    // `size` is capped by the caller; still, grow with the data rather than trusting it.
    let mut bytes = Vec::new();
    let got = archive.by_ref().take(size).read_to_end(&mut bytes).map_err(|e| UnpackError::from_io(e, part.clone()))?;
    if got as u64 != size {
        return Err(UnpackError::Truncated { part });
    }
    Ok(bytes)
}

impl<S: Read> Checked<S> {
    /// Reads manifest and signature and verifies the signature.
    pub(crate) fn open(stream: S, eof: Option<Arc<AtomicBool>>) -> Result<Self, UnpackError> {
        Self::open_inner(stream, eof.clone()).map_err(|e| classify_with(eof.as_ref(), e))
    }

    fn open_inner(stream: S, eof: Option<Arc<AtomicBool>>) -> Result<Self, UnpackError> {
        let mut archive = ArchiveReader::new(stream);
        let Some(header) = archive.next_entry(u64::MAX)? else {
            return Err(UnpackError::ManifestMissing { found: fl!("unpack-empty-archive") });
        };
        if header.path != MANIFEST_PATH {
            return Err(UnpackError::ManifestMissing {
                found: fl!("unpack-first-entry", path = format!("{:?}", header.path)),
            });
        }
        if header.size > MAX_MANIFEST_SIZE {
            return Err(UnpackError::Limit { what: "manifest size", value: header.size, limit: MAX_MANIFEST_SIZE });
        }
        let manifest_bytes = read_exact_entry(&mut archive, header.size, Part::Manifest)?;
        let Some(sig_header) = archive.next_entry(u64::MAX)? else {
            return Err(UnpackError::BadManifest { detail: fl!("unpack-signature-missing") });
        };
        if sig_header.path != SIGNATURE_PATH {
            return Err(UnpackError::BadManifest {
                detail: fl!("unpack-second-entry", expected = SIGNATURE_PATH, found = format!("{:?}", sig_header.path)),
            });
        }
        if sig_header.size != SIGNATURE_LEN as u64 {
            return Err(UnpackError::BadSignature);
        }
        let signature = read_exact_entry(&mut archive, sig_header.size, Part::Signature)?;
        let manifest = open_signed_manifest(&manifest_bytes, &signature)?;
        Ok(Self {
            archive,
            manifest,
            manifest_bytes,
            next: 0,
            current: None,
            state: State::Entries,
            data_bytes: 0,
            eof,
            hashes: None,
            hashed_ahead: 0,
        })
    }

    pub(crate) fn manifest(&self) -> &Manifest {
        &self.manifest
    }

    pub(crate) fn manifest_bytes(&self) -> &[u8] {
        &self.manifest_bytes
    }

    fn fail(&mut self, e: UnpackError) -> UnpackError {
        if !matches!(e, UnpackError::AlreadyFailed) {
            self.state = State::Failed;
        }
        classify_with(self.eof.as_ref(), e)
    }

    fn current_path(&self) -> String {
        self.current.as_ref().map(|c| self.manifest.entries[c.index].path.clone()).unwrap_or_default()
    }

    fn verify_current(&mut self) -> Result<(), UnpackError> {
        let Some(cur) = self.current.as_mut() else { return Ok(()) };
        if cur.verified {
            return Ok(());
        }
        let entry = &self.manifest.entries[cur.index];
        let digest: [u8; 32] = match self.hashes.filter(|_| cur.ahead) {
            // The thread hashed the bytes from the entry's first offset on,
            // as many as the header says, which are the ones read here.
            Some(h) => (h.take)(self.archive.get_mut(), cur.start, entry.size).ok_or_else(|| {
                UnpackError::Io(io::Error::other("the bundle's decompressing thread did not hash an entry"))
            })?,
            None => std::mem::take(&mut cur.hasher).finalize().into(),
        };
        if digest != entry.sha256 {
            return Err(UnpackError::HashMismatch { path: entry.path.clone() });
        }
        cur.verified = true;
        self.data_bytes = self.data_bytes.saturating_add(entry.size);
        Ok(())
    }

    /// Advances to the next data entry; `Some(index)` into the manifest's entries.
    pub(crate) fn next_entry(&mut self) -> Result<Option<usize>, UnpackError> {
        match self.state {
            State::Failed => return Err(UnpackError::AlreadyFailed),
            State::Ended => return Ok(None),
            State::Entries => {}
        }
        self.next_entry_inner().map_err(|e| self.fail(e))
    }

    fn next_entry_inner(&mut self) -> Result<Option<usize>, UnpackError> {
        if let Some(cur) = &self.current {
            if cur.remaining != 0 {
                return Err(UnpackError::EntryNotFinished { path: self.current_path() });
            }
            self.verify_current()?;
        }
        self.current = None;
        let header = self.archive.next_entry(u64::MAX)?;
        let entries = &self.manifest.entries;
        let Some(header) = header else {
            return match entries.get(self.next) {
                Some(missing) => Err(UnpackError::MissingEntry { path: missing.path.clone() }),
                None => {
                    self.state = State::Ended;
                    Ok(None)
                }
            };
        };
        let found = header.path;
        let expected = entries.get(self.next);
        if expected.is_none_or(|e| e.path != found) {
            let seen = found == MANIFEST_PATH
                || found == SIGNATURE_PATH
                || entries[..self.next.min(entries.len())].iter().any(|e| e.path == found);
            if seen {
                return Err(UnpackError::DuplicateEntry { path: found });
            }
            return match expected {
                Some(e) if entries[self.next + 1..].iter().any(|later| later.path == found) => {
                    Err(UnpackError::OutOfOrder { expected: e.path.clone(), found })
                }
                _ => Err(UnpackError::ExtraEntry { path: found }),
            };
        }
        let index = self.next;
        let entry = &entries[index];
        if header.size != entry.size {
            return Err(UnpackError::SizeMismatch { path: found, manifest: entry.size, archive: header.size });
        }
        let start = self.archive.position();
        let ahead = self.hashes.is_some_and(|h| !(h.left_to_reads)(self.archive.get_mut(), start, entry.size));
        self.hashed_ahead += u64::from(ahead);
        self.current =
            Some(Current { index, start, remaining: entry.size, hasher: Sha256::new(), ahead, verified: false });
        self.next += 1;
        Ok(Some(index))
    }

    fn read_entry(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.state == State::Failed {
            return Err(UnpackError::AlreadyFailed.into_io());
        }
        match self.read_entry_inner(buf) {
            Ok(n) => Ok(n),
            Err(e) if e.kind() == io::ErrorKind::Interrupted => Err(e),
            Err(e) => {
                let part = Part::Entry(self.current_path());
                let err = UnpackError::from_io(e, part);
                Err(self.fail(err).into_io())
            }
        }
    }

    fn read_entry_inner(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let Some(cur) = self.current.as_mut() else { return Ok(0) };
        if cur.remaining == 0 {
            self.verify_current().map_err(UnpackError::into_io)?;
            return Ok(0);
        }
        if buf.is_empty() {
            return Ok(0);
        }
        let want = buf.len().min(usize::try_from(cur.remaining).unwrap_or(usize::MAX));
        let n = self.archive.read(&mut buf[..want])?;
        if n == 0 {
            return Err(io::Error::new(io::ErrorKind::UnexpectedEof, fl!("unpack-entry-ends-early")));
        }
        if !cur.ahead {
            cur.hasher.update(&buf[..n]);
        }
        cur.remaining -= n as u64;
        if cur.remaining == 0 {
            self.verify_current().map_err(UnpackError::into_io)?;
        }
        Ok(n)
    }

    fn finish_entries(&mut self) -> Result<(), UnpackError> {
        match self.state {
            State::Failed => return Err(UnpackError::AlreadyFailed),
            State::Ended => return Ok(()),
            State::Entries => {}
        }
        let unfinished = self.current.as_ref().is_some_and(|c| c.remaining != 0);
        if unfinished {
            let path = self.current_path();
            return Err(self.fail(UnpackError::EntryNotFinished { path }));
        }
        // Read the next header: after the last listed entry it must be the
        // end marker (anything else is an extra entry); before it, the archive
        // is either short (a missing entry) or the caller stopped asking for
        // entries, which is a program error.
        match self.next_entry()? {
            None => Ok(()),
            Some(i) => {
                let path = self.manifest.entries[i].path.clone();
                Err(self.fail(UnpackError::EntryNotFinished { path }))
            }
        }
    }

    /// Checks the end of the archive and hands back what was verified and
    /// the stream positioned after the end marker.
    pub(crate) fn finish(mut self) -> Result<Finished<S>, UnpackError> {
        self.finish_entries()?;
        let entries = self.manifest.entries.len();
        let data_bytes = self.data_bytes;
        let Checked { archive, manifest, manifest_bytes, .. } = self;
        Ok(Finished { stream: archive.into_inner(), manifest, manifest_bytes, entries, data_bytes })
    }

    /// [`Checked::next_entry`] with a reader over the entry.
    pub(crate) fn next_entry_reader(&mut self) -> Result<Option<EntryReader<'_>>, UnpackError> {
        match self.next_entry()? {
            Some(index) => Ok(Some(EntryReader { source: self, index })),
            None => Ok(None),
        }
    }

    pub(crate) fn eof_flag(&self) -> Option<&Arc<AtomicBool>> {
        self.eof.as_ref()
    }
}

impl<R: Read + Send + 'static> Checked<PayloadReader<R>> {
    /// The stream reads ahead on a thread of its own; with `hash`, and
    /// where this is between two entries, that thread may hash any later
    /// entry too (those that begin while the reads are behind it).
    fn read_ahead(&mut self, hash: bool) -> io::Result<()> {
        match self.archive.boundary().filter(|_| hash) {
            Some((at, padding)) => {
                let stream = self.archive.get_mut();
                stream.read_and_hash_ahead(at, padding)?;
                if stream.hashes_ahead() {
                    self.hashes = Some(HashesAhead {
                        left_to_reads: |s, start, size| s.entry_left_to_reads(start, size),
                        take: |s, start, size| s.take_entry_sha256(start, size),
                    });
                }
                Ok(())
            }
            None => self.archive.get_mut().read_ahead(),
        }
    }
}

/// What [`Checked::finish`] hands back.
pub(crate) struct Finished<S> {
    pub(crate) stream: S,
    pub(crate) manifest: Manifest,
    pub(crate) manifest_bytes: Vec<u8>,
    pub(crate) entries: usize,
    pub(crate) data_bytes: u64,
}

/// The entry source an [`EntryReader`] reads from, with the stream type erased.
trait EntrySource {
    fn read_entry(&mut self, buf: &mut [u8]) -> io::Result<usize>;
    fn entry(&self, index: usize) -> &bemx_format::Entry;
}

impl<S: Read> EntrySource for Checked<S> {
    fn read_entry(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        Checked::read_entry(self, buf)
    }

    fn entry(&self, index: usize) -> &bemx_format::Entry {
        &self.manifest.entries[index]
    }
}

/// One data entry being streamed. Yields exactly the entry's bytes; the read
/// that delivers the last byte checks the SHA-256 against the manifest and
/// fails with [`UnpackError::HashMismatch`] (inside the `io::Error`, see
/// [`UnpackError::from_io`]) instead of returning it. Read it to its end (or
/// call [`EntryReader::finish`]) before asking for the next entry.
pub struct EntryReader<'a> {
    source: &'a mut dyn EntrySource,
    index: usize,
}

impl std::fmt::Debug for EntryReader<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EntryReader").field("path", &self.path()).field("size", &self.size()).finish()
    }
}

impl EntryReader<'_> {
    /// The entry's path (never to be used as a filesystem path).
    pub fn path(&self) -> &str {
        &self.source.entry(self.index).path
    }

    /// The entry's exact size, as the manifest and the archive agree.
    pub fn size(&self) -> u64 {
        self.source.entry(self.index).size
    }

    /// The entry's position among the manifest's data entries.
    pub fn index(&self) -> usize {
        self.index
    }

    /// The SHA-256 the signed manifest gives for the entry.
    pub fn sha256(&self) -> [u8; 32] {
        self.source.entry(self.index).sha256
    }

    /// Reads the rest of the entry into nothing and checks its hash.
    pub fn finish(mut self) -> Result<(), UnpackError> {
        let part = Part::Entry(self.path().to_string());
        io::copy(&mut self, &mut io::sink()).map_err(|e| UnpackError::from_io(e, part))?;
        Ok(())
    }
}

impl Read for EntryReader<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.source.read_entry(buf)
    }
}

/// Streams and verifies one bundle. See the crate documentation for the
/// order of checks.
pub struct BundleReader<R: Read> {
    inner: Checked<PayloadReader<EofFlag<R>>>,
    trust: SenderTrust,
}

impl<R: Read> std::fmt::Debug for BundleReader<R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BundleReader")
            .field("bundle_id", &self.inner.manifest().bundle_id_hex())
            .field("sender_trust", &self.trust)
            .finish_non_exhaustive()
    }
}

impl<R: Read> BundleReader<R> {
    /// Opens a bundle: age header → decryption with `me.identity` → manifest
    /// (first entry, size capped before buffering) → signature (second
    /// entry, 64 bytes) verified over the exact manifest bytes → the
    /// manifest's recipient must be `me` (installation id and age key), else
    /// [`UnpackError::RecipientMismatch`] → the signer's trust, refused
    /// unless [`SenderTrust::Trusted`] when `require_trusted`.
    ///
    /// Reads only the stream's prefix up to the end of the signature entry
    /// (plus read-ahead buffers of a few hundred KiB), however large the
    /// bundle.
    pub fn open(
        input: R,
        me: Recipient<'_>,
        trust: &dyn TrustStore,
        require_trusted: bool,
    ) -> Result<Self, UnpackError> {
        let eof = Arc::new(AtomicBool::new(false));
        let tracked = EofFlag { inner: input, eof: Arc::clone(&eof) };
        let (_header, payload) =
            open_payload(tracked, me.identity).map_err(|e| classify_with(Some(&eof), UnpackError::from(e)))?;
        let inner = Checked::open(payload, Some(eof))?;
        let manifest = inner.manifest();
        let ours = me.identity.to_public().to_string();
        if manifest.recipient.installation != me.installation_id || manifest.recipient.age != ours {
            return Err(UnpackError::RecipientMismatch {
                named_name: manifest.recipient.name.clone(),
                named: installation_id(&manifest.recipient.installation),
                this: installation_id(&me.installation_id),
            });
        }
        let verdict = trust.sender_trust(&manifest.sender);
        if require_trusted {
            match &verdict {
                SenderTrust::Trusted { .. } => {}
                SenderTrust::KeyChanged { name } => {
                    return Err(UnpackError::SenderKeyChanged { name: name.clone() });
                }
                SenderTrust::ClaimsDiffer { name, fields } => {
                    return Err(UnpackError::SenderClaimsDiffer { name: name.clone(), fields });
                }
                // Untrusted, and any verdict a later version adds: only
                // Trusted passes.
                _ => return Err(UnpackError::UntrustedSender { name: manifest.sender.name.clone() }),
            }
        }
        Ok(Self { inner, trust: verdict })
    }

    /// The signed manifest (signature verified, recipient checked; entries not yet).
    pub fn manifest(&self) -> &Manifest {
        self.inner.manifest()
    }

    /// The exact manifest bytes the signature covers.
    pub fn manifest_bytes(&self) -> &[u8] {
        self.inner.manifest_bytes()
    }

    /// What the trust store said about the signer.
    pub fn sender_trust(&self) -> &SenderTrust {
        &self.trust
    }

    /// The next data entry, checked against the manifest: its exact path in
    /// manifest order, its header size equal to the manifest's (before any
    /// data is read), at most once. `None` after the last listed entry, once
    /// the archive's end marker has been read. Asking for the next entry
    /// before the current one was read to its end is an error
    /// ([`UnpackError::EntryNotFinished`]); so is any call after an error.
    pub fn next_entry(&mut self) -> Result<Option<EntryReader<'_>>, UnpackError> {
        self.inner.next_entry_reader()
    }

    pub(crate) fn checked_mut(&mut self) -> &mut Checked<PayloadReader<EofFlag<R>>> {
        &mut self.inner
    }

    /// After the last entry: the archive's end marker, no entry after the
    /// last listed one, no byte after the marker, the zstd frame's end with
    /// nothing after it, and age's authenticated final chunk. Only `Ok`
    /// here means the bundle is verified.
    pub fn finish(self) -> Result<VerifiedBundle, UnpackError> {
        let eof = self.inner.eof_flag().cloned();
        let trust = self.trust;
        let Finished { stream: payload, manifest, manifest_bytes, entries, data_bytes } = self.inner.finish()?;
        payload.finish().map_err(|e| classify_with(eof.as_ref(), UnpackError::from(e)))?;
        Ok(VerifiedBundle { manifest, manifest_bytes, sender_trust: trust, entries, data_bytes, tables: Vec::new() })
    }
}

impl<R: Read + Send + 'static> BundleReader<R> {
    /// Decrypts and decompresses the rest of the bundle on a thread of its
    /// own, ahead of the reads (see `bemx_format`'s
    /// `PayloadReader::read_ahead`): every check and every error stays as
    /// it is, and the reading and whatever is done with the entries (an
    /// import's inserts) share two cores. Falls back to reading inline, and
    /// says so, if no thread can be started.
    pub fn read_ahead(&mut self) -> std::io::Result<()> {
        self.inner.read_ahead(false)
    }

    /// [`BundleReader::read_ahead`], and that thread also hashes the data
    /// of the entries that begin while the reads are behind it (see
    /// `bemx_format`'s `PayloadReader::read_and_hash_ahead`); the reads
    /// hash the others, and compare the hash the thread found at the
    /// entry's exact offset and size with the manifest's, failing where it
    /// found none. Import and `verify_file` read this way.
    pub fn read_and_hash_ahead(&mut self) -> std::io::Result<()> {
        self.inner.read_ahead(true)
    }

    /// Whether the entries from the next one on may be hashed by the
    /// reading-ahead thread: not after [`BundleReader::read_ahead`], not
    /// when [`BundleReader::read_and_hash_ahead`] was asked inside an entry
    /// or had no thread to start (the reads hash then, as they always may).
    pub fn hashes_ahead(&self) -> bool {
        self.inner.hashes.is_some()
    }

    /// How many entries so far the reading-ahead thread hashed, not the
    /// reads: it hashes those that begin while the reads are behind it.
    pub fn entries_hashed_ahead(&self) -> u64 {
        self.inner.hashed_ahead
    }
}

/// An installation id as people and contact cards show it:
/// `8d7ce832-0365-4e4c-a257-2434fc603af6`.
fn installation_id(bytes: &[u8; 16]) -> String {
    let h = hex::encode(bytes);
    format!("{}-{}-{}-{}-{}", &h[..8], &h[8..12], &h[12..16], &h[16..20], &h[20..])
}
