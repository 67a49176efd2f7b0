//! §11 writer invariants on a file system: files that hold keys, health
//! data or encrypted health data are created new (never overwritten) and
//! private to the user, and renames are made durable by syncing the folder.

use std::fs::{self, File, OpenOptions};
use std::io;
use std::path::{Path, PathBuf};

/// Creates `path` for writing, refusing an existing file. On unix the mode
/// is 0600; on Windows the file inherits its folder's ACL (the user's
/// profile, for everything bemx keeps).
pub fn create_private_file(path: &Path) -> io::Result<File> {
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options.open(path)
}

/// Creates the folder `dir` and its parents; on unix the last component,
/// when new, gets mode 0700.
pub fn create_private_dir(dir: &Path) -> io::Result<()> {
    if dir.is_dir() {
        return Ok(());
    }
    if let Some(parent) = dir.parent()
        && !parent.as_os_str().is_empty()
    {
        fs::create_dir_all(parent)?;
    }
    #[cfg_attr(not(unix), allow(unused_mut))]
    let mut builder = fs::DirBuilder::new();
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    match builder.create(dir) {
        Err(e) if !(e.kind() == io::ErrorKind::AlreadyExists && dir.is_dir()) => Err(e),
        _ => Ok(()),
    }
}

/// Syncs a folder so a new or renamed entry survives a crash. POSIX only;
/// NTFS journals renames itself and has no folder handles for this. Best
/// effort: some file systems refuse to sync folders.
pub fn sync_dir(dir: &Path) {
    #[cfg(unix)]
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
    #[cfg(not(unix))]
    let _ = dir;
}

/// A file written under a temporary name that gets its real name only by
/// [`TempFile::persist`]; dropped before that, it is removed. Every file
/// bemx writes whole — bundles, backups, a restored database, key files —
/// goes through this, so no half-written file ever carries a real name.
#[derive(Debug)]
pub struct TempFile {
    path: PathBuf,
    persisted: bool,
}

impl TempFile {
    /// Creates `temp` new and private (see [`create_private_file`]) and
    /// returns the guard with the open file. An existing file at `temp` is
    /// refused, so two writers cannot share one temporary file.
    pub fn create(temp: PathBuf) -> io::Result<(Self, File)> {
        let file = create_private_file(&temp)?;
        Ok((Self { path: temp, persisted: false }, file))
    }

    /// The temporary path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Renames the (already synced) file to `target` and syncs the folder.
    /// The caller has written, synced and closed its handle.
    pub fn persist(mut self, target: &Path) -> io::Result<()> {
        fs::rename(&self.path, target)?;
        self.persisted = true;
        sync_dir(parent_dir(target));
        Ok(())
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        if !self.persisted {
            let _ = fs::remove_file(&self.path);
        }
    }
}

/// The folder a path names a file in (`.` for a bare file name).
pub fn parent_dir(path: &Path) -> &Path {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    }
}

/// What a user can do about a failed file operation, by its kind: the OS
/// message says what happened, this says what to do. In the chosen
/// language.
pub fn io_advice(e: &io::Error) -> &'static str {
    match e.kind() {
        io::ErrorKind::NotFound => advice(Advice::NotFound),
        io::ErrorKind::PermissionDenied | io::ErrorKind::ReadOnlyFilesystem => advice(Advice::Permission),
        io::ErrorKind::StorageFull | io::ErrorKind::QuotaExceeded | io::ErrorKind::FileTooLarge => advice(Advice::Full),
        io::ErrorKind::AlreadyExists => advice(Advice::Exists),
        io::ErrorKind::IsADirectory | io::ErrorKind::NotADirectory => advice(Advice::MixedUp),
        _ => advice(Advice::Other),
    }
}

/// [`io_advice`] for a failed read: a read cannot run out of space, and
/// being refused means the file is not the user's to read, not that the
/// place is write-protected.
pub fn read_advice(e: &io::Error) -> &'static str {
    match e.kind() {
        io::ErrorKind::PermissionDenied => advice(Advice::ReadPermission),
        io::ErrorKind::NotFound | io::ErrorKind::IsADirectory | io::ErrorKind::NotADirectory => io_advice(e),
        _ => advice(Advice::Other),
    }
}

/// The advice texts of [`io_advice`] and [`read_advice`].
#[derive(Clone, Copy)]
enum Advice {
    NotFound,
    Permission,
    Full,
    Exists,
    MixedUp,
    Other,
    ReadPermission,
}

/// An advice text in the chosen language, as a `&'static str` (what the
/// callers in other crates take). Each distinct text is made once and kept
/// for the life of the process: a few per language, never more.
fn advice(which: Advice) -> &'static str {
    use std::collections::BTreeSet;
    use std::sync::{LazyLock, Mutex, PoisonError};
    static TEXTS: LazyLock<Mutex<BTreeSet<&'static str>>> = LazyLock::new(Mutex::default);
    let text = match which {
        Advice::NotFound => crate::i18n::fl!("format-io-advice-not-found"),
        Advice::Permission => crate::i18n::fl!("format-io-advice-permission"),
        Advice::Full => crate::i18n::fl!("format-io-advice-full"),
        Advice::Exists => crate::i18n::fl!("format-io-advice-exists"),
        Advice::MixedUp => crate::i18n::fl!("format-io-advice-mixed-up"),
        Advice::Other => crate::i18n::fl!("format-io-advice-other"),
        Advice::ReadPermission => crate::i18n::fl!("format-read-advice-permission"),
    };
    // A panic elsewhere while holding the lock leaves the set intact.
    let mut texts = TEXTS.lock().unwrap_or_else(PoisonError::into_inner);
    if let Some(known) = texts.get(text.as_str()) {
        return known;
    }
    let kept: &'static str = Box::leak(text.into_boxed_str());
    texts.insert(kept);
    kept
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reading_never_advises_free_space_or_write_access() {
        for kind in [
            io::ErrorKind::NotFound,
            io::ErrorKind::PermissionDenied,
            io::ErrorKind::StorageFull,
            io::ErrorKind::IsADirectory,
            io::ErrorKind::UnexpectedEof,
            io::ErrorKind::Other,
        ] {
            let advice = read_advice(&io::Error::from(kind));
            assert!(!advice.contains("space") && !advice.contains("write"), "{kind:?}: {advice}");
        }
        assert_eq!(
            read_advice(&io::Error::from(io::ErrorKind::NotFound)),
            io_advice(&io::Error::from(io::ErrorKind::NotFound))
        );
    }
}
