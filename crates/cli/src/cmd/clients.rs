//! `bemx clients`: list them, and record or revoke their handover consent.

use clap::Subcommand;

use bemx_install::consent::{self, Date};

use crate::i18n::fl;
use crate::output::{self, date};
use crate::{Ctx, home};
use bemx_db::ClientSummary;

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
    let (change, recorded) = match cmd {
        ConsentCommand::Record { client, date, form } => {
            (consent::record(home, &lock, client, Date::parse(date)?, *form)?, true)
        }
        ConsentCommand::Revoke { client, date } => {
            let date = date.as_deref().map_or_else(|| Ok(Date::today()), Date::parse)?;
            (consent::revoke(home, &lock, client, date)?, false)
        }
    };
    if ctx.out.is_json() {
        return ctx.out.json(&change);
    }
    let (client, on) = (change.bem_id.as_str(), date(&change.date));
    ctx.out.line(if recorded {
        fl!("cli-consent-recorded", client = client, date = on)
    } else {
        fl!("cli-consent-revoked", client = client, date = on)
    })
}

/// The consent column: what the export gate will find.
fn consent_state(c: &bemx_db::ClientSummary) -> String {
    match (&c.consent_given, &c.consent_revoked) {
        (Some(given), _) => fl!("cli-consent-given-on", date = date(given)),
        (None, Some(revoked)) => fl!("cli-consent-revoked-on", date = date(revoked)),
        (None, None) => fl!("cli-consent-none"),
    }
}

fn list(ctx: &Ctx, all: bool) -> anyhow::Result<()> {
    let db = home::open_db(&ctx.home)?;
    home::reconcile(&ctx.home)?;
    // The list is read client by client, never held (issue 18, item 5):
    // the text table in two passes, its columns' widths in any order and
    // then its lines by BEM-ID. Should another program change a client in
    // between, a column is too wide or a cell sticks out; nothing else.
    if let Some(mut items) = ctx.out.json_array() {
        return output::quietly_closed(
            db.for_each_client_summary(all, |c| items.push(&client_json(&c))).and_then(|()| items.finish()),
        );
    }
    let header = [
        fl!("cli-clients-header-bem-id"),
        fl!("cli-clients-header-uuid"),
        fl!("cli-clients-header-case"),
        fl!("cli-clients-header-consent"),
        fl!("cli-clients-header-handover"),
    ];
    let header = header.each_ref().map(String::as_str);
    let mut widths = output::Widths::of_header(&header);
    let mut any = false;
    db.for_each_client_summary_unordered(all, |c| {
        widths.measure(&client_cells(&c));
        any = true;
        Ok::<_, anyhow::Error>(())
    })?;
    if !any {
        return ctx.out.line(if all { fl!("cli-clients-none") } else { fl!("cli-clients-none-here") });
    }
    output::quietly_closed(output::TableOut::start(widths, &header).and_then(|mut table| {
        db.for_each_client_summary(all, |c| table.row(&client_cells(&c)))?;
        table.finish()
    }))
}

/// A client as `--json` lists it.
fn client_json(c: &ClientSummary) -> serde_json::Value {
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
}

/// A client's cells in the text table.
fn client_cells(c: &ClientSummary) -> [String; 5] {
    [
        bemx_i18n::printable(&c.bem_id),
        c.uuid.clone(),
        c.case_status.as_deref().map_or_else(|| "-".to_owned(), |s| fl!("cli-case-status", status = s)),
        consent_state(c),
        match &c.handover_bundle {
            Some(bundle) => fl!("cli-clients-handed-over", bundle = bundle.as_str()),
            None => "-".to_owned(),
        },
    ]
}
