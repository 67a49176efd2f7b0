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
//!
//! Encryption alone does not authenticate: anyone holding the contact card
//! knows the age recipient and could plant a backup. So every backup gets a
//! side file `NAME.bemxsig`: a short text statement (name, installation id,
//! SHA-256 and size of the database bytes) and the installation's Ed25519
//! signature over it under [`bemx_format::BACKUP_SIGNATURE_CONTEXT`]. A side
//! file rather than a wrapper keeps the `.bemxbak` a plain age file, so the
//! recovery recipe above works unchanged; restore refuses a backup whose
//! statement is missing, unsigned by us, or made for another name.

use std::fs::{self, File};
use std::io::{self, BufReader, BufWriter, Read, Write};
use std::path::{Path, PathBuf};

use bemx_format::durable::TempFile;
use sha2::{Digest, Sha256};

use crate::session::DbFileHandle;
use crate::{BackupProblem, InstallError};

/// File extension of backups.
pub const BACKUP_EXT: &str = "bemxbak";
/// File extension of a backup's signature side file.
pub const SIGNATURE_EXT: &str = "bemxsig";
/// First line of a signed backup statement; it names the layout.
const STATEMENT_HEADER: &str = "bemx backup v1";
/// A statement is about 250 bytes; anything far larger is not one, and is
/// not read into memory.
const MAX_SIGNATURE_FILE: u64 = 4096;
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
    /// Which command made it.
    pub kind: BackupKind,
    /// When it was written (the file's modification time), RFC 3339; empty
    /// where the file system does not say.
    pub created: String,
    /// Whether its signature file holds a statement for this name signed by
    /// this installation (the content itself is checked at restore).
    pub signed: bool,
}

/// Which command made a backup, from its name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum BackupKind {
    /// The SICHERHEITSBACKUP an import takes first.
    Safety,
    /// `bemx backup create`.
    Manual,
    /// The state a `backup restore` replaced.
    BeforeRestore,
    /// Any other name (made by hand or by another version).
    Other,
}

impl BackupKind {
    /// The kind of backup `name`.
    pub fn of(name: &str) -> Self {
        let is = |prefix: &str| name.strip_prefix(prefix).is_some_and(|rest| rest.starts_with('-'));
        if is(SAFETY_PREFIX) {
            BackupKind::Safety
        } else if is(MANUAL_PREFIX) {
            BackupKind::Manual
        } else if is(PRE_RESTORE_PREFIX) {
            BackupKind::BeforeRestore
        } else {
            BackupKind::Other
        }
    }
}

/// What a backup's signature vouches for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BackupStatement {
    /// The backup's name; binding it stops a valid signature file being
    /// renamed to vouch for another backup.
    pub name: String,
    /// The installation that made it.
    pub installation: uuid::Uuid,
    /// SHA-256 of the plaintext database bytes.
    pub sha256: [u8; 32],
    /// Size of the plaintext database.
    pub db_bytes: u64,
}

impl BackupStatement {
    /// The exact bytes that are signed.
    fn to_bytes(&self) -> Vec<u8> {
        format!(
            "{STATEMENT_HEADER}\nname {}\ninstallation {}\nsha256 {}\nbytes {}\n",
            self.name,
            self.installation.hyphenated(),
            hex::encode(self.sha256),
            self.db_bytes
        )
        .into_bytes()
    }

