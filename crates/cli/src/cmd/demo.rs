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

use crate::i18n::fl;
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
    std::fs::create_dir_all(root).with_context(|| cannot_create(root))?;
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
            getrandom::getrandom(&mut suffix)
                .map_err(|e| anyhow::anyhow!(fl!("cli-demo-random-failed", error = e.to_string())))?;
            std::env::temp_dir().join(format!("bemx-demo-{}", hex::encode(suffix)))
        }
    };
    if dir.exists() && std::fs::read_dir(&dir).map(|mut d| d.next().is_some()).unwrap_or(true) {
        return Err(Failure::new(
            Code::FolderNotEmpty,
            fl!("cli-demo-folder-not-empty", folder = dir.display().to_string()),
        )
        .hint(fl!("cli-demo-folder-not-empty-hint"))
        .into());
    }
    std::fs::create_dir_all(&dir).with_context(|| cannot_create(&dir))?;
    Ok(dir)
}

fn cannot_create(dir: &Path) -> String {
    fl!("cli-demo-create-failed", folder = dir.display().to_string())
}

/// A line of the story, indented under its step.
fn detail(text: String) -> String {
    format!("   {text}")
}

pub fn run(ctx: &Ctx, args: &DemoArgs) -> anyhow::Result<()> {
    let out = &ctx.out;
    let say = |text: String| out.line(text);
    let dir = fresh_dir(args.dir.as_ref())?;
    say(format!("{}\n", fl!("cli-demo-folder", folder = dir.display().to_string())))?;

    say(fl!("cli-demo-step-install"))?;
    let (anna_home, anna) = install(&dir.join("anna-werk-nord"), "Anna Schmidt (Werk Nord)")?;
    let (bernd_home, bernd) = install(&dir.join("bernd-werk-sued"), "Bernd Krüger (Werk Süd)")?;
    say(detail(fl!("cli-demo-anna-fingerprint", fingerprint = anna.fingerprint().to_string())))?;
    say(detail(fl!("cli-demo-bernd-fingerprint", fingerprint = bernd.fingerprint().to_string())))?;

    say(fl!("cli-demo-step-contacts"))?;
    Contacts::load(anna_home.root())?.add(bernd.contact_card())?;
    Contacts::load(bernd_home.root())?.add(anna.contact_card())?;

    say(fl!("cli-demo-step-seed", clients = args.clients))?;
    {
        let mut db = Database::open(anna_home.db_path())?;
        let mut options = SeedOptions::new(args.clients, 1);
        options.max_documents_per_client = 3;
        options.document_bytes = (50 * 1024, 400 * 1024);
        bemx_demo::seed_with(&mut db, &options)?;
        let mut db = Database::open(bernd_home.db_path())?;
        bemx_demo::seed_with(&mut db, &SeedOptions::new(8, 2))?;
    }
    say(detail(fl!("cli-demo-bernd-clients", clients = 8)))?;

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
    say(fl!("cli-demo-step-export", clients = chosen.len()))?;
    let exported = {
        let lock = anna_home.lock()?;
        let mut db = Database::open(anna_home.db_path())?;
        let sender = bemx_pack::Sender::new(&anna);
        let recipient = bemx_pack::Recipient::new(&bernd.contact_card());
        let request = bemx_pack::ExportRequest {
            confirmed_without_consent: None,
            clients: chosen,
            without_consent: None,
            output: bundle.clone(),
            workers: 2,
            cancel: None,
        };
        bemx_pack::export(&anna_home, &lock, &mut db, &sender, &recipient, &request, &mut NoProgress)?
    };
    say(detail(fl!(
        "cli-demo-exported",
        bundle = bundle.display().to_string(),
        size = bytes(exported.file_bytes),
        documents = exported.documents
    )))?;
    let anna_visible = Database::open(anna_home.db_path())?.clients_list(false)?.len();
    say(detail(fl!("cli-demo-handed-over", visible = anna_visible)))?;

    say(fl!("cli-demo-step-import"))?;
    let bernd_contacts = Contacts::load(bernd_home.root())?;
    let inst = Installation { home: &bernd_home, identity: &bernd, contacts: &bernd_contacts };
    let preview = bemx_import::preview(&bundle, &inst, Retention::default())?;
    say(detail(fl!(
        "cli-demo-preview",
        sender = preview.sender_name.as_str(),
        fingerprint = preview.sender_fingerprint.to_string(),
        clients = preview.clients
    )))?;
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
    say(detail(fl!("cli-demo-safety-backup", name = report.safety_backup.as_str())))?;
    let rows: u64 = report.rows.iter().map(|(_, n)| n).sum();
    say(detail(fl!(
        "cli-demo-imported",
        clients = report.clients.len(),
        records = rows,
        documents = report.documents
    )))?;
    for (old, new) in &report.renamed {
        say(detail(fl!("cli-demo-renamed", old = format!("{old:?}"), new = format!("{new:?}"))))?;
    }
    for (catalogue, code) in &report.catalogue_codes_added {
        say(detail(fl!("cli-demo-catalogue-added", code = code.as_str(), catalogue = catalogue.as_str())))?;
    }
    say(detail(fl!("cli-demo-receipt", file = receipt.display().to_string())))?;

    say(fl!("cli-demo-step-replay"))?;
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
                return Err(anyhow::anyhow!(fl!("cli-demo-replay-accepted")));
            }
        }
    };
    say(detail(fl!("cli-demo-refused", reason = replay.as_str())))?;

    say(fl!("cli-demo-step-confirm"))?;
    let confirmed = {
        let lock = anna_home.lock()?;
        let contacts = Contacts::load(anna_home.root())?;
        let bytes = std::fs::read(&receipt)
            .with_context(|| fl!("cli-demo-read-failed", file = receipt.display().to_string()))?;
        bemx_install::handover::confirm(&anna_home, &lock, &contacts, *anna.installation_id().as_bytes(), &bytes)?
    };
    let deleted: u64 = confirmed.rows_deleted.iter().map(|(_, n)| n).sum();
    let anna_after = Database::open(anna_home.db_path())?.clients_list(true)?.len();
    let bernd_after = Database::open(bernd_home.db_path())?.clients_list(true)?.len();
    say(detail(fl!("cli-demo-removed", clients = confirmed.clients, records = deleted)))?;
    say(format!("\n{}", fl!("cli-demo-done", anna = anna_after, bernd = bernd_after)))?;
    say(fl!("cli-demo-look-around", folder = bernd_home.root().display().to_string()))?;

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
