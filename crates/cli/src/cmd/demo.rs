//! `bemx demo`: the whole handover between two fresh demo installations,
//! through the same library calls the commands use, told in plain words.

use std::path::{Path, PathBuf};

use anyhow::Context as _;
use bemx_db::Database;
use bemx_demo::SeedOptions;
use bemx_identity::{Contacts, Identity};
use bemx_import::import::NoProgress;
use bemx_import::{ImportOptions, Installation};
use bemx_install::Home;
use bemx_install::backup::Retention;
use clap::Args;
use serde::Serialize;

use crate::output::bytes;
use crate::{Code, Ctx, Failure};

#[derive(Debug, Args)]
pub struct DemoArgs {
    /// Folder for the two demo installations and the bundle [default: a new folder in the temp directory]
    #[arg(long, value_name = "DIR")]
    dir: Option<PathBuf>,
    /// Clients seeded on the giving installation
    #[arg(long, default_value_t = 40, value_name = "N")]
    clients: u32,
    /// Clients handed over
    #[arg(long, default_value_t = 3, value_name = "N")]
    hand_over: usize,
}

#[derive(Debug, Serialize)]
struct DemoReport {
    dir: PathBuf,
    sender_home: PathBuf,
    receiver_home: PathBuf,
    bundle: PathBuf,
    bundle_id: String,
    bundle_bytes: u64,
    clients: Vec<String>,
    documents: u64,
    renamed: Vec<(String, String)>,
    catalogue_codes_added: Vec<(String, String)>,
    safety_backup: String,
    replay_refused: String,
    sender_clients_after: usize,
    receiver_clients_after: usize,
}

fn install(root: &Path, name: &str) -> anyhow::Result<(Home, Identity)> {
    let home = Home::new(root, None);
    std::fs::create_dir_all(root).with_context(|| format!("cannot create {}", root.display()))?;
    let identity = Identity::generate(name)?;
    identity.save(root, None)?;
    Database::create(home.db_path(), &identity.installation_id().to_string())?;
    Ok((home, identity))
}

