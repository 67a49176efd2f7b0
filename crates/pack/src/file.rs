//! The bundle file on its medium, usually a slow, flaky USB stick: written
//! under a temporary name beside the target, synced, read back and compared
//! before it gets its real name. On any failure the partial file goes away.

use std::fs::{self, File};
use std::io::{self, BufReader, BufWriter, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use bemx_format::layers::HashingWriter;
use sha2::{Digest, Sha256};

use crate::error::MediumStep;
use crate::plan::EntrySource;
use crate::{Head, PackError, Progress, write_entries};

/// A bundle that was written, synced, verified and renamed into place.
#[derive(Debug, Clone)]
pub struct WrittenFile {
    /// Final path.
    pub path: PathBuf,
    /// File size.
    pub size: u64,
    /// SHA-256 of the file's bytes (the ciphertext).
    pub sha256: [u8; 32],
}

/// Refuses a target that exists or whose folder does not.
pub fn check_target(target: &Path) -> Result<(), PackError> {
    if target.exists() {
        return Err(PackError::TargetExists(target.to_path_buf()));
    }
    let dir = parent_dir(target);
    if !dir.is_dir() {
        return Err(PackError::TargetFolder(dir.to_path_buf()));
    }
    Ok(())
}

fn parent_dir(target: &Path) -> &Path {
    match target.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    }
}

/// Removes the temporary file unless the write succeeded.
struct PartialFile {
    path: PathBuf,
    keep: bool,
}

impl Drop for PartialFile {
    fn drop(&mut self) {
        if !self.keep {
            let _ = fs::remove_file(&self.path);
        }
    }
}

/// Counts, hashes and (for fault tests) limits what goes to the medium.
struct Medium {
    out: BufWriter<File>,
    hasher: Sha256,
    written: u64,
    fail_after: Option<u64>,
}

impl Write for Medium {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if let Some(limit) = self.fail_after
            && self.written + buf.len() as u64 > limit
        {
            return Err(io::Error::new(io::ErrorKind::StorageFull, "no space left on device (simulated)"));
        }
        let n = self.out.write(buf)?;
        self.hasher.update(&buf[..n]);
        self.written += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
    }
}

/// Writes a whole bundle to `target` (§11 writer 3). `fail_after` makes the
/// medium report "disk full" after that many bytes, for fault tests.
pub fn write_bundle_file(
    target: &Path,
    head: &Head<'_>,
    source: &mut dyn EntrySource,
    progress: &mut dyn Progress,
    fail_after: Option<u64>,
) -> Result<WrittenFile, PackError> {
    check_target(target)?;
    let dir = parent_dir(target);
    let mut suffix = [0u8; 8];
    getrandom::getrandom(&mut suffix).map_err(|e| PackError::Random(e.to_string()))?;
    let temp = dir.join(format!(".bemx-partial-{}", hex::encode(suffix)));
    let file = bemx_format::durable::create_private_file_read_write(&temp).map_err(|e| PackError::Medium {
        step: MediumStep::Writing,
        path: temp.clone(),
        error: e,
    })?;
    let mut partial = PartialFile { path: temp.clone(), keep: false };

    let medium = Medium { out: BufWriter::with_capacity(1 << 20, file), hasher: Sha256::new(), written: 0, fail_after };
    let medium = write_entries(medium, head, source, progress).map_err(|e| e.on_medium(&temp))?;
    let Medium { out, hasher, written, .. } = medium;
    let writing = |error| PackError::Medium { step: MediumStep::Writing, path: temp.clone(), error };
    let mut file = out.into_inner().map_err(|e| writing(e.into_error()))?;
    file.sync_all().map_err(writing)?;
    let expected: [u8; 32] = hasher.finalize().into();

    let reading = |error| PackError::Medium { step: MediumStep::ReadingBack, path: temp.clone(), error };
    let (size, actual) = read_back(&mut file).map_err(reading)?;
    drop(file);
    if actual != expected || size != written {
        return Err(PackError::VerifyFailed(target.to_path_buf()));
    }
    if target.exists() {
        return Err(PackError::TargetExists(target.to_path_buf()));
    }
    fs::rename(&temp, target).map_err(|error| PackError::Medium {
        step: MediumStep::Renaming,
        path: target.to_path_buf(),
        error,
    })?;
    partial.keep = true;
    bemx_format::durable::sync_dir(dir);
    Ok(WrittenFile { path: target.to_path_buf(), size, sha256: actual })
}

/// Reads back what the medium now holds, not what was meant to be written:
/// the size and SHA-256 of the whole file, through the handle it was
/// written with (opening the temporary name again could read another file
/// put there meanwhile: the stick's folder may be anyone's).
fn read_back(file: &mut File) -> io::Result<(u64, [u8; 32])> {
    file.seek(SeekFrom::Start(0))?;
    let mut check = HashingWriter::new(io::sink());
    io::copy(&mut BufReader::with_capacity(1 << 20, file), &mut check)?;
    let (_, size, sha256) = check.finish();
    Ok((size, sha256))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    /// The read-back reads the file it wrote, through its handle: another
    /// file put at its name in between is not what is checked.
    #[test]
    fn the_read_back_reads_the_written_file_not_its_name() {
        let dir = tempfile::tempdir().unwrap();
        let temp = dir.path().join(".bemx-partial-test");
        let mut file = bemx_format::durable::create_private_file_read_write(&temp).unwrap();
        file.write_all(b"the bundle as written").unwrap();
        file.sync_all().unwrap();
        fs::rename(&temp, dir.path().join("moved")).unwrap();
        fs::write(&temp, b"another file, put there meanwhile").unwrap();
        let (size, sha256) = read_back(&mut file).unwrap();
        assert_eq!(size, 21);
        assert_eq!(sha256, <[u8; 32]>::from(Sha256::digest(b"the bundle as written")));
    }
}
