//! `bemx profile`: host database profiles (spec/DESIGN.md, "Host database
//! profiles"). `check` derives the graph a profile describes and lists
//! every refusal; `suggest` drafts a profile from a schema; `show` prints
//! the built-in one.

use bemx_db::{ColumnRole, Graph, Profile, TableSpec, check_profile, open_read_only};
use clap::{Args, Subcommand};

use crate::i18n::fl;
use crate::{Code, Ctx, Failure};

#[derive(Debug, Subcommand)]
pub enum ProfileCommand {
    /// Check a profile (--profile, else the built-in one) against the database (--db) and show what travels: tables, keys, columns
    Check,
    /// Draft a profile from the database's schema (--db), for a person to review
    Suggest(SuggestArgs),
    /// Print the built-in profile of bemx's own database
    Show,
}

#[derive(Debug, Args)]
pub struct SuggestArgs {
    /// The draft's name (recorded in every bundle made with it)
    #[arg(long, value_name = "NAME", default_value = "host")]
    name: String,
}

pub fn run(ctx: &Ctx, cmd: &ProfileCommand) -> anyhow::Result<()> {
    match cmd {
        ProfileCommand::Check => check(ctx),
        ProfileCommand::Suggest(args) => suggest(ctx, args),
        ProfileCommand::Show => crate::output::write_stdout_bytes(Profile::reference_text().as_bytes()),
    }
}

fn suggest(ctx: &Ctx, args: &SuggestArgs) -> anyhow::Result<()> {
    let conn = open_read_only(ctx.home.db_path())?;
    let draft = bemx_db::suggest(&conn, &args.name)?;
    if ctx.out.is_json() {
        return ctx.out.json(&serde_json::json!({ "profile": draft }));
    }
    crate::output::write_stdout_bytes(draft.as_bytes())
}

fn check(ctx: &Ctx) -> anyhow::Result<()> {
    let profile = match &ctx.profile {
        Some(path) => Profile::load(path)?,
        None => Profile::reference().clone(),
    };
    let conn = open_read_only(ctx.home.db_path())?;
    let report = check_profile(&conn, &profile)?;
    if ctx.out.is_json() {
        ctx.out.json(&serde_json::json!({
            "ok": report.problems.is_empty(),
            "profile": profile.name,
            "version": profile.version,
            "graph": report.graph.as_ref().map(graph_json),
            "warnings": report.warnings,
            "problems": report.problems.iter().map(|e| serde_json::json!({
                "code": e.code(),
                "message": e.to_string(),
            })).collect::<Vec<_>>(),
        }))?;
    } else {
        ctx.out.line(fl!(
            "cli-profile-checked",
            name = profile.name.as_str(),
            version = profile.version,
            db = ctx.home.db_path().display().to_string()
        ))?;
        if let Some(g) = &report.graph {
            print_graph(ctx, g)?;
        }
        for w in &report.warnings {
            ctx.out.line(fl!("cli-profile-warning", table = w.table.as_str(), warning = w.message.as_str()))?;
        }
        for p in &report.problems {
            ctx.out.line(fl!("cli-check-problem", problem = p.to_string()))?;
        }
    }
    if report.problems.is_empty() {
        return Ok(());
    }
    Err(Failure::new(Code::ProfileProblems, fl!("cli-profile-failed", count = report.problems.len()))
        .hint(fl!("cli-profile-failed-hint"))
        .into())
}

fn columns(spec: &TableSpec) -> String {
    spec.columns
        .iter()
        .map(|c| match &c.role {
            ColumnRole::Value => c.name.clone(),
            role => format!("{} ({})", c.name, role.wire_name()),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

fn print_graph(ctx: &Ctx, g: &Graph) -> anyhow::Result<()> {
    let identity = match &g.identity {
        bemx_db::profile::Identity::Uuid(c) => fl!("cli-profile-identity-uuid", column = c.as_str()),
        bemx_db::profile::Identity::NaturalKey(k) => fl!("cli-profile-identity-key", key = k.join(", ")),
    };
    ctx.out.line(fl!(
        "cli-profile-root",
        table = g.root.as_str(),
        identity = identity,
        display = g.display.as_str()
    ))?;
    ctx.out.line(fl!("cli-profile-catalogues", count = g.catalogues.len()))?;
    for c in &g.catalogues {
        ctx.out.line(fl!(
            "cli-profile-catalogue",
            table = c.spec.name.as_str(),
            key = c.key.join(", "),
            columns = columns(&c.spec)
        ))?;
    }
    ctx.out.line(fl!("cli-profile-owned", count = g.owned.len()))?;
    for t in &g.owned {
        ctx.out.line(fl!("cli-profile-table", table = t.name.as_str(), columns = columns(t)))?;
    }
    for (table, column, sha) in &g.documents {
        let line = match sha {
            Some(h) => fl!(
                "cli-profile-document-hashed",
                table = table.as_str(),
                column = column.as_str(),
                sha256 = h.as_str()
            ),
            None => fl!("cli-profile-document", table = table.as_str(), column = column.as_str()),
        };
        ctx.out.line(line)?;
    }
    if !g.local_columns.is_empty() {
        ctx.out.line(fl!("cli-profile-local-columns", columns = g.local_columns.join(", ")))?;
    }
    ctx.out.line(fl!("cli-profile-graph", hash = hex::encode(g.hash())))
}

fn graph_json(g: &Graph) -> serde_json::Value {
    let table = |t: &TableSpec| {
        serde_json::json!({
            "table": t.name,
            "columns": t.columns.iter().map(|c| serde_json::json!({
                "name": c.name, "role": c.role.wire_name(), "not_null": c.not_null,
            })).collect::<Vec<_>>(),
        })
    };
    serde_json::json!({
        "sha256": hex::encode(g.hash()),
        "root": g.root,
        "identity": g.identity,
        "identity_enforced": g.identity_enforced,
        "display": g.display,
        "catalogues": g.catalogues.iter().map(|c| {
            let mut v = table(&c.spec);
            v["key"] = serde_json::json!(c.key);
            v["key_enforced"] = serde_json::json!(c.key_enforced);
            v
        }).collect::<Vec<_>>(),
        "owned": g.owned.iter().map(table).collect::<Vec<_>>(),
        "documents": g.documents.iter().map(|(t, c, h)| serde_json::json!({"table": t, "column": c, "sha256": h})).collect::<Vec<_>>(),
        "local_columns": g.local_columns,
    })
}