fn fresh_dir(arg: Option<&PathBuf>) -> anyhow::Result<PathBuf> {
    let dir = match arg {
        Some(d) => d.clone(),
        None => {
            let mut suffix = [0u8; 4];
            getrandom::getrandom(&mut suffix).map_err(|e| anyhow::anyhow!("random number generator failed: {e}"))?;
            std::env::temp_dir().join(format!("bemx-demo-{}", hex::encode(suffix)))
        }
    };
    if dir.exists() && std::fs::read_dir(&dir).map(|mut d| d.next().is_some()).unwrap_or(true) {
        return Err(Failure::new(Code::FolderNotEmpty, format!("{} exists and is not empty", dir.display()))
            .hint("give the demo an empty or new folder with --dir")
            .into());
    }
    std::fs::create_dir_all(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
    Ok(dir)
}

pub fn run(ctx: &Ctx, args: &DemoArgs) -> anyhow::Result<()> {
    let out = &ctx.out;
    let say = |text: String| out.line(text);
    let dir = fresh_dir(args.dir.as_ref())?;
    say(format!("Demo folder: {}\n", dir.display()))?;

    say("1. Two BEM coordinators set up bemx on their PCs.".into())?;
    let (anna_home, anna) = install(&dir.join("anna-werk-nord"), "Anna Schmidt (Werk Nord)")?;
    let (bernd_home, bernd) = install(&dir.join("bernd-werk-sued"), "Bernd Krüger (Werk Süd)")?;
    say(format!("   Anna's fingerprint:  {}", anna.fingerprint()))?;
    say(format!("   Bernd's fingerprint: {}", bernd.fingerprint()))?;

    say("2. They exchange contact cards and compare the fingerprints by phone.".into())?;
    Contacts::load(anna_home.root())?.add(bernd.contact_card())?;
    Contacts::load(bernd_home.root())?.add(anna.contact_card())?;

    say(format!(
        "3. Anna's PC holds {} clients with their cases, actions, funding applications and documents.",
        args.clients
    ))?;
    {
        let mut db = Database::open(anna_home.db_path())?;
        let mut options = SeedOptions::new(args.clients, 1);
        options.max_documents_per_client = 3;
        options.document_bytes = (50 * 1024, 400 * 1024);
        bemx_demo::seed_with(&mut db, &options)?;
        let mut db = Database::open(bernd_home.db_path())?;
        bemx_demo::seed_with(&mut db, &SeedOptions::new(8, 2))?;
    }
    say("   Bernd already has 8 clients of his own.".into())?;

    let bundle = dir.join("handover.bemx");
    // Prefer clients whose BEM-ID Bernd also uses, so the demo shows the rename.
    let bernd_ids: std::collections::HashSet<String> =
        Database::open(bernd_home.db_path())?.clients_list(true)?.into_iter().map(|c| c.bem_id).collect();
    let chosen: Vec<String> = {
        let db = Database::open(anna_home.db_path())?;
        let mut stmt = db.conn().prepare(
            "SELECT c.uuid, c.bem_id FROM clients c WHERE EXISTS (SELECT 1 FROM consents k WHERE k.client_id = c.id AND k.kind = 'handover' AND k.revoked_on IS NULL) ORDER BY c.id",
        )?;
        let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?;
        let mut candidates: Vec<(String, String)> = rows.collect::<Result<_, _>>()?;
        candidates.sort_by_key(|(_, bem)| !bernd_ids.contains(bem));
        candidates.into_iter().take(args.hand_over).map(|(uuid, _)| uuid).collect()
    };
    say(format!(
        "4. Anna leaves; {} clients who signed a handover consent go to Bernd. She exports them.",
        chosen.len()
    ))?;
    let exported = {
        let lock = anna_home.lock()?;
        let mut db = Database::open(anna_home.db_path())?;
        let sender = bemx_pack::Sender::new(&anna);
        let recipient = bemx_pack::Recipient::new(&bernd.contact_card());
        let request = bemx_pack::ExportRequest {
            clients: chosen,
            without_consent: None,
            output: bundle.clone(),
            workers: 2,
            cancel: None,
        };
        bemx_pack::export(&anna_home, &lock, &mut db, &sender, &recipient, &request, &mut NoProgress)?
    };
    say(format!(
        "   {} written: {}, {} documents, encrypted for Bernd's PC only and signed by Anna.",
        bundle.display(),
        bytes(exported.file_bytes),
        exported.documents
    ))?;
    let anna_visible = Database::open(anna_home.db_path())?.clients_list(false)?.len();
    say(format!("   On Anna's PC the clients are now handed over: read-only and hidden ({anna_visible} visible)."))?;

    say("5. Bernd checks the bundle and imports it.".into())?;
    let bernd_contacts = Contacts::load(bernd_home.root())?;
    let inst = Installation { home: &bernd_home, identity: &bernd, contacts: &bernd_contacts };
    let preview = bemx_import::preview(&bundle, &inst, Retention::default())?;
    say(format!(
        "   It comes from {} ({}), holds {} clients, and was never imported here.",
        preview.sender_name, preview.sender_fingerprint, preview.clients
    ))?;
    let receipt = dir.join("handover.receipt");
    let report = {
        let lock = bernd_home.lock()?;
        let options = ImportOptions {
            receipt: Some(receipt.clone()),
            burn: false,
            retention: Retention::default(),
            cancel: None,
            expected_manifest: Some(preview.manifest_sha256),
        };
        bemx_import::import(&bundle, &inst, &lock, &options, &mut NoProgress)?
    };
    say(format!("   Safety backup first: {}.", report.safety_backup))?;
    let rows: u64 = report.rows.iter().map(|(_, n)| n).sum();
    say(format!(
        "   Imported in one transaction: {} clients, {rows} records, {} documents.",
        report.clients.len(),
        report.documents
    ))?;
    for (old, new) in &report.renamed {
        say(format!("   Bernd already had a client called {old:?}: the new one is now {new:?}."))?;
    }
    for (catalogue, code) in &report.catalogue_codes_added {
        say(format!("   Anna used catalogue entry {code} ({catalogue}), which Bernd lacked: it was added."))?;
    }
    say(format!("   A signed receipt for Anna: {}", receipt.display()))?;

    say("6. Someone tries to import the same bundle again.".into())?;
    let replay = {
        let lock = bernd_home.lock()?;
        let options = ImportOptions {
            receipt: Some(dir.join("again.receipt")),
            burn: false,
            retention: Retention::default(),
            cancel: None,
            expected_manifest: None,
        };
        match bemx_import::import(&bundle, &inst, &lock, &options, &mut NoProgress) {
            Err(e) => e.to_string(),
            Ok(_) => {
                return Err(anyhow::anyhow!("the demo's second import of the same bundle was accepted; this is a bug"));
            }
        }
    };
    say(format!("   Refused: {replay}"))?;

    say("7. Anna confirms with Bernd's receipt; the clients leave her PC without a trace.".into())?;
    let confirmed = {
        let lock = anna_home.lock()?;
        let contacts = Contacts::load(anna_home.root())?;
        let bytes = std::fs::read(&receipt).with_context(|| format!("cannot read {}", receipt.display()))?;
        bemx_install::handover::confirm(&anna_home, &lock, &contacts, *anna.installation_id().as_bytes(), &bytes)?
    };
    let deleted: u64 = confirmed.rows_deleted.iter().map(|(_, n)| n).sum();
    let anna_after = Database::open(anna_home.db_path())?.clients_list(true)?.len();
    let bernd_after = Database::open(bernd_home.db_path())?.clients_list(true)?.len();
    say(format!("   {} clients and {deleted} records removed on Anna's PC.", confirmed.clients))?;
    say(format!(
        "\nDone: Anna now has {anna_after} clients, Bernd {bernd_after}. Every step is in each PC's audit log (ids and counts only)."
    ))?;
    say(format!("Look around: bemx --home {} clients list", bernd_home.root().display()))?;

    out.json(&DemoReport {
        sender_home: anna_home.root().to_path_buf(),
        receiver_home: bernd_home.root().to_path_buf(),
        dir,
        bundle,
        bundle_id: exported.bundle_id,
        bundle_bytes: exported.file_bytes,
        clients: report.clients,
        documents: report.documents,
        renamed: report.renamed,
        catalogue_codes_added: report.catalogue_codes_added,
        safety_backup: report.safety_backup,
        replay_refused: replay,
        sender_clients_after: anna_after,
        receiver_clients_after: bernd_after,
    })
}
