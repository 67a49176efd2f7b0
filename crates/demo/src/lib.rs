#![forbid(unsafe_code)]
//! bemx-demo: deterministic, realistic demo data for a bemx database.
//!
//! Kept out of `bemx-db`, the crate that ships the merge, so production
//! code carries no generator; `bemx demo`, `bemx db seed`, the benchmarks
//! and the tests depend on this crate instead.
//!
//! The same options always produce the same rows (own PRNG, fixed
//! reference date), so two demo installations with different seeds clash
//! on BEM-IDs and differ slightly in their catalogues — exactly the cases
//! a merge has to handle.
//!
//! Layout: [`seed_with`] seeds the catalogues (`catalogues`), then adds one
//! client after the other (`client`: the person, sick leave, documents,
//! consents, deletion schedule; `case`: cases, actions, measures, funding
//! applications, surveys). `generator` holds the state they share.

mod calendar;
mod case;
mod catalogues;
mod client;
mod error;
mod generator;
pub mod hosts;
pub mod i18n;
mod rng;
mod words;

use bemx_db::Database;

use crate::catalogues::Catalogues;
use crate::generator::Generator;

pub use error::{DemoError, Result};

/// What to generate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeedOptions {
    /// Number of clients to add.
    pub clients: u32,
    /// PRNG seed; equal seeds give equal data.
    pub seed: u64,
    /// Whether to generate documents at all.
    pub documents: bool,
    /// Upper bound of documents per client (uniform from 0).
    pub max_documents_per_client: u32,
    /// Document sizes are drawn from this inclusive byte range.
    pub document_bytes: (u32, u32),
}

impl SeedOptions {
    /// Realistic defaults: 0–5 documents of 50 KB – 2 MB per client.
    pub fn new(clients: u32, seed: u64) -> Self {
        SeedOptions {
            clients,
            seed,
            documents: true,
            max_documents_per_client: 5,
            document_bytes: (50 * 1024, 2 * 1024 * 1024),
        }
    }
}

/// What [`seed_with`] inserted.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct SeedReport {
    /// Clients inserted.
    pub clients: u32,
    /// Rows inserted into client-owned tables, clients included.
    pub rows: u64,
    /// Documents inserted.
    pub documents: u64,
    /// Their total size.
    pub document_bytes: u64,
    /// The seed-specific action-type code (missing in installations seeded
    /// with the other parity).
    pub extra_action_code: String,
}

/// Seeds `clients` clients with documents at realistic sizes.
pub fn seed(db: &mut Database, clients: u32, seed: u64) -> Result<SeedReport> {
    seed_with(db, &SeedOptions::new(clients, seed))
}

/// Seeds demo data in one transaction; deterministic for equal options and
/// an equally seeded database.
pub fn seed_with(db: &mut Database, opts: &SeedOptions) -> Result<SeedReport> {
    check_options(opts)?;
    // One transaction: a failed run leaves the database as it was, and one
    // commit is much faster than one per row.
    let tx = db.conn_mut().transaction()?;
    let report = {
        let catalogues = Catalogues::seed(&tx, opts.seed)?;
        let mut generator = Generator::new(&tx, opts, catalogues)?;
        for i in 0..opts.clients {
            generator.client(i == 0)?;
        }
        generator.report()
    };
    tx.commit()?;
    Ok(report)
}

/// Document sizes must lie in 16 B ..= 256 MiB: each document is built in
/// memory, and the PDF header alone takes 15 bytes.
fn check_options(opts: &SeedOptions) -> Result<()> {
    let (min, max) = opts.document_bytes;
    if opts.documents && (min < 16 || min > max || max > 256 * 1024 * 1024) {
        return Err(DemoError::InvalidOptions {
            detail: "document sizes must satisfy 16 <= min <= max <= 256 MiB".into(),
        });
    }
    Ok(())
}
