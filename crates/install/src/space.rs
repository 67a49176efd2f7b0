//! Free disk space, checked before anything is written (spec/DESIGN.md
//! §9, F1): an import, a backup, a restore or an export that cannot finish
//! for lack of room is refused up front with the numbers, instead of
//! failing half-way after it has written a backup or a partial bundle.
//!
//! A check is a list of [`Need`]s, each a number of bytes on the disk that
//! holds a path. Needs on the same disk add up (the safety backup and the
//! merge of an import usually share one), and each disk must keep a margin
//! free besides, so that neither bemx nor the rest of the PC is left with a
//! full disk.
//!
//! The test hook `BEMX_TEST_FREE_SPACE` (a number of bytes) caps what the
//! probe reports, so tests can simulate a nearly full disk where they
//! cannot mount a small one (Windows, Wine). It can only lower the number,
//! never raise it: set by anyone, it can make bemx refuse, never make it
//! skip the check.

use std::io;
use std::path::{Path, PathBuf};

use crate::InstallError;
use crate::i18n::fl;

/// The environment variable of the test hook (see the module docs).
pub const TEST_FREE_SPACE_VAR: &str = "BEMX_TEST_FREE_SPACE";

/// What a [`Need`] is for, as the refusal names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Purpose {
    /// A backup of the database (the SICHERHEITSBACKUP, `backup create`,
    /// the state a restore replaces).
    Backup,
    /// The clients, rows and documents an import adds to the database.
    Merge,
    /// The decrypted copy a restore builds beside the database.
    Restore,
    /// The bundle an export writes.
    Bundle,
    /// The rollback journal of a purge (`handover confirm`): every page
    /// the purge overwrites, kept until it commits.
    Purge,
}

impl std::fmt::Display for Purpose {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&match self {
            Purpose::Backup => fl!("install-purpose-backup"),
            Purpose::Merge => fl!("install-purpose-merge"),
            Purpose::Restore => fl!("install-purpose-restore"),
            Purpose::Bundle => fl!("install-purpose-bundle"),
            Purpose::Purge => fl!("install-purpose-purge"),
        })
    }
}

/// Room needed on the disk that holds `path`.
#[derive(Debug, Clone)]
pub struct Need {
    /// A file or folder on that disk; it need not exist yet (its nearest
    /// existing parent is probed).
    pub path: PathBuf,
    /// Bytes needed, an upper estimate.
    pub bytes: u64,
    /// What for.
    pub purpose: Purpose,
}

/// How much a disk keeps free beyond the needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Margin {
    /// The installation's disk: the PC's system disk, as a rule, which
    /// Windows and every other program need room on too: 64 MiB plus 5 %
    /// of the need.
    Installation,
    /// A target folder, typically a USB stick that holds nothing else of
    /// ours: 1 MiB plus 1 % (file system overhead of one large file).
    Target,
}

impl Margin {
    fn of(self, need: u64) -> u64 {
        match self {
            Margin::Installation => (64 << 20) + need / 20,
            Margin::Target => (1 << 20) + need / 100,
        }
    }
}

/// Bytes free for this user on the disk that holds `path` (or, if it does
/// not exist yet, its nearest existing parent), capped by the test hook.
pub fn available(path: &Path) -> io::Result<u64> {
    let probed = existing_ancestor(path)?;
    let free = fs4::available_space(&probed)?;
    Ok(match hook() {
        Some(cap) => free.min(cap),
        None => free,
    })
}

fn hook() -> Option<u64> {
    std::env::var(TEST_FREE_SPACE_VAR).ok().and_then(|v| v.trim().parse().ok())
}

fn existing_ancestor(path: &Path) -> io::Result<PathBuf> {
    let absolute = std::path::absolute(path)?;
    let mut at: &Path = &absolute;
    loop {
        if std::fs::symlink_metadata(at).is_ok() {
            return Ok(at.to_path_buf());
        }
        at = at.parent().ok_or_else(|| io::Error::new(io::ErrorKind::NotFound, fl!("install-space-no-parent")))?;
    }
}

/// Which disk a path is on, and how to name it to the user.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Volume {
    key: VolumeKey,
    /// The disk's root as the user knows it: `C:\` on Windows, the mount
    /// point elsewhere.
    shown: PathBuf,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum VolumeKey {
    #[cfg(unix)]
    Device(u64),
    #[cfg(not(unix))]
    Root(PathBuf),
}

#[cfg(unix)]
fn volume_of(path: &Path) -> io::Result<Volume> {
    use std::os::unix::fs::MetadataExt;
    let at = existing_ancestor(path)?;
    let dev = std::fs::metadata(&at)?.dev();
    // The mount point: the last ancestor on the same device.
    let mut shown = at.clone();
    for parent in at.ancestors().skip(1) {
        match std::fs::metadata(parent) {
            Ok(m) if m.dev() == dev => shown = parent.to_path_buf(),
            _ => break,
        }
    }
    Ok(Volume { key: VolumeKey::Device(dev), shown })
}

