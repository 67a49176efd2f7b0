//! §11 writer invariants on a file system: files that hold keys, health
//! data or encrypted health data are created new (never overwritten) and
//! private to the user, and renames are made durable by syncing the folder.

use std::fs::{self, File, OpenOptions};
use std::io;
use std::path::Path;

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
