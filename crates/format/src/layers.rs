//! §2: the layer stacks. Writing: tar → zstd → age. Reading: age → zstd →
//! the strict archive reader of [`crate::ustar`].
//!
//! Both stacks end with a mandatory `finish()`: on the write side it closes
//! the archive, the zstd frame and the age stream (whose last chunk is
//! marked final) and hands back the output; on the read side it proves that
//! the archive, the frame and the age stream all ended exactly where they
//! should. A writer dropped without `finish()` leaves a file every reader
//! refuses as truncated; a reader that skips `finish()` has verified nothing.

use std::io::{self, BufRead, BufReader, Cursor, Read, Write};

use sha2::{Digest, Sha256};

use crate::age_header::{AgeHeader, read_header};
use crate::error::{FormatError, Part};
use crate::{MAX_WINDOW_LOG, ZSTD_LEVEL};

/// Window log writers use: zstd's own choice for level 3, pinned so the
/// reader's [`MAX_WINDOW_LOG`] always has headroom.
pub const WRITER_WINDOW_LOG: u32 = 21;

/// Bytes each zstd worker compresses at a time (1 MiB). zstd's own choice
/// for window log 21 is 8 MiB, and it keeps about five such jobs of input
/// and their output buffers in memory: 55–68 MiB of a pack's peak. With
/// 1 MiB jobs a pack peaks at 17–18 MiB, as fast within the noise, the
/// bundle 0.1–0.4 % larger (BENCHMARKS.md, "Memory"). Not part of the
/// format: a reader sees one frame either way.
pub const WRITER_JOB_SIZE: u32 = 0x10_0000;

type ZstdOut<W> = zstd::stream::write::Encoder<'static, age::stream::StreamWriter<W>>;

/// Streams entries into a bundle. Call [`BundleWriter::finish`]: it is the
/// only way to get a complete file.
pub struct BundleWriter<W: Write> {
    tar: tar::Builder<ZstdOut<W>>,
    mtime: u64,
    open: Option<OpenEntry>,
}

struct OpenEntry {
    path: String,
    size: u64,
    count: u64,
    hasher: Sha256,
}

impl<W: Write> Write for BundleWriter<W> {
    /// Writes data of the entry begun by [`BundleWriter::begin_entry`];
    /// refuses bytes beyond its announced size.
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let Some(open) = self.open.as_mut() else {
            return Err(io::Error::other(crate::i18n::fl!("format-no-entry-open")));
        };
        if open.count + buf.len() as u64 > open.size {
            return Err(FormatError::WriterLength {
                path: open.path.clone(),
                announced: open.size,
                supplied: open.count + buf.len() as u64,
            }
            .into_io());
        }
        let n = self.tar.get_mut().write(buf)?;
        open.hasher.update(&buf[..n]);
        open.count += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.tar.get_mut().flush()
    }
}

impl<W: Write> std::fmt::Debug for BundleWriter<W> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BundleWriter").field("mtime", &self.mtime).finish_non_exhaustive()
    }
}

struct HashingReader<'a> {
    inner: &'a mut dyn Read,
    hasher: Sha256,
    count: u64,
}

impl Read for HashingReader<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.hasher.update(&buf[..n]);
        self.count += n as u64;
        Ok(n)
    }
}

/// Counts and hashes what passes through, for entry sizes and SHA-256s.
#[derive(Debug)]
pub struct HashingWriter<W: Write> {
    /// Where the bytes go.
    pub inner: W,
    hasher: Sha256,
    count: u64,
}

impl<W: Write> HashingWriter<W> {
    /// Starts counting and hashing.
    pub fn new(inner: W) -> Self {
        Self { inner, hasher: Sha256::new(), count: 0 }
    }

    /// Bytes written and their SHA-256.
    pub fn finish(self) -> (W, u64, [u8; 32]) {
        (self.inner, self.count, self.hasher.finalize().into())
    }
}

impl<W: Write> Write for HashingWriter<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.hasher.update(&buf[..n]);
        self.count += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

impl<W: Write> BundleWriter<W> {
    /// Writes the age header for the one `recipient` and starts the zstd
    /// frame with `workers` compression threads (0 = single-threaded).
    pub fn new(output: W, recipient: &age::x25519::Recipient, mtime: u64, workers: u32) -> Result<Self, FormatError> {
        let encryptor = age::Encryptor::with_recipients(std::iter::once(recipient as &dyn age::Recipient))
            .map_err(|e| FormatError::Io(io::Error::other(e.to_string())))?;
        let age_out = encryptor.wrap_output(output)?;
        let mut zstd_out = zstd::stream::write::Encoder::new(age_out, ZSTD_LEVEL)?;
        zstd_out.window_log(WRITER_WINDOW_LOG)?;
        if workers > 0 {
            zstd_out.multithread(workers)?;
            zstd_out.set_parameter(zstd::zstd_safe::CParameter::JobSize(WRITER_JOB_SIZE))?;
        }
        let mut tar = tar::Builder::new(zstd_out);
        tar.mode(tar::HeaderMode::Deterministic);
        Ok(Self { tar, mtime, open: None })
    }

    /// Appends one entry of exactly `size` bytes read from `data` and
    /// returns the SHA-256 of the bytes written, so the caller can compare
    /// it with what the manifest promised.
    pub fn append(&mut self, path: &str, size: u64, data: &mut dyn Read) -> Result<[u8; 32], FormatError> {
        let header = crate::ustar::entry_header(path, size, self.mtime)?;
        let mut limited = data.take(size);
        let mut hashing = HashingReader { inner: &mut limited, hasher: Sha256::new(), count: 0 };
        self.tar.append(&header, &mut hashing)?;
        if hashing.count != size {
            return Err(FormatError::WriterLength { path: path.to_string(), announced: size, supplied: hashing.count });
        }
        Ok(hashing.hasher.finalize().into())
    }

    /// Starts an entry of exactly `size` bytes; its data is then written
    /// through this writer's `Write` impl and closed by [`Self::end_entry`].
    /// Row entries are produced this way, straight from database cursors.
    pub fn begin_entry(&mut self, path: &str, size: u64) -> Result<(), FormatError> {
        if let Some(open) = &self.open {
            return Err(FormatError::WriterLength {
                path: open.path.clone(),
                announced: open.size,
                supplied: open.count,
            });
        }
        let header = crate::ustar::entry_header(path, size, self.mtime)?;
        self.tar.get_mut().write_all(header.as_bytes())?;
        self.open = Some(OpenEntry { path: path.to_string(), size, count: 0, hasher: Sha256::new() });
        Ok(())
    }

    /// Ends the entry begun by [`Self::begin_entry`], checks that exactly
    /// its announced size was written, pads it, and returns its SHA-256.
    pub fn end_entry(&mut self) -> Result<[u8; 32], FormatError> {
        let Some(open) = self.open.take() else {
            return Err(FormatError::WriterLength { path: String::new(), announced: 0, supplied: 0 });
        };
        if open.count != open.size {
            return Err(FormatError::WriterLength { path: open.path, announced: open.size, supplied: open.count });
        }
        let pad = (crate::BLOCK as u64 - open.size % crate::BLOCK as u64) % crate::BLOCK as u64;
        self.tar.get_mut().write_all(&[0u8; crate::BLOCK][..pad as usize])?;
        Ok(open.hasher.finalize().into())
    }

    /// Appends an in-memory entry.
    pub fn append_bytes(&mut self, path: &str, bytes: &[u8]) -> Result<[u8; 32], FormatError> {
        self.append(path, bytes.len() as u64, &mut &bytes[..])
    }

    /// Closes the archive, the zstd frame and the age stream, and returns
    /// the output writer (not yet flushed to stable storage: that, and the
    /// rename into place, are the caller's job).
    pub fn finish(self) -> Result<W, FormatError> {
        if let Some(open) = &self.open {
            return Err(FormatError::WriterLength {
                path: open.path.clone(),
                announced: open.size,
                supplied: open.count,
            });
        }
        let zstd_out = self.tar.into_inner()?;
        let age_out = zstd_out.finish()?;
        Ok(age_out.finish()?)
    }
}

