//! Encrypted backups of the database, the SICHERHEITSBACKUP among them.
//!
//! A backup is `age(zstd(the SQLite database file))`, encrypted to the
//! installation's own age key, so `age -d -i identity/age.key NAME.bemxbak |
//! zstd -d > bemdok.sqlite` restores it without bemx. It is taken by
//! streaming the database file while the caller's transaction holds the
//! database lock and has written nothing yet: with a rollback journal the
//! file is then a consistent snapshot. SQLite's backup API was not used
//! because its destination is a plaintext database file, and decrypted
//! health data must not reach the disk outside the database itself.

use std::fs::{self, File};
use std::io::{self, BufReader, BufWriter, Read, Write};
use std::path::{Path, PathBuf};

use bemx_format::durable::TempFile;
use sha2::{Digest, Sha256};

use crate::session::DbFileHandle;
use crate::{BackupProblem, InstallError};

/// File extension of backups.
pub const BACKUP_EXT: &str = "bemxbak";
/// Name prefix of the safety backup taken before every import.
pub const SAFETY_PREFIX: &str = "SICHERHEITSBACKUP";
/// Name prefix of backups taken by `bemx backup create`.
pub const MANUAL_PREFIX: &str = "backup";
/// Name prefix of the backup `restore` takes of the state it replaces.
pub const PRE_RESTORE_PREFIX: &str = "before-restore";

/// One backup file.
#[derive(Debug, Clone, serde::Serialize)]
pub struct BackupInfo {
    /// Name without extension, what `backup restore NAME` takes.
    pub name: String,
    /// The file.
    pub path: PathBuf,
    /// Encrypted size in bytes.
    pub size: u64,
    /// Size of the database it holds.
    pub db_bytes: u64,
    /// Whether it is a SICHERHEITSBACKUP.
    pub safety: bool,
}

fn check_name(name: &str) -> Result<(), InstallError> {
    let ok = !name.is_empty()
        && name.len() <= 128
        && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        && !name.starts_with('-');
    if !ok {
        return Err(InstallError::Backup { name: name.escape_debug().to_string(), problem: BackupProblem::BadName });
    }
    Ok(())
}

/// The path of backup `name` in `dir`.
pub fn backup_path(dir: &Path, name: &str) -> Result<PathBuf, InstallError> {
    check_name(name)?;
    Ok(dir.join(format!("{name}.{BACKUP_EXT}")))
}

struct Counting<W> {
    inner: W,
    count: u64,
}

impl<W: Write> Write for Counting<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.count += n as u64;
        Ok(n)
    }
    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

/// Runs `PRAGMA quick_check` and refuses anything but "ok".
pub fn quick_check(conn: &rusqlite::Connection) -> Result<(), InstallError> {
    let result: String = conn.query_row("PRAGMA quick_check", [], |r| r.get(0))?;
    if result != "ok" {
        return Err(InstallError::Damaged { result });
    }
    Ok(())
}

/// Writes an encrypted, verified backup of the database into `dir`.
///
/// The caller holds the database lock inside a transaction that has not
/// written yet (checked with a quick_check first, which also takes SQLite's
/// shared lock). The file is written under a temporary name, synced, then
/// decrypted again and compared with the database bytes before it is
/// renamed into place.
pub fn create_backup(
    conn: &rusqlite::Connection,
    db: &mut DbFileHandle,
    dir: &Path,
    name: &str,
    own_recipient: &age::x25519::Recipient,
    own_identity: &age::x25519::Identity,
) -> Result<BackupInfo, InstallError> {
    quick_check(conn)?;
    // Names carry the time to the second; a retry within that second gets a suffix.
    let mut name = name.to_string();
    let mut path = backup_path(dir, &name)?;
    let base = name.clone();
    for n in 2..100 {
        if !path.exists() {
            break;
        }
        name = format!("{base}-{n}");
        path = backup_path(dir, &name)?;
    }
    if path.exists() {
        return Err(InstallError::Backup { name, problem: BackupProblem::Exists });
    }
    let name = name.as_str();
    create_private_dir(dir)?;
    let temp = dir.join(format!(".{name}.partial"));
    // Only the lock holder writes here, so a file of that name is stale.
    let _ = fs::remove_file(&temp);
    let (guard, out) = TempFile::create(temp.clone()).map_err(|e| InstallError::io("creating", &temp, e))?;
    let (size, db_bytes) = write_and_verify(db, out, &temp, own_recipient, own_identity)?;
    guard.persist(&path).map_err(|e| InstallError::io("renaming the backup", &path, e))?;
    Ok(BackupInfo { name: name.into(), path, size, db_bytes, safety: name.starts_with(SAFETY_PREFIX) })
}

