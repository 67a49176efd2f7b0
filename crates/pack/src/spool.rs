//! The client-owned tables' entries as the walk that selected their rows
//! encoded them, kept for the write pass, so that an export reads those rows
//! from the database once, not twice (issue 18, item 3: the second reading
//! was a third of an export of 20,000 clients).
//!
//! The entries are health data, so they never reach the disk in the clear:
//! the spool is a temporary file in the installation's folder, compressed
//! (zstd, on a worker thread) and encrypted with age to an X25519 key made
//! for this export and held in memory only. On Linux it has no name
//! (`O_TMPFILE`); on Windows it has a random one and is deleted when its
//! handle closes. Whatever ends the export, a kill included, the file goes
//! with its handle (on Windows a power cut can leave it: ciphertext whose
//! key is gone), and the key with the process. It is written once, read once from its start, through the
//! handle it was created with; age authenticates every chunk and its end, so
//! bytes changed under it fail the read, and the write pass compares each
//! entry with its planned size and SHA-256 as well.

use std::fs::File;
use std::io::{self, BufReader, BufWriter, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use crate::PackError;

/// zstd level of the spool: the fastest; it is read back once, in seconds.
const LEVEL: i32 = 1;
/// Bytes buffered before the encrypted spool is written to its file.
const FILE_BUFFER: usize = 256 << 10;
/// Bytes of rows gathered before zstd takes them: it locks its workers'
/// queue on every call, and rows come a few dozen bytes at a time.
const ROW_BUFFER: usize = 128 << 10;

type Encrypted = age::stream::StreamWriter<BufWriter<File>>;

/// The spool being written.
pub(crate) struct SpoolWriter {
    out: BufWriter<zstd::stream::write::Encoder<'static, Encrypted>>,
    identity: age::x25519::Identity,
    dir: PathBuf,
    bytes: u64,
}

impl SpoolWriter {
    /// Creates the spool in `dir` (the installation's folder).
    pub(crate) fn create(dir: &Path) -> Result<Self, PackError> {
        let failed = |error| spool_error(dir, error);
        let file = tempfile::tempfile_in(dir).map_err(failed)?;
        let identity = age::x25519::Identity::generate();
        let recipient = identity.to_public();
        let encryptor = age::Encryptor::with_recipients(std::iter::once(&recipient as &dyn age::Recipient))
            .map_err(|e| failed(io::Error::other(e.to_string())))?;
        let encrypted = encryptor.wrap_output(BufWriter::with_capacity(FILE_BUFFER, file)).map_err(failed)?;
        let mut out = zstd::stream::write::Encoder::new(encrypted, LEVEL).map_err(failed)?;
        // The walk runs on one core; the other compresses.
        out.multithread(1).map_err(failed)?;
        Ok(SpoolWriter { out: BufWriter::with_capacity(ROW_BUFFER, out), identity, dir: dir.to_path_buf(), bytes: 0 })
    }

    /// Appends bytes of the current entry.
    pub(crate) fn write_all(&mut self, bytes: &[u8]) -> Result<(), PackError> {
        self.out.write_all(bytes).map_err(|e| spool_error(&self.dir, e))?;
        self.bytes += bytes.len() as u64;
        Ok(())
    }

    /// Ends the spool (zstd's frame, age's last chunk, the buffer) and
    /// turns it to be read from its start.
    pub(crate) fn finish(self) -> Result<Spool, PackError> {
        let SpoolWriter { out, identity, dir, bytes } = self;
        let failed = |error| spool_error(&dir, error);
        let compressed = out.into_inner().map_err(|e| failed(e.into_error()))?;
        let encrypted = compressed.finish().map_err(failed)?;
        let buffered = encrypted.finish().map_err(failed)?;
        let mut file = buffered.into_inner().map_err(|e| failed(e.into_error()))?;
        file.seek(SeekFrom::Start(0)).map_err(failed)?;
        Ok(Spool { file, identity, dir, bytes })
    }
}

/// A finished spool, to be read once.
pub(crate) struct Spool {
    file: File,
    identity: age::x25519::Identity,
    dir: PathBuf,
    bytes: u64,
}

/// What a spool shows of itself: where and how much, never its key.
impl std::fmt::Debug for Spool {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Spool").field("dir", &self.dir).field("bytes", &self.bytes).finish_non_exhaustive()
    }
}

