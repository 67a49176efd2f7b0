//! The installation passphrase: typed without echo, or taken from the
//! environment variable `BEMX_PASSPHRASE` (for scripts). Never printed.
//!
//! The value is held only in zeroizing memory ([`SecretString`]). The
//! environment variable itself stays set for the life of the process: the
//! workspace forbids unsafe code, and `std::env::remove_var` is unsafe in
//! edition 2024 (and would leave the original bytes in place anyway, see
//! [`bemx_identity::passphrase_from_env`]). What keeps it from spreading is
//! that bemx starts no child process, which would inherit it; the test
//! `tests::the_cli_starts_no_child_process` holds that in place. A command
//! that ever needs to start one must call `env_remove(PASSPHRASE_ENV)` on it.

use std::io::IsTerminal as _;
use std::path::Path;

use anyhow::Context as _;
use bemx_identity::{PASSPHRASE_ENV, PassphraseSource, SecretString, needs_passphrase, passphrase_from_env};
use zeroize::Zeroize as _;

use crate::i18n::fl;
use crate::{Code, Failure};

fn from_env() -> anyhow::Result<Option<SecretString>> {
    Ok(passphrase_from_env()?)
}

/// Asks with `prompt` (a space is put after it) without echo.
fn ask(prompt: &str) -> anyhow::Result<SecretString> {
    let mut typed =
        rpassword::prompt_password(format!("{prompt} ")).with_context(|| fl!("cli-passphrase-read-failed"))?;
    let secret = SecretString::from(typed.as_str());
    typed.zeroize();
    Ok(secret)
}

fn no_terminal() -> anyhow::Error {
    Failure::new(Code::NotATerminal, fl!("cli-passphrase-no-terminal"))
        .hint(fl!("cli-passphrase-no-terminal-hint", variable = PASSPHRASE_ENV))
        .into()
}

/// Where to take the passphrase from to load the identity in `home`: none
/// if its keys are not protected, else the environment or the terminal.
pub fn for_loading(home: &Path) -> anyhow::Result<PassphraseSource> {
    if !needs_passphrase(home)? {
        return Ok(PassphraseSource::None);
    }
    if let Some(secret) = from_env()? {
        return Ok(PassphraseSource::Value(secret));
    }
    if !std::io::stdin().is_terminal() {
        return Err(no_terminal());
    }
    Ok(PassphraseSource::Value(ask(&fl!("cli-passphrase-prompt"))?))
}

/// A new passphrase for `init --passphrase`: from the environment, or typed
/// twice on the terminal.
pub fn new_passphrase() -> anyhow::Result<SecretString> {
    use age::secrecy::ExposeSecret as _;
    if let Some(secret) = from_env()? {
        return Ok(secret);
    }
    if !std::io::stdin().is_terminal() {
        return Err(no_terminal());
    }
    let first = ask(&fl!("cli-passphrase-new-prompt"))?;
    if first.expose_secret().is_empty() {
        return Err(Failure::new(Code::PassphraseEmpty, fl!("cli-passphrase-empty"))
            .hint(fl!("cli-passphrase-empty-hint"))
            .into());
    }
    let second = ask(&fl!("cli-passphrase-again-prompt"))?;
    if first.expose_secret() != second.expose_secret() {
        return Err(Failure::new(Code::PassphrasesDiffer, fl!("cli-passphrases-differ"))
            .hint(fl!("cli-passphrases-differ-hint"))
            .into());
    }
    Ok(first)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    /// `BEMX_PASSPHRASE` cannot be removed from bemx's own environment
    /// without unsafe code (see the module comment), so the guarantee is that
    /// it reaches no other program: bemx starts none. This fails as soon as
    /// any source file of the binary starts a process; such a change
    /// must strip the variable from the child (`env_remove`) and update this
    /// test.
    #[test]
    fn the_cli_starts_no_child_process() {
        fn walk(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
            for entry in std::fs::read_dir(dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    walk(&path, out);
                } else if path.extension().is_some_and(|e| e == "rs") {
                    out.push(path);
                }
            }
        }
        // The binary's own sources and those of every workspace crate it
        // links (the bench crate, which runs tools, is not linked).
        let crates = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf();
        let mut files = Vec::new();
        for name in ["cli", "db", "demo", "format", "identity", "import", "install", "pack", "unpack"] {
            walk(&crates.join(name).join("src"), &mut files);
        }
        assert!(files.len() > 40, "found the sources: {files:?}");
        // Spelled in pieces so this file does not match itself.
        let needles = [["process::", "Command"].concat(), ["Command", "::new"].concat(), ["exec", "vp"].concat()];
        for file in files {
            let text = std::fs::read_to_string(&file).unwrap();
            for needle in &needles {
                assert!(!text.contains(needle.as_str()), "{} contains {needle}", file.display());
            }
        }
    }
}
