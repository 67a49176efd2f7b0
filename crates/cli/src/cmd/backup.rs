//! `bemx backup`: encrypted backups of the database, and restore.

use bemx_install::backup::BackupKind;
use clap::Subcommand;

use crate::output::{bytes, table};
use crate::{Ctx, home, prompt};

#[derive(Debug, Subcommand)]
pub enum BackupCommand {
    /// The backups of this installation
    List,
    /// Make an encrypted backup of the database now
    Create,
    /// Replace the database with a backup (the current state is backed up first)
    Restore {
        /// The backup's name (see `bemx backup list`)
        name: String,
    },
    /// Delete a backup for good (e.g. one that still holds clients handed over since)
    Delete {
        /// The backup's name (see `bemx backup list`)
        name: String,
    },
}

pub fn run(ctx: &Ctx, cmd: &BackupCommand) -> anyhow::Result<()> {
    let home = &ctx.home;
    match cmd {
        BackupCommand::List => {
            home::own_card(home)?;
            let identity = home::load_identity(home)?;
            let list = bemx_install::backup::list_backups(&home.backups_dir(), &identity)?;
            if ctx.out.is_json() {
                return ctx.out.json(&list);
            }
            if list.is_empty() {
                return ctx.out.line("No backups yet.");
            }
            let rows: Vec<Vec<String>> = list
                .iter()
                .map(|b| {
                    vec![
                        b.name.clone(),
                        kind(b.kind).into(),
                        b.created
                            .replace('T', " ")
                            .trim_end_matches('Z')
                            .get(..16)
                            .map_or_else(String::new, |t| format!("{t} UTC")),
                        bytes(b.size),
                        // restore refuses the unsigned ones, so say so here.
                        if b.signed { "signed".into() } else { "NOT SIGNED".into() },
                    ]
                })
                .collect();
            ctx.out.line(table(&["name", "kind", "written", "size", "signature"], &rows))?;
            let usage = bemx_install::backup::usage(&home.backups_dir())?;
            ctx.out.line(format!(
                "{} backups, {} in all; {} free on their disk.",
                usage.count,
                bytes(usage.total),
                bytes(usage.free)
            ))?;
            warn_if_crowded(&usage);
            Ok(())
        }
        BackupCommand::Create => {
            let lock = home::lock(home)?;
            home::open_db(home)?;
            let identity = home::load_identity(home)?;
            let info =
                bemx_install::restore::create_backup(home, &lock, &identity, bemx_install::backup::MANUAL_PREFIX)?;
            if ctx.out.is_json() {
                return ctx.out.json(&info);
            }
            ctx.out.line(format!(
                "Backup {} written ({}), encrypted to and signed with this installation's keys.",
                info.name,
                bytes(info.size)
            ))?;
            if let Ok(usage) = bemx_install::backup::usage(&home.backups_dir()) {
                warn_if_crowded(&usage);
            }
            Ok(())
        }
        BackupCommand::Delete { name } => {
            let lock = home::lock(home)?;
            if !prompt::confirm(
                ctx.yes,
                &format!("Delete backup {name} for good? It cannot be restored afterwards. Continue?"),
                "check the backup name with `bemx backup list`, then pass --yes",
            )? {
                ctx.out.note("Nothing changed.");
                return Ok(());
            }
            bemx_install::backup::delete_backup(&home.backups_dir(), &lock, name)?;
            if ctx.out.is_json() {
                return ctx.out.json(&serde_json::json!({ "deleted": name }));
            }
            ctx.out.line(format!("Backup {name} deleted."))
        }
        BackupCommand::Restore { name } => {
            let lock = home::lock(home)?;
            let identity = home::load_identity(home)?;
            if !prompt::confirm(
                ctx.yes,
                &format!(
                    "Restore REPLACES the whole database with backup {name} (an import would add to it instead). The current state is backed up first. Continue?"
                ),
                "check the backup name with `bemx backup list`, then pass --yes",
            )? {
                ctx.out.note("Nothing changed.");
                return Ok(());
            }
            let report = bemx_install::restore::restore(home, &lock, &identity, name)?;
            if ctx.out.is_json() {
                return ctx.out.json(&report);
            }
            ctx.out.line(format!("Database restored from {}.", report.restored))?;
            if let Some(prev) = &report.previous_state_backup {
                ctx.out.line(format!("  the replaced state was backed up as {prev}"))?;
            }
            if report.clients_purged_again > 0 {
                ctx.out.line(format!(
                    "  {} clients in the backup had been handed over to another PC since; they were removed again",
                    report.clients_purged_again
                ))?;
            }
            ctx.out.advice("Bundles imported since that backup stay recorded and cannot be imported a second time.")
        }
    }
}

/// The kind column of `backup list`.
fn kind(kind: BackupKind) -> &'static str {
    match kind {
        BackupKind::Safety => "SICHERHEITSBACKUP before an import",
        BackupKind::Manual => "made with backup create",
        BackupKind::BeforeRestore => "state before a restore",
        _ => "other",
    }
}

/// DESIGN.md B6: backups that crowd their disk are pointed out.
fn warn_if_crowded(usage: &bemx_install::backup::BackupUsage) {
    if usage.crowded() {
        eprintln!("warning: {}", usage.warning());
    }
}
