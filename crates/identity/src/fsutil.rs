//! Small file-system helpers: secret files, capped reads, atomic replace, time.

use std::fs::{self, File};
use std::io::{Read, Write};
use std::path::Path;

use zeroize::Zeroizing;

use crate::error::{IdentityError, Result};
use crate::i18n::fl;

/// Creates the folder `dir` (and its parents), 0700 on unix.
pub(crate) fn create_private_dir(dir: &Path) -> Result<()> {
    bemx_format::durable::create_private_dir(dir).map_err(|e| IdentityError::io("create folder", dir, e))
}

fn create_new_private(path: &Path) -> Result<File> {
    bemx_format::durable::create_private_file(path).map_err(|e| IdentityError::io("create", path, e))
}

/// Writes `contents` to the new file `path` (never overwriting), mode 0600 on
/// unix, fsynced. On failure after creation the partial file is removed.
pub(crate) fn write_new_private(path: &Path, contents: &[u8]) -> Result<()> {
    let mut file = create_new_private(path)?;
    let written =
        file.write_all(contents).and_then(|()| file.sync_all()).map_err(|e| IdentityError::io("write", path, e));
    if written.is_err() {
        drop(file);
        let _ = fs::remove_file(path);
    }
    written
}

/// Replaces `path` atomically with `contents`: writes a temporary file in the
/// same folder, fsyncs it, renames it over `path` and fsyncs the folder.
pub(crate) fn write_atomic(path: &Path, contents: &[u8]) -> Result<()> {
    let dir = bemx_format::durable::parent_dir(path);
    let file_name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "file".to_owned());
    let mut suffix = [0u8; 8];
    getrandom::getrandom(&mut suffix).map_err(|e| IdentityError::Random { reason: e.to_string() })?;
    let tmp = dir.join(format!(".{file_name}.{}.tmp", hex::encode(suffix)));
    write_new_private(&tmp, contents)?;
    if let Err(e) = fs::rename(&tmp, path) {
        let _ = fs::remove_file(&tmp);
        return Err(IdentityError::io("replace", path, e));
    }
    sync_dir(dir);
    Ok(())
}

pub(crate) use bemx_format::durable::sync_dir;

/// Reads at most `max` bytes of an already opened file; larger files are an
/// error (`Ok(None)`).
fn read_capped_file(file: &mut File, path: &Path, max: usize) -> Result<Option<Zeroizing<Vec<u8>>>> {
    let mut buf = Zeroizing::new(Vec::with_capacity(1024));
    let limit = u64::try_from(max).unwrap_or(u64::MAX).saturating_add(1);
    file.take(limit).read_to_end(&mut buf).map_err(|e| IdentityError::io("read", path, e))?;
    if buf.len() > max {
        return Ok(None);
    }
    Ok(Some(buf))
}

/// Reads a public file of at most `max` bytes. `Ok(None)` when it is larger.
pub(crate) fn read_capped(path: &Path, max: usize) -> Result<Option<Zeroizing<Vec<u8>>>> {
    let mut file = File::open(path).map_err(|e| IdentityError::io("read", path, e))?;
    read_capped_file(&mut file, path, max)
}

/// Reads a secret file of at most `max` bytes into zeroizing memory.
///
/// On unix the file must not grant any access to group or others
/// (`mode & 0o077 == 0`), checked on the opened file. On Windows the file must
/// lie in one of the user's private folders ([`check_private_location`]).
pub(crate) fn read_secret(path: &Path, max: usize) -> Result<Zeroizing<Vec<u8>>> {
    check_private_location(path, "secret key file")?;
    let mut file = File::open(path).map_err(|e| IdentityError::io("read", path, e))?;
    let meta = file.metadata().map_err(|e| IdentityError::io("read", path, e))?;
    if !meta.is_file() {
        return Err(IdentityError::corrupt(path, fl!("identity-reason-not-regular-file")));
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = meta.permissions().mode() & 0o7777;
        if mode & 0o077 != 0 {
            return Err(IdentityError::InsecurePermissions { path: path.to_path_buf(), mode });
        }
    }
    read_capped_file(&mut file, path, max)?
        .ok_or_else(|| IdentityError::corrupt(path, fl!("identity-reason-larger-than", max = max.to_string())))
}

/// Refuses an installation folder that other users could change.
///
/// Everything bemx trusts lives in it: the contacts file (whose entries
/// decide whose bundles are imported), the ledger, the journal, the
/// database. Whoever can create or rename files there can plant a trusted
/// contact, so on unix a folder that its group or other users may write to
/// (`mode & 0o022`, sticky bit or not: a sticky folder still lets others
/// create a missing `contacts.json`) is refused. Readable is fine: nothing
/// in the folder itself is secret (the key files are checked on their own).
/// On Windows, where bemx reads no ACLs (see "Key files on Windows" in
/// [`crate::identity`]), the folder must lie in the user's private folders,
/// as the key files must. A folder that does not exist holds nothing to
/// trust and is accepted.
pub fn check_installation_folder(home: &Path) -> Result<()> {
    #[cfg(windows)]
    {
        if home.exists() {
            check_private_location(home, "installation folder")?;
        }
    }
    #[cfg(unix)]
    {
        // Following a link is right here: the folder the link leads to is
        // where the files are.
        let meta = match fs::metadata(home) {
            Ok(meta) => meta,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
            Err(e) => return Err(IdentityError::io("read", home, e)),
        };
        if let Some(mode) = unix_writable_by_others(&meta) {
            return Err(IdentityError::WritableByOthers {
                what: "installation folder",
                path: home.to_path_buf(),
                mode,
                fix: "700",
            });
        }
    }
    Ok(())
}