/// The bundle file below age. Its read errors become [`FormatError::Io`]
/// here, before age sees them: age hands its input's errors up unchanged
/// and zstd hands age's up unchanged, so without this mark a failing drive
/// could not be told from a damaged bundle above them.
struct FileInput<R>(BufReader<R>);

fn input_error(e: io::Error) -> io::Error {
    // age retries an interrupted read itself, and an error the caller's
    // reader raised as a FormatError already says what it is.
    if e.kind() == io::ErrorKind::Interrupted || e.get_ref().is_some_and(|i| i.is::<FormatError>()) {
        e
    } else {
        FormatError::Io(e).into_io()
    }
}

impl<R: Read> Read for FileInput<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.0.read(buf).map_err(input_error)
    }
}

/// age's payload stream, whose own errors are named here, where it is
/// certain that age raised them: age 0.12 reports a stream that ends before
/// its final chunk as `UnexpectedEof`, and a chunk that fails
/// authentication (or comes after the final one) as `InvalidData`. zstd
/// reports its own incomplete frame as `UnexpectedEof` too, so above zstd
/// the two could be told apart only by their English messages.
struct AgePayload<R>(age::stream::StreamReader<io::Chain<Cursor<Vec<u8>>, FileInput<R>>>);

impl<R: Read> Read for AgePayload<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.0.read(buf).map_err(|e| {
            if e.kind() == io::ErrorKind::Interrupted || e.get_ref().is_some_and(|i| i.is::<FormatError>()) {
                return e;
            }
            let named = match e.kind() {
                io::ErrorKind::UnexpectedEof => FormatError::Truncated { part: Part::AgePayload },
                _ => FormatError::Damaged {
                    part: Part::AgePayload,
                    detail: crate::i18n::fl!("format-authentication-failed"),
                },
            };
            named.into_io()
        })
    }
}

type ZstdIn<R> = zstd::stream::read::Decoder<'static, BufReader<AgePayload<R>>>;

/// The decrypted, decompressed archive stream of a bundle.
pub struct PayloadReader<R: Read> {
    stage: Stage<R>,
}

enum Stage<R: Read> {
    /// Decrypted and decompressed by the caller's reads.
    Inline(ZstdIn<R>),
    /// Decrypted and decompressed ahead on a thread of its own
    /// ([`PayloadReader::read_ahead`]).
    Ahead(ahead::Ahead),
    /// Between the two, only while the decoder moves to its thread.
    Moving,
}

impl<R: Read> std::fmt::Debug for PayloadReader<R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PayloadReader").finish_non_exhaustive()
    }
}

/// age's own words for a damaged header, in English; age has no German
/// catalogue, so German output gets ours.
fn age_detail(e: &age::DecryptError) -> String {
    age_detail_in(e, bemx_i18n::current())
}

fn age_detail_in(e: &age::DecryptError, lang: bemx_i18n::Lang) -> String {
    use age::DecryptError as D;
    if lang == bemx_i18n::Lang::En {
        return e.to_string();
    }
    match e {
        D::InvalidMac => crate::i18n::fl!("format-age-invalid-mac"),
        D::InvalidHeader => crate::i18n::fl!("format-age-invalid-header"),
        D::KeyDecryptionFailed => crate::i18n::fl!("format-age-key-decryption-failed"),
        _ => crate::i18n::fl!("format-age-decryption-failed"),
    }
}

fn map_age_error(e: age::DecryptError) -> FormatError {
    use age::DecryptError as D;
    match e {
        D::NoMatchingKeys => FormatError::NotForThisInstallation,
        // The magic line was checked before age saw the header, so an
        // unparsable header here is damage, not a foreign file.
        D::UnknownFormat => {
            FormatError::Damaged { part: Part::AgeHeader, detail: crate::i18n::fl!("format-header-unparsable") }
        }
        D::InvalidMac | D::InvalidHeader | D::DecryptionFailed | D::KeyDecryptionFailed => {
            FormatError::Damaged { part: Part::AgeHeader, detail: age_detail(&e) }
        }
        D::Io(io) => FormatError::from_read(io, Part::AgeHeader),
        other => FormatError::Damaged { part: Part::AgeHeader, detail: age_detail(&other) },
    }
}

/// Names an error surfacing through the zstd decoder. Everything below
/// zstd arrives as a `FormatError` already ([`AgePayload`], [`FileInput`]),
/// so the rest is zstd's own, told apart by kind and by zstd's error type.
fn classify(e: io::Error) -> FormatError {
    if e.get_ref().is_some_and(|inner| inner.is::<FormatError>()) {
        return FormatError::from_read(e, Part::AgePayload);
    }
    if e.kind() == io::ErrorKind::UnexpectedEof {
        // zstd's "incomplete frame": its input ended inside the frame.
        FormatError::Truncated { part: Part::Compression }
    } else if e.get_ref().is_some_and(|inner| inner.is::<zstd::Error>()) {
        // zstd's codec refused the frame (corrupt block, window too large, …);
        // the zstd crate raises every such refusal as its `Error`.
        // zstd speaks English only; other languages get our words.
        let detail = match bemx_i18n::current() {
            bemx_i18n::Lang::En => e.to_string(),
            _ => crate::i18n::fl!("format-zstd-damaged"),
        };
        FormatError::Damaged { part: Part::Compression, detail }
    } else {
        FormatError::Io(e)
    }
}

/// Opens a bundle: reads and checks the age header (exactly one X25519
/// recipient), unwraps the file key with `identity`, and starts the zstd
/// frame with the §2.2 window limit. Nothing here reads past the header.
pub fn open_payload<R: Read>(
    input: R,
    identity: &dyn age::Identity,
) -> Result<(AgeHeader, PayloadReader<R>), FormatError> {
    let mut buffered = BufReader::with_capacity(64 * 1024, input);
    let (header, header_bytes) = read_header(&mut buffered)?;
    header.check_bundle_recipients()?;
    let chained = Cursor::new(header_bytes).chain(FileInput(buffered));
    // `new`, not `new_buffered`: age parses the header from the cursor,
    // which holds exactly the header read above, and then reads the payload
    // in whole chunks; a buffered variant would add a BufRead layer over the
    // file that nothing reads through.
    let decryptor = age::Decryptor::new(chained).map_err(map_age_error)?;
    let stream = AgePayload(decryptor.decrypt(std::iter::once(identity)).map_err(map_age_error)?);
    let mut zstd =
        zstd::stream::read::Decoder::with_buffer(BufReader::with_capacity(128 * 1024, stream))?.single_frame();
    zstd.window_log_max(MAX_WINDOW_LOG)?;
    Ok((header, PayloadReader { stage: Stage::Inline(zstd) }))
}

/// One read of the decompressed stream, its errors named.
fn read_payload<R: Read>(zstd: &mut ZstdIn<R>, buf: &mut [u8]) -> io::Result<usize> {
    zstd.read(buf).map_err(|e| if e.kind() == io::ErrorKind::Interrupted { e } else { classify(e).into_io() })
}

/// What [`PayloadReader::finish`] proves once the archive has ended, on
/// whichever thread decompresses: no decompressed byte after the archive's
/// end marker, no second zstd frame or trailing byte after the first, and
/// an age stream whose final chunk authenticated.
fn finish_payload<R: Read>(mut zstd: ZstdIn<R>) -> Result<(), FormatError> {
    let mut probe = [0u8; 1];
    if read_payload(&mut zstd, &mut probe).map_err(|e| FormatError::from_read(e, Part::Compression))? != 0 {
        return Err(FormatError::TrailingData { part: Part::Archive });
    }
    let mut age_plain = zstd.finish();
    let trailing = age_plain.fill_buf().map_err(classify)?;
    if !trailing.is_empty() {
        return Err(FormatError::TrailingData { part: Part::Compression });
    }
    // Reading the age stream to its end authenticates the final chunk.
    let mut rest = [0u8; 1];
    match age_plain.read(&mut rest) {
        Ok(0) => Ok(()),
        Ok(_) => Err(FormatError::TrailingData { part: Part::Compression }),
        Err(e) => Err(classify(e)),
    }
}

