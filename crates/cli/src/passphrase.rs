//! The installation passphrase: typed without echo, or taken from the
//! environment variable `BEMX_PASSPHRASE` (for scripts). Never printed.

use std::io::IsTerminal as _;
use std::path::Path;

use anyhow::Context as _;
use bemx_identity::{PASSPHRASE_ENV, PassphraseSource, SecretString, needs_passphrase};
use zeroize::Zeroize as _;

use crate::Failure;

fn from_env() -> Option<SecretString> {
    let mut value = std::env::var(PASSPHRASE_ENV).ok()?;
    let secret = (!value.is_empty()).then(|| SecretString::from(value.as_str()));
    value.zeroize();
    secret
}

fn ask(prompt: &str) -> anyhow::Result<SecretString> {
    let mut typed = rpassword::prompt_password(prompt).context("cannot read the passphrase from the terminal")?;
    let secret = SecretString::from(typed.as_str());
    typed.zeroize();
    Ok(secret)
}

fn no_terminal() -> anyhow::Error {
    Failure::new("this needs the installation's passphrase, but the input is not a terminal")
        .hint(format!("run the command in a terminal, or set {PASSPHRASE_ENV}"))
        .into()
}

/// Where to take the passphrase from to load the identity in `home`: none
/// if its keys are not protected, else the environment or the terminal.
pub fn for_loading(home: &Path) -> anyhow::Result<PassphraseSource> {
    if !needs_passphrase(home)? {
        return Ok(PassphraseSource::None);
    }
    if let Some(secret) = from_env() {
        return Ok(PassphraseSource::Value(secret));
    }
    if !std::io::stdin().is_terminal() {
        return Err(no_terminal());
    }
    Ok(PassphraseSource::Value(ask("Passphrase of this installation: ")?))
}

/// A new passphrase for `init --passphrase`: from the environment, or typed
/// twice on the terminal.
pub fn new_passphrase() -> anyhow::Result<SecretString> {
    use age::secrecy::ExposeSecret as _;
    if let Some(secret) = from_env() {
        return Ok(secret);
    }
    if !std::io::stdin().is_terminal() {
        return Err(no_terminal());
    }
    let first = ask("New passphrase for this installation: ")?;
    if first.expose_secret().is_empty() {
        return Err(Failure::new("the passphrase is empty")
            .hint("choose a passphrase, or leave out --passphrase to store the keys unprotected")
            .into());
    }
    let second = ask("Type it again: ")?;
    if first.expose_secret() != second.expose_secret() {
        return Err(Failure::new("the two passphrases differ").hint("run `bemx init --passphrase` again").into());
    }
    Ok(first)
}
