//! `bemx backup`: encrypted backups of the database, and restore.

use bemx_install::backup::BackupKind;
use clap::Subcommand;

use crate::i18n::fl;
use crate::output::{self, bytes, table};
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
                return ctx.out.line(fl!("cli-backup-none"));
            }
            let rows: Vec<Vec<String>> = list
                .iter()
                .map(|b| {
                    vec![
                        b.name.clone(),
                        kind(b.kind),
                        written(&b.created),
                        bytes(b.size),
                        // restore refuses the unsigned ones, so say so here.
                        if b.signed { fl!("cli-backup-signed") } else { fl!("cli-backup-not-signed") },
                    ]
                })
                .collect();
            let header = [
                fl!("cli-backup-header-name"),
                fl!("cli-backup-header-kind"),
                fl!("cli-backup-header-written"),
                fl!("cli-backup-header-size"),
                fl!("cli-backup-header-signature"),
            ];
            ctx.out.line(table(&header.each_ref().map(String::as_str), &rows))?;
            let usage = bemx_install::backup::usage(&home.backups_dir())?;
            ctx.out.line(fl!(
                "cli-backup-usage",
                count = usage.count,
                total = bytes(usage.total),
                free = bytes(usage.free)
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
            ctx.out.line(fl!("cli-backup-written", name = info.name.as_str(), size = bytes(info.size)))?;
            if let Ok(usage) = bemx_install::backup::usage(&home.backups_dir()) {
                warn_if_crowded(&usage);
            }
            Ok(())
        }
        BackupCommand::Delete { name } => {
            let lock = home::lock(home)?;
            if !prompt::confirm(
                ctx.yes,
                &fl!("cli-backup-delete-question", name = name.as_str()),
                &fl!("cli-backup-check-name-hint"),
            )? {
                ctx.out.note(fl!("cli-nothing-changed"));
                return Ok(());
            }
            bemx_install::backup::delete_backup(&home.backups_dir(), &lock, name)?;
            if ctx.out.is_json() {
                return ctx.out.json(&serde_json::json!({ "deleted": name }));
            }
            ctx.out.line(fl!("cli-backup-deleted", name = name.as_str()))
        }
        BackupCommand::Restore { name } => {
            let lock = home::lock(home)?;
            let identity = home::load_identity(home)?;
            // Issue 15.3: checked and decrypted first, so the question can
            // say which clients will disappear or come back, and what is
            // confirmed is what is swapped in.
            let prepared = bemx_install::restore::prepare_restore(home, &lock, &identity, name)?;
            let mut preview = Vec::new();
            if !prepared.changes.disappear.is_empty() {
                let names: Vec<String> = prepared.changes.disappear.iter().map(|b| bemx_i18n::printable(b)).collect();
                preview.push(fl!("cli-backup-restore-disappear", clients = names.join(", ")));
            }
            if !prepared.changes.come_back.is_empty() {
                let names: Vec<String> = prepared.changes.come_back.iter().map(|b| bemx_i18n::printable(b)).collect();
                preview.push(fl!("cli-backup-restore-come-back", clients = names.join(", ")));
            }
            if preview.is_empty() {
                preview.push(fl!("cli-backup-restore-same-clients"));
            }
            let preview = preview.join("\n");
            // What the user is asked about is shown even with --quiet.
            if ctx.yes {
                ctx.out.note(&preview)
            } else {
                eprintln!("{preview}")
            }
            if !prompt::confirm(
                ctx.yes,
                &fl!("cli-backup-restore-question", name = name.as_str()),
                &fl!("cli-backup-check-name-hint"),
            )? {
                ctx.out.note(fl!("cli-nothing-changed"));
                return Ok(());
            }
            let report = prepared.commit(home, &lock, &identity)?;
            if ctx.out.is_json() {
                return ctx.out.json(&report);
            }
            ctx.out.line(fl!("cli-backup-restored", name = report.restored.as_str()))?;
            if let Some(prev) = &report.previous_state_backup {
                ctx.out.line(format!("  {}", fl!("cli-backup-restored-previous", name = prev.as_str())))?;
            }
            if report.clients_purged_again > 0 {
                let purged = fl!("cli-backup-restored-purged", count = report.clients_purged_again);
                ctx.out.line(format!("  {purged}"))?;
            }
            ctx.out.advice(fl!("cli-backup-restored-advice"))
        }
    }
}

/// The kind column of `backup list`.
fn kind(kind: BackupKind) -> String {
    match kind {
        BackupKind::Safety => fl!("cli-backup-kind-safety"),
        BackupKind::Manual => fl!("cli-backup-kind-manual"),
        BackupKind::BeforeRestore => fl!("cli-backup-kind-before-restore"),
        _ => fl!("cli-backup-kind-other"),
    }
}

/// The written column of `backup list`: the PC's local date and time
/// (empty where the file system does not say).
fn written(created: &str) -> String {
    if created.is_empty() { String::new() } else { bemx_i18n::datetime_of(created) }
}

/// DESIGN.md B6: backups that crowd their disk are pointed out.
fn warn_if_crowded(usage: &bemx_install::backup::BackupUsage) {
    if usage.crowded() {
        output::warning(usage.warning());
    }
}
