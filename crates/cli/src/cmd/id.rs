//! `bemx id show`: this installation's public contact card.

use clap::Subcommand;

use crate::{Ctx, home};

#[derive(Debug, Subcommand)]
pub enum IdCommand {
    /// Print the contact card to send to colleagues (no passphrase needed)
    Show,
}

pub fn run(ctx: &Ctx, cmd: &IdCommand) -> anyhow::Result<()> {
    match cmd {
        IdCommand::Show => {
            let card = home::own_card(&ctx.home)?;
            if ctx.out.is_json() {
                return ctx.out.json(&card.to_json_value());
            }
            ctx.out.line(card.to_text())
        }
    }
}
