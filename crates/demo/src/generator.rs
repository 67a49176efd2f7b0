//! State shared while generating: the PRNG, the catalogue ids, the BEM-IDs
//! already taken, and the writer that counts rows.

use std::collections::HashSet;

use rusqlite::{Connection, Params};

use crate::calendar::today;
use crate::catalogues::Catalogues;
use crate::error::Result;
use crate::rng::Rng;
use crate::{SeedOptions, SeedReport};

/// Inserts client-owned rows and counts them for [`SeedReport::rows`].
#[derive(Debug)]
pub(crate) struct Rows<'c> {
    conn: &'c Connection,
    count: u64,
}

impl Rows<'_> {
    /// Inserts one row, returns its id. The statements come from the
    /// connection's statement cache: a demo run inserts into about fifteen
    /// tables in turn, which the cache holds, so each is prepared once.
    pub(crate) fn insert(&mut self, sql: &str, params: impl Params) -> Result<i64> {
        let id = self.conn.prepare_cached(sql)?.insert(params)?;
        self.count += 1;
        Ok(id)
    }
}

/// One run of the generator over one transaction.
///
/// The draw order of [`Rng`] is part of the output: every function here
/// draws its values in a fixed order, and reordering two draws changes the
/// data of every seed.
#[derive(Debug)]
pub(crate) struct Generator<'c> {
    pub(crate) rng: Rng,
    pub(crate) opts: &'c SeedOptions,
    pub(crate) cat: Catalogues,
    pub(crate) rows: Rows<'c>,
    pub(crate) today: i64,
    /// BEM-IDs in the database or given in this run: they are unique.
    pub(crate) used_bem_ids: HashSet<String>,
    /// Reused for every document, whose sizes go up to 256 MiB.
    pub(crate) doc_buf: Vec<u8>,
    pub(crate) documents: u64,
    pub(crate) document_bytes: u64,
}

impl<'c> Generator<'c> {
    pub(crate) fn new(conn: &'c Connection, opts: &'c SeedOptions, cat: Catalogues) -> Result<Self> {
        let used_bem_ids = {
            let mut s = conn.prepare("SELECT bem_id FROM clients")?;
            s.query_map([], |r| r.get(0))?.collect::<rusqlite::Result<HashSet<String>>>()?
        };
        Ok(Generator {
            rng: Rng::new(opts.seed),
            opts,
            cat,
            rows: Rows { conn, count: 0 },
            today: today(),
            used_bem_ids,
            doc_buf: Vec::new(),
            documents: 0,
            document_bytes: 0,
        })
    }

    /// What this run inserted.
    pub(crate) fn report(&self) -> SeedReport {
        SeedReport {
            clients: self.opts.clients,
            rows: self.rows.count,
            documents: self.documents,
            document_bytes: self.document_bytes,
            extra_action_code: self.cat.extra_action_code.to_owned(),
        }
    }
}
