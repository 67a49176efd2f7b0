//! `bemx clients`: list them, and record or revoke their handover consent.

use clap::Subcommand;

use bemx_install::consent::{self, Date};

use crate::output::table;
use crate::{Ctx, home};

#[derive(Debug, Subcommand)]
pub enum ClientsCommand {
    /// List the clients: BEM-ID, UUID, case status, handover consent, handover state
    List {
        /// Also list clients handed over to another installation (read-only until the handover ends)
        #[arg(long)]
        all: bool,
    },
    /// Record or revoke a client's consent to the handover (the signed Einverständniserklärung)
    #[command(subcommand)]
    Consent(ConsentCommand),
}

#[derive(Debug, Subcommand)]
pub enum ConsentCommand {
    /// Record that the client consented to the handover, on the date of the signed form
    Record {
        /// The client: BEM-ID or UUID
        client: String,
        /// The date on the signed form, e.g. 12.03.2026 or 2026-03-12
        #[arg(long, value_name = "DATE")]
        date: String,
        /// The client's document that holds the signed form (its number in the database)
        #[arg(long, value_name = "DOCUMENT")]
        form: Option<i64>,
    },
    /// Record that the client withdrew the handover consent
    Revoke {
        /// The client: BEM-ID or UUID
        client: String,
        /// The date of the revocation [default: today]
        #[arg(long, value_name = "DATE")]
        date: Option<String>,
    },
}

pub fn run(ctx: &Ctx, cmd: &ClientsCommand) -> anyhow::Result<()> {
    match cmd {
        ClientsCommand::List { all } => list(ctx, *all),
        ClientsCommand::Consent(c) => consent(ctx, c),
    }
}

fn consent(ctx: &Ctx, cmd: &ConsentCommand) -> anyhow::Result<()> {
    let home = &ctx.home;
    let lock = home::lock(home)?;
    home::open_db(home)?;
    let (change, what) = match cmd {
        ConsentCommand::Record { client, date, form } => {
            (consent::record(home, &lock, client, Date::parse(date)?, *form)?, "recorded, given on")
        }
        ConsentCommand::Revoke { client, date } => {
            let date = date.as_deref().map_or_else(|| Ok(Date::today()), Date::parse)?;
            (consent::revoke(home, &lock, client, date)?, "revoked on")
        }
    };
    if ctx.out.is_json() {
        return ctx.out.json(&change);
    }
    ctx.out.line(format!("Handover consent of client {} {what} {}.", change.bem_id, change.date))
}

/// The consent column: what the export gate will find.
fn consent_state(c: &bemx_db::ClientSummary) -> String {
    match (&c.consent_given, &c.consent_revoked) {
        (Some(given), _) => format!("given {given}"),
        (None, Some(revoked)) => format!("revoked {revoked}"),
        (None, None) => "none".to_owned(),
    }
}

fn list(ctx: &Ctx, all: bool) -> anyhow::Result<()> {
    let db = home::open_db(&ctx.home)?;
    home::reconcile(&ctx.home)?;
    let clients = db.clients_list(all)?;
    if ctx.out.is_json() {
        let items: Vec<serde_json::Value> = clients
            .iter()
            .map(|c| {
                serde_json::json!({
                    "bem_id": c.bem_id,
                    "uuid": c.uuid,
                    "case_status": c.case_status,
                    "consent": if c.consent_given.is_some() { "given" } else if c.consent_revoked.is_some() { "revoked" } else { "none" },
                    "consent_given": c.consent_given,
                    "consent_revoked": c.consent_revoked,
                    "handover": if c.handover_bundle.is_some() { "handed_over" } else { "here" },
                    "handover_bundle": c.handover_bundle,
                })
            })
            .collect();
        return ctx.out.json(&items);
    }
    if clients.is_empty() {
        return ctx.out.line(if all {
            "No clients."
        } else {
            "No clients (handed-over clients are shown with --all)."
        });
    }
    let rows: Vec<Vec<String>> = clients
        .iter()
        .map(|c| {
            vec![
                c.bem_id.clone(),
                c.uuid.clone(),
                c.case_status.clone().unwrap_or_else(|| "-".to_owned()),
                consent_state(c),
                match &c.handover_bundle {
                    Some(bundle) => format!("handed over (bundle {bundle})"),
                    None => "-".to_owned(),
                },
            ]
        })
        .collect();
    ctx.out.line(table(&["BEM-ID", "UUID", "CASE", "CONSENT", "HANDOVER"], &rows))
}
