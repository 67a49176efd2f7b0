//! Yes/no questions on the terminal. `--yes` answers them all; without a
//! terminal (a script, a pipe) and without `--yes`, bemx refuses rather
//! than guess.

use std::io::{BufRead as _, IsTerminal as _, Write as _};

use anyhow::Context as _;

use crate::i18n::fl;
use crate::{Code, Failure};

/// Asks `question` (" [y/N]", in German " [j/N]", is appended) on stderr
/// and reads the answer from stdin. `--yes` answers yes without asking.
/// Anything but y/yes/j/ja (in either language, so that neither a German
/// nor an English habit fails) is no.
///
/// Without a terminal on stdin, refuses with `hint_without_terminal`, which
/// should tell the user what to check before passing `--yes`.
pub fn confirm(yes: bool, question: &str, hint_without_terminal: &str) -> anyhow::Result<bool> {
    if yes {
        return Ok(true);
    }
    let stdin = std::io::stdin();
    if !stdin.is_terminal() {
        return Err(Failure::new(Code::NotATerminal, fl!("cli-confirm-no-terminal"))
            .hint(hint_without_terminal)
            .into());
    }
    let mut err = std::io::stderr().lock();
    let choices = fl!("cli-confirm-choices");
    write!(err, "{question} {choices} ").and_then(|()| err.flush()).with_context(|| fl!("cli-confirm-write-failed"))?;
    drop(err);
    let mut answer = String::new();
    stdin.lock().read_line(&mut answer).with_context(|| fl!("cli-confirm-read-failed"))?;
    Ok(matches!(answer.trim().to_lowercase().as_str(), "y" | "yes" | "j" | "ja"))
}