/// The permission bits of `dir` if its group or other users may create,
/// rename or delete entries in it (unix; a sticky folder such as `/tmp`
/// does not let them rename or delete another user's entries and is not
/// reported). `None` elsewhere, for a safe folder, or when `dir` cannot be
/// read. For a warning only: it decides nothing.
pub fn folder_writable_by_others(dir: &Path) -> Option<u32> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let meta = fs::metadata(dir).ok()?;
        let mode = meta.permissions().mode() & 0o7777;
        if mode & 0o1000 != 0 {
            return None;
        }
        unix_writable_by_others(&meta)
    }
    #[cfg(not(unix))]
    {
        let _ = dir;
        None
    }
}

#[cfg(unix)]
fn unix_writable_by_others(meta: &fs::Metadata) -> Option<u32> {
    use std::os::unix::fs::PermissionsExt;
    let mode = meta.permissions().mode() & 0o7777;
    (mode & 0o022 != 0).then_some(mode)
}

/// Reads a file that decides whom bemx trusts (the contacts file), of at
/// most `max` bytes; `Ok(None)` when it is larger.
///
/// Like [`read_secret`] but for a public file: on unix it must not be
/// writable by its group or other users (readable is fine), checked on the
/// opened file; on Windows it must lie in the user's private folders.
pub(crate) fn read_trusted(path: &Path, what: &'static str, max: usize) -> Result<Option<Zeroizing<Vec<u8>>>> {
    check_private_location(path, what)?;
    let mut file = File::open(path).map_err(|e| IdentityError::io("read", path, e))?;
    let meta = file.metadata().map_err(|e| IdentityError::io("read", path, e))?;
    if !meta.is_file() {
        return Err(IdentityError::CorruptContacts {
            path: path.to_path_buf(),
            reason: fl!("identity-reason-not-regular-file"),
        });
    }
    #[cfg(unix)]
    if let Some(mode) = unix_writable_by_others(&meta) {
        return Err(IdentityError::WritableByOthers { what, path: path.to_path_buf(), mode, fix: "600" });
    }
    read_capped_file(&mut file, path, max)
}

/// Names one more folder whose access list an administrator has limited to
/// the user, where secret key files are accepted on Windows.
pub const TRUSTED_KEY_FOLDER_ENV: &str = "BEMX_TRUSTED_KEY_FOLDER";

/// Windows: refuses a secret key file (or an identity folder about to be
/// created) that does not lie inside one of the user's private folders:
/// `%USERPROFILE%`, `%APPDATA%`, `%LOCALAPPDATA%`, or the folder named in
/// `BEMX_TRUSTED_KEY_FOLDER`. Both sides are compared after resolving links
/// and `..` (of the part of `path` that exists), component by component,
/// ignoring case as Windows does. This stands in for reading the file's ACL,
/// which needs unsafe Win32 calls; see "Key files on Windows" in
/// [`crate::identity`]. Elsewhere it accepts everything: unix checks the
/// file mode instead.
#[cfg(windows)]
pub(crate) fn check_private_location(path: &Path, what: &'static str) -> Result<()> {
    let allowed: Vec<std::path::PathBuf> = ["USERPROFILE", "APPDATA", "LOCALAPPDATA", TRUSTED_KEY_FOLDER_ENV]
        .iter()
        .filter_map(std::env::var_os)
        .map(std::path::PathBuf::from)
        .filter(|p| p.is_absolute())
        .collect();
    let resolved_roots: Vec<std::path::PathBuf> = allowed.iter().filter_map(|p| p.canonicalize().ok()).collect();
    let inside = resolve_for_check(path).is_some_and(|p| resolved_roots.iter().any(|root| is_within(&p, root)));
    if inside { Ok(()) } else { Err(IdentityError::OutsidePrivateFolder { what, path: path.to_path_buf(), allowed }) }
}

/// Unix checks the key files' mode instead (see [`read_secret`]).
#[cfg(not(windows))]
pub(crate) fn check_private_location(_path: &Path, _what: &'static str) -> Result<()> {
    Ok(())
}

/// `path` made absolute with its longest existing ancestor canonicalized (links
/// and `..` resolved) and the rest appended. `None` when the part that does not
/// exist yet contains `..`, or nothing can be resolved.
#[cfg(any(windows, test))]
fn resolve_for_check(path: &Path) -> Option<std::path::PathBuf> {
    use std::path::Component;
    let absolute = std::path::absolute(path).ok()?;
    for ancestor in absolute.ancestors() {
        let Ok(resolved) = ancestor.canonicalize() else {
            continue;
        };
        let rest = absolute.strip_prefix(ancestor).ok()?;
        if rest.components().any(|c| !matches!(c, Component::Normal(_))) {
            return None;
        }
        return Some(resolved.join(rest));
    }
    None
}

