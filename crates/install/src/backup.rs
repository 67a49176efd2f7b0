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
/// A signature file is read no further than this, so a huge or endless one
/// never fills memory. A genuine one is at most 437 bytes: the statement of
/// a valid name (128 bytes at most) and its signature line.
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
    // A longer file needs no refusal of its own, as no input could tell one
    // from this: cut at the limit, it fails the checks below as BadSignature
    // like any other bad file, since nothing near 4096 bytes can hold a
    // statement we signed for this name.
    file.take(MAX_SIGNATURE_FILE)
        .read_to_end(&mut raw)
        .map_err(|e| InstallError::io(crate::IoAction::ReadingSignature, &path, e))?;
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

pub(crate) fn create_private_dir(dir: &Path) -> Result<(), InstallError> {
    bemx_format::durable::create_private_dir(dir).map_err(|e| InstallError::io(crate::IoAction::Creating, dir, e))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Home, InstallLock, Session};

    /// An installation with a fresh database, its identity and lock.
    fn site() -> (tempfile::TempDir, Home, bemx_identity::Identity, InstallLock) {
        let dir = tempfile::tempdir().unwrap();
        let home = Home::new(dir.path().join("home"), None);
        fs::create_dir_all(home.root()).unwrap();
        let identity = bemx_identity::Identity::generate("Praxis").unwrap();
        bemx_db::Database::create(home.db_path(), &identity.installation_id().to_string()).unwrap();
        let lock = home.lock().unwrap();
        (dir, home, identity, lock)
    }

    /// Takes backup `name` as every command does: under the lock, inside
    /// a transaction that has written nothing yet.
    fn take(home: &Home, lock: &InstallLock, id: &bemx_identity::Identity, name: &str) -> BackupInfo {
        let (mut session, _) = Session::open_locked(home, lock).unwrap();
        let Session { db, file } = &mut session;
        let tx = crate::lock::begin_exclusive(db.conn_mut()).unwrap();
        let info = create_backup(&tx, file, &home.backups_dir(), name, id).unwrap();
        tx.commit().unwrap();
        info
    }

    fn problem(e: InstallError) -> BackupProblem {
        match e {
            InstallError::Backup { problem, .. } => problem,
            other => panic!("{other:?}"),
        }
    }

    /// What `dir` holds, names and contents, to show a refusal left it as it was.
    fn contents(dir: &Path) -> Vec<(String, Vec<u8>)> {
        let mut out: Vec<_> = fs::read_dir(dir)
            .unwrap()
            .map(|e| {
                let path = e.unwrap().path();
                let bytes = if path.is_dir() { b"(folder)".to_vec() } else { fs::read(&path).unwrap() };
                (path.file_name().unwrap().to_string_lossy().into_owned(), bytes)
            })
            .collect();
        out.sort();
        out
    }

    /// Whether `name` passes as a backup name, for the path of the backup
    /// and of its signature alike.
    fn name_ok(name: &str) -> bool {
        let dir = Path::new("backups");
        let verdicts = [backup_path(dir, name), signature_path(dir, name)].map(|r| match r {
            Ok(_) => true,
            Err(InstallError::Backup { problem: BackupProblem::BadName, .. }) => false,
            Err(other) => panic!("{other:?}"),
        });
        assert_eq!(verdicts[0], verdicts[1], "{name:?}");
        verdicts[0]
    }

    /// DESIGN.md §3: backup names are 1–128 bytes.
    #[test]
    fn a_backup_name_is_1_to_128_bytes_long() {
        assert!(name_ok("a"));
        assert!(name_ok(&"a".repeat(128)));
        assert!(!name_ok(&"a".repeat(129)));
        assert!(!name_ok(""));
    }

    /// DESIGN.md §3: backup names hold only `A–Z a–z 0–9 - _`.
    #[test]
    fn a_backup_name_holds_only_letters_digits_hyphens_and_underscores() {
        assert!(name_ok("SICHERHEITSBACKUP-20260101T000000Z-abcdef01-2"));
        assert!(name_ok("my_copy_2"));
        assert!(name_ok("AZaz09-_"));
        for bad in ["a/b", "a\\b", "..", "a.b", "a b", "a\nb", "a:b", "\u{e4}", "a\0"] {
            assert!(!name_ok(bad), "{bad:?} passed as a backup name");
        }
    }

    /// DESIGN.md §3: a backup name does not start with `-` (an option to
    /// any tool it is handed to).
    #[test]
    fn a_backup_name_does_not_start_with_a_hyphen() {
        assert!(!name_ok("-backup"));
        assert!(name_ok("backup-"));
    }

    /// DESIGN.md §3: files of other names are not deleted, so no name can
    /// reach outside the backups folder.
    #[test]
    fn a_backup_name_with_a_path_separator_is_refused_and_nothing_is_deleted() {
        let (_dir, home, id, lock) = site();
        let dir = home.backups_dir();
        take(&home, &lock, &id, "backup-1");
        let outside = home.root().join("victim.bemxbak");
        fs::write(&outside, b"not a backup of ours").unwrap();
        let before = contents(&dir);
        let e = delete_backup(&dir, &lock, "../victim").unwrap_err();
        assert_eq!(problem(e), BackupProblem::BadName);
        assert!(outside.is_file(), "a file outside the folder was deleted");
        assert_eq!(contents(&dir), before);
    }

    /// A file that is not there is the one case of an unsigned backup; any
    /// other failure to open its signature is reported as what it is.
    #[cfg(unix)] // Windows reports a file used as a folder as not found.
    #[test]
    fn a_signature_that_cannot_be_opened_is_an_error_not_an_unsigned_backup() {
        let dir = tempfile::tempdir().unwrap();
        let not_a_folder = dir.path().join("backups");
        fs::write(&not_a_folder, b"").unwrap();
        let id = bemx_identity::Identity::generate("Praxis").unwrap();
        match verify_signature(&not_a_folder, "backup-1", &id) {
            Err(InstallError::Io { action: crate::IoAction::OpeningSignature, .. }) => {}
            other => panic!("{other:?}"),
        }
        // The same folder without the side file: unsigned.
        let e = verify_signature(dir.path(), "backup-1", &id).unwrap_err();
        assert_eq!(problem(e), BackupProblem::Unsigned);
    }

    /// A signature file is read no further than 4096 bytes: one that never
    /// ends is refused, not read into memory.
    #[cfg(unix)] // /dev/zero
    #[test]
    fn a_signature_file_that_never_ends_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        std::os::unix::fs::symlink("/dev/zero", dir.path().join("backup-1.bemxsig")).unwrap();
        let id = bemx_identity::Identity::generate("Praxis").unwrap();
        let e = verify_signature(dir.path(), "backup-1", &id).unwrap_err();
        assert_eq!(problem(e), BackupProblem::BadSignature);
    }

    /// `backup delete NAME` removes the backup and its signature file.
    #[test]
    fn deleting_a_backup_removes_it_and_its_signature() {
        let (_dir, home, id, lock) = site();
        let dir = home.backups_dir();
        let kept = take(&home, &lock, &id, "backup-1");
        let gone = take(&home, &lock, &id, "backup-2");
        delete_backup(&dir, &lock, &gone.name).unwrap();
        let names: Vec<String> = contents(&dir).into_iter().map(|(n, _)| n).collect();
        assert_eq!(names, [format!("{}.bemxbak", kept.name), format!("{}.bemxsig", kept.name)]);
    }

    /// Deleting a backup that is not there is refused as missing, and
    /// deletes nothing else.
    #[test]
    fn deleting_a_missing_backup_is_refused_as_missing() {
        let (_dir, home, id, lock) = site();
        let dir = home.backups_dir();
        take(&home, &lock, &id, "backup-1");
        // A signature left without its backup is no backup either.
        fs::write(dir.join("backup-2.bemxsig"), b"left behind").unwrap();
        let before = contents(&dir);
        for name in ["backup-3", "backup-2"] {
            let e = delete_backup(&dir, &lock, name).unwrap_err();
            assert_eq!(problem(e), BackupProblem::Missing, "{name}");
            assert_eq!(contents(&dir), before, "{name}");
        }
    }

    /// A backup whose signature file is missing (made before B5, or by
    /// hand) is removed all the same.
    #[test]
    fn a_backup_without_a_signature_is_removed_all_the_same() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("backup-1.bemxbak");
        fs::write(&path, b"x").unwrap();
        remove_backup(&path).unwrap();
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 0);
    }

    /// A signature file that cannot be removed is reported, after its
    /// backup went (a signature alone is never listed or trusted).
    #[test]
    fn a_signature_that_cannot_be_removed_is_reported_after_its_backup_went() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("backup-1.bemxbak");
        fs::write(&path, b"x").unwrap();
        // A folder in the signature's place cannot be removed as a file.
        fs::create_dir(dir.path().join("backup-1.bemxsig")).unwrap();
        let e = remove_backup(&path).unwrap_err();
        assert_ne!(e.kind(), io::ErrorKind::NotFound, "{e}");
        assert!(!path.exists(), "the backup stayed");
        assert!(dir.path().join("backup-1.bemxsig").is_dir());
    }

    /// What passes through the counting writer reaches the writer under it
    /// when flushed.
    #[test]
    fn counting_passes_flush_to_the_writer_under_it() {
        let mut counting = Counting { inner: BufWriter::new(Vec::new()), count: 0 };
        counting.write_all(b"abc").unwrap();
        assert!(counting.inner.get_ref().is_empty(), "BufWriter flushed early: the test proves nothing");
        counting.flush().unwrap();
        assert_eq!(counting.inner.get_ref(), b"abc");
    }

    /// A backup reports the size of its file and of the database it holds.
    #[test]
    fn a_backup_reports_the_size_of_its_file_and_of_its_database() {
        let (_dir, home, id, lock) = site();
        let info = take(&home, &lock, &id, "backup-1");
        assert_eq!(info.size, fs::metadata(&info.path).unwrap().len());
        assert_eq!(info.db_bytes, fs::metadata(home.db_path()).unwrap().len());
        assert!(info.size > 0);
    }

    /// A database that fails SQLite's quick_check is refused with what
    /// SQLite said, and no backup of it is written.
    #[test]
    fn a_damaged_database_is_not_backed_up() {
        let dir = tempfile::tempdir().unwrap();
        let db_path = dir.path().join("damaged.sqlite");
        let conn = rusqlite::Connection::open(&db_path).unwrap();
        // A NULL where the schema (rewritten behind SQLite's back) forbids one.
        conn.execute_batch(
            "CREATE TABLE t (x); INSERT INTO t VALUES (NULL);
             PRAGMA writable_schema = ON;
             UPDATE sqlite_master SET sql = 'CREATE TABLE t (x NOT NULL)' WHERE name = 't';",
        )
        .unwrap();
        drop(conn);
        let conn = rusqlite::Connection::open(&db_path).unwrap();
        let mut file = DbFileHandle::open(&db_path).unwrap();
        let backups = dir.path().join("backups");
        let id = bemx_identity::Identity::generate("Praxis").unwrap();
        match create_backup(&conn, &mut file, &backups, "backup-1", &id) {
            Err(InstallError::Damaged { result }) => assert!(result.contains("NULL"), "{result}"),
            other => panic!("{other:?}"),
        }
        assert!(!backups.exists(), "something was written");
    }

    /// A backup that decrypts to other bytes than the database's (a disk
    /// that returns what it was not given) is refused before it is named.
    #[test]
    fn a_backup_that_reads_back_other_bytes_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let key = age::x25519::Identity::generate();
        let db = |name: &str, byte: u8| {
            let path = dir.path().join(name);
            fs::write(&path, vec![byte; 10_000]).unwrap();
            DbFileHandle::open(&path).unwrap()
        };
        let written = dir.path().join("written.partial");
        let (_, len, sha) = write_and_verify(
            &mut db("a.sqlite", b'a'),
            File::create(&written).unwrap(),
            &written,
            &key.to_public(),
            &key,
        )
        .unwrap();
        assert_eq!((len, sha), (10_000, <[u8; 32]>::from(Sha256::digest([b'a'; 10_000]))));
        // The next backup's file reads back as the first one: same length, other bytes.
        let other = dir.path().join("other.partial");
        let e = write_and_verify(
            &mut db("b.sqlite", b'b'),
            File::create(&other).unwrap(),
            &written,
            &key.to_public(),
            &key,
        )
        .unwrap_err();
        assert_eq!(problem(e), BackupProblem::ReadBack);
        // What reads back the same bytes passes, wherever they came from.
        write_and_verify(&mut db("a2.sqlite", b'a'), File::create(&other).unwrap(), &written, &key.to_public(), &key)
            .unwrap();
    }

    /// A backups folder that is not there yet holds no backups.
    #[test]
    fn a_missing_backups_folder_holds_no_backups() {
        let dir = tempfile::tempdir().unwrap();
        assert!(scan_backups(&dir.path().join("backups")).unwrap().is_empty());
    }

    /// A backups folder that cannot be read is an error, not an empty list.
    #[cfg(unix)] // What Windows reports for a file used as a folder varies.
    #[test]
    fn a_backups_folder_that_cannot_be_read_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let not_a_folder = dir.path().join("backups");
        fs::write(&not_a_folder, b"").unwrap();
        match scan_backups(&not_a_folder) {
            Err(InstallError::Io { action: crate::IoAction::Listing, .. }) => {}
            other => panic!("{other:?}"),
        }
    }

    /// DESIGN.md §3: a SICHERHEITSBACKUP names its bundle by the 8 hex
    /// digits after its time, followed by nothing but a `-N` suffix.
    #[test]
    fn a_safety_backup_names_its_bundle_by_8_characters_after_its_time() {
        assert_eq!(safety_bundle("SICHERHEITSBACKUP-20260101T000000Z-abcdef01"), Some("abcdef01"));
        assert_eq!(safety_bundle("SICHERHEITSBACKUP-20260101T000000Z-abcdef01-2"), Some("abcdef01"));
        assert_eq!(safety_bundle("SICHERHEITSBACKUP-20260101T000000Z-abcdef0"), None);
        assert_eq!(safety_bundle("SICHERHEITSBACKUP-20260101T000000Z-abcdef012"), None);
        assert_eq!(safety_bundle("SICHERHEITSBACKUP-20260101T000000Z-abcdef01-x"), None);
        assert_eq!(safety_bundle("SICHERHEITSBACKUP-20260101T000000Z-abcdef01-2-3"), None);
        assert_eq!(safety_bundle("backup-20260101T000000Z-abcdef01"), None);
    }

    /// DESIGN.md S1: a backup needs the database's size, plus age's 16 bytes
    /// per 64 KiB, plus 64 KiB for the headers.
    #[test]
    fn a_backup_needs_the_database_size_plus_16_bytes_per_64_kib_plus_64_kib() {
        let dir = tempfile::tempdir().unwrap();
        let need_of = |len: u64| {
            let path = dir.path().join(format!("{len}.sqlite"));
            File::create(&path).unwrap().set_len(len).unwrap();
            let need = need(&DbFileHandle::open(&path).unwrap(), dir.path()).unwrap();
            assert_eq!((need.path.as_path(), need.purpose), (dir.path(), crate::space::Purpose::Backup));
            need.bytes
        };
        assert_eq!(need_of(0), 65_536);
        assert_eq!(need_of(1_048_576), 1_048_576 + 16 * 16 + 65_536);
        assert_eq!(need_of(1_048_576 + 65_535), 1_048_576 + 65_535 + 16 * 16 + 15 + 65_536);
    }

    /// The room asked for holds the backup of a database zstd cannot shrink.
    #[test]
    fn a_backup_of_incompressible_data_fits_the_room_it_needs() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("random.sqlite");
        // SHA-256 in counter mode: bytes zstd finds nothing in.
        let bytes: Vec<u8> = (0u32..32_768).flat_map(|i| Sha256::digest(i.to_le_bytes())).collect();
        fs::write(&path, &bytes).unwrap();
        let mut db = DbFileHandle::open(&path).unwrap();
        let key = age::x25519::Identity::generate();
        let out = dir.path().join("backup.partial");
        let (size, len, _) =
            write_and_verify(&mut db, File::create(&out).unwrap(), &out, &key.to_public(), &key).unwrap();
        assert_eq!(len, 1_048_576);
        assert!(size > len, "the data was compressible: the test proves nothing");
        assert!(size <= need(&db, dir.path()).unwrap().bytes, "{size}");
    }

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
