//! `bemx contacts`: the installations this one trusts, pinned by fingerprint.

use std::io::Read as _;
use std::path::PathBuf;

use bemx_identity::{AddOutcome, ContactCard, Contacts, Fingerprint, MAX_CARD_BYTES};
use clap::Subcommand;

use crate::output::table;
use crate::{Code, Ctx, Failure, home, prompt};

#[derive(Debug, Subcommand)]
pub enum ContactsCommand {
    /// Trust a colleague's contact card (text or JSON), after comparing its fingerprint
    Add {
        /// The card file, or - to read it from standard input
        #[arg(value_name = "FILE|-")]
        file: PathBuf,
    },
    /// List the trusted contacts
    List,
    /// Stop trusting a contact
    Remove {
        /// The contact's fingerprint (as `bemx contacts list` shows it)
        fingerprint: String,
    },
}

pub fn run(ctx: &Ctx, cmd: &ContactsCommand) -> anyhow::Result<()> {
    match cmd {
        ContactsCommand::Add { file } => add(ctx, file),
        ContactsCommand::List => list(ctx),
        ContactsCommand::Remove { fingerprint } => remove(ctx, fingerprint),
    }
}

/// Reads at most one byte more than a card may have, so the size check in
/// `ContactCard::parse_bytes` sees an oversized input without us reading
/// all of it.
fn read_card(file: &PathBuf) -> anyhow::Result<ContactCard> {
    let limit = u64::try_from(MAX_CARD_BYTES).unwrap_or(u64::MAX).saturating_add(1);
    let mut bytes = Vec::new();
    if file.as_os_str() == "-" {
        std::io::stdin()
            .lock()
            .take(limit)
            .read_to_end(&mut bytes)
            .map_err(|e| Failure::read("cannot read the card from standard input", &e))?;
    } else {
        let f = std::fs::File::open(file).map_err(|e| {
            let failure = Failure::read(format_args!("cannot open the card file {}", file.display()), &e);
            match e.kind() {
                std::io::ErrorKind::NotFound => {
                    failure.hint("check the file name, or pass - to read the card from standard input")
                }
                _ => failure,
            }
        })?;
        f.take(limit)
            .read_to_end(&mut bytes)
            .map_err(|e| Failure::read(format_args!("cannot read the card file {}", file.display()), &e))?;
    }
    Ok(ContactCard::parse_bytes(&bytes)?)
}

fn add(ctx: &Ctx, file: &PathBuf) -> anyhow::Result<()> {
    let own = home::own_card(&ctx.home)?;
    let card = read_card(file)?;
    if card.installation_id == own.installation_id || card.fingerprint() == own.fingerprint() {
        return Err(Failure::new(Code::OwnCard, "this is the contact card of this installation itself")
            .hint("add the card of the colleague's installation (the output of `bemx id show` on their PC)")
            .into());
    }
    let mut contacts = Contacts::load(ctx.home.root())?;
    let fingerprint = card.fingerprint();
    // Ask only when the card is new and could be trusted; an identical or
    // conflicting card is settled by `Contacts::add` without a question.
    let known = contacts.list().iter().any(|c| {
        let k = &c.card;
        k.installation_id == card.installation_id
            || bemx_identity::names_look_alike(&k.name, &card.name)
            || k.signing_key == card.signing_key
            || k.age_recipient == card.age_recipient
    });
    if !known {
        ctx.out.note(format!("Contact card of \"{}\"\nFingerprint: {fingerprint}", card.name));
        let question = format!("Did you compare this fingerprint with {} by phone or in person?", card.name);
        let hint = format!(
            "compare the fingerprint {fingerprint} with {} by phone or in person, then run the command again with --yes",
            card.name
        );
        if !prompt::confirm(ctx.yes, &question, &hint)? {
            return Err(Failure::new(Code::NotConfirmed, format!("{} was not added", card.name))
                .hint("compare the fingerprint first; a card with a wrong fingerprint may come from someone else")
                .into());
        }
    }
    let outcome = contacts.add(card.clone())?;
    let state = match outcome {
        AddOutcome::AlreadyTrusted => "already_trusted",
        _ => "added",
    };
    if ctx.out.is_json() {
        return ctx.out.json(&serde_json::json!({ "outcome": state, "contact": card.to_json_value() }));
    }
    match outcome {
        AddOutcome::AlreadyTrusted => {
            ctx.out.line(format!("{} ({fingerprint}) is already a trusted contact; nothing changed.", card.name))
        }
        _ => {
            ctx.out.line(format!("Added {} ({fingerprint}) to the trusted contacts.", card.name))?;
            ctx.out.advice(format!("You can now export clients to it: `bemx export --to \"{}\" ...`", card.name))
        }
    }
}

fn list(ctx: &Ctx) -> anyhow::Result<()> {
    home::own_card(&ctx.home)?;
    let contacts = Contacts::load(ctx.home.root())?;
    if ctx.out.is_json() {
        let items: Vec<serde_json::Value> = contacts
            .list()
            .iter()
            .map(|c| {
                let mut v = c.card.to_json_value();
                if let Some(obj) = v.as_object_mut() {
                    obj.insert("added_at".into(), serde_json::Value::String(c.added_at.clone()));
                }
                v
            })
            .collect();
        return ctx.out.json(&items);
    }
    if contacts.list().is_empty() {
        ctx.out.line("No trusted contacts yet.")?;
        return ctx.out.advice("Add a colleague's contact card with `bemx contacts add FILE`.");
    }
    let rows: Vec<Vec<String>> = contacts
        .list()
        .iter()
        .map(|c| {
            vec![
                c.name().to_owned(),
                c.fingerprint().to_string(),
                c.card.installation_id.hyphenated().to_string(),
                c.added_at.clone(),
            ]
        })
        .collect();
    ctx.out.line(table(&["NAME", "FINGERPRINT", "INSTALLATION", "ADDED"], &rows))
}

fn remove(ctx: &Ctx, fingerprint: &str) -> anyhow::Result<()> {
    home::own_card(&ctx.home)?;
    let fingerprint = Fingerprint::parse(fingerprint)?;
    let mut contacts = Contacts::load(ctx.home.root())?;
    let removed = contacts.remove(&fingerprint)?;
    if ctx.out.is_json() {
        return ctx.out.json(&serde_json::json!({ "removed": removed.card.to_json_value() }));
    }
    ctx.out.line(format!("Removed {} ({}) from the trusted contacts.", removed.name(), removed.fingerprint()))
}