impl Spool {
    /// Plaintext bytes the spool holds.
    pub(crate) fn len(&self) -> u64 {
        self.bytes
    }

    /// Reads the spool from its start: decrypted, decompressed.
    pub(crate) fn into_reader(self) -> Result<SpoolReader, PackError> {
        let Spool { file, identity, dir, bytes } = self;
        let failed = |e: age::DecryptError| spool_error(&dir, io::Error::other(e.to_string()));
        let decryptor = age::Decryptor::new_buffered(BufReader::with_capacity(FILE_BUFFER, file)).map_err(failed)?;
        let plain = decryptor.decrypt(std::iter::once(&identity as &dyn age::Identity)).map_err(failed)?;
        let inner = zstd::stream::read::Decoder::new(plain).map_err(|e| spool_error(&dir, e))?;
        Ok(SpoolReader { inner, dir, left: bytes })
    }

    /// The encrypted file, for tests that change its bytes.
    #[cfg(test)]
    pub(crate) fn file_mut(&mut self) -> &mut File {
        &mut self.file
    }
}

type Plain = age::stream::StreamReader<BufReader<File>>;

/// Reads a spool's entries back, each exactly as long as planned.
pub(crate) struct SpoolReader {
    inner: zstd::stream::read::Decoder<'static, BufReader<Plain>>,
    dir: PathBuf,
    /// Plaintext bytes not read yet, as written.
    left: u64,
}

impl SpoolReader {
    /// Copies the next `size` bytes into `out` through `buf`, calling
    /// `each` with every piece's length (progress, cancel).
    pub(crate) fn copy_entry(
        &mut self,
        size: u64,
        out: &mut dyn Write,
        buf: &mut [u8],
        mut each: impl FnMut(usize) -> Result<(), PackError>,
    ) -> Result<(), PackError> {
        if size > self.left {
            return Err(PackError::Internal("the spool holds fewer bytes than planned"));
        }
        let mut rest = size;
        while rest > 0 {
            let want = buf.len().min(usize::try_from(rest).unwrap_or(usize::MAX));
            let n = self.inner.read(&mut buf[..want]).map_err(|e| spool_error(&self.dir, e))?;
            if n == 0 {
                return Err(spool_error(&self.dir, io::ErrorKind::UnexpectedEof.into()));
            }
            out.write_all(&buf[..n])?;
            each(n)?;
            rest -= n as u64;
        }
        self.left -= size;
        Ok(())
    }

    /// Proves every byte was read: nothing is left of what was written,
    /// and the spool's streams end here (age's last chunk authenticated).
    pub(crate) fn finish(mut self) -> Result<(), PackError> {
        if self.left != 0 {
            return Err(PackError::Internal("the spool holds more bytes than planned"));
        }
        let mut probe = [0u8; 1];
        match self.inner.read(&mut probe).map_err(|e| spool_error(&self.dir, e))? {
            0 => Ok(()),
            _ => Err(PackError::Internal("the spool holds more bytes than planned")),
        }
    }
}

