//! An installation's folder and what lives in it.

use std::path::{Path, PathBuf};

/// Default database file name inside the installation folder.
pub const DB_FILE: &str = "bemdok.sqlite";
/// Folder of encrypted backups.
pub const BACKUPS_DIR: &str = "backups";
/// Import ledger kept outside the database (survives a restore).
pub const IMPORT_LEDGER_FILE: &str = "import-ledger.log";
/// Handover journal kept outside the database (survives a restore).
pub const HANDOVER_JOURNAL_FILE: &str = "handover-journal.log";
/// Lock file that makes bemx processes exclusive per installation.
pub const LOCK_FILE: &str = "bemx.lock";
/// bemx's records (handovers, import ledger, audit log, the profile) of an
/// installation on a host database whose schema stays untouched: attached
/// to the host database and committed with it (DESIGN.md §17.6).
pub const RECORDS_FILE: &str = "records.sqlite";

/// The folders and files of one installation.
#[derive(Debug, Clone)]
pub struct Home {
    root: PathBuf,
    db: PathBuf,
    /// [`Home::locate`] found a records file but could not read the host
    /// database it names (another bemx held it): `db` is a guess.
    host_unread: bool,
}

impl Home {
    /// An installation at `root`, with its database at `db` or the default place.
    pub fn new(root: impl Into<PathBuf>, db: Option<PathBuf>) -> Self {
        let root = root.into();
        let db = db.unwrap_or_else(|| root.join(DB_FILE));
        Self { root, db, host_unread: false }
    }

    /// [`Home::new`], except that an installation that keeps its records
    /// apart from a host database ([`RECORDS_FILE`]) works on that host
    /// database when no `db` is given: the one its records name. So only
    /// `init` needs `--db`. A records file that cannot be read leaves the
    /// default, and opening the database is then refused as busy rather
    /// than worked on at the wrong place.
    pub fn locate(root: impl Into<PathBuf>, db: Option<PathBuf>) -> Self {
        let root = root.into();
        let records = root.join(RECORDS_FILE);
        if db.is_some() || !records.is_file() {
            return Self::new(root, db);
        }
        match bemx_db::recorded_host(&records) {
            Ok(host) => Self::new(root, Some(host)),
            Err(_) => Self { host_unread: true, ..Self::new(root, None) },
        }
    }

