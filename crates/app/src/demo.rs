//! `bemx-app --demo`: two fresh installations in one folder, Anna's and
//! Bernd's, with each other's contact card trusted and demo clients in
//! their databases — set up through the same calls as a first start and a
//! card exchange, so the whole handover can be tried in one window.

use std::path::Path;

use bemx_db::Database;
use bemx_demo::SeedOptions;
use bemx_identity::Contacts;
use bemx_install::Home;

use crate::Problem;

/// Clients seeded on the giving installation.
pub const ANNA_CLIENTS: u32 = 12;
/// Clients seeded on the receiving one (some BEM-IDs clash, to show renames).
pub const BERND_CLIENTS: u32 = 4;

/// Sets up Anna's and Bernd's installations under `dir` (which must be
/// empty or missing) and returns their homes.
pub fn pair(dir: &Path) -> Result<(Home, Home), Problem> {
    let anna = Home::new(dir.join("anna-werk-nord"), None);
    let bernd = Home::new(dir.join("bernd-werk-sued"), None);
    let anna_id = bemx_install::setup::create(&anna, "Anna Schmidt (Werk Nord)", None)?;
    let bernd_id = bemx_install::setup::create(&bernd, "Bernd Krüger (Werk Süd)", None)?;
    Contacts::load(anna.root())?.add(bernd_id.contact_card())?;
    Contacts::load(bernd.root())?.add(anna_id.contact_card())?;
    let mut options = SeedOptions::new(ANNA_CLIENTS, 1);
    // Small documents: the demo is about the steps, not about the bytes.
    options.max_documents_per_client = 2;
    options.document_bytes = (4 * 1024, 32 * 1024);
    bemx_demo::seed_with(&mut Database::open(anna.db_path())?, &options)?;
    let mut options = SeedOptions::new(BERND_CLIENTS, 2);
    options.max_documents_per_client = 1;
    options.document_bytes = (4 * 1024, 16 * 1024);
    bemx_demo::seed_with(&mut Database::open(bernd.db_path())?, &options)?;
    Ok((anna, bernd))
}
