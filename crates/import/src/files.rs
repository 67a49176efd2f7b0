//! The two files an import touches outside the installation: the bundle it
//! read (and may burn) and the receipt it writes. Both live in folders other
//! people may write to (a shared folder, a USB stick), so neither is ever
//! reached through a link, and the bundle is overwritten only if the path
//! still names the very file that was read (issue 13, items 2 and 14).

use std::fs::{self, File, Metadata, OpenOptions};
use std::io::{self, Seek, Write};
use std::path::{Path, PathBuf};

use crate::i18n::fl;
use crate::{FileAction, ImportError};

/// Which file a handle is open on, as far as the platform lets std tell.
///
/// On unix this is the device and inode number: two handles with equal ids
/// are on the same file, whatever names it has now. Windows' equivalent
/// (volume serial number and file index) is not in stable std, so there the
/// id is the size, creation and last-write times: a different file with all
/// three equal would pass for the same one. An attacker who can write the
/// bundle's folder can set the times of a file of their own, so on Windows
/// the refusal to follow links carries most of the
/// protection, and this catches a plain replacement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileId {
    #[cfg(unix)]
    dev: u64,
    #[cfg(unix)]
    ino: u64,
    #[cfg(not(unix))]
    len: u64,
    #[cfg(not(unix))]
    created: Option<std::time::SystemTime>,
    #[cfg(not(unix))]
    modified: Option<std::time::SystemTime>,
}

impl FileId {
    /// The id of the file `file` is open on (taken from the handle, not the name).
    pub fn of(file: &File) -> io::Result<Self> {
        Ok(Self::from_metadata(&file.metadata()?))
    }

    fn from_metadata(m: &Metadata) -> Self {
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt;
            FileId { dev: m.dev(), ino: m.ino() }
        }
        #[cfg(not(unix))]
        {
            FileId { len: m.len(), created: m.created().ok(), modified: m.modified().ok() }
        }
    }
}

/// Whether `path` itself (not what a link there points to) is the regular
/// file `id`.
fn names_file(path: &Path, id: &FileId) -> bool {
    fs::symlink_metadata(path).is_ok_and(|m| m.is_file() && FileId::from_metadata(&m) == *id)
}

/// Whether `path` itself is a symbolic link (or, on Windows, another reparse point std reports as one).
pub(crate) fn is_link(path: &Path) -> bool {
    fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink())
}

/// Opens for writing without following a link at the last path component.
///
/// unix: `O_NOFOLLOW` makes the open fail on a symlink instead of opening
/// its target; `O_NONBLOCK` keeps a FIFO put in the file's place from
/// blocking the open until someone reads it (it has no effect on regular
/// files). Windows: `FILE_FLAG_OPEN_REPARSE_POINT` opens a link itself,
/// whose metadata then is not that of a regular file, so the caller's
/// identity check refuses it.
fn no_follow(options: &mut OpenOptions) -> &mut OpenOptions {
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK);
    }
    #[cfg(windows)]
    {
        use std::os::windows::fs::OpenOptionsExt;
        // winbase.h; std has no constant for it.
        const FILE_FLAG_OPEN_REPARSE_POINT: u32 = 0x0020_0000;
        options.custom_flags(FILE_FLAG_OPEN_REPARSE_POINT);
    }
    options
}

fn open_for_writing_no_follow(path: &Path) -> io::Result<File> {
    no_follow(OpenOptions::new().write(true)).open(path)
}

