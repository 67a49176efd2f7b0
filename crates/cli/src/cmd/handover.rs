//! `bemx handover`: the giving side after an export.

use std::io::Read as _;
use std::path::PathBuf;

use bemx_identity::Contacts;
use clap::Subcommand;

use crate::output::table;
use crate::{Ctx, Failure, home, prompt};

#[derive(Debug, Subcommand)]
pub enum HandoverCommand {
    /// Handovers of this installation and their state
    List,
    /// Check the receiver's receipt and remove the handed-over clients for good
    Confirm {
        /// The receipt file the receiver sent back
        receipt: PathBuf,
    },
    /// Take the clients of a handover back (only if the bundle was never imported)
    Cancel {
        /// The bundle id (see `bemx handover list`)
        bundle_id: String,
    },
}

pub fn run(ctx: &Ctx, cmd: &HandoverCommand) -> anyhow::Result<()> {
    let home = &ctx.home;
    match cmd {
        HandoverCommand::List => {
            home::open_db(home)?;
            crate::home::reconcile(home)?;
            let list = bemx_install::handover::list(home)?;
            if ctx.out.is_json() {
                return ctx.out.json(&list);
            }
            if list.is_empty() {
                return ctx.out.line("No handovers yet.");
            }
            let rows: Vec<Vec<String>> = list
                .iter()
                .map(|h| {
                    vec![
                        h.bundle_id.clone(),
                        h.state.clone(),
                        h.clients.to_string(),
                        h.recipient_name.clone(),
                        h.created_at.clone(),
                    ]
                })
                .collect();
            ctx.out.line(table(&["bundle id", "state", "clients", "recipient", "exported"], &rows))
        }
        HandoverCommand::Confirm { receipt } => {
            let _lock = home::lock(home)?;
            let card = home::own_card(home)?;
            let contacts = Contacts::load(home.root())?;
            let mut bytes = Vec::new();
            std::fs::File::open(receipt)
                .and_then(|f| f.take(bemx_format::receipt::MAX_RECEIPT_SIZE as u64 + 1).read_to_end(&mut bytes))
                .map_err(|e| {
                    let failure = Failure::read(format_args!("cannot read the receipt {}", receipt.display()), &e);
                    match e.kind() {
                        std::io::ErrorKind::NotFound => {
                            failure.hint("check the file name; the receiver's import wrote it as *.receipt")
                        }
                        _ => failure,
                    }
                })?;
            let report =
                bemx_install::handover::confirm(home, &_lock, &contacts, *card.installation_id.as_bytes(), &bytes)?;
            if ctx.out.is_json() {
                return ctx.out.json(&report);
            }
            let rows: u64 = report.rows_deleted.iter().map(|(_, n)| n).sum();
            ctx.out.line(format!(
                "Handover {} confirmed: {} clients and all their {} records were removed from this installation's database.",
                report.bundle_id, report.clients, rows
            ))?;
            if report.still_in_backups.is_empty() {
                return Ok(());
            }
            // "Removed for good" must be true: say where the records still are.
            ctx.out.line(format!(
                "Their records still exist, encrypted, in these backups until they are deleted: {}",
                report.still_in_backups.join(", ")
            ))?;
            ctx.out.advice(
                "Delete each with `bemx backup delete NAME` once you no longer need it to go back to a state before this handover.",
            )
        }
        HandoverCommand::Cancel { bundle_id } => {
            let _lock = home::lock(home)?;
            home::open_db(home)?;
            if !prompt::confirm(
                ctx.yes,
                &format!(
                    "Take the clients of handover {bundle_id} back? Do this only if the receiver never imported the bundle."
                ),
                "make sure the receiver never imported the bundle, then pass --yes",
            )? {
                ctx.out.note("Nothing changed.");
                return Ok(());
            }
            let n = bemx_install::handover::cancel(home, &_lock, bundle_id)?;
            if ctx.out.is_json() {
                return ctx.out.json(&serde_json::json!({ "bundle_id": bundle_id, "clients_returned": n }));
            }
            ctx.out.line(format!(
                "Handover {bundle_id} cancelled: {n} clients are back in this installation. A receipt for this bundle will now be flagged."
            ))
        }
    }
}