    /// Parses the statement written by [`Self::to_bytes`], and nothing else:
    /// it must re-encode to the same bytes, so what was signed is exactly
    /// what is read.
    fn parse(text: &str) -> Option<Self> {
        let mut lines = text.strip_suffix('\n')?.split('\n');
        if lines.next()? != STATEMENT_HEADER {
            return None;
        }
        let name = lines.next()?.strip_prefix("name ")?.to_string();
        let installation = uuid::Uuid::parse_str(lines.next()?.strip_prefix("installation ")?).ok()?;
        let sha256 = hex::decode(lines.next()?.strip_prefix("sha256 ")?).ok()?.try_into().ok()?;
        let db_bytes = lines.next()?.strip_prefix("bytes ")?.parse().ok()?;
        if lines.next().is_some() {
            return None;
        }
        let statement = BackupStatement { name, installation, sha256, db_bytes };
        (statement.to_bytes() == text.as_bytes()).then_some(statement)
    }
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

/// The path of the signature side file of backup `name` in `dir`.
pub fn signature_path(dir: &Path, name: &str) -> Result<PathBuf, InstallError> {
    check_name(name)?;
    Ok(dir.join(format!("{name}.{SIGNATURE_EXT}")))
}

/// The signature file's content: the statement, then a last line with the
/// hex signature over exactly the statement's bytes.
pub(crate) fn signature_file(statement: &BackupStatement, identity: &bemx_identity::Identity) -> Vec<u8> {
    let mut bytes = statement.to_bytes();
    let signature = bemx_format::signature::sign(identity.signing_key(), bemx_format::BACKUP_SIGNATURE_CONTEXT, &bytes);
    bytes.extend_from_slice(format!("signature {}\n", hex::encode(signature)).as_bytes());
    bytes
}

/// Checks the signature file of backup `name` in `dir`: present, signed by
/// this installation's key, and made for this name and this installation.
/// Returns the statement, whose hash the caller compares with the content.
/// Reads only the small side file, so it runs before anything is written.
pub fn verify_signature(
    dir: &Path,
    name: &str,
    identity: &bemx_identity::Identity,
) -> Result<BackupStatement, InstallError> {
    let path = signature_path(dir, name)?;
    let bad = |problem| InstallError::Backup { name: name.to_string(), problem };
    let file = match File::open(&path) {
        Ok(f) => f,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Err(bad(BackupProblem::Unsigned)),
        Err(e) => return Err(InstallError::io(crate::IoAction::OpeningSignature, &path, e)),
    };
    let mut raw = Vec::new();
    file.take(MAX_SIGNATURE_FILE + 1)
        .read_to_end(&mut raw)
        .map_err(|e| InstallError::io(crate::IoAction::ReadingSignature, &path, e))?;
    if raw.len() as u64 > MAX_SIGNATURE_FILE {
        return Err(bad(BackupProblem::BadSignature));
    }
    let text = String::from_utf8(raw).map_err(|_| bad(BackupProblem::BadSignature))?;
    // The statement is everything before the last line; that line holds the signature.
    let body = text.strip_suffix('\n').ok_or_else(|| bad(BackupProblem::BadSignature))?;
    let split = body.rfind('\n').ok_or_else(|| bad(BackupProblem::BadSignature))? + 1;
    let (statement_text, signature_line) = body.split_at(split);
    let signature = signature_line
        .strip_prefix("signature ")
        .and_then(|h| hex::decode(h).ok())
        .ok_or_else(|| bad(BackupProblem::BadSignature))?;
    bemx_format::signature::verify(
        &identity.verifying_key().to_bytes(),
        bemx_format::BACKUP_SIGNATURE_CONTEXT,
        statement_text.as_bytes(),
        &signature,
    )
    .map_err(|_| bad(BackupProblem::BadSignature))?;
    let statement = BackupStatement::parse(statement_text).ok_or_else(|| bad(BackupProblem::BadSignature))?;
    if statement.name != name {
        return Err(bad(BackupProblem::SignedForOther { what: "name" }));
    }
    if statement.installation != identity.installation_id() {
        return Err(bad(BackupProblem::SignedForOther { what: "installation" }));
    }
    Ok(statement)
}

/// `bemx backup delete NAME`: removes one backup and its signature file,
/// e.g. to make a confirmed handover's purge reach the backups too. The
/// caller holds the installation lock.
pub fn delete_backup(dir: &Path, _lock: &crate::InstallLock, name: &str) -> Result<(), InstallError> {
    let path = backup_path(dir, name)?;
    if !path.is_file() {
        return Err(InstallError::Backup { name: name.to_string(), problem: BackupProblem::Missing });
    }
    remove_backup(&path).map_err(|e| InstallError::io(crate::IoAction::DeletingBackup, &path, e))
}

/// Deletes a backup and its signature file. The backup goes first: a
/// signature left without its backup is never listed or trusted alone.
pub fn remove_backup(path: &Path) -> io::Result<()> {
    fs::remove_file(path)?;
    match fs::remove_file(path.with_extension(SIGNATURE_EXT)) {
        Err(e) if e.kind() != io::ErrorKind::NotFound => Err(e),
        _ => Ok(()),
    }
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
/// renamed into place. Its signature file is written (also under a
/// temporary name) before that rename, so a backup never stands unsigned.
pub fn create_backup(
    conn: &rusqlite::Connection,
    db: &mut DbFileHandle,
    dir: &Path,
    name: &str,
    identity: &bemx_identity::Identity,
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
    let (guard, out) =
        TempFile::create(temp.clone()).map_err(|e| InstallError::io(crate::IoAction::Creating, &temp, e))?;
    let (size, db_bytes, sha256) = write_and_verify(db, out, &temp, &identity.recipient(), identity.age_identity())?;
    let statement = BackupStatement { name: name.into(), installation: identity.installation_id(), sha256, db_bytes };
    let sig_path = signature_path(dir, name)?;
    let sig_temp = dir.join(format!(".{name}.sig.partial"));
    let _ = fs::remove_file(&sig_temp);
    let (sig_guard, mut sig_out) =
        TempFile::create(sig_temp.clone()).map_err(|e| InstallError::io(crate::IoAction::Creating, &sig_temp, e))?;
    let sig_err = |e| InstallError::io(crate::IoAction::WritingBackupSignature, &sig_temp, e);
    sig_out.write_all(&signature_file(&statement, identity)).map_err(sig_err)?;
    sig_out.sync_all().map_err(sig_err)?;
    drop(sig_out);
    sig_guard
        .persist(&sig_path)
        .map_err(|e| InstallError::io(crate::IoAction::RenamingBackupSignature, &sig_path, e))?;
    guard.persist(&path).map_err(|e| InstallError::io(crate::IoAction::RenamingBackup, &path, e))?;
    Ok(BackupInfo {
        name: name.into(),
        path,
        size,
        db_bytes,
        safety: name.starts_with(SAFETY_PREFIX),
        kind: BackupKind::of(name),
        created: bemx_format::time::rfc3339(bemx_format::time::now()),
        signed: true,
    })
}

fn write_and_verify(
    db: &mut DbFileHandle,
    out: File,
    temp: &Path,
    recipient: &age::x25519::Recipient,
    identity: &age::x25519::Identity,
) -> Result<(u64, u64, [u8; 32]), InstallError> {
    use std::io::Seek;
    let io_err = |e| InstallError::io(crate::IoAction::WritingBackup, temp, e);
    db.file.rewind().map_err(|e| InstallError::io(crate::IoAction::Reading, &db.path, e))?;
    let encryptor = age::Encryptor::with_recipients(std::iter::once(recipient as &dyn age::Recipient))
        .map_err(|e| InstallError::io(crate::IoAction::EncryptingBackup, temp, io::Error::other(e.to_string())))?;
    let counting = Counting { inner: BufWriter::with_capacity(1 << 20, out), count: 0 };
    let age_out = encryptor.wrap_output(counting).map_err(io_err)?;
    let mut zstd_out = zstd::stream::write::Encoder::new(age_out, 3).map_err(io_err)?;
    // One thread: a backup runs while the database is locked anyway, and
    // each zstd worker holds its own job buffers (peak RSS over 100 MiB
    // with two on a 500 MB database).

    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 1 << 20];
    let mut db_bytes = 0u64;
    loop {
        let n = db.file.read(&mut buf).map_err(|e| InstallError::io(crate::IoAction::Reading, &db.path, e))?;
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
    Ok((size, db_bytes, expected))
}

/// Decrypts and decompresses a backup into `sink`.
pub fn decrypt_backup(
    path: &Path,
    identity: &age::x25519::Identity,
    sink: &mut dyn Write,
) -> Result<u64, InstallError> {
    let name = path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
    let bad = |problem| InstallError::Backup { name: name.clone(), problem };
    let file = File::open(path).map_err(|e| InstallError::io(crate::IoAction::OpeningBackup, path, e))?;
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

/// Lists backups, sorted by name (names sort by time within each kind),
/// each marked with whether its signature file verifies for this
/// installation. Signature files themselves are not backups and not listed.
pub fn list_backups(dir: &Path, identity: &bemx_identity::Identity) -> Result<Vec<BackupInfo>, InstallError> {
    let mut list = scan_backups(dir)?;
    for b in &mut list {
        b.signed = verify_signature(dir, &b.name, identity).is_ok();
    }
    Ok(list)
}

/// The `.bemxbak` files in `dir`, unchecked.
pub fn scan_backups(dir: &Path) -> Result<Vec<BackupInfo>, InstallError> {
    let mut out = Vec::new();
    let entries = match fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(out),
        Err(e) => return Err(InstallError::io(crate::IoAction::Listing, dir, e)),
    };
    for entry in entries {
        let entry = entry.map_err(|e| InstallError::io(crate::IoAction::Listing, dir, e))?;
        let path = entry.path();
        let Some(name) =
            path.file_name().and_then(|n| n.to_str()).and_then(|n| n.strip_suffix(&format!(".{BACKUP_EXT}")))
        else {
            continue;
        };
        if check_name(name).is_err() {
            continue;
        }
        let meta = entry.metadata().ok();
        let created = meta
            .as_ref()
            .and_then(|m| m.modified().ok())
            .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
            .map(|d| bemx_format::time::rfc3339(d.as_secs()))
            .unwrap_or_default();
        out.push(BackupInfo {
            name: name.to_string(),
            safety: name.starts_with(SAFETY_PREFIX),
            kind: BackupKind::of(name),
            created,
            path,
            size: meta.map_or(0, |m| m.len()),
            db_bytes: 0,
            signed: false,
        });
    }
    out.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(out)
}

/// Which backups to keep after an import (spec/DESIGN.md B6).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum Retention {
    /// The original procedure: delete every backup except SICHERHEITSBACKUPs,
    /// so that no older backup can bring back a state before the import;
    /// and of those only the newest `newest` (at least the one just taken),
    /// so the folder stays bounded however many imports there are.
    KeepSafety {
        /// How many SICHERHEITSBACKUPs stay.
        newest: usize,
    },
    /// Delete nothing.
    KeepAll,
}

/// How many SICHERHEITSBACKUPs an import keeps unless told otherwise: the
/// last few imports can each be undone, and a 2.7 GB database does not
/// fill a disk with one backup per import.
pub const DEFAULT_SAFETY_KEPT: u16 = 5;

impl Default for Retention {
    fn default() -> Self {
        Retention::KeepSafety { newest: usize::from(DEFAULT_SAFETY_KEPT) }
    }
}

/// The backups `retention` deletes from `list` (sorted by name, which is
/// by time within each kind) after an import took `just_taken`: what
/// [`apply_retention`] does and what an import's preview shows. The backup
/// just taken is never among them, even if the clock went back and older
/// names sort after it.
pub fn retention_victims<'a>(list: &'a [BackupInfo], retention: Retention, just_taken: &str) -> Vec<&'a BackupInfo> {
    let Retention::KeepSafety { newest } = retention else {
        return Vec::new();
    };
    let older: Vec<&BackupInfo> = list.iter().filter(|b| b.safety && b.name != just_taken).collect();
    let keep_from = older.len().saturating_sub(newest.max(1) - 1);
    let too_old = &older[..keep_from];
    list.iter().filter(|b| b.name != just_taken && (!b.safety || too_old.iter().any(|o| o.name == b.name))).collect()
}