    /// The platform's data folder for bemx: `%APPDATA%\bemx` on Windows,
    /// `$XDG_DATA_HOME/bemx` or `~/.local/share/bemx` elsewhere.
    pub fn default_root() -> Option<PathBuf> {
        #[cfg(windows)]
        {
            std::env::var_os("APPDATA").map(|d| PathBuf::from(d).join("bemx"))
        }
        #[cfg(not(windows))]
        {
            if let Some(d) = std::env::var_os("XDG_DATA_HOME").filter(|d| !d.is_empty()) {
                return Some(PathBuf::from(d).join("bemx"));
            }
            std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".local/share/bemx"))
        }
    }

    /// Whether any part of an installation (identity or database) is here:
    /// a new one must not be set up over it.
    pub fn exists(&self) -> bool {
        self.has_identity() || self.db.exists()
    }

    /// Whether the folder holds an identity: for `init --profile`, whose
    /// database is a host program's and exists before the installation.
    pub fn has_identity(&self) -> bool {
        bemx_identity::IdentityPaths::new(&self.root).dir.exists()
    }

    /// Removes what a killed bemx left behind — above all a restore's
    /// plaintext copy of the database — at the start of every command and
    /// of the app, not only of those that take the lock anyway (issue
    /// 13.16: no plaintext temp file outlives a crash past the next start).
    /// Taking the lock is what makes the files provably stale; while
    /// another bemx process holds it they may be its own work in progress,
    /// so they are left alone.
    pub fn clean_leftovers(&self) {
        if self.root.is_dir() && self.has_leftovers() {
            // Failing to lock (busy, read-only folder) must not stop a
            // command that does not need the lock; the next start tries again.
            let _ = self.lock();
        }
    }

    /// Brings the database and the installation's record files into
    /// agreement (see [`crate::Session::open_locked`]), so that what a
    /// listing shows is never a state the journal has overtaken — after a
    /// restore made by hand, say. Skipped while another bemx process holds
    /// the installation: that one reconciles before it acts. Another
    /// installation's database (`--db`) is left as it is: this
    /// installation's records are not applied to it.
    pub fn reconcile(&self) -> Result<(), crate::InstallError> {
        if !self.root.is_dir() || !self.db.exists() {
            return Ok(());
        }
        let lock = match self.lock() {
            Ok(lock) => lock,
            Err(crate::InstallError::Busy) => return Ok(()),
            Err(e) => return Err(e),
        };
        match crate::Session::open_locked(self, &lock) {
            Ok(_) | Err(crate::InstallError::ForeignDatabase { .. }) => Ok(()),
            Err(e) => Err(e),
        }
    }

    /// The installation folder.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The database file.
    pub fn db_path(&self) -> &Path {
        &self.db
    }

    /// The records file of an installation on a host database whose schema
    /// stays untouched ([`RECORDS_FILE`]).
    pub fn records_path(&self) -> PathBuf {
        self.root.join(RECORDS_FILE)
    }

    /// Whether this installation keeps its records in [`RECORDS_FILE`]
    /// instead of in the database it works on.
    pub fn keeps_records_apart(&self) -> bool {
        self.records_path().is_file()
    }

    /// Opens the installation's database: the database file, with the
    /// records file attached where the installation keeps one. The records
    /// name the host database they belong to; another one (`--db`) is
    /// refused, so this installation's handovers and ledger are never
    /// applied to, nor committed with, a database they do not describe.
    pub fn open_database(&self) -> Result<bemx_db::Database, crate::InstallError> {
        if !self.keeps_records_apart() {
            return Ok(bemx_db::Database::open(&self.db)?);
        }
        let records = self.records_path();
        let recorded = bemx_db::recorded_host(&records)?;
        if self.host_unread {
            // Readable now, but this command was located without it.
            return Err(crate::InstallError::Busy);
        }
        let given = self.db.canonicalize().map_err(|_| bemx_db::DbError::NotFound { path: self.db.clone() })?;
        if given != recorded {
            return Err(crate::InstallError::HostElsewhere { recorded, given: self.db.clone() });
        }
        Ok(bemx_db::Database::open_with_records(&self.db, Some(&records))?)
    }

    /// [`Home::open_database`] on another file that stands for the
    /// installation's database — a restore's decrypted copy — with the
    /// records attached where the installation keeps them apart.
    pub fn open_database_as(&self, db: &Path) -> Result<bemx_db::Database, crate::InstallError> {
        let records = self.records_path();
        let records = self.keeps_records_apart().then_some(records.as_path());
        Ok(bemx_db::Database::open_with_records(db, records)?)
    }

    /// The backups folder.
    pub fn backups_dir(&self) -> PathBuf {
        self.root.join(BACKUPS_DIR)
    }

    /// The import ledger file.
    pub fn import_ledger_path(&self) -> PathBuf {
        self.root.join(IMPORT_LEDGER_FILE)
    }

    /// The handover journal file.
    pub fn handover_journal_path(&self) -> PathBuf {
        self.root.join(HANDOVER_JOURNAL_FILE)
    }

    /// The lock file.
    pub fn lock_path(&self) -> PathBuf {
        self.root.join(LOCK_FILE)
    }

    /// Where a restore decrypts a backup before it replaces the database.
    pub fn restore_temp_path(&self) -> PathBuf {
        bemx_format::durable::parent_dir(&self.db).join(RESTORE_TEMP_FILE)
    }

    /// SQLite's rollback journal of the database (present while a write is
    /// in progress or was interrupted, or kept empty by a purge whose scrub
    /// failed; see [`bemx_db::journal_is_hot`]).
    pub fn db_journal_path(&self) -> PathBuf {
        let mut s = self.db.as_os_str().to_owned();
        s.push("-journal");
        PathBuf::from(s)
    }

    /// Whether a killed process left files [`Home::lock`] removes: the
    /// restore's plaintext copy or its journal, or a partial backup.
    pub fn has_leftovers(&self) -> bool {
        let temp = self.restore_temp_path();
        temp.exists()
            || bemx_db::journal_path(&temp).exists()
            || std::fs::read_dir(self.backups_dir()).is_ok_and(|entries| {
                entries.flatten().any(|e| {
                    let name = e.file_name();
                    let name = name.to_string_lossy();
                    name.starts_with('.') && name.ends_with(".partial")
                })
            })
    }

    /// Takes the installation lock and removes what a killed process may
    /// have left: a half-decrypted restore (plaintext health data, which
    /// must not stay on disk), its rollback journal, and partial backups.
    /// Only the lock holder writes these files, so any found now are stale.
    /// The plaintext ones are overwritten before they are removed; a
    /// failure is not fatal here, as the next lock tries again.
    pub fn lock(&self) -> Result<crate::InstallLock, crate::InstallError> {
        let lock = crate::InstallLock::acquire(&self.lock_path())?;
        let temp = self.restore_temp_path();
        let _ = bemx_db::wipe_file(&bemx_db::journal_path(&temp));
        let _ = bemx_db::wipe_file(&temp);
        if let Ok(entries) = std::fs::read_dir(self.backups_dir()) {
            for entry in entries.flatten() {
                let name = entry.file_name();
                let name = name.to_string_lossy();
                if name.starts_with('.') && name.ends_with(".partial") {
                    let _ = std::fs::remove_file(entry.path());
                }
            }
        }
        Ok(lock)
    }
}