#[cfg(not(unix))]
fn volume_of(path: &Path) -> io::Result<Volume> {
    use std::path::{Component, Prefix};
    let at = existing_ancestor(path)?;
    // The drive letter or UNC share: what Windows reports free space for.
    // `\\?\C:` and `C:` are one disk. (A folder mounted as a volume is rare
    // on a coordinator's PC; its probe is still of the path itself.)
    let Some(Component::Prefix(prefix)) = at.components().next() else {
        return Ok(Volume { key: VolumeKey::Root(PathBuf::new()), shown: PathBuf::from("\\") });
    };
    let (key, shown) = match prefix.kind() {
        Prefix::Disk(d) | Prefix::VerbatimDisk(d) => {
            let letter = char::from(d).to_ascii_uppercase();
            (format!("{letter}:"), format!("{letter}:\\"))
        }
        Prefix::UNC(server, share) | Prefix::VerbatimUNC(server, share) => {
            let unc = format!("\\\\{}\\{}", server.to_string_lossy(), share.to_string_lossy());
            (unc.to_uppercase(), unc)
        }
        _ => {
            let raw = prefix.as_os_str().to_string_lossy().into_owned();
            (raw.to_uppercase(), raw)
        }
    };
    Ok(Volume { key: VolumeKey::Root(PathBuf::from(key)), shown: PathBuf::from(shown) })
}

/// Whether `a` and `b` lie on the same disk.
pub fn same_disk(a: &Path, b: &Path) -> io::Result<bool> {
    Ok(volume_of(a)?.key == volume_of(b)?.key)
}

/// Refuses, with the numbers, when any disk cannot hold what `needs` put on
/// it plus `margin`. Writes nothing.
pub fn ensure(needs: &[Need], margin: Margin) -> Result<(), InstallError> {
    let mut disks: Vec<(Volume, PathBuf, u64, Vec<Purpose>)> = Vec::new();
    for need in needs {
        let probe_err = |e| InstallError::io(crate::IoAction::FindingFreeSpace, &need.path, e);
        let volume = volume_of(&need.path).map_err(probe_err)?;
        match disks.iter_mut().find(|d| d.0.key == volume.key) {
            Some(d) => {
                d.2 = d.2.saturating_add(need.bytes);
                if !d.3.contains(&need.purpose) {
                    d.3.push(need.purpose);
                }
            }
            None => disks.push((volume, need.path.clone(), need.bytes, vec![need.purpose])),
        }
    }
    for (volume, path, bytes, purposes) in disks {
        let free = available(&path).map_err(|e| InstallError::io(crate::IoAction::FindingFreeSpace, &path, e))?;
        if !fits(free, bytes, margin) {
            let needed = bytes.saturating_add(margin.of(bytes));
            return Err(InstallError::DiskFull {
                disk: volume.shown,
                needed,
                free,
                purposes: purposes
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join(&format!(" {} ", fl!("install-purpose-and"))),
            });
        }
    }
    Ok(())
}

/// Whether `need` bytes and the margin they bring fit into `free`.
fn fits(free: u64, need: u64, margin: Margin) -> bool {
    need.checked_add(margin.of(need)).is_some_and(|total| total <= free)
}