impl<R: Read> Read for PayloadReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match &mut self.stage {
            Stage::Inline(zstd) => read_payload(zstd, buf),
            Stage::Ahead(ahead) => ahead.read(buf),
            Stage::Moving => Err(ahead::stopped()),
        }
    }
}

impl<R: Read + Send + 'static> PayloadReader<R> {
    /// Decrypts and decompresses from here on on a thread of its own, a
    /// few chunks ahead of the reads (at most `ahead::CHUNKS` (4) of
    /// `ahead::CHUNK` (256 KiB) bytes wait), so that an import's inserts and the
    /// decryption share the second core (issue 18, item 4). The bytes, their
    /// order and every error, in kind and in words, stay what the reads
    /// would have met themselves: each error is handed over where the reads
    /// reach it, and [`PayloadReader::finish`] reports what the thread
    /// proved at the end. Dropping the reader stops the thread and waits
    /// for it, so the input is closed when the reader is gone.
    pub fn read_ahead(&mut self) -> io::Result<()> {
        self.start_ahead(None)
    }

    /// [`PayloadReader::read_ahead`], and the thread also hashes the data
    /// of the archive entries that begin while the reads are behind it, as
    /// it decompresses them, for [`PayloadReader::take_entry_sha256`]; it
    /// leaves the others to the reads ([`PayloadReader::entry_left_to_reads`]).
    /// So the hash runs on whichever core has room: beside an import's
    /// inserts or a verify's row checks, on the reading core when the reads
    /// keep up (issue 18, item 4).
    /// The thread finds the entries by the sizes in their ustar headers, as
    /// the archive reader does after it has checked them (§2.3); it starts
    /// at an entry boundary: `at`, the bytes read so far, with `padding`
    /// bytes of the last entry's padding still to come. Where it meets a
    /// header it cannot size, or the end marker, it hashes no further.
    pub fn read_and_hash_ahead(&mut self, at: u64, padding: u64) -> io::Result<()> {
        self.start_ahead(Some(ahead::Tracker::new(at, padding)))
    }

    /// The SHA-256 of the entry data of `size` bytes that begins `start`
    /// bytes into the stream, hashed by [`PayloadReader::read_and_hash_ahead`]'s
    /// thread: known once the reads have passed its last byte. `None` when
    /// nothing hashes ahead, the thread left that entry to the reads
    /// ([`PayloadReader::entry_left_to_reads`]), or no entry began exactly
    /// there with exactly that size. What the thread said of entries before
    /// `start` is dropped.
    pub fn take_entry_sha256(&mut self, start: u64, size: u64) -> Option<[u8; 32]> {
        match &mut self.stage {
            Stage::Ahead(ahead) => ahead.take_sha256(start, size),
            Stage::Inline(_) | Stage::Moving => None,
        }
    }

    /// Whether the thread leaves the entry data of `size` bytes that begins
    /// `start` bytes into the stream to the reads to hash: asked once its
    /// header has been read, answered once. The thread decides at each
    /// header: it hashes the entry when the reads are behind it (two chunks
    /// or more wait for them), and leaves it to them otherwise, so the hash
    /// runs on whichever core has room. `true` when nothing hashes ahead.
    pub fn entry_left_to_reads(&mut self, start: u64, size: u64) -> bool {
        match &mut self.stage {
            Stage::Ahead(ahead) if ahead.hashes() => ahead.left_to_reads(start, size),
            Stage::Ahead(_) | Stage::Inline(_) | Stage::Moving => true,
        }
    }

    /// Whether a thread hashes ahead ([`PayloadReader::read_and_hash_ahead`]).
    pub fn hashes_ahead(&self) -> bool {
        matches!(&self.stage, Stage::Ahead(ahead) if ahead.hashes())
    }

    fn start_ahead(&mut self, tracker: Option<ahead::Tracker>) -> io::Result<()> {
        match std::mem::replace(&mut self.stage, Stage::Moving) {
            Stage::Inline(zstd) => match ahead::Ahead::start(zstd, read_payload, finish_payload, tracker) {
                Ok(started) => self.stage = Stage::Ahead(started),
                // No thread to be had: the reads decompress themselves.
                Err((zstd, e)) => {
                    if let Some(zstd) = zstd {
                        self.stage = Stage::Inline(zstd);
                    }
                    return Err(e);
                }
            },
            other => self.stage = other,
        }
        Ok(())
    }
}

impl<R: Read> PayloadReader<R> {
    /// §2: proves the stream ended where it must: no decompressed byte after
    /// the archive's end marker, no second zstd frame or trailing byte after
    /// the first, and an age stream whose final chunk authenticated. Call it
    /// after the archive reader returned its end; a bundle is verified only
    /// when this returns `Ok`.
    pub fn finish(self) -> Result<(), FormatError> {
        match self.stage {
            Stage::Inline(zstd) => finish_payload(zstd),
            Stage::Ahead(ahead) => ahead.finish(),
            Stage::Moving => Err(FormatError::Io(ahead::stopped())),
        }
    }
}

mod ahead {
    //! The decompressing thread of [`super::PayloadReader::read_ahead`].

    use std::collections::VecDeque;
    use std::io;
    use std::sync::mpsc::{Receiver, SyncSender, sync_channel};
    use std::thread::JoinHandle;

    use sha2::{Digest, Sha256};

    use crate::BLOCK;
    use crate::error::FormatError;

    /// One entry's data as the thread found it: hashed, or left to the
    /// reads (`None`, said at its header, before any of its data).
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub(super) struct Hashed {
        /// Stream offset of the data's first byte.
        start: u64,
        size: u64,
        sha256: Option<[u8; 32]>,
    }

    #[cfg(test)]
    impl Hashed {
        pub(super) fn new(start: u64, size: u64, sha256: Option<[u8; 32]>) -> Self {
            Hashed { start, size, sha256 }
        }
        pub(super) fn start(&self) -> u64 {
            self.start
        }
        pub(super) fn size(&self) -> u64 {
            self.size
        }
        pub(super) fn sha256(&self) -> Option<[u8; 32]> {
            self.sha256
        }
    }

    /// Chunks waiting for the reads at which the thread hashes the entries
    /// that begin in its next chunk: the reads are behind, so the thread
    /// would wait for them anyway. Below it the reads hash, as they keep up
    /// and this thread, which also decrypts and decompresses, is the busier.
    pub(super) const BEHIND: usize = 2;

    /// Whether the reads are behind by `waiting` chunks (see [`BEHIND`]).
    pub(super) fn behind(waiting: usize) -> bool {
        waiting >= BEHIND
    }

    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    enum Place {
        /// In a header, this many of its bytes seen.
        Header(usize),
        /// In an entry's data, hashed here or not.
        Data { start: u64, size: u64, left: u64, hash: bool },
        /// In the padding after an entry's data, this many bytes left.
        Padding(u64),
        /// At the end marker or a header it could not size: nothing more is hashed.
        Lost,
    }

    /// Follows the ustar archive through the decompressed bytes and hashes
    /// each entry's data (§2.3: a 512-byte header, the data, zeros to the
    /// next multiple of 512).
    #[derive(Debug, Clone)]
    pub(super) struct Tracker {
        at: u64,
        place: Place,
        header: [u8; BLOCK],
        hasher: Sha256,
    }

    impl Tracker {
        pub(super) fn new(at: u64, padding: u64) -> Self {
            let place = if padding == 0 { Place::Header(0) } else { Place::Padding(padding) };
            Tracker { at, place, header: [0; BLOCK], hasher: Sha256::new() }
        }

