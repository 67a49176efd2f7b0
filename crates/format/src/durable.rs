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
    create_private(path, false)
}

/// [`create_private_file`], readable through the same handle: a writer
/// that reads back what it wrote does so through the handle it wrote with,
/// never by opening the name again (another program could have put another
/// file there in between).
pub fn create_private_file_read_write(path: &Path) -> io::Result<File> {
    create_private(path, true)
}

fn create_private(path: &Path, read: bool) -> io::Result<File> {
    let mut options = OpenOptions::new();
    options.read(read).write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options.open(path)
}

/// Creates the folder `dir` and any missing parents; on unix each folder
/// it creates gets mode 0700 (an existing one is left as it is). A folder
/// that exists already, or that another process creates at the same
/// moment, is success; a file in its place is not.
pub fn create_private_dir(dir: &Path) -> io::Result<()> {
    let mut builder = fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder.create(dir)
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
    use std::io::{Read, Write};

    fn kinds_advice(f: fn(&io::Error) -> &'static str, kinds: &[io::ErrorKind]) -> Vec<&'static str> {
        kinds.iter().map(|&k| f(&io::Error::from(k))).collect()
    }

    /// Each kind of failure gets the advice for its cause: kinds with one
    /// cause share a text, and no two causes share one.
    #[test]
    fn every_failure_kind_gets_the_advice_for_its_cause() {
        use io::ErrorKind as K;
        let causes: [&[K]; 6] = [
            &[K::NotFound],
            &[K::PermissionDenied, K::ReadOnlyFilesystem],
            &[K::StorageFull, K::QuotaExceeded, K::FileTooLarge],
            &[K::AlreadyExists],
            &[K::IsADirectory, K::NotADirectory],
            &[K::UnexpectedEof, K::Other, K::Interrupted],
        ];
        let mut texts = Vec::new();
        for kinds in causes {
            let advice = kinds_advice(io_advice, kinds);
            assert!(advice.iter().all(|a| *a == advice[0]), "{kinds:?}: {advice:?}");
            assert!(!advice[0].is_empty());
            texts.push(advice[0]);
        }
        let mut distinct = texts.clone();
        distinct.sort_unstable();
        distinct.dedup();
        assert_eq!(distinct.len(), texts.len(), "two causes share an advice: {texts:?}");
    }

    /// A failed read is advised as a read: refused means not the user's
    /// file; what io_advice says about missing files and mixed-up folders
    /// holds for reads too; anything else is the drive.
    #[test]
    fn a_failed_read_gets_advice_about_reading() {
        use io::ErrorKind as K;
        let denied = read_advice(&io::Error::from(K::PermissionDenied));
        assert_ne!(denied, io_advice(&io::Error::from(K::PermissionDenied)));
        assert_ne!(denied, io_advice(&io::Error::from(K::Other)));
        for kind in [K::NotFound, K::IsADirectory, K::NotADirectory] {
            assert_eq!(read_advice(&io::Error::from(kind)), io_advice(&io::Error::from(kind)), "{kind:?}");
        }
        for kind in [K::StorageFull, K::AlreadyExists, K::ReadOnlyFilesystem, K::UnexpectedEof] {
            assert_eq!(read_advice(&io::Error::from(kind)), io_advice(&io::Error::from(K::Other)), "{kind:?}");
        }
    }

    #[test]
    fn a_private_file_is_new_and_only_the_users() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("key");
        let mut file = create_private_file(&path).unwrap();
        file.write_all(b"secret").unwrap();
        drop(file);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o600);
        }
        // An existing file is never overwritten or truncated.
        let e = create_private_file(&path).unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::AlreadyExists);
        assert_eq!(fs::read(&path).unwrap(), b"secret");
    }

    #[test]
    fn a_private_folder_is_made_with_its_parents_and_only_the_users() {
        let dir = tempfile::tempdir().unwrap();
        let deep = dir.path().join("a").join("b");
        create_private_dir(&deep).unwrap();
        assert!(deep.is_dir());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            for made in [dir.path().join("a"), deep.clone()] {
                assert_eq!(fs::metadata(&made).unwrap().permissions().mode() & 0o777, 0o700, "{}", made.display());
            }
        }
        // Again: nothing to do, no error.
        create_private_dir(&deep).unwrap();
        // A file where the folder should be is refused.
        let file = dir.path().join("file");
        fs::write(&file, b"x").unwrap();
        assert!(create_private_dir(&file).is_err());
    }

    #[test]
    fn a_temporary_file_gets_its_name_only_when_persisted() {
        let dir = tempfile::tempdir().unwrap();
        let temp = dir.path().join("bundle.tmp");
        let target = dir.path().join("bundle");

        // Dropped unpersisted: gone.
        let (guard, mut file) = TempFile::create(temp.clone()).unwrap();
        assert_eq!(guard.path(), temp);
        file.write_all(b"half").unwrap();
        drop(file);
        drop(guard);
        assert!(!temp.exists());

        // A second writer cannot share the temporary file.
        let (guard, mut file) = TempFile::create(temp.clone()).unwrap();
        assert_eq!(TempFile::create(temp.clone()).unwrap_err().kind(), io::ErrorKind::AlreadyExists);
        file.write_all(b"whole").unwrap();
        file.sync_all().unwrap();
        drop(file);
        guard.persist(&target).unwrap();
        assert!(!temp.exists());
        let mut read = String::new();
        File::open(&target).unwrap().read_to_string(&mut read).unwrap();
        assert_eq!(read, "whole");
    }

    #[test]
    fn the_folder_of_a_bare_file_name_is_the_current_one() {
        assert_eq!(parent_dir(Path::new("bundle.bemx")), Path::new("."));
        assert_eq!(parent_dir(Path::new("stick/bundle.bemx")), Path::new("stick"));
        assert_eq!(parent_dir(Path::new("/")), Path::new("."));
    }

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