fn spool_error(dir: &Path, error: io::Error) -> PackError {
    PackError::Spool { dir: dir.to_path_buf(), error }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn written(dir: &Path, entries: &[&[u8]]) -> Spool {
        let mut w = SpoolWriter::create(dir).unwrap();
        for e in entries {
            w.write_all(e).unwrap();
        }
        w.finish().unwrap()
    }

    fn read_back(spool: Spool, sizes: &[u64]) -> Result<Vec<Vec<u8>>, PackError> {
        let mut r = spool.into_reader()?;
        let mut buf = [0u8; 7];
        let mut out = Vec::new();
        for &size in sizes {
            let mut entry = Vec::new();
            r.copy_entry(size, &mut entry, &mut buf, |_| Ok(()))?;
            out.push(entry);
        }
        r.finish()?;
        Ok(out)
    }

    #[test]
    fn a_spool_gives_back_its_entries_and_leaves_no_file() {
        let dir = tempfile::tempdir().unwrap();
        let big: Vec<u8> = (0..300_000u32).map(|i| (i * 7 % 251) as u8).collect();
        let entries: [&[u8]; 4] = [b"first", b"", &big, b"last"];
        let spool = written(dir.path(), &entries);
        assert_eq!(spool.len(), entries.iter().map(|e| e.len() as u64).sum::<u64>());
        // Windows has no unnamed files: there it is named, and deleted when
        // its handle closes.
        #[cfg(unix)]
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0, "the spool has no name");
        let sizes: Vec<u64> = entries.iter().map(|e| e.len() as u64).collect();
        let back = read_back(spool, &sizes).unwrap();
        assert_eq!(back, entries.iter().map(|e| e.to_vec()).collect::<Vec<_>>());
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0, "read, the spool is gone");
        drop(written(dir.path(), &entries));
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0, "dropped unread, the spool is gone");
    }

    #[test]
    fn a_spool_is_encrypted() {
        let dir = tempfile::tempdir().unwrap();
        let secret = b"Bandscheibenvorfall L4/L5, Wiedereingliederung ab Mai".repeat(50);
        let mut spool = written(dir.path(), &[&secret]);
        let mut stored = Vec::new();
        spool.file_mut().read_to_end(&mut stored).unwrap();
        assert!(stored.starts_with(b"age-encryption.org/v1"));
        assert!(!stored.windows(12).any(|w| w == b"Bandscheiben"));
    }

    /// Every byte of the file flipped in turn fails the reading (age
    /// authenticates the header, every chunk and the end); the file cut
    /// short anywhere fails it too.
    #[test]
    fn a_changed_or_cut_spool_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let entry = b"rows of a table".repeat(20);
        let size = [entry.len() as u64];
        let changed = |change: &dyn Fn(&mut Vec<u8>)| {
            let mut spool = written(dir.path(), &[&entry]);
            let file = spool.file_mut();
            let mut stored = Vec::new();
            file.read_to_end(&mut stored).unwrap();
            change(&mut stored);
            file.set_len(0).unwrap();
            file.seek(SeekFrom::Start(0)).unwrap();
            file.write_all(&stored).unwrap();
            file.seek(SeekFrom::Start(0)).unwrap();
            read_back(spool, &size)
        };
        assert_eq!(changed(&|_| {}).unwrap(), std::slice::from_ref(&entry), "written again unchanged, it reads");
        let mut stored = Vec::new();
        written(dir.path(), &[&entry]).file_mut().read_to_end(&mut stored).unwrap();
        let len = stored.len();
        // age's header differs in length from key to key (its grease): past
        // the end of a shorter one, a byte is appended instead.
        let flip = |at: usize| {
            move |s: &mut Vec<u8>| match s.get_mut(at) {
                Some(b) => *b ^= 0x01,
                None => s.push(0),
            }
        };
        for at in 0..len + 8 {
            let e = changed(&flip(at)).expect_err(&format!("a flip at {at} was read"));
            assert!(matches!(e, PackError::Spool { .. }), "flip at {at}: {e:?}");
        }
        for cut in 0..len {
            assert!(changed(&|s| s.truncate(cut.min(s.len() - 1))).is_err(), "cut at {cut} was read");
        }
    }

    /// Entries that do not add up to what was written are refused: fewer
    /// planned bytes leave some unread, more run past the end.
    #[test]
    fn a_spool_read_with_other_sizes_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        for sizes in [&[3u64, 3][..], &[3, 5], &[2]] {
            let e = read_back(written(dir.path(), &[b"abc", b"defg"]), sizes).unwrap_err();
            assert!(matches!(e, PackError::Internal(_)), "{sizes:?}: {e:?}");
        }
        assert_eq!(
            read_back(written(dir.path(), &[b"abc", b"defg"]), &[3, 4]).unwrap(),
            [b"abc".to_vec(), b"defg".to_vec()]
        );
    }
}