        /// Follows `bytes`, the stream's next ones; hands out the entries
        /// it leaves to the reads as their headers end in them, and those
        /// it hashed (each entry beginning in them hashed when `hash`) as
        /// their data ends in them.
        pub(super) fn follow(&mut self, mut bytes: &[u8], hash: bool, done: &mut Vec<Hashed>) {
            while !bytes.is_empty() {
                let used = match self.place {
                    Place::Header(seen) => {
                        let n = (BLOCK - seen).min(bytes.len());
                        self.header[seen..seen + n].copy_from_slice(&bytes[..n]);
                        if seen + n == BLOCK {
                            self.place = self.sized(self.at + n as u64, hash, done);
                        } else {
                            self.place = Place::Header(seen + n);
                        }
                        n
                    }
                    Place::Data { start, size, left, hash } => {
                        let n = usize::try_from(left).unwrap_or(usize::MAX).min(bytes.len());
                        if hash {
                            self.hasher.update(&bytes[..n]);
                        }
                        let left = left - n as u64;
                        self.place = if left == 0 {
                            self.ended(start, size, hash, done)
                        } else {
                            Place::Data { start, size, left, hash }
                        };
                        n
                    }
                    Place::Padding(left) => {
                        let n = usize::try_from(left).unwrap_or(usize::MAX).min(bytes.len());
                        let left = left - n as u64;
                        self.place = if left == 0 { Place::Header(0) } else { Place::Padding(left) };
                        n
                    }
                    Place::Lost => return,
                };
                self.at += used as u64;
                bytes = &bytes[used..];
            }
        }

        /// After a whole header, whose data begins at `start`.
        fn sized(&mut self, start: u64, hash: bool, done: &mut Vec<Hashed>) -> Place {
            // The end marker's first block (its size field is empty, which
            // is not octal), or a header the archive reader refuses before
            // it reads any data of it: the reader reads no entry after it,
            // so no hash is needed.
            let Ok(size) = crate::ustar::parse_octal(&self.header[124..136], "size") else {
                return Place::Lost;
            };
            if !hash {
                done.push(Hashed { start, size, sha256: None });
            }
            match size {
                0 => self.ended(start, 0, hash, done),
                _ => Place::Data { start, size, left: size, hash },
            }
        }

        fn ended(&mut self, start: u64, size: u64, hash: bool, done: &mut Vec<Hashed>) -> Place {
            if hash {
                done.push(Hashed { start, size, sha256: Some(self.hasher.finalize_reset().into()) });
            }
            let block = BLOCK as u64;
            match (block - size % block) % block {
                0 => Place::Header(0),
                padding => Place::Padding(padding),
            }
        }
    }

    /// Bytes the thread decompresses at a time.
    pub(super) const CHUNK: usize = 262_144;
    /// Chunks that may wait for the reads. The thread allocates a chunk
    /// only when no spent one came back, so at most `CHUNKS + 2` exist
    /// (those waiting, the one being filled, the one being read): 1.5 MiB.
    pub(super) const CHUNKS: usize = 4;

    /// What the thread hands over, in stream order.
    enum Message {
        /// Decompressed bytes, and what the thread says of the entries in
        /// them (see [`Tracker::follow`]).
        Bytes(Vec<u8>, Vec<Hashed>),
        /// The read that failed; the thread stopped there.
        Failed(io::Error),
        /// The archive stream ended, and what the end proved.
        End(Result<(), FormatError>),
    }

    pub(super) struct Ahead {
        messages: Option<Receiver<Message>>,
        /// Spent chunks go back to the thread, so it allocates none after the first few.
        spent: SyncSender<Vec<u8>>,
        thread: Option<JoinHandle<()>>,
        /// Set when the reader is dropped: the thread stops at its next
        /// read, not only at its next chunk (a stretch that decompresses to
        /// nothing would make it read on alone).
        stop: std::sync::Arc<std::sync::atomic::AtomicBool>,
        chunk: Vec<u8>,
        at: usize,
        /// What the thread said of the entries in the chunks the reads
        /// have reached: hashed, or left to the reads.
        hashed: VecDeque<Hashed>,
        /// Whether the thread hashes entries.
        tracked: bool,
        /// Chunks sent and not yet taken by the reads.
        waiting: std::sync::Arc<std::sync::atomic::AtomicUsize>,
        /// The end, once the reads reached it; a failure, once met.
        end: Option<Result<(), FormatError>>,
        failed: bool,
    }

    /// A thread that stopped without saying why (it cannot panic on input,
    /// but the reader must not hang or pass if it did).
    pub(super) fn stopped() -> io::Error {
        io::Error::other("the bundle's decompressing thread stopped")
    }

    impl Ahead {
        /// Moves `source` to a new thread; hands it back if none starts.
        pub(super) fn start<S: Send + 'static>(
            source: S,
            read: fn(&mut S, &mut [u8]) -> io::Result<usize>,
            finish: fn(S) -> Result<(), FormatError>,
            tracker: Option<Tracker>,
        ) -> Result<Ahead, (Option<S>, io::Error)> {
            let (send, messages) = sync_channel(CHUNKS);
            let (spent, recycled) = sync_channel::<Vec<u8>>(CHUNKS);
            // The source moves into the thread through a slot, so that it
            // can be handed back if the thread does not start.
            let slot = std::sync::Arc::new(std::sync::Mutex::new(Some(source)));
            let theirs = std::sync::Arc::clone(&slot);
            let tracked = tracker.is_some();
            let waiting = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
            let sent = std::sync::Arc::clone(&waiting);
            let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
            let stopped_by_reader = std::sync::Arc::clone(&stop);
            let spawned = std::thread::Builder::new().name("bemx-payload".into()).spawn(move || {
                let taken = theirs.lock().ok().and_then(|mut s| s.take());
                if let Some(source) = taken {
                    let feed = Feed { send: &send, recycled: &recycled, waiting: &sent };
                    decompress(source, read, finish, tracker, &feed, &stopped_by_reader);
                }
            });
            match spawned {
                Ok(thread) => Ok(Ahead {
                    messages: Some(messages),
                    spent,
                    thread: Some(thread),
                    stop,
                    chunk: Vec::new(),
                    at: 0,
                    hashed: VecDeque::new(),
                    tracked,
                    waiting,
                    end: None,
                    failed: false,
                }),
                // A thread that did not spawn took nothing: the source is
                // in the slot (were it not, the reader would fail its reads).
                Err(e) => Err((slot.lock().ok().and_then(|mut s| s.take()), e)),
            }
        }

        fn next(&mut self) -> Option<Message> {
            self.messages.as_ref().and_then(|m| m.recv().ok())
        }