fn write_and_verify(
    db: &mut DbFileHandle,
    out: File,
    temp: &Path,
    recipient: &age::x25519::Recipient,
    identity: &age::x25519::Identity,
) -> Result<(u64, u64), InstallError> {
    use std::io::Seek;
    let io_err = |e| InstallError::io("writing the backup", temp, e);
    db.file.rewind().map_err(|e| InstallError::io("reading", &db.path, e))?;
    let encryptor = age::Encryptor::with_recipients(std::iter::once(recipient as &dyn age::Recipient))
        .map_err(|e| InstallError::io("encrypting the backup", temp, io::Error::other(e.to_string())))?;
    let counting = Counting { inner: BufWriter::with_capacity(1 << 20, out), count: 0 };
    let age_out = encryptor.wrap_output(counting).map_err(io_err)?;
    let mut zstd_out = zstd::stream::write::Encoder::new(age_out, 3).map_err(io_err)?;
    let _ = zstd_out.multithread(2);
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 1 << 20];
    let mut db_bytes = 0u64;
    loop {
        let n = db.file.read(&mut buf).map_err(|e| InstallError::io("reading", &db.path, e))?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
        zstd_out.write_all(&buf[..n]).map_err(io_err)?;
        db_bytes += n as u64;
    }
    let counting = zstd_out.finish().map_err(io_err)?.finish().map_err(io_err)?;
    let size = counting.count;
    let file = counting.inner.into_inner().map_err(|e| io_err(e.into_error()))?;
    file.sync_all().map_err(io_err)?;
    drop(file);
    let expected: [u8; 32] = hasher.finalize().into();
    let (actual, len) = decrypt_hash(temp, identity)?;
    if actual != expected || len != db_bytes {
        return Err(InstallError::Backup { name: temp.display().to_string(), problem: BackupProblem::ReadBack });
    }
    Ok((size, db_bytes))
}

/// Decrypts and decompresses a backup into `sink`.
pub fn decrypt_backup(
    path: &Path,
    identity: &age::x25519::Identity,
    sink: &mut dyn Write,
) -> Result<u64, InstallError> {
    let name = path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
    let bad = |problem| InstallError::Backup { name: name.clone(), problem };
    let file = File::open(path).map_err(|e| InstallError::io("opening the backup", path, e))?;
    let decryptor = age::Decryptor::new_buffered(BufReader::new(file))
        .map_err(|e| bad(BackupProblem::NotABackup(e.to_string())))?;
    let plain = decryptor.decrypt(std::iter::once(identity as &dyn age::Identity)).map_err(|e| match e {
        // By age's error type: only "no key of ours opens it" means
        // another installation's backup; a broken header is damage.
        age::DecryptError::NoMatchingKeys => bad(BackupProblem::ForeignKey),
        other => bad(BackupProblem::Damaged(other.to_string())),
    })?;
    let mut zstd_in =
        zstd::stream::read::Decoder::new(plain).map_err(|e| bad(BackupProblem::Damaged(e.to_string())))?;
    io::copy(&mut zstd_in, sink).map_err(|e| bad(BackupProblem::Damaged(e.to_string())))
}

fn decrypt_hash(path: &Path, identity: &age::x25519::Identity) -> Result<([u8; 32], u64), InstallError> {
    struct HashSink(Sha256);
    impl Write for HashSink {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            self.0.update(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }
    let mut sink = HashSink(Sha256::new());
    let n = decrypt_backup(path, identity, &mut sink)?;
    Ok((sink.0.finalize().into(), n))
}

/// Lists backups, newest name first within each kind (names sort by time).
pub fn list_backups(dir: &Path) -> Result<Vec<BackupInfo>, InstallError> {
    let mut out = Vec::new();
    let entries = match fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(out),
        Err(e) => return Err(InstallError::io("listing", dir, e)),
    };
    for entry in entries {
        let entry = entry.map_err(|e| InstallError::io("listing", dir, e))?;
        let path = entry.path();
        let Some(name) =
            path.file_name().and_then(|n| n.to_str()).and_then(|n| n.strip_suffix(&format!(".{BACKUP_EXT}")))
        else {
            continue;
        };
        if check_name(name).is_err() {
            continue;
        }
        let size = entry.metadata().map(|m| m.len()).unwrap_or(0);
        out.push(BackupInfo {
            name: name.to_string(),
            safety: name.starts_with(SAFETY_PREFIX),
            path,
            size,
            db_bytes: 0,
        });
    }
    out.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(out)
}

/// How many backups to keep after an import.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum Retention {
    /// The original procedure: delete every backup except SICHERHEITSBACKUPs,
    /// so that no older backup can bring back a state before the import.
    KeepSafetyOnly,
    /// Delete nothing.
    KeepAll,
}

/// Applies `retention` and returns the names deleted.
pub fn apply_retention(dir: &Path, retention: Retention) -> Result<Vec<String>, InstallError> {
    let mut deleted = Vec::new();
    if retention == Retention::KeepAll {
        return Ok(deleted);
    }
    for b in list_backups(dir)? {
        if !b.safety {
            fs::remove_file(&b.path).map_err(|e| InstallError::io("deleting the old backup", &b.path, e))?;
            deleted.push(b.name);
        }
    }
    Ok(deleted)
}

fn create_private_dir(dir: &Path) -> Result<(), InstallError> {
    bemx_format::durable::create_private_dir(dir).map_err(|e| InstallError::io("creating", dir, e))
}
