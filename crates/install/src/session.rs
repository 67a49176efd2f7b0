//! An open installation database, as every writing command holds it.

use std::fs::File;
use std::path::{Path, PathBuf};

use bemx_db::Database;

use crate::{Home, InstallError};

/// A read handle on the database file, opened once per session.
///
/// On POSIX systems closing any descriptor of a file drops every lock the
/// process holds on it, SQLite's included. This handle therefore must stay
/// open until the SQLite connection has been closed: [`Session`] keeps it
/// next to the connection and drops it after.
#[derive(Debug)]
pub struct DbFileHandle {
    pub(crate) file: File,
    pub(crate) path: PathBuf,
}

impl DbFileHandle {
    /// Opens the database file for reading.
    pub fn open(path: &Path) -> Result<Self, InstallError> {
        let file = File::open(path).map_err(|e| InstallError::io(crate::IoAction::Opening, path, e))?;
        Ok(Self { file, path: path.to_path_buf() })
    }
}

/// The database, its file handle, opened in the order that keeps SQLite's
/// POSIX locks intact (see [`DbFileHandle`]): fields drop in declaration
/// order, so the connection closes before the handle. A busy database is
/// refused at once instead of waited for.
#[derive(Debug)]
pub struct Session {
    /// The database.
    pub db: Database,
    /// The file under it, for backups.
    pub file: DbFileHandle,
}

impl Session {
    /// Opens the installation's database.
    pub fn open(home: &Home) -> Result<Self, InstallError> {
        let db = home.open_database()?;
        crate::lock::no_waiting(db.conn())?;
        let file = DbFileHandle::open(home.db_path())?;
        Ok(Self { db, file })
    }

    /// Opens the database under the installation lock and brings it and the
    /// record files into agreement first (every locked open: DESIGN.md R1):
    /// the ledger and journal lines a crash kept from their files are
    /// appended, then the journal is applied to the database — confirmed
    /// clients purged again, handovers the database does not know opened.
    /// So a restore made outside bemx, or one killed halfway, is repaired
    /// before any command acts on the database.
    pub fn open_locked(
        home: &Home,
        _lock: &crate::InstallLock,
    ) -> Result<(Self, crate::journal::Applied), InstallError> {
        let mut session = Self::open(home)?;
        // The records are this installation's: applied to another
        // installation's database (`--db`), they would purge or hand over
        // clients there (issue 13, item 5). A home without an identity has
        // nothing to compare with; every real installation has one.
        if let Ok(card) = bemx_identity::Identity::load_contact_card(home.root()) {
            let found = session.db.installation_id();
            if uuid::Uuid::parse_str(found).ok() != Some(card.installation_id) {
                return Err(InstallError::ForeignDatabase {
                    database: home.db_path().to_path_buf(),
                    found: found.to_owned(),
                    ours: card.installation_id.hyphenated().to_string(),
                });
            }
        }
        let applied = reconcile(home, session.db.conn_mut())?;
        Ok((session, applied))
    }

    /// Starts the exclusive transaction every writing command runs in.
    pub fn begin(&mut self) -> Result<rusqlite::Transaction<'_>, InstallError> {
        crate::lock::begin_exclusive(self.db.conn_mut())
    }
}

/// [`Session::open_locked`]'s agreement step, for a caller that holds the
/// lock and an open connection (the export).
pub fn reconcile(home: &Home, conn: &mut rusqlite::Connection) -> Result<crate::journal::Applied, InstallError> {
    // The journal may purge clients confirmed away: keep its journal to
    // overwrite it after the transaction.
    bemx_db::keep_journal_for_purge(conn)?;
    let result = reconcile_in(home, conn);
    // Every locked open, whether it purged, committed or failed: a journal
    // kept by a purge whose own scrub failed is overwritten here too.
    let scrubbed = bemx_db::scrub_journal(conn);
    let applied = result?;
    scrubbed?;
    Ok(applied)
}

fn reconcile_in(home: &Home, conn: &mut rusqlite::Connection) -> Result<crate::journal::Applied, InstallError> {
    let tx = crate::lock::begin_exclusive(conn)?;
    crate::ledger::reconcile_ledger(&tx, &home.import_ledger_path())?;
    crate::journal::reconcile(&tx, &home.handover_journal_path())?;
    let applied = crate::journal::apply(&tx, &home.handover_journal_path())?;
    tx.commit()?;
    crate::journal::purge_again(conn, &applied, true)?;
    Ok(applied)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::journal::{self, JournalEntry};

    /// The records are this installation's: another installation's
    /// database (`--db`) is refused as foreign, and neither that database
    /// nor the records are touched; the installation's own one opens.
    #[test]
    fn another_installations_database_is_refused_and_left_as_it_was() {
        let dir = tempfile::tempdir().unwrap();
        let home = Home::new(dir.path().join("home"), None);
        let id = crate::setup::create(&home, "Anna Schmidt", None).unwrap();
        let other_id = uuid::Uuid::new_v4();
        let other = Home::new(home.root(), Some(dir.path().join("other.sqlite")));
        let mut db = Database::create(other.db_path(), &other_id.to_string()).unwrap();
        let options = bemx_demo::SeedOptions { document_bytes: (16, 256), ..bemx_demo::SeedOptions::new(2, 7) };
        bemx_demo::seed_with(&mut db, &options).unwrap();
        let theirs: Vec<String> = db.clients_list(true).unwrap().into_iter().map(|c| c.uuid).collect();
        drop(db);
        // Applied there, this journal would purge that database's clients.
        let confirmed = JournalEntry::Confirmed { bundle_id: "ab".repeat(32), clients: theirs };
        journal::append_journal(&home.handover_journal_path(), &confirmed).unwrap();
        let lock = home.lock().unwrap();
        let bytes = std::fs::read(other.db_path()).unwrap();
        let records = [home.handover_journal_path(), home.import_ledger_path()].map(|p| std::fs::read(p).ok());

        match Session::open_locked(&other, &lock) {
            Err(InstallError::ForeignDatabase { database, found, ours }) => {
                assert_eq!(database, other.db_path());
                assert_eq!(found, other_id.hyphenated().to_string());
                assert_eq!(ours, id.installation_id().hyphenated().to_string());
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(std::fs::read(other.db_path()).unwrap(), bytes, "the foreign database changed");
        assert_eq!([home.handover_journal_path(), home.import_ledger_path()].map(|p| std::fs::read(p).ok()), records);
        Session::open_locked(&home, &lock).unwrap();
    }
}