/// A size for people, in one unit system (decimal, as Windows Explorer's
/// "GB" is read by most): `3.1 GB`, `512 bytes`; in German `3,1 GB`.
pub fn human_bytes(n: u64) -> String {
    const UNITS: [&str; 4] = ["KB", "MB", "GB", "TB"];
    if n < 1000 {
        return crate::i18n::fl!("install-size-bytes", n = n.to_string());
    }
    #[allow(clippy::cast_precision_loss)] // display only
    let mut value = n as f64 / 1000.0;
    let mut unit = 0;
    while value >= 1000.0 && unit + 1 < UNITS.len() {
        value /= 1000.0;
        unit += 1;
    }
    format!("{} {}", bemx_i18n::decimal(&format!("{value:.1}")), UNITS[unit])
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn the_probe_reports_the_disk_of_a_path_that_does_not_exist_yet() {
        // Runs under Wine too: the Windows probe (GetDiskFreeSpaceExW) must
        // answer for a folder that an export or backup is about to create.
        let dir = tempfile::tempdir().unwrap();
        let free = available(&dir.path().join("not/yet/there.bemx")).unwrap();
        let total = fs4::total_space(dir.path()).unwrap();
        assert!(free > 0 && free <= total, "free {free} of {total}");
        assert_eq!(volume_of(&dir.path().join("a")).unwrap(), volume_of(dir.path()).unwrap());
    }

    #[test]
    fn a_path_and_its_folder_are_on_one_disk() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("f"), b"x").unwrap();
        assert!(same_disk(&dir.path().join("f"), dir.path()).unwrap());
        assert!(same_disk(&dir.path().join("not/yet"), dir.path()).unwrap());
        let shown = volume_of(dir.path()).unwrap().shown;
        assert!(
            dir.path().starts_with(&shown) || std::path::absolute(dir.path()).unwrap().starts_with(&shown),
            "{shown:?}"
        );
    }

    /// `\\?\C:\` (how Windows APIs often hand paths back) and `C:\` are one
    /// disk, shown as `C:\`.
    #[cfg(windows)]
    #[test]
    fn verbatim_and_plain_drive_paths_are_one_disk() {
        let plain = volume_of(Path::new(r"C:\")).unwrap();
        let verbatim = volume_of(Path::new(r"\\?\C:\")).unwrap();
        assert_eq!(plain, verbatim);
        assert_eq!(plain.shown, PathBuf::from(r"C:\"));
    }

    /// Folders that are mount points of their own on most unix systems,
    /// containers included.
    #[cfg(unix)]
    const OTHER_DEVICES: [&str; 5] = ["/proc", "/sys", "/dev", "/dev/shm", "/run"];

    #[cfg(unix)]
    fn device(path: &Path) -> u64 {
        std::os::unix::fs::MetadataExt::dev(&std::fs::metadata(path).unwrap())
    }

    /// A disk is named by its mount point: the topmost folder of the path
    /// that is still on the path's device.
    #[cfg(unix)]
    #[test]
    fn a_disk_is_shown_by_its_mount_point() {
        // A mount point with something on its own device inside.
        let found = OTHER_DEVICES.iter().map(Path::new).find_map(|mount| {
            let dev = std::fs::metadata(mount).ok().map(|m| std::os::unix::fs::MetadataExt::dev(&m))?;
            if device(mount.parent()?) == dev {
                return None;
            }
            std::fs::read_dir(mount)
                .ok()?
                .flatten()
                .map(|e| e.path())
                .find(|inside| std::fs::metadata(inside).is_ok_and(|m| std::os::unix::fs::MetadataExt::dev(&m) == dev))
                .map(|inside| (mount, inside, dev))
        });
        let Some((mount, inside, dev)) = found else {
            panic!("none of {OTHER_DEVICES:?} is a mount point with an entry on its own device");
        };
        let volume = volume_of(&inside.join("not-yet-there")).unwrap();
        assert_eq!(volume, Volume { key: VolumeKey::Device(dev), shown: mount.to_path_buf() }, "{inside:?}");
    }

    /// Two paths on different devices are not one disk, whichever is
    /// named first.
    #[cfg(unix)]
    #[test]
    fn paths_on_two_devices_are_not_one_disk() {
        let dir = tempfile::tempdir().unwrap();
        let here = device(dir.path());
        let Some(elsewhere) = OTHER_DEVICES.iter().map(Path::new).find(|p| p.exists() && device(p) != here) else {
            panic!("none of {OTHER_DEVICES:?} is on another device than {:?}", dir.path());
        };
        assert!(!same_disk(dir.path(), elsewhere).unwrap(), "{elsewhere:?}");
        assert!(!same_disk(elsewhere, dir.path()).unwrap(), "{elsewhere:?}");
        assert!(same_disk(elsewhere, elsewhere).unwrap(), "{elsewhere:?}");
    }

    #[test]
    fn needs_on_one_disk_add_up() {
        let dir = tempfile::tempdir().unwrap();
        let free = available(dir.path()).unwrap();
        // 60 % of the free space fits alone, twice that does not, whatever
        // other programs write meanwhile.
        let part = |purpose| Need { path: dir.path().join("x"), bytes: free / 10 * 6, purpose };
        ensure(&[part(Purpose::Backup)], Margin::Target).unwrap();
        let err = ensure(&[part(Purpose::Backup), part(Purpose::Merge)], Margin::Target).unwrap_err();
        match err {
            InstallError::DiskFull { needed, free: reported, purposes, .. } => {
                assert!(needed > reported);
                assert_eq!(purposes, "the backup and the imported data");
            }
            other => panic!("{other}"),
        }
    }

    #[test]
    fn the_margin_at_its_boundary() {
        for margin in [Margin::Target, Margin::Installation] {
            for need in [0, 1, 100 << 20, 3 << 30] {
                let exact = need + margin.of(need);
                assert!(fits(exact, need, margin), "{margin:?} {need}");
                assert!(!fits(exact - 1, need, margin), "{margin:?} {need}");
            }
        }
        assert!(!fits(u64::MAX, u64::MAX, Margin::Target), "no overflow");
        assert_eq!(Margin::Target.of(0), 1 << 20);
        assert_eq!(Margin::Installation.of(0), 64 << 20);
        assert_eq!(Margin::Target.of(100 << 20), (1 << 20) + (100 << 20) / 100);
        assert_eq!(Margin::Installation.of(100 << 20), (64 << 20) + (5 << 20));
    }

    #[test]
    fn sizes_read_in_one_unit_system() {
        assert_eq!(human_bytes(999), "999 bytes");
        assert_eq!(human_bytes(1000), "1.0 KB");
        assert_eq!(human_bytes(3_100_000_000), "3.1 GB");
        assert_eq!(human_bytes(u64::MAX), "18446744.1 TB");
    }
}
