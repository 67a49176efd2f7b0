//! `bemx contacts`: the installations this one trusts, pinned by fingerprint.

use std::io::Read as _;
use std::path::PathBuf;

use bemx_identity::{AddOutcome, ContactCard, Contacts, Fingerprint, MAX_CARD_BYTES};
use clap::Subcommand;

use crate::i18n::fl;
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
            .map_err(|e| Failure::read(fl!("cli-card-stdin-read-failed"), &e))?;
    } else {
        let f = std::fs::File::open(file).map_err(|e| {
            let failure = Failure::read(fl!("cli-card-open-failed", file = file.display().to_string()), &e);
            match e.kind() {
                std::io::ErrorKind::NotFound => failure.hint(fl!("cli-card-not-found-hint")),
                _ => failure,
            }
        })?;
        f.take(limit)
            .read_to_end(&mut bytes)
            .map_err(|e| Failure::read(fl!("cli-card-read-failed", file = file.display().to_string()), &e))?;
    }
    Ok(ContactCard::parse_bytes(&bytes)?)
}

fn add(ctx: &Ctx, file: &PathBuf) -> anyhow::Result<()> {
    let own = home::own_card(&ctx.home)?;
    let card = read_card(file)?;
    if card.installation_id == own.installation_id || card.fingerprint() == own.fingerprint() {
        return Err(Failure::new(Code::OwnCard, fl!("cli-card-own")).hint(fl!("cli-card-own-hint")).into());
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
        let (name, shown) = (card.name.as_str(), fingerprint.to_string());
        ctx.out.note(fl!("cli-card-shown", name = name, fingerprint = shown.as_str()));
        let question = fl!("cli-card-question", name = name);
        let hint = fl!("cli-card-question-hint", name = name, fingerprint = shown.as_str());
        if !prompt::confirm(ctx.yes, &question, &hint)? {
            return Err(Failure::new(Code::NotConfirmed, fl!("cli-card-not-added", name = name))
                .hint(fl!("cli-card-not-added-hint"))
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
        AddOutcome::AlreadyTrusted => ctx.out.line(fl!(
            "cli-contact-already-trusted",
            name = card.name.as_str(),
            fingerprint = fingerprint.to_string()
        )),
        _ => {
            ctx.out.line(fl!("cli-contact-added", name = card.name.as_str(), fingerprint = fingerprint.to_string()))?;
            ctx.out.advice(fl!("cli-contact-added-advice", name = card.name.as_str()))
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
        ctx.out.line(fl!("cli-contacts-none"))?;
        return ctx.out.advice(fl!("cli-contacts-none-advice"));
    }
    let rows: Vec<Vec<String>> = contacts
        .list()
        .iter()
        .map(|c| {
            vec![
                c.name().to_owned(),
                c.fingerprint().to_string(),
                c.card.installation_id.hyphenated().to_string(),
                bemx_i18n::datetime_of(&c.added_at),
            ]
        })
        .collect();
    let header = [
        fl!("cli-contacts-header-name"),
        fl!("cli-contacts-header-fingerprint"),
        fl!("cli-contacts-header-installation"),
        fl!("cli-contacts-header-added"),
    ];
    ctx.out.line(table(&header.each_ref().map(String::as_str), &rows))
}

fn remove(ctx: &Ctx, fingerprint: &str) -> anyhow::Result<()> {
    home::own_card(&ctx.home)?;
    let fingerprint = Fingerprint::parse(fingerprint)?;
    let mut contacts = Contacts::load(ctx.home.root())?;
    let removed = contacts.remove(&fingerprint)?;
    if ctx.out.is_json() {
        return ctx.out.json(&serde_json::json!({ "removed": removed.card.to_json_value() }));
    }
    ctx.out.line(fl!("cli-contact-removed", name = removed.name(), fingerprint = removed.fingerprint().to_string()))
}