/// File name of a restore in progress, beside the database.
pub const RESTORE_TEMP_FILE: &str = ".bemx-restoring.sqlite";

#[cfg(test)]
mod tests {
    use super::*;

    /// An installation on a Chinook database whose schema stays untouched,
    /// its records at `<dir>/home/records.sqlite`; returns the host's path.
    fn untouched(dir: &Path) -> PathBuf {
        let host = dir.join("chinook.sqlite");
        let mut conn = rusqlite::Connection::open(&host).unwrap();
        let opts = bemx_demo::hosts::HostOptions { clients: 2, seed: 1 };
        bemx_demo::hosts::chinook::create(&mut conn, &opts).unwrap();
        drop(conn);
        let text =
            bemx_demo::hosts::chinook::PROFILE.replacen("host_schema = \"bemx\"", "host_schema = \"untouched\"", 1);
        let profile = bemx_db::Profile::from_toml(&text).unwrap();
        let home = Home::new(dir.join("home"), Some(host.clone()));
        crate::setup::create_on_host(&home, "Praxis", None, &profile).unwrap();
        host
    }

    /// Records kept apart name their host database: found without `--db`,
    /// another one refused; and while another bemx holds the records, a
    /// command that could not read them is refused as busy instead of
    /// working on the default place.
    #[test]
    fn records_kept_apart_locate_their_host_database() {
        let dir = tempfile::tempdir().unwrap();
        let host = untouched(dir.path());
        let root = dir.path().join("home");
        let home = Home::locate(&root, None);
        assert_eq!(home.db_path(), host.canonicalize().unwrap());
        home.open_database().unwrap();

        let other = dir.path().join("other.sqlite");
        std::fs::copy(&host, &other).unwrap();
        match Home::locate(&root, Some(other.clone())).open_database() {
            Err(crate::InstallError::HostElsewhere { recorded, given }) => {
                assert_eq!(recorded, host.canonicalize().unwrap());
                assert_eq!(given, other);
            }
            other => panic!("{other:?}"),
        }

        let holder = rusqlite::Connection::open(root.join(RECORDS_FILE)).unwrap();
        holder.execute_batch("BEGIN EXCLUSIVE").unwrap();
        let located = Home::locate(&root, None);
        holder.execute_batch("COMMIT").unwrap();
        assert!(matches!(located.open_database(), Err(crate::InstallError::Busy)));
        Home::locate(&root, None).open_database().unwrap();
    }
}