/// Applies `retention` after the import that took `just_taken` and returns
/// the names deleted.
pub fn apply_retention(dir: &Path, retention: Retention, just_taken: &str) -> Result<Vec<String>, InstallError> {
    let list = scan_backups(dir)?;
    let mut deleted = Vec::new();
    for b in retention_victims(&list, retention, just_taken) {
        remove_backup(&b.path).map_err(|e| InstallError::io(crate::IoAction::DeletingOldBackup, &b.path, e))?;
        deleted.push(b.name.clone());
    }
    Ok(deleted)
}

/// The bundle a SICHERHEITSBACKUP was taken for: the 8 hex characters its
/// name ends with (`SICHERHEITSBACKUP-<time>-<id8>`, maybe `-<n>` after).
fn safety_bundle(name: &str) -> Option<&str> {
    let rest = name.strip_prefix(SAFETY_PREFIX)?.strip_prefix('-')?;
    let mut parts = rest.split('-');
    let (_time, id8) = (parts.next()?, parts.next()?);
    match parts.next() {
        Some(n) if !n.bytes().all(|b| b.is_ascii_digit()) => return None,
        _ => {}
    }
    (parts.next().is_none() && id8.len() == 8).then_some(id8)
}

/// The SICHERHEITSBACKUPs that earlier attempts at importing bundle
/// `bundle_hex` left behind (a killed import cannot remove its own),
/// except those named in `keep` (the backups of imports that committed).
/// An import of that bundle deletes them when it takes its own, so that
/// retries never leave more than one (issue 20).
pub fn abandoned_safety_backups(
    dir: &Path,
    bundle_hex: &str,
    keep: &[String],
) -> Result<Vec<BackupInfo>, InstallError> {
    let Some(id8) = bundle_hex.get(..8) else { return Ok(Vec::new()) };
    let mut list = scan_backups(dir)?;
    list.retain(|b| safety_bundle(&b.name) == Some(id8) && !keep.contains(&b.name));
    Ok(list)
}