/// Overwrites the bundle file that was read — `read` is the id taken from
/// the handle the import read it through — with zeros, syncs it, and
/// deletes it.
///
/// The path is opened again (a read handle cannot be turned into a write
/// handle), without following links, and the file it opens must have the
/// id `read`; otherwise someone replaced the bundle during the import and
/// nothing is written ([`ImportError::BundleReplaced`]). The old code
/// reopened the name and followed it: a symlink put there during the import
/// made it overwrite whatever the link pointed to (the database, in the
/// reproduction).
///
/// On flash media the old blocks may survive in the controller; the file is
/// useless without the recipient's key anyway, which is the real protection.
pub fn burn(path: &Path, read: &FileId) -> Result<(), ImportError> {
    let replaced = |overwritten| ImportError::BundleReplaced { path: path.to_path_buf(), overwritten };
    let err = |e| ImportError::io(FileAction::OverwritingBundle, path, e);
    let mut f = match open_for_writing_no_follow(path) {
        Ok(f) => f,
        // A link (ELOOP), a FIFO without reader (ENXIO) or anything else
        // that is not the file read: say so rather than print the OS error.
        Err(_) if !names_file(path, read) => return Err(replaced(false)),
        Err(e) => return Err(err(e)),
    };
    let meta = f.metadata().map_err(err)?;
    if !meta.is_file() || FileId::from_metadata(&meta) != *read {
        return Err(replaced(false));
    }
    let len = meta.len();
    f.rewind().map_err(err)?;
    let zeros = vec![0u8; 1 << 20];
    let mut left = len;
    while left > 0 {
        let n = left.min(zeros.len() as u64) as usize;
        f.write_all(&zeros[..n]).map_err(err)?;
        left -= n as u64;
    }
    f.sync_all().map_err(err)?;
    // Removing a name never writes through it, but a name swapped in since
    // the open is not ours to delete. Only unix can tell (Windows' id
    // includes the last-write time, which the overwrite just changed).
    #[cfg(unix)]
    if !names_file(path, read) {
        return Err(replaced(true));
    }
    drop(f);
    fs::remove_file(path).map_err(|e| ImportError::io(FileAction::DeletingBundle, path, e))
}

/// The receipt file, created (empty) before the import changes anything, so
/// that an import whose receipt cannot be written is refused instead of
/// committed without one (issue 13, item 14); filled after the commit.
/// Dropped unfilled — the import failed before its commit — it is removed.
#[derive(Debug)]
pub(crate) struct ReceiptFile {
    path: PathBuf,
    file: Option<File>,
}

impl ReceiptFile {
    /// Creates the file; never follows a link there (a dangling symlink
    /// would otherwise be "free" to `exists()` and fail only at the write)
    /// and never replaces an existing file — except an empty one, which is
    /// the placeholder of an import killed before it wrote its receipt and
    /// holds nothing.
    pub(crate) fn create(path: &Path) -> Result<Self, ImportError> {
        let refuse = |reason| ImportError::ReceiptTarget { path: path.to_path_buf(), reason };
        let create = || no_follow(OpenOptions::new().write(true).create_new(true)).open(path);
        let first = match create() {
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => match fs::symlink_metadata(path) {
                Ok(m) if m.file_type().is_symlink() => {
                    return Err(refuse(fl!("import-receipt-link-exists")));
                }
                Ok(m) if m.is_file() && m.len() == 0 => {
                    fs::remove_file(path).map_err(|e| ImportError::io(FileAction::RemovingEmptyReceipt, path, e))?;
                    create()
                }
                _ => return Err(refuse(fl!("import-receipt-file-exists"))),
            },
            other => other,
        };
        match first {
            Ok(file) => Ok(Self { path: path.to_path_buf(), file: Some(file) }),
            Err(e) => Err(match e.kind() {
                io::ErrorKind::NotFound => refuse(fl!("import-receipt-no-folder")),
                io::ErrorKind::NotADirectory => refuse(fl!("import-receipt-folder-is-file")),
                _ => ImportError::ReceiptUnwritable { path: path.to_path_buf(), source: e },
            }),
        }
    }

    /// Writes and syncs the receipt into the file created earlier, through
    /// the handle (whatever the name points to by now). On failure the
    /// partial file is removed.
    pub(crate) fn write(mut self, bytes: &[u8]) -> Result<(), ImportError> {
        let Some(file) = self.file.as_mut() else {
            return Err(ImportError::io(FileAction::WritingReceipt, &self.path, io::ErrorKind::NotFound.into()));
        };
        file.write_all(bytes)
            .and_then(|()| file.sync_all())
            .map_err(|e| ImportError::io(FileAction::WritingReceipt, &self.path, e))?;
        // Written: keep it.
        self.file = None;
        Ok(())
    }
}

impl Drop for ReceiptFile {
    fn drop(&mut self) {
        if let Some(file) = self.file.take() {
            let id = FileId::of(&file);
            drop(file);
            // Only the file created here, not whatever was put at its name since.
            if let Ok(id) = id
                && names_file(&self.path, &id)
            {
                let _ = fs::remove_file(&self.path);
            }
        }
    }
}
