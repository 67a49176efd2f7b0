//! `bemx clients list`.

use clap::Subcommand;

use crate::output::table;
use crate::{Ctx, home};

#[derive(Debug, Subcommand)]
pub enum ClientsCommand {
    /// List the clients: BEM-ID, UUID, case status, handover state
    List {
        /// Also list clients handed over to another installation (read-only until the handover ends)
        #[arg(long)]
        all: bool,
    },
}

pub fn run(ctx: &Ctx, cmd: &ClientsCommand) -> anyhow::Result<()> {
    match cmd {
        ClientsCommand::List { all } => list(ctx, *all),
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
                match &c.handover_bundle {
                    Some(bundle) => format!("handed over (bundle {bundle})"),
                    None => "-".to_owned(),
                },
            ]
        })
        .collect();
    ctx.out.line(table(&["BEM-ID", "UUID", "CASE", "HANDOVER"], &rows))
}
