//! Host databases bemx did not design: publicly known sample schemas with
//! generated rows and a profile for each, so the tests hand clients over
//! between two copies of a schema written elsewhere (issue 17, item 5).
//!
//! The schemas keep their authors' tables, columns, types and keys (each
//! `.sql` file names its source and licence); the rows are generated, with
//! the same PRNG as the rest of this crate, so equal seeds give equal data.

pub mod chinook;
pub mod sakila;

/// Creates `schema` in an empty database and fills it, in one transaction.
fn create_with(
    conn: &mut rusqlite::Connection,
    schema: &str,
    opts: &HostOptions,
    fill: fn(&rusqlite::Connection, &HostOptions) -> rusqlite::Result<()>,
) -> crate::Result<u32> {
    let tx = conn.transaction().map_err(bemx_db::DbError::from)?;
    tx.execute_batch(schema).map_err(bemx_db::DbError::from)?;
    fill(&tx, opts).map_err(bemx_db::DbError::from)?;
    tx.commit().map_err(bemx_db::DbError::from)?;
    Ok(opts.clients)
}

/// What to generate in a host database.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HostOptions {
    /// Number of clients (the profile's root rows) to add.
    pub clients: u32,
    /// PRNG seed; equal seeds give equal data.
    pub seed: u64,
}
