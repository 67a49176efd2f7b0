//! `bemx handover`: the giving side after an export.

use std::io::Read as _;
use std::path::PathBuf;

use bemx_identity::Contacts;
use clap::Subcommand;

use crate::i18n::fl;
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
                return ctx.out.line(fl!("cli-handover-none"));
            }
            let rows: Vec<Vec<String>> = list
                .iter()
                .map(|h| {
                    vec![
                        h.bundle_id.clone(),
                        state_text(&h.state),
                        h.clients.to_string(),
                        h.recipient_name.clone(),
                        bemx_i18n::datetime_of(&h.created_at),
                    ]
                })
                .collect();
            let header = [
                fl!("cli-handover-column-bundle-id"),
                fl!("cli-handover-column-state"),
                fl!("cli-handover-column-clients"),
                fl!("cli-handover-column-recipient"),
                fl!("cli-handover-column-exported"),
            ];
            ctx.out.line(table(&header.each_ref().map(String::as_str), &rows))
        }
        HandoverCommand::Confirm { receipt } => {
            let _lock = home::lock(home)?;
            let card = home::own_card(home)?;
            let contacts = Contacts::load(home.root())?;
            let mut bytes = Vec::new();
            std::fs::File::open(receipt)
                .and_then(|f| f.take(bemx_format::receipt::MAX_RECEIPT_SIZE as u64 + 1).read_to_end(&mut bytes))
                .map_err(|e| {
                    let failure = Failure::read(
                        fl!("cli-handover-cannot-read-receipt", path = receipt.display().to_string()),
                        &e,
                    );
                    match e.kind() {
                        std::io::ErrorKind::NotFound => failure.hint(fl!("cli-handover-receipt-not-found-hint")),
                        _ => failure,
                    }
                })?;
            // Issue 15.3: which clients will be removed, before the question.
            // Its lists (one line per client) end with this block, before
            // the purge needs the memory (issue 18, item 5).
            {
                let (bundle, bem_ids) = bemx_install::handover::clients_to_remove(
                    home,
                    &_lock,
                    &contacts,
                    *card.installation_id.as_bytes(),
                    &bytes,
                )?;
                if !bem_ids.is_empty() {
                    let names: Vec<String> = bem_ids.iter().map(|b| bemx_i18n::printable(b)).collect();
                    let preview = fl!("cli-handover-confirm-preview", id = bundle.as_str(), clients = names.join(", "));
                    // What the user is asked about is shown even with --quiet.
                    if ctx.yes { ctx.out.note(&preview) } else { eprintln!("{}", crate::output::short_ids(&preview)) }
                }
            }
            if !prompt::confirm(ctx.yes, &fl!("cli-handover-confirm-question"), &fl!("cli-handover-confirm-hint"))? {
                ctx.out.note(fl!("cli-nothing-changed"));
                return Ok(());
            }
            let report =
                bemx_install::handover::confirm(home, &_lock, &contacts, *card.installation_id.as_bytes(), &bytes)?;
            if ctx.out.is_json() {
                return ctx.out.json(&report);
            }
            let rows: u64 = report.rows_deleted.iter().map(|(_, n)| n).sum();
            ctx.out.line(fl!(
                "cli-handover-confirmed",
                id = report.bundle_id.as_str(),
                clients = report.clients,
                rows = rows
            ))?;
            if report.still_in_backups.is_empty() {
                return Ok(());
            }
            // "Removed for good" must be true: say where the records still are.
            ctx.out.line(fl!("cli-handover-still-in-backups", backups = report.still_in_backups.join(", ")))?;
            ctx.out.advice(fl!("cli-handover-delete-backups"))
        }
        HandoverCommand::Cancel { bundle_id } => {
            let _lock = home::lock(home)?;
            home::open_db(home)?;
            if !prompt::confirm(
                ctx.yes,
                &fl!("cli-handover-cancel-question", id = bundle_id.as_str()),
                &fl!("cli-handover-cancel-hint"),
            )? {
                ctx.out.note(fl!("cli-handover-nothing-changed"));
                return Ok(());
            }
            let (bundle_id, n) = bemx_install::handover::cancel(home, &_lock, bundle_id)?;
            if ctx.out.is_json() {
                return ctx.out.json(&serde_json::json!({ "bundle_id": bundle_id, "clients_returned": n }));
            }
            ctx.out.line(fl!("cli-handover-cancelled", id = bundle_id.as_str(), clients = n))
        }
    }
}

/// A handover's state (`open`, `confirmed`, `cancelled`: data, as `--json`
/// reports it) for the user, in their language.
fn state_text(state: &str) -> String {
    match state {
        "open" => fl!("cli-handover-state-open"),
        "confirmed" => fl!("cli-handover-state-confirmed"),
        "cancelled" => fl!("cli-handover-state-cancelled"),
        other => other.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use crate::i18n::fl;

    /// The catalogue's English is the text the program printed before it.
    #[test]
    fn confirm_and_cancel_read_as_before() {
        assert_eq!(
            fl!("cli-handover-confirmed", id = "ab", clients = 1u64, rows = 7u64),
            "Handover ab confirmed: 1 clients and all their 7 records were removed from this installation's database."
        );
        assert_eq!(
            fl!("cli-handover-cancelled", id = "ab", clients = 2usize),
            "Handover ab cancelled: 2 clients are back in this installation. A receipt for this bundle will now be flagged."
        );
        assert_eq!(super::state_text("confirmed"), "confirmed");
    }
}