/// Whether `path` is `root` or lies below it, comparing whole components and
/// ignoring case (both are expected to be resolved alike).
#[cfg(any(windows, test))]
fn is_within(path: &Path, root: &Path) -> bool {
    let same = |a: &std::ffi::OsStr, b: &std::ffi::OsStr| match (a.to_str(), b.to_str()) {
        (Some(a), Some(b)) => a == b || a.to_lowercase() == b.to_lowercase(),
        _ => a == b,
    };
    let mut path = path.components();
    root.components().all(|r| path.next().is_some_and(|p| same(p.as_os_str(), r.as_os_str())))
}

/// Now as RFC 3339 UTC.
pub(crate) fn now_rfc3339() -> String {
    bemx_format::time::rfc3339(bemx_format::time::now())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn atomic_write_replaces() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("x.json");
        write_atomic(&p, b"one").unwrap();
        write_atomic(&p, b"two").unwrap();
        assert_eq!(fs::read(&p).unwrap(), b"two");
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn within_compares_whole_components_ignoring_case() {
        let root = Path::new("/Users/Jürgen Müller");
        assert!(is_within(Path::new("/Users/Jürgen Müller/AppData/bemx/identity/age.key"), root));
        assert!(is_within(Path::new("/users/JÜRGEN MÜLLER/x"), root));
        assert!(is_within(root, root));
        assert!(!is_within(Path::new("/Users/Jürgen Müller2/x"), root));
        assert!(!is_within(Path::new("/Users/Jürgen"), root));
        assert!(!is_within(Path::new("/Users/Public/bemx"), root));
        assert!(!is_within(Path::new("/Users"), root));
    }

    #[test]
    fn resolve_for_check_resolves_existing_part_only() {
        let dir = tempfile::tempdir().unwrap();
        let base = dir.path().canonicalize().unwrap();
        fs::create_dir(dir.path().join("a")).unwrap();
        // `..` inside the existing part is resolved by canonicalize…
        let p = dir.path().join("a").join("..").join("a").join("new").join("age.key");
        assert_eq!(resolve_for_check(&p).unwrap(), base.join("a").join("new").join("age.key"));
        // …but not guessed at in the part that does not exist yet (on unix:
        // Windows itself drops `..` by text, as `std::path::absolute` does).
        #[cfg(unix)]
        assert!(resolve_for_check(&dir.path().join("x").join("..").join("a")).is_none());
        assert!(is_within(&resolve_for_check(&dir.path().join("a")).unwrap(), &base));
    }

    /// The non-UTF-8 names unix allows are compared byte for byte.
    #[cfg(unix)]
    #[test]
    fn within_compares_names_that_are_no_text_exactly() {
        use std::os::unix::ffi::OsStrExt as _;
        let name = |b: &[u8]| Path::new("/home").join(std::ffi::OsStr::from_bytes(b));
        assert!(is_within(&name(b"a\xff").join("bemx"), &name(b"a\xff")));
        assert!(!is_within(&name(b"a\xfe").join("bemx"), &name(b"a\xff")));
    }

    /// The warning at set-up: a folder its group or others may write to,
    /// unless it is sticky (they cannot rename or delete what is not theirs).
    #[cfg(unix)]
    #[test]
    fn a_folder_others_may_write_to_is_reported_unless_sticky() {
        use std::os::unix::fs::PermissionsExt as _;
        let dir = tempfile::tempdir().unwrap();
        let folder = dir.path().join("f");
        fs::create_dir(&folder).unwrap();
        for (mode, reported) in [
            (0o700, None),
            (0o755, None),
            (0o750, None),
            (0o770, Some(0o770)),
            (0o702, Some(0o702)),
            (0o720, Some(0o720)),
            (0o1777, None),
        ] {
            fs::set_permissions(&folder, fs::Permissions::from_mode(mode)).unwrap();
            assert_eq!(folder_writable_by_others(&folder), reported, "mode {mode:o}");
        }
        assert_eq!(folder_writable_by_others(&dir.path().join("missing")), None);
    }

    /// A folder that does not exist holds nothing to trust; one that cannot
    /// be looked at is an error, not a pass.
    #[cfg(unix)]
    #[test]
    fn an_installation_folder_that_cannot_be_read_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        check_installation_folder(&dir.path().join("new")).unwrap();
        let file = dir.path().join("file");
        fs::write(&file, b"x").unwrap();
        let e = check_installation_folder(&file.join("home")).unwrap_err();
        assert!(matches!(e, IdentityError::Io { .. }), "{e}");
    }

    #[test]
    fn new_private_never_overwrites() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("s");
        write_new_private(&p, b"a").unwrap();
        let err = write_new_private(&p, b"b").unwrap_err();
        assert!(matches!(err, IdentityError::AlreadyExists { .. }), "{err}");
        assert_eq!(fs::read(&p).unwrap(), b"a");
    }
}