        pub(super) fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            if buf.is_empty() {
                return Ok(0);
            }
            loop {
                if self.failed {
                    // A failed reader stays failed; the first error was
                    // returned with its kind and words.
                    return Err(io::Error::other("the bundle's stream failed earlier"));
                }
                if self.at < self.chunk.len() {
                    let n = buf.len().min(self.chunk.len() - self.at);
                    buf[..n].copy_from_slice(&self.chunk[self.at..self.at + n]);
                    self.at += n;
                    return Ok(n);
                }
                if self.end.is_some() {
                    return Ok(0);
                }
                let spent = std::mem::take(&mut self.chunk);
                self.at = 0;
                // A full return channel only means the thread has buffers enough.
                let _ = self.spent.try_send(spent);
                match self.next() {
                    Some(Message::Bytes(b, hashed)) => {
                        self.waiting.fetch_sub(1, std::sync::atomic::Ordering::Relaxed);
                        self.chunk = b;
                        self.hashed.extend(hashed);
                    }
                    Some(Message::End(r)) => self.end = Some(r),
                    Some(Message::Failed(e)) => {
                        self.failed = true;
                        return Err(e);
                    }
                    None => {
                        self.failed = true;
                        // A panic of the thread is this reader's, as it
                        // would have been reading inline.
                        if let Some(Err(panic)) = self.thread.take().map(JoinHandle::join) {
                            std::panic::resume_unwind(panic);
                        }
                        return Err(stopped());
                    }
                }
            }
        }

        pub(super) fn hashes(&self) -> bool {
            self.tracked
        }

        /// What the thread said of the entry at `start`, with what it said
        /// of those before dropped: the reads ask in stream order.
        fn said_of(&mut self, start: u64) -> Option<&Hashed> {
            while self.hashed.front().is_some_and(|h| h.start < start) {
                self.hashed.pop_front();
            }
            self.hashed.front()
        }

        /// Whether the thread said it leaves the entry at `start` of `size`
        /// bytes to the reads (taken), which it says before any of its data.
        pub(super) fn left_to_reads(&mut self, start: u64, size: u64) -> bool {
            let left = self.said_of(start).is_some_and(|h| *h == Hashed { start, size, sha256: None });
            if left {
                self.hashed.pop_front();
            }
            left
        }

        pub(super) fn take_sha256(&mut self, start: u64, size: u64) -> Option<[u8; 32]> {
            let found = self.said_of(start).filter(|h| h.start == start && h.size == size)?.sha256?;
            self.hashed.pop_front();
            Some(found)
        }

        pub(super) fn finish(mut self) -> Result<(), FormatError> {
            // As the inline probe: one more byte is the archive's trailing data.
            let mut probe = [0u8; 1];
            if self.read(&mut probe).map_err(|e| FormatError::from_read(e, crate::error::Part::Compression))? != 0 {
                return Err(FormatError::TrailingData { part: crate::error::Part::Archive });
            }
            self.end.take().unwrap_or_else(|| Err(FormatError::Io(stopped())))
        }
    }

    impl Drop for Ahead {
        fn drop(&mut self) {
            // Closing the channel stops the thread at its next chunk, the
            // flag at its next read; waiting for it closes the input before
            // the reader is gone.
            self.stop.store(true, std::sync::atomic::Ordering::Relaxed);
            self.messages = None;
            if let Some(t) = self.thread.take() {
                let _ = t.join();
            }
        }
    }

    /// The thread's ends of the channels.
    struct Feed<'a> {
        send: &'a SyncSender<Message>,
        recycled: &'a Receiver<Vec<u8>>,
        waiting: &'a std::sync::atomic::AtomicUsize,
    }

    fn decompress<S>(
        mut source: S,
        read: fn(&mut S, &mut [u8]) -> io::Result<usize>,
        finish: fn(S) -> Result<(), FormatError>,
        mut tracker: Option<Tracker>,
        feed: &Feed<'_>,
        halt: &std::sync::atomic::AtomicBool,
    ) {
        let Feed { send, recycled, waiting } = *feed;
        loop {
            let mut buf = recycled.try_recv().unwrap_or_default();
            buf.resize(CHUNK, 0);
            // A chunk is filled whole (zstd hands out a block or less per
            // read), so that few messages carry many bytes; the bytes
            // before an end or an error go first, as inline reads meet them.
            let mut filled = 0;
            let mut stop = None;
            while filled < CHUNK {
                if halt.load(std::sync::atomic::Ordering::Relaxed) {
                    return;
                }
                match read(&mut source, &mut buf[filled..]) {
                    Ok(0) => {
                        stop = Some(Ok(()));
                        break;
                    }
                    Ok(n) => filled += n,
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                    Err(e) => {
                        stop = Some(Err(e));
                        break;
                    }
                }
            }
            if filled != 0 {
                buf.truncate(filled);
                let mut hashed = Vec::new();
                if let Some(t) = tracker.as_mut() {
                    t.follow(&buf, behind(waiting.load(std::sync::atomic::Ordering::Relaxed)), &mut hashed);
                }
                // Counted before it can be taken.
                waiting.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                // The reader is gone: nobody wants the rest.
                if send.send(Message::Bytes(buf, hashed)).is_err() {
                    return;
                }
            }
            match stop {
                None => {}
                Some(Ok(())) => {
                    let _ = send.send(Message::End(finish(source)));
                    return;
                }
                Some(Err(e)) => {
                    let _ = send.send(Message::Failed(e));
                    return;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ustar::ArchiveReader;

    fn key() -> age::x25519::Identity {
        age::x25519::Identity::generate()
    }

    fn bundle(id: &age::x25519::Identity, entries: &[(&str, Vec<u8>)]) -> Vec<u8> {
        let mut w = BundleWriter::new(Vec::new(), &id.to_public(), 0, 2).unwrap();
        for (p, d) in entries {
            w.append_bytes(p, d).unwrap();
        }
        w.finish().unwrap()
    }

    fn read_all(id: &age::x25519::Identity, file: &[u8]) -> Result<Vec<(String, Vec<u8>)>, FormatError> {
        let (_, payload) = open_payload(file, id)?;
        let mut ar = ArchiveReader::new(payload);
        let mut out = Vec::new();
        while let Some(h) = ar.next_entry(u64::MAX)? {
            let mut data = Vec::new();
            ar.read_to_end(&mut data).map_err(|e| FormatError::from_read(e, Part::Archive))?;
            out.push((h.path, data));
        }
        ar.into_inner().finish()?;
        Ok(out)
    }

    fn noise(n: usize) -> Vec<u8> {
        let mut x = 0x9e37_79b9_7f4a_7c15u64;
        (0..n)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                x as u8
            })
            .collect()
    }

    #[test]
    fn round_trip() {
        let id = key();
        let entries = vec![("manifest.cbor".to_string(), b"m".to_vec()), ("tables/x".to_string(), noise(300_000))];
        let file = bundle(&id, &entries.iter().map(|(p, d)| (p.as_str(), d.clone())).collect::<Vec<_>>());
        assert_eq!(read_all(&id, &file).unwrap(), entries);
    }

    #[test]
    fn wrong_identity_is_not_for_us() {
        let file = bundle(&key(), &[("tables/x", b"x".to_vec())]);
        assert!(matches!(read_all(&key(), &file), Err(FormatError::NotForThisInstallation)));
    }

    #[test]
    fn every_truncation_is_refused() {
        let id = key();
        let file = bundle(&id, &[("tables/x", noise(200_000))]);
        let mut cuts: Vec<usize> = (0..file.len()).step_by(997).collect();
        cuts.extend([file.len() - 1, file.len() - 16, file.len() - 17]);
        for cut in cuts {
            assert!(read_all(&id, &file[..cut]).is_err(), "cut at {cut} accepted");
        }
    }

    #[test]
    fn flipped_payload_bytes_are_damage() {
        let id = key();
        let file = bundle(&id, &[("tables/x", noise(150_000))]);
        for pos in (300..file.len()).step_by(4099) {
            let mut bad = file.clone();
            bad[pos] ^= 0x40;
            match read_all(&id, &bad) {
                Err(FormatError::Damaged { .. }) => {}
                other => panic!("flip at {pos}: {other:?}"),
            }
        }
    }

    /// §2.2 "a frame that ends before its last block ('truncated')", inside
    /// an intact age stream: reported as the compressed data ending early,
    /// not the encrypted data.
    #[test]
    fn a_short_zstd_frame_is_truncated_compression() {
        use std::io::Write;
        let id = key();
        let mut archive = tar::Builder::new(Vec::new());
        let data = noise(10_000);
        archive.append(&crate::ustar::entry_header("tables/x", data.len() as u64, 0).unwrap(), &data[..]).unwrap();
        let mut frame = zstd::stream::encode_all(&archive.into_inner().unwrap()[..], 3).unwrap();
        frame.truncate(frame.len() - 8);
        let encryptor =
            age::Encryptor::with_recipients(std::iter::once(&id.to_public() as &dyn age::Recipient)).unwrap();
        let mut file = Vec::new();
        let mut w = encryptor.wrap_output(&mut file).unwrap();
        w.write_all(&frame).unwrap();
        w.finish().unwrap();
        match read_all(&id, &file) {
            Err(FormatError::Truncated { part: Part::Compression }) => {}
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn appended_bytes_are_refused() {
        let id = key();
        let mut file = bundle(&id, &[("tables/x", b"abc".to_vec())]);
        file.extend_from_slice(b"more");
        assert!(read_all(&id, &file).is_err());
    }

    #[test]
    fn streamed_entry_matches_append() {
        let id = key();
        let data = noise(5000);
        let mut w = BundleWriter::new(Vec::new(), &id.to_public(), 0, 0).unwrap();
        let a = w.append_bytes("tables/a", &data).unwrap();
        w.begin_entry("tables/b", data.len() as u64).unwrap();
        w.write_all(&data[..100]).unwrap();
        w.write_all(&data[100..]).unwrap();
        let b = w.end_entry().unwrap();
        assert_eq!(a, b);
        let file = w.finish().unwrap();
        let got = read_all(&id, &file).unwrap();
        assert_eq!(got[0].1, got[1].1);
        let mut w = BundleWriter::new(Vec::new(), &id.to_public(), 0, 0).unwrap();
        w.begin_entry("tables/c", 3).unwrap();
        w.write_all(b"ab").unwrap();
        assert!(w.end_entry().is_err());
        let mut w = BundleWriter::new(Vec::new(), &id.to_public(), 0, 0).unwrap();
        w.begin_entry("tables/e", 1).unwrap();
        assert!(w.write_all(b"ab").is_err());
    }

    /// age's payload of `plain`, sealed properly: what it holds is then
    /// zstd's problem, not age's.
    fn age_file(id: &age::x25519::Identity, plain: &[u8]) -> Vec<u8> {
        let recipient = id.to_public();
        let encryptor = age::Encryptor::with_recipients(std::iter::once(&recipient as &dyn age::Recipient)).unwrap();
        let mut out = Vec::new();
        let mut w = encryptor.wrap_output(&mut out).unwrap();
        w.write_all(plain).unwrap();
        w.finish().unwrap();
        out
    }

    /// Reads the decompressed payload to its end, whatever it holds.
    fn read_payload(id: &age::x25519::Identity, file: &[u8]) -> Result<(), FormatError> {
        let (_, mut payload) = open_payload(file, id)?;
        io::copy(&mut payload, &mut io::sink()).map_err(|e| FormatError::from_read(e, Part::Archive))?;
        payload.finish()
    }

    #[test]
    fn each_layer_names_its_own_early_end() {
        let id = key();
        // age: the stream stops at a chunk boundary, before its final chunk.
        let file = bundle(&id, &[("tables/x", noise(200_000))]);
        let (header, _) = open_payload(&file[..], &id).unwrap();
        let first_chunk_end = header.len + 16 + 64 * 1024 + 16;
        match read_all(&id, &file[..first_chunk_end]) {
            Err(FormatError::Truncated { part: Part::AgePayload }) => {}
            other => panic!("age cut: {other:?}"),
        }
        // zstd: an intact age stream holding half a zstd frame.
        let frame = zstd::encode_all(&noise(10_000)[..], 3).unwrap();
        let file = age_file(&id, &frame[..frame.len() / 2]);
        match read_payload(&id, &file) {
            Err(FormatError::Truncated { part: Part::Compression }) => {}
            other => panic!("zstd cut: {other:?}"),
        }
        // zstd: an intact age stream holding no zstd frame at all.
        let file = age_file(&id, &noise(1000));
        match read_payload(&id, &file) {
            Err(FormatError::Damaged { part: Part::Compression, .. }) => {}
            other => panic!("not zstd: {other:?}"),
        }
    }

    /// An input that owns its bytes (the read-ahead thread takes it), hands
    /// them out in pieces of `step`, says `Interrupted` before every other
    /// piece, and fails as a pulled stick from `fail_at` on; `closed` is set
    /// when it is dropped.
    struct Served {
        data: Vec<u8>,
        pos: usize,
        step: usize,
        interrupt: bool,
        fail_at: usize,
        closed: std::sync::Arc<std::sync::atomic::AtomicBool>,
    }

    impl Read for Served {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            self.interrupt = !self.interrupt;
            if self.interrupt {
                return Err(io::ErrorKind::Interrupted.into());
            }
            if self.pos >= self.fail_at {
                return Err(io::Error::other("the stick was pulled"));
            }
            let n = buf.len().min(self.step).min(self.data.len() - self.pos).min(self.fail_at - self.pos);
            buf[..n].copy_from_slice(&self.data[self.pos..self.pos + n]);
            self.pos += n;
            Ok(n)
        }
    }

    impl Drop for Served {
        fn drop(&mut self) {
            self.closed.store(true, std::sync::atomic::Ordering::SeqCst);
        }
    }

    fn served(file: &[u8], step: usize, fail_at: usize) -> Served {
        Served { data: file.to_vec(), pos: 0, step, interrupt: false, fail_at, closed: std::sync::Arc::default() }
    }

    /// Every entry, read `read_size` bytes at a time, then the end's proofs;
    /// decompressed ahead on a thread or inline.
    fn read_served(
        id: &age::x25519::Identity,
        input: Served,
        ahead: bool,
        read_size: usize,
    ) -> Result<Vec<(String, Vec<u8>)>, FormatError> {
        let (_, mut payload) = open_payload(input, id)?;
        if ahead {
            payload.read_ahead().unwrap();
        }
        let mut ar = ArchiveReader::new(payload);
        let mut out = Vec::new();
        let mut buf = vec![0u8; read_size];
        while let Some(h) = ar.next_entry(u64::MAX)? {
            let mut data = Vec::new();
            loop {
                let n = ar.read(&mut buf).map_err(|e| FormatError::from_read(e, Part::Archive))?;
                if n == 0 {
                    break;
                }
                data.extend_from_slice(&buf[..n]);
            }
            out.push((h.path, data));
        }
        ar.into_inner().finish()?;
        Ok(out)
    }

    fn entries_of_every_size() -> Vec<(&'static str, Vec<u8>)> {
        // Empty, small, larger than the read-ahead's chunk (256 KiB), text.
        let text = b"Einladung zum BEM-Gespraech. ".repeat(300);
        vec![("tables/a", Vec::new()), ("tables/b", noise(10)), ("tables/c", noise(600_000)), ("tables/d", text)]
    }

    /// Decompressed ahead on a thread, a bundle reads as inline: the same
    /// entries whatever the sizes of the reads above and of the pieces
    /// below (interrupted reads retried), and the same end.
    #[test]
    fn reading_ahead_reads_what_inline_reads() {
        let id = key();
        let entries = entries_of_every_size();
        let file = bundle(&id, &entries);
        let want: Vec<(String, Vec<u8>)> = entries.iter().map(|(p, d)| (p.to_string(), d.clone())).collect();
        for (step, read_size) in [(1 << 20, 1 << 20), (4096, 7), (333, 4096), (1 << 20, 1)] {
            for ahead in [false, true] {
                let got = read_served(&id, served(&file, step, usize::MAX), ahead, read_size);
                assert_eq!(got.unwrap(), want, "step {step}, reads of {read_size}, ahead {ahead}");
            }
        }
    }

    /// Whatever is wrong with a bundle — cut anywhere, a byte flipped, a
    /// byte too many, the stick pulled — reading ahead fails with the error
    /// reading inline fails with: kind, part and words.
    #[test]
    fn reading_ahead_fails_where_and_as_inline_fails() {
        let id = key();
        let file = bundle(&id, &entries_of_every_size());
        let mut inputs: Vec<(String, Vec<u8>, usize)> = Vec::new();
        for cut in (0..file.len()).step_by(9973).chain([file.len() - 1, file.len() - 16, file.len() - 17]) {
            inputs.push((format!("cut at {cut}"), file[..cut].to_vec(), usize::MAX));
        }
        for pos in (300..file.len()).step_by(50_021).chain([file.len() - 1]) {
            let mut bad = file.clone();
            bad[pos] ^= 0x40;
            inputs.push((format!("flip at {pos}"), bad, usize::MAX));
        }
        let mut longer = file.clone();
        longer.push(0);
        inputs.push(("a byte more".into(), longer, usize::MAX));
        for at in [1000, 300_000, file.len() - 10] {
            inputs.push((format!("pulled at {at}"), file.clone(), at));
        }
        for (what, bytes, fail_at) in inputs {
            let inline = read_served(&id, served(&bytes, 4096, fail_at), false, 4096);
            let ahead = read_served(&id, served(&bytes, 4096, fail_at), true, 4096);
            assert!(inline.is_err(), "{what} accepted");
            assert_eq!(format!("{ahead:?}"), format!("{inline:?}"), "{what}");
        }
    }

    /// An archive of entries of the given sizes, and each entry's data
    /// offset, size and SHA-256, as the archive reader finds them.
    fn archive_of(sizes: &[u64]) -> (Vec<u8>, Vec<ahead::Hashed>) {
        let mut tar = Vec::new();
        let mut want = Vec::new();
        for (i, &size) in sizes.iter().enumerate() {
            let data = noise(size as usize);
            let header = crate::ustar::entry_header(&format!("tables/t{i}"), size, 0).unwrap();
            tar.extend_from_slice(header.as_bytes());
            want.push(ahead::Hashed::new(tar.len() as u64, size, Some(Sha256::digest(&data).into())));
            tar.extend_from_slice(&data);
            tar.resize(tar.len().div_ceil(crate::BLOCK) * crate::BLOCK, 0);
        }
        tar.extend_from_slice(&[0; 2 * crate::BLOCK]);
        (tar, want)
    }

    /// What the tracker hands out for `tar` from `at` on, in pieces of
    /// `chunk` bytes, hashing the entries that begin in the pieces `hash`
    /// picks by their number.
    fn follow(tar: &[u8], from: u64, padding: u64, chunk: usize, hash: fn(usize) -> bool) -> Vec<ahead::Hashed> {
        let mut tracker = ahead::Tracker::new(from, padding);
        let mut done = Vec::new();
        for (n, piece) in tar[from as usize..].chunks(chunk).enumerate() {
            let mut out = Vec::new();
            tracker.follow(piece, hash(n), &mut out);
            // Each record goes with the piece that holds the last byte it
            // speaks of: the data's for a hash (the reads have that piece
            // when they ask), the header's for an empty entry or one left
            // to the reads (they have it before any of its data).
            for h in &out {
                let last = match h.sha256() {
                    Some(_) if h.size() > 0 => h.start() + h.size() - 1,
                    _ => h.start() - 1,
                };
                assert_eq!((last - from) as usize / chunk, n, "chunk {chunk}: {h:?}");
            }
            done.extend(out);
        }
        done
    }

    fn always(_: usize) -> bool {
        true
    }

    /// The thread that hashes ahead finds every entry's data where the
    /// archive reader does, however the bytes come in pieces, from the
    /// start or from between any two entries (the padding still to come),
    /// and hashes nothing after the end marker.
    #[test]
    fn the_tracker_hashes_each_entry_where_the_archive_reader_reads_it() {
        let sizes = [0, 1, 511, 512, 513, 4096, 100_000, 0, 7];
        let (mut tar, want) = archive_of(&sizes);
        // After the end marker: bytes that look like another entry.
        let (extra, _) = archive_of(&[9]);
        tar.extend_from_slice(&extra);
        let mut reader = crate::ustar::ArchiveReader::new(&tar[..]);
        let mut boundaries = vec![(0, 0)];
        while let Some(h) = reader.next_entry(u64::MAX).unwrap() {
            let start = reader.position();
            let mut data = Vec::new();
            reader.read_to_end(&mut data).unwrap();
            let found = want.iter().find(|w| w.start() == start).unwrap();
            assert_eq!((found.size(), found.sha256()), (h.size, Some(Sha256::digest(&data).into())));
            boundaries.push(reader.boundary().unwrap());
        }
        assert_eq!(reader.boundary(), None, "after the end");
        for chunk in [1, 7, 511, 512, 513, 65_536, tar.len()] {
            for (k, &(at, padding)) in boundaries.iter().enumerate() {
                let got = follow(&tar, at, padding, chunk, always);
                assert_eq!(got, want[k.min(want.len())..], "chunk {chunk}, from {at}");
            }
        }
    }

    /// An entry whose header ends in a piece the thread does not hash in
    /// is left to the reads, and said so before its data: in the pieces'
    /// order, each entry once, hashed or left, whatever the pieces.
    #[test]
    fn the_tracker_leaves_the_entries_it_does_not_hash_to_the_reads() {
        let (tar, want) = archive_of(&[0, 1, 511, 512, 513, 4096, 100_000, 0, 7]);
        let left: Vec<ahead::Hashed> = want.iter().map(|w| ahead::Hashed::new(w.start(), w.size(), None)).collect();
        for chunk in [1, 7, 512, 513, 4096, tar.len()] {
            assert_eq!(follow(&tar, 0, 0, chunk, |_| false), left, "chunk {chunk}");
            for pick in [(|n| n % 2 == 0) as fn(usize) -> bool, |n| n % 3 == 1] {
                let got = follow(&tar, 0, 0, chunk, pick);
                assert_eq!(got.len(), want.len(), "chunk {chunk}");
                for (g, (w, l)) in got.iter().zip(want.iter().zip(&left)) {
                    assert!(g == w || g == l, "chunk {chunk}: {g:?}");
                }
            }
        }
        // Two chunks or more waiting: the reads are behind.
        assert!(!ahead::behind(0) && !ahead::behind(1) && ahead::behind(2) && ahead::behind(4));
    }

    /// A header whose size field is not octal stops the hashing there: the
    /// archive reader refuses that header before any data of it.
    #[test]
    fn the_tracker_stops_at_a_header_it_cannot_size() {
        let (mut tar, want) = archive_of(&[10, 20, 30]);
        let second = (want[1].start() - crate::BLOCK as u64) as usize;
        tar[second + 124] = b'9';
        assert_eq!(follow(&tar, 0, 0, 4096, always), want[..1]);
    }

    /// Hashed ahead, an entry's hash is handed out once the reads have
    /// passed its data, by its exact offset and size, once; an entry left
    /// to the reads is said so at its header, once, and has no hash.
    #[test]
    fn hashes_ahead_are_handed_out_by_offset_and_size() {
        let id = key();
        let mut entries = entries_of_every_size();
        let names: Vec<String> = (0..24).map(|n| format!("blobs/d/{n}")).collect();
        entries.extend(names.iter().map(|n| (n.as_str(), noise(50_000))));
        let file = bundle(&id, &entries);
        let (_, payload) = open_payload(Cursor::new(file), &id).unwrap();
        let mut ar = ArchiveReader::new(payload);
        let first = ar.next_entry(u64::MAX).unwrap().unwrap();
        assert_eq!(first.path, entries[0].0);
        assert!(!ar.get_mut().hashes_ahead());
        let (at, padding) = ar.boundary().unwrap();
        ar.get_mut().read_and_hash_ahead(at, padding).unwrap();
        assert!(ar.get_mut().hashes_ahead());
        // The reads fall behind while the thread fills its chunks: it
        // hashes the entries that begin in its third chunk and later ones.
        std::thread::sleep(std::time::Duration::from_millis(300));
        let mut hashed = 0;
        for (path, data) in &entries[1..] {
            let h = ar.next_entry(u64::MAX).unwrap().unwrap();
            assert_eq!(&h.path, path);
            let start = ar.position();
            let size = data.len() as u64;
            let left = ar.get_mut().entry_left_to_reads(start, size);
            if left {
                assert!(!ar.get_mut().entry_left_to_reads(start, size), "{path}: answered twice");
            }
            let mut got = Vec::new();
            ar.read_to_end(&mut got).unwrap();
            assert_eq!(ar.get_mut().take_entry_sha256(start, size + 1), None, "{path}: another size");
            assert_eq!(ar.get_mut().take_entry_sha256(start - 1, size), None, "{path}: another offset");
            let want: [u8; 32] = Sha256::digest(data).into();
            assert_eq!(ar.get_mut().take_entry_sha256(start, size), (!left).then_some(want), "{path}");
            assert_eq!(ar.get_mut().take_entry_sha256(start, size), None, "{path}: handed out twice");
            hashed += usize::from(!left);
        }
        assert!(hashed > 0, "the thread hashed no entry while the reads waited");
        assert!(ar.next_entry(u64::MAX).unwrap().is_none());
        ar.into_inner().finish().unwrap();

        // Already reading ahead without hashing: asked again, it goes on
        // as it was, and says that it does not hash.
        let (_, mut payload) = open_payload(Cursor::new(bundle(&id, &entries)), &id).unwrap();
        payload.read_ahead().unwrap();
        payload.read_and_hash_ahead(0, 0).unwrap();
        assert!(!payload.hashes_ahead());
        assert!(payload.entry_left_to_reads(0, 0), "every entry is the reads' to hash");
    }

    /// A reader dropped half-way through stops its thread and closes its
    /// input before the drop returns (a bundle whose handle stayed open
    /// could not be moved on Windows).
    #[test]
    fn a_reader_dropped_half_way_closes_its_input() {
        let id = key();
        let file = bundle(&id, &entries_of_every_size());
        let input = served(&file, 4096, usize::MAX);
        let closed = std::sync::Arc::clone(&input.closed);
        let (_, mut payload) = open_payload(input, &id).unwrap();
        payload.read_ahead().unwrap();
        let mut ar = ArchiveReader::new(payload);
        ar.next_entry(u64::MAX).unwrap().unwrap();
        assert!(!closed.load(std::sync::atomic::Ordering::SeqCst));
        drop(ar);
        assert!(closed.load(std::sync::atomic::Ordering::SeqCst), "the input outlived its reader");
    }

    /// A drive that fails after the header.
    struct FailingDrive {
        data: Vec<u8>,
        at: usize,
        pos: usize,
    }

    impl Read for FailingDrive {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            if self.pos >= self.at {
                // Kind Other, as an unmapped OS error can be: no message to go by.
                return Err(io::Error::other("the stick was pulled"));
            }
            let n = buf.len().min(self.at - self.pos);
            buf[..n].copy_from_slice(&self.data[self.pos..self.pos + n]);
            self.pos += n;
            Ok(n)
        }
    }

    #[test]
    fn a_failing_drive_is_an_io_error_not_damage() {
        let id = key();
        let file = bundle(&id, &[("tables/x", noise(200_000))]);
        let (header, _) = open_payload(&file[..], &id).unwrap();
        let drive = FailingDrive { data: file, at: header.len + 16 + 1000, pos: 0 };
        let (_, payload) = open_payload(drive, &id).unwrap();
        let mut ar = ArchiveReader::new(payload);
        let err = loop {
            match ar.next_entry(u64::MAX) {
                Ok(Some(_)) => {
                    if let Err(e) = ar.read_to_end(&mut Vec::new()) {
                        break FormatError::from_read(e, Part::Archive);
                    }
                }
                Ok(None) => panic!("read past a failing drive"),
                Err(e) => break e,
            }
        };
        match err {
            FormatError::Io(e) => assert_eq!(e.to_string(), "the stick was pulled"),
            other => panic!("{other:?}"),
        }
    }

    /// §2.2 "Writers MUST use a window of at most 2^23 bytes": the frame the
    /// writer makes opens with a decoder limited to the writer's own window
    /// (2^21), so it never needs the reader's full allowance.
    #[test]
    fn the_writer_frame_fits_its_window() {
        let id = key();
        let file = bundle(&id, &[("tables/x", noise(1 << 20))]);
        let decryptor = age::Decryptor::new_buffered(&file[..]).unwrap();
        let mut plain = decryptor.decrypt(std::iter::once(&id as &dyn age::Identity)).unwrap();
        let mut frame = Vec::new();
        plain.read_to_end(&mut frame).unwrap();
        let mut strict = zstd::stream::read::Decoder::new(&frame[..]).unwrap().single_frame();
        strict.window_log_max(WRITER_WINDOW_LOG).unwrap();
        let mut archive = Vec::new();
        strict.read_to_end(&mut archive).unwrap();
        assert!(archive.len() > 1 << 20);
        let mut tighter = zstd::stream::read::Decoder::new(&frame[..]).unwrap().single_frame();
        tighter.window_log_max(WRITER_WINDOW_LOG - 1).unwrap();
        assert!(tighter.read_to_end(&mut Vec::new()).is_err(), "the frame does use its window: the check above bites");
    }

    #[test]
    fn writer_refuses_short_data() {
        let id = key();
        let mut w = BundleWriter::new(Vec::new(), &id.to_public(), 0, 0).unwrap();
        assert!(matches!(w.append("tables/x", 10, &mut &b"abc"[..]), Err(FormatError::WriterLength { .. })));
    }

    /// An output that keeps its bytes and counts the flushes reaching it.
    struct Flushes {
        bytes: Vec<u8>,
        flushes: std::rc::Rc<std::cell::Cell<usize>>,
    }

    impl Write for Flushes {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            self.bytes.extend_from_slice(buf);
            Ok(buf.len())
        }

        fn flush(&mut self) -> io::Result<()> {
            self.flushes.set(self.flushes.get() + 1);
            Ok(())
        }
    }

    fn flushes() -> (Flushes, std::rc::Rc<std::cell::Cell<usize>>) {
        let count = std::rc::Rc::default();
        (Flushes { bytes: Vec::new(), flushes: std::rc::Rc::clone(&count) }, count)
    }

    /// A write past the entry's announced size is refused naming how many
    /// bytes it would have made; a flush reaches the output through zstd and
    /// age; the writer debugs without its contents.
    #[test]
    fn a_streamed_entry_refuses_excess_names_it_and_flushes_through() {
        let id = key();
        let (out, flushed) = flushes();
        let mut w = BundleWriter::new(out, &id.to_public(), 7, 0).unwrap();
        w.begin_entry("tables/a", 4).unwrap();
        w.write_all(b"abc").unwrap();
        let err = w.write(b"de").unwrap_err();
        let inner = err.get_ref().and_then(|e| e.downcast_ref::<FormatError>());
        assert!(matches!(inner, Some(FormatError::WriterLength { announced: 4, supplied: 5, .. })), "{err:?}");
        assert_eq!(flushed.get(), 0);
        w.flush().unwrap();
        assert_eq!(flushed.get(), 1);
        assert_eq!(format!("{w:?}"), "BundleWriter { mtime: 7, .. }");
    }

    /// What a [`HashingWriter`] reports is exactly what reached its output,
    /// written in pieces; flushes pass through.
    #[test]
    fn a_hashing_writer_counts_and_hashes_what_went_through() {
        let (out, flushed) = flushes();
        let mut h = HashingWriter::new(out);
        h.write_all(b"hello ").unwrap();
        h.write_all(b"world").unwrap();
        h.flush().unwrap();
        assert_eq!(flushed.get(), 1);
        let (out, count, digest) = h.finish();
        assert_eq!(out.bytes, b"hello world");
        assert_eq!(count, 11);
        assert_eq!(digest, <[u8; 32]>::from(Sha256::digest(b"hello world")));
    }

    /// A damaged age header is told in age's own English words, or — in
    /// any other language — by our message for that failure, the generic
    /// one only for the rest.
    #[test]
    fn a_damaged_age_header_is_told_in_age_words_or_ours() {
        use age::DecryptError as D;
        let detail = |e: D| match map_age_error(e) {
            FormatError::Damaged { part: Part::AgeHeader, detail } => detail,
            other => panic!("{other:?}"),
        };
        let cases: [(fn() -> D, String); 4] = [
            (|| D::InvalidMac, crate::i18n::fl!("format-age-invalid-mac")),
            (|| D::InvalidHeader, crate::i18n::fl!("format-age-invalid-header")),
            (|| D::KeyDecryptionFailed, crate::i18n::fl!("format-age-key-decryption-failed")),
            (|| D::DecryptionFailed, crate::i18n::fl!("format-age-decryption-failed")),
        ];
        for (make, ours) in cases {
            // The tests of this crate run in English.
            assert_eq!(detail(make()), make().to_string());
            assert_eq!(age_detail_in(&make(), bemx_i18n::Lang::De), ours, "{}", make());
        }
        let generic = crate::i18n::fl!("format-age-decryption-failed");
        for specific in ["format-age-invalid-mac", "format-age-invalid-header", "format-age-key-decryption-failed"] {
            assert_ne!(crate::i18n::LANGUAGE_LOADER.get(specific), generic);
        }
    }

    #[test]
    fn a_payload_reader_debugs_without_its_state() {
        let id = key();
        let file = bundle(&id, &[("tables/a", b"x".to_vec())]);
        let (_, payload) = open_payload(&file[..], &id).unwrap();
        assert_eq!(format!("{payload:?}"), "PayloadReader { .. }");
    }

    /// A frame zstd's codec refuses is damage of the compressed layer, told
    /// in zstd's own words in English.
    #[test]
    fn a_frame_zstd_refuses_is_damaged_compression_in_its_words() {
        let id = key();
        let file = age_file(&id, b"not a zstd frame at all");
        match read_all(&id, &file) {
            Err(FormatError::Damaged { part: Part::Compression, detail }) => {
                assert!(detail.contains("Unknown frame descriptor"), "{detail}");
            }
            other => panic!("{other:?}"),
        }
    }
}