/// How much room the backups take, against the free space of their disk.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct BackupUsage {
    /// Number of backups.
    pub count: usize,
    /// Their total size in bytes.
    pub total: u64,
    /// Bytes free on their disk.
    pub free: u64,
}

/// Backups may take this share (in percent) of the free space before bemx
/// warns: past it, the next safety backup may no longer fit.
pub const CROWDED_PERCENT: u64 = 50;

impl BackupUsage {
    /// Whether the backups take more than [`CROWDED_PERCENT`] of the free space.
    pub fn crowded(&self) -> bool {
        u128::from(self.total) * 100 > u128::from(self.free) * u128::from(CROWDED_PERCENT)
    }

    /// What to tell the user when [`Self::crowded`].
    pub fn warning(&self) -> String {
        crate::i18n::fl!(
            "install-backup-usage-warning",
            count = self.count,
            total = crate::space::human_bytes(self.total),
            free = crate::space::human_bytes(self.free)
        )
    }
}

/// The backups' total size and the free space beside them.
pub fn usage(dir: &Path) -> Result<BackupUsage, InstallError> {
    let list = scan_backups(dir)?;
    let probe = if dir.exists() { dir } else { dir.parent().unwrap_or(dir) };
    let free =
        crate::space::available(probe).map_err(|e| InstallError::io(crate::IoAction::FindingFreeSpace, dir, e))?;
    Ok(BackupUsage { count: list.len(), total: list.iter().map(|b| b.size).sum(), free })
}

/// The room a backup of the database needs: at most the database's size
/// (zstd never makes it notably larger; age adds 16 bytes per 64 KiB).
pub fn need(db: &DbFileHandle, dir: &Path) -> Result<crate::space::Need, InstallError> {
    let len = db.file.metadata().map_err(|e| InstallError::io(crate::IoAction::Reading, &db.path, e))?.len();
    Ok(crate::space::Need {
        path: dir.to_path_buf(),
        bytes: len + len / 4096 + (64 << 10),
        purpose: crate::space::Purpose::Backup,
    })
}

fn create_private_dir(dir: &Path) -> Result<(), InstallError> {
    bemx_format::durable::create_private_dir(dir).map_err(|e| InstallError::io(crate::IoAction::Creating, dir, e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backups_crowd_the_disk_past_half_the_free_space() {
        let at = |total, free| BackupUsage { count: 1, total, free }.crowded();
        assert!(!at(50, 100), "exactly the share is not yet crowded");
        assert!(at(51, 100));
        assert!(!at(0, 0));
        assert!(at(1, 0));
        assert!(!at(u64::MAX / 2, u64::MAX), "no overflow");
        assert!(at(u64::MAX, u64::MAX));
    }
}
